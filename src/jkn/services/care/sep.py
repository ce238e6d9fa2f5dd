"""SEP (Surat Eligibilitas Peserta) at a referral-level facility: issue, update, delete, look up.

TATA CARA MENDAPATKAN PELAYANAN KESEHATAN §2: the participant shows the card and hands over the
FKTP referral or a post-inpatient control letter at the hospital's BPJS Center and receives the
SEP; §3: in an emergency no letter is needed. The SEP carries the room class the participant is
entitled to (MANFAAT AKOMODASI RAWAT INAP). Refusals say why and cite the clause: not active or
suspended (PENGHENTIAN PELAYANAN KESEHATAN), excluded care (PELAYANAN KESEHATAN YANG TIDAK
DIJAMIN), deliveries after the third child and ambulance trips (YANG DIJAMIN §3-4).

SEP number (19 characters, as VClaim's): facility code (8) + MMYY of the SEP date + "V" +
6-digit serial per facility and month, e.g. ``3273R0010624V000001``.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.timestamps import utcnow
from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.rules import referral as referral_rules
from jkn.rules.decision import Step, cite
from jkn.services.care import accidents, cover, internal_referrals, practice
from jkn.services.care import eligibility as care_eligibility
from jkn.services.bounds import check_length
from jkn.services.care.common import (
    LETTER_SEP,
    SEP_REFUSED,
    check_diagnosis,
    check_poli,
    facility,
    insert_numbered,
    month_span,
    number_prefix,
    parse_date,
    refuse,
    refuse_inactive,
)
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import ControlLetterRow, EmergencyCaseRow, ReferralRow, SepRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import ParticipantRow

ROOM = "Manfaat Akomodasi Rawat Inap"
HOW = "Tata Cara Mendapatkan Pelayanan Kesehatan"
SERVICE_TYPES = {"1": "Rawat Inap", "2": "Rawat Jalan"}
CLASS_DIGIT = {"I": "1", "II": "2", "III": "3"}
DIGIT_CLASS = {v: k for k, v in CLASS_DIGIT.items()}
#: klsRawatNaik codes (VClaim): the class a participant pays to be upgraded to.
UPGRADE_CLASSES = {"1": "VVIP", "2": "VIP", "3": "Kelas 1", "4": "Kelas 2", "5": "Kelas 3", "6": "ICCU", "7": "ICU",
                   "8": "Diatas Kelas 1"}
ACCIDENTS = {"0": "Bukan Kecelakaan", "1": "KLL dan bukan kecelakaan Kerja", "2": "KLL dan KK", "3": "KK"}
EMERGENCY_POLI = "IGD"


def _steps(items: Iterable) -> list[dict]:
    out = []
    for s in items:
        out.append(s.as_dict() if isinstance(s, Step) else s)
    return out


def sep_view(session: Session, s: SepRow, p: ParticipantRow | None = None, fac: FacilityRow | None = None) -> dict:
    p = p or session.get(ParticipantRow, s.participant_id)
    fac = fac or session.get(FacilityRow, s.facility_code)
    dx = care_codes.icd10().get(s.diagnosis_code)
    poli = care_codes.polis().get(s.poli_code or "")
    from jkn.domain.segment import Segment  # local: the label of the participant's segment
    try:
        seg_label = Segment(p.segment).label
    except ValueError:
        seg_label = p.segment
    return {
        "number": s.number, "sep_date": s.sep_date.isoformat(),
        "facility": {"code": fac.code, "name": fac.name},
        "service_type": s.service_type, "service_type_name": SERVICE_TYPES[s.service_type],
        "class_entitled": s.class_entitled, "class_upgrade": s.class_upgrade, "upgrade_payer": s.upgrade_payer,
        "upgrade_responsible": s.upgrade_responsible,
        "poli": {"code": s.poli_code or "", "name": poli.name if poli else ""}, "executive": s.executive,
        "diagnosis": {"code": s.diagnosis_code, "name": dx.title if dx else ""},
        "referral": {"number": s.referral_number, "origin": s.referral_origin,
                     "date": s.referral_date.isoformat() if s.referral_date else None,
                     "facility": s.referral_facility},
        "control_letter_number": s.control_letter_number, "emergency": s.emergency,
        "accident": s.accident, "accident_name": ACCIDENTS.get(s.accident, ""),
        "delivery_child_number": s.delivery_child_number, "cob": s.cob, "cataract": s.cataract,
        "visit_purpose": s.visit_purpose, "dpjp_code": s.dpjp_code, "mr_number": s.mr_number, "phone": s.phone,
        "notes": s.notes or "", "discharge_date": s.discharge_date.isoformat() if s.discharge_date else None,
        "participant": {"card_number": p.card_number, "nik": p.nik, "name": p.name,
                        "birth_date": p.birth_date.isoformat(), "sex": p.sex, "segment": p.segment,
                        "segment_label": seg_label, "care_class": p.care_class, "fktp_code": p.fktp_code},
        "accident_details": accidents.details_of(session, s),
        "explanation": s.explanation, "created_by": s.created_by,
        "created_at": s.created_at.isoformat() if s.created_at else None, "deleted": s.deleted_at is not None,
    }


def _flag(value, field: str) -> bool:
    if value in (None, "", "0", 0, False):
        return False
    if value in ("1", 1, True):
        return True
    raise Invalid(Msg("error.care.zero_or_one", field=field), field=field)


def insert_sep(session: Session, *, actor: Actor, card_number: str, sep_date: "dt.date | str", facility_code: str,
               service_type: str, diagnosis: str, poli: str | None = None, executive=False,
               class_entitled: str | None = None, class_upgrade: str | None = None, upgrade_payer: str | None = None,
               upgrade_responsible: str | None = None, mr_number: str | None = None,
               referral_number: str | None = None, referral_origin: str | None = None,
               referral_date: "dt.date | str | None" = None, referral_facility: str | None = None,
               control_letter_number: str | None = None, notes: str | None = None, cob=False, cataract=False,
               accident: str = "0", visit_purpose: str = "0", dpjp_code: str | None = None, phone: str | None = None,
               emergency: bool | None = None, delivery_child_number: int | None = None,
               excluded: Iterable[str] = (), consumer_facility=None,
               accident_details: "accidents.Details | None" = None,
               purpose: "internal_referrals.Purpose | None" = None, dpjp_from_schedule: bool = False) -> dict:
    """Issue an SEP, or refuse it with the reason and the clause (nothing written then); the SEP
    and its audit row name ``actor``; an accident SEP keeps its details (:mod:`accidents`). With
    ``dpjp_from_schedule`` (the hospital desk) an outpatient SEP's DPJP must be one the clinic's
    schedule offers where the hospital keeps one (A-V46); VClaim's ``dpjpLayan`` is kept as sent (A-V52).
    ``consumer_facility``: the light row of the VClaim consumer's own facility, read with the consumer
    (A-V54): the SEP must be for it, and it is not read again."""
    day = parse_date(sep_date, "tglSep")
    phone, mr_number = check_length(phone, "noTelp", PHONE_SIZE), check_length(mr_number, "noMR", MR_SIZE)
    purpose = (purpose or internal_referrals.Purpose(visit=visit_purpose or "0")).checked()
    if service_type not in SERVICE_TYPES:
        raise Invalid(Msg("error.care.service_type"), field="jnsPelayanan")
    dx = check_diagnosis(diagnosis, "diagAwal")
    pol = check_poli(poli, "poli.tujuan", required=False)
    emergency = bool(emergency) or (pol is not None and pol.code == EMERGENCY_POLI)
    if service_type == "2" and pol is None:
        raise Invalid(Msg("error.care.sep_poli_required"),
                      field="poli.tujuan")
    if accident not in ACCIDENTS:
        raise Invalid(Msg("error.care.laka_lantas"), field="jaminan.lakaLantas")
    if class_upgrade:
        if class_upgrade not in UPGRADE_CLASSES:
            raise Invalid(Msg("error.care.class_upgrade_range"), field="klsRawat.klsRawatNaik")
        if service_type != "1":
            raise Invalid(Msg("error.care.class_upgrade_inpatient"), field="klsRawat.klsRawatNaik")
        if upgrade_payer not in ("1", "2", "3"):
            raise Invalid(Msg("error.care.class_upgrade_payer"), field="klsRawat.pembiayaan")
    delivery_child_number = cover.valid_child_number(delivery_child_number, "persalinan.anakKe")
    excluded = cover.valid_exclusions(excluded)
    cob, cataract, executive = _flag(cob, "cob.cob"), _flag(cataract, "katarak.katarak"), _flag(executive, "poli.eksekutif")

    with unit_of_work(session):
        own = consumer_facility is not None and (facility_code or "").strip().upper() == consumer_facility.code
        fac = consumer_facility if own else facility(session, facility_code, "ppkPelayanan", brief=True)
        if consumer_facility is not None and not own:
            raise Invalid(Msg("error.care.sep_other_facility", code=str(fac.code),
                              consumer_facility=consumer_facility.code),
                          field="ppkPelayanan")
        if fac.level != "FKRTL":
            raise Invalid(Msg("error.care.sep_level", code=str(fac.code), level=fac.level, how=cite(HOW, '2.b')), field="ppkPelayanan")
        elig = care_eligibility.check(session, day, card_number=card_number)
        p = elig.participant
        steps: list[dict] = list(elig.explanation)
        if not elig.active:
            raise refuse_inactive(elig, day, answer=SEP_REFUSED)
        entitled = CLASS_DIGIT[p.care_class]
        if class_entitled not in (None, "", entitled):
            raise Invalid(Msg("error.care.class_entitled", class_entitled=class_entitled,
                              care_class=p.care_class, entitled=entitled, room=cite(ROOM)), field="klsRawat.klsRawatHak")
        steps.append(Step(Msg("care.room_class", care_class=p.care_class), cite(ROOM)).as_dict())

        # the letter: a referral or a control letter, unless it is an emergency
        letter_ok = False
        ref_row = ctl_row = None
        if control_letter_number:
            ctl_row = session.get(ControlLetterRow, control_letter_number.strip())
            if ctl_row is None or ctl_row.participant_id != p.id:
                raise NotFound(Msg("error.care.control_unknown_for_card",
                                   control_letter_number=str(control_letter_number), card_number=str(p.card_number)),
                               field="skdp.noSurat")
            if ctl_row.kind == "1" and service_type != "1":
                raise Invalid(Msg("error.care.spri_inpatient", number=str(ctl_row.number)), field="skdp.noSurat")
            d = referral_rules.check_control_letter_for_sep(
                control_date=ctl_row.control_date, sep_date=day, letter_facility=ctl_row.facility_code,
                sep_facility=fac.code, deleted=ctl_row.deleted_at is not None)
            steps += d.explain()
            if not d.value:
                raise refuse(d, rule="CONTROL_LETTER_NOT_VALID", answer=SEP_REFUSED)
            letter_ok = True
        elif referral_number:
            ref_row = session.get(ReferralRow, referral_number.strip())
            if ref_row is None or ref_row.participant_id != p.id:
                raise NotFound(Msg("error.care.referral_unknown_for_card", referral_number=str(referral_number),
                                   card_number=str(p.card_number)), field="rujukan.noRujukan")
            d = referral_rules.check_referral_for_sep(
                referral_date=ref_row.referral_date, valid_until=ref_row.valid_until, sep_date=day,
                referral_to=ref_row.to_facility, sep_facility=fac.code, deleted=ref_row.deleted_at is not None)
            steps += d.explain()
            if not d.value:
                expired = day > ref_row.valid_until
                raise refuse(d, rule="REFERRAL_EXPIRED" if expired else "REFERRAL_NOT_VALID", answer=SEP_REFUSED)
            letter_ok = True

        cover.check_cover(
            session, p.id, day, steps,
            service="FKRTL_INPATIENT" if service_type == "1" else "FKRTL_SPECIALIST_EXAMINATION", level="referral",
            diagnosis=dx.code, poli=pol.code if pol else None, excluded=excluded,
            delivery_child_number=delivery_child_number, facility_contracted=fac.partnership == "PARTNER",
            referral_letter=letter_ok, emergency=emergency, answer=SEP_REFUSED)

        if dpjp_from_schedule and service_type == "2":
            dpjp_code = practice.check_doctor_on(session, fac.code, pol.code, day, dpjp_code, field="dpjp_code")
        visit = dict(participant_id=p.id, facility_code=fac.code, service_type=service_type,
                     poli_code=pol.code if pol else None, sep_date=day)
        row = _NewSep(
            participant_id=p.id, facility_code=fac.code,
            sep_date=day, service_type=service_type, class_entitled=p.care_class, class_upgrade=class_upgrade or None,
            upgrade_payer=upgrade_payer or None if class_upgrade else None,
            upgrade_responsible=upgrade_responsible or None if class_upgrade else None,
            poli_code=pol.code if pol else None, executive=executive, diagnosis_code=dx.code,
            referral_number=ref_row.number if ref_row else None,
            referral_origin=ref_row.origin_level if ref_row else (referral_origin or None),
            referral_date=ref_row.referral_date if ref_row else parse_date(referral_date, "rujukan.tglRujukan",
                                                                          required=False),
            referral_facility=ref_row.from_facility if ref_row else (referral_facility or None),
            control_letter_number=ctl_row.number if ctl_row else None, emergency=emergency, accident=accident,
            delivery_child_number=delivery_child_number, cob=cob, cataract=cataract, visit_purpose=purpose.visit or "0",
            dpjp_code=dpjp_code or None, mr_number=mr_number or None, phone=phone or None, notes=notes,
            explanation=steps, created_by=actor.name, created_at=utcnow())
        issued = audit.columns(actor, "sep.issue", object_type="sep", facility_code=fac.code,
                               branch_code=audit.branch_of(session, fac),
                               summary=Msg("audit.sum.sep_issued", card=p.card_number,
                                           service=Msg(f"history.service.{service_type}"), diagnosis=dx.code),
                               after={"card_number": p.card_number, "sep_date": day, "poli": row.poli_code})
        number = insert_numbered(session, SepRow.__table__, {k: v for k, v in row._asdict().items() if v is not None},
                                 number_prefix(fac.code, LETTER_SEP, day), issued)
        if number is None:
            _refuse_duplicate(session, **visit)  # a live SEP covers the visit: the unique index said so (A-C15)
            raise Conflict(Msg("error.concurrent_change"))
        row = row._replace(number=number)
        accidents.record(session, row, accident, accident_details)
        internal_referrals.record(session, row, row.referral_number, purpose, actor)
        if emergency and fac.partnership != "PARTNER":
            session.add(EmergencyCaseRow(participant_id=p.id, facility_code=fac.code, admitted_on=day,
                                         diagnosis_code=dx.code, sep_number=row.number, explanation=steps))
            session.flush()
        return sep_view(session, row, p, fac)


#: A new SEP's column values, read as a row (the answer's view, accident details, internal referral): a
#: light row, not an ORM object — it is written by one INSERT (columns left None take their defaults)
#: and stays out of the session.
_NewSep = namedtuple("_NewSep", [c.key for c in SepRow.__table__.columns],
                     defaults=[None] * len(SepRow.__table__.columns))


def _refuse_duplicate(session: Session, *, participant_id: int, facility_code: str, service_type: str,
                      poli_code: str | None, sep_date: dt.date) -> None:
    """Conflict (409, DUPLICATE_SEP) naming the live SEP that already covers this visit (A-C03)."""
    same = session.scalars(select(SepRow.number).where(
        SepRow.participant_id == participant_id, SepRow.facility_code == facility_code, SepRow.sep_date == sep_date,
        SepRow.service_type == service_type, SepRow.deleted_at.is_(None),
        SepRow.poli_code.is_(None) if poli_code is None else SepRow.poli_code == poli_code)).all()
    dup = referral_rules.check_one_sep_per_day([{"number": n} for n in same], sep_date)
    if not dup.value:
        refused = refuse(dup, answer=SEP_REFUSED)
        raise Conflict(refused.message, rule="DUPLICATE_SEP", sep_number=same[0], explanation=refused.explanation,
                       answer=refused.details["answer"])


def _live(session: Session, number: str, facility_code: str | None) -> SepRow:
    row = session.get(SepRow, (number or "").strip())
    if row is None or row.deleted_at is not None:
        raise NotFound(Msg("error.care.sep_unknown_number", number=str(number)), field="noSep")
    if facility_code and row.facility_code != facility_code:
        raise Invalid(Msg("error.care.sep_not_here", number=str(number), facility_code=str(row.facility_code)), field="noSep")
    return row


def get_sep(session: Session, number: str) -> dict:
    row = _live(session, number, None)
    return sep_view(session, row)


#: The longest phone, medical-record number and cancel reason an SEP keeps (their columns, A-S16).
PHONE_SIZE, MR_SIZE, REASON_SIZE = 20, 20, 500
UPDATABLE = ("class_upgrade", "upgrade_payer", "upgrade_responsible", "mr_number", "notes", "diagnosis", "poli",
             "executive", "cob", "cataract", "accident", "dpjp_code", "phone", "discharge_date")


def _changeable(row: SepRow) -> dict:
    return {"diagnosis": row.diagnosis_code, "poli": row.poli_code,
            **{k: getattr(row, k) for k in ("class_upgrade", "upgrade_payer", "upgrade_responsible", "mr_number",
                                            "notes", "executive", "cob", "cataract", "accident", "dpjp_code",
                                            "phone", "discharge_date")}}


def update_sep(session: Session, number: str, *, actor: Actor, facility_code: str | None = None,
               accident_details: "accidents.Details | None" = None, dpjp_from_schedule: bool = False,
               **changes) -> dict:
    """Change what may change after issue; a new diagnosis or clinic is checked against the exclusions;
    accident details sent again replace the ones kept (``lakaLantas`` 0 drops them); a new DPJP of an
    outpatient SEP is checked as at issue with ``dpjp_from_schedule`` (the desk, A-V52)."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise Invalid(Msg("error.care.sep_not_changeable", unknown=sorted(unknown), value=', '.join(UPDATABLE)))
    for key, field, size in (("phone", "noTelp", PHONE_SIZE), ("mr_number", "noMR", MR_SIZE)):
        if changes.get(key) not in (None, ""):
            changes[key] = check_length(changes[key], field, size)
    with unit_of_work(session):
        row = _live(session, number, facility_code)
        before = _changeable(row)
        steps = list(row.explanation or [])
        if changes.get("diagnosis"):
            row.diagnosis_code = check_diagnosis(changes["diagnosis"], "diagAwal").code
        if changes.get("poli"):
            row.poli_code = check_poli(changes["poli"], "poli.tujuan").code
        if changes.get("diagnosis") or changes.get("poli"):
            cover.check_cover(session, row.participant_id, row.sep_date, [], service="FKRTL_SPECIALIST_EXAMINATION",
                              level="referral", diagnosis=row.diagnosis_code, poli=row.poli_code,
                              delivery_child_number=row.delivery_child_number, referral_letter=True)
        if dpjp_from_schedule and row.service_type == "2" and changes.get("dpjp_code") not in (None, "", row.dpjp_code):
            practice.check_doctor_on(session, row.facility_code, row.poli_code, row.sep_date, changes["dpjp_code"],
                                     field="dpjp_code")
        for key in ("mr_number", "notes", "dpjp_code", "phone", "upgrade_payer", "upgrade_responsible"):
            if changes.get(key) not in (None, ""):
                setattr(row, key, changes[key])
        if changes.get("class_upgrade") not in (None, ""):
            if changes["class_upgrade"] not in UPGRADE_CLASSES or row.service_type != "1":
                raise Invalid(Msg("error.care.class_upgrade_update"), field="klsRawat.klsRawatNaik")
            row.class_upgrade = changes["class_upgrade"]
        for key, field in (("executive", "poli.eksekutif"), ("cob", "cob.cob"), ("cataract", "katarak.katarak")):
            if changes.get(key) not in (None, ""):
                setattr(row, key, _flag(changes[key], field))
        if changes.get("accident") not in (None, ""):
            if changes["accident"] not in ACCIDENTS:
                raise Invalid(Msg("error.care.laka_lantas"), field="jaminan.lakaLantas")
            row.accident = changes["accident"]
        if changes.get("accident") not in (None, "") or accident_details is not None:
            accidents.record(session, row, row.accident, accident_details, replace=True)
        if changes.get("discharge_date") not in (None, ""):
            d = parse_date(changes["discharge_date"], "tglPulang")
            if row.service_type != "1" or d < row.sep_date:
                raise Invalid(Msg("error.care.discharge_inpatient"), field="tglPulang")
            row.discharge_date = d
        steps.append(Step(Msg("care.sep.updated_by", name=actor.name), "SEP update").as_dict())
        row.explanation = steps
        session.flush()
        was, now = audit.changed(before, _changeable(row))
        audit.record_at_facility(session, actor, "sep.update", facility(session, row.facility_code), object_type="sep",
                                 object_id=row.number, summary=audit.changed_summary(now),
                                 before=was, after=now)
        return sep_view(session, row)


