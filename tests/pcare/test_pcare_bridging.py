"""P-Care at /pcare-rest driven over HTTP by a small client written here from the public protocol
(BPJS signature, user key, ``X-Authorization: Basic base64(user:password:kdAplikasi)``, AES-256-CBC
+ LZ-string answers), against ``jkn serve`` on SQLite and PostgreSQL (docs/pcare.md)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import httpx
import lzstring
import pytest
from Crypto.Cipher import AES
from support.care_world import JknServe, build_world, count
from support.databases import BACKENDS, truncate_business_tables

from jkn.services.care import facilities, pcare_users
from jkn.services.portal.audit import SYSTEM
from jkn.services.care import pcare_codes
from jkn.store.care_tables import FacilityStaffRow, ReferralRow, VisitRow
from jkn.store.primary_care_tables import FktpRegistrationRow, VisitDrugRow, VisitProcedureRow
from jkn.store.engine import session_factory

USER, PASSWORD, APP = "puskesmas1", "rahasia-pcare-1", "095"


class PCare:
    """A clinic's P-Care client, from the protocol: headers, then the answer decrypted."""

    def __init__(self, srv, cred: dict, user: str = USER, password: str = PASSWORD, app: str = APP,
                 base: str = "/pcare-rest"):
        self.url, self.cred, self.base = srv.url, cred, base
        self.auth = base64.b64encode(f"{user}:{password}:{app}".encode()).decode()

    def _headers(self, ts: str) -> dict:
        sig = base64.b64encode(hmac.new(self.cred["secret"].encode(), f"{self.cred['cons_id']}&{ts}".encode(),
                                        hashlib.sha256).digest()).decode()
        return {"X-cons-id": self.cred["cons_id"], "X-timestamp": ts, "X-signature": sig,
                "X-Authorization": f"Basic {self.auth}", "user_key": self.cred["user_key"],
                "Content-Type": "text/plain"}

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        if method != "GET":  # one write per signed header and second (A-C16)
            time.sleep(1.05 - time.time() % 1)
        ts = str(int(time.time()))
        r = httpx.request(method, f"{self.url}{self.base}/{path}", headers=self._headers(ts),
                          content=json.dumps(body) if body is not None else None)
        env = r.json()
        if isinstance(env.get("response"), str):
            key = hashlib.sha256(f"{self.cred['cons_id']}{self.cred['secret']}{ts}".encode()).digest()
            plain = AES.new(key, AES.MODE_CBC, key[:16]).decrypt(base64.b64decode(env["response"]))
            plain = plain[:-plain[-1]].decode()
            env["response"] = json.loads(lzstring.LZString().decompressFromEncodedURIComponent(plain))
        return r.status_code, env


def ok(answer: tuple[int, dict]):
    status, env = answer
    assert status == 200 and env["metaData"] == {"code": 200, "message": "OK"}, env
    return env["response"]


def refused(answer: tuple[int, dict], code: int, contains: str = "") -> str:
    status, env = answer
    assert env["metaData"]["code"] == code and env["response"] is None, env
    assert contains.lower() in env["metaData"]["message"].lower(), env
    return env["metaData"]["message"]


@pytest.fixture(scope="module", params=BACKENDS)
def clinic(request, _prepared):
    url, engine = _prepared(request.param)
    truncate_business_tables(engine)
    world = build_world(engine)
    with session_factory(engine)() as s:
        pcare_users.create_user(s, world.fktp, actor=SYSTEM, username=USER, app_code=APP, password=PASSWORD)
    with session_factory(engine)() as s:
        facilities.add_staff(s, world.fktp, actor=SYSTEM, name="dr. Rina", role="DOCTOR", registration_number="128")
    with JknServe(url, env={"JKN_VCLAIM_CONSUMER_CACHE": "0"}) as srv:
        srv.world, srv.engine = world, engine
        srv.pcare = PCare(srv, world.fktp_v2)
        yield srv
    truncate_business_tables(engine)


