"""Domain answers in VClaim's field names and shapes (shared/docs/vclaim-protocol.md and the
published VClaim catalogue examples). Pure functions over the services' dicts and rows."""

from __future__ import annotations

import datetime as dt

from jkn.domain.segment import Segment
from jkn.reference import care_codes
from jkn.services.care.eligibility import Eligibility
from jkn.services.care.internal_referrals import VISIT_PURPOSES

CLASS_DIGIT = {"I": "1", "II": "2", "III": "3"}
JNS_PELAYANAN = {"1": "R.Inap", "2": "R.Jalan"}
PELAYANAN = {"1": "Rawat Inap", "2": "Rawat Jalan"}


def _age(birth: dt.date, on: dt.date) -> str:
    """VClaim's ``"35 tahun ,1 bulan ,11 hari"``."""
    y, m, d = on.year - birth.year, on.month - birth.month, on.day - birth.day
    if d < 0:
        m -= 1
        prev_month_end = dt.date(on.year, on.month, 1) - dt.timedelta(days=1)
        d += prev_month_end.day
    if m < 0:
        y -= 1
        m += 12
    return f"{y} tahun ,{m} bulan ,{d} hari"


def pisa(relationship: str, sex: str) -> str:
    """PISA code: 1 participant, 2 husband, 3 wife, 4 child, 5 other (extra) family member."""
    if relationship in ("HEAD", None, ""):
        return "1"
    if relationship == "SPOUSE":
        return "2" if sex == "L" else "3"
    if relationship.startswith("CHILD"):
        return "4"
    return "5"


def segment_ref(code: str) -> dict:
    try:
        return {"kode": code, "keterangan": Segment(code).label.upper()}
    except ValueError:
        return {"kode": code, "keterangan": code}


def peserta(e: Eligibility, today: dt.date, card_printed: dt.date | None = None) -> dict:
    p = e.participant
    return {
        "cob": {"nmAsuransi": None, "noAsuransi": None, "tglTAT": None, "tglTMT": None},
        "hakKelas": {"keterangan": f"KELAS {p.care_class}", "kode": CLASS_DIGIT.get(p.care_class, "")},
        "informasi": {"dinsos": None, "noSKTM": None, "prolanisPRB": None, "eSEP": None},
        "jenisPeserta": segment_ref(p.segment),
        "mr": {"noMR": None, "noTelepon": None},
        "nama": p.name,
        "nik": p.nik,
        "noKartu": p.card_number,
        "pisa": pisa(p.relationship, p.sex),
        "provUmum": {"kdProvider": p.fktp_code, "nmProvider": e.fktp_name},
        "sex": p.sex,
        "statusPeserta": {"keterangan": e.status_text, "kode": e.status_code},
        "tglCetakKartu": (card_printed or p.tmt).isoformat(),
        "tglLahir": p.birth_date.isoformat(),
        "tglTAT": _cover_ends(p),
        "tglTMT": (p.covered_from or p.tmt).isoformat(),
        "umur": {"umurSaatPelayanan": _age(p.birth_date, e.on_date), "umurSekarang": _age(p.birth_date, today)},
    }


def _cover_ends(p) -> str | None:
    """``tglTAT``: the last day of cover on record, the earlier of membership's end and the end of a
    dependant's status (a child's 21st/25th birthday...), or none (A-V04)."""
    ends = [d for d in (p.end_date, p.status_until) if d is not None]
    return min(ends).isoformat() if ends else None


def _kelamin(sex: str) -> str:
    return "Laki-Laki" if sex == "L" else "Perempuan"


def peserta_short(part: dict, mr_number: str | None = None) -> dict:
    """The short ``peserta`` of SEP and referral answers."""
    return {"asuransi": "-", "hakKelas": f"Kelas {CLASS_DIGIT.get(part['care_class'], '')}",
            "jnsPeserta": segment_ref(part["segment"])["keterangan"], "kelamin": _kelamin(part["sex"]),
            "nama": part["name"], "noKartu": part["card_number"], "noMr": mr_number or "",
            "tglLahir": part["birth_date"]}


def _dx_label(d: dict) -> str:
    return f"{d['code']} - {d['name']}" if d.get("name") else d["code"]


