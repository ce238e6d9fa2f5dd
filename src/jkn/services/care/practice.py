"""A hospital's clinics and doctors on a date, read from the practice schedules it keeps through
Antrean RS (``jadwaldokter/updatejadwaldokter`` or ``jkn care schedule set``, table
``doctor_schedule``; :mod:`jkn.services.care.queues`): what VClaim's control-letter and referral
pickers answer (``RencanaKontrol/ListSpesialistik``, ``RencanaKontrol/JadwalPraktekDokter``,
``Rujukan/ListSpesialistik``, ``referensi/dokter…``) and what the hospital desk offers.

Nothing here is estimated: a clinic is open on a date when a doctor's window is on that weekday
(1 Monday … 7 Sunday, ISO); its capacity is the sum of the capacities the hospital gave for those
windows, unknown (None) when any window has none (assumption A-V46); the letters and referrals
counted are the ones held for that hospital, clinic and date.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.services.care.common import check_poli, facility, parse_date
from jkn.services.care.queues import DOCTOR_ROLES, doctors
from jkn.services.errors import Invalid
from jkn.store.care_tables import ControlLetterRow, FacilityStaffRow, ReferralRow
from jkn.store.queue_tables import DoctorScheduleRow

#: VClaim's ``JnsKontrol``: 1 SPRI (the number is a card), 2 control letter (the number is an SEP).
CONTROL_KINDS = ("1", "2")


def control_kind(value: str) -> str:
    text = (value or "").strip()
    if text not in CONTROL_KINDS:
        raise Invalid(Msg("error.care.control_kind"), field="JnsKontrol")
    return text


def _windows(session: Session, facility_code: str, day: dt.date, poli: str | None = None) -> list[DoctorScheduleRow]:
    stmt = select(DoctorScheduleRow).where(DoctorScheduleRow.facility_code == facility_code,
                                           DoctorScheduleRow.weekday == day.isoweekday(),
                                           DoctorScheduleRow.closed.is_(False))
    if poli:
        stmt = stmt.where((DoctorScheduleRow.poli_code == poli) | (DoctorScheduleRow.subspecialist_code == poli))
    return list(session.scalars(stmt.order_by(DoctorScheduleRow.poli_code, DoctorScheduleRow.doctor_code,
                                              DoctorScheduleRow.opens)))


def _total(capacities: list[int | None]) -> int | None:
    return None if any(c is None for c in capacities) else sum(capacities)


def _booked(session: Session, facility_code: str, poli: str, day: dt.date, letters: bool) -> int:
    """Live referrals addressed to the hospital for the clinic and date (a referral counts on its planned
    visit date, or the date it was written), and its live control letters / SPRIs when ``letters``."""
    written = session.scalar(select(func.count()).select_from(ControlLetterRow).where(
        ControlLetterRow.facility_code == facility_code, ControlLetterRow.poli_code == poli,
        ControlLetterRow.control_date == day, ControlLetterRow.deleted_at.is_(None))) if letters else 0
    planned = func.coalesce(ReferralRow.planned_visit_date, ReferralRow.referral_date)
    sent = session.scalar(select(func.count()).select_from(ReferralRow).where(
        ReferralRow.to_facility == facility_code, ReferralRow.poli_code == poli, planned == day,
        ReferralRow.deleted_at.is_(None)))
    return int(written or 0) + int(sent or 0)


def share(booked: int, capacity: int | None) -> str | None:
    """VClaim's ``persentase``: booked over capacity, in percent with two decimals."""
    if not capacity:
        return None
    return f"{booked * 100 / capacity:.2f}"


def clinics_on(session: Session, facility_code: str, on: "dt.date | str", field: str = "tanggal", *,
               letters: bool = True) -> list[dict]:
    """The hospital's clinics with a doctor's window on the date: code, name, capacity (None when not
    given), the referrals (and, with ``letters``, control letters and SPRIs) already booked for it."""
    day = parse_date(on, field)
    fac = facility(session, facility_code, "kodePPK")
    by_poli: dict[str, list[int | None]] = {}
    for w in _windows(session, fac.code, day):
        by_poli.setdefault(w.poli_code, []).append(w.capacity)
    out = []
    for code, caps in sorted(by_poli.items()):
        p = care_codes.polis().get(code)
        capacity = _total(caps)
        booked = _booked(session, fac.code, code, day, letters)
        out.append({"poli": code, "poli_name": p.name if p else "", "capacity": capacity, "booked": booked,
                    "share": share(booked, capacity)})
    return out