def test_who_may_call(clinic):
    w = clinic.world
    path = f"peserta/{w.active}"
    refused(PCare(clinic, w.fktp_v2, password="salah-sandi").call("GET", path), 401, "X-Authorization")
    refused(PCare(clinic, w.fktp_v2, app="999").call("GET", path), 401, "X-Authorization")
    no_auth = PCare(clinic, w.fktp_v2)
    no_auth.auth = "bm90LWJhc2lj"  # "not-basic": no user:password:app
    refused(no_auth.call("GET", path), 401)
    refused(PCare(clinic, w.fktp2_v2).call("GET", path), 401, "X-Authorization")  # another clinic's user
    refused(PCare(clinic, w.rs_v2).call("GET", path), 401, "P-Care untuk FKTP")
    assert ok(PCare(clinic, w.fktp_v2, base="/pcare-rest-dev").call("GET", path))["noKartu"] == w.active


def test_peserta_and_references(clinic):
    w, pc = clinic.world, clinic.pcare
    by_card = ok(pc.call("GET", f"peserta/{w.active}"))
    assert by_card == ok(pc.call("GET", f"peserta/nik/{w.active_nik}"))
    assert by_card["noKartu"] == w.active and by_card["noKTP"] == w.active_nik and by_card["aktif"] is True
    assert by_card["kdProviderPst"] == {"kdProvider": w.fktp, "nmProvider": "PUSKESMAS SUKAJADI"}
    assert by_card["jnsKelas"] == {"nama": "KELAS II", "kode": "2"} and by_card["tglLahir"] == "05-01-1990"
    suspended = ok(pc.call("GET", f"peserta/noka/{w.suspended}"))
    assert suspended["aktif"] is False
    refused(pc.call("GET", "peserta/0000000000000"), 201)
    refused(pc.call("GET", "peserta/123"), 400)
    dx = ok(pc.call("GET", "diagnosa/J45/1/2"))
    assert dx["count"] >= 1 and len(dx["list"]) <= 2 and dx["list"][0]["kdDiag"].startswith("J45")
    assert ok(pc.call("GET", "dokter/1/10")) == {"count": 1, "list": [{"kdDokter": "128", "nmDokter": "dr. Rina"}]}
    polis = ok(pc.call("GET", "poli/fktp/1/100"))
    assert {"kdPoli": "ANA", "nmPoli": "Anak", "poliSakit": None} in polis["list"]
    providers = {p["kdProvider"] for p in ok(pc.call("GET", "provider/1/50"))["list"]}
    assert {w.fktp, w.fktp2} <= providers and w.rsud not in providers
    refused(pc.call("GET", "diagnosa/J45/1/0"), 400, "limit")


def test_visit_with_referral_then_lookups(clinic):
    w, pc, engine = clinic.world, clinic.pcare, clinic.engine
    today = w.today.strftime("%d-%m-%Y")
    body = {"noKunjungan": None, "noKartu": w.active, "tglDaftar": today, "kdPoli": "INT", "keluhan": "sesak napas",
            "kdSadar": "01", "sistole": 120, "diastole": 80, "beratBadan": 60, "tinggiBadan": 160, "respRate": 24,
            "heartRate": 90, "lingkarPerut": 80, "kdStatusPulang": "4", "tglPulang": today, "kdDokter": "128",
            "kdDiag1": "J45", "kdDiag2": None, "kdDiag3": None, "kdPoliRujukInternal": None,
            "rujukLanjut": {"tglEstRujuk": today, "kdppk": w.rsud}, "kdTacc": 0, "alasanTacc": None,
            "kdPoliRujukLanjut": "INT"}
    answer = ok(pc.call("POST", "kunjungan", body))
    assert answer["field"] == "noKunjungan" and answer["message"] and answer["noRujukan"]
    visits = ok(pc.call("GET", f"kunjungan/peserta/{w.active}"))
    assert answer["message"] in [v["noKunjungan"] for v in visits["list"]]
    mine = next(v for v in visits["list"] if v["noKunjungan"] == answer["message"])
    assert mine["diagnosa1"]["kdDiag"] == "J45" and mine["keluhan"] == "sesak napas" and mine["tglKunjungan"] == today
    ref = ok(pc.call("GET", f"kunjungan/rujukan/{answer['noRujukan']}"))
    assert ref["ppk"]["kdPPK"] == w.rsud and ref["nokaPst"] == w.active and ref["diag1"]["kdDiag"] == "J45"
    refused(PCare(clinic, w.fktp2_v2).call("GET", f"kunjungan/rujukan/{answer['noRujukan']}"), 401)

    # refusals write nothing: suspended cover, another clinic's participant, a bad diagnosis, a bad date
    before = (count(engine, VisitRow), count(engine, ReferralRow))
    refused(pc.call("POST", "kunjungan", {**body, "noKartu": w.suspended}), 201, w.suspended)
    refused(pc.call("POST", "kunjungan", {**body, "noKartu": w.other, "rujukLanjut": {}}), 201, "terdaftar di FKTP")
    refused(pc.call("POST", "kunjungan", {**body, "kdDiag1": "ZZZ"}), 400)
    refused(pc.call("POST", "kunjungan", {**body, "tglDaftar": "31-02-2026"}), 400)
    refused(pc.call("POST", "kunjungan", {**body, "rujukLanjut": {"kdppk": "NOPE0000", "tglEstRujuk": today}}), 201)
    assert (count(engine, VisitRow), count(engine, ReferralRow)) == before


