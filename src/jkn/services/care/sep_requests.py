"""Requests to issue an SEP outside the usual conditions, and fingerprint validations.

VClaim's catalogue (``Sep/pengajuanSEP``, ``Sep/aprovalSEP``, ``Sep/persetujuanSEP/list``;
docs/vclaim.md): a facility asks for an SEP with a past date (``jnsPengajuan`` "1", backdate) or
without the participant's fingerprint validation ("2"). The facility approves a fingerprint
exception itself; a backdate is approved by the branch office serving the facility (assumption
A-V10). One request per facility, participant, SEP date, service type and kind (held by the
database).

Fingerprints are not taken by this system: a validation is the record of the facility's
fingerprint device for a participant and a service date, entered by the facility (assumption
A-V11); ``SEP/FingerPrint/...`` answers from these records only.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.bounds import check_length
from jkn.services.care.common import facility, jakarta_today, month_span, parse_date, participant_by_card
from jkn.services.errors import Conflict, Forbidden, Invalid, NotFound
from jkn.services.paging import page
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import FingerprintValidationRow, SepRequestRow, SepRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import ParticipantRow

#: jnsPengajuan (VClaim): what the facility asks for
KINDS = {"1": "backdate", "2": "fingerprint"}
SERVICE_TYPES = {"1": "Rawat Inap", "2": "Rawat Jalan"}
#: who approves which kind (assumption A-V10)
APPROVED_BY_FACILITY = {"2"}
#: the longest request reason and approval note kept, refused beyond (A-S16)
TEXT_SIZE = 500


def _kind(value: str | None) -> str:
    kind = (value or "").strip()
    if kind not in KINDS:
        raise Invalid(Msg("error.care.request_kind"), field="jnsPengajuan")
    return kind


def _service(value: str | None) -> str:
    service = (value or "").strip()
    if service not in SERVICE_TYPES:
        raise Invalid(Msg("error.care.service_type"), field="jnsPelayanan")
    return service


def _referral_level(session: Session, code: str, field: str) -> FacilityRow:
    fac = facility(session, code, field)
    if fac.level != "FKRTL":
        raise Invalid(Msg("error.care.request_level", code=str(fac.code), level=fac.level), field=field)
    return fac


def request_view(r: SepRequestRow, p: ParticipantRow) -> dict:
    return {"id": r.id, "facility_code": r.facility_code, "card_number": p.card_number, "name": p.name,
            "sep_date": r.sep_date.isoformat(), "service_type": r.service_type, "kind": r.kind,
            "kind_name": KINDS[r.kind], "reason": r.reason, "status": r.status, "created_by": r.created_by,
            "approved_by": r.approved_by, "approval_note": r.approval_note,
            "approved_at": r.approved_at.isoformat() if r.approved_at else None}


def submit_request(session: Session, *, actor: Actor, facility_code: str, card_number: str,
                   sep_date: "dt.date | str", service_type: str, kind: str, reason: str | None) -> dict:
    """Record a facility's request (pending); a second one for the same visit and kind is refused."""
    day = parse_date(sep_date, "tglSep")
    kind, service = _kind(kind), _service(service_type)
    reason = check_length(reason, "keterangan", TEXT_SIZE, Msg("req.reason"))
    if not reason:
        raise Invalid(Msg("error.care.request_reason_required"), field="keterangan")
    if day > jakarta_today():
        raise Invalid(Msg("error.care.request_future", day=day), field="tglSep")
    with unit_of_work(session):
        fac = _referral_level(session, facility_code, "ppkPelayanan")
        p = participant_by_card(session, card_number)
        row = SepRequestRow(facility_code=fac.code, participant_id=p.id, sep_date=day, service_type=service,
                            kind=kind, reason=reason, status="PENDING", created_by=actor.name)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            raise Conflict(Msg("error.care.request_exists", kinds=KINDS[kind], card_number=str(p.card_number),
                               day=day, service_types=SERVICE_TYPES[service]), field="noKartu") from None
        audit.record_at_facility(session, actor, "sep_request.submit", fac, object_type="sep_request",
                                 object_id=row.id,
                                 summary=Msg("audit.sum.sep_request", kind=Msg(f"req.kind.{kind}"), card=p.card_number,
                                             day=day),
                                 after={"card_number": p.card_number, "sep_date": day, "kind": kind})
        return request_view(row, p)


