"""The Antrean FKTP paths, thin calls into :mod:`jkn.services.care.fktp_queue` (the same queue as
P-Care ``pendaftaran``, the FKTP desk and the participant's Mobile JKN) and the clinic's doctors'
schedules (:mod:`jkn.services.care.queues`). Dates are YYYY-MM-DD as Antrean's."""

from __future__ import annotations

from jkn.bridging.core import envelope
from jkn.bridging.core.protocol import Call, ProtocolError, Router
from jkn.i18n import Msg
from jkn.services.care import fktp_queue, pcare_codes, queues
from jkn.services.care.common import parse_date, valid_card, valid_nik
from jkn.services.errors import Invalid, NotFound

router = Router()


def admit(_sessions, _headers, consumer) -> None:
    """Antrean FKTP is the clinics' service: a hospital's consumer is refused."""
    if consumer.facility_level != "FKTP":
        raise ProtocolError(envelope.UNAUTHORIZED, str(Msg("error.antreanfktp.fktp_only", code=consumer.facility_code,
                                                          level=consumer.facility_level)))


def _listed(rows: list) -> dict:
    if not rows:
        raise NotFound("Data tidak ditemukan")
    return {"list": rows}


def _body(call: Call) -> dict:
    return call.body if isinstance(call.body, dict) else {}


def _text(b: dict, key: str) -> str | None:
    value = b.get(key)
    return str(value).strip() or None if value is not None else None


@router.add("GET", "ref/poli/tanggal/{tanggal}")
def ref_poli(call: Call):
    """The clinics with a doctor's practice that day (the clinic's schedules)."""
    day = parse_date(call.params["tanggal"], "tanggal")
    seen: dict[str, dict] = {}
    for w in queues.schedules(call.session, call.consumer.facility_code, on=day):
        name = pcare_codes.fktp_poli_name(call.session, w["poli"])
        seen.setdefault(w["poli"], {"namapoli": name, "nmsubspesialis": name, "kdsubspesialis": w["poli"],
                                    "kodepoli": w["poli"]})
    return _listed(list(seen.values()))


@router.add("GET", "ref/dokter/kodepoli/{kodepoli}/tanggal/{tanggal}")
def ref_dokter(call: Call):
    day = parse_date(call.params["tanggal"], "tanggal")
    poli = call.params["kodepoli"].strip().upper()
    return _listed([{"namadokter": w["doctor_name"], "kodedokter": int(w["doctor_code"]),
                     "jampraktek": f"{w['opens']}-{w['closes']}", "kapasitas": w["capacity"]}
                    for w in queues.schedules(call.session, call.consumer.facility_code, on=day)
                    if w["poli"] == poli and not w["closed"]])


@router.add("POST", "antrean/add")
def add(call: Call):
    """A queue entry with the clinic's number (``nomorantrean``, ``angkaantrean``) for the doctor's
    practice (``kodedokter``, ``jampraktek``) at a clinic (``kodepoli``) on ``tanggalperiksa``."""
    b = _body(call)
    card, nik = _text(b, "nomorkartu"), _text(b, "nik")
    number = _text(b, "nomorantrean")
    if number is None:
        raise Invalid(Msg("error.queue.number_format"), field="nomorantrean")
    try:
        seq = int(b["angkaantrean"]) if b.get("angkaantrean") not in (None, "") else None
    except (TypeError, ValueError):
        raise Invalid(Msg("error.visit.count", field="angkaantrean"), field="angkaantrean") from None
    fktp_queue.register(
        call.session, actor=call.actor, facility_code=call.consumer.facility_code,
        card_number=valid_card(card) if card else None, nik=valid_nik(nik) if nik and not card else None,
        day=_text(b, "tanggalperiksa") or "", poli=_text(b, "kodepoli") or "", source="ANTREAN",
        doctor_code=_text(b, "kodedokter") or "", practice_hours=_text(b, "jampraktek"), queue_number=number,
        queue_seq=seq, phone=_text(b, "nohp"), mr_number=_text(b, "norm"), complaint=_text(b, "keterangan"))
    return None


def _where(b: dict) -> dict:
    return {"card_number": valid_card(_text(b, "nomorkartu")), "day": _text(b, "tanggalperiksa") or "",
            "poli": _text(b, "kodepoli") or ""}


@router.add("POST", "antrean/panggil")
def call_entry(call: Call):
    """``status`` 1 the participant came when called, 2 did not; ``waktu`` the clinic's Unix ms."""
    b = _body(call)
    status = str(b.get("status") or "").strip()
    if status not in ("1", "2"):
        raise Invalid(Msg("error.antreanfktp.status"), field="status")
    try:
        at = int(b["waktu"]) if b.get("waktu") not in (None, "") else None
    except (TypeError, ValueError):
        raise Invalid(Msg("error.visit.count", field="waktu"), field="waktu") from None
    fktp_queue.call(call.session, call.consumer.facility_code, actor=call.actor, present=status == "1", at_ms=at,
                    **_where(b))
    return None


@router.add("POST", "antrean/batal")
def cancel(call: Call):
    b = _body(call)
    fktp_queue.cancel(call.session, call.consumer.facility_code, actor=call.actor, reason=_text(b, "alasan"),
                      **_where(b))
    return None