#: small extracts in BPJS's list format, loaded as an operator would (A-Q08); the codes are the test's
LISTS = {"kesadaran": "kode,nama\n01,Compos mentis\n02,Somnolence\n",
         "statuspulang-rj": "kode,nama\n3,Berobat Jalan\n4,Rujuk Vertikal\n",
         "statuspulang-ri": "kode,nama\n0,Sembuh\n",
         "prognosa": "kode,nama\n01,Sanam (Sembuh)\n", "alergi-01": "kode,nama\n00,Tidak Ada\n",
         "dpho": "kode,nama\n120101,Amoksisilin tab 500 mg\n120102,Parasetamol tab 500 mg\n",
         "tindakan-10": "kode,nama\nT01,Insisi abses\n",
         "spesialis": "kode,nama\nINT,Penyakit Dalam\n",
         "subspesialis": "kode,nama,induk,poli\n26,Penyakit Dalam,INT,INT\n99,Paru,INT,\n",
         "sarana": "kode,nama\n1,Rekam Medik\n", "khusus": "kode,nama,poli\nHDL,Hemodialisa,INT\nTHA,Thalasemia,\n"}


def _load_lists(engine) -> None:
    with session_factory(engine)() as s:
        for kind, text in LISTS.items():
            pcare_codes.load(s, kind, text, actor=SYSTEM)


def test_code_lists_answer_as_loaded(clinic):
    pc = clinic.pcare
    refused(pc.call("GET", "kesadaran"), 201, "tidak ditemukan")  # nothing loaded: nothing made up
    _load_lists(clinic.engine)
    assert ok(pc.call("GET", "kesadaran")) == {"count": 2, "list": [{"kdSadar": "01", "nmSadar": "Compos mentis"},
                                                                     {"kdSadar": "02", "nmSadar": "Somnolence"}]}
    assert ok(pc.call("GET", "statuspulang/rawatInap/false"))["list"][1] == {"kdStatusPulang": "4",
                                                                             "nmStatusPulang": "Rujuk Vertikal"}
    assert ok(pc.call("GET", "statuspulang/rawatInap/true"))["count"] == 1
    assert ok(pc.call("GET", "prognosa"))["list"] == [{"kdPrognosa": "01", "nmPrognosa": "Sanam (Sembuh)"}]
    assert ok(pc.call("GET", "alergi/jenis/01"))["list"] == [{"kdAlergi": "00", "nmAlergi": "Tidak Ada"}]
    refused(pc.call("GET", "alergi/jenis/07"), 400)
    refused(pc.call("GET", "statuspulang/rawatInap/maybe"), 400)
    assert ok(pc.call("GET", "spesialis"))["list"] == [{"kdSpesialis": "INT", "nmSpesialis": "Penyakit Dalam"}]
    assert ok(pc.call("GET", "spesialis/INT/subSpesialis"))["list"][0] == {
        "kdSubSpesialis": "26", "nmSubSpesialis": "Penyakit Dalam", "kdPoliRujuk": "INT"}
    assert ok(pc.call("GET", "spesialis/sarana"))["count"] == 1 and ok(pc.call("GET", "spesialis/khusus"))["count"] == 2
    dpho = ok(pc.call("GET", "obat/dpho/parasetamol/1/10"))
    assert dpho == {"count": 1, "list": [{"kdObat": "120102", "nmObat": "Parasetamol tab 500 mg", "sedia": None}]}
    assert ok(pc.call("GET", "tindakan/kdTkp/10/1/10"))["list"][0]["kdTindakan"] == "T01"
    refused(pc.call("GET", "tindakan/kdTkp/20/1/10"), 201)