def sep_inserted(s: dict) -> dict:
    """Answer of ``SEP/2.0/insert``."""
    return {"sep": {
        "assestmenPel": "", "catatan": s["notes"], "diagnosa": _dx_label(s["diagnosis"]), "flagProcedure": "",
        "informasi": {"dinsos": None, "eSEP": "False", "noSKTM": None, "prolanisPRB": None},
        "jnsPelayanan": JNS_PELAYANAN[s["service_type"]], "kdPenunjang": "", "kdPoli": s["poli"]["code"],
        "kelasRawat": CLASS_DIGIT.get(s["class_entitled"], "-") if s["service_type"] == "1" else "-",
        "noRujukan": s["referral"]["number"] or s["control_letter_number"] or "", "noSep": s["number"],
        "penjamin": "-" if s["accident"] == "0" else s["accident_name"],
        "peserta": peserta_short(s["participant"], s["mr_number"]), "poli": s["poli"]["name"].upper(),
        "poliEksekutif": "Ya" if s["executive"] else "Tidak", "tglSep": s["sep_date"], "tujuanKunj": s["visit_purpose"],
    }}


def _accident_place(a: dict | None) -> dict:
    """``lokasiKejadian`` of an SEP: the accident details the hospital sent (nulls when none; ``lokasi``,
    a place name, is not asked for by the insert and is not held)."""
    a = a or {}
    return {"kdKab": a.get("regency_code"), "kdKec": a.get("district_code"), "kdProp": a.get("province_code"),
            "ketKejadian": a.get("note"), "lokasi": None, "tglKejadian": a.get("accident_date")}


def sep_detail(s: dict) -> dict:
    """Answer of ``SEP/{noSep}``."""
    return {
        "noSep": s["number"], "tglSep": s["sep_date"], "jnsPelayanan": PELAYANAN[s["service_type"]],
        "kelasRawat": CLASS_DIGIT.get(s["class_entitled"], ""), "diagnosa": _dx_label(s["diagnosis"]),
        "noRujukan": s["referral"]["number"] or "", "poli": s["poli"]["name"] or "-",
        "poliEksekutif": "1" if s["executive"] else "0", "catatan": s["notes"],
        "penjamin": None if s["accident"] == "0" else s["accident_name"],
        "kdStatusKecelakaan": s["accident"], "nmstatusKecelakaan": s["accident_name"],
        "lokasiKejadian": _accident_place(s.get("accident_details")),
        "dpjp": {"kdDPJP": s["dpjp_code"] or "0", "nmDPJP": None},
        "peserta": {"noKartu": s["participant"]["card_number"], "nama": s["participant"]["name"],
                    "tglLahir": s["participant"]["birth_date"], "kelamin": s["participant"]["sex"],
                    "jnsPeserta": segment_ref(s["participant"]["segment"])["keterangan"],
                    "hakKelas": f"Kelas {CLASS_DIGIT.get(s['participant']['care_class'], '')}",
                    "noMr": s["mr_number"] or ""},
        "klsRawat": {"klsRawatHak": CLASS_DIGIT.get(s["class_entitled"], ""), "klsRawatNaik": s["class_upgrade"],
                     "pembiayaan": s["upgrade_payer"], "penanggungJawab": s["upgrade_responsible"]},
        "kontrol": {"kdDokter": None, "nmDokter": None, "noSurat": s["control_letter_number"]},
        "cob": "1" if s["cob"] else "0", "katarak": "1" if s["cataract"] else "0",
        "tujuanKunj": {"kode": s["visit_purpose"], "nama": VISIT_PURPOSES.get(s["visit_purpose"], "")}, "eSEP": "False",
        "ppkPelayanan": {"kode": s["facility"]["code"], "nama": s["facility"]["name"]},
        "tglPulang": s["discharge_date"],
    }


def kunjungan(s: dict) -> dict:
    """One row of ``Monitoring/Kunjungan``."""
    return {"diagnosa": s["diagnosis"]["code"], "jnsPelayanan": JNS_PELAYANAN[s["service_type"]],
            "kelasRawat": CLASS_DIGIT.get(s["class_entitled"], ""), "nama": s["participant"]["name"],
            "noKartu": s["participant"]["card_number"], "noSep": s["number"],
            "noRujukan": s["referral"]["number"] or "", "poli": s["poli"]["name"] or None,
            "tglPlgSep": s["discharge_date"], "tglSep": s["sep_date"]}


def histori(s: dict) -> dict:
    """One row of ``monitoring/HistoriPelayanan``."""
    return {"diagnosa": _dx_label(s["diagnosis"]), "jnsPelayanan": s["service_type"],
            "kelasRawat": f"Kelas {CLASS_DIGIT.get(s['class_entitled'], '')}" if s["service_type"] == "1" else None,
            "namaPeserta": s["participant"]["name"], "noKartu": s["participant"]["card_number"],
            "noSep": s["number"], "noRujukan": s["referral"]["number"] or "", "poli": s["poli"]["name"],
            "ppkPelayanan": s["facility"]["name"], "tglPlgSep": s["discharge_date"], "tglSep": s["sep_date"]}