def delete_sep(session: Session, number: str, *, actor: Actor, facility_code: str | None = None,
               reason: str | None = None) -> dict:
    """Cancel a live SEP no control letter follows; ``reason`` (the desk asks for it, VClaim's
    ``SEP/2.0/delete`` has no place for one) is kept with the SEP and in the audit row."""
    reason = check_length(reason, "reason", REASON_SIZE, Msg("desk.cancel_reason"))
    with unit_of_work(session):
        row = _live(session, number, facility_code)
        letter = session.scalar(select(ControlLetterRow.number).where(ControlLetterRow.sep_number == row.number,
                                                                      ControlLetterRow.deleted_at.is_(None)))
        if letter:
            raise Invalid(Msg("error.care.sep_has_control", number=str(number), letter=letter), field="noSep")
        internal = internal_referrals.live_from(session, row.number)
        if internal:
            raise Invalid(Msg("error.care.sep_has_internal", number=str(number), letter=internal), field="noSep")
        internal_referrals.close_for(session, row.number, actor)
        row.deleted_at = dt.datetime.now(dt.timezone.utc)
        row.deleted_by, row.deleted_reason = actor.name, reason
        audit.record_at_facility(session, actor, "sep.delete", facility(session, row.facility_code), object_type="sep",
                                 object_id=row.number,
                                 summary=Msg("audit.sum.sep_deleted", number=row.number, reason=reason or "-"),
                                 before={"deleted": False}, after={"deleted": True, "reason": reason})
        return {"number": row.number, "deleted": True}