def test_referral_hospitals_of_a_subspecialty(clinic):
    w, pc = clinic.world, clinic.pcare
    _load_lists(clinic.engine)
    day = w.today.strftime("%d-%m-%Y")
    # no hospital has told jkn it runs internal medicine yet
    refused(pc.call("GET", f"spesialis/rujuk/subspesialis/26/sarana/1/tglEstRujuk/{day}"), 201)
    with session_factory(clinic.engine)() as s:
        facilities.add_staff(s, w.rsud, actor=SYSTEM, name="dr. Ani, Sp.PD", role="SPECIALIST", poli_code="INT")
    found = ok(pc.call("GET", f"spesialis/rujuk/subspesialis/26/sarana/1/tglEstRujuk/{day}"))
    assert [h["kdppk"] for h in found["list"]] == [w.rsud] and found["list"][0]["nmppk"] == "RSUD KOTA BANDUNG"
    assert found["list"][0]["distance"] is None
    refused(pc.call("GET", f"spesialis/rujuk/subspesialis/99/sarana/1/tglEstRujuk/{day}"), 201)  # no kdPoliRujuk
    # special referrals: the khusus code's clinic, or the sub-specialty named; the participant's cover counts
    special = ok(pc.call("GET", f"spesialis/rujuk/khusus/HDL/noKartu/{w.active}/tglEstRujuk/{day}"))
    assert [h["kdppk"] for h in special["list"]] == [w.rsud]
    both = ok(pc.call("GET", f"spesialis/rujuk/khusus/THA/subspesialis/26/noKartu/{w.active}/tglEstRujuk/{day}"))
    assert [h["kdppk"] for h in both["list"]] == [w.rsud]
    refused(pc.call("GET", f"spesialis/rujuk/khusus/THA/noKartu/{w.active}/tglEstRujuk/{day}"), 201, "THA")
    refused(pc.call("GET", f"spesialis/rujuk/khusus/XYZ/noKartu/{w.active}/tglEstRujuk/{day}"), 201, "XYZ")
    refused(pc.call("GET", f"spesialis/rujuk/khusus/HDL/noKartu/{w.suspended}/tglEstRujuk/{day}"), 201, w.suspended)
    refused(pc.call("GET", f"spesialis/rujuk/khusus/HDL/noKartu/{w.active}/tglEstRujuk/31-02-2026"), 400)
    with session_factory(clinic.engine)() as s:
        for row in s.query(FacilityStaffRow).filter_by(facility_code=w.rsud, poli_code="INT"):
            s.delete(row)
        s.commit()


