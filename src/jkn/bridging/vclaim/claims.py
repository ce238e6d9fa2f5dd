"""VClaim paths of the hospital's claim-side records (issue #13), registered on the VClaim router:
LPK (claim sheets), PRB (referral-back letters), rujukan khusus (special referrals) and the claims
monitor (the stays the hospital closed with their INA-CBG amount), each a thin
call into its care service; answers shaped as the public client libraries read them (ssecd/jkn's
types). Names this server holds no list for (rooms, ICD-9-CM procedures, generic drugs, doctors)
are answered null, never made up (assumptions A-V40, A-V41)."""

from __future__ import annotations

from jkn.bridging.core.protocol import Call
from jkn.bridging.vclaim.handlers import _empty, _obj, _request, router
from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.services.billing import service_penalties
from jkn.services.care import back_referrals, beds, claim_sheets, sep, special_referrals
from jkn.services.care.claim_sheets import FOLLOW_UPS
from jkn.services.care.common import parse_date
from jkn.services.errors import Invalid

# --- LPK ---------------------------------------------------------------------------------


@router.add("POST", "LPK/insert")
def lpk_insert(call: Call):
    return claim_sheets.save(call.session, _request(call, "t_lpk"), actor=call.actor,
                             facility_code=call.consumer.facility_code, new=True)


@router.add("PUT", "LPK/update")
def lpk_update(call: Call):
    return claim_sheets.save(call.session, _request(call, "t_lpk"), actor=call.actor,
                             facility_code=call.consumer.facility_code, new=False)


@router.add("DELETE", "LPK/delete")
def lpk_delete(call: Call):
    return claim_sheets.delete(call.session, _request(call, "t_lpk").get("noSep"), actor=call.actor,
                               facility_code=call.consumer.facility_code)


def _named(code: str, names: dict) -> dict:
    return {"kode": code, "nama": names.get(code)}


def _lpk_row(sheet, s: dict, rooms: dict) -> dict:
    """One sheet as VClaim lists it; the room's name is the one reported to Aplicares (None when not)."""
    icd = care_codes.icd10()
    polis = {k: p.name for k, p in care_codes.polis().items()}
    care = sheet.care
    p = s["participant"]
    return {
        "DPJP": {"dokter": {"kode": sheet.dpjp_code, "nama": None}},
        "diagnosa": {"list": [{"level": d["level"], "list": {"kode": d["kode"], "nama": icd[d["kode"]].title
                                                               if d["kode"] in icd else None}}
                              for d in sheet.diagnoses]},
        "jnsPelayanan": s["service_type"], "noSep": sheet.sep_number,
        "perawatan": {"caraKeluar": _named(care["caraKeluar"], dict(care_codes.claim_codes("carakeluar"))),
                      "kelasRawat": _named(care["kelasRawat"], sep.UPGRADE_CLASSES),
                      "kondisiPulang": _named(care["kondisiPulang"], dict(care_codes.claim_codes("pascapulang"))),
                      "ruangRawat": {"kode": care["ruangRawat"],
                                     "nama": rooms[care["ruangRawat"]]["name"] if care["ruangRawat"] in rooms else None},
                      "spesialistik": _named(care["spesialistik"], polis)},
        "peserta": {"kelamin": p["sex"], "nama": p["name"], "noKartu": p["card_number"], "noMR": s["mr_number"],
                    "tglLahir": p["birth_date"]},
        "poli": {"eksekutif": "1" if s["executive"] else "0", "poli": {"kode": sheet.poli_code}},
        "procedure": {"list": [{"list": {"kode": x["kode"], "nama": None}} for x in sheet.procedures]},
        "rencanaTL": {**sheet.follow_up, "namaTindakLanjut": FOLLOW_UPS[sheet.follow_up["tindakLanjut"]]},
        "tglKeluar": sheet.discharged_on.isoformat(), "tglMasuk": sheet.admitted_on.isoformat(),
    }


@router.add("GET", "LPK/TglMasuk/{tgl}/JnsPelayanan/{jns}")
def lpk_list(call: Call):
    rows = claim_sheets.sheets_admitted_on(call.session, call.consumer.facility_code, call.params["tgl"],
                                           call.params["jns"])
    if not rows:
        _empty(f"LPK {call.params['tgl']}")
    rooms = beds.rooms_of(call.session, call.consumer.facility_code)
    return {"lpk": {"list": [_lpk_row(r["sheet"], r["sep"], rooms) for r in rows]}}


# --- PRB (Surat Rujuk Balik) ------------------------------------------------------------------


def _peserta(letter: dict) -> dict:
    p = letter["participant"]
    return {"alamat": letter["address"], "asalFaskes": {"kode": p["fktp"]["code"], "nama": p["fktp"]["name"]},
            "email": letter["email"], "kelamin": p["sex"], "nama": p["name"], "noKartu": p["card_number"],
            "noTelepon": None, "tglLahir": p["birth_date"]}


@router.add("POST", "PRB/insert")
def prb_insert(call: Call):
    letter = back_referrals.create(call.session, _request(call, "t_prb"), actor=call.actor,
                                   facility_code=call.consumer.facility_code)
    return {"DPJP": {"kode": letter["dpjp_code"], "nama": None}, "keterangan": letter["notes"],
            "noSRB": letter["number"],
            "obat": {"list": [{"jmlObat": d["jmlObat"], "nmObat": None, "signa": f"{d['signa1']} x {d['signa2']}"}
                              for d in letter["drugs"]]},
            "peserta": _peserta(letter), "programPRB": letter["programme"]["code"], "saran": letter["advice"],
            "tglSRB": letter["letter_date"]}


