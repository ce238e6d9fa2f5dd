"""Choosing the hospital of an FKTP referral (the FKTP desk): partner hospitals (FKRTL) ordered by
nearness — the FKTP's own kab/kota first, then the rest of its branch office's area, then the
rest of its province — each marked with whether it has told jkn it runs the clinic asked for (a
specialist of that poli on its staff or a doctor's schedule at that poli). jkn knows no road
distances; the administrative rings are the distance (assumption A-Q09). A referral to a
hospital outside the FKTP's kab/kota carries the reason (``referrals.create_referral``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.services.care.common import check_poli, facility
from jkn.store.care_tables import FacilityStaffRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.queue_tables import DoctorScheduleRow
from jkn.store.reference_tables import KabKotaRow

RINGS = ("kabkota", "branch", "province")


def ring(origin: KabKotaRow, place: KabKotaRow) -> str | None:
    """How near a hospital's kab/kota is to the FKTP's: "kabkota", "branch", "province" or None."""
    if place.code == origin.code:
        return "kabkota"
    if place.branch_code == origin.branch_code:
        return "branch"
    return "province" if place.province_code == origin.province_code else None


def offering(session: Session, poli_code: str, codes: list[str]) -> set[str]:
    """The hospitals among ``codes`` that run the clinic: an active specialist of it or a schedule."""
    staff = session.scalars(select(FacilityStaffRow.facility_code).where(
        FacilityStaffRow.facility_code.in_(codes), FacilityStaffRow.poli_code == poli_code,
        FacilityStaffRow.active.is_(True))).all()
    schedules = session.scalars(select(DoctorScheduleRow.facility_code).where(
        DoctorScheduleRow.facility_code.in_(codes), DoctorScheduleRow.poli_code == poli_code,
        DoctorScheduleRow.closed.is_(False))).all()
    return set(staff) | set(schedules)


def hospitals(session: Session, from_facility: str, *, poli: str | None = None, wider: bool = False) -> list[dict]:
    """Partner hospitals of the FKTP's province (every province with ``wider``), nearest ring first;
    within a ring those running the clinic first, then by name."""
    src = facility(session, from_facility)
    origin = session.get(KabKotaRow, src.kabkota_code)
    pol = check_poli(poli, "poli", required=False)
    stmt = (select(FacilityRow, KabKotaRow).join(KabKotaRow, KabKotaRow.code == FacilityRow.kabkota_code)
            .where(FacilityRow.level == "FKRTL", FacilityRow.partnership == "PARTNER"))
    if not wider:
        stmt = stmt.where(KabKotaRow.province_code == origin.province_code)
    rows = session.execute(stmt).all()
    runs = offering(session, pol.code, [f.code for f, _k in rows]) if pol else set()
    out = [{"code": f.code, "name": f.name, "address": f.address, "phone": f.phone, "kabkota": k.name,
            "province": k.province,
            "ring": ring(origin, k) or "other", "offers": (f.code in runs) if pol else None,
            "outside": k.code != origin.code} for f, k in rows]
    order = {name: i for i, name in enumerate((*RINGS, "other"))}
    out.sort(key=lambda h: (order[h["ring"]], not h["offers"], h["name"]))
    return out
