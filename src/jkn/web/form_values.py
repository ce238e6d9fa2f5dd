"""Numbers and dates typed in the pages' forms, bounded as the REST API bounds them
(jkn.services.bounds: ``Rupiah``, ``Persons``, ``Members``, ``JknDate``), with the error said in the
page's language and nothing computed for a value out of bounds."""

from __future__ import annotations

import datetime as dt

from pydantic import TypeAdapter, ValidationError

from jkn.i18n import Msg
from jkn.services import bounds
from jkn.services.errors import Invalid

_RUPIAH = TypeAdapter(bounds.Rupiah)
_PERSONS = TypeAdapter(bounds.Persons)
_MEMBERS = TypeAdapter(bounds.Members)
_DATE = TypeAdapter(bounds.JknDate)


def _bounded(adapter: TypeAdapter, value: int, field: str, label: Msg, low: int, high: int) -> int:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        raise Invalid(Msg("form.out_of_bounds", what=label, low=low, high=high), field=field) from None


def whole_number(form: dict, name: str, label: Msg, default: int | None = None, *, kind: str = "rupiah") -> int | None:
    """A whole number of rupiah (``kind="rupiah"``), persons or additional members; thousands dots allowed."""
    raw = (form.get(name) or "").strip()
    text = raw.replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        return default
    if text.startswith("-") and text[1:].isascii() and text[1:].isdigit():
        text = "-1"  # a whole number, below every bound: said as out of bounds, not as "not a whole number"
    elif not (text.isascii() and text.isdigit()):
        raise Invalid(Msg("form.whole_number", what=label, got=raw), field=name)
    if len(text) > 20:  # far beyond every bound: no need to build the number
        text = "9" * 20
    adapter, low, high = {"rupiah": (_RUPIAH, 0, bounds.MAX_RUPIAH),
                          "persons": (_PERSONS, 1, bounds.MAX_FAMILY_MEMBERS + 1),
                          "members": (_MEMBERS, 0, bounds.MAX_FAMILY_MEMBERS)}[kind]
    return _bounded(adapter, int(text), name, label, low, high)


def read_version(text: str) -> int | None:
    """The version of a record the form was read at (the optimistic lock); none sent: no check. Anything
    else than a whole number is refused, not taken as none (which would skip the check)."""
    text = (text or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise Invalid(Msg("form.whole_number", what=Msg("form.version"), got=text[:20]), field="version")
    return int(text)


def jkn_date(form: dict, name: str, label: Msg, *, required: bool = True) -> dt.date | None:
    """A date of JKN's span (2014-01-01 to the horizon), as the API's ``JknDate``."""
    raw = (form.get(name) or "").strip()
    if not raw and not required:
        return None
    try:
        return _DATE.validate_python(dt.date.fromisoformat(raw))
    except ValueError:  # not a date (fromisoformat), or outside JKN's span (ValidationError is a ValueError)
        raise Invalid(Msg("form.date", what=label, first=bounds.JKN_START, last=bounds.horizon()), field=name) from None
