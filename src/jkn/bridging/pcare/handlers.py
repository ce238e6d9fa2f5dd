"""The P-Care service paths this server answers, each a thin call into the first-level care
services (:mod:`jkn.services.care.primary_care`, ``referrals``, ``eligibility``); paths and
fields as P-Care clients send them (docs/pcare.md). A clinic reads and writes its own visits.
"""

from __future__ import annotations

import base64
import binascii

from sqlalchemy import select

from jkn.bridging.core import envelope
from jkn.bridging.core.protocol import Call, ProtocolError
from jkn.bridging.pcare.common import body, ddmmyyyy, listed, page, pdate, router, text
from jkn.bridging.vclaim.shapes import segment_ref
from jkn.reference import care_codes
from jkn.services.care import eligibility as care_eligibility
from jkn.services.care import facilities, fktp_queue, pcare_codes, pcare_users, primary_care, referrals
from jkn.services.care.common import jakarta_today, parse_date, valid_card, valid_nik
from jkn.i18n import Msg
from jkn.services.errors import Invalid, NotFound
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import ParticipantRow

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
        raise ProtocolError(envelope.UNAUTHORIZED, str(Msg("error.pcare.fktp_only", code=consumer.facility_code,
                                                          level=consumer.facility_level)))
    cred = _credentials(headers.get("x-authorization"))
    with sessions() as session:
        ok = cred is not None and pcare_users.authenticate(session, consumer.facility_code, *cred)
    if not ok:
        raise ProtocolError(envelope.UNAUTHORIZED, str(Msg("error.pcare.x_authorization")))


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
    raise Invalid(Msg("error.pcare.card_kind"), field="jenis")


# --- references -----------------------------------------------------------------------------

@router.add("GET", "diagnosa/{kode}/{row}/{limit}")
def diagnosa(call: Call):
    rows = [{"kdDiag": d.code, "nmDiag": d.title, "nonSpesialis": None}
            for d in care_codes.search_diagnoses(call.params["kode"], limit=1000) if d.codable]
    return page(rows, call.params["row"], call.params["limit"])


@router.add("GET", "dokter/{row}/{limit}")
def dokter(call: Call):
    rows = [{"kdDokter": s["registration_number"] or str(s["id"]), "nmDokter": s["name"]}
            for s in facilities.list_staff(call.session, call.consumer.facility_code)
            if s["role"] in ("DOCTOR", "DENTIST", "SPECIALIST") and s["active"]]
    return page(rows, call.params["row"], call.params["limit"])


@router.add("GET", "poli/fktp/{row}/{limit}")
def poli_fktp(call: Call):
    """The clinics of an FKTP: BPJS's loaded list, else the poli reference; ``poliSakit`` is not
    known to jkn (A-Q07, A-Q08)."""
    rows = [{"kdPoli": p["code"], "nmPoli": p["name"], "poliSakit": None} for p in pcare_codes.fktp_polis(call.session)]
    return page(rows, call.params["row"], call.params["limit"])


@router.add("GET", "provider/{row}/{limit}")
def provider(call: Call):
    """Partner FKTPs of the clinic's kab/kota (rayonisasi read as the same kab/kota, A-Q07)."""
    mine = call.session.get(FacilityRow, call.consumer.facility_code)
    rows = [{"kdProvider": f.code, "nmProvider": f.name} for f in call.session.scalars(
        select(FacilityRow).where(FacilityRow.level == "FKTP", FacilityRow.partnership == "PARTNER",
                                  FacilityRow.kabkota_code == mine.kabkota_code).order_by(FacilityRow.code))]
    return page(rows, call.params["row"], call.params["limit"])


# --- kunjungan ------------------------------------------------------------------------------

TKP = {"10": "RJTP", "20": "RITP"}


