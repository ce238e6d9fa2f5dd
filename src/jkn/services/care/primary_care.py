"""First-level care (TATA CARA MENDAPATKAN PELAYANAN KESEHATAN §1): visits at the FKTP where the
participant is registered; a visit elsewhere only in an emergency (§3.b), and at a non-partner
facility the emergency is recorded for the transfer once the patient is stable (§3.c). The care is
checked as at the hospital (``cover``): PELAYANAN KESEHATAN YANG TIDAK DIJAMIN and the delivery
limit of YANG DIJAMIN §3 hold at the FKTP too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.rules import coverage
from jkn.rules import referral as referral_rules
from jkn.services.care import cover
from jkn.services.care import eligibility as care_eligibility
from jkn.rules.decision import Step
from jkn.services.care.common import (
    Refused, check_diagnosis, facility, parse_date, participant_by_card, refusal, refuse_inactive)
from jkn.services.errors import Invalid
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import EmergencyCaseRow, VisitRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import ParticipantRow

CARE_TYPES = {"RJTP": "FKTP_EXAMINATION", "RITP": "FKTP_INPATIENT"}


def visit_view(v: VisitRow, card_number: str | None = None, facility_name: str | None = None) -> dict:
    return {"id": v.id, "card_number": card_number, "facility_code": v.facility_code, "facility_name": facility_name,
            "visit_date": v.visit_date.isoformat(), "care_type": v.care_type, "emergency": v.emergency,
            "diagnosis": v.diagnosis_code, "complaint": v.complaint, "explanation": v.explanation}


def record_visit(session: Session, *, actor: Actor, card_number: str, facility_code: str, visit_date: "dt.date | str",
                 care_type: str = "RJTP", emergency: bool = False, diagnosis: str | None = None,
                 complaint: str | None = None, staff_id: int | None = None, excluded: Iterable[str] = (),
                 delivery_child_number: int | None = None) -> dict:
    """Record a first-level visit; refused (nothing written) at another FKTP unless an emergency, and
    for care the guide does not cover (``cover.check_cover``, as an SEP: excluded purpose, declared
    ``excluded`` codes, a delivery after the third child).

    Returns the visit with the cited explanation; an emergency at a non-partner facility also
    opens an emergency case (``emergency_case_id``) for the later transfer.
    """
    day = parse_date(visit_date, "visit_date")
    care_type = (care_type or "").upper()
    if care_type not in CARE_TYPES:
        raise Invalid(Msg("error.care.primary_care_type"), field="care_type")
    dx = check_diagnosis(diagnosis, "diagnosis").code if diagnosis else None
    excluded = cover.valid_exclusions(excluded)
    child = cover.valid_child_number(delivery_child_number, "delivery_child_number")
    if child is not None and not referral_rules.delivery_diagnosis(dx, day).value:
        raise Invalid(Msg("error.care.delivery_needs_diagnosis"), field="diagnosis")
    with unit_of_work(session):
        fac = facility(session, facility_code, "facility_code")
        if fac.level != "FKTP":
            raise Invalid(Msg("error.care.primary_care_level", code=str(fac.code), level=fac.level), field="facility_code")
        p = participant_by_card(session, card_number)
        elig = care_eligibility.check(session, day, card_number=p.card_number)
        where = (f"at {fac.code}, the FKTP where the participant is registered" if p.fktp_code == fac.code
                 else f"at {fac.code}; the participant is registered at {p.fktp_code}")
        steps = elig.explanation + [{"text": where, "source": coverage.cite(coverage.HOW, "1")}]
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
                       explanation=steps)
        session.add(row)
        session.flush()
        out = visit_view(row, p.card_number, fac.name)
        if emergency and fac.partnership != "PARTNER":
            case = EmergencyCaseRow(participant_id=p.id, facility_code=fac.code, admitted_on=day, diagnosis_code=dx,
                                    visit_id=row.id, explanation=steps)
            session.add(case)
            session.flush()
            out["emergency_case_id"] = case.id
        audit.record_at_facility(session, actor, "visit.record", fac, object_type="visit", object_id=row.id,
                                 summary=f"{p.card_number} at {fac.code} {day}")
        return out


def list_visits(session: Session, *, card_number: str | None = None, facility_code: str | None = None,
                date_from: "dt.date | str | None" = None, date_to: "dt.date | str | None" = None,
                limit: int = 200) -> list[dict]:
    stmt = (select(VisitRow, ParticipantRow.card_number, FacilityRow.name)
            .join(ParticipantRow, ParticipantRow.id == VisitRow.participant_id)
            .join(FacilityRow, FacilityRow.code == VisitRow.facility_code))
    if card_number:
        stmt = stmt.where(ParticipantRow.card_number == participant_by_card(session, card_number).card_number)
    if facility_code:
        stmt = stmt.where(VisitRow.facility_code == facility_code.upper())
    if date_from:
        stmt = stmt.where(VisitRow.visit_date >= parse_date(date_from, "date_from"))
    if date_to:
        stmt = stmt.where(VisitRow.visit_date <= parse_date(date_to, "date_to"))
    rows = session.execute(stmt.order_by(VisitRow.visit_date, VisitRow.id).limit(limit)).all()
    return [visit_view(v, c, n) for v, c, n in rows]
