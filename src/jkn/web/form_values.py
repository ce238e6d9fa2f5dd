"""Numbers and dates typed in the pages' forms, bounded as the REST API bounds them
(jkn.services.bounds: ``Rupiah``, ``Persons``, ``Members``, ``JknDate``), with the error said in the
page's language and nothing computed for a value out of bounds."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from pydantic import TypeAdapter, ValidationError

from jkn.i18n import Msg
from jkn.services import bounds
from jkn.services.errors import DomainError, Invalid

_RUPIAH = TypeAdapter(bounds.Rupiah)
_PERSONS = TypeAdapter(bounds.Persons)
_MEMBERS = TypeAdapter(bounds.Members)
_DATE = TypeAdapter(bounds.JknDate)
#: a whole number written in groups of three (``6.500.000``, ``6,500,000``)
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")


def _bounded(adapter: TypeAdapter, value: int, field: str, label: Msg, low: int, high: int) -> int:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        raise Invalid(Msg("form.out_of_bounds", what=label, low=low, high=high), field=field) from None


def whole_number(form: dict, name: str, label: Msg, default: int | None = None, *, kind: str = "rupiah") -> int | None:
    """A whole number of rupiah (``kind="rupiah"``), persons or additional members; thousands dots (or commas)
    allowed where they group by three (``6.500.000``), never as a decimal sign (``6.500.000,50`` is refused,
    not read as 650.000.050)."""
    raw = (form.get(name) or "").strip()
    text = raw.replace(" ", "")
    if not text:
        return default
    negative, body = text.startswith("-"), text.removeprefix("-")
    if not (body.isascii() and (body.isdigit() or _GROUPED.fullmatch(body))):
        raise Invalid(Msg("form.whole_number", what=label, got=raw), field=name)
    text = "-1" if negative else body.replace(".", "").replace(",", "")  # negative: below every bound
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


def in_form_terms(error: DomainError, labels: Mapping[str, Msg]) -> Msg | str:
    """The error's message with the protocol field it names (``tglDaftar``, ``care_type``: the bridging
    answers keep those) said by the page's label for it, in the page's language."""
    label = labels.get(error.details.get("field"))
    said = error.say
    if label is None or not isinstance(said, Msg) or "field" not in said.values:
        return said
    return Msg(said.key, **{**said.values, "field": label})