def _approve(session: Session, row: SepRequestRow, actor: Actor, note: str | None) -> dict:
    if row.status == "APPROVED":
        raise Conflict(Msg("error.care.request_approved", id=str(row.id), approved_by=row.approved_by), field="noKartu")
    note = check_length(note, "keterangan", TEXT_SIZE, Msg("req.note"))
    row.status, row.approved_by = "APPROVED", actor.name
    row.approved_at, row.approval_note = dt.datetime.now(dt.timezone.utc), note
    session.flush()
    audit.record_at_facility(session, actor, "sep_request.approve", facility(session, row.facility_code),
                             object_type="sep_request", object_id=row.id,
                             summary=Msg("audit.sum.sep_request_approved", kind=Msg(f"req.kind.{row.kind}")),
                             before={"status": "PENDING"}, after={"status": "APPROVED"})
    return request_view(row, session.get(ParticipantRow, row.participant_id))


def approve_at_facility(session: Session, *, actor: Actor, facility_code: str, card_number: str,
                        sep_date: "dt.date | str", service_type: str, kind: str | None, note: str | None) -> dict:
    """The facility approves its own pending request; only a fingerprint exception (A-V10)."""
    day = parse_date(sep_date, "tglSep")
    kind, service = _kind(kind or "1"), _service(service_type)
    with unit_of_work(session):
        fac = _referral_level(session, facility_code, "ppkPelayanan")
        p = participant_by_card(session, card_number)
        row = session.scalar(select(SepRequestRow).where(
            SepRequestRow.facility_code == fac.code, SepRequestRow.participant_id == p.id,
            SepRequestRow.sep_date == day, SepRequestRow.service_type == service, SepRequestRow.kind == kind))
        if row is None:
            raise NotFound(Msg("error.care.request_unknown_for_card", kinds=KINDS[kind],
                               card_number=str(p.card_number), day=day), field="noKartu")
        if kind not in APPROVED_BY_FACILITY:
            raise Forbidden(Msg("error.care.backdate_by_branch", code=str(fac.code)), field="jnsPengajuan")
        return _approve(session, row, actor, note)


def approve_by_branch(session: Session, request_id: int, *, actor: Actor, note: str | None = None,
                      kabkota_codes: "frozenset[str] | None" = None) -> dict:
    """The branch office approves a request of a facility it serves (any kind); ``kabkota_codes``: the
    officer's work area (None: national), a request of a facility outside it is unknown to them."""
    with unit_of_work(session):
        row = session.get(SepRequestRow, request_id)
        if row is not None and kabkota_codes is not None and \
                session.get(FacilityRow, row.facility_code).kabkota_code not in kabkota_codes:
            row = None
        if row is None:
            raise NotFound(Msg("error.care.request_unknown", request_id=str(request_id)), field="id")
        return _approve(session, row, actor, note)


def requests_in_month(session: Session, facility_code: str | None, year: "int | str", month: "int | str",
                      *, status: str | None = None, kabkota_codes: "frozenset[str] | None" = None) -> list[dict]:
    """A facility's requests (every facility's if ``facility_code`` is None; those of facilities in
    ``kabkota_codes`` if given) for SEP dates in one month, each with the facility's name."""
    q = _requests(session, facility_code, year, month, status=status, kabkota_codes=kabkota_codes)
    return [_request_row(row) for row in session.execute(q).all()]


def requests_page(session: Session, facility_code: str | None, year: "int | str", month: "int | str",
                  *, status: str | None = None, limit: int, offset: int = 0) -> dict:
    """One page of :func:`requests_in_month` (jkn.services.paging)."""
    q = _requests(session, facility_code, year, month, status=status, kabkota_codes=None)
    return page(session, q, limit, offset, _request_row, scalars=False)