def rujukan(r: dict, peserta_full: dict) -> dict:
    """One referral as ``Rujukan/{noRujukan}`` answers it."""
    return {"diagnosa": {"kode": r["diagnosis"]["code"], "nama": r["diagnosis"]["name"]},
            "keluhan": r["complaint"], "noKunjungan": r["number"],
            "pelayanan": {"kode": r["service_type"], "nama": r["service_type_name"]},
            "peserta": peserta_full, "poliRujukan": {"kode": r["poli"]["code"], "nama": r["poli"]["name"]},
            "provPerujuk": {"kode": r["from_facility"]["code"], "nama": r["from_facility"]["name"]},
            "tglKunjungan": r["referral_date"],
            # not in the catalogue examples, added for clients that show the validity:
            "tglBerlakuKunjungan": r["valid_until"],
            "tujuanRujukan": {"kode": r["to_facility"]["code"], "nama": r["to_facility"]["name"]}}


def rujukan_inserted(r: dict, part: dict) -> dict:
    """Answer of ``Rujukan/2.0/insert``."""
    dx = care_codes.icd10().get(r["diagnosis"]["code"])
    return {"rujukan": {
        "AsalRujukan": {"kode": r["from_facility"]["code"], "nama": r["from_facility"]["name"]},
        "diagnosa": {"kode": r["diagnosis"]["code"], "nama": dx.label if dx else r["diagnosis"]["code"]},
        "noRujukan": r["number"], "peserta": peserta_short(part),
        "poliTujuan": {"kode": r["poli"]["code"], "nama": r["poli"]["name"]},
        "tglBerlakuKunjungan": r["valid_until"], "tglRencanaKunjungan": r["planned_visit_date"] or r["referral_date"],
        "tglRujukan": r["referral_date"],
        "tujuanRujukan": {"kode": r["to_facility"]["code"], "nama": r["to_facility"]["name"]},
    }}


def control_letter(c: dict, part: dict, dx_label: str) -> dict:
    """Answer of ``RencanaKontrol/v2/Insert``."""
    return {"noSuratKontrol": c["number"], "tglRencanaKontrol": c["control_date"], "kodeDokter": c["doctor_code"],
            "namaDokter": c["doctor_name"],
            "noKartu": part["card_number"], "nama": part["name"],
            "kelamin": "Laki-laki" if part["sex"] == "L" else "Perempuan",
            "tglLahir": part["birth_date"], "namaDiagnosa": dx_label, "noSep": c["sep_number"],
            "poliKontrol": c["poli"]["code"]}


def discharge_row(s: dict) -> dict:
    """One row of ``Sep/updtglplg/list``: what the registry holds; the discharge status, death letter
    and the user who entered it are not recorded here (null)."""
    return {"noSep": s["number"], "noSepUpdating": s["number"], "jnsPelayanan": s["service_type"],
            "ppkTujuan": s["facility"]["code"], "noKartu": s["participant"]["card_number"],
            "nama": s["participant"]["name"], "tglSep": s["sep_date"], "tglPulang": s["discharge_date"],
            "status": None, "tglMeninggal": None, "noSurat": None, "keterangan": None, "user": None}


def sep_for_inacbg(s: dict) -> dict:
    """Answer of ``sep/cbg/{noSep}`` (the INA-CBG grouper's look-up)."""
    p = s["participant"]
    return {"pesertasep": {"kelamin": p["sex"], "klsRawat": CLASS_DIGIT.get(s["class_entitled"], ""),
                           "nama": p["name"], "noKartuBpjs": p["card_number"], "noMr": s["mr_number"] or "",
                           "noRujukan": s["referral"]["number"] or "", "tglLahir": p["birth_date"],
                           "tglPelayanan": s["sep_date"], "tktPelayanan": s["service_type"]}}


def sep_for_control(s: dict, provider_name: str) -> dict:
    """Answer of ``RencanaKontrol/nosep/{noSep}``."""
    p = s["participant"]
    return {"noSep": s["number"], "tglSep": s["sep_date"], "jnsPelayanan": PELAYANAN[s["service_type"]],
            "poli": s["poli"]["name"] or None, "diagnosa": _dx_label(s["diagnosis"]),
            "peserta": {"noKartu": p["card_number"], "nama": p["name"], "tglLahir": p["birth_date"],
                        "kelamin": p["sex"], "hakKelas": f"Kelas {CLASS_DIGIT.get(p['care_class'], '')}"},
            "provUmum": {"kdProvider": p["fktp_code"], "nmProvider": provider_name},
            "provPerujuk": {"kdProviderPerujuk": s["referral"]["facility"], "nmProviderPerujuk": None,
                            "asalRujukan": s["referral"]["origin"], "noRujukan": s["referral"]["number"],
                            "tglRujukan": s["referral"]["date"]}}