def exam_of(b: dict) -> dict:
    """The examination fields of a P-Care ``kunjungan`` body, for :mod:`jkn.services.care.visit_exam`."""
    therapy = "; ".join(t for t in (text(b, "terapi"), text(b, "terapiObat"), text(b, "terapiNonObat")) if t) or None
    exam = {k: b.get(k) for k in ("kdSadar", "sistole", "diastole", "beratBadan", "tinggiBadan", "respRate",
                                    "heartRate", "lingkarPerut", "suhu")}
    return {**exam, "poli": text(b, "kdPoli"), "doctor": text(b, "kdDokter"), "diagnosis2": text(b, "kdDiag2"),
            "diagnosis3": text(b, "kdDiag3"), "therapy": therapy, "outcome": text(b, "kdStatusPulang"),
            "discharge_date": pdate(b["tglPulang"], "tglPulang") if text(b, "tglPulang") else None,
            "prognosis": text(b, "kdPrognosa"), "care_type": TKP.get(str(b.get("kdTkp") or "10"), "RJTP")}


@router.add("POST", "kunjungan")
@router.add("POST", "kunjungan/V1")
def kunjungan_add(call: Call):
    """A visit (``primary_care.record_visit``), serving the participant's waiting registration of the
    day at that clinic if there is one; with ``rujukLanjut.kdppk`` also the referral to that
    hospital (``referrals.create_referral``). Answers ``{field, message}`` with the visit number."""
    b = body(call)
    card = valid_card(str(b.get("noKartu") or ""))
    day = pdate(b.get("tglDaftar"), "tglDaftar")
    exam = exam_of(b)
    waiting = [r for r in fktp_queue.day_list(call.session, call.consumer.facility_code, day, waiting_only=True)
               if r["card_number"] == card and r["poli"]["code"] == (exam["poli"] or "").upper()]
    visit = primary_care.record_visit(
        call.session, actor=call.actor, card_number=card, facility_code=call.consumer.facility_code,
        visit_date=day, care_type=exam["care_type"], diagnosis=text(b, "kdDiag1"), complaint=text(b, "keluhan"),
        exam=exam, registration_id=waiting[0]["id"] if waiting else None)
    answer = {"field": "noKunjungan", "message": str(visit["id"])}
    lanjut = b.get("rujukLanjut") if isinstance(b.get("rujukLanjut"), dict) else {}
    if text(lanjut, "kdppk"):
        khusus = lanjut.get("khusus") if isinstance(lanjut.get("khusus"), dict) else {}
        ref = referrals.create_referral(
            call.session, actor=call.actor, card_number=card, from_facility=call.consumer.facility_code,
            referral_date=day, diagnosis=text(b, "kdDiag1") or "", poli=_referral_poli(call, b, lanjut),
            to_facility=text(lanjut, "kdppk"), planned_visit_date=pdate(lanjut["tglEstRujuk"], "tglEstRujuk")
            if text(lanjut, "tglEstRujuk") else None, visit_id=visit["id"], complaint=visit["complaint"],
            notes=text(khusus, "catatan"), outside_reason=text(lanjut, "alasan") or text(khusus, "catatan"))
        answer["noRujukan"] = ref["number"]
    return answer


def _referral_poli(call: Call, b: dict, lanjut: dict) -> str | None:
    """The hospital clinic of a referral: ``kdPoliRujukLanjut``, else the clinic (kdPoliRujuk) of
    ``subSpesialis.kdSubSpesialis1`` in BPJS's loaded list, else ``kdPoli``."""
    sub = lanjut.get("subSpesialis") if isinstance(lanjut.get("subSpesialis"), dict) else {}
    code = text(sub, "kdSubSpesialis1")
    mapped = next((c["poli"] for c in pcare_codes.codes(call.session, "subspesialis") if c["code"] == code), None)
    return text(b, "kdPoliRujukLanjut") or mapped or text(b, "kdPoli")


