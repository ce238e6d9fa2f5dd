"""The /vclaim-rest API driven by the UNMODIFIED ``bpjs-bridging`` client against ``jkn serve``
started as a subprocess on loopback, on SQLite and on PostgreSQL (shared/docs/vclaim-protocol.md).

Covers every endpoint of issue #5, bad credentials, replays, unknown cards, malformed input and
the care rules' refusals (each answered in the envelope, nothing written). A second, independent
decryptor (Node's crypto + npm lz-string) reads the server's v2.0 answers too.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from bpjs import Bridging
from support.care_world import JknServe, build_world, count
from support.databases import BACKENDS, truncate_business_tables

from jkn.services.care import facilities, sep_requests, vclaim_consumers
from jkn.services.portal.audit import SYSTEM
from jkn.store.care_tables import ControlLetterRow, ReferralRow, SepRequestRow, SepRow
from jkn.store.engine import session_factory
from jkn.bridging.core.crypto import decrypt_response, signature

NODE_DIR = Path(__file__).parent / "node"


@pytest.fixture(scope="module", params=BACKENDS)
def bridge(request, _prepared):
    url, engine = _prepared(request.param)
    truncate_business_tables(engine)
    world = build_world(engine)
    with JknServe(url, env={"JKN_VCLAIM_MAX_SKEW": "300", "JKN_VCLAIM_CONSUMER_CACHE": "0"}) as srv:
        srv.world, srv.engine, srv.backend = world, engine, request.param
        yield srv
    truncate_business_tables(engine)


def client(srv, cred: dict, service: str = "vclaim", base: str = "/vclaim-rest", **override) -> Bridging:
    cfg = {"host": srv.url + base, "consid": cred["cons_id"], "secret": cred["secret"],
           "user_key": cred.get("user_key")}
    cfg.update(override)
    desk = Bridging(cfg, service)
    _DESKS[desk.consid] = (srv, cred, service, base, override)
    return desk


_DESKS: dict[str, tuple] = {}  # consid -> (server, credentials, client arguments)
_SIBLINGS: dict[str, list[Bridging]] = {}  # consid -> other consumers of the same facility
_LAST_WRITE: dict[str, int] = {}  # consid -> the second of its last write (at the latest)


def _sibling(c: Bridging, second: int) -> Bridging:
    """A consumer of the same facility and version that has not written in ``second``."""
    siblings = _SIBLINGS.setdefault(c.consid, [])
    for other in siblings:
        if _LAST_WRITE.get(other.consid) != second:
            return other
    srv, cred, service, base, override = _DESKS[c.consid]
    with session_factory(srv.engine)() as s:
        new = vclaim_consumers.create_consumer(s, cred["facility_code"], api_version=cred["api_version"], actor=SYSTEM)
    siblings.append(client(srv, new, service, base, **override))
    return siblings[-1]


def send(c: Bridging, path: str, method: str, body) -> dict:
    """A write by the unmodified client. The server answers one request per signed header
    (assumption A-C16) and the signature covers only cons-id and the second, so a write that would
    share its second with the consumer's last one goes through another consumer of its facility."""
    second = int(time.time())
    if _LAST_WRITE.get(c.consid) == second:
        c = _sibling(c, second)
    try:
        return c.request(path, method, body)
    finally:
        _LAST_WRITE[c.consid] = int(time.time())


def ok(res: dict):
    assert res["metaData"]["code"] == "200", res
    return res["response"]


def refused(res: dict, code: str = "201", contains: str = "") -> str:
    assert res["metaData"]["code"] == code, res
    assert res["response"] is None
    assert contains.lower() in res["metaData"]["message"].lower(), res
    return res["metaData"]["message"]


def t_sep(w, card: str, day: dt.date, **kw) -> dict:
    base = {"noKartu": card, "tglSep": str(day), "ppkPelayanan": w.rsud, "jnsPelayanan": "2",
            "klsRawat": {"klsRawatHak": "", "klsRawatNaik": "", "pembiayaan": "", "penanggungJawab": ""},
            "noMR": "MR-001", "rujukan": {"asalRujukan": "1", "tglRujukan": "", "noRujukan": "", "ppkRujukan": ""},
            "catatan": "test", "diagAwal": "I10", "poli": {"tujuan": "INT", "eksekutif": "0"}, "cob": {"cob": "0"},
            "katarak": {"katarak": "0"}, "jaminan": {"lakaLantas": "0"}, "tujuanKunj": "0", "flagProcedure": "",
            "kdPenunjang": "", "assesmentPel": "", "skdp": {"noSurat": "", "kodeDPJP": ""}, "dpjpLayan": "",
            "noTelp": "08123456789", "user": "Coba Ws"}
    for k, v in kw.items():
        base[k] = v
    return {"request": {"t_sep": base}}


def referral(srv, card: str, day: dt.date, poli: str = "INT", dx: str = "I10") -> str:
    w = srv.world
    fk = client(srv, w.fktp2_v2 if card == w.other else w.fktp_v2)
    res = send(fk, "Rujukan/2.0/insert", "post", {"request": {"t_rujukan": {
        "noKartu": card, "tglRujukan": day.isoformat(), "tglRencanaKunjungan": day.isoformat(),
        "ppkDirujuk": w.rsud, "jnsPelayanan": "2", "catatan": "rujukan", "diagRujukan": dx, "tipeRujukan": "0",
        "poliRujukan": poli, "user": "dr. Puskesmas"}}})
    return ok(res)["rujukan"]["noRujukan"]


# --- authentication --------------------------------------------------------------------

