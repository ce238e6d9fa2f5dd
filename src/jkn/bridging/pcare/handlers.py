"""The P-Care service paths this server answers, each a thin call into the first-level care
services (:mod:`jkn.services.care.primary_care`, ``referrals``, ``eligibility``); paths and
fields as P-Care clients send them (docs/pcare.md). A clinic reads and writes its own visits.
"""

from __future__ import annotations

import base64
import binascii

from sqlalchemy import select

from jkn.bridging.core import envelope
from jkn.bridging.core.protocol import Call, ProtocolError, Router
from jkn.bridging.vclaim.shapes import segment_ref
from jkn.reference import care_codes
from jkn.services.care import eligibility as care_eligibility
from jkn.services.care import facilities, pcare_users, primary_care, referrals
from jkn.services.care.common import jakarta_today, parse_date, valid_card, valid_nik
from jkn.i18n import Msg
from jkn.services.errors import Invalid, NotFound
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import ParticipantRow

router = Router()
CLASS_NAMES = {"I": ("KELAS I", "1"), "II": ("KELAS II", "2"), "III": ("KELAS III", "3")}


def _credentials(header: str | None) -> tuple[str, str, str] | None:
    """(user, password, kdAplikasi) from ``Basic base64(user:password:kdAplikasi)``."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        text = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep1, rest = text.partition(":")
    password, sep2, app = rest.rpartition(":")
    return (user, password, app) if sep1 and sep2 and user and password and app else None


def admit(sessions, headers, consumer) -> None:
    """An FKTP's consumer, with one of its P-Care users in ``X-Authorization`` (A-Q07)."""
    if consumer.facility_level != "FKTP":
        raise ProtocolError(envelope.UNAUTHORIZED, f"Unauthorized: {consumer.facility_code} is an "
                            f"{consumer.facility_level}; P-Care is for clinics (FKTP)")
    cred = _credentials(headers.get("x-authorization"))
    with sessions() as session:
        ok = cred is not None and pcare_users.authenticate(session, consumer.facility_code, *cred)
    if not ok:
        raise ProtocolError(envelope.UNAUTHORIZED, "Unauthorized: X-Authorization is missing or not valid "
                            "(Basic base64(user:password:kdAplikasi) of a P-Care user of this facility)")


def _page(rows: list, row: str, limit: str) -> dict:
    """P-Care's ``{count, list}``: ``count`` all rows, ``list`` from ``row`` (1-based in P-Care's
    examples; 0 read as 1) at most ``limit``."""
    try:
        start, size = max(int(row), 1), int(limit)
    except ValueError:
        raise Invalid(Msg("bridging.pcare.row_limit_numbers"), field="limit") from None
    if not 1 <= size <= 1000:
        raise Invalid(Msg("bridging.pcare.limit_range"), field="limit")
    if not rows:
        raise NotFound("Data tidak ditemukan")
    return {"count": len(rows), "list": rows[start - 1:start - 1 + size]}


# --- peserta --------------------------------------------------------------------------------

def _peserta(call: Call, *, card: str | None = None, nik: str | None = None) -> dict:
    e = care_eligibility.check(call.session, jakarta_today(), card_number=card, nik=nik)
    p = e.participant
    cls = CLASS_NAMES.get(p.care_class, (p.care_class, ""))
    seg = segment_ref(p.segment)
    return {"noKartu": p.card_number, "nama": p.name, "hubunganKeluarga": p.relationship, "sex": p.sex,
            "tglLahir": p.birth_date.strftime("%d-%m-%Y"), "tglMulaiAktif": p.tmt.strftime("%d-%m-%Y"),
            "tglAkhirBerlaku": p.end_date.strftime("%d-%m-%Y") if p.end_date else None,
            "kdProviderPst": {"kdProvider": p.fktp_code, "nmProvider": e.fktp_name},
            "kdProviderGigi": {"kdProvider": None, "nmProvider": None},
            "jnsKelas": {"nama": cls[0], "kode": cls[1]}, "jnsPeserta": {"nama": seg["keterangan"], "kode": seg["kode"]},
            "golDarah": None, "noHP": None, "noKTP": p.nik, "pstProl": None, "pstPrb": None, "aktif": e.active,
            "ketAktif": e.status_text, "asuransi": {"kdAsuransi": None, "nmAsuransi": None, "noAsuransi": None,
                                                    "cob": False}, "tunggakan": 0}


@router.add("GET", "peserta/{no}")
def peserta_by_card(call: Call):
    return _peserta(call, card=valid_card(call.params["no"]))


@router.add("GET", "peserta/{jenis}/{no}")
def peserta_by_kind(call: Call):
    kind = call.params["jenis"].lower()
    if kind == "nik":
        return _peserta(call, nik=valid_nik(call.params["no"]))
    if kind == "noka":
        return _peserta(call, card=valid_card(call.params["no"]))
    raise Invalid("jenis kartu harus nik atau noka", field="jenis")


# --- references -----------------------------------------------------------------------------

@router.add("GET", "diagnosa/{kode}/{row}/{limit}")
def diagnosa(call: Call):
    rows = [{"kdDiag": d.code, "nmDiag": d.title, "nonSpesialis": None}
            for d in care_codes.search_diagnoses(call.params["kode"], limit=1000) if d.codable]
    return _page(rows, call.params["row"], call.params["limit"])


@router.add("GET", "dokter/{row}/{limit}")
def dokter(call: Call):
    rows = [{"kdDokter": s["registration_number"] or str(s["id"]), "nmDokter": s["name"]}
            for s in facilities.list_staff(call.session, call.consumer.facility_code)
            if s["role"] in ("DOCTOR", "DENTIST", "SPECIALIST") and s["active"]]
    return _page(rows, call.params["row"], call.params["limit"])


