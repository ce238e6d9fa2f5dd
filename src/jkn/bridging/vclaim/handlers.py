"""The VClaim service paths this server answers, each a thin call into the care services.

Paths (after ``/vclaim-rest/`` or ``/vclaim-rest-dev/``; literal segments case-insensitive) — see docs/vclaim.md:
Peserta by card / NIK; SEP insert / update / delete / lookup / discharge date, backdate and
fingerprint-exception requests and their approval, fingerprint status and list; Rujukan lookups,
insert, update, delete, referrals out; RencanaKontrol and SPRI insert / update / delete / lookup /
lists; Referensi diagnosa / poli / faskes / propinsi / kabupaten / spesialistik / kelasrawat /
carakeluar / pascapulang / diagnosaprb (kecamatan, procedure, obatprb: "no data", A-V12);
Monitoring Kunjungan and HistoriPelayanan.

Facility scope, as REST scopes facility staff (docs/api-security.md): a consumer reads and
changes the SEPs and control letters of its own facility and the referrals from or to it; to
any other consumer such a record is answered exactly as an unknown number (assumption A-C17).

Writes are made and audited as the consumer (``vclaim:<cons-id>`` at its facility, from the
client's address): the ``user`` field of the body is the client's claim and is not recorded.
"""

from __future__ import annotations

from typing import Any

from jkn.bridging.core.protocol import Call, NeedsSession, Router
from jkn.bridging.vclaim import shapes
from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.reference.workareas import load_workareas
from jkn.services.care import eligibility as care_eligibility
from jkn.services.care import accidents, facilities, internal_referrals, referrals, sep, sep_requests
from jkn.services.care.common import jakarta_today, month_span, parse_date
from jkn.services.errors import Invalid, NotFound

router = Router()


def _obj(value: Any, name: str) -> dict:
    if not isinstance(value, dict):
        raise Invalid(Msg("bridging.error.not_object", name=name), field=name)
    return value


def _request(call: Call, key: str) -> dict:
    """``body.request.<key>`` (``t_sep``, ``t_rujukan``); RencanaKontrol puts fields in ``request``."""
    body = _obj(call.body, "body")
    req = _obj(body.get("request"), "request")
    return _obj(req.get(key), f"request.{key}") if key else req


def _s(d: dict, *path: str) -> str | None:
    cur: Any = d
    for p in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(p)
    if cur is None:
        return None
    return str(cur).strip()


def _empty(what: str) -> None:
    raise NotFound(f"{what}: data tidak ditemukan")


def _own_sep(call: Call, number: str) -> dict:
    """The SEP if the consumer's facility issued it; the unknown-SEP answer otherwise."""
    s = sep.get_sep(call.session, number)
    if s["facility"]["code"] != call.consumer.facility_code:
        raise NotFound(Msg("error.care.sep_unknown_number", number=str(number)), field="noSep")
    return s


def _ours(call: Call, r: dict) -> bool:
    """A referral written by the consumer's facility or addressed to it."""
    return call.consumer.facility_code in (r["from_facility"]["code"], r["to_facility"]["code"])


def _required_sep(t: dict) -> str:
    number = _s(t, "noSep")
    if not number:
        raise Invalid(Msg("bridging.vclaim.sep_required"), field="noSep")
    return number


# --- Peserta ---------------------------------------------------------------------------

def _peserta(call: Call, *, card: str | None = None, nik: str | None = None) -> dict:
    day = parse_date(call.params["tgl"], "tglSEP")
    e = care_eligibility.check(call.session, day, card_number=card, nik=nik)
    return {"peserta": shapes.peserta(e, jakarta_today(), e.card_printed)}


def _peserta_fast(call: Call, *, card: str | None = None, nik: str | None = None):
    """:func:`_peserta` as a fast read (statement, parameters, answer from the row), validated in the same order."""
    day = parse_date(call.params["tgl"], "tglSEP")
    stmt, params, what, field = care_eligibility.lookup_statement(card_number=card, nik=nik)

    def answer(row) -> dict:
        e = care_eligibility.from_row(care_eligibility.found(row, what, field), day)
        if e is None:
            raise NeedsSession()
        return {"peserta": shapes.peserta(e, jakarta_today(), e.card_printed)}
    return stmt, params, answer