def seps_on_date(session: Session, facility_code: str, day: "dt.date | str", service_type: str) -> list[dict]:
    """Monitoring: the SEPs a facility issued on one date for one service type."""
    d = parse_date(day, "tanggal")
    if service_type not in SERVICE_TYPES:
        raise Invalid(Msg("error.care.service_type_short"), field="jnsPelayanan")
    fac = facility(session, facility_code)
    rows = session.execute(select(SepRow, ParticipantRow).join(ParticipantRow, ParticipantRow.id == SepRow.participant_id)
                           .where(SepRow.facility_code == fac.code, SepRow.sep_date == d,
                                  SepRow.service_type == service_type, SepRow.deleted_at.is_(None))
                           .order_by(SepRow.number)).all()
    return [sep_view(session, s, p, fac) for s, p in rows]


def history(session: Session, card_number: str, start: "dt.date | str", end: "dt.date | str",
            max_days: int = 366) -> list[dict]:
    """Monitoring: a participant's SEPs at every facility between two dates (inclusive)."""
    a, b = parse_date(start, "tglMulai"), parse_date(end, "tglAkhir")
    if b < a:
        raise Invalid(Msg("error.care.end_before_start"), field="tglAkhir")
    if (b - a).days > max_days:
        raise Invalid(Msg("error.care.days_at_once", max_days=max_days), field="tglAkhir")
    p = care_eligibility.check(session, b, card_number=card_number).participant
    rows = session.execute(select(SepRow, FacilityRow).join(FacilityRow, FacilityRow.code == SepRow.facility_code)
                           .where(SepRow.participant_id == p.id, SepRow.sep_date >= a, SepRow.sep_date <= b,
                                  SepRow.deleted_at.is_(None)).order_by(SepRow.sep_date, SepRow.number)).all()
    return [sep_view(session, s, p, f) for s, f in rows]


def discharges_in_month(session: Session, facility_code: str, year: int | str, month: int | str) -> list[dict]:
    """The inpatient SEPs of a facility whose discharge date falls in one calendar month."""
    first, last = month_span(year, month)
    fac = facility(session, facility_code)
    rows = session.execute(select(SepRow, ParticipantRow).join(ParticipantRow, ParticipantRow.id == SepRow.participant_id)
                           .where(SepRow.facility_code == fac.code, SepRow.discharge_date >= first,
                                  SepRow.discharge_date <= last, SepRow.deleted_at.is_(None))
                           .order_by(SepRow.discharge_date, SepRow.number)).all()
    return [sep_view(session, s, p, fac) for s, p in rows]