def doctors_on(session: Session, facility_code: str, poli: str, on: "dt.date | str", field: str = "tanggal") -> list[dict]:
    """The doctors practising at a clinic of the hospital on the date, with their hours and capacity."""
    day = parse_date(on, field)
    pol = check_poli(poli, "KdPoli")
    names = {d["code"]: d["name"] for d in doctors(session, facility_code)}
    by_doctor: dict[str, list[DoctorScheduleRow]] = {}
    for w in _windows(session, facility_code, day, pol.code):
        by_doctor.setdefault(w.doctor_code, []).append(w)
    return [{"code": code, "name": names.get(code, ""), "poli": pol.code,
             "hours": ", ".join(f"{w.opens} - {w.closes}" for w in ws), "capacity": _total([w.capacity for w in ws])}
            for code, ws in by_doctor.items()]


def keeps_schedule(session: Session, facility_code: str, poli: str | None) -> bool:
    """Whether the hospital keeps any practice window for the clinic (any weekday, closed or not):
    only then is a doctor chosen from its schedule; otherwise a typed code is kept (A-V46)."""
    if not poli:
        return False
    return bool(session.scalar(select(func.count()).select_from(DoctorScheduleRow).where(
        DoctorScheduleRow.facility_code == facility_code,
        (DoctorScheduleRow.poli_code == poli) | (DoctorScheduleRow.subspecialist_code == poli))))


def doctor_choice(session: Session, facility_code: str, poli: str, on: "dt.date | str") -> tuple[bool, list[dict]]:
    """What a desk form offers for a doctor (a control letter's, an SPRI's, an outpatient SEP's DPJP):
    whether the clinic has a schedule (then only its doctors of the date may be chosen) and those doctors."""
    pol = check_poli(poli, "poli")
    return keeps_schedule(session, facility_code, pol.code), doctors_on(session, facility_code, pol.code, on)


def check_doctor_on(session: Session, facility_code: str, poli: str, day: dt.date, doctor_code: str | None,
                    field: str = "kodeDokter", *, required: bool = False) -> str | None:
    """A control letter's or SPRI's doctor, or a desk SEP's DPJP: one practising at the clinic on that
    date when the hospital keeps a schedule for the clinic; kept as sent when it keeps none (A-V46).
    With ``required`` (a control letter, an SPRI) a clinic with a schedule needs its doctor (A-S15)."""
    code = (doctor_code or "").strip()
    if not code:
        if required and keeps_schedule(session, facility_code, poli):
            raise Invalid(Msg("error.care.doctor_required_scheduled", poli=poli, day=day), field=field)
        return None
    if keeps_schedule(session, facility_code, poli) and code not in {
            d["code"] for d in doctors_on(session, facility_code, poli, day)}:
        raise Invalid(Msg("error.care.doctor_not_practising", code=code, poli=poli, day=day), field=field)
    return code


def doctor_name(session: Session, facility_code: str, code: str | None) -> str | None:
    """The name of one of the hospital's doctors by BPJS doctor code (None when not held)."""
    if not code:
        return None
    return session.scalar(select(FacilityStaffRow.name).where(
        FacilityStaffRow.facility_code == facility_code, FacilityStaffRow.registration_number == code,
        FacilityStaffRow.role.in_(DOCTOR_ROLES)).limit(1))


def search_doctors(session: Session, facility_code: str, text: str) -> list[dict]:
    """The hospital's doctors (staff with a BPJS doctor code) whose name or code contains the text."""
    needle = (text or "").strip().lower()
    if not needle:
        raise Invalid(Msg("error.care.doctor_name_required"), field="nama")
    return [d for d in doctors(session, facility_code) if needle in d["name"].lower() or needle == d["code"]]


def dpjp(session: Session, facility_code: str, service_type: str, on: "dt.date | str", poli: str) -> list[dict]:
    """Doctors for an SEP's DPJP (``referensi/dokter/pelayanan``): for an outpatient service those
    practising at the clinic on the date; for an inpatient stay the hospital's doctors of that
    specialty (staff clinic), since a ward has no practice window (assumption A-V46)."""
    if service_type not in ("1", "2"):
        raise Invalid(Msg("error.care.service_type"), field="JnsPelayanan")
    day = parse_date(on, "tglPelayanan")
    pol = check_poli(poli, "Spesialis")
    if service_type == "2":
        return doctors_on(session, facility_code, pol.code, day)
    rows = session.scalars(select(FacilityStaffRow).where(
        FacilityStaffRow.facility_code == facility_code, FacilityStaffRow.role.in_(DOCTOR_ROLES),
        FacilityStaffRow.active.is_(True), FacilityStaffRow.poli_code == pol.code).order_by(FacilityStaffRow.name))
    return [{"code": r.registration_number, "name": r.name, "poli": pol.code} for r in rows
            if (r.registration_number or "").isdigit()]