def test_pendaftaran_kunjungan_obat_tindakan(clinic):
    w, pc, engine = clinic.world, clinic.pcare, clinic.engine
    _load_lists(engine)
    today = w.today.strftime("%d-%m-%Y")
    reg = {"kdProviderPeserta": w.fktp, "tglDaftar": today, "noKartu": w.active, "kdPoli": "ANA", "keluhan": "demam",
           "kunjSakit": True, "sistole": 110, "diastole": 70, "beratBadan": 20, "tinggiBadan": 110, "respRate": 22,
           "lingkarPerut": 50, "heartRate": 96, "rujukBalik": 0, "kdTkp": "10"}
    number = ok(pc.call("POST", "pendaftaran", reg))
    assert number["field"] == "noUrut" and number["message"].isdigit()
    # refusals write nothing: the same clinic twice, another clinic's participant, suspended cover, a bad clinic
    before = count(engine, FktpRegistrationRow)
    refused(pc.call("POST", "pendaftaran", reg), 201, f"nomor antrean {number['message']}")
    refused(pc.call("POST", "pendaftaran", {**reg, "noKartu": w.other}), 201, "terdaftar di FKTP")
    refused(pc.call("POST", "pendaftaran", {**reg, "noKartu": w.suspended}), 201, w.suspended)
    refused(pc.call("POST", "pendaftaran", {**reg, "kdPoli": "XXX"}), 400)
    refused(pc.call("POST", "pendaftaran", {**reg, "kdTkp": "99"}), 400)
    assert count(engine, FktpRegistrationRow) == before
    day = ok(pc.call("GET", f"pendaftaran/tglDaftar/{today}/1/50"))
    mine = next(r for r in day["list"] if r["noUrut"] == number["message"])
    assert mine["peserta"]["noKartu"] == w.active and mine["poli"]["kdPoli"] == "ANA" and mine["sistole"] == 110
    assert mine["status"] == "Menunggu" and mine["tkp"] == {"kdTkp": "10", "nmTkp": "RJTP"}
    assert ok(pc.call("GET", f"pendaftaran/noUrut/{number['message']}/tglDaftar/{today}"))["keluhan"] == "demam"
    refused(PCare(clinic, w.fktp2_v2).call("GET", f"pendaftaran/noUrut/{number['message']}/tglDaftar/{today}"), 401)

    # the visit serves the registration; a code outside a loaded list is refused
    visit = {"noKunjungan": None, "noKartu": w.active, "tglDaftar": today, "kdPoli": "ANA", "keluhan": "demam 3 hari",
             "kdSadar": "01", "sistole": 110, "diastole": 70, "beratBadan": 20, "tinggiBadan": 110, "respRate": 22,
             "heartRate": 96, "lingkarPerut": 50, "kdStatusPulang": "3", "tglPulang": today, "kdDokter": "128",
             "kdDiag1": "A09", "kdDiag2": "R50", "kdDiag3": None, "kdPoliRujukInternal": None, "rujukLanjut": None,
             "kdTacc": -1, "alasanTacc": None, "terapiObat": "parasetamol", "kdPrognosa": "01", "suhu": "38,5"}
    refused(pc.call("POST", "kunjungan/V1", {**visit, "kdSadar": "09"}), 400, "09")
    no = ok(pc.call("POST", "kunjungan/V1", visit))["message"]
    assert ok(pc.call("GET", f"pendaftaran/noUrut/{number['message']}/tglDaftar/{today}"))["status"] == "Sudah dilayani"
    shown = next(v for v in ok(pc.call("GET", f"kunjungan/peserta/{w.active}"))["list"] if v["noKunjungan"] == no)
    assert shown["diagnosa2"] == {"kdDiag": "R50"} and shown["suhu"] == 38.5 and shown["terapi"] == "parasetamol"
    assert shown["statusPulang"] == {"kdStatusPulang": "3", "nmStatusPulang": "Berobat Jalan"}
    ok(pc.call("PUT", "kunjungan/V1", {**visit, "noKunjungan": no, "keluhan": "demam 4 hari", "sistole": 120}))
    shown = next(v for v in ok(pc.call("GET", f"kunjungan/peserta/{w.active}"))["list"] if v["noKunjungan"] == no)
    assert shown["keluhan"] == "demam 4 hari" and shown["sistole"] == 120
    refused(PCare(clinic, w.fktp2_v2).call("PUT", "kunjungan", {**visit, "noKunjungan": no}), 401)

    # drugs: a DPHO drug by code, another by name; a DPHO code outside the loaded list is refused
    drug = {"kdObatSK": 0, "noKunjungan": no, "racikan": False, "kdRacikan": None, "obatDPHO": True,
            "kdObat": "120102", "signa1": 3, "signa2": 1, "jmlObat": 10, "jmlPermintaan": 10, "nmObatNonDPHO": None}
    added = ok(pc.call("POST", "obat/kunjungan", drug))
    assert added[0]["field"] == "kdObatSK" and added[0]["message"].isdigit()
    ok(pc.call("POST", "obat/kunjungan", {**drug, "obatDPHO": False, "kdObat": None, "nmObatNonDPHO": "Oralit"}))
    before = count(engine, VisitDrugRow)
    refused(pc.call("POST", "obat/kunjungan", {**drug, "kdObat": "999999"}), 400)
    refused(pc.call("POST", "obat/kunjungan", {**drug, "jmlObat": 0}), 400)
    refused(pc.call("POST", "obat/kunjungan", {**drug, "noKunjungan": "999999"}), 201)
    assert count(engine, VisitDrugRow) == before
    drugs = ok(pc.call("GET", f"obat/kunjungan/{no}"))
    assert [d["obat"]["nmObat"] for d in drugs["list"]] == ["Parasetamol tab 500 mg", "Oralit"]
    ok(pc.call("DELETE", f"obat/{added[0]['message']}/kunjungan/{no}"))
    assert ok(pc.call("GET", f"obat/kunjungan/{no}"))["count"] == 1
    refused(pc.call("DELETE", f"obat/{added[0]['message']}/kunjungan/{no}"), 201)

    # procedures
    t = ok(pc.call("POST", "tindakan", {"kdTindakanSK": 0, "noKunjungan": no, "kdTindakan": "T01", "biaya": 75000,
                                        "keterangan": "abses lengan", "hasil": 0}))
    assert t["field"] == "kdTindakanSK"
    refused(pc.call("POST", "tindakan", {"noKunjungan": no, "kdTindakan": "ZZZ", "biaya": 1}), 400)
    refused(pc.call("POST", "tindakan", {"noKunjungan": no, "kdTindakan": "T01", "biaya": -5}), 400)
    # a result longer than kept is refused, not cut (A-S16): the one procedure stays the only one
    refused(pc.call("POST", "tindakan", {"noKunjungan": no, "kdTindakan": "T01", "hasil": "9" * 41}), 400,
            "Hasil tindakan terlalu panjang: 41 karakter, paling banyak 40")
    listed = ok(pc.call("GET", f"tindakan/kunjungan/{no}"))
    assert listed["count"] == 1 and listed["list"][0] == {"kdTindakanSK": int(t["message"]), "kdTindakan": "T01", "nmTindakan": "Insisi abses",
                                 "biaya": 75000, "keterangan": "abses lengan", "hasil": "0"}
    # a procedure corrected in place; a bad code, another visit's number or clinic change nothing
    fixed = {"kdTindakanSK": int(t["message"]), "noKunjungan": no, "kdTindakan": "T01", "biaya": 80000,
             "keterangan": "abses lengan kiri", "hasil": 1}
    assert ok(pc.call("PUT", "tindakan", fixed)) == {"field": "kdTindakanSK", "message": t["message"]}
    refused(pc.call("PUT", "tindakan", {**fixed, "kdTindakan": "ZZZ", "biaya": 1}), 400)
    refused(pc.call("PUT", "tindakan", {**fixed, "kdTindakanSK": 999999, "biaya": 1}), 201)
    refused(PCare(clinic, w.fktp2_v2).call("PUT", "tindakan", {**fixed, "biaya": 1}), 401)
    assert ok(pc.call("GET", f"tindakan/kunjungan/{no}"))["list"] == [
        {"kdTindakanSK": int(t["message"]), "kdTindakan": "T01", "nmTindakan": "Insisi abses", "biaya": 80000,
         "keterangan": "abses lengan kiri", "hasil": "1"}]
    ok(pc.call("DELETE", f"tindakan/{t['message']}/kunjungan/{no}"))
    assert count(engine, VisitProcedureRow) == 0

    # delete: the visit goes from the lists; a registration is deleted by its number
    ok(pc.call("DELETE", f"kunjungan/{no}"))
    left = pc.call("GET", f"kunjungan/peserta/{w.active}")[1]["response"] or {"list": []}
    assert no not in [v["noKunjungan"] for v in left["list"]]
    refused(pc.call("DELETE", f"kunjungan/{no}"), 201)
    second = ok(pc.call("POST", "pendaftaran", {**reg, "kdPoli": "INT"}))["message"]
    ok(pc.call("DELETE", f"pendaftaran/peserta/{w.active}/tglDaftar/{today}/noUrut/{second}/kdPoli/INT"))
    assert ok(pc.call("GET", f"pendaftaran/noUrut/{second}/tglDaftar/{today}"))["status"] == "Dibatalkan"
    refused(pc.call("DELETE", f"pendaftaran/peserta/{w.active}/tglDaftar/{today}/noUrut/{second}/kdPoli/INT"), 400)