@router.add("PUT", "kunjungan")
@router.add("PUT", "kunjungan/V1")
def kunjungan_edit(call: Call):
    """Correct a visit of this clinic (``noKunjungan``): complaint, diagnoses and examination."""
    b = body(call)
    visit = primary_care.update_visit(call.session, text(b, "noKunjungan") or "", actor=call.actor,
                                      facility_code=call.consumer.facility_code, complaint=text(b, "keluhan"),
                                      diagnosis=text(b, "kdDiag1"), exam={k: v for k, v in exam_of(b).items()
                                                                           if k != "care_type"})
    return {"field": "noKunjungan", "message": str(visit["id"])}


@router.add("DELETE", "kunjungan/{no}")
def kunjungan_delete(call: Call):
    primary_care.delete_visit(call.session, call.params["no"], actor=call.actor,
                              facility_code=call.consumer.facility_code)
    return None


def visit_shape(call: Call, v: dict) -> dict:
    dx = care_codes.diagnosis(v["diagnosis"] or "")
    return {"noKunjungan": str(v["id"]), "tglKunjungan": ddmmyyyy(v["visit_date"]),
            "providerPelayanan": {"kdProvider": v["facility_code"], "nmProvider": v["facility_name"]},
            "peserta": {"noKartu": v["card_number"], "nama": v["name"]}, "keluhan": v["complaint"] or "",
            "poli": {"kdPoli": v["poli"], "nmPoli": pcare_codes.fktp_poli_name(call.session, v["poli"]) or None},
            "diagnosa1": {"kdDiag": v["diagnosis"], "nmDiag": dx.title if dx else None, "nonSpesialis": None},
            "diagnosa2": {"kdDiag": v["diagnosis2"]} if v["diagnosis2"] else None,
            "diagnosa3": {"kdDiag": v["diagnosis3"]} if v["diagnosis3"] else None,
            "dokter": {"kdDokter": v["doctor"]} if v["doctor"] else None, **v["vitals"],
            "statusPulang": {"kdStatusPulang": v["outcome"], "nmStatusPulang": pcare_codes.name(
                call.session, "statuspulang-ri" if v["care_type"] == "RITP" else "statuspulang-rj", v["outcome"])}
            if v["outcome"] else None, "tglPulang": ddmmyyyy(v["discharge_date"]), "terapi": v["therapy"],
            "tkp": {"kdTkp": "20" if v["care_type"] == "RITP" else "10", "nmTkp": v["care_type"]}}


@router.add("GET", "kunjungan/peserta/{no}")
def kunjungan_peserta(call: Call):
    visits = primary_care.list_visits(call.session, card_number=valid_card(call.params["no"]),
                                      facility_code=call.consumer.facility_code)
    return listed([visit_shape(call, v) for v in visits])


@router.add("GET", "kunjungan/rujukan/{no}")
def kunjungan_rujukan(call: Call):
    r = referrals.get_referral(call.session, call.params["no"])
    if r["from_facility"]["code"] != call.consumer.facility_code:
        raise NotFound(Msg("error.care.referral_unknown", number=call.params["no"]), field="noRujukan")
    p = call.session.get(ParticipantRow, r["participant_id"])
    when = parse_date(r["referral_date"], "tglKunjungan")
    return {"noRujukan": r["number"], "ppk": {"kdPPK": r["to_facility"]["code"], "nmPPK": r["to_facility"]["name"],
                                              "alamat": None},
            "tglKunjungan": when.strftime("%d-%m-%Y"), "poli": {"kdPoli": r["poli"]["code"], "nmPoli": r["poli"]["name"]},
            "nokaPst": r["card_number"], "nmPst": r["name"], "tglLahir": p.birth_date.strftime("%d-%m-%Y"),
            "sex": p.sex, "diag1": {"kdDiag": r["diagnosis"]["code"], "nmDiag": r["diagnosis"]["name"]},
            "diag2": None, "diag3": None, "catatan": r["notes"],
            "tglEstRujuk": r["planned_visit_date"], "tglAkhirRujuk": r["valid_until"]}