def test_peserta_by_card_and_nik(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    p = ok(rs.request(f"Peserta/nokartu/{w.active}/tglSEP/{w.today}"))["peserta"]
    assert p["noKartu"] == w.active and p["nik"] == w.active_nik and p["nama"] == "SITI AMINAH"
    assert p["hakKelas"] == {"keterangan": "KELAS II", "kode": "2"}
    assert p["statusPeserta"] == {"keterangan": "AKTIF", "kode": "0"}
    assert p["provUmum"] == {"kdProvider": w.fktp, "nmProvider": "PUSKESMAS SUKAJADI"}
    assert p["sex"] == "P" and p["tglLahir"] == "1990-01-05" and p["umur"]["umurSaatPelayanan"].endswith("hari")
    for key in ("cob", "informasi", "jenisPeserta", "mr", "pisa", "tglCetakKartu", "tglTAT", "tglTMT"):
        assert key in p
    by_nik = ok(rs.request(f"Peserta/nik/{w.active_nik}/tglSEP/{w.today}"))["peserta"]
    assert by_nik == p


def test_suspended_and_ended_participants_are_shown_not_active(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    s = ok(rs.request(f"Peserta/nokartu/{w.suspended}/tglSEP/{w.today}"))["peserta"]
    assert s["statusPeserta"]["kode"] != "0" and "PENGHENTIAN SEMENTARA" in s["statusPeserta"]["keterangan"]
    e = ok(rs.request(f"Peserta/nokartu/{w.ended}/tglSEP/{w.today}"))["peserta"]
    assert e["statusPeserta"]["kode"] != "0"


def test_unknown_card_nik_and_malformed_input(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    refused(rs.request(f"Peserta/nokartu/0009999999999/tglSEP/{w.today}"), "201", "Tidak ada Peserta")
    refused(rs.request(f"Peserta/nik/3273010101010009/tglSEP/{w.today}"), "201", "Tidak ada Peserta")
    refused(rs.request(f"Peserta/nokartu/{w.active}/tglSEP/2024-13-45"), "400", "tglSEP")
    refused(rs.request(f"Peserta/nokartu/{w.active}/tglSEP/23-11-2026"), "400", "YYYY-MM-DD")
    refused(rs.request(f"Peserta/nokartu/12345/tglSEP/{w.today}"), "400", "13 digit")
    refused(rs.request(f"Peserta/nik/12ab/tglSEP/{w.today}"), "400", "16 digit")


def test_wrong_secret_unknown_consumer_and_missing_user_key(bridge):
    w = bridge.world
    path = f"Peserta/nokartu/{w.active}/tglSEP/{w.today}"
    forged = client(bridge, w.rs_v2, secret="not-the-secret")
    refused(forged.request(path), "401", "unauthorized")
    nobody = client(bridge, {"cons_id": "99999999", "secret": "whatever1", "user_key": "x"})
    refused(nobody.request(path), "401", "unauthorized")
    no_key = client(bridge, w.rs_v2, user_key=None)
    refused(no_key.request(path), "401", "user_key")
    wrong_key = client(bridge, w.rs_v2, user_key="0" * 32)
    refused(wrong_key.request(path), "401", "user_key")


def test_unauthenticated_callers_learn_nothing_about_cards(bridge):
    w = bridge.world
    forged = client(bridge, w.rs_v2, secret="not-the-secret")
    known = httpx.get(f"{bridge.url}/vclaim-rest/Peserta/nokartu/{w.active}/tglSEP/{w.today}",
                      headers=forged._headers(forged._timestamp()))
    unknown = httpx.get(f"{bridge.url}/vclaim-rest/Peserta/nokartu/0009999999999/tglSEP/{w.today}",
                        headers=forged._headers(forged._timestamp()))
    bad_path = httpx.get(f"{bridge.url}/vclaim-rest/no/such/path", headers=forged._headers(forged._timestamp()))
    assert known.status_code == unknown.status_code == bad_path.status_code == 401
    assert known.content == unknown.content == bad_path.content
    assert known.json() == {"metaData": {"code": "401", "message": known.json()["metaData"]["message"]},
                            "response": None}


def test_replayed_old_request_is_refused(bridge):
    """A captured request replayed after the skew window: the signature is genuine but stale."""
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    old = str(int(time.time()) - 3600)
    headers = rs._headers(old)
    r = httpx.get(f"{bridge.url}/vclaim-rest/Peserta/nokartu/{w.active}/tglSEP/{w.today}", headers=headers)
    assert r.status_code == 401 and r.json()["response"] is None
    assert "old" in r.json()["metaData"]["message"]
    future = rs._headers(str(int(time.time()) + 3600))
    r = httpx.get(f"{bridge.url}/vclaim-rest/Peserta/nokartu/{w.active}/tglSEP/{w.today}", headers=future)
    assert r.status_code == 401 and "ahead" in r.json()["metaData"]["message"]


def test_paths_any_case_double_slashes_and_unknown_paths(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    assert ok(rs.request(f"peserta/NOKARTU/{w.active}/tglsep/{w.today}"))["peserta"]["noKartu"] == w.active
    assert ok(rs.request(f"Peserta//nokartu//{w.active}/tglSEP/{w.today}"))["peserta"]["noKartu"] == w.active
    upper = client(bridge, w.rs_v2, base="/VCLAIM-REST")
    assert ok(upper.request("REFERENSI/propinsi"))["list"]
    slashed = client(bridge, w.rs_v2, base="//vclaim-rest//")
    assert ok(slashed.request("referensi/poli/INT"))["poli"][0]["kode"] == "INT"
    res = rs.request("no/such/service")
    assert res["metaData"]["code"] == 404  # the client's own reading of HTTP 404
    r = httpx.get(f"{bridge.url}/vclaim-rest/no/such/service", headers=rs._headers(rs._timestamp()))
    assert r.status_code == 404 and r.json()["metaData"]["code"] == "404"
    r = httpx.get(f"{bridge.url}/vclaim-rest/Peserta/nokartu/{w.active}/tglSEP/{w.today}/",
                  headers={**rs._headers(rs._timestamp()), "user_key": w.rs_v2["user_key"]}, follow_redirects=False)
    assert r.status_code == 200  # a trailing slash is tolerated, never redirected


def test_development_base_path_is_an_alias(bridge):
    """A SIMRS configured for BPJS's development server (``/vclaim-rest-dev``) works unchanged."""
    w = bridge.world
    dev = client(bridge, w.rs_v2, base="/vclaim-rest-dev")
    assert ok(dev.request(f"Peserta/nokartu/{w.active}/tglSEP/{w.today}"))["peserta"]["noKartu"] == w.active
    r = httpx.get(f"{bridge.url}/vclaim-rest-dev", headers=dev._headers(dev._timestamp()))
    assert r.status_code == 404 and r.json() == {"metaData": {"code": "404", "message": "URL tidak ditemukan"},
                                                 "response": None}
    r = httpx.get(f"{bridge.url}/vclaim-rest-devx/referensi/propinsi", headers=dev._headers(dev._timestamp()))
    assert r.status_code == 404 and "metaData" not in r.text  # not a bridging path: the app's own 404


def test_jkn_serve_runs_on_uvloop_and_httptools(bridge):
    """``jkn serve`` has loaded uvloop's event loop and httptools' parser (issue #13: the framework's
    fast path); ``/health`` is answered by the front, with the security headers."""
    maps = Path(f"/proc/{bridge.proc.pid}/maps").read_text()
    assert "/uvloop/loop." in maps and "/httptools/parser/" in maps
    r = httpx.get(bridge.url + "/health")
    assert r.json() == {"status": "ok"} and r.headers["x-content-type-options"] == "nosniff"


def test_version_1_1_consumer_gets_plain_answers(bridge):
    w = bridge.world
    old = client(bridge, w.rs_v11, service="aplicare")  # the client's plain, no-user_key mode
    p = ok(old.request(f"Peserta/nokartu/{w.active}/tglSEP/{w.today}"))["peserta"]
    assert p["noKartu"] == w.active
    ts = str(int(time.time()))
    r = httpx.get(f"{bridge.url}/vclaim-rest/referensi/poli/INT", headers={
        "X-cons-id": w.rs_v11["cons_id"], "X-timestamp": ts, "X-signature": signature(w.rs_v11["cons_id"],
                                                                                      w.rs_v11["secret"], ts)})
    assert r.json()["response"]["poli"][0]["kode"] == "INT"


# --- referensi -------------------------------------------------------------------------

def test_referensi(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    dx = ok(rs.request("referensi/diagnosa/A09"))["diagnosa"]
    assert {"kode": "A09", "nama": "A09 - Other gastroenteritis and colitis of infectious and unspecified origin"} in dx
    assert ok(rs.request("referensi/diagnosa/hypertension"))["diagnosa"]
    refused(rs.request("referensi/diagnosa/zzzz-nothing"), "201")
    assert {"kode": "INT", "nama": "Penyakit Dalam"} in ok(rs.request("referensi/poli/dalam"))["poli"]
    fk1 = ok(rs.request("referensi/faskes/sukajadi/1"))["faskes"]
    assert fk1 == [{"kode": w.fktp, "nama": "PUSKESMAS SUKAJADI - KOTA BANDUNG"}]
    assert [f["kode"] for f in ok(rs.request("referensi/faskes/bandung/2"))["faskes"]] == [w.rsud]
    refused(rs.request("referensi/faskes/bandung/3"), "400")
    prov = ok(rs.request("referensi/propinsi"))["list"]
    assert {"kode": "32", "nama": "JAWA BARAT"} in prov and len(prov) >= 34
    kab = ok(rs.request("referensi/kabupaten/propinsi/32"))["list"]
    assert {"kode": "3273", "nama": "KOTA BANDUNG"} in kab


# --- referral, SEP, monitoring ------------------------------------------------------------

def test_referral_then_sep_then_update_lookup_monitoring_delete(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    no = referral(bridge, w.active, w.today)
    assert len(no) == 19 and no.startswith(w.fktp) and no[12] == "Y"
    r = ok(rs.request(f"Rujukan/{no}"))["rujukan"]
    assert r["noKunjungan"] == no and r["provPerujuk"] == {"kode": w.fktp, "nama": "PUSKESMAS SUKAJADI"}
    assert r["poliRujukan"] == {"kode": "INT", "nama": "Penyakit Dalam"} and r["diagnosa"]["kode"] == "I10"
    assert r["peserta"]["noKartu"] == w.active and r["pelayanan"] == {"kode": "2", "nama": "Rawat Jalan"}
    assert ok(rs.request(f"Rujukan/Peserta/{w.active}"))["rujukan"]["noKunjungan"] == no
    assert no in [x["noKunjungan"] for x in ok(rs.request(f"Rujukan/List/Peserta/{w.active}"))["rujukan"]]
    refused(rs.request(f"Rujukan/RS/{no}"), "201")  # an FKTP referral is not a hospital one

    body = t_sep(w, w.active, w.today, rujukan={"asalRujukan": "1", "tglRujukan": w.today.isoformat(),
                                                 "noRujukan": no, "ppkRujukan": w.fktp})
    s = ok(send(rs, "SEP/2.0/insert", "post", body))["sep"]
    no_sep = s["noSep"]
    assert len(no_sep) == 19 and no_sep == f"{w.rsud}{w.today:%m%y}V{no_sep[-6:]}"
    assert s["peserta"]["hakKelas"] == "Kelas 2" and s["jnsPelayanan"] == "R.Jalan" and s["noRujukan"] == no
    assert s["diagnosa"].startswith("I10 - ") and s["kdPoli"] == "INT"
    # the same visit again, signed again: refused, naming the SEP that covers it, and no second SEP
    before = count(bridge.engine, SepRow)
    assert no_sep in refused(send(rs, "SEP/2.0/insert", "post", body), "201", "sudah diterbitkan untuk kunjungan ini")
    assert count(bridge.engine, SepRow) == before

    d = ok(rs.request(f"SEP/{no_sep}"))
    assert d["noSep"] == no_sep and d["klsRawat"]["klsRawatHak"] == "2" and d["peserta"]["noKartu"] == w.active

    upd = send(rs, "SEP/2.0/update", "put", {"request": {"t_sep": {
        "noSep": no_sep, "klsRawat": {"klsRawatHak": "2"}, "noMR": "MR-777", "catatan": "diubah",
        "diagAwal": "E11", "poli": {"tujuan": "INT", "eksekutif": "0"}, "user": "Coba Ws"}}})
    assert upd == {"metaData": {"code": "200", "message": "OK"}, "response": no_sep}  # plain, as clients expect
    d = ok(rs.request(f"SEP/{no_sep}"))
    assert d["diagnosa"].startswith("E11") and d["catatan"] == "diubah" and d["peserta"]["noMr"] == "MR-777"
    refused(send(rs, "SEP/2.0/update", "put", {"request": {"t_sep": {"noSep": no_sep, "diagAwal": "Z41.1"}}}),
            "201", "estetik")

    kunj = ok(rs.request(f"Monitoring/Kunjungan/Tanggal/{w.today}/JnsPelayanan/2"))["sep"]
    assert no_sep in [k["noSep"] for k in kunj]
    hist = ok(rs.request(f"monitoring/HistoriPelayanan/NoKartu/{w.active}/tglMulai/{w.today - dt.timedelta(days=30)}"
                         f"/tglAkhir/{w.today}"))["histori"]
    assert [h["noSep"] for h in hist] == [no_sep] and hist[0]["ppkPelayanan"] == "RSUD KOTA BANDUNG"
    refused(rs.request(f"Monitoring/Kunjungan/Tanggal/{w.today}/JnsPelayanan/1"), "201")
    refused(rs.request(f"monitoring/HistoriPelayanan/NoKartu/{w.active}/tglMulai/{w.today}/tglAkhir/2020-01-01"),
            "400", "sebelum")

    dl = send(rs, "SEP/2.0/delete", "delete", {"request": {"t_sep": {"noSep": no_sep, "user": "Coba Ws"}}})
    assert dl == {"metaData": {"code": "200", "message": "OK"}, "response": no_sep}
    refused(rs.request(f"SEP/{no_sep}"), "201")
    refused(send(rs, "SEP/2.0/delete", "delete", {"request": {"t_sep": {"noSep": no_sep, "user": "x"}}}), "201")
    # input messages are worded as BPJS's servers word them, in Indonesian, with the envelope's code
    assert refused(send(rs, "SEP/2.0/delete", "delete", {"request": {"t_sep": {"user": "x"}}}), "400") == \
        "No.SEP Tidak Boleh Kosong"
    assert refused(rs.request("Rujukan/JumlahSEP/3/0301R0011117B000001"), "400").startswith("Jenis Rujukan Tidak Sesuai")


def test_sep_refusals_cite_the_guide_and_write_nothing(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    no = referral(bridge, w.other, w.today, poli="BED")
    ruj = {"asalRujukan": "1", "tglRujukan": w.today.isoformat(), "noRujukan": no, "ppkRujukan": w.fktp2}
    before = count(bridge.engine, SepRow)
    # no referral, no control letter, not an emergency
    m = refused(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, w.today, poli={"tujuan": "BED"}, diagAwal="K35")),
                "201")
    assert m == ("SEP tidak dapat diterbitkan: pelayanan di rumah sakit memerlukan surat rujukan dari FKTP atau "
                 "surat kontrol.")
    # cosmetic surgery, orthodontics, care abroad
    refused(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, w.today, rujukan=ruj, diagAwal="Z41.1",
                                                       poli={"tujuan": "BED"})), "201",
            "SEP tidak dapat diterbitkan: Pelayanan kesehatan untuk tujuan estetik")
    refused(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, w.today, rujukan=ruj, diagAwal="K07.2",
                                                       poli={"tujuan": "GOR"})), "201", "ortodonsi")
    refused(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, w.today, rujukan=ruj, diagAwal="K35",
                                                       poli={"tujuan": "BED"}, jkn={"pengecualian": ["ABROAD"]})),
            "201", "luar negeri")
    # a fourth child's delivery
    refused(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, w.today, rujukan=ruj, diagAwal="O80.0",
                                                       poli={"tujuan": "OBG"}, persalinan={"anakKe": "4"})),
            "201", "persalinan dijamin sampai dengan anak ketiga")
    # suspended and ended cover
    refused(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.suspended, w.today, poli={"tujuan": "IGD"})),
            "201", "NON AKTIF: PENGHENTIAN SEMENTARA")
    refused(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.ended, w.today, poli={"tujuan": "IGD"})), "201",
            "NON AKTIF")
    # class entitlement must be the participant's
    refused(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, w.today, rujukan=ruj, diagAwal="K35",
                                                       klsRawat={"klsRawatHak": "3"}, poli={"tujuan": "BED"})),
            "400", "bukan hak Peserta")
    # malformed body and dates
    refused(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, "2026-02-30", rujukan=ruj)), "400", "tglSep")
    r = httpx.post(f"{bridge.url}/vclaim-rest/SEP/2.0/insert", content=b"noKartu=1&x=2",
                   headers={**rs._headers(rs._timestamp()), "user_key": w.rs_v2["user_key"]})
    assert r.json()["metaData"] == {"code": "400", "message": "Request body must be JSON"}
    assert count(bridge.engine, SepRow) == before
    # the same referral, well used, works: delivery of the third child is covered
    s = ok(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, w.today, rujukan=ruj, diagAwal="O80.0",
                                                      poli={"tujuan": "OBG"}, persalinan={"anakKe": "3"})))["sep"]
    assert s["peserta"]["hakKelas"] == "Kelas 1"


