"""Helpers shared by the care-flow use cases (facilities, primary care, referrals, SEP).

Not a use case itself: dates, number serials, participant and facility lookups, and the
transaction wrapper that turns database and rule errors into domain errors.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import String, bindparam, cast, func, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jkn.domain.timestamps import utcnow
from jkn.i18n import Msg, N_, to_json
from jkn.reference import care_codes
from jkn.rules.decision import Step, background
from jkn.services.errors import DomainError, Invalid, NotFound
from jkn.services.portal import audit
from jkn.store.care_tables import CareSerialRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import ParticipantRow
from jkn.store.prepared import PreparedRead, PreparedWrite, default_value
from jkn.store.reference_tables import KabKotaRow

JAKARTA = ZoneInfo("Asia/Jakarta")
CARD_RE = re.compile(r"[0-9]{13}")
NIK_RE = re.compile(r"[0-9]{16}")
FACILITY_CODE_RE = re.compile(r"[0-9A-Z]{8}")
#: Letters of the 19-character numbers (docs/care-flow.md "Numbers").
LETTER_SEP, LETTER_FKTP_REFERRAL, LETTER_HOSPITAL_REFERRAL, LETTER_CONTROL = "V", "Y", "B", "K"
#: An internal referral's letter (VClaim ``SEP/Internal`` ``nosurat``, e.g. "0905R0031120N000922").
LETTER_INTERNAL = "N"


def jakarta_today() -> dt.date:
    return dt.datetime.now(JAKARTA).date()


def month_span(year: "int | str", month: "int | str") -> tuple[dt.date, dt.date]:
    """The first and last day of a calendar month given as numbers (``Invalid`` otherwise)."""
    try:
        first = dt.date(int(year), int(month), 1)
    except (TypeError, ValueError):
        raise Invalid(Msg("error.care.month_year"), field="bulan") from None
    after = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, after - dt.timedelta(days=1)


def jakarta_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants at which a Jakarta calendar day starts and the next one starts."""
    start = dt.datetime.combine(day, dt.time(), JAKARTA)
    return start.astimezone(dt.timezone.utc), (start + dt.timedelta(days=1)).astimezone(dt.timezone.utc)


def jakarta_date_of(instant: dt.datetime) -> dt.date:
    """The Jakarta calendar date of a stored instant (naive values are UTC, as SQLite returns them)."""
    aware = instant if instant.tzinfo else instant.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(JAKARTA).date()


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: "dt.date | str | None", field: str, *, required: bool = True) -> dt.date | None:
    """A calendar date from ``YYYY-MM-DD``; Invalid names the field otherwise."""
    if value is None or value == "":
        if required:
            raise Invalid(Msg("error.care.date_required", field=field), field=field)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not _ISO_DATE.fullmatch(text):
        raise Invalid(Msg("error.care.date_format", field=field, value=repr(value)), field=field)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(Msg("error.care.not_a_date", field=field, value=repr(value)), field=field) from None


def next_number(session: Session, facility_code: str, letter: str, on: dt.date) -> str:
    """Next 19-character number: facility code (8) + MMYY + letter + 6-digit serial.

    The serial counts per facility, month and letter; one atomic upsert, so two concurrent
    transactions never get the same number (PostgreSQL and SQLite both run it as one statement).
    """
    prefix = number_prefix(facility_code, letter, on)
    return numbered(prefix, next_serial(session, prefix))


def number_prefix(facility_code: str, letter: str, on: dt.date) -> str:
    """The first 13 characters of a number (:func:`next_number`): facility code + MMYY + letter."""
    if not FACILITY_CODE_RE.fullmatch(facility_code):
        raise Invalid(Msg("error.care.facility_code_numbering", facility_code=repr(facility_code)))
    return f"{facility_code}{on:%m%y}{letter}"


def numbered(prefix: str, serial: int) -> str:
    """The number of ``serial`` under ``prefix`` (6 digits; Invalid past 999,999)."""
    if serial > 999_999:
        raise Invalid(Msg("error.care.numbers_exhausted", prefix=prefix))
    return f"{prefix}{serial:06d}"