@router.add("GET", "Peserta/nokartu/{no}/tglSEP/{tgl}", fast=lambda call: _peserta_fast(call, card=call.params["no"]))
def peserta_by_card(call: Call):
    return _peserta(call, card=call.params["no"])


@router.add("GET", "Peserta/nik/{no}/tglSEP/{tgl}", fast=lambda call: _peserta_fast(call, nik=call.params["no"]))
def peserta_by_nik(call: Call):
    return _peserta(call, nik=call.params["no"])


# --- SEP -------------------------------------------------------------------------------

def _accident(t: dict) -> "accidents.Details | None":
    """``jaminan`` as VClaim 2.0 sends it (``noLP``, ``penjamin{tglKejadian, keterangan, suplesi{suplesi,
    noSepSuplesi, lokasiLaka{…}}}``) or 1.1 (``penjamin.penjamin`` "1,2"); None when it says nothing."""
    jaminan = t.get("jaminan") if isinstance(t.get("jaminan"), dict) else {}
    if "penjamin" not in jaminan and "noLP" not in jaminan:
        return None
    pen = jaminan.get("penjamin") if isinstance(jaminan.get("penjamin"), dict) else {}
    sup = pen.get("suplesi") if isinstance(pen.get("suplesi"), dict) else {}
    return accidents.Details(
        accident_date=_s(pen, "tglKejadian") or None, note=_s(pen, "keterangan"), guarantors=_s(pen, "penjamin"),
        supplement=_s(sup, "suplesi"), supplement_of=_s(sup, "noSepSuplesi"),
        province=_s(sup, "lokasiLaka", "kdPropinsi"), regency=_s(sup, "lokasiLaka", "kdKabupaten"),
        district=_s(sup, "lokasiLaka", "kdKecamatan"), police_report=_s(jaminan, "noLP"))


def _sep_args(t: dict) -> dict:
    kls = t.get("klsRawat") if isinstance(t.get("klsRawat"), dict) else {}
    ruj = t.get("rujukan") if isinstance(t.get("rujukan"), dict) else {}
    jkn = t.get("jkn") if isinstance(t.get("jkn"), dict) else {}  # our extension: see docs/vclaim.md
    child = _s(t, "persalinan", "anakKe") or _s(jkn, "persalinanAnakKe")
    excluded = jkn.get("pengecualian") or []
    if not isinstance(excluded, list):
        raise Invalid(Msg("bridging.vclaim.exclusions_list"), field="jkn.pengecualian")
    return dict(
        card_number=_s(t, "noKartu") or "", sep_date=_s(t, "tglSep"), facility_code=_s(t, "ppkPelayanan") or "",
        service_type=_s(t, "jnsPelayanan") or "", diagnosis=_s(t, "diagAwal") or "", poli=_s(t, "poli", "tujuan"),
        executive=_s(t, "poli", "eksekutif"), class_entitled=_s(kls, "klsRawatHak"),
        class_upgrade=_s(kls, "klsRawatNaik") or None, upgrade_payer=_s(kls, "pembiayaan") or None,
        upgrade_responsible=_s(kls, "penanggungJawab") or None, mr_number=_s(t, "noMR"),
        referral_number=_s(ruj, "noRujukan") or None, referral_origin=_s(ruj, "asalRujukan") or None,
        referral_date=_s(ruj, "tglRujukan") or None, referral_facility=_s(ruj, "ppkRujukan") or None,
        control_letter_number=_s(t, "skdp", "noSurat") or None, notes=_s(t, "catatan"),
        cob=_s(t, "cob", "cob"), cataract=_s(t, "katarak", "katarak"), accident=_s(t, "jaminan", "lakaLantas") or "0",
        dpjp_code=_s(t, "dpjpLayan") or _s(t, "skdp", "kodeDPJP") or None,
        phone=_s(t, "noTelp"), emergency=(_s(jkn, "gawatDarurat") == "1") or None,
        delivery_child_number=child or None, excluded=excluded, accident_details=_accident(t),
        purpose=internal_referrals.Purpose(visit=_s(t, "tujuanKunj") or "0", procedure_flag=_s(t, "flagProcedure") or "",
                                           support=_s(t, "kdPenunjang") or "", assessment=_s(t, "assesmentPel") or ""),
    )


@router.add("POST", "SEP/2.0/insert")
@router.add("POST", "SEP/1.1/insert")
def sep_insert(call: Call):
    args = _sep_args(_request(call, "t_sep"))
    s = sep.insert_sep(call.session, actor=call.actor, consumer_facility=call.consumer.facility, **args)
    return shapes.sep_inserted(s)


