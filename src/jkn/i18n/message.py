"""A message to be read later, in the reader's language: a catalogue key and its values.

Rules are pure and do not know who reads them; they return ``Msg("penalty.capped", cap=...)`` and the
page, the API (``Accept-Language``) or the CLI renders it. Values may be messages themselves, rupiah
amounts (:class:`jkn.domain.money` ints are plain ints: wrap them with :func:`Msg.rupiah`), dates or
months; each is formatted in the reader's locale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from jkn.i18n.catalogue import text
from jkn.i18n.formats import format_date, format_month, format_number, format_rupiah


@dataclass(frozen=True, slots=True)
class Rp:
    """An amount in rupiah, formatted as money in the reader's locale (``Rp 5.500.000``)."""

    amount: int


@dataclass(frozen=True, slots=True)
class Msg:
    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def __init__(self, key: str, /, **values: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", values)

    def __hash__(self) -> int:
        return hash((self.key, tuple(sorted((k, repr(v)) for k, v in self.values.items()))))

    def render(self, lang: str) -> str:
        return text(lang, self.key, **{k: render(v, lang) for k, v in self.values.items()})

    def __str__(self) -> str:
        return self.render("id")


def N_(key: str, /, **values: Any) -> Msg:
    """Mark a catalogue key for extraction and make a :class:`Msg` of it."""
    return Msg(key, **values)


def render(value: Any, lang: str) -> Any:
    """A value as the reader reads it: messages translated, money, dates and months formatted."""
    if type(value) is str:  # the commonest value, read as it is
        return value
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, Rp):
        return format_rupiah(value.amount, lang)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, Decimal):
        return format_number(value, lang)
    if type(value).__name__ == "Month":
        return format_month(value, lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(render(v, lang)) for v in value)
    return value


def to_json(value: Any) -> Any:
    """A message (or a value of one) as JSON, to be stored and rendered later in another language."""
    if isinstance(value, Msg):
        return {"msg": value.key, "values": {k: to_json(v) for k, v in value.values.items()}}
    if isinstance(value, Rp):
        return {"rp": value.amount}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if type(value).__name__ == "Month":
        return {"month": str(value)}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def from_json(value: Any) -> Any:
    """The inverse of :func:`to_json`."""
    if isinstance(value, dict):
        if "msg" in value:
            return Msg(value["msg"], **{k: from_json(v) for k, v in value.get("values", {}).items()})
        if "rp" in value:
            return Rp(value["rp"])
        if "decimal" in value:
            return Decimal(value["decimal"])
        if "date" in value:
            return date.fromisoformat(value["date"])
        if "month" in value:
            from jkn.domain.month import Month

            return Month.parse(value["month"])
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value
