"""Beds a hospital reports (Aplicares, issue #13): rooms per bed class with capacity and free beds,
as the hospital's SIMRS sends them; shown to the public by kab/kota.

The figures are the hospital's own (docs/aplicares.md): a room is created, updated and deleted
only by its hospital, and nothing is estimated. Classes are Aplicares' reference classes
(``jkn.reference.care_codes.bed_classes``). Field rules (assumption A-V30): counts are whole
numbers from 0; free beds at most the capacity; the free beds for men, women and either together
at most the free beds.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jkn.domain.timestamps import utcnow
from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.services.bounds import MAX_INT, MAX_LIMIT
from jkn.services.care.common import JAKARTA, facility
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.bed_tables import BedRoomRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.reference_tables import KabKotaRow

#: Aplicares' answer to an update or delete of a room it does not hold (clients fall back to create on it).
NO_SUCH_ROOM = "Data tidak ada di database."
COUNTS = ("kapasitas", "tersedia", "tersediapria", "tersediawanita", "tersediapriawanita")
_ROOM_CODE = re.compile(r"[0-9A-Za-z._\-/ ]{1,20}")


def _count(body: dict, key: str, required: bool) -> int:
    raw = body.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise Invalid(Msg("error.care.required", field=key), field=key)
        return 0
    if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.strip().isdigit()
                                                                and raw.strip().isascii())):
        raise Invalid(Msg("error.care.bed_whole_number", field=key, raw=repr(raw)), field=key)
    value = int(raw)
    if value > MAX_INT or value < 0:
        raise Invalid(Msg("error.care.bed_number_range", field=key, max_int=MAX_INT), field=key)
    return value


def _class(body: dict) -> str:
    code = str(body.get("kodekelas") or "").strip().upper()
    if not code:
        raise Invalid(Msg("error.care.bed_class_required"), field="kodekelas")
    if code not in care_codes.bed_classes():
        raise Invalid(Msg("error.care.bed_class_unknown", code=repr(code),
                          value=', '.join(care_codes.bed_classes())), field="kodekelas")
    return code


def _room_code(body: dict) -> str:
    code = str(body.get("koderuang") or "").strip()
    if not _ROOM_CODE.fullmatch(code):
        raise Invalid(Msg("error.care.room_code_format"), field="koderuang")
    return code


def _figures(body: dict) -> dict:
    """The room's name and counts from an Aplicares body, checked (A-V30)."""
    name = str(body.get("namaruang") or "").strip()
    if not name or len(name) > 120 or not name.isprintable():
        raise Invalid(Msg("error.care.room_name_format"), field="namaruang")
    capacity, available, male, female, either = (_count(body, k, k in ("kapasitas", "tersedia")) for k in COUNTS)
    if available > capacity:
        raise Invalid(Msg("error.care.beds_over_capacity", available=available, capacity=capacity), field="tersedia")
    if male + female + either > available:
        raise Invalid(Msg("error.care.beds_split_over", value=male + female + either, available=available), field="tersedia")
    return {"room_name": name, "capacity": capacity, "available": available, "available_male": male,
            "available_female": female, "available_any": either}


def _own_facility(session: Session, facility_code: str, consumer_facility: str) -> FacilityRow:
    """The hospital named in the path, which must be the caller's own (a hospital reports only its beds)."""
    if (facility_code or "").strip().upper() != consumer_facility:
        raise Invalid(Msg("error.care.bed_other_facility", facility_code=repr(facility_code),
                          consumer_facility=consumer_facility),
                      field="kodeppk")
    fac = facility(session, consumer_facility, "kodeppk")
    if fac.level != "FKRTL":
        raise Invalid(Msg("error.care.aplicares_hospital_only", code=str(fac.code)), field="kodeppk")
    return fac


def _find(session: Session, fac: FacilityRow, class_code: str, room_code: str) -> BedRoomRow:
    row = session.scalar(select(BedRoomRow).where(BedRoomRow.facility_code == fac.code,
                                                  BedRoomRow.class_code == class_code,
                                                  BedRoomRow.room_code == room_code))
    if row is None:
        raise NotFound(NO_SUCH_ROOM, field="koderuang")
    return row


def _figures_of(row: BedRoomRow) -> dict:
    return {k: getattr(row, k) for k in ("room_name", "capacity", "available", "available_male",
                                         "available_female", "available_any")}


def create_room(session: Session, facility_code: str, body: dict, *, actor: Actor, consumer_facility: str) -> dict:
    """Aplicares ``bed/create``: a new room of one class at the caller's hospital."""
    with unit_of_work(session):
        fac = _own_facility(session, facility_code, consumer_facility)
        class_code, room_code, figures = _class(body), _room_code(body), _figures(body)
        row = BedRoomRow(facility_code=fac.code, class_code=class_code, room_code=room_code, **figures)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            raise Conflict(Msg("error.care.room_reported", room_code=str(room_code), class_code=str(class_code),
                               code=str(fac.code)), field="koderuang") from None
        audit.record_at_facility(session, actor, "bed.create", fac, object_type="bed_room",
                                 object_id=f"{class_code}/{room_code}",
                                 summary=Msg("audit.sum.room", room=room_code, cls=class_code,
                                             free=figures["available"],
                                             capacity=figures["capacity"]), after=figures)
        return view(row)