@router.add("PUT", "SEP/2.0/update", plain=True)
@router.add("PUT", "SEP/1.1/update", plain=True)
def sep_update(call: Call):
    t = _request(call, "t_sep")
    number = _own_sep(call, _required_sep(t))["number"]
    kls = t.get("klsRawat") if isinstance(t.get("klsRawat"), dict) else {}
    changes = dict(class_upgrade=_s(kls, "klsRawatNaik"), upgrade_payer=_s(kls, "pembiayaan"),
                   upgrade_responsible=_s(kls, "penanggungJawab"), mr_number=_s(t, "noMR"), notes=_s(t, "catatan"),
                   diagnosis=_s(t, "diagAwal"), poli=_s(t, "poli", "tujuan"), executive=_s(t, "poli", "eksekutif"),
                   cob=_s(t, "cob", "cob"), cataract=_s(t, "katarak", "katarak"),
                   accident=_s(t, "jaminan", "lakaLantas"), dpjp_code=_s(t, "dpjpLayan"), phone=_s(t, "noTelp"))
    s = sep.update_sep(call.session, number, actor=call.actor, facility_code=call.consumer.facility_code,
                       accident_details=_accident(t), **{k: v for k, v in changes.items() if v not in (None, "")})
    return s["number"]


@router.add("DELETE", "SEP/2.0/delete", plain=True)
@router.add("DELETE", "SEP/Delete", plain=True)
def sep_delete(call: Call):
    t = _request(call, "t_sep")
    number = _own_sep(call, _required_sep(t))["number"]
    sep.delete_sep(call.session, number, actor=call.actor, facility_code=call.consumer.facility_code)
    return number


@router.add("PUT", "SEP/2.0/updtglplg")
def sep_discharge(call: Call):
    t = _request(call, "t_sep")
    number = _own_sep(call, _required_sep(t))["number"]
    sep.update_sep(call.session, number, actor=call.actor, facility_code=call.consumer.facility_code,
                   discharge_date=_s(t, "tglPulang") or "")
    return None


@router.add("PUT", "Sep/updtglplg")
def sep_discharge_v1(call: Call):
    """VClaim 1.1: ``tglPlg`` as ``yyyy-MM-dd HH:mm:ss`` (the date is kept) and ``ppkPelayanan``."""
    t = _request(call, "t_sep")
    number = _own_sep(call, _required_sep(t))["number"]
    ppk = _s(t, "ppkPelayanan")
    if ppk and ppk != call.consumer.facility_code:
        raise Invalid(f"ppkPelayanan {ppk} is not the facility of this consumer", field="ppkPelayanan")
    sep.update_sep(call.session, number, actor=call.actor, facility_code=call.consumer.facility_code,
                   discharge_date=(_s(t, "tglPlg") or "")[:10])
    return None


@router.add("GET", "Sep/updtglplg/list/bulan/{bulan}/tahun/{tahun}")
@router.add("GET", "Sep/updtglplg/list/bulan/{bulan}/tahun/{tahun}/{filter}")
def sep_discharge_list(call: Call):
    rows = sep.discharges_in_month(call.session, call.consumer.facility_code, call.params["tahun"],
                                   call.params["bulan"])
    text = (call.params.get("filter") or "").strip().lower()
    if text:
        rows = [r for r in rows if text in r["number"].lower() or text in r["participant"]["card_number"]
                or text in r["participant"]["name"].lower()]
    if not rows:
        _empty(f"tanggal pulang {call.params['bulan']}/{call.params['tahun']}")
    return {"list": [shapes.discharge_row(r) for r in rows]}


@router.add("GET", "sep/cbg/{no}", plain=True)
def sep_inacbg(call: Call):
    return shapes.sep_for_inacbg(_own_sep(call, call.params["no"]))


@router.add("GET", "SEP/{no}")
def sep_lookup(call: Call):
    return shapes.sep_detail(_own_sep(call, call.params["no"]))


# --- SEP requests (backdate, fingerprint exception) and fingerprints (A-V10, A-V11) ---------

