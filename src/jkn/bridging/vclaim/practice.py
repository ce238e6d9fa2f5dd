"""VClaim paths answered from what hospitals report of themselves: clinics, doctors and their
schedules (Antrean RS ``jadwaldokter``, :mod:`jkn.services.care.practice`), the rooms they report
to Aplicares (:mod:`jkn.services.care.beds`), and the accident SEPs they send
(:mod:`jkn.services.care.accidents`). Field names as the public clients read them (ssecd/jkn
``src/vclaim/rencana-kontrol.ts``, ``rujukan.ts``, ``referensi.ts``, ``sep.ts``, ``monitoring.ts``);
docs/vclaim.md.
"""

from __future__ import annotations

from jkn.bridging.core.protocol import Call
from jkn.bridging.vclaim.handlers import _empty, _own_sep, router
from jkn.i18n import Msg
from jkn.services.care import accidents, beds, practice, sep
from jkn.services.care.common import facility, parse_date, participant_by_card
from jkn.services.errors import NotFound


def _num(value: int | None) -> str | None:
    return None if value is None else str(value)


# --- control letters and SPRIs: the hospital's own clinics and doctors of a date -----------------

@router.add("GET", "RencanaKontrol/ListSpesialistik/JnsKontrol/{jns}/nomor/{no}/TglRencanaKontrol/{tgl}")
def kontrol_clinics(call: Call):
    """The consumer's clinics open on the date, for an SPRI (a card) or a control letter (an SEP of it)."""
    kind = practice.control_kind(call.params["jns"])
    day = parse_date(call.params["tgl"], "TglRencanaKontrol")
    if kind == "2":
        _own_sep(call, call.params["no"])
    else:
        participant_by_card(call.session, call.params["no"])
    rows = practice.clinics_on(call.session, call.consumer.facility_code, day)
    if not rows:
        _empty(f"jadwal poli {day}")
    return {"list": [{"kodePoli": r["poli"], "namaPoli": r["poli_name"], "kapasitas": _num(r["capacity"]),
                      "jmlRencanaKontroldanRujukan": str(r["booked"]), "persentase": r["share"]} for r in rows]}


@router.add("GET", "RencanaKontrol/JadwalPraktekDokter/JnsKontrol/{jns}/KdPoli/{kd}/TglRencanaKontrol/{tgl}")
def kontrol_doctors(call: Call):
    practice.control_kind(call.params["jns"])
    rows = practice.doctors_on(call.session, call.consumer.facility_code, call.params["kd"], call.params["tgl"],
                               "TglRencanaKontrol")
    if not rows:
        _empty(f"jadwal dokter {call.params['kd']} {call.params['tgl']}")
    return {"list": [{"kodeDokter": r["code"], "namaDokter": r["name"], "jadwalPraktek": r["hours"],
                      "kapasitas": _num(r["capacity"])} for r in rows]}


@router.add("GET", "referensi/dokter/pelayanan/{jns}/tglPelayanan/{tgl}/Spesialis/{kd}")
def ref_dpjp(call: Call):
    rows = practice.dpjp(call.session, call.consumer.facility_code, call.params["jns"], call.params["tgl"],
                         call.params["kd"])
    if not rows:
        _empty(f"DPJP {call.params['kd']} {call.params['tgl']}")
    return {"list": [{"kode": r["code"], "nama": r["name"]} for r in rows]}


@router.add("GET", "referensi/dokter/{nama}")
def ref_dokter(call: Call):
    rows = practice.search_doctors(call.session, call.consumer.facility_code, call.params["nama"])
    if not rows:
        _empty(f"dokter {call.params['nama']}")
    return {"list": [{"kode": r["code"], "nama": r["name"]} for r in rows]}


@router.add("GET", "referensi/ruangrawat")
def ref_ruangrawat(call: Call):
    """The rooms the consumer's hospital reports to Aplicares (code and name; A-V46)."""
    rooms = beds.rooms_of(call.session, call.consumer.facility_code)
    if not rooms:
        _empty("ruang rawat")
    return {"list": [{"kode": k, "nama": v["name"]} for k, v in rooms.items()]}