def test_expired_referral_and_foreign_referral(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    old_day = w.today - dt.timedelta(days=120)
    no = referral(bridge, w.active, old_day, poli="MAT", dx="H25")
    ruj = {"asalRujukan": "1", "tglRujukan": old_day.isoformat(), "noRujukan": no, "ppkRujukan": w.fktp}
    refused(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.active, w.today, rujukan=ruj, diagAwal="H25",
                                                       poli={"tujuan": "MAT"})), "201",
            "SEP tidak dapat diterbitkan: Masa berlaku rujukan sudah habis: berlaku sampai ")
    # another participant's referral number
    refused(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, w.today, rujukan=ruj, diagAwal="H25",
                                                       poli={"tujuan": "MAT"})), "201", "Tidak ada rujukan")
    # an FKTP refers only its own registered participants
    fk = client(bridge, w.fktp_v2)
    refused(send(fk, "Rujukan/2.0/insert", "post", {"request": {"t_rujukan": {
        "noKartu": w.other, "tglRujukan": w.today.isoformat(), "ppkDirujuk": w.rsud, "jnsPelayanan": "2",
        "diagRujukan": "I10", "tipeRujukan": "0", "poliRujukan": "INT", "user": "x"}}}), "201", "rujukan dibuat oleh FKTP tempat peserta terdaftar")
    refused(send(fk, "Rujukan/2.0/insert", "post", {"request": {"t_rujukan": {
        "noKartu": w.active, "tglRujukan": "2026-99-01", "ppkDirujuk": w.rsud, "jnsPelayanan": "2",
        "diagRujukan": "I10", "tipeRujukan": "0", "poliRujukan": "INT", "user": "x"}}}), "400", "tglRujukan")
    refused(send(fk, "Rujukan/2.0/insert", "post", {"request": {"t_rujukan": {
        "noKartu": w.suspended, "tglRujukan": w.today.isoformat(), "ppkDirujuk": w.rsud, "jnsPelayanan": "2",
        "diagRujukan": "I10", "tipeRujukan": "0", "poliRujukan": "INT", "user": "x"}}}), "201", "PENGHENTIAN SEMENTARA")


