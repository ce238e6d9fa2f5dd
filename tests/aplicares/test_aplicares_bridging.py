"""/aplicaresws driven by the UNMODIFIED ``bpjs-bridging`` client (its ``aplicare`` service: JSON,
no user key, plain answers) against ``jkn serve`` on loopback, on SQLite and PostgreSQL; the
envelope clients compare (``metadata.code`` 1 / 0, Khanza's exact messages) checked on the wire."""

from __future__ import annotations

import time

import httpx
import pytest
from bpjs import Bridging
from sqlalchemy import select
from support.care_world import JknServe, build_world, count
from support.databases import BACKENDS, truncate_business_tables

from jkn.store.bed_tables import BedRoomRow
from jkn.store.engine import session_factory
from jkn.store.portal_tables import AuditEventRow

ROOM = {"kodekelas": "VIP", "koderuang": "RG01", "namaruang": "Ruang Anggrek VIP", "kapasitas": "20",
        "tersedia": "10", "tersediapria": "0", "tersediawanita": "0", "tersediapriawanita": "0"}


@pytest.fixture(scope="module", params=BACKENDS)
def bridge(request, _prepared):
    url, engine = _prepared(request.param)
    truncate_business_tables(engine)
    world = build_world(engine)
    with JknServe(url, env={"JKN_VCLAIM_CONSUMER_CACHE": "0"}) as srv:
        srv.world, srv.engine = world, engine
        yield srv
    truncate_business_tables(engine)


def aplicare(srv, cred: dict, base: str = "/aplicaresws", **override) -> Bridging:
    cfg = {"host": srv.url + base, "consid": cred["cons_id"], "secret": cred["secret"], **override}
    return Bridging(cfg, "aplicare")


def write(c: Bridging, path: str, body: dict) -> dict:
    """One write per signed header (A-C16): wait for the next second before each write."""
    time.sleep(1.05 - (time.time() % 1))
    return c.request(path, "POST", body)


def ok(res: dict, message: str = "OK"):
    assert res["metaData"]["code"] == 1 and res["metaData"]["message"] == message, res
    return res["response"]


def refused(res: dict, contains: str) -> None:
    # bpjs-bridging turns Aplicares' code 0 into its own 400 error, keeping the message
    assert res["metaData"]["code"] == 400 and res["response"] is None, res
    assert contains.lower() in res["metaData"]["message"].lower(), res


def test_reference_classes_in_aplicares_envelope(bridge):
    c = aplicare(bridge, bridge.world.rs_v2)
    listed = ok(c.request("rest/ref/kelas"))["list"]
    assert {"kodekelas": "VVP", "namakelas": "VVIP"} in listed and {"kodekelas": "NON", "namakelas": "-"} in listed
    raw = httpx.get(f"{bridge.url}/aplicaresws/rest/ref/kelas", headers=c._headers(c._timestamp())).json()
    assert raw["metadata"] == {"code": 1, "message": "OK", "totalitems": len(listed)}
    assert "metaData" not in raw


