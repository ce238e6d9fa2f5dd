"""Claim sheets (Lembar Pengajuan Klaim, LPK; VClaim ``LPK/insert``, ``LPK/update``, ``LPK/delete``,
``LPK/TglMasuk/{d}/JnsPelayanan/{1|2}``): what the hospital declares about the care one of its SEPs
covered. The hospital holds these data; this server records them as sent and checks what it has a
list for: the SEP (live, this facility's), dates, clinic and specialty (the clinic codes), the room
class (VClaim's class codes, A-V01), the discharge and after-discharge codes (the claim form's
lists), ICD-10 diagnoses with exactly one primary, and the follow-up plan. The room (ruang rawat)
and its class are matched against the rooms the hospital reports to Aplicares when it reports any
(assumption A-V53); else, like ICD-9-CM procedures, kept as sent, format checked (A-V40)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.services.care import beds
from jkn.services.care import sep as sep_service
from jkn.services.care.common import check_diagnosis, check_poli, facility, parse_date
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import ClaimSheetRow, SepRow

#: rencanaTL.tindakLanjut (VClaim): 1 allowed home, 2 supporting examination, 3 referred to, 4 control again
FOLLOW_UPS = {"1": "Diperbolehkan Pulang", "2": "Pemeriksaan Penunjang", "3": "Dirujuk Ke", "4": "Kontrol Kembali"}
#: an ICD-9-CM procedure code as clients send it ("39.95", "88.72"), and a room code (digits)
PROCEDURE_RE = re.compile(r"[0-9]{2}(\.[0-9]{1,2})?")
ROOM_RE = re.compile(r"[0-9A-Za-z]{1,10}")


def _code(value, allowed: dict | tuple, field: str) -> str:
    code = str(value or "").strip()
    if code not in (allowed if isinstance(allowed, dict) else dict(allowed)):
        raise Invalid(Msg("error.care.code_unknown", field=field, code=code or "-"), field=field)
    return code


def _room(session: Session, facility_code: str, room: str, room_class: str) -> None:
    """Where the hospital reports rooms to Aplicares, the sheet's room must be one of them and its
    class one the room is reported in (VClaim and Aplicares classes matched by name; a VClaim class
    Aplicares has no name for is not matched). No rooms reported: kept as sent (A-V53)."""
    rooms = beds.rooms_of(session, facility_code)
    if not rooms:
        return
    if room not in rooms:
        raise Invalid(Msg("error.care.lpk_room_unknown", code=room), field="perawatan.ruangRawat")
    names = {c.name: c.code for c in care_codes.bed_classes().values()}
    wanted = names.get(sep_service.UPGRADE_CLASSES[room_class])
    if wanted and wanted not in rooms[room]["classes"]:
        raise Invalid(Msg("error.care.lpk_room_class", code=room, room_class=room_class,
                          classes=", ".join(rooms[room]["classes"])), field="perawatan.kelasRawat")


def _care(session: Session, facility_code: str, care: dict) -> dict:
    room = str(care.get("ruangRawat") or "").strip()
    if not ROOM_RE.fullmatch(room):
        raise Invalid(Msg("error.care.code_unknown", field="perawatan.ruangRawat", code=room or "-"),
                      field="perawatan.ruangRawat")
    room_class = _code(care.get("kelasRawat"), sep_service.UPGRADE_CLASSES, "perawatan.kelasRawat")
    _room(session, facility_code, room, room_class)
    return {"ruangRawat": room, "kelasRawat": room_class,
            "spesialistik": check_poli(str(care.get("spesialistik") or ""), "perawatan.spesialistik").code,
            "caraKeluar": _code(care.get("caraKeluar"), care_codes.claim_codes("carakeluar"), "perawatan.caraKeluar"),
            "kondisiPulang": _code(care.get("kondisiPulang"), care_codes.claim_codes("pascapulang"),
                                   "perawatan.kondisiPulang")}


def _diagnoses(items) -> list[dict]:
    if not isinstance(items, list) or not items:
        raise Invalid(Msg("error.care.lpk_primary"), field="diagnosa")
    out = []
    for d in items:
        d = d if isinstance(d, dict) else {}
        level = str(d.get("level") or "").strip()
        if level not in ("1", "2"):
            raise Invalid(Msg("error.care.code_unknown", field="diagnosa.level", code=level or "-"), field="diagnosa")
        out.append({"kode": check_diagnosis(str(d.get("kode") or ""), "diagnosa.kode").code, "level": level})
    if [d["level"] for d in out].count("1") != 1:
        raise Invalid(Msg("error.care.lpk_primary"), field="diagnosa")
    return out


def procedures(items) -> list[dict]:
    """ICD-9-CM codes as sent, format checked (A-V40)."""
    out = []
    for p in items or []:
        code = str((p if isinstance(p, dict) else {}).get("kode") or "").strip()
        if not PROCEDURE_RE.fullmatch(code):
            raise Invalid(Msg("error.care.code_unknown", field="procedure.kode", code=code or "-"), field="procedure")
        out.append({"kode": code})
    return out


def _follow_up(session: Session, plan: dict, admitted: dt.date) -> dict:
    kind = _code(plan.get("tindakLanjut"), FOLLOW_UPS, "rencanaTL.tindakLanjut")
    out = {"tindakLanjut": kind, "dirujukKe": None, "kontrolKembali": None}
    if kind == "3":
        to = (plan.get("dirujukKe") or {}) if isinstance(plan.get("dirujukKe"), dict) else {}
        out["dirujukKe"] = {"kodePPK": facility(session, str(to.get("kodePPK") or ""), "rencanaTL.dirujukKe.kodePPK").code}
    if kind == "4":
        back = plan.get("kontrolKembali") if isinstance(plan.get("kontrolKembali"), dict) else {}
        day = parse_date(back.get("tglKontrol"), "rencanaTL.kontrolKembali.tglKontrol")
        if day < admitted:
            raise Invalid(Msg("error.care.lpk_dates"), field="rencanaTL.kontrolKembali.tglKontrol")
        out["kontrolKembali"] = {"tglKontrol": day.isoformat(),
                                 "poli": check_poli(back.get("poli"), "rencanaTL.kontrolKembali.poli").code}
    return out


def _fields(session: Session, sep: SepRow, sheet: dict) -> dict:
    admitted = parse_date(sheet.get("tglMasuk"), "tglMasuk")
    discharged = parse_date(sheet.get("tglKeluar"), "tglKeluar")
    if discharged < admitted or admitted < sep.sep_date:
        raise Invalid(Msg("error.care.lpk_dates"), field="tglKeluar")
    guarantor = str(sheet.get("jaminan") or "").strip()
    if guarantor != "1":
        raise Invalid(Msg("error.care.code_unknown", field="jaminan", code=guarantor or "-"), field="jaminan")
    poli = sheet.get("poli") if isinstance(sheet.get("poli"), dict) else {}
    care = sheet.get("perawatan") if isinstance(sheet.get("perawatan"), dict) else {}
    plan = sheet.get("rencanaTL") if isinstance(sheet.get("rencanaTL"), dict) else {}
    return dict(admitted_on=admitted, discharged_on=discharged, guarantor=guarantor,
                poli_code=check_poli(poli.get("poli"), "poli.poli").code, care=_care(session, sep.facility_code, care),
                diagnoses=_diagnoses(sheet.get("diagnosa")), procedures=procedures(sheet.get("procedure")),
                follow_up=_follow_up(session, plan, admitted), dpjp_code=str(sheet.get("DPJP") or "").strip() or None)


def live_sep_of(session: Session, number: str | None, facility_code: str) -> SepRow:
    """The live SEP of this facility (an SEP of another facility is answered as unknown, A-C17)."""
    row = session.get(SepRow, (number or "").strip())
    if row is None or row.deleted_at is not None or row.facility_code != facility_code:
        raise NotFound(Msg("error.care.sep_unknown_number", number=str(number)), field="noSep")
    return row


def save(session: Session, sheet: dict, *, actor: Actor, facility_code: str, new: bool) -> str:
    """Record (``new``) or replace the claim sheet of an SEP; answer its SEP number."""
    with unit_of_work(session):
        sep = live_sep_of(session, sheet.get("noSep"), facility_code)
        fields = _fields(session, sep, sheet)
        row = session.get(ClaimSheetRow, sep.number)
        if new and row is not None:
            raise Conflict(Msg("error.care.lpk_exists", number=sep.number), field="noSep")
        if not new and row is None:
            raise NotFound(Msg("error.care.lpk_unknown", number=sep.number), field="noSep")
        before = None
        if row is None:
            row = ClaimSheetRow(sep_number=sep.number, facility_code=sep.facility_code, created_by=actor.name, **fields)
            session.add(row)
        else:
            before = {"discharged_on": row.discharged_on, "diagnoses": row.diagnoses}
            for key, value in fields.items():
                setattr(row, key, value)
        session.flush()
        audit.record_at_facility(session, actor, "lpk.insert" if new else "lpk.update",
                                 facility(session, sep.facility_code), object_type="claim_sheet",
                                 object_id=sep.number,
                                 summary=Msg("audit.sum.claim_sheet", sep=sep.number), before=before,
                                 after={"discharged_on": row.discharged_on, "diagnoses": row.diagnoses})
        return sep.number


def delete(session: Session, sep_number: str | None, *, actor: Actor, facility_code: str) -> str:
    with unit_of_work(session):
        sep = live_sep_of(session, sep_number, facility_code)
        row = session.get(ClaimSheetRow, sep.number)
        if row is None:
            raise NotFound(Msg("error.care.lpk_unknown", number=sep.number), field="noSep")
        session.delete(row)
        audit.record_at_facility(session, actor, "lpk.delete", facility(session, sep.facility_code),
                                 object_type="claim_sheet", object_id=sep.number,
                                 summary=Msg("audit.sum.claim_sheet_deleted", sep=sep.number))
        return sep.number


def sheets_admitted_on(session: Session, facility_code: str, day: "dt.date | str", service_type: str) -> list[dict]:
    """The facility's claim sheets of one admission date and service type, with their SEP."""
    d = parse_date(day, "TglMasuk")
    if service_type not in sep_service.SERVICE_TYPES:
        raise Invalid(Msg("error.care.service_type_short"), field="JnsPelayanan")
    rows = session.execute(select(ClaimSheetRow, SepRow).join(SepRow, SepRow.number == ClaimSheetRow.sep_number)
                           .where(ClaimSheetRow.facility_code == facility_code, ClaimSheetRow.admitted_on == d,
                                  SepRow.service_type == service_type, SepRow.deleted_at.is_(None))
                           .order_by(ClaimSheetRow.sep_number)).all()
    return [{"sheet": sheet, "sep": sep_service.sep_view(session, s)} for sheet, s in rows]