@router.add("POST", "Sep/pengajuanSEP")
def sep_request(call: Call):
    """Answer: the card number, as VClaim."""
    t = _request(call, "t_sep")
    r = sep_requests.submit_request(
        call.session, actor=call.actor, facility_code=call.consumer.facility_code, card_number=_s(t, "noKartu") or "",
        sep_date=_s(t, "tglSep"), service_type=_s(t, "jnsPelayanan") or "", kind=_s(t, "jnsPengajuan") or "",
        reason=_s(t, "keterangan"))
    return r["card_number"]


@router.add("POST", "Sep/aprovalSEP")
def sep_request_approval(call: Call):
    """Without ``jnsPengajuan`` the catalogue's default is 1 (backdate); answer: the card number."""
    t = _request(call, "t_sep")
    r = sep_requests.approve_at_facility(
        call.session, actor=call.actor, facility_code=call.consumer.facility_code, card_number=_s(t, "noKartu") or "",
        sep_date=_s(t, "tglSep"), service_type=_s(t, "jnsPelayanan") or "", kind=_s(t, "jnsPengajuan"),
        note=_s(t, "keterangan"))
    return r["card_number"]


@router.add("GET", "Sep/persetujuanSEP/list/bulan/{bulan}/tahun/{tahun}")
def sep_request_list(call: Call):
    rows = sep_requests.requests_in_month(call.session, call.consumer.facility_code, call.params["tahun"],
                                          call.params["bulan"])
    if not rows:
        _empty(f"pengajuan SEP {call.params['bulan']}/{call.params['tahun']}")
    return {"list": [shapes.sep_request_row(r) for r in rows]}


@router.add("GET", "SEP/FingerPrint/Peserta/{no}/TglPelayanan/{tgl}")
def fingerprint_status(call: Call):
    day = parse_date(call.params["tgl"], "TglPelayanan")
    if sep_requests.fingerprint_validated(call.session, call.consumer.facility_code, call.params["no"], day):
        return {"kode": "1", "status": f"Peserta telah melakukan validasi finger print pada tanggal {day}"}
    return {"kode": "0", "status": "Peserta belum melakukan validasi finger print"}


@router.add("GET", "SEP/FingerPrint/List/Peserta/TglPelayanan/{tgl}")
def fingerprint_list(call: Call):
    rows = sep_requests.fingerprints_on(call.session, call.consumer.facility_code, call.params["tgl"])
    if not rows:
        _empty(f"finger print {call.params['tgl']}")
    return {"list": [{"noKartu": r["card_number"], "noSEP": r["sep_number"]} for r in rows]}


# --- Rujukan ---------------------------------------------------------------------------

def _rujukan_one(call: Call, r: dict) -> dict:
    e = care_eligibility.check(call.session, jakarta_today(), card_number=r["card_number"])
    return shapes.rujukan(r, shapes.peserta(e, jakarta_today(), e.card_printed))


def _by_number(call: Call, origin: str) -> dict:
    r = referrals.get_referral(call.session, call.params["no"])
    if r["origin_level"] != origin or not _ours(call, r):
        raise NotFound(Msg("error.care.referral_unknown", number=call.params['no']), field="noRujukan")
    return {"rujukan": _rujukan_one(call, r)}


def _by_card(call: Call, origin: str, many: bool) -> dict:
    rows = [r for r in referrals.referrals_for_card(call.session, call.params["no"], origin_level=origin)
            if _ours(call, r)]
    if not rows:
        _empty(f"rujukan untuk kartu {call.params['no']}")
    if many:
        return {"rujukan": [_rujukan_one(call, r) for r in rows]}
    return {"rujukan": _rujukan_one(call, rows[0])}


@router.add("GET", "Rujukan/{no}")
def rujukan_fktp(call: Call):
    return _by_number(call, "1")


@router.add("GET", "Rujukan/RS/{no}")
def rujukan_rs(call: Call):
    return _by_number(call, "2")


@router.add("GET", "Rujukan/Peserta/{no}")
def rujukan_fktp_card(call: Call):
    return _by_card(call, "1", many=False)


@router.add("GET", "Rujukan/RS/Peserta/{no}")
def rujukan_rs_card(call: Call):
    return _by_card(call, "2", many=False)


@router.add("GET", "Rujukan/List/Peserta/{no}")
def rujukan_fktp_list(call: Call):
    return _by_card(call, "1", many=True)


@router.add("GET", "Rujukan/RS/List/Peserta/{no}")
def rujukan_rs_list(call: Call):
    return _by_card(call, "2", many=True)


