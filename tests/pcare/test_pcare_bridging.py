"""P-Care at /pcare-rest driven over HTTP by a small client written here from the public protocol
(BPJS signature, user key, ``X-Authorization: Basic base64(user:password:kdAplikasi)``, AES-256-CBC
+ LZ-string answers), against ``jkn serve`` on SQLite and PostgreSQL (docs/pcare.md)."""

from __future__ import annotations

import base64
import datetime as dt
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
from jkn.store.care_tables import ReferralRow, VisitRow
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
    refused(PCare(clinic, w.rs_v2).call("GET", path), 401, "P-Care is for clinics")
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