def test_emergency_needs_no_letter_and_inpatient_control_letter_opens_next_sep(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    s = ok(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.active, w.today, jnsPelayanan="1",
                                                      poli={"tujuan": "IGD"}, diagAwal="I21")))["sep"]
    assert s["jnsPelayanan"] == "R.Inap" and s["kelasRawat"] == "2"
    plg = send(rs, "SEP/2.0/updtglplg", "put", {"request": {"t_sep": {
        "noSep": s["noSep"], "statusPulang": "1", "tglPulang": w.today.isoformat(), "user": "x"}}})
    assert plg["metaData"]["code"] == "200"
    ctl_day = w.today + dt.timedelta(days=7)
    k = ok(send(rs, "RencanaKontrol/v2/Insert", "post", {"request": {
        "noSEP": s["noSep"], "kodeDokter": "31574", "poliKontrol": "JAN", "tglRencanaKontrol": ctl_day.isoformat(),
        "user": "ws"}}))
    assert k["noSuratKontrol"][12] == "K" and k["noKartu"] == w.active and k["namaDiagnosa"].startswith("I21")
    assert ok(rs.request(f"RencanaKontrol/noSuratKontrol/{k['noSuratKontrol']}"))["noSep"] == s["noSep"]
    body = t_sep(w, w.active, ctl_day, poli={"tujuan": "JAN"}, diagAwal="I21",
                 skdp={"noSurat": k["noSuratKontrol"], "kodeDPJP": "31574"})
    nxt = ok(send(rs, "SEP/2.0/insert", "post", body))["sep"]
    assert nxt["noRujukan"] == k["noSuratKontrol"]
    late = t_sep(w, w.active, ctl_day + dt.timedelta(days=30), poli={"tujuan": "JAN"}, diagAwal="I21",
                 skdp={"noSurat": k["noSuratKontrol"], "kodeDPJP": "31574"})
    refused(send(rs, "SEP/2.0/insert", "post", late), "201", "SEP tidak dapat diterbitkan: Kontrol direncanakan")


