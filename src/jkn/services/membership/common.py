"""Helpers shared by the membership and billing use cases (not a use case itself)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.i18n import DEFAULT_LANGUAGE, Msg
from jkn.i18n.catalogue import catalogue
from jkn.rules.decision import RuleError
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.store.membership_tables import EmployerRow, FamilyRow, ParticipantRow

JAKARTA = ZoneInfo("Asia/Jakarta")
SYSTEM_ACTOR = "system"

#: Fields of a participant kept in the audit history (and shown by the as-of view).
TRACKED_FIELDS = (
    "card_number", "nik", "name", "sex", "birth_date", "nationality", "stay_permit", "work_started", "marital_status",
    "address", "kabkota_code", "branch_code", "segment", "employer_id", "wage", "pension", "grade", "rank",
    "care_class", "fktp_code", "fktp_since", "family_id", "relationship", "member_status", "in_school",
    "education_until", "has_income", "payer_id", "status", "status_reason", "tmt", "end_date", "card_print",
)

T = TypeVar("T")

#: ``status_reason`` as written before it was a code (kept readable): the English text → its code
_OLD_REASONS = {"deceased": "DECEASED", "divorced": "DIVORCED", "child deceased (replaced)": "CHILD_DECEASED_REPLACED",
                "replaced: married": "REPLACED_MARRIED", "replaced: has income": "REPLACED_HAS_INCOME",
                "replaced: aged out": "REPLACED_AGED_OUT"}


def status_reason(stored: str | None) -> "Msg | str | None":
    """Why a participant's cover ended, in the reader's language: the code stored in ``status_reason``
    (``DECEASED``...) named by the catalogue; a free text of an older row is shown as it was written."""
    if not stored:
        return None
    code = _OLD_REASONS.get(stored, stored)
    return Msg(f"status_reason.{code}") if f"status_reason.{code}" in catalogue(DEFAULT_LANGUAGE) else stored


def jakarta_today() -> dt.date:
    """Today's calendar date in Asia/Jakarta (architecture.md: dates are Jakarta dates)."""
    return dt.datetime.now(JAKARTA).date()


def month_date(month: Month | dt.date) -> dt.date:
    """A month as stored: its first day."""
    return month.first_day if isinstance(month, Month) else dt.date(month.year, month.month, 1)


def as_month(value: "Month | dt.date | str") -> Month:
    if isinstance(value, Month):
        return value
    if isinstance(value, dt.date):
        return Month.of(value)
    try:
        return Month.parse(value)
    except ValueError as exc:
        raise Invalid(str(exc), field="month") from None


def jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def snapshot(p: ParticipantRow) -> dict[str, Any]:
    return {f: jsonable(getattr(p, f)) for f in TRACKED_FIELDS}


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def rule(call: Callable[..., T], *args, field: str | None = None, **kwargs) -> T:
    """Call a rule; a ``RuleError`` (bad input to the rule) becomes a 422 ``Invalid``."""
    try:
        return call(*args, **kwargs)
    except RuleError as exc:
        details = {"field": field} if field else {}
        raise Invalid(exc.msg or str(exc), code="rule", **details) from None


def check_version(row: Any, expected: int | None, what: Msg) -> None:
    """Optimistic lock: the caller saw ``expected``; refuse if the row has moved on (409)."""
    if expected is not None and row.version != expected:
        raise Conflict(Msg("error.membership.stale_version", what=what, version=str(row.version),
                           expected=expected), current_version=row.version)


def one(session: Session, stmt, for_update: bool, missing: Msg):
    """The one row ``stmt`` selects (locked with ``for_update``), or NotFound with ``missing``."""
    row = session.scalar(stmt.with_for_update() if for_update else stmt)
    if row is None:
        raise NotFound(missing)
    return row


def get_participant(session: Session, card_or_id: str | int, *, for_update: bool = False) -> ParticipantRow:
    stmt = select(ParticipantRow)
    if isinstance(card_or_id, int):
        stmt = stmt.where(ParticipantRow.id == card_or_id)
    else:
        key = str(card_or_id).strip()
        stmt = stmt.where(ParticipantRow.nik == key) if len(key) == 16 else stmt.where(ParticipantRow.card_number == key)
    return one(session, stmt, for_update, Msg("error.membership.participant_not_found", number=str(card_or_id)))


def get_employer(session: Session, code_or_id: str | int, *, for_update: bool = False) -> EmployerRow:
    stmt = select(EmployerRow)
    stmt = stmt.where(EmployerRow.id == code_or_id) if isinstance(code_or_id, int) else stmt.where(EmployerRow.code == str(code_or_id).strip())
    return one(session, stmt, for_update, Msg("error.membership.employer_not_found", code=str(code_or_id)))


def get_family(session: Session, family_id: int, *, for_update: bool = False) -> FamilyRow:
    stmt = select(FamilyRow).where(FamilyRow.id == family_id)
    return one(session, stmt, for_update, Msg("error.membership.family_not_found", id=str(family_id)))
