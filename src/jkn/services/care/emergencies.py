"""Emergencies and ambulance trips.

TATA CARA MENDAPATKAN PELAYANAN KESEHATAN §3: emergency care at any facility (§3.b); at a
non-partner facility the patient is referred to a partner facility once stable (§3.c), and the
facility bills BPJS Kesehatan directly (§3.d). PELAYANAN KESEHATAN YANG DIJAMIN §4: an ambulance
only for a referral between facilities to save the patient's life.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.rules import coverage
from jkn.rules import referral as referral_rules
from jkn.rules.decision import cite
from jkn.services.care import eligibility as care_eligibility
from jkn.services.care.common import check_diagnosis, facility, parse_date, TRANSFER_REFUSED, participant_by_card, refuse
from jkn.services.errors import Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import AmbulanceTripRow, EmergencyCaseRow, SepRow
from jkn.store.membership_tables import ParticipantRow

HOW = "Tata Cara Mendapatkan Pelayanan Kesehatan"


def case_view(session: Session, c: EmergencyCaseRow) -> dict:
    p = session.get(ParticipantRow, c.participant_id)
    fac = facility(session, c.facility_code)
    return {"id": c.id, "card_number": p.card_number, "name": p.name,
            "facility": {"code": fac.code, "name": fac.name, "partnership": fac.partnership},
            "admitted_on": c.admitted_on.isoformat(), "diagnosis": c.diagnosis_code, "sep_number": c.sep_number,
            "visit_id": c.visit_id, "stabilised_on": c.stabilised_on.isoformat() if c.stabilised_on else None,
            "transfer_to": c.transfer_to, "transferred_on": c.transferred_on.isoformat() if c.transferred_on else None,
            "transfer_pending": fac.partnership != "PARTNER" and c.transferred_on is None,
            "notes": c.notes, "explanation": c.explanation}


def record_emergency(session: Session, *, actor: Actor, card_number: str, facility_code: str, admitted_on: "dt.date | str",
                     diagnosis: str | None = None, notes: str | None = None) -> dict:
    """Emergency care at any facility, partner or not (§3.b); suspended cover is refused."""
    day = parse_date(admitted_on, "admitted_on")
    dx = check_diagnosis(diagnosis, "diagnosis").code if diagnosis else None
    with unit_of_work(session):
        fac = facility(session, facility_code, "facility_code")
        if fac.level == "PENUNJANG":
            raise Invalid(Msg("error.care.emergency_supporting", code=str(fac.code)),
                          field="facility_code")
        elig = care_eligibility.check(session, day, card_number=card_number)
        level = "first" if fac.level == "FKTP" else "referral"
        service = "FKTP_EXAMINATION" if level == "first" else "FKRTL_SPECIALIST_EXAMINATION"
        d = coverage.check_service(service, day, facility_contracted=fac.partnership == "PARTNER", emergency=True,
                                   suspended=not elig.active)
        steps = elig.explanation + d.explain()
        if not d.value.allowed:
            raise refuse(d, rule="SUSPENDED" if elig.status_code == "2" else None, before=elig.explanation)
        row = EmergencyCaseRow(participant_id=elig.participant.id, facility_code=fac.code, admitted_on=day,
                               diagnosis_code=dx, notes=notes, explanation=steps)
        session.add(row)
        session.flush()
        audit.record_at_facility(session, actor, "emergency.record", fac, object_type="emergency_case",
                                 object_id=row.id,
                                 summary=Msg("audit.sum.emergency_admitted", card=elig.participant.card_number, day=day,
                                             facility=fac.code))
        return case_view(session, row)


def record_transfer(session: Session, case_id: int, *, actor: Actor, to_facility: str, stabilised_on: "dt.date | str",
                    transferred_on: "dt.date | str", by_ambulance: bool = False, life_saving: bool = False) -> dict:
    """The transfer, once stable, of an emergency patient to a partner facility (§3.c).

    ``by_ambulance`` also records the ambulance trip, which the programme pays only when the
    transfer is to save the patient's life (DIJAMIN §4): otherwise the whole transfer is refused.
    """
    stable = parse_date(stabilised_on, "stabilised_on")
    moved = parse_date(transferred_on, "transferred_on")
    with unit_of_work(session):
        case = session.get(EmergencyCaseRow, case_id)
        if case is None:
            raise NotFound(Msg("error.care.emergency_unknown", case_id=str(case_id)), field="case_id")
        if case.transferred_on is not None:
            raise Invalid(Msg("error.care.emergency_transferred", case_id=str(case_id),
                              transfer_to=case.transfer_to))
        src = facility(session, case.facility_code)
        dest = facility(session, to_facility, "to_facility")
        d = referral_rules.check_emergency_transfer(
            treated_at_partner=src.partnership == "PARTNER", destination_partner=dest.partnership == "PARTNER",
            destination_level=dest.level, stabilised_on=stable, transfer_on=moved, admitted_on=case.admitted_on)
        steps = list(case.explanation or []) + d.explain()
        if not d.value:
            raise refuse(d, rule="TRANSFER_NOT_ALLOWED", before=case.explanation, answer=TRANSFER_REFUSED)
        if by_ambulance:
            a = coverage.check_service("AMBULANCE", moved, level="first" if src.level == "FKTP" else "referral",
                                       emergency=True, facility_contracted=src.partnership == "PARTNER",
                                       inter_facility_transfer=src.code != dest.code, life_saving=life_saving)
            if not a.value.allowed:
                raise refuse(a, before=steps)
            steps += a.explain()
            session.add(AmbulanceTripRow(participant_id=case.participant_id, from_facility=src.code,
                                         to_facility=dest.code, trip_date=moved, emergency_case_id=case.id,
                                         sep_number=case.sep_number, explanation=a.explain()))
        case.stabilised_on, case.transfer_to, case.transferred_on = stable, dest.code, moved
        case.explanation = steps
        session.flush()
        audit.record_at_facility(session, actor, "emergency.transfer", src, object_type="emergency_case",
                                 object_id=case.id,
                                 summary=Msg("audit.sum.emergency_transferred", facility=dest.code, day=moved),
                                 after={"transfer_to": dest.code, "transferred_on": moved, "ambulance": by_ambulance})
        return case_view(session, case)


def record_ambulance_trip(session: Session, *, actor: Actor, card_number: str, from_facility: str, to_facility: str,
                          trip_date: "dt.date | str", life_saving: bool, sep_number: str | None = None) -> dict:
    """An ambulance trip the programme pays: a referral transfer between facilities to save a life (§4)."""
    day = parse_date(trip_date, "trip_date")
    with unit_of_work(session):
        p = participant_by_card(session, card_number)
        src = facility(session, from_facility, "from_facility")
        dest = facility(session, to_facility, "to_facility")
        elig = care_eligibility.check(session, day, card_number=p.card_number)
        between = src.code != dest.code and src.level in ("FKTP", "FKRTL") and dest.level in ("FKTP", "FKRTL")
        d = coverage.check_service("AMBULANCE", day, level="first" if src.level == "FKTP" else "referral",
                                   facility_contracted=src.partnership == "PARTNER", emergency=True,
                                   inter_facility_transfer=between, life_saving=bool(life_saving),
                                   suspended=not elig.active)
        if not d.value.allowed:
            raise refuse(d, before=elig.explanation)
        if sep_number:
            sep = session.get(SepRow, sep_number)
            if sep is None or sep.participant_id != p.id:
                raise NotFound(Msg("error.care.sep_unknown_for_card", sep_number=str(sep_number),
                                   card_number=str(p.card_number)), field="sep_number")
        row = AmbulanceTripRow(participant_id=p.id, from_facility=src.code, to_facility=dest.code, trip_date=day,
                               sep_number=sep_number, explanation=d.explain())
        session.add(row)
        session.flush()
        audit.record_at_facility(session, actor, "ambulance.record", src, object_type="ambulance_trip", object_id=row.id,
                                 summary=Msg("audit.sum.trip", card=p.card_number, src=src.code, dest=dest.code,
                                             day=day))
        return {"id": row.id, "card_number": p.card_number, "from_facility": src.code, "to_facility": dest.code,
                "trip_date": day.isoformat(), "sep_number": sep_number, "explanation": row.explanation}


def list_cases(session: Session, *, facility_code: str | None = None, pending_transfer: bool = False) -> list[dict]:
    stmt = select(EmergencyCaseRow)
    if facility_code:
        stmt = stmt.where(EmergencyCaseRow.facility_code == facility_code.upper())
    rows = session.scalars(stmt.order_by(EmergencyCaseRow.id)).all()
    out = [case_view(session, r) for r in rows]
    return [c for c in out if c["transfer_pending"]] if pending_transfer else out


def get_case(session: Session, case_id: int) -> dict:
    row = session.get(EmergencyCaseRow, case_id)
    if row is None:
        raise NotFound(Msg("error.care.emergency_unknown", case_id=str(case_id)), field="case_id")
    return case_view(session, row)


__all__ = ["record_emergency", "record_transfer", "record_ambulance_trip", "list_cases", "get_case", "cite"]
