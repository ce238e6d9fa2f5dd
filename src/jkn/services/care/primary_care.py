"""First-level care (TATA CARA MENDAPATKAN PELAYANAN KESEHATAN §1): visits at the FKTP where the
participant is registered; a visit elsewhere only in an emergency (§3.b), and at a non-partner
facility the emergency is recorded for the transfer once the patient is stable (§3.c). The care is
checked as at the hospital (``cover``): PELAYANAN KESEHATAN YANG TIDAK DIJAMIN and the delivery
limit of YANG DIJAMIN §3 hold at the FKTP too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.rules import coverage
from jkn.rules import referral as referral_rules
from jkn.services.care import cover, fktp_queue, visit_exam
from jkn.services.care import eligibility as care_eligibility
from jkn.rules.decision import Step
from jkn.services.care.common import (
    Refused, check_diagnosis, facility, parse_date, participant_by_card, refusal, refuse_inactive)
from jkn.services.errors import Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import EmergencyCaseRow, ReferralRow, VisitRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import ParticipantRow

CARE_TYPES = {"RJTP": "FKTP_EXAMINATION", "RITP": "FKTP_INPATIENT"}


def visit_view(v: VisitRow, card_number: str | None = None, facility_name: str | None = None,
               name: str | None = None) -> dict:
    return {"id": v.id, "card_number": card_number, "name": name, "facility_code": v.facility_code,
            "facility_name": facility_name, "visit_date": v.visit_date.isoformat(), "care_type": v.care_type,
            "emergency": v.emergency, "diagnosis": v.diagnosis_code, "complaint": v.complaint,
            "explanation": v.explanation, **visit_exam.exam_view(v)}


def record_visit(session: Session, *, actor: Actor, card_number: str, facility_code: str, visit_date: "dt.date | str",
                 care_type: str = "RJTP", emergency: bool = False, diagnosis: str | None = None,
                 complaint: str | None = None, staff_id: int | None = None, excluded: Iterable[str] = (),
                 delivery_child_number: int | None = None, exam: dict | None = None,
                 registration_id: int | None = None) -> dict:
    """Record a first-level visit; refused (nothing written) at another FKTP unless an emergency, and
    for care the guide does not cover (``cover.check_cover``, as an SEP: excluded purpose, declared
    ``excluded`` codes, a delivery after the third child).

    ``exam`` is the examination (:func:`jkn.services.care.visit_exam.check_exam`: clinic, doctor,
    vital signs, other diagnoses, therapy, outcome); ``registration_id`` the day's registration the
    visit serves (its queue entry becomes served).

    Returns the visit with the cited explanation; an emergency at a non-partner facility also
    opens an emergency case (``emergency_case_id``) for the later transfer.
    """
    day = parse_date(visit_date, "visit_date")
    care_type = (care_type or "").upper()
    if care_type not in CARE_TYPES:
        raise Invalid(Msg("error.care.care_type_choice", field="care_type"), field="care_type")
    dx = check_diagnosis(diagnosis, "diagnosis").code if diagnosis else None
    excluded = cover.valid_exclusions(excluded)
    child = cover.valid_child_number(delivery_child_number, "delivery_child_number")
    if child is not None and not referral_rules.delivery_diagnosis(dx, day).value:
        raise Invalid(Msg("error.care.delivery_needs_diagnosis"), field="diagnosis")
    with unit_of_work(session):
        details = visit_exam.check_exam(session, exam or {}, day)
        fac = facility(session, facility_code, "facility_code")
        if fac.level != "FKTP":
            raise Invalid(Msg("error.care.primary_care_level", code=str(fac.code), level=fac.level), field="facility_code")
        p = participant_by_card(session, card_number)
        elig = care_eligibility.check(session, day, card_number=p.card_number)
        where = (Msg("care.step.at_registered_fktp", here=fac.code) if p.fktp_code == fac.code
                 else Msg("care.step.not_registered_fktp", fktp=p.fktp_code, here=fac.code))
        steps = elig.explanation + [Step(where, coverage.cite(coverage.HOW, "1")).as_dict()]
        if not elig.active:
            raise refuse_inactive(elig, day)
        try:
            cover.check_cover(session, p.id, day, steps, service=CARE_TYPES[care_type], level="first", diagnosis=dx,
                              excluded=excluded, delivery_child_number=child,
                              facility_contracted=fac.partnership == "PARTNER",
                              at_registered_fktp=p.fktp_code == fac.code, emergency=bool(emergency))
        except Refused as err:
            if err.rule == "NO_PROCEDURE" and p.fktp_code != fac.code:
                raise refusal(Msg("care.not_registered_fktp", card=p.card_number, fktp=p.fktp_code, here=fac.code),
                              rule="NOT_REGISTERED_FKTP", steps=steps, decided_by=Step(
                                  Msg("care.step.not_registered_fktp", fktp=p.fktp_code, here=fac.code),
                                  coverage.cite(coverage.HOW, "1"), decisive=True)) from None
            raise
        row = VisitRow(participant_id=p.id, facility_code=fac.code, visit_date=day, care_type=care_type,
                       emergency=bool(emergency), diagnosis_code=dx, complaint=complaint, staff_id=staff_id,
                       explanation=steps, **details)
        session.add(row)
        session.flush()
        if registration_id is not None:
            fktp_queue.mark_served(session, registration_id, row)
        out = visit_view(row, p.card_number, fac.name)
        if emergency and fac.partnership != "PARTNER":
            case = EmergencyCaseRow(participant_id=p.id, facility_code=fac.code, admitted_on=day, diagnosis_code=dx,
                                    visit_id=row.id, explanation=steps)
            session.add(case)
            session.flush()
            out["emergency_case_id"] = case.id
        audit.record_at_facility(session, actor, "visit.record", fac, object_type="visit", object_id=row.id,
                                 summary=Msg("audit.summary.visit", card=p.card_number, here=fac.code, day=day))
        return out


def _joined():
    return (select(VisitRow, ParticipantRow.card_number, FacilityRow.name, ParticipantRow.name)
            .join(ParticipantRow, ParticipantRow.id == VisitRow.participant_id)
            .join(FacilityRow, FacilityRow.code == VisitRow.facility_code)
            .where(VisitRow.deleted_at.is_(None)))


def list_visits(session: Session, *, card_number: str | None = None, facility_code: str | None = None,
                date_from: "dt.date | str | None" = None, date_to: "dt.date | str | None" = None,
                query: str | None = None, limit: int = 200) -> list[dict]:
    """Live visits in date order; ``query`` narrows to a card number, a visit number or part of a name."""
    stmt = _joined()
    if card_number:
        stmt = stmt.where(ParticipantRow.card_number == participant_by_card(session, card_number).card_number)
    if facility_code:
        stmt = stmt.where(VisitRow.facility_code == facility_code.upper())
    if date_from:
        stmt = stmt.where(VisitRow.visit_date >= parse_date(date_from, "date_from"))
    if date_to:
        stmt = stmt.where(VisitRow.visit_date <= parse_date(date_to, "date_to"))
    q = (query or "").strip()
    if q:
        if len(q) > 60:
            raise Invalid(Msg("error.care.search_too_long"), field="q")
        like = f"%{q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(ParticipantRow.card_number == q, ParticipantRow.name.ilike(like),
                              *([VisitRow.id == int(q)] if q.isdigit() and len(q) < 10 else [])))
    rows = session.execute(stmt.order_by(VisitRow.visit_date, VisitRow.id).limit(limit)).all()
    return [visit_view(v, c, n, name) for v, c, n, name in rows]


def get_visit(session: Session, visit_id: "int | str", *, facility_code: str | None = None) -> dict:
    """A live visit; with ``facility_code`` only that clinic's (another's reads as unknown)."""
    try:
        key = int(str(visit_id).strip())
    except ValueError:
        raise NotFound(Msg("error.visit.unknown", number=str(visit_id)), field="noKunjungan") from None
    row = session.execute(_joined().where(VisitRow.id == key)).first()
    if row is None or (facility_code and row[0].facility_code != facility_code):
        raise NotFound(Msg("error.visit.unknown", number=str(visit_id)), field="noKunjungan")
    return visit_view(*row)


def _own(session: Session, visit_id: "int | str", facility_code: str) -> VisitRow:
    found = get_visit(session, visit_id, facility_code=facility_code)
    return session.get(VisitRow, found["id"], with_for_update=True)


def update_visit(session: Session, visit_id: "int | str", *, actor: Actor, facility_code: str,
                 complaint: str | None = None, diagnosis: str | None = None, exam: dict | None = None) -> dict:
    """Correct a clinic's own visit (P-Care ``PUT kunjungan``): complaint, main diagnosis and
    examination; the date, participant and cover decision stay as recorded."""
    with unit_of_work(session):
        row = _own(session, visit_id, facility_code)
        before = visit_exam.exam_view(row) | {"diagnosis": row.diagnosis_code, "complaint": row.complaint}
        if diagnosis:
            row.diagnosis_code = check_diagnosis(diagnosis, "kdDiag1").code
        if complaint is not None:
            row.complaint = complaint.strip() or None
        for key, value in visit_exam.check_exam(session, {"care_type": row.care_type, **(exam or {})},
                                                row.visit_date).items():
            setattr(row, key, value)
        after = visit_exam.exam_view(row) | {"diagnosis": row.diagnosis_code, "complaint": row.complaint}
        audit.record_at_facility(session, actor, "visit.update", facility(session, row.facility_code),
                                 object_type="visit", object_id=row.id,
                                 summary=Msg("audit.summary.visit_change", visit=row.id), before=before, after=after)
        return get_visit(session, row.id)


def delete_visit(session: Session, visit_id: "int | str", *, actor: Actor, facility_code: str) -> dict:
    """Withdraw a clinic's own visit (P-Care ``DELETE kunjungan``); refused while a live referral
    written at it stands (the referral is withdrawn first)."""
    with unit_of_work(session):
        row = _own(session, visit_id, facility_code)
        used = session.scalar(select(ReferralRow.number).where(ReferralRow.visit_id == row.id,
                                                               ReferralRow.deleted_at.is_(None)))
        if used:
            raise Invalid(Msg("error.visit.has_referral", number=used), field="noKunjungan")
        row.deleted_at = dt.datetime.now(dt.timezone.utc)
        audit.record_at_facility(session, actor, "visit.delete", facility(session, row.facility_code),
                                 object_type="visit", object_id=row.id,
                                 summary=Msg("audit.summary.visit_change", visit=row.id),
                                 before={"deleted": False}, after={"deleted": True})
        return {"id": row.id, "deleted": True}