def insert_numbered(session: Session, table, values: dict, prefix: str, audit_row: dict) -> str | None:
    """Insert the row ``values`` of ``table`` numbered (its ``number`` the next of ``prefix``, as
    :func:`next_number` numbers) with its audit row (``audit_row``: :func:`audit.columns`, its object
    the number), unless the row breaks a unique key: its number, or None — nothing inserted then (the
    serial taken goes with the caller's transaction when it rolls back). On PostgreSQL the counter, the
    row and the audit row are one statement, the number written by :func:`_number_sql`; elsewhere three."""
    if session.get_bind().dialect.name != "postgresql":
        number = numbered(prefix, next_serial(session, prefix))
        if not insert_if_new(session, table, {**values, "number": number}):
            return None
        audit.insert_row(session, {**audit_row, "object_id": number})
        return number
    values = {**_python_defaults(table, values), **values}  # an INSERT … SELECT takes none of its own
    row = PreparedWrite.first(session, _numbered_statement(table, tuple(values), tuple(audit_row)), {
        **values, **audit.parameters(audit_row), "prefix": prefix, "audit_at": utcnow()})
    number = numbered(prefix, row.serial)  # refused past 999,999, rolled back with the caller's transaction
    return number if row.number is not None else None


def _python_defaults(table, values: dict) -> dict:
    """The Python-side defaults of ``table``'s columns not in ``values``, as an INSERT … VALUES would set them."""
    return {key: default_value(default) for key, default in _defaulted(table, frozenset(values))}


@lru_cache(maxsize=256)
def _defaulted(table, given: frozenset) -> tuple:
    """(key, default) of ``table``'s columns with a Python-side default, not ``given`` (one pass over an SEP's
    fifty columns per set of given columns, not per insert)."""
    return tuple((c.key, c.default) for c in table.columns
                 if c.default is not None and not c.default.is_sequence and c.key not in given and c.key != "number")


def _number_sql(prefix, serial):
    """:func:`numbered`'s number in SQL (the serial is checked in Python after the statement)."""
    return prefix + func.lpad(cast(serial, String), 6, "0")


_NUMBERED: dict = {}


def _numbered_statement(table, keys: tuple, audit_keys: tuple):
    """PostgreSQL: the counter's upsert, the row's insert with its number (skipped if it breaks a unique
    key), the row's audit row; answering (serial, number, audit_id), number None when skipped (built once
    per table and set of columns, sent prepared)."""
    key = (table.name, keys, audit_keys)
    if key not in _NUMBERED:
        serial = serial_upsert(pg_insert, bindparam("prefix")).cte("serial")
        given = [k for k in keys if k != "number"]
        rows = select(*(bindparam(k, type_=table.c[k].type) for k in given),
                      _number_sql(bindparam("prefix", type_=String), serial.c.last))
        inserted = (pg_insert(table).from_select(given + ["number"], rows).on_conflict_do_nothing()
                    .returning(table.c.number).cte("inserted"))
        audited = audit.inserted_with(inserted, audit_keys, bindparam("audit_at", type_=audit.TABLE.c.at.type),
                                      object_id=inserted.c.number)
        _NUMBERED[key] = select(serial.c.last.label("serial"), inserted.c.number, audited.c.id.label("audit_id")
                                ).select_from(serial.outerjoin(inserted, true()).outerjoin(audited, true()))
    return _NUMBERED[key]