def test_prolanis_clubs_activities_members_and_mcu(clinic):
    from jkn.services.care import prolanis

    w, pc = clinic.world, clinic.pcare
    today = w.today.strftime("%d-%m-%Y")
    refused(pc.call("GET", "kelompok/club/01"), 201)
    with session_factory(clinic.engine)() as s:
        club = prolanis.add_club(s, w.fktp, actor=SYSTEM, group="01", name="Klub DM Sukajadi", start_date=w.today,
                                 leader_name="Pak Asep", leader_phone="0811")
        prolanis.add_club(s, w.fktp2, actor=SYSTEM, group="01", name="Klub Tetangga", start_date=w.today)
    clubs = ok(pc.call("GET", "kelompok/club/01"))
    assert [c["nama"] for c in clubs["list"]] == ["Klub DM Sukajadi"] and clubs["list"][0]["ketua_nama"] == "Pak Asep"
    refused(pc.call("GET", "kelompok/club/02"), 201)
    refused(pc.call("GET", "kelompok/club/07"), 400)

    activity = {"eduId": None, "clubId": club["id"], "tglPelayanan": today, "kdKegiatan": "11", "kdKelompok": "01",
                "materi": "Diet diabetes", "pembicara": "dr. Rina", "lokasi": "Aula", "keterangan": "", "biaya": 0}
    refused(pc.call("POST", "kelompok/kegiatan", {**activity, "kdKegiatan": "05"}), 400)
    refused(pc.call("POST", "kelompok/kegiatan", {**activity, "kdKelompok": "02"}), 400)
    refused(pc.call("POST", "kelompok/kegiatan", {**activity, "clubId": club["id"] + 1}), 201)  # another clinic's
    edu = ok(pc.call("POST", "kelompok/kegiatan", activity))["message"]
    shown = ok(pc.call("GET", f"kelompok/kegiatan/{today}"))["list"]
    assert shown[0]["eduId"] == edu and shown[0]["kegiatan"] == {"kode": "11", "nama": "Penyuluhan dan Senam"}
    ok(pc.call("POST", "kelompok/peserta", {"eduId": edu, "noKartu": w.active}))
    refused(pc.call("POST", "kelompok/peserta", {"eduId": edu, "noKartu": w.active}), 201, w.active)
    refused(pc.call("POST", "kelompok/peserta", {"eduId": edu, "noKartu": w.other}), 400, "terdaftar di FKTP")
    assert [m["peserta"]["noKartu"] for m in ok(pc.call("GET", f"kelompok/peserta/{edu}"))["list"]] == [w.active]
    ok(pc.call("DELETE", f"kelompok/peserta/{edu}/{w.active}"))
    refused(pc.call("GET", f"kelompok/peserta/{edu}"), 201)
    ok(pc.call("DELETE", f"kelompok/kegiatan/{edu}"))
    refused(pc.call("GET", f"kelompok/kegiatan/{today}"), 201)

    # MCU on a visit of this clinic
    no = ok(pc.call("POST", "kunjungan", {"noKartu": w.active, "tglDaftar": today, "kdPoli": "INT",
                                          "kdDiag1": "Z00", "kdTkp": "10"}))["message"]
    check = {"kdMCU": 0, "noKunjungan": no, "kdProvider": w.fktp, "tglPelayanan": today, "tekananDarahSistole": 120,
             "tekananDarahDiastole": 80, "gulaDarahPuasa": 95, "radiologiFoto": "normal"}
    refused(pc.call("POST", "MCU", {**check, "gulaDarahPuasa": {"nested": 1}}), 400)
    kd = ok(pc.call("POST", "MCU", check))["message"]
    assert ok(pc.call("GET", f"MCU/kunjungan/{no}"))["list"][0]["gulaDarahPuasa"] == 95
    ok(pc.call("PUT", "MCU", {**check, "kdMCU": kd, "gulaDarahPuasa": 130}))
    assert ok(pc.call("GET", f"MCU/kunjungan/{no}"))["list"][0]["gulaDarahPuasa"] == 130
    refused(PCare(clinic, w.fktp2_v2).call("GET", f"MCU/kunjungan/{no}"), 401)
    ok(pc.call("DELETE", f"MCU/{kd}/kunjungan/{no}"))
    refused(pc.call("GET", f"MCU/kunjungan/{no}"), 201)