@router.add("POST", "Rujukan/2.0/insert")
@router.add("POST", "Rujukan/insert")
def rujukan_insert(call: Call):
    t = _request(call, "t_rujukan")
    from_sep = _s(t, "noSep")
    r = referrals.create_referral(
        call.session, actor=call.actor, card_number=_s(t, "noKartu") or None,
        sep_number=_own_sep(call, from_sep)["number"] if from_sep else None,
        from_facility=call.consumer.facility_code, referral_date=_s(t, "tglRujukan"),
        planned_visit_date=_s(t, "tglRencanaKunjungan") or None, to_facility=_s(t, "ppkDirujuk") or None,
        service_type=_s(t, "jnsPelayanan") or "2", notes=_s(t, "catatan"), complaint=_s(t, "keluhan"),
        diagnosis=_s(t, "diagRujukan") or "", referral_type=_s(t, "tipeRujukan") or "0",
        poli=_s(t, "poliRujukan") or None)
    e = care_eligibility.check(call.session, parse_date(r["referral_date"], "tglRujukan"), card_number=r["card_number"])
    part = {"card_number": e.participant.card_number, "name": e.participant.name, "sex": e.participant.sex,
            "birth_date": e.participant.birth_date.isoformat(), "segment": e.participant.segment,
            "care_class": e.participant.care_class}
    return shapes.rujukan_inserted(r, part)


def _own_referral(call: Call, number: str | None) -> dict:
    """A referral this consumer's facility wrote; the unknown-referral answer otherwise."""
    if not number:
        raise Invalid(Msg("bridging.vclaim.referral_required"), field="noRujukan")
    r = referrals.get_referral(call.session, number)
    if r["from_facility"]["code"] != call.consumer.facility_code:
        raise NotFound(Msg("error.care.referral_unknown", number=str(number)), field="noRujukan")
    return r


@router.add("PUT", "Rujukan/2.0/Update")
@router.add("PUT", "Rujukan/update")
def rujukan_update(call: Call):
    t = _request(call, "t_rujukan")
    r = _own_referral(call, _s(t, "noRujukan"))
    if _s(t, "tglRujukan") and _s(t, "tglRujukan") != r["referral_date"]:
        raise Invalid("tglRujukan is the date the referral was written; it cannot change", field="tglRujukan")
    referrals.update_referral(
        call.session, r["number"], actor=call.actor, facility_code=call.consumer.facility_code,
        to_facility=_s(t, "ppkDirujuk"), service_type=_s(t, "jnsPelayanan"), notes=_s(t, "catatan"),
        diagnosis=_s(t, "diagRujukan"), referral_type=_s(t, "tipeRujukan") or _s(t, "tipe"),
        poli=_s(t, "poliRujukan"), planned_visit_date=_s(t, "tglRencanaKunjungan"))
    return r["number"]


@router.add("DELETE", "Rujukan/delete")
def rujukan_delete(call: Call):
    t = _request(call, "t_rujukan")
    r = _own_referral(call, _s(t, "noRujukan"))
    referrals.delete_referral(call.session, r["number"], actor=call.actor, facility_code=call.consumer.facility_code)
    return r["number"]


@router.add("GET", "Rujukan/Keluar/List/tglMulai/{a}/tglAkhir/{b}")
def rujukan_keluar_list(call: Call):
    rows = referrals.referrals_written(call.session, call.consumer.facility_code, call.params["a"], call.params["b"])
    if not rows:
        _empty(f"rujukan keluar {call.params['a']} - {call.params['b']}")
    return {"list": [shapes.referral_out_row(r) for r in rows]}


@router.add("GET", "Rujukan/Keluar/{no}")
def rujukan_keluar(call: Call):
    r = referrals.get_referral(call.session, call.params["no"])
    if r["from_facility"]["code"] != call.consumer.facility_code:
        raise NotFound(Msg("error.care.referral_unknown", number=call.params['no']), field="noRujukan")
    s = sep.get_sep(call.session, r["sep_number"]) if r["sep_number"] else None
    e = care_eligibility.check(call.session, parse_date(r["referral_date"], "tglRujukan"), card_number=r["card_number"])
    part = {"card_number": e.participant.card_number, "name": e.participant.name, "sex": e.participant.sex,
            "birth_date": e.participant.birth_date.isoformat()}
    return shapes.referral_out(r, s, part)