def test_other_facilities_cannot_touch_an_sep(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    s = ok(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, w.today, poli={"tujuan": "IGD"},
                                                      diagAwal="S72")))["sep"]
    fk = client(bridge, w.fktp_v2)
    refused(send(fk, "SEP/2.0/delete", "delete", {"request": {"t_sep": {"noSep": s["noSep"], "user": "x"}}}), "201",
            f"Tidak ada SEP {s['noSep']}")  # as if it did not exist: another facility's SEP
    refused(send(fk, "SEP/2.0/insert", "post", t_sep(w, w.other, w.today, poli={"tujuan": "IGD"})), "400",
            "ppkPelayanan")
    with session_factory(bridge.engine)() as ses:
        assert ses.get(SepRow, s["noSep"]).deleted_at is None


def test_revoked_and_rotated_consumers_are_refused(bridge):
    w = bridge.world
    with session_factory(bridge.engine)() as s:
        cred = vclaim_consumers.create_consumer(s, w.rsud, label="short-lived", actor=SYSTEM)
    path = f"Peserta/nokartu/{w.active}/tglSEP/{w.today}"
    assert ok(client(bridge, cred).request(path))["peserta"]["noKartu"] == w.active
    with session_factory(bridge.engine)() as s:
        new = vclaim_consumers.rotate_credentials(s, cred["cons_id"], actor=SYSTEM)
    refused(client(bridge, cred).request(path), "401")
    assert ok(client(bridge, new).request(path))["peserta"]["noKartu"] == w.active
    with session_factory(bridge.engine)() as s:
        vclaim_consumers.revoke_consumer(s, cred["cons_id"], actor=SYSTEM)
    refused(client(bridge, new).request(path), "401", "unauthorized")


def test_bad_referral_input_writes_nothing(bridge):
    w = bridge.world
    fk = client(bridge, w.fktp_v2)
    before = count(bridge.engine, ReferralRow)
    base = {"noKartu": w.active, "tglRujukan": str(w.today), "ppkDirujuk": w.rsud, "jnsPelayanan": "2",
            "diagRujukan": "I10", "tipeRujukan": "0", "poliRujukan": "INT", "user": "x"}
    for change, code in (({"diagRujukan": "XYZ"}, "400"), ({"poliRujukan": "NOPE"}, "400"),
                         ({"jnsPelayanan": "9"}, "400"), ({"ppkDirujuk": w.fktp2}, "201"),
                         ({"ppkDirujuk": "0000X999"}, "201"), ({"noKartu": "0009999999999"}, "201")):
        refused(send(fk, "Rujukan/2.0/insert", "post", {"request": {"t_rujukan": {**base, **change}}}), code)
    refused(send(fk, "Rujukan/2.0/insert", "post", {"request": "nope"}), "400")
    assert count(bridge.engine, ReferralRow) == before


# --- a second, independent decryptor -------------------------------------------------------

