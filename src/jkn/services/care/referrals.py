"""Referrals (rujukan) and post-inpatient control letters (surat kontrol).

TATA CARA MENDAPATKAN PELAYANAN KESEHATAN §1-2: first-level care at the registered FKTP; from
there a referral to a referral-level facility (FKRTL), where the referral letter — or a control
letter after an inpatient stay — opens the SEP. Validity periods: ``jkn.rules.referral``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.rules import referral as referral_rules
from jkn.rules.decision import Step, cite
from jkn.services.care import eligibility as care_eligibility
from jkn.services.care import practice
from jkn.services.care.common import (
    CONTROL_REFUSED,
    LETTER_CONTROL,
    LETTER_FKTP_REFERRAL,
    LETTER_HOSPITAL_REFERRAL,
    REFERRAL_REFUSED,
    check_diagnosis,
    check_poli,
    facility,
    jakarta_date_of,
    jakarta_day_bounds,
    jakarta_today,
    next_number,
    parse_date,
    participant_by_card,
    refusal,
    refuse,
    refuse_inactive,
)
from jkn.services.errors import Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import ControlLetterRow, ReferralRow, SepRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import ParticipantRow

SERVICE_TYPES = {"1": "Rawat Inap", "2": "Rawat Jalan"}
REFERRAL_TYPES = {"0": "Rujukan Penuh", "1": "Rujukan Partial", "2": "Rujuk Balik (PRB)"}
HOW = "Tata Cara Mendapatkan Pelayanan Kesehatan"


def _facility_ref(session: Session, code: str | None) -> dict:
    if not code:
        return {"code": "", "name": ""}
    row = session.get(FacilityRow, code)
    return {"code": code, "name": row.name if row else ""}


def referral_view(session: Session, r: ReferralRow, participant: ParticipantRow | None = None) -> dict:
    p = participant or session.get(ParticipantRow, r.participant_id)
    dx = care_codes.icd10().get(r.diagnosis_code)
    poli = care_codes.polis().get(r.poli_code or "")
    return {
        "number": r.number, "card_number": p.card_number, "name": p.name, "participant_id": p.id,
        "origin_level": r.origin_level, "from_facility": _facility_ref(session, r.from_facility),
        "to_facility": _facility_ref(session, r.to_facility), "referral_date": r.referral_date.isoformat(),
        "planned_visit_date": r.planned_visit_date.isoformat() if r.planned_visit_date else None,
        "valid_until": r.valid_until.isoformat(), "service_type": r.service_type,
        "service_type_name": SERVICE_TYPES.get(r.service_type, ""), "referral_type": r.referral_type,
        "referral_type_name": REFERRAL_TYPES.get(r.referral_type, ""),
        "poli": {"code": r.poli_code or "", "name": poli.name if poli else ""},
        "diagnosis": {"code": r.diagnosis_code, "name": dx.title if dx else ""},
        "complaint": r.complaint or "", "notes": r.notes or "", "sep_number": r.sep_number,
        "deleted": r.deleted_at is not None, "outside_reason": r.outside_reason, "visit_id": r.visit_id,
    }


def create_referral(session: Session, *, actor: Actor, card_number: str | None = None, from_facility: str,
                    referral_date: "dt.date | str", diagnosis: str, poli: str | None = None,
                    to_facility: str | None = None, service_type: str = "2", referral_type: str = "0",
                    planned_visit_date: "dt.date | str | None" = None, complaint: str | None = None,
                    notes: str | None = None, sep_number: str | None = None, visit_id: int | None = None,
                    outside_reason: str | None = None) -> dict:
    """Write a referral from an FKTP (the participant's own) or from a hospital (after its SEP).

    A hospital referral names ``sep_number`` (the participant comes from that SEP); an FKTP
    referral names ``card_number``. Refused, with the clause, when the route or the participant's
    status does not allow it; nothing is written then. An FKTP's referral to a hospital outside
    its kab/kota gives ``outside_reason`` (assumption A-Q09).
    """
    day = parse_date(referral_date, "tglRujukan")
    planned = parse_date(planned_visit_date, "tglRencanaKunjungan", required=False)
    if service_type not in SERVICE_TYPES:
        raise Invalid(Msg("error.care.service_type"), field="jnsPelayanan")
    if referral_type not in REFERRAL_TYPES:
        raise Invalid(Msg("error.care.referral_type"), field="tipeRujukan")
    dx = check_diagnosis(diagnosis, "diagRujukan")
    pol = check_poli(poli, "poliRujukan", required=referral_type != "2")
    if planned is not None and planned < day:
        raise Invalid(Msg("error.care.visit_before_referral"), field="tglRencanaKunjungan")
    with unit_of_work(session):
        src = facility(session, from_facility, "ppkRujukan")
        if sep_number:
            sep = session.get(SepRow, sep_number)
            if sep is None or sep.deleted_at is not None:
                raise NotFound(Msg("error.care.sep_unknown", sep_number=str(sep_number)), field="noSep")
            if sep.facility_code != src.code:
                raise Invalid(Msg("error.care.sep_issued_elsewhere", sep_number=str(sep_number),
                                  facility_code=str(sep.facility_code), code=str(src.code)), field="noSep")
            p = session.get(ParticipantRow, sep.participant_id)
            if card_number and card_number != p.card_number:
                raise Invalid(Msg("error.care.sep_other_card", sep_number=str(sep_number)), field="noKartu")
        elif card_number:
            p = participant_by_card(session, card_number)
        else:
            raise Invalid(Msg("error.care.referral_source"),
                          field="noKartu")
        dest = facility(session, to_facility, "ppkDirujuk") if to_facility else None
        reason = (outside_reason or "").strip() or None
        if src.level == "FKTP" and dest is not None and dest.kabkota_code != src.kabkota_code and not reason:
            raise Invalid(Msg("error.care.referral_outside_reason"), field="outside_reason")
        route = referral_rules.check_referral_route(src.level, dest.level if dest else None)
        if not route.value:
            raise refuse(route, rule="REFERRAL_ROUTE", answer=REFERRAL_REFUSED)
        if src.partnership != "PARTNER" or (dest is not None and dest.partnership != "PARTNER"):
            raise refusal(Msg("care.referral_partners"), rule="NON_CONTRACTED_FACILITY", steps=route.explain(),
                          answer=REFERRAL_REFUSED, decided_by=Step(Msg("care.referral_partners"),
                                                                   cite("Fasilitas Kesehatan Bagi Peserta"), decisive=True))
        if src.level == "FKTP" and p.fktp_code != src.code:
            raise refusal(Msg("care.referral_from_registered_fktp", card=p.card_number, fktp=p.fktp_code),
                          rule="NOT_REGISTERED_FKTP", steps=route.explain(), answer=REFERRAL_REFUSED,
                          decided_by=Step(Msg("care.step.not_registered_fktp", fktp=p.fktp_code, here=src.code),
                                          cite(HOW, "1"), decisive=True))
        elig = care_eligibility.check(session, day, card_number=p.card_number)
        if not elig.active:
            raise refuse_inactive(elig, day, answer=REFERRAL_REFUSED)
        until = referral_rules.referral_valid_until(day)
        letter = LETTER_FKTP_REFERRAL if src.level == "FKTP" else LETTER_HOSPITAL_REFERRAL
        row = ReferralRow(number=next_number(session, src.code, letter, day), participant_id=p.id,
                          origin_level="1" if src.level == "FKTP" else "2", from_facility=src.code,
                          to_facility=dest.code if dest else None, referral_date=day, planned_visit_date=planned,
                          valid_until=until.value, service_type=service_type, referral_type=referral_type,
                          poli_code=pol.code if pol else None, diagnosis_code=dx.code, complaint=complaint,
                          notes=notes, visit_id=visit_id, sep_number=sep_number, created_by=actor.name,
                          outside_reason=reason if dest is not None and dest.kabkota_code != src.kabkota_code else None)
        session.add(row)
        session.flush()
        audit.record_at_facility(session, actor, "referral.issue", src, object_type="referral", object_id=row.number,
                                 summary=Msg("audit.sum.referral", card=p.card_number, src=src.code,
                                             dest=row.to_facility or "-"))
        out = referral_view(session, row, p)
        out["explanation"] = route.explain() + until.explain()
        return out


def get_referral(session: Session, number: str, *, include_deleted: bool = False) -> dict:
    row = session.get(ReferralRow, (number or "").strip())
    if row is None or (row.deleted_at is not None and not include_deleted):
        raise NotFound(Msg("error.care.referral_unknown", number=str(number)), field="noRujukan")
    return referral_view(session, row)


def referrals_for_card(session: Session, card_number: str, *, origin_level: str | None = None,
                       only_valid_on: dt.date | None = None) -> list[dict]:
    """A participant's referrals, newest first (``origin_level`` "1" FKTP / "2" hospital)."""
    p = participant_by_card(session, card_number)
    stmt = select(ReferralRow).where(ReferralRow.participant_id == p.id, ReferralRow.deleted_at.is_(None))
    if origin_level:
        stmt = stmt.where(ReferralRow.origin_level == origin_level)
    if only_valid_on:
        stmt = stmt.where(ReferralRow.referral_date <= only_valid_on, ReferralRow.valid_until >= only_valid_on)
    rows = session.scalars(stmt.order_by(ReferralRow.referral_date.desc(), ReferralRow.number.desc())).all()
    return [referral_view(session, r, p) for r in rows]


def delete_referral(session: Session, number: str, *, actor: Actor, facility_code: str | None = None) -> dict:
    with unit_of_work(session):
        row = session.get(ReferralRow, number)
        if row is None or row.deleted_at is not None:
            raise NotFound(Msg("error.care.referral_unknown", number=str(number)), field="noRujukan")
        if facility_code and row.from_facility != facility_code:
            raise Invalid(Msg("error.care.referral_other_facility", number=str(number),
                              from_facility=row.from_facility), field="noRujukan")
        used = session.scalar(select(SepRow.number).where(SepRow.referral_number == number, SepRow.deleted_at.is_(None)))
        if used:
            raise Invalid(Msg("error.care.referral_used_delete", number=str(number), used=used), field="noRujukan")
        row.deleted_at = dt.datetime.now(dt.timezone.utc)
        audit.record_at_facility(session, actor, "referral.delete", facility(session, row.from_facility),
                                 object_type="referral", object_id=number,
                                 summary=Msg("audit.sum.referral_withdrawn", number=number),
                                 before={"deleted": False}, after={"deleted": True})
        return {"number": number, "deleted": True}


# --- control letters ---------------------------------------------------------------------

#: How many days after the day it is written a control letter's or SPRI's date may lie (A-S14).
LETTER_DAYS_AHEAD = 90


def check_letter_day(day: dt.date, written: dt.date, *, not_before: bool = False) -> None:
    """A control letter's or SPRI's date: at most :data:`LETTER_DAYS_AHEAD` days after the day written;
    an SPRI's (``not_before``) not before that day either (A-S14)."""
    last = written + dt.timedelta(days=LETTER_DAYS_AHEAD)
    if day > last:
        raise Invalid(Msg("error.care.letter_day_too_far", day=day, last=last, days=LETTER_DAYS_AHEAD),
                      field="tglRencanaKontrol")
    if not_before and day < written:
        raise Invalid(Msg("error.care.spri_day_past", day=day, first=written), field="tglRencanaKontrol")


def control_letter_view(session: Session, c: ControlLetterRow) -> dict:
    p = session.get(ParticipantRow, c.participant_id)
    poli = care_codes.polis().get(c.poli_code)
    return {"number": c.number, "card_number": p.card_number, "name": p.name, "sex": p.sex,
            "birth_date": p.birth_date.isoformat(), "facility_code": c.facility_code,
            "kind": c.kind, "sep_number": c.sep_number, "control_date": c.control_date.isoformat(),
            "poli": {"code": c.poli_code, "name": poli.name if poli else ""}, "doctor_code": c.doctor_code,
            "doctor_name": practice.doctor_name(session, c.facility_code, c.doctor_code),
            "issued_on": jakarta_date_of(c.created_at).isoformat() if c.created_at else None,
            "deleted": c.deleted_at is not None}


def create_control_letter(session: Session, *, actor: Actor, sep_number: str, control_date: "dt.date | str", poli: str,
                          doctor_code: str | None = None, issued_on: "dt.date | str | None" = None,
                          facility_code: str | None = None) -> dict:
    """A post-inpatient control letter from the hospital of an inpatient SEP (TATA CARA §2.a)."""
    day = parse_date(control_date, "tglRencanaKontrol")
    issued = parse_date(issued_on, "issued_on", required=False) or jakarta_today()
    pol = check_poli(poli, "poliKontrol")
    with unit_of_work(session):
        sep = session.get(SepRow, (sep_number or "").strip())
        if sep is None or sep.deleted_at is not None:
            raise NotFound(Msg("error.care.sep_unknown", sep_number=str(sep_number)), field="noSEP")
        if facility_code and sep.facility_code != facility_code:
            raise Invalid(Msg("error.care.sep_issued_at", sep_number=str(sep_number),
                              facility_code=str(sep.facility_code)), field="noSEP")
        if sep.service_type != "1":
            said = Msg("care.control_after_inpatient", sep=sep.number)
            raise refusal(said, rule="CONTROL_AFTER_INPATIENT_ONLY", steps=[], answer=CONTROL_REFUSED,
                          decided_by=Step(said, cite(HOW, "2.a"), decisive=True))
        if day < (sep.discharge_date or sep.sep_date):
            raise Invalid(Msg("error.care.control_before_discharge", day=day,
                              value=sep.discharge_date or sep.sep_date),
                          field="tglRencanaKontrol")
        check_letter_day(day, issued)
        doctor_code = practice.check_doctor_on(session, sep.facility_code, pol.code, day, doctor_code, required=True)
        row = ControlLetterRow(number=next_number(session, sep.facility_code, LETTER_CONTROL, issued),
                               participant_id=sep.participant_id, facility_code=sep.facility_code,
                               kind="2", sep_number=sep.number, control_date=day, poli_code=pol.code,
                               doctor_code=doctor_code, created_by=actor.name)
        session.add(row)
        session.flush()
        audit.record_at_facility(session, actor, "control_letter.issue", facility(session, sep.facility_code),
                                 object_type="control_letter", object_id=row.number,
                                 summary=Msg("audit.sum.control_letter", day=day, sep=sep.number))
        return control_letter_view(session, row)


def create_spri(session: Session, *, actor: Actor, facility_code: str, card_number: str,
                control_date: "dt.date | str", poli: str, doctor_code: str | None = None) -> dict:
    """An SPRI (surat perintah rawat inap, VClaim ``RencanaKontrol/InsertSPRI``): a hospital's order to
    admit a participant on a date; it opens that stay's inpatient SEP there (assumption A-V13)."""
    day = parse_date(control_date, "tglRencanaKontrol")
    pol = check_poli(poli, "poliKontrol")
    with unit_of_work(session):
        fac = facility(session, facility_code, "facility")
        if fac.level != "FKRTL":
            raise Invalid(Msg("error.care.spri_level", code=str(fac.code), level=fac.level, how=cite(HOW, '2.b')), field="facility")
        p = participant_by_card(session, card_number)
        check_letter_day(day, jakarta_today(), not_before=True)
        doctor_code = practice.check_doctor_on(session, fac.code, pol.code, day, doctor_code, required=True)
        row = ControlLetterRow(number=next_number(session, fac.code, LETTER_CONTROL, jakarta_today()),
                               participant_id=p.id, facility_code=fac.code, kind="1", sep_number=None,
                               control_date=day, poli_code=pol.code, doctor_code=doctor_code or None,
                               created_by=actor.name)
        session.add(row)
        session.flush()
        audit.record_at_facility(session, actor, "spri.issue", fac, object_type="control_letter",
                                 object_id=row.number, summary=Msg("audit.sum.spri", card=p.card_number, day=day))
        return control_letter_view(session, row)


def update_spri(session: Session, number: str, *, actor: Actor, control_date: "dt.date | str", poli: str,
                doctor_code: str | None = None, facility_code: str | None = None) -> dict:
    """Move an SPRI no SEP has used to another date, clinic or doctor (A-V03)."""
    day = parse_date(control_date, "tglRencanaKontrol")
    pol = check_poli(poli, "poliKontrol")
    with unit_of_work(session):
        row = _letter(session, number, facility_code)
        if row.kind != "1":
            raise Invalid(Msg("error.care.control_not_spri", number=str(number)),
                          field="noSPRI")
        used = letter_used_by(session, row.number)
        if used:
            raise Invalid(Msg("error.care.spri_used", number=str(number), used=used), field="noSPRI")
        before = {"control_date": row.control_date, "poli": row.poli_code, "doctor_code": row.doctor_code}
        check_letter_day(day, jakarta_today(), not_before=row.kind == "1")
        doctor_code = practice.check_doctor_on(session, row.facility_code, pol.code, day,
                                               doctor_code or row.doctor_code, required=True)
        row.control_date, row.poli_code, row.doctor_code = day, pol.code, doctor_code
        session.flush()
        was, now = audit.changed(before, {"control_date": row.control_date, "poli": row.poli_code,
                                          "doctor_code": row.doctor_code})
        audit.record_at_facility(session, actor, "spri.update", facility(session, row.facility_code),
                                 object_type="control_letter", object_id=row.number,
                                 summary=audit.changed_summary(now), before=was, after=now)
        return control_letter_view(session, row)


def get_control_letter(session: Session, number: str) -> dict:
    row = session.get(ControlLetterRow, (number or "").strip())
    if row is None or row.deleted_at is not None:
        raise NotFound(Msg("error.care.control_unknown", number=str(number)), field="noSuratKontrol")
    return control_letter_view(session, row)


#: What a referral's writer may change before it is used (VClaim ``Rujukan/update`` and ``Rujukan/2.0/Update``).
REFERRAL_UPDATABLE = ("to_facility", "service_type", "notes", "diagnosis", "referral_type", "poli",
                      "planned_visit_date")


def _referral_changeable(row: ReferralRow) -> dict:
    return {"to_facility": row.to_facility, "service_type": row.service_type, "notes": row.notes,
            "diagnosis": row.diagnosis_code, "referral_type": row.referral_type, "poli": row.poli_code,
            "planned_visit_date": row.planned_visit_date}


def update_referral(session: Session, number: str, *, actor: Actor, facility_code: str | None = None,
                    **changes) -> dict:
    """Change a referral its writer has not yet seen used: the destination (checked as at issue), the
    service, type, clinic, diagnosis, planned date or notes. A referral that opened an SEP is refused."""
    unknown = set(changes) - set(REFERRAL_UPDATABLE)
    if unknown:
        raise Invalid(Msg("error.care.referral_not_changeable", unknown=sorted(unknown),
                          value=', '.join(REFERRAL_UPDATABLE)))
    changes = {k: v for k, v in changes.items() if v not in (None, "")}
    with unit_of_work(session):
        row = session.get(ReferralRow, (number or "").strip())
        if row is None or row.deleted_at is not None:
            raise NotFound(Msg("error.care.referral_unknown", number=str(number)), field="noRujukan")
        if facility_code and row.from_facility != facility_code:
            raise Invalid(Msg("error.care.referral_other_facility", number=str(number),
                              from_facility=row.from_facility), field="noRujukan")
        used = session.scalar(select(SepRow.number).where(SepRow.referral_number == row.number,
                                                          SepRow.deleted_at.is_(None)))
        if used:
            raise Invalid(Msg("error.care.referral_used", number=str(number), used=used), field="noRujukan")
        before = _referral_changeable(row)
        if "service_type" in changes:
            if changes["service_type"] not in SERVICE_TYPES:
                raise Invalid(Msg("error.care.service_type"), field="jnsPelayanan")
            row.service_type = changes["service_type"]
        if "referral_type" in changes:
            if changes["referral_type"] not in REFERRAL_TYPES:
                raise Invalid(Msg("error.care.referral_type"), field="tipeRujukan")
            row.referral_type = changes["referral_type"]
        if "diagnosis" in changes:
            row.diagnosis_code = check_diagnosis(changes["diagnosis"], "diagRujukan").code
        if "poli" in changes:
            row.poli_code = check_poli(changes["poli"], "poliRujukan").code
        if "planned_visit_date" in changes:
            planned = parse_date(changes["planned_visit_date"], "tglRencanaKunjungan")
            if planned < row.referral_date:
                raise Invalid(Msg("error.care.visit_before_referral"), field="tglRencanaKunjungan")
            row.planned_visit_date = planned
        if "notes" in changes:
            row.notes = changes["notes"]
        src = facility(session, row.from_facility)
        if "to_facility" in changes:
            dest = facility(session, changes["to_facility"], "ppkDirujuk")
            route = referral_rules.check_referral_route(src.level, dest.level)
            if not route.value:
                raise refuse(route, rule="REFERRAL_ROUTE", answer=REFERRAL_REFUSED)
            if dest.partnership != "PARTNER":
                raise refusal(Msg("care.referral_partners"), rule="NON_CONTRACTED_FACILITY", steps=route.explain(),
                              answer=REFERRAL_REFUSED, decided_by=Step(Msg("care.referral_partners"),
                                                                       cite("Fasilitas Kesehatan Bagi Peserta"), decisive=True))
            row.to_facility = dest.code
        session.flush()
        was, now = audit.changed(before, _referral_changeable(row))
        audit.record_at_facility(session, actor, "referral.update", src, object_type="referral", object_id=row.number,
                                 summary=audit.changed_summary(now), before=was, after=now)
        return referral_view(session, row)


def referrals_written(session: Session, facility_code: str, start: "dt.date | str", end: "dt.date | str",
                      max_days: int = 366) -> list[dict]:
    """The referrals a facility wrote between two referral dates (inclusive), oldest first."""
    a, b = parse_date(start, "tglMulai"), parse_date(end, "tglAkhir")
    if b < a:
        raise Invalid(Msg("error.care.end_before_start"), field="tglAkhir")
    if (b - a).days > max_days:
        raise Invalid(Msg("error.care.days_at_once", max_days=max_days), field="tglAkhir")
    rows = session.scalars(select(ReferralRow).where(
        ReferralRow.from_facility == facility_code, ReferralRow.referral_date >= a, ReferralRow.referral_date <= b,
        ReferralRow.deleted_at.is_(None)).order_by(ReferralRow.referral_date, ReferralRow.number)).all()
    return [referral_view(session, r) for r in rows]


def seps_of_referral(session: Session, number: str) -> list[str]:
    """The live SEPs a referral opened, oldest first."""
    return list(session.scalars(select(SepRow.number).where(SepRow.referral_number == (number or "").strip(),
                                                            SepRow.deleted_at.is_(None))
                                .order_by(SepRow.sep_date, SepRow.number)))


def _letter(session: Session, number: str, facility_code: str | None) -> ControlLetterRow:
    row = session.get(ControlLetterRow, (number or "").strip())
    if row is None or row.deleted_at is not None:
        raise NotFound(Msg("error.care.control_unknown", number=str(number)), field="noSuratKontrol")
    if facility_code and row.facility_code != facility_code:
        raise Invalid(Msg("error.care.control_other_facility", number=str(number),
                          facility_code=str(row.facility_code)), field="noSuratKontrol")
    return row


def letter_used_by(session: Session, number: str) -> str | None:
    """The live SEP a control letter or SPRI opened, if any."""
    return session.scalar(select(SepRow.number).where(SepRow.control_letter_number == number,
                                                      SepRow.deleted_at.is_(None)))


def update_control_letter(session: Session, number: str, *, actor: Actor, control_date: "dt.date | str",
                          poli: str, doctor_code: str | None = None, facility_code: str | None = None) -> dict:
    """Move a control letter not yet used by an SEP to another date, clinic or doctor (as at issue:
    not before the stay ended)."""
    day = parse_date(control_date, "tglRencanaKontrol")
    pol = check_poli(poli, "poliKontrol")
    with unit_of_work(session):
        row = _letter(session, number, facility_code)
        if row.kind != "2":
            raise Invalid(Msg("error.care.spri_not_control", number=str(number)),
                          field="noSuratKontrol")
        used = letter_used_by(session, row.number)
        if used:
            raise Invalid(Msg("error.care.control_used", number=str(number), used=used),
                          field="noSuratKontrol")
        sep = session.get(SepRow, row.sep_number)
        if day < (sep.discharge_date or sep.sep_date):
            raise Invalid(Msg("error.care.control_before_discharge", day=day,
                              value=sep.discharge_date or sep.sep_date),
                          field="tglRencanaKontrol")
        before = {"control_date": row.control_date, "poli": row.poli_code, "doctor_code": row.doctor_code}
        check_letter_day(day, jakarta_today(), not_before=row.kind == "1")
        doctor_code = practice.check_doctor_on(session, row.facility_code, pol.code, day,
                                               doctor_code or row.doctor_code, required=True)
        row.control_date, row.poli_code, row.doctor_code = day, pol.code, doctor_code
        session.flush()
        was, now = audit.changed(before, {"control_date": row.control_date, "poli": row.poli_code,
                                          "doctor_code": row.doctor_code})
        audit.record_at_facility(session, actor, "control_letter.update", facility(session, row.facility_code),
                                 object_type="control_letter", object_id=row.number,
                                 summary=audit.changed_summary(now), before=was, after=now)
        return control_letter_view(session, row)


def delete_control_letter(session: Session, number: str, *, actor: Actor, facility_code: str | None = None) -> dict:
    """Withdraw a control letter no SEP has used."""
    with unit_of_work(session):
        row = _letter(session, number, facility_code)
        used = letter_used_by(session, row.number)
        if used:
            raise Invalid(Msg("error.care.control_used_delete", number=str(number), used=used),
                          field="noSuratKontrol")
        row.deleted_at = dt.datetime.now(dt.timezone.utc)
        audit.record_at_facility(session, actor, "control_letter.delete", facility(session, row.facility_code),
                                 object_type="control_letter", object_id=row.number,
                                 summary=Msg("audit.sum.control_letter_withdrawn", number=row.number),
                                 before={"deleted": False}, after={"deleted": True})
        return {"number": row.number, "deleted": True}


#: VClaim's ``filter`` of the control-letter lists: 1 by the date written, 2 by the control date.
LETTER_FILTERS = {"1": "written", "2": "control"}


def control_letters(session: Session, facility_code: str, start: "dt.date | str", end: "dt.date | str",
                    by: str, card_number: str | None = None, max_days: int = 366) -> list[dict]:
    """A facility's live control letters whose date written (``by`` "1") or control date (``by`` "2")
    falls between two dates (inclusive), optionally for one card; with whether an SEP used each."""
    if by not in LETTER_FILTERS:
        raise Invalid(Msg("error.care.control_filter"), field="filter")
    a, b = parse_date(start, "tglAwal"), parse_date(end, "tglAkhir")
    if b < a:
        raise Invalid(Msg("error.care.end_before_begin"), field="tglAkhir")
    if (b - a).days > max_days:
        raise Invalid(Msg("error.care.days_at_once", max_days=max_days), field="tglAkhir")
    stmt = select(ControlLetterRow).where(ControlLetterRow.facility_code == facility_code,
                                          ControlLetterRow.deleted_at.is_(None))
    if by == "2":
        stmt = stmt.where(ControlLetterRow.control_date >= a, ControlLetterRow.control_date <= b)
    else:  # written on a Jakarta date: compare the UTC instants of its start and end
        lo, hi = jakarta_day_bounds(a)[0], jakarta_day_bounds(b)[1]
        stmt = stmt.where(ControlLetterRow.created_at >= lo, ControlLetterRow.created_at < hi)
    if card_number:
        stmt = stmt.where(ControlLetterRow.participant_id == participant_by_card(session, card_number).id)
    out = []
    for row in session.scalars(stmt.order_by(ControlLetterRow.control_date, ControlLetterRow.number)):
        view = control_letter_view(session, row)
        view["used_by_sep"] = letter_used_by(session, row.number)
        out.append(view)
    return out