def _referral_seps(call: Call, number: str) -> list[str]:
    """The SEPs a referral to or from this facility opened here."""
    r = referrals.get_referral(call.session, number)
    if not _ours(call, r):
        raise NotFound(Msg("error.care.referral_unknown", number=str(number)), field="noRujukan")
    return [n for n in referrals.seps_of_referral(call.session, r["number"])
            if sep.get_sep(call.session, n)["facility"]["code"] == call.consumer.facility_code]


@router.add("GET", "Rujukan/JumlahSEP/{jenis}/{no}")
def rujukan_jumlah_sep(call: Call):
    if call.params["jenis"] not in ("1", "2"):
        raise Invalid(Msg("bridging.vclaim.referral_kind"), field="jenis")
    r = referrals.get_referral(call.session, call.params["no"])
    if r["origin_level"] != call.params["jenis"]:
        raise NotFound(Msg("error.care.referral_unknown", number=call.params['no']), field="noRujukan")
    return {"jumlahSEP": str(len(_referral_seps(call, call.params["no"])))}


@router.add("GET", "Rujukan/lastsep/norujukan/{no}")
def rujukan_last_sep(call: Call):
    numbers = _referral_seps(call, call.params["no"])
    if not numbers:
        _empty(f"SEP untuk rujukan {call.params['no']}")
    return shapes.sep_detail(sep.get_sep(call.session, numbers[-1]))


# --- RencanaKontrol (post-inpatient control letters) -----------------------------------

@router.add("POST", "RencanaKontrol/v2/Insert")
@router.add("POST", "RencanaKontrol/insert")
def kontrol_insert(call: Call):
    req = _request(call, "")
    s = _own_sep(call, _s(req, "noSEP") or "")
    c = referrals.create_control_letter(
        call.session, actor=call.actor, sep_number=s["number"], control_date=_s(req, "tglRencanaKontrol"),
        poli=_s(req, "poliKontrol") or "", doctor_code=_s(req, "kodeDokter"),
        facility_code=call.consumer.facility_code)
    dx = care_codes.icd10().get(s["diagnosis"]["code"])
    return shapes.control_letter(c, s["participant"], dx.label if dx else s["diagnosis"]["code"])


@router.add("POST", "RencanaKontrol/InsertSPRI")
def spri_insert(call: Call):
    req = _request(call, "")
    c = referrals.create_spri(call.session, actor=call.actor, facility_code=call.consumer.facility_code,
                              card_number=_s(req, "noKartu") or "", control_date=_s(req, "tglRencanaKontrol"),
                              poli=_s(req, "poliKontrol") or "", doctor_code=_s(req, "kodeDokter"))
    return shapes.spri(c, _participant_of(call, c["card_number"]))


@router.add("PUT", "RencanaKontrol/UpdateSPRI")
def spri_update(call: Call):
    req = _request(call, "")
    c = _own_letter(call, _s(req, "noSPRI"), field="noSPRI")
    c = referrals.update_spri(call.session, c["number"], actor=call.actor, control_date=_s(req, "tglRencanaKontrol"),
                              poli=_s(req, "poliKontrol") or c["poli"]["code"], doctor_code=_s(req, "kodeDokter"),
                              facility_code=call.consumer.facility_code)
    return shapes.spri(c, _participant_of(call, c["card_number"]))


def _participant_of(call: Call, card: str) -> dict:
    p = care_eligibility.check(call.session, jakarta_today(), card_number=card).participant
    return {"card_number": p.card_number, "name": p.name, "sex": p.sex, "birth_date": p.birth_date.isoformat()}


@router.add("GET", "RencanaKontrol/noSuratKontrol/{no}")
def kontrol_lookup(call: Call):
    c = referrals.get_control_letter(call.session, call.params["no"])
    if c["facility_code"] != call.consumer.facility_code:
        raise NotFound(Msg("error.care.control_unknown", number=call.params['no']), field="noSuratKontrol")
    if c["kind"] == "1":  # an SPRI follows no SEP: the answer has none (as VClaim's for jnsKontrol 1)
        return {**shapes.spri(c, _participant_of(call, c["card_number"])), "noSuratKontrol": c["number"],
                "jnsKontrol": "1", "namaJnsKontrol": "SPRI", "poliKontrol": c["poli"]["code"], "sep": None}
    s = sep.get_sep(call.session, c["sep_number"])
    dx = care_codes.icd10().get(s["diagnosis"]["code"])
    out = shapes.control_letter(c, s["participant"], dx.label if dx else s["diagnosis"]["code"])
    out["sep"] = shapes.sep_detail(s)
    return out