def test_node_decrypts_the_servers_answers(bridge):
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "lz-string").exists():
        import os
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("node and tests/vclaim/node/node_modules are required in CI")
        pytest.skip("node or npm lz-string not installed")
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    ts = rs._timestamp()
    headers = rs._headers(ts)
    paths = [f"Peserta/nokartu/{w.active}/tglSEP/{w.today}", "referensi/diagnosa/O80", "referensi/propinsi"]
    cts = [httpx.get(f"{bridge.url}/vclaim-rest/{p}", headers=headers).json()["response"] for p in paths]
    req = {"consid": w.rs_v2["cons_id"], "secret": w.rs_v2["secret"], "timestamp": ts, "ciphertexts": cts}
    done = subprocess.run([node, str(NODE_DIR / "decrypt.js")], input=json.dumps(req), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    payloads = json.loads(done.stdout)["payloads"]
    assert payloads == [decrypt_response(c, w.rs_v2["cons_id"], w.rs_v2["secret"], ts) for c in cts]
    assert payloads[0]["peserta"]["noKartu"] == w.active


# --- the catalogue of issue #13: discharge, control letters, referrals out, counts ---------------

def _pybpjs(srv, cred: dict, path: str) -> dict:
    """A read by the unmodified ``pybpjs`` client (v2.0: it decrypts)."""
    from pybpjs import bpjs as pybpjs

    return pybpjs.bridging({"host": srv.url + "/vclaim-rest", "consid": cred["cons_id"], "secret": cred["secret"],
                            "user_key": cred["user_key"], "is_encrypt": 1}, path, "get")


def test_inpatient_stay_discharge_control_letter_update_list_delete(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    s = ok(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, w.today, jnsPelayanan="1", poli={"tujuan": "IGD"},
                                                      diagAwal="I21", noMR="MR-900")))["sep"]
    no_sep = s["noSep"]
    # sep/cbg: the INA-CBG grouper's look-up, answered plain (as ssecd/jkn reads it, skipDecrypt)
    r = httpx.get(f"{bridge.url}/vclaim-rest/sep/cbg/{no_sep}",
                  headers={**rs._headers(rs._timestamp()), "user_key": w.rs_v2["user_key"]})
    cbg = r.json()["response"]["pesertasep"]
    assert cbg["noKartuBpjs"] == w.other and cbg["noMr"] == "MR-900" and cbg["tktPelayanan"] == "1"
    # VClaim 1.1's discharge path (date and time), then the month's list, with and without a filter
    assert send(rs, "Sep/updtglplg", "put", {"request": {"t_sep": {
        "noSep": no_sep, "tglPlg": f"{w.today} 09:00:00", "ppkPelayanan": w.rsud}}}) == {
        "metaData": {"code": "200", "message": "OK"}, "response": None}
    month = f"Sep/updtglplg/list/bulan/{w.today:%m}/tahun/{w.today:%Y}"
    rows = ok(rs.request(month + "/"))["list"]
    assert {"noSep": no_sep, "tglPulang": str(w.today), "noKartu": w.other}.items() <= \
        next(x for x in rows if x["noSep"] == no_sep).items()
    assert [x["noSep"] for x in ok(_pybpjs(bridge, w.rs_v2, f"{month}/{w.other}"))["list"]] == [no_sep]
    refused(rs.request(f"{month}/nobody-by-this-name"), "201")
    refused(rs.request(f"Sep/updtglplg/list/bulan/13/tahun/{w.today:%Y}/"), "400", "bulan")

    ctl_day = w.today + dt.timedelta(days=7)
    k = ok(send(rs, "RencanaKontrol/v2/Insert", "post", {"request": {
        "noSEP": no_sep, "kodeDokter": "31574", "poliKontrol": "JAN", "tglRencanaKontrol": str(ctl_day),
        "user": "ws"}}))["noSuratKontrol"]
    for_control = ok(rs.request(f"RencanaKontrol/nosep/{no_sep}"))
    assert for_control["noSep"] == no_sep and for_control["peserta"]["noKartu"] == w.other
    assert for_control["provUmum"] == {"kdProvider": w.fktp2, "nmProvider": "KLINIK PRATAMA SEHAT"}
    moved = ctl_day + dt.timedelta(days=3)
    upd = ok(send(rs, "RencanaKontrol/v2/Update", "put", {"request": {
        "noSuratKontrol": k, "noSEP": no_sep, "kodeDokter": "31575", "poliKontrol": "INT",
        "tglRencanaKontrol": str(moved), "user": "ws"}}))
    assert upd["noSuratKontrol"] == k and upd["tglRencanaKontrol"] == str(moved) and upd["namaDiagnosa"].startswith("I21")
    looked = ok(rs.request(f"RencanaKontrol/noSuratKontrol/{k}"))
    assert looked["tglRencanaKontrol"] == str(moved) and looked["poliKontrol"] == "INT"
    # refused changes write nothing: before the stay ended, another SEP, an unknown letter
    refused(send(rs, "RencanaKontrol/Update", "put", {"request": {
        "noSuratKontrol": k, "noSEP": no_sep, "kodeDokter": "1", "poliKontrol": "INT",
        "tglRencanaKontrol": str(w.today - dt.timedelta(days=1)), "user": "ws"}}), "400", "sebelum rawat inap berakhir")
    refused(send(rs, "RencanaKontrol/Update", "put", {"request": {
        "noSuratKontrol": k[:-1] + ("9" if k[-1] != "9" else "8"), "poliKontrol": "INT",
        "tglRencanaKontrol": str(moved), "user": "ws"}}), "201")
    assert ok(rs.request(f"RencanaKontrol/noSuratKontrol/{k}"))["tglRencanaKontrol"] == str(moved)

    by_card = ok(rs.request(f"RencanaKontrol/ListRencanaKontrol/Bulan/{moved:%m}/Tahun/{moved:%Y}/Nokartu/{w.other}"
                            "/filter/2"))["list"]
    row = next(x for x in by_card if x["noSuratKontrol"] == k)
    assert row["noSepAsalKontrol"] == no_sep and row["poliTujuan"] == "INT" and row["terbitSEP"] == "Belum"
    assert row["tglTerbitKontrol"] == str(w.today) and row["jnsKontrol"] == "2"
    by_dates = ok(rs.request(f"RencanaKontrol/ListRencanaKontrol/tglAwal/{w.today}/tglAkhir/{w.today}/filter/1"))
    assert k in [x["noSuratKontrol"] for x in by_dates["list"]]
    refused(rs.request(f"RencanaKontrol/ListRencanaKontrol/tglAwal/{w.today}/tglAkhir/{w.today}/filter/3"), "400")
    refused(client(bridge, w.fktp_v2).request(f"RencanaKontrol/ListRencanaKontrol/tglAwal/{w.today}/tglAkhir/"
                                              f"{w.today}/filter/1"), "201")  # another facility sees none

    # a referral out from the stay: lookup, list, update, count, delete
    no = ok(send(rs, "Rujukan/2.0/insert", "post", {"request": {"t_rujukan": {
        "noSep": no_sep, "tglRujukan": str(w.today), "tglRencanaKunjungan": str(w.today), "ppkDirujuk": "",
        "jnsPelayanan": "2", "catatan": "kontrol", "diagRujukan": "I21", "tipeRujukan": "0", "poliRujukan": "JAN",
        "user": "ws"}}}))["rujukan"]["noRujukan"]
    out = ok(rs.request(f"Rujukan/Keluar/{no}"))["rujukan"]
    assert out["noSep"] == no_sep and out["noKartu"] == w.other and out["poliRujukan"] == "JAN"
    listed = ok(rs.request(f"Rujukan/Keluar/List/tglMulai/{w.today}/tglAkhir/{w.today}"))["list"]
    assert {"noRujukan": no, "noSep": no_sep, "noKartu": w.other}.items() <= \
        next(x for x in listed if x["noRujukan"] == no).items()
    assert send(rs, "Rujukan/2.0/Update", "put", {"request": {"t_rujukan": {
        "noRujukan": no, "tglRujukan": str(w.today), "tglRencanaKunjungan": str(w.today + dt.timedelta(days=2)),
        "ppkDirujuk": "", "jnsPelayanan": "2", "catatan": "diubah", "diagRujukan": "I21", "tipeRujukan": "0",
        "poliRujukan": "INT", "user": "ws"}}})["response"] == no
    out = ok(rs.request(f"Rujukan/Keluar/{no}"))["rujukan"]
    assert out["catatan"] == "diubah" and out["poliRujukan"] == "INT"
    assert out["tglRencanaKunjungan"] == str(w.today + dt.timedelta(days=2))
    refused(send(rs, "Rujukan/update", "put", {"request": {"t_rujukan": {"noRujukan": no, "poliRujukan": "NOPE"}}}),
            "400")
    assert ok(rs.request(f"Rujukan/JumlahSEP/2/{no}")) == {"jumlahSEP": "0"}
    refused(rs.request(f"Rujukan/lastsep/norujukan/{no}"), "201")
    refused(client(bridge, w.fktp_v2).request(f"Rujukan/Keluar/{no}"), "201")  # not the writer
    assert send(rs, "Rujukan/delete", "delete", {"request": {"t_rujukan": {"noRujukan": no, "user": "ws"}}})[
        "response"] == no
    refused(rs.request(f"Rujukan/Keluar/{no}"), "201")

    # the control letter withdrawn; then it is unknown
    assert send(rs, "RencanaKontrol/Delete", "delete", {"request": {"t_suratkontrol": {
        "noSuratKontrol": k, "user": "ws"}}})["metaData"]["code"] == "200"
    refused(rs.request(f"RencanaKontrol/noSuratKontrol/{k}"), "201")
    refused(send(rs, "RencanaKontrol/Delete", "delete", {"request": {"t_suratkontrol": {
        "noSuratKontrol": k, "user": "ws"}}}), "201")