@router.add("GET", "poli/fktp/{row}/{limit}")
def poli_fktp(call: Call):
    """The clinics of the poli reference; ``poliSakit`` is not in jkn's reference (A-Q07)."""
    rows = [{"kdPoli": p.code, "nmPoli": p.name, "poliSakit": None} for p in care_codes.polis().values()]
    return _page(rows, call.params["row"], call.params["limit"])


@router.add("GET", "provider/{row}/{limit}")
def provider(call: Call):
    """Partner FKTPs of the clinic's kab/kota (rayonisasi read as the same kab/kota, A-Q07)."""
    mine = call.session.get(FacilityRow, call.consumer.facility_code)
    rows = [{"kdProvider": f.code, "nmProvider": f.name} for f in call.session.scalars(
        select(FacilityRow).where(FacilityRow.level == "FKTP", FacilityRow.partnership == "PARTNER",
                                  FacilityRow.kabkota_code == mine.kabkota_code).order_by(FacilityRow.code))]
    return _page(rows, call.params["row"], call.params["limit"])


# --- kunjungan ------------------------------------------------------------------------------

def _date(value, field: str):
    """P-Care dates are dd-mm-yyyy; ISO is accepted too."""
    text = str(value or "").strip()
    if len(text) == 10 and text[2] == "-" and text[5] == "-":
        text = f"{text[6:]}-{text[3:5]}-{text[:2]}"
    return parse_date(text, field)


@router.add("POST", "kunjungan")
def kunjungan_add(call: Call):
    """A visit (``primary_care.record_visit``); with ``rujukLanjut.kdppk`` also the referral to
    that hospital (``referrals.create_referral``). Answers ``{field, message}`` with the visit number."""
    b = call.body if isinstance(call.body, dict) else {}
    card = valid_card(str(b.get("noKartu") or ""))
    day = _date(b.get("tglDaftar"), "tglDaftar")
    visit = primary_care.record_visit(
        call.session, actor=call.actor, card_number=card, facility_code=call.consumer.facility_code,
        visit_date=day, care_type="RITP" if str(b.get("kdTkp") or "10") == "20" else "RJTP",
        diagnosis=str(b.get("kdDiag1") or "").strip() or None, complaint=str(b.get("keluhan") or "").strip() or None)
    answer = {"field": "noKunjungan", "message": str(visit["id"])}
    lanjut = b.get("rujukLanjut") if isinstance(b.get("rujukLanjut"), dict) else {}
    if str(lanjut.get("kdppk") or "").strip():
        ref = referrals.create_referral(
            call.session, actor=call.actor, card_number=card, from_facility=call.consumer.facility_code,
            referral_date=day, diagnosis=str(b.get("kdDiag1") or ""), poli=str(b.get("kdPoliRujukLanjut") or
                                                                                 b.get("kdPoli") or "") or None,
            to_facility=str(lanjut["kdppk"]).strip(), planned_visit_date=_date(lanjut.get("tglEstRujuk"), "tglEstRujuk")
            if lanjut.get("tglEstRujuk") else None, visit_id=visit["id"], complaint=visit["complaint"])
        answer["noRujukan"] = ref["number"]
    return answer


@router.add("GET", "kunjungan/peserta/{no}")
def kunjungan_peserta(call: Call):
    visits = primary_care.list_visits(call.session, card_number=valid_card(call.params["no"]),
                                      facility_code=call.consumer.facility_code)
    if not visits:
        raise NotFound("Data tidak ditemukan")
    rows = []
    for v in visits:
        dx = care_codes.diagnosis(v["diagnosis"] or "")
        rows.append({"noKunjungan": str(v["id"]), "tglKunjungan": v["visit_date"][8:] + "-" + v["visit_date"][5:7] + "-"
                     + v["visit_date"][:4], "providerPelayanan": {"kdProvider": v["facility_code"],
                                                                   "nmProvider": v["facility_name"]},
                     "peserta": {"noKartu": v["card_number"]}, "keluhan": v["complaint"] or "",
                     "diagnosa1": {"kdDiag": v["diagnosis"], "nmDiag": dx.title if dx else None, "nonSpesialis": None},
                     "tkp": {"kdTkp": "20" if v["care_type"] == "RITP" else "10",
                             "nmTkp": "RITP" if v["care_type"] == "RITP" else "RJTP"}})
    return {"count": len(rows), "list": rows}


@router.add("GET", "kunjungan/rujukan/{no}")
def kunjungan_rujukan(call: Call):
    r = referrals.get_referral(call.session, call.params["no"])
    if r["from_facility"]["code"] != call.consumer.facility_code:
        raise NotFound(f"no referral {call.params['no']}", field="noRujukan")
    p = call.session.get(ParticipantRow, r["participant_id"])
    when = parse_date(r["referral_date"], "tglKunjungan")
    return {"noRujukan": r["number"], "ppk": {"kdPPK": r["to_facility"]["code"], "nmPPK": r["to_facility"]["name"],
                                              "alamat": None},
            "tglKunjungan": when.strftime("%d-%m-%Y"), "poli": {"kdPoli": r["poli"]["code"], "nmPoli": r["poli"]["name"]},
            "nokaPst": r["card_number"], "nmPst": r["name"], "tglLahir": p.birth_date.strftime("%d-%m-%Y"),
            "sex": p.sex, "diag1": {"kdDiag": r["diagnosis"]["code"], "nmDiag": r["diagnosis"]["name"]},
            "diag2": None, "diag3": None, "catatan": r["notes"],
            "tglEstRujuk": r["planned_visit_date"], "tglAkhirRujuk": r["valid_until"]}