def _own_letter(call: Call, number: str | None, field: str = "noSuratKontrol") -> dict:
    if not number:
        raise Invalid(Msg("bridging.vclaim.spri_required") if field == "noSPRI" else
                      Msg("bridging.vclaim.control_letter_required"), field=field)
    c = referrals.get_control_letter(call.session, number)
    if c["facility_code"] != call.consumer.facility_code:
        raise NotFound(Msg("error.care.control_unknown", number=str(number)), field=field)
    return c


@router.add("PUT", "RencanaKontrol/v2/Update")
@router.add("PUT", "RencanaKontrol/Update")
def kontrol_update(call: Call):
    req = _request(call, "")
    c = _own_letter(call, _s(req, "noSuratKontrol"))
    if c["kind"] == "2" and _s(req, "noSEP") and _s(req, "noSEP") != c["sep_number"]:
        raise Invalid(f"control letter {c['number']} follows SEP {c['sep_number']}", field="noSEP")
    c = referrals.update_control_letter(
        call.session, c["number"], actor=call.actor, control_date=_s(req, "tglRencanaKontrol"),
        poli=_s(req, "poliKontrol") or c["poli"]["code"], doctor_code=_s(req, "kodeDokter"),
        facility_code=call.consumer.facility_code)
    s = sep.get_sep(call.session, c["sep_number"])
    dx = care_codes.icd10().get(s["diagnosis"]["code"])
    return shapes.control_letter(c, s["participant"], dx.label if dx else s["diagnosis"]["code"])


@router.add("DELETE", "RencanaKontrol/Delete")
def kontrol_delete(call: Call):
    t = _request(call, "t_suratkontrol")
    c = _own_letter(call, _s(t, "noSuratKontrol"))
    referrals.delete_control_letter(call.session, c["number"], actor=call.actor,
                                    facility_code=call.consumer.facility_code)
    return None


@router.add("GET", "RencanaKontrol/nosep/{no}")
def kontrol_sep(call: Call):
    s = _own_sep(call, call.params["no"])
    fktp = facilities.facility_name(call.session, s["participant"]["fktp_code"])
    return shapes.sep_for_control(s, fktp)


def _letters(call: Call, start, end, card: str | None) -> dict:
    rows = referrals.control_letters(call.session, call.consumer.facility_code, start, end, call.params["filter"],
                                     card_number=card)
    if not rows:
        _empty("rencana kontrol")
    seps = {}
    for c in rows:
        if c["sep_number"]:
            seps.setdefault(c["sep_number"], sep.get_sep(call.session, c["sep_number"]))
    return {"list": [shapes.control_list_row(c, seps.get(c["sep_number"])) for c in rows]}


@router.add("GET", "RencanaKontrol/ListRencanaKontrol/Bulan/{bulan}/Tahun/{tahun}/Nokartu/{no}/filter/{filter}")
def kontrol_list_card(call: Call):
    start, end = month_span(call.params["tahun"], call.params["bulan"])
    return _letters(call, start, end, call.params["no"])


@router.add("GET", "RencanaKontrol/ListRencanaKontrol/tglAwal/{a}/tglAkhir/{b}/filter/{filter}")
def kontrol_list_dates(call: Call):
    return _letters(call, call.params["a"], call.params["b"], None)


# --- Referensi -------------------------------------------------------------------------

@router.add("GET", "referensi/diagnosa/{q}")
def ref_diagnosa(call: Call):
    hits = care_codes.search_diagnoses(call.params["q"], limit=100)
    if not hits:
        _empty(f"diagnosa {call.params['q']}")
    return {"diagnosa": [{"kode": d.code, "nama": d.label} for d in hits]}


@router.add("GET", "referensi/poli/{q}")
def ref_poli(call: Call):
    hits = care_codes.search_polis(call.params["q"])
    if not hits:
        _empty(f"poli {call.params['q']}")
    return {"poli": [{"kode": p.code, "nama": p.name} for p in hits]}


@router.add("GET", "referensi/faskes/{q}/{jenis}")
def ref_faskes(call: Call):
    hits = facilities.search_faskes(call.session, call.params["q"], call.params["jenis"])
    if not hits:
        _empty(f"faskes {call.params['q']}")
    return {"faskes": hits}