def test_referral_counts_its_seps_and_names_the_last(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    no = referral(bridge, w.active, w.today, poli="MAT", dx="H10")
    assert _pybpjs(bridge, w.rs_v2, f"Rujukan/JumlahSEP/1/{no}")["response"] == {"jumlahSEP": "0"}
    body = t_sep(w, w.active, w.today, poli={"tujuan": "MAT", "eksekutif": "0"}, diagAwal="H10",
                 rujukan={"asalRujukan": "1", "tglRujukan": str(w.today), "noRujukan": no, "ppkRujukan": w.fktp})
    no_sep = ok(send(rs, "SEP/2.0/insert", "post", body))["sep"]["noSep"]
    assert ok(rs.request(f"Rujukan/JumlahSEP/1/{no}")) == {"jumlahSEP": "1"}
    last = ok(rs.request(f"Rujukan/lastsep/norujukan/{no}"))
    assert last["noSep"] == no_sep and last["noRujukan"] == no
    refused(rs.request(f"Rujukan/JumlahSEP/2/{no}"), "201")  # an FKTP referral is not a hospital one
    refused(rs.request(f"Rujukan/JumlahSEP/3/{no}"), "400")
    # a referral that opened an SEP is not the FKTP's to change any more
    fk = client(bridge, w.fktp_v2)
    refused(send(fk, "Rujukan/update", "put", {"request": {"t_rujukan": {"noRujukan": no, "catatan": "x"}}}),
            "400", "sudah dipakai untuk SEP")


def test_referensi_spesialistik_and_kelas_rawat(bridge):
    rs = client(bridge, bridge.world.rs_v2)
    assert {"kode": "INT", "nama": "Penyakit Dalam"} in ok(rs.request("referensi/spesialistik"))["list"]
    assert {"kode": "2", "nama": "VIP"} in ok(rs.request("referensi/kelasrawat"))["list"]


# --- SEP requests (backdate, fingerprint exception), their approval, fingerprints -------------

def _t_request(card: str, day: dt.date, kind: str | None = "1", service: str = "2", why: str = "Hari libur") -> dict:
    t = {"noKartu": card, "tglSep": str(day), "jnsPelayanan": service, "keterangan": why, "user": "Coba Ws"}
    if kind is not None:
        t["jnsPengajuan"] = kind
    return {"request": {"t_sep": t}}


def _other_hospital(srv) -> dict:
    """Credentials of a second partner hospital (made once per server)."""
    if not hasattr(srv, "other_hospital"):
        with session_factory(srv.engine)() as s:
            code = facilities.register_facility(s, name="RS MITRA LAIN", facility_type="RSU_SWASTA", kabkota_code="32.73",
                                                actor=SYSTEM)["code"]
        with session_factory(srv.engine)() as s:
            srv.other_hospital = vclaim_consumers.create_consumer(s, code, actor=SYSTEM)
    return srv.other_hospital


def _month_rows(c: Bridging, day: dt.date) -> list[dict]:
    res = c.request(f"Sep/persetujuanSEP/list/bulan/{day:%m}/tahun/{day:%Y}")
    return ok(res)["list"] if res["metaData"]["code"] == "200" else []


def test_backdate_and_fingerprint_requests_approvals_and_list(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    back = w.today - dt.timedelta(days=5)
    assert ok(send(rs, "Sep/pengajuanSEP", "post", _t_request(w.active, back))) == w.active
    assert ok(send(rs, "Sep/pengajuanSEP", "post", _t_request(w.active, w.today, kind="2", why="alat rusak"))) == w.active
    row = next(x for x in _month_rows(rs, back) if x["tglsep"] == str(back))
    assert row == {"noKartu": w.active, "nama": "SITI AMINAH", "tglsep": str(back), "jnspelayanan": "RJ",
                   "persetujuan": "Pengajuan", "status": "Tgl.SEP Backdate"}
    # refusals write nothing: the same request again, a bad kind, a future date, an unknown card, an FKTP
    before = count(bridge.engine, SepRequestRow)
    refused(send(rs, "Sep/pengajuanSEP", "post", _t_request(w.active, back)), "201", "sudah dibuat")
    refused(send(rs, "Sep/pengajuanSEP", "post", _t_request(w.active, back, kind="3")), "400", "jnsPengajuan")
    refused(send(rs, "Sep/pengajuanSEP", "post", _t_request(w.active, w.today + dt.timedelta(days=1))), "400", "masa depan")
    refused(send(rs, "Sep/pengajuanSEP", "post", _t_request(w.active, back, why="")), "400", "keterangan")
    refused(send(rs, "Sep/pengajuanSEP", "post", _t_request("0009999999999", back)), "201", "Tidak ada Peserta")
    refused(send(client(bridge, w.fktp_v2), "Sep/pengajuanSEP", "post", _t_request(w.active, back)), "400", "FKRTL")
    assert count(bridge.engine, SepRequestRow) == before
    # the facility approves a fingerprint exception; a backdate (the default kind) only the branch office
    refused(send(rs, "Sep/aprovalSEP", "post", _t_request(w.active, back, kind=None)), "201", "Kantor Cabang")
    refused(send(rs, "Sep/aprovalSEP", "post", _t_request(w.other, back)), "201", "Tidak ada pengajuan backdate")
    assert ok(send(rs, "Sep/aprovalSEP", "post", _t_request(w.active, w.today, kind="2", why="disetujui"))) == w.active
    refused(send(rs, "Sep/aprovalSEP", "post", _t_request(w.active, w.today, kind="2")), "201", "sudah disetujui")
    today_row = next(x for x in _month_rows(rs, w.today) if x["status"] == "Finger Print")
    assert today_row["persetujuan"] == "Disetujui"
    with session_factory(bridge.engine)() as s:
        pending = [r for r in sep_requests.requests_in_month(s, w.rsud, back.year, back.month, status="PENDING")
                   if r["sep_date"] == str(back)]
        assert len(pending) == 1
        sep_requests.approve_by_branch(s, pending[0]["id"], actor=SYSTEM, note="libur nasional")
    assert next(x for x in _month_rows(rs, back) if x["tglsep"] == str(back))["persetujuan"] == "Disetujui"
    # another facility sees none of them
    other = _other_hospital(bridge)
    assert all(x["noKartu"] != w.active for x in _month_rows(client(bridge, other), back))
    refused(rs.request("Sep/persetujuanSEP/list/bulan/13/tahun/2026"), "400", "bulan")


def test_fingerprint_status_and_list_answer_from_the_facility_records(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    day = w.today - dt.timedelta(days=2)
    path = f"SEP/FingerPrint/Peserta/{w.other}/TglPelayanan/{day}"
    assert ok(rs.request(path)) == {"kode": "0", "status": "Peserta belum melakukan validasi finger print"}
    refused(rs.request(f"SEP/FingerPrint/List/Peserta/TglPelayanan/{day}"), "201")
    with session_factory(bridge.engine)() as s:
        sep_requests.record_fingerprint(s, actor=SYSTEM, facility_code=w.rsud, card_number=w.other, service_date=day)
    assert ok(_pybpjs(bridge, w.rs_v2, path)) == {
        "kode": "1", "status": f"Peserta telah melakukan validasi finger print pada tanggal {day}"}
    assert ok(rs.request(f"SEP/FingerPrint/List/Peserta/TglPelayanan/{day}"))["list"] == [
        {"noKartu": w.other, "noSEP": None}]
    # the facility's SEP of that day is named; another facility's records are not its own
    no_sep = ok(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, day, jnsPelayanan="1", poli={"tujuan": "IGD"},
                                                           diagAwal="I21")))["sep"]["noSep"]
    assert ok(rs.request(f"SEP/FingerPrint/List/Peserta/TglPelayanan/{day}"))["list"] == [
        {"noKartu": w.other, "noSEP": no_sep}]
    other = _other_hospital(bridge)
    assert ok(client(bridge, other).request(path))["kode"] == "0"
    refused(rs.request(f"SEP/FingerPrint/Peserta/{w.other}/TglPelayanan/2026-02-30"), "400", "bukan tanggal kalender")
    refused(rs.request(f"SEP/FingerPrint/Peserta/0009999999999/TglPelayanan/{day}"), "201", "Tidak ada Peserta")


def test_referensi_cara_keluar_pasca_pulang_and_what_is_not_held(bridge):
    rs = client(bridge, bridge.world.rs_v2)
    assert ok(rs.request("referensi/carakeluar"))["list"] == [
        {"kode": "1", "nama": "Atas Persetujuan Dokter"}, {"kode": "2", "nama": "Dirujuk"},
        {"kode": "3", "nama": "Atas Permintaan Sendiri"}, {"kode": "4", "nama": "Meninggal"},
        {"kode": "5", "nama": "Lain-Lain"}]
    assert [x["nama"] for x in ok(_pybpjs(bridge, bridge.world.rs_v2, "referensi/pascapulang"))["list"]] == [
        "Sembuh", "Dirujuk", "Pulang Paksa", "Meninggal", "Lain-Lain"]
    # no kecamatan or ICD-9-CM list is held: said so, never made up
    refused(rs.request("referensi/kecamatan/kabupaten/3273"), "201", "no kecamatan list")
    refused(rs.request("referensi/procedure/appendectomy"), "201", "no ICD-9-CM")
    prb = ok(rs.request("referensi/diagnosaprb"))["list"]
    assert len(prb) == 9 and prb[0] == {"kode": "01", "nama": "Diabetes Mellitus"}
    assert prb[-1] == {"kode": "09", "nama": "Systemic Lupus Erythematosus"}
    refused(rs.request("referensi/obatprb/metformin"), "201", "no list")


# --- SPRI (surat perintah rawat inap) ----------------------------------------------------------

def test_spri_insert_update_lookup_list_and_the_inpatient_sep_it_opens(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    tomorrow = w.today + dt.timedelta(days=1)
    spri = ok(send(rs, "RencanaKontrol/InsertSPRI", "post", {"request": {
        "noKartu": w.active, "kodeDokter": "31574", "poliKontrol": "INT", "tglRencanaKontrol": str(tomorrow),
        "user": "ws"}}))
    no = spri["noSPRI"]
    assert spri == {"noSPRI": no, "tglRencanaKontrol": str(tomorrow), "namaDokter": None, "noKartu": w.active,
                    "nama": "SITI AMINAH", "kelamin": "Perempuan", "tglLahir": "1990-01-05", "namaDiagnosa": None}
    looked = ok(_pybpjs(bridge, w.rs_v2, f"RencanaKontrol/noSuratKontrol/{no}"))
    assert looked["jnsKontrol"] == "1" and looked["sep"] is None and looked["poliKontrol"] == "INT"
    row = next(x for x in ok(rs.request(f"RencanaKontrol/ListRencanaKontrol/Bulan/{tomorrow:%m}/Tahun/{tomorrow:%Y}"
                                        f"/Nokartu/{w.active}/filter/2"))["list"] if x["noSuratKontrol"] == no)
    assert row["jnsKontrol"] == "1" and row["namaJnsKontrol"] == "SPRI" and row["noSepAsalKontrol"] is None
    assert row["jnsPelayanan"] == "Rawat Inap" and row["terbitSEP"] == "Belum"
    # refusals write nothing
    before = count(bridge.engine, ControlLetterRow)
    spri_body = {"noKartu": w.active, "kodeDokter": "1", "poliKontrol": "INT", "tglRencanaKontrol": str(w.today)}
    refused(send(rs, "RencanaKontrol/InsertSPRI", "post", {"request": {**spri_body, "poliKontrol": "NOPE"}}), "400")
    refused(send(rs, "RencanaKontrol/InsertSPRI", "post", {"request": {**spri_body, "tglRencanaKontrol": "besok"}}),
            "400", "tglRencanaKontrol")
    refused(send(rs, "RencanaKontrol/InsertSPRI", "post", {"request": {**spri_body, "noKartu": "0009999999999"}}),
            "201", "Tidak ada Peserta")
    refused(send(client(bridge, w.fktp_v2), "RencanaKontrol/InsertSPRI", "post", {"request": spri_body}), "400", "FKRTL")
    assert count(bridge.engine, ControlLetterRow) == before
    # moved to today; a control letter's path does not change an SPRI; another hospital cannot
    assert ok(send(rs, "RencanaKontrol/UpdateSPRI", "put", {"request": {"noSPRI": no, **spri_body}}))[
        "tglRencanaKontrol"] == str(w.today)
    refused(send(rs, "RencanaKontrol/Update", "put", {"request": {"noSuratKontrol": no, **spri_body}}), "400", "SPRI")
    refused(send(client(bridge, _other_hospital(bridge)), "RencanaKontrol/UpdateSPRI", "put",
                 {"request": {"noSPRI": no, **spri_body}}), "201")
    # it opens an inpatient SEP, not an outpatient one; then it no longer changes
    skdp = {"noSurat": no, "kodeDPJP": "1"}
    refused(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.active, w.today, skdp=skdp)), "400", "SPRI")
    no_sep = ok(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.active, w.today, jnsPelayanan="1", poli={"tujuan": ""},
                                                           diagAwal="I10", skdp=skdp)))["sep"]["noSep"]
    assert ok(rs.request(f"SEP/{no_sep}"))["noSep"] == no_sep
    refused(send(rs, "RencanaKontrol/UpdateSPRI", "put", {"request": {"noSPRI": no, **spri_body}}), "400",
            "sudah dipakai untuk SEP")