def test_create_update_read_delete_a_room(bridge):
    w = bridge.world
    c = aplicare(bridge, w.rs_v2)
    rs = w.rsud
    assert ok(write(c, f"rest/bed/create/{rs}", ROOM), "Data berhasil disimpan.") is None
    assert ok(write(c, f"rest/bed/create/{rs}", {**ROOM, "kodekelas": "KL3", "koderuang": "RG02",
                                                  "namaruang": "Ruang Melati", "kapasitas": 30, "tersedia": 4,
                                                  "tersediapria": 2, "tersediawanita": 1}), "Data berhasil disimpan.") is None
    assert ok(write(c, f"rest/bed/update/{rs}", {**ROOM, "tersedia": "3"}), "Data berhasil diupdate.") is None
    page = c.request(f"rest/bed/read/{rs}/1/10")
    rows = ok(page)["list"]
    assert [(r["kodekelas"], r["koderuang"], r["tersedia"], r["rownumber"]) for r in rows] == [
        ("KL3", "RG02", 4, 1), ("VIP", "RG01", 3, 2)]
    assert rows[0]["tersediapria"] == 2 and rows[0]["kodeppk"] == rs and rows[0]["lastupdate"]
    raw = httpx.get(f"{bridge.url}/aplicaresws/rest/bed/read/{rs}/2/1", headers=c._headers(c._timestamp())).json()
    assert raw["metadata"]["totalitems"] == 2 and [r["koderuang"] for r in raw["response"]["list"]] == ["RG01"]
    # the public page by kab/kota shows the hospital's own figures
    index = httpx.get(f"{bridge.url}/tempat-tidur")
    assert index.status_code == 200 and 'href="/tempat-tidur/32.73"' in index.text
    page = httpx.get(f"{bridge.url}/tempat-tidur/32.73?lang=en")
    assert page.status_code == 200 and "RSUD KOTA BANDUNG" in page.text and "Ruang Melati" in page.text
    assert "7 of 50 beds free" in page.text
    assert httpx.get(f"{bridge.url}/tempat-tidur/99.99").status_code == 404
    assert ok(write(c, f"rest/bed/delete/{rs}", {"kodekelas": "KL3", "koderuang": "RG02"}), "Data berhasil dihapus.") is None
    assert [r["koderuang"] for r in ok(c.request(f"rest/bed/read/{rs}/1/10"))["list"]] == ["RG01"]
    with session_factory(bridge.engine)() as s:
        actions = s.scalars(select(AuditEventRow.action).where(AuditEventRow.action.like("bed.%"))).all()
        assert sorted(actions) == ["bed.create", "bed.create", "bed.delete", "bed.update"]
        assert s.scalar(select(AuditEventRow.actor).where(AuditEventRow.action == "bed.delete")) == \
            f"vclaim:{w.rs_v2['cons_id']}"


def test_refusals_write_nothing(bridge):
    w = bridge.world
    c = aplicare(bridge, w.rs_v2)
    before = count(bridge.engine, BedRoomRow)
    refused(write(c, f"rest/bed/update/{w.rsud}", {**ROOM, "koderuang": "NOPE"}), "Data tidak ada di database.")
    refused(write(c, f"rest/bed/delete/{w.rsud}", {"kodekelas": "VIP", "koderuang": "NOPE"}), "Data tidak ada")
    refused(write(c, f"rest/bed/create/{w.rsud}", {**ROOM, "kodekelas": "XYZ", "koderuang": "R9"}), "kodekelas")
    refused(write(c, f"rest/bed/create/{w.rsud}", {**ROOM, "koderuang": "R9", "tersedia": "21"}), "kapasitas")
    refused(write(c, f"rest/bed/create/{w.rsud}", {**ROOM, "koderuang": "R9", "kapasitas": "-1"}), "bilangan bulat")
    refused(write(c, f"rest/bed/create/{w.rsud}", {**ROOM, "koderuang": "R9", "tersediapria": "6",
                                                   "tersediawanita": "5"}), "melebihi tersedia")
    refused(write(c, f"rest/bed/create/{w.fktp}", {**ROOM, "koderuang": "R9"}), "bukan faskes pengguna ini")
    refused(c.request(f"rest/bed/read/{w.rsud}/1/0"), "limit")
    refused(c.request(f"rest/bed/read/{w.rs_non_partner}/1/10"), "bukan faskes pengguna ini")
    fktp = aplicare(bridge, w.fktp_v2)
    refused(write(fktp, f"rest/bed/create/{w.fktp}", {**ROOM, "koderuang": "R9"}), "bukan rumah sakit")
    assert count(bridge.engine, BedRoomRow) == before


def test_signature_and_user_key(bridge):
    w = bridge.world
    forged = aplicare(bridge, w.rs_v2, secret="not-the-secret")
    res = forged.request("rest/ref/kelas")
    assert res["metaData"]["code"] == 401 and res["response"] is None
    # a user key is not needed (clients send none); one that is sent must be the consumer's
    c = aplicare(bridge, w.rs_v2)
    headers = {**c._headers(c._timestamp()), "user_key": "0" * 32}
    r = httpx.get(f"{bridge.url}/aplicaresws/rest/ref/kelas", headers=headers)
    assert r.status_code == 401 and r.json()["metadata"]["code"] == 401
    headers["user_key"] = w.rs_v2["user_key"]
    assert httpx.get(f"{bridge.url}/aplicaresws/rest/ref/kelas", headers=headers).json()["metadata"]["code"] == 1
    unknown = httpx.get(f"{bridge.url}/aplicaresws/rest/nothing", headers=c._headers(c._timestamp()))
    assert unknown.status_code == 404 and unknown.json()["metadata"]["code"] == 404
