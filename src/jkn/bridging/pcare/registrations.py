"""P-Care ``pendaftaran``: the clinic's registrations of a day with their queue numbers (``noUrut``),
a thin call into :mod:`jkn.services.care.fktp_queue` (the same use case as the FKTP desk)."""

from __future__ import annotations

from jkn.bridging.core.protocol import Call
from jkn.bridging.pcare.common import body, ddmmyyyy, page, pdate, router, text
from jkn.services.care import fktp_queue
from jkn.services.care.common import valid_card

VITALS = ("sistole", "diastole", "beratBadan", "tinggiBadan", "respRate", "lingkarPerut", "heartRate")
TKP_NAMES = {"10": "RJTP", "20": "RITP", "50": "Promotif"}
STATUS = {"WAITING": "Menunggu", "CALLED": "Dipanggil", "SERVED": "Sudah dilayani", "ABSENT": "Tidak hadir",
          "CANCELLED": "Dibatalkan"}


def shape(r: dict) -> dict:
    return {"noUrut": r["queue_number"], "tglDaftar": ddmmyyyy(r["date"]),
            "providerPelayanan": {"kdProvider": r["facility_code"], "nmProvider": None},
            "peserta": {"noKartu": r["card_number"], "nama": r["name"], "sex": r["sex"],
                        "tglLahir": ddmmyyyy(r["birth_date"])},
            "poli": {"kdPoli": r["poli"]["code"], "nmPoli": r["poli"]["name"], "poliSakit": None},
            "keluhan": r["complaint"], "kunjSakit": r["sick_visit"], "status": STATUS[r["status"]],
            **{k: r["vitals"].get(k) for k in VITALS},
            "tkp": {"kdTkp": r["care_type"], "nmTkp": TKP_NAMES.get(r["care_type"])}, "noKunjungan":
                str(r["visit_id"]) if r["visit_id"] else None}


@router.add("GET", "pendaftaran/tglDaftar/{tgl}/{row}/{limit}")
def by_date(call: Call):
    rows = fktp_queue.day_list(call.session, call.consumer.facility_code, pdate(call.params["tgl"], "tglDaftar"))
    return page([shape(r) for r in rows], call.params["row"], call.params["limit"])


@router.add("GET", "pendaftaran/noUrut/{no}/tglDaftar/{tgl}")
def by_number(call: Call):
    return shape(fktp_queue.by_number(call.session, call.consumer.facility_code,
                                      pdate(call.params["tgl"], "tglDaftar"), call.params["no"]))


@router.add("POST", "pendaftaran")
def add(call: Call):
    """Register (``noKartu``, ``tglDaftar``, ``kdPoli``, ``keluhan``, ``kunjSakit``, vital signs,
    ``kdTkp``); answers ``{field: "noUrut", message}``."""
    b = body(call)
    r = fktp_queue.register(
        call.session, actor=call.actor, facility_code=call.consumer.facility_code,
        card_number=valid_card(text(b, "noKartu")), day=pdate(b.get("tglDaftar"), "tglDaftar"),
        poli=text(b, "kdPoli") or "", source="PCARE", care_type=text(b, "kdTkp") or "10",
        sick_visit=b.get("kunjSakit") not in (False, "false", 0, "0"), complaint=text(b, "keluhan"),
        vitals={k: b[k] for k in VITALS if b.get(k) not in (None, "")})
    return {"field": "noUrut", "message": r["queue_number"]}


@router.add("DELETE", "pendaftaran/peserta/{card}/tglDaftar/{tgl}/noUrut/{no}/kdPoli/{poli}")
def delete(call: Call):
    fktp_queue.cancel(call.session, call.consumer.facility_code, actor=call.actor,
                      card_number=valid_card(call.params["card"]), day=pdate(call.params["tgl"], "tglDaftar"),
                      poli=call.params["poli"], number=call.params["no"])
    return None