def update_room(session: Session, facility_code: str, body: dict, *, actor: Actor, consumer_facility: str) -> dict:
    """Aplicares ``bed/update``: the room's name and counts as the hospital reports them now."""
    with unit_of_work(session):
        fac = _own_facility(session, facility_code, consumer_facility)
        class_code, room_code, figures = _class(body), _room_code(body), _figures(body)
        row = _find(session, fac, class_code, room_code)
        before = _figures_of(row)
        for key, value in figures.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        session.flush()
        was, now = audit.changed(before, figures)
        audit.record_at_facility(session, actor, "bed.update", fac, object_type="bed_room",
                                 object_id=f"{class_code}/{room_code}",
                                 summary=Msg("audit.sum.room", room=room_code, cls=class_code,
                                             free=figures["available"],
                                             capacity=figures["capacity"]), before=was, after=now)
        return view(row)


def delete_room(session: Session, facility_code: str, body: dict, *, actor: Actor, consumer_facility: str) -> dict:
    """Aplicares ``bed/delete``: the room of that class is no longer reported."""
    with unit_of_work(session):
        fac = _own_facility(session, facility_code, consumer_facility)
        class_code, room_code = _class(body), _room_code(body)
        row = _find(session, fac, class_code, room_code)
        before = _figures_of(row)
        session.delete(row)
        session.flush()
        audit.record_at_facility(session, actor, "bed.delete", fac, object_type="bed_room",
                                 object_id=f"{class_code}/{room_code}",
                                 summary=Msg("audit.sum.room_deleted", room=room_code, cls=class_code),
                                 before=before)
        return {"kodekelas": class_code, "koderuang": room_code, "deleted": True}


def _stamp(instant: dt.datetime) -> str:
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.timezone.utc)
    return instant.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M:%S")


def view(row: BedRoomRow) -> dict:
    """A room as Aplicares' ``bed/read`` lists it (without ``rownumber``)."""
    return {"kodekelas": row.class_code, "namakelas": care_codes.bed_classes()[row.class_code].name
            if row.class_code in care_codes.bed_classes() else row.class_code,
            "koderuang": row.room_code, "namaruang": row.room_name, "kapasitas": row.capacity,
            "tersedia": row.available, "tersediapria": row.available_male, "tersediawanita": row.available_female,
            "tersediapriawanita": row.available_any, "kodeppk": row.facility_code,
            "lastupdate": _stamp(row.updated_at)}


def _bound(value: str | int, name: str, low: int, high: int) -> int:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise Invalid(Msg("error.care.number_range", name=name, low=low, high=high), field=name)
    return int(text)


def read_rooms(session: Session, facility_code: str, start: str | int, limit: str | int, *,
               consumer_facility: str) -> tuple[int, list[dict]]:
    """Aplicares ``bed/read``: (all rooms of the hospital, rows ``start``..``start+limit-1`` numbered
    from 1 in class and room order). ``start`` 0 is read as 1, as some clients send it (A-V30)."""
    fac = _own_facility(session, facility_code, consumer_facility)
    first = max(_bound(start, "start", 0, MAX_INT), 1)
    size = _bound(limit, "limit", 1, MAX_LIMIT)
    total = session.scalar(select(func.count()).select_from(BedRoomRow).where(BedRoomRow.facility_code == fac.code))
    rows = session.scalars(select(BedRoomRow).where(BedRoomRow.facility_code == fac.code)
                           .order_by(BedRoomRow.class_code, BedRoomRow.room_code, BedRoomRow.id)
                           .offset(first - 1).limit(size)).all()
    return total, [{**view(r), "rownumber": first + i} for i, r in enumerate(rows)]


def rooms_of(session: Session, facility_code: str) -> dict[str, dict]:
    """The rooms a hospital reports, by room code: its name (the first class's, in code order) and
    the Aplicares classes it is reported in. What VClaim's ``referensi/ruangrawat`` lists and an
    LPK's room is matched against (A-V46, A-V53)."""
    out: dict[str, dict] = {}
    for r in session.scalars(select(BedRoomRow).where(BedRoomRow.facility_code == facility_code)
                             .order_by(BedRoomRow.room_code, BedRoomRow.class_code)):
        out.setdefault(r.room_code, {"name": r.room_name, "classes": []})["classes"].append(r.class_code)
    return out


def availability_in_kabkota(session: Session, kabkota_code: str) -> list[dict]:
    """The public page: every hospital of a kab/kota that reports beds, its rooms by class."""
    rows = session.execute(select(BedRoomRow, FacilityRow).join(FacilityRow, FacilityRow.code == BedRoomRow.facility_code)
                           .where(FacilityRow.kabkota_code == kabkota_code)
                           .order_by(FacilityRow.name, FacilityRow.code, BedRoomRow.class_code,
                                     BedRoomRow.room_code)).all()
    hospitals: dict[str, dict] = {}
    for room, fac in rows:
        h = hospitals.setdefault(fac.code, {"code": fac.code, "name": fac.name, "address": fac.address,
                                            "phone": fac.phone, "rooms": [], "capacity": 0, "available": 0})
        h["rooms"].append(view(room))
        h["capacity"] += room.capacity
        h["available"] += room.available
    return list(hospitals.values())


def kabkota_with_beds(session: Session) -> list[tuple[str, str, int]]:
    """(kab/kota code, name, hospitals reporting) for every kab/kota with at least one room reported."""
    return [tuple(r) for r in session.execute(
        select(KabKotaRow.code, KabKotaRow.name, func.count(func.distinct(FacilityRow.code)))
        .join(FacilityRow, FacilityRow.kabkota_code == KabKotaRow.code)
        .join(BedRoomRow, BedRoomRow.facility_code == FacilityRow.code)
        .group_by(KabKotaRow.code, KabKotaRow.name).order_by(KabKotaRow.name)).all()]