# --- a referral's target hospital ------------------------------------------------------------------

def _target(call: Call):
    """The hospital a referral may go to: a partner referral-level facility on the registry."""
    fac = facility(call.session, call.params["kd"], "PPKRujukan")
    if fac.level != "FKRTL" or fac.partnership != "PARTNER":
        raise NotFound(Msg("bridging.vclaim.not_a_referral_target", code=fac.code), field="PPKRujukan")
    return fac


@router.add("GET", "Rujukan/ListSpesialistik/PPKRujukan/{kd}/TglRujukan/{tgl}")
def referral_target_clinics(call: Call):
    fac = _target(call)
    rows = practice.clinics_on(call.session, fac.code, call.params["tgl"], "TglRujukan", letters=False)
    if not rows:
        _empty(f"spesialistik {fac.code} {call.params['tgl']}")
    return {"list": [{"kodeSpesialis": r["poli"], "namaSpesialis": r["poli_name"], "kapasitas": _num(r["capacity"]),
                      "jumlahRujukan": str(r["booked"]), "persentase": r["share"]} for r in rows]}


@router.add("GET", "Rujukan/ListSarana/PPKRujukan/{kd}")
def referral_target_facilities(call: Call):
    """No hospital reports its supporting facilities (sarana) to this server: said, not invented (A-V49)."""
    fac = _target(call)
    raise NotFound(Msg("bridging.vclaim.sarana_not_held", code=fac.code))


# --- accident SEPs ---------------------------------------------------------------------------------

@router.add("GET", "sep/KllInduk/List/{no}")
def accident_index(call: Call):
    rows = accidents.of_card(call.session, call.params["no"])
    if not rows:
        _empty(f"SEP kecelakaan kartu {call.params['no']}")
    return {"list": [{"noSEP": r["sep_number"], "tglKejadian": r["accident_date"], "ppkPelSEP": r["facility_code"],
                      "kdProp": r["province_code"], "kdKab": r["regency_code"], "kdKec": r["district_code"],
                      "ketKejadian": r["note"], "noSEPSuplesi": r["supplement_of"]} for r in rows]}


@router.add("GET", "sep/JasaRaharja/Suplesi/{no}/tglPelayanan/{tgl}")
def accident_supplements(call: Call):
    rows = accidents.supplement_candidates(call.session, call.params["no"], call.params["tgl"])
    if not rows:
        _empty(f"potensi suplesi kartu {call.params['no']}")
    return {"jaminan": [{"noRegister": None, "noSep": r["sep_number"], "noSepAwal": r["first_sep"],
                         "noSuratJaminan": None, "tglKejadian": r["accident_date"], "tglSep": r["sep_date"]}
                        for r in rows]}


@router.add("GET", "monitoring/JasaRaharja/JnsPelayanan/{jns}/tglMulai/{a}/tglAkhir/{b}")
def accident_monitor(call: Call):
    rows = accidents.traffic_cases(call.session, call.consumer.facility_code, call.params["jns"], call.params["a"],
                                   call.params["b"])
    if not rows:
        _empty(f"jaminan Jasa Raharja {call.params['a']} - {call.params['b']}")
    out = []
    for row, acc in rows:
        s = sep.get_sep(call.session, row.number)
        out.append({"sep": {"noSEP": s["number"], "tglSEP": s["sep_date"], "tglPlgSEP": s["discharge_date"],
                            "noMr": s["mr_number"], "jnsPelayanan": s["service_type"], "poli": s["poli"]["name"] or None,
                            "diagnosa": s["diagnosis"]["code"],
                            "peserta": {"noKartu": s["participant"]["card_number"], "nama": s["participant"]["name"],
                                        "noMR": s["mr_number"]}},
                    "jasaRaharja": {"tglKejadian": acc.accident_date.isoformat(), "noRegister": None,
                                    "ketStatusDijamin": None, "ketStatusDikirim": None, "biayaDijamin": None,
                                    "plafon": None, "jmlDibayar": None, "resultsJasaRaharja": None}})
    return {"jaminan": out}