def control_list_row(c: dict, s: dict | None) -> dict:
    """One row of ``RencanaKontrol/ListRencanaKontrol``: a post-inpatient control letter (jnsKontrol 2,
    with its SEP ``s``) or an SPRI (jnsKontrol 1, no SEP: the SEP's fields are null, A-V13)."""
    spri = c["kind"] == "1"
    return {"noSuratKontrol": c["number"], "jnsPelayanan": PELAYANAN["1" if spri else s["service_type"]],
            "jnsKontrol": c["kind"], "namaJnsKontrol": "SPRI" if spri else "Surat Kontrol",
            "tglRencanaKontrol": c["control_date"], "tglTerbitKontrol": c["issued_on"],
            "noSepAsalKontrol": c["sep_number"], "poliAsal": None if spri else s["poli"]["code"] or None,
            "namaPoliAsal": None if spri else s["poli"]["name"] or None,
            "poliTujuan": c["poli"]["code"], "namaPoliTujuan": c["poli"]["name"],
            "tglSEP": None if spri else s["sep_date"],
            "kodeDokter": c["doctor_code"], "namaDokter": c["doctor_name"], "noKartu": c["card_number"], "nama": c["name"],
            "terbitSEP": "Sudah" if c["used_by_sep"] else "Belum"}


def referral_out_row(r: dict) -> dict:
    """One row of ``Rujukan/Keluar/List``."""
    return {"noRujukan": r["number"], "tglRujukan": r["referral_date"], "jnsPelayanan": r["service_type"],
            "noSep": r["sep_number"], "noKartu": r["card_number"], "nama": r["name"],
            "ppkDirujuk": r["to_facility"]["code"], "namaPpkDirujuk": r["to_facility"]["name"]}


def referral_out(r: dict, s: dict | None, part: dict) -> dict:
    """Answer of ``Rujukan/Keluar/{noRujukan}``."""
    return {"rujukan": {
        "noRujukan": r["number"], "noSep": r["sep_number"], "noKartu": part["card_number"], "nama": part["name"],
        "kelasRawat": CLASS_DIGIT.get(s["class_entitled"], "") if s else "", "kelamin": part["sex"],
        "tglLahir": part["birth_date"], "tglSep": s["sep_date"] if s else None, "tglRujukan": r["referral_date"],
        "tglRencanaKunjungan": r["planned_visit_date"] or r["referral_date"],
        "ppkDirujuk": r["to_facility"]["code"], "namaPpkDirujuk": r["to_facility"]["name"],
        "jnsPelayanan": r["service_type"], "catatan": r["notes"], "diagRujukan": r["diagnosis"]["code"],
        "namaDiagRujukan": r["diagnosis"]["name"], "tipeRujukan": r["referral_type"],
        "namaTipeRujukan": r["referral_type_name"], "poliRujukan": r["poli"]["code"],
        "namaPoliRujukan": r["poli"]["name"]}}


def sep_request_row(r: dict) -> dict:
    """One row of ``Sep/persetujuanSEP/list`` (field names as VClaim's, lower case; A-V10 for the values)."""
    return {"noKartu": r["card_number"], "nama": r["name"], "tglsep": r["sep_date"],
            "jnspelayanan": "RI" if r["service_type"] == "1" else "RJ",
            "persetujuan": "Disetujui" if r["status"] == "APPROVED" else "Pengajuan",
            "status": "Tgl.SEP Backdate" if r["kind"] == "1" else "Finger Print"}


def spri(c: dict, part: dict) -> dict:
    """Answer of ``RencanaKontrol/InsertSPRI`` and ``UpdateSPRI``; the doctor's name when the hospital keeps
    the doctor among its staff, no diagnosis (null)."""
    return {"noSPRI": c["number"], "tglRencanaKontrol": c["control_date"], "namaDokter": c["doctor_name"],
            "noKartu": part["card_number"], "nama": part["name"],
            "kelamin": "Laki-laki" if part["sex"] == "L" else "Perempuan", "tglLahir": part["birth_date"],
            "namaDiagnosa": None}