@router.add("PUT", "PRB/Update")
def prb_update(call: Call):
    return back_referrals.update(call.session, _request(call, "t_prb"), actor=call.actor,
                                 facility_code=call.consumer.facility_code)


@router.add("DELETE", "PRB/Delete")
def prb_delete(call: Call):
    return back_referrals.delete(call.session, _request(call, "t_prb"), actor=call.actor,
                                 facility_code=call.consumer.facility_code)


def _prb_common(letter: dict) -> dict:
    return {"DPJP": {"kode": letter["dpjp_code"], "nama": None}, "noSEP": letter["sep_number"],
            "noSRB": letter["number"], "programPRB": {"kode": letter["programme"]["code"],
                                                     "nama": letter["programme"]["name"]},
            "keterangan": letter["notes"], "saran": letter["advice"], "tglSRB": letter["letter_date"]}


@router.add("GET", "prb/tglMulai/{a}/tglAkhir/{b}")
def prb_between(call: Call):
    rows = back_referrals.letters_between(call.session, call.consumer.facility_code, call.params["a"],
                                          call.params["b"])
    if not rows:
        _empty(f"PRB {call.params['a']} - {call.params['b']}")
    return {"prb": {"list": [{**_prb_common(r), "peserta": {k: v for k, v in _peserta(r).items()
                                                            if k in ("alamat", "email", "nama", "noKartu", "noTelepon")}}
                             for r in rows]}}


@router.add("GET", "prb/{no}/nosep/{sep}")
def prb_by_number(call: Call):
    letter = back_referrals.get(call.session, call.params["no"], call.params["sep"], call.consumer.facility_code)
    return {"prb": {**_prb_common(letter), "peserta": _peserta(letter),
                    "obat": {"obat": [{**d, "nmObat": None} for d in letter["drugs"]]}}}


@router.add("GET", "prbpotensi/tahun/{tahun}/bulan/{bulan}")
def prb_potential(call: Call):
    """The potential-PRB flags come from BPJS's claim verification, which this server does not run:
    said, not invented (assumption A-V43)."""
    _empty(f"potensi PRB {call.params['bulan']}/{call.params['tahun']}: data tidak tersedia")


# --- rujukan khusus ----------------------------------------------------------------------------


def _special(r: dict) -> dict:
    return {"norujukan": r["referral_number"], "nokapst": r["card_number"], "nmpst": r["name"],
            "diagppk": r["primary_diagnosis"], "tglrujukan_awal": r["start"], "tglrujukan_berakhir": r["end"]}


@router.add("POST", "Rujukan/Khusus/insert")
def special_insert(call: Call):
    """The body is not wrapped in ``request`` (as the catalogue and the clients send it)."""
    r = special_referrals.create(call.session, _obj(call.body, "body"), actor=call.actor,
                                 facility_code=call.consumer.facility_code)
    return {"rujukan": _special(r)}


@router.add("POST", "Rujukan/Khusus/delete")
def special_delete(call: Call):
    return special_referrals.delete(call.session, _request(call, "t_rujukan"), actor=call.actor,
                                    facility_code=call.consumer.facility_code)


@router.add("GET", "Rujukan/Khusus/List/Bulan/{bulan}/Tahun/{tahun}")
def special_list(call: Call):
    rows = special_referrals.in_month(call.session, call.consumer.facility_code, call.params["bulan"],
                                      call.params["tahun"])
    if not rows:
        _empty(f"rujukan khusus {call.params['bulan']}/{call.params['tahun']}")
    return {"rujukan": [{"idrujukan": str(r["id"]), **_special(r)} for r in rows]}


# --- Monitoring Klaim -----------------------------------------------------------------------------

#: Status (VClaim): 1 Proses Verifikasi, 2 Pending Verifikasi, 3 Klaim; no verification runs here (A-V45)
CLAIM_STATUSES = {"1": "Proses Verifikasi", "2": "Pending Verifikasi", "3": "Klaim"}


@router.add("GET", "Monitoring/Klaim/Tanggal/{tgl}/JnsPelayanan/{jns}/Status/{status}")
def mon_klaim(call: Call):
    """The inpatient stays this hospital closed with their INA-CBG amount (REST ``POST /api/v1/seps/{no}/
    discharge``, CLI ``jkn care discharge``) on that discharge date: submitted, waiting for a
    verification this server does not run (assumption A-V45)."""
    day = parse_date(call.params["tgl"], "Tanggal")
    status = call.params["status"]
    if call.params["jns"] not in sep.SERVICE_TYPES or status not in CLAIM_STATUSES:
        raise Invalid(Msg("error.care.code_unknown", field="JnsPelayanan/Status",
                          code=f"{call.params['jns']}/{status}"), field="Status")
    rows = service_penalties.closed_on(call.session, call.consumer.facility_code, day) \
        if call.params["jns"] == "1" and status == "1" else []
    if not rows:
        _empty(f"klaim {day}")
    out = []
    for closed, row in rows:
        s = sep.sep_view(call.session, row)
        out.append({"Inacbg": {"kode": None, "nama": None},
                    "biaya": {"byPengajuan": str(closed.ina_cbg_amount), "bySetujui": None,
                              "byTarifGruper": str(closed.ina_cbg_amount), "byTarifRS": None, "byTopup": None},
                    "kelasRawat": sep.CLASS_DIGIT.get(s["class_entitled"], s["class_entitled"]), "noFPK": None,
                    "noSEP": s["number"], "peserta": {"nama": s["participant"]["name"],
                                                      "noKartu": s["participant"]["card_number"],
                                                      "noMR": s["mr_number"]},
                    "poli": s["poli"]["name"] or None, "status": CLAIM_STATUSES[status],
                    "tglPulang": closed.discharged_on.isoformat(), "tglSep": s["sep_date"]})
    return {"klaim": out}