def _request_row(row) -> dict:
    r, p, name = row
    return {**request_view(r, p), "facility_name": name}


def _requests(session: Session, facility_code: str | None, year: "int | str", month: "int | str",
              *, status: str | None, kabkota_codes: "frozenset[str] | None"):
    first, last = month_span(year, month)
    q = (select(SepRequestRow, ParticipantRow, FacilityRow.name)
         .join(ParticipantRow, ParticipantRow.id == SepRequestRow.participant_id)
         .join(FacilityRow, FacilityRow.code == SepRequestRow.facility_code)
         .where(SepRequestRow.sep_date >= first, SepRequestRow.sep_date <= last))
    if kabkota_codes is not None:
        q = q.where(FacilityRow.kabkota_code.in_(sorted(kabkota_codes)))
    if facility_code:
        q = q.where(SepRequestRow.facility_code == facility(session, facility_code).code)
    if status:
        if status not in ("PENDING", "APPROVED"):
            raise Invalid(Msg("error.care.request_status"), field="status")
        q = q.where(SepRequestRow.status == status)
    return q.order_by(SepRequestRow.sep_date, SepRequestRow.id)


# --- fingerprints ------------------------------------------------------------------------

def record_fingerprint(session: Session, *, actor: Actor, facility_code: str, card_number: str,
                       service_date: "dt.date | str") -> dict:
    """Enter the facility device's record that a participant's fingerprint was validated (A-V11)."""
    day = parse_date(service_date, "tglPelayanan")
    if day > jakarta_today():
        raise Invalid(Msg("error.care.service_date_future", day=day), field="tglPelayanan")
    with unit_of_work(session):
        fac = _referral_level(session, facility_code, "facility")
        p = participant_by_card(session, card_number)
        row = FingerprintValidationRow(participant_id=p.id, facility_code=fac.code, service_date=day,
                                       recorded_by=actor.name)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            raise Conflict(Msg("error.care.fingerprint_recorded", card_number=str(p.card_number), day=day,
                               code=str(fac.code)),
                           field="noKartu") from None
        audit.record_at_facility(session, actor, "fingerprint.record", fac, object_type="fingerprint",
                                 object_id=row.id, summary=Msg("audit.sum.fingerprint", card=p.card_number, day=day),
                                 after={"card_number": p.card_number, "service_date": day})
        return {"id": row.id, "facility_code": fac.code, "card_number": p.card_number,
                "service_date": day.isoformat(), "recorded_by": actor.name}


def fingerprint_validated(session: Session, facility_code: str, card_number: str,
                          service_date: "dt.date | str") -> bool:
    """Did the facility record the participant's fingerprint on that date?"""
    day = parse_date(service_date, "tglPelayanan")
    p = participant_by_card(session, card_number)
    return session.scalar(select(FingerprintValidationRow.id).where(
        FingerprintValidationRow.participant_id == p.id, FingerprintValidationRow.facility_code == facility_code,
        FingerprintValidationRow.service_date == day)) is not None


def fingerprints_on(session: Session, facility_code: str, service_date: "dt.date | str") -> list[dict]:
    """The participants whose fingerprint the facility recorded on a date, each with its SEP of that
    date at the facility (None if none was issued)."""
    day = parse_date(service_date, "tglPelayanan")
    rows = session.execute(
        select(ParticipantRow.card_number, SepRow.number)
        .select_from(FingerprintValidationRow)
        .join(ParticipantRow, ParticipantRow.id == FingerprintValidationRow.participant_id)
        .outerjoin(SepRow, (SepRow.participant_id == FingerprintValidationRow.participant_id)
                   & (SepRow.facility_code == FingerprintValidationRow.facility_code)
                   & (SepRow.sep_date == FingerprintValidationRow.service_date) & SepRow.deleted_at.is_(None))
        .where(FingerprintValidationRow.facility_code == facility_code, FingerprintValidationRow.service_date == day)
        .order_by(ParticipantRow.card_number, SepRow.number)).all()
    return [{"card_number": card, "sep_number": number} for card, number in rows]