def dialect_insert(session: Session, table):
    """An INSERT of the session's database (PostgreSQL or SQLite), which has ``on_conflict_do_*``."""
    return (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(table)


_BUILT: dict[tuple[str, str], object] = {}  # statements of each database, built once (compiled forms are cached)


def _built(session: Session, name: str, build):
    """The statement ``build(insert)`` for the session's database (its INSERT has ``on_conflict_do_*``)."""
    dialect = session.get_bind().dialect.name
    stmt = _BUILT.get((name, dialect))
    if stmt is None:
        stmt = _BUILT[(name, dialect)] = build(lambda table: dialect_insert(session, table))
    return stmt


def insert_if_new(session: Session, table, values: dict) -> bool:
    """Insert one row of ``table`` unless a unique key already holds one (one statement); False
    then. PostgreSQL waits for a concurrent writer of that key to end first."""
    stmt = _built(session, f"{table.name}:if_new", lambda insert: insert(table).on_conflict_do_nothing().returning(
        *table.primary_key.columns))
    return PreparedWrite.first(session, stmt, values) is not None


_SERIAL = CareSerialRow.__table__


def next_serial(session: Session, prefix: str) -> int:
    """The next serial of ``prefix`` (1, 2, ...): one atomic upsert, so two concurrent transactions
    never get the same one (the row stays locked by the first until it ends)."""
    stmt = _built(session, "care_serial:next", lambda insert: serial_upsert(insert, bindparam("prefix")))
    return PreparedWrite.first(session, stmt, {"prefix": prefix})[0]


def serial_upsert(insert, prefix):
    """The upsert taking the next serial of ``prefix`` (a bound parameter), answering it as ``last``:
    ``insert`` is the database's INSERT (:func:`dialect_insert`); a statement, or a CTE of a larger one
    (the number written with what it numbers, :func:`insert_numbered`, Antrean's entries)."""
    return (insert(_SERIAL).values(prefix=prefix, last=1)
            .on_conflict_do_update(index_elements=["prefix"], set_={"last": _SERIAL.c.last + 1})
            .returning(_SERIAL.c.last))


def valid_card(card_number: str | None) -> str:
    """The card number, stripped; 422 unless it has 13 digits."""
    card = (card_number or "").strip()
    if not CARD_RE.fullmatch(card):
        raise Invalid(Msg("error.care.card_number_format", card_number=repr(card_number)), field="noKartu")
    return card


def valid_nik(nik: str | None) -> str:
    """The NIK, stripped; 422 unless it has 16 digits."""
    n = (nik or "").strip()
    if not NIK_RE.fullmatch(n):
        raise Invalid(Msg("error.care.nik_format", nik=repr(nik)), field="nik")
    return n


def participant_by_card(session: Session, card_number: str) -> ParticipantRow:
    card = valid_card(card_number)
    row = session.scalar(select(ParticipantRow).where(ParticipantRow.card_number == card))
    if row is None:
        raise NotFound(Msg("error.participant.unknown_card", card_number=str(card)), field="noKartu")
    return row


def participant_by_nik(session: Session, nik: str) -> ParticipantRow:
    n = valid_nik(nik)
    row = session.scalar(select(ParticipantRow).where(ParticipantRow.nik == n))
    if row is None:
        raise NotFound(Msg("error.participant.unknown_nik", n=n), field="nik")
    return row


_FACILITY = FacilityRow.__table__
_KABKOTA = KabKotaRow.__table__
#: A facility's brief columns (:func:`facility` with ``brief=True``), read from :func:`brief_from`.
BRIEF_COLUMNS = (_FACILITY.c.code, _FACILITY.c.name, _FACILITY.c.level, _FACILITY.c.partnership,
                 _FACILITY.c.kabkota_code, _KABKOTA.c.branch_code.label("kabkota_branch_code"))


def brief_from(facility_code=None):
    """The FROM of :data:`BRIEF_COLUMNS`: the facility with its kab/kota; ``facility_code``, a column of
    another table: that table joined to the facility it names (inner: a row without one is not read)."""
    facility = _FACILITY if facility_code is None else facility_code.table.join(
        _FACILITY, _FACILITY.c.code == facility_code)
    return facility.outerjoin(_KABKOTA, _KABKOTA.c.code == _FACILITY.c.kabkota_code)


_BRIEF = PreparedRead(select(*BRIEF_COLUMNS).select_from(brief_from()).where(_FACILITY.c.code == bindparam("code")))


def brief_of(row):
    """The facility's light row (as :func:`facility` with ``brief=True`` gives it) from ``row``, a row of a
    statement that selects :data:`BRIEF_COLUMNS` among others."""
    return _BRIEF.row._make(getattr(row, name) for name in _BRIEF.row._fields)


def facility(session: Session, code: str, field: str = "facility", *, brief: bool = False) -> FacilityRow:
    """The facility of ``code`` (NotFound naming ``field``); ``brief``: only its code, name, level,
    partnership, kab/kota and the branch serving the kab/kota (what its audit row names), as a light
    row (a hot write's look-up, one round trip: no ORM object)."""
    key = (code or "").strip().upper()
    row = _BRIEF.first(session, {"code": key}) if brief else session.get(FacilityRow, key)
    if row is None:
        raise NotFound(Msg("error.facility.unknown", code=repr(code)), field=field)
    return row


def check_diagnosis(code: str, field: str = "diagnosis") -> care_codes.Diagnosis:
    d = care_codes.diagnosis(code or "")
    if d is None:
        raise Invalid(Msg("error.care.diagnosis_unknown", code=repr(code)), field=field)
    return d


def check_poli(code: str | None, field: str = "poli", *, required: bool = True) -> care_codes.Poli | None:
    if not code:
        if required:
            raise Invalid(Msg("error.care.poli_required", field=field), field=field)
        return None
    p = care_codes.polis().get(code.strip().upper())
    if p is None:
        raise Invalid(Msg("error.care.poli_unknown", code=repr(code)), field=field)
    return p


class Refused(DomainError):
    """A care rule says no. ``rule`` is the refusal code (an exclusion code of
    ``rules.coverage.exclusions()`` or a care-flow code); ``explanation`` the cited steps;
    ``message`` ends with the clause the refusal rests on."""

    status = 422

    def __init__(self, message, *, rule: str, explanation: list[dict], **details):
        super().__init__(message, rule=rule, explanation=explanation, **details)
        self.rule = rule
        self.explanation = explanation

    @property
    def code(self) -> str:
        """The refusal code is the machine code of the error."""
        return self.rule


#: The sentence of a refusal: "Tidak dijamin: ..." (any care), "SEP tidak dapat diterbitkan: ..." (an SEP),
#: "Pasien tidak dapat dirujuk: ..." (an emergency patient's transfer), "Rujukan tidak dapat dibuat: ..." (a
#: referral letter), "Surat kontrol tidak dapat dibuat: ..." (a control letter).
REFUSED, SEP_REFUSED, TRANSFER_REFUSED = N_("care.refused"), N_("care.refused.sep"), N_("care.refused.transfer")
REFERRAL_REFUSED, CONTROL_REFUSED = N_("care.refused.referral"), N_("care.refused.control")


def refuse(decision, rule: str | None = None, *, before: list[dict] | None = None, answer: Msg = REFUSED) -> Refused:
    """A Refused from a negative Decision, answered in one sentence (``answer``: REFUSED or SEP_REFUSED) with the reason that decided it; ``before``: the steps of earlier decisions, kept
    as background (none of them decided the refusal)."""
    code = rule or getattr(decision.value, "refusal", None) or "REFUSED"
    said = decision.answer
    reason = said.values.get("reason", said) if isinstance(said, Msg) else Msg("care.refused.no_reason")
    sentence = Msg(answer.key, reason=reason)
    return Refused(str(sentence), rule=code, explanation=background(before) + decision.explain(),
                   answer=to_json(sentence))


def refusal(reason: Msg, *, rule: str, steps: list[dict], decided_by: Step | None = None,
            answer: Msg = REFUSED) -> Refused:
    """A Refused that no single rule Decision makes: the sentence ``answer`` with ``reason``; ``decided_by`` the
    cited step that decides it (then ``steps`` are background), or None when ``steps`` already mark it."""
    sentence = Msg(answer.key, reason=reason)
    explanation = background(steps) + [decided_by.as_dict()] if decided_by else list(steps)
    return Refused(str(sentence), rule=rule, explanation=explanation, answer=to_json(sentence))


def refuse_inactive(elig, day: dt.date, *, answer: Msg = REFUSED) -> Refused:
    """A Refused because cover is not active on ``day`` (the eligibility steps say why)."""
    reason = Msg("care.inactive", card=elig.participant.card_number, day=day, status=elig.status_text)
    return refusal(reason, rule=elig.reason, steps=elig.explanation, answer=answer)