@router.add("GET", "referensi/spesialistik")
def ref_spesialistik(call: Call):
    """The specialties are the clinic (poli) codes the SEP and referrals use."""
    return {"list": [{"kode": p.code, "nama": p.name} for p in care_codes.polis().values()]}


@router.add("GET", "referensi/kelasrawat")
def ref_kelasrawat(call: Call):
    """The room classes of VClaim's klsRawatNaik (assumption A-V01)."""
    return {"list": [{"kode": k, "nama": v} for k, v in sep.UPGRADE_CLASSES.items()]}


@router.add("GET", "referensi/propinsi")
def ref_propinsi(call: Call):
    seen: dict[str, str] = {}
    for k in load_workareas().kabkota.values():
        seen.setdefault(k.province_code, k.province)
    return {"list": [{"kode": c, "nama": n} for c, n in sorted(seen.items())]}


@router.add("GET", "referensi/kabupaten/propinsi/{kd}")
def ref_kabupaten(call: Call):
    kd = call.params["kd"].strip()
    rows = [k for k in load_workareas().kabkota.values() if k.province_code == kd]
    if not rows:
        _empty(f"propinsi {kd}")
    return {"list": [{"kode": k.code.replace(".", ""), "nama": k.name} for k in rows]}


@router.add("GET", "referensi/carakeluar")
def ref_carakeluar(call: Call):
    """The claim form's discharge codes, as VClaim publishes them (data/CARE_REFERENCE.md)."""
    return {"list": [{"kode": k, "nama": n} for k, n in care_codes.claim_codes("carakeluar")]}


@router.add("GET", "referensi/pascapulang")
def ref_pascapulang(call: Call):
    """The claim form's after-discharge codes, as VClaim publishes them (data/CARE_REFERENCE.md)."""
    return {"list": [{"kode": k, "nama": n} for k, n in care_codes.claim_codes("pascapulang")]}


@router.add("GET", "referensi/diagnosaprb")
def ref_diagnosaprb(call: Call):
    """The referral-back programme's diseases, as VClaim publishes them (data/CARE_REFERENCE.md)."""
    return {"list": [{"kode": k, "nama": n} for k, n in care_codes.claim_codes("diagnosaprb")]}


@router.add("GET", "referensi/obatprb/{nama}")
def ref_obatprb(call: Call):
    """No list of the programme's generic drugs is shipped: said, not invented (assumption A-V12)."""
    raise NotFound(f"obat PRB {call.params['nama']}: data tidak tersedia — this server ships no list of the "
                   f"referral-back programme's generic drugs [assumption A-V12]")


@router.add("GET", "referensi/kecamatan/kabupaten/{kd}")
def ref_kecamatan(call: Call):
    """No kecamatan list is shipped (the registry holds Kemendagri's kab/kota lists only): said, not
    invented (assumption A-V12)."""
    raise NotFound(f"kecamatan kabupaten {call.params['kd']}: data tidak tersedia — this server holds no "
                   f"kecamatan list (Kemendagri kab/kota only) [assumption A-V12]")


@router.add("GET", "referensi/procedure/{q}")
def ref_procedure(call: Call):
    """No ICD-9-CM list is shipped: said, not invented (assumption A-V12)."""
    raise NotFound(f"procedure {call.params['q']}: data tidak tersedia — this server ships no ICD-9-CM "
                   f"procedure list [assumption A-V12]")


# --- Monitoring ------------------------------------------------------------------------

@router.add("GET", "Monitoring/Kunjungan/Tanggal/{tgl}/JnsPelayanan/{jns}")
def mon_kunjungan(call: Call):
    rows = sep.seps_on_date(call.session, call.consumer.facility_code, call.params["tgl"], call.params["jns"])
    if not rows:
        _empty(f"kunjungan {call.params['tgl']}")
    return {"sep": [shapes.kunjungan(s) for s in rows]}


@router.add("GET", "monitoring/HistoriPelayanan/NoKartu/{no}/tglMulai/{a}/tglAkhir/{b}")
def mon_histori(call: Call):
    rows = [s for s in sep.history(call.session, call.params["no"], call.params["a"], call.params["b"])
            if s["facility"]["code"] == call.consumer.facility_code]
    if not rows:
        _empty(f"histori pelayanan {call.params['no']}")
    return {"histori": [shapes.histori(s) for s in rows]}

