"""The bridge and the SEP under attack (issue #10), on a real server (SQLite and PostgreSQL) with
real threads: concurrent duplicate SEPs, re-used signed headers, other facilities' records,
oversized, unauthenticated and deeply nested bodies. Every answer stays in the VClaim envelope."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select
from support.api_auth import API_PASSWORD, API_USER, ensure_user
from support.care_world import KAB, build_world
from support.databases import truncate_business_tables

from jkn.services.care import facilities, vclaim_consumers
from jkn.services.portal.audit import SYSTEM
from jkn.store.care_tables import SepRow
from jkn.store.engine import session_factory
from jkn.store.membership_tables import ParticipantRow
from jkn.bridging.core.crypto import decrypt_response, signature

THREADS = 8
MAX_BODY = 65_536  # the default JKN_VCLAIM_MAX_BODY


@pytest.fixture(scope="module")
def attack(server, _prepared):
    _url, engine = _prepared(server.backend)
    truncate_business_tables(engine)
    server.world, server.engine = build_world(engine), engine
    with session_factory(engine)() as s:
        other = facilities.register_facility(s, name="RS LAIN", facility_type="RSU_SWASTA", kabkota_code=KAB, actor=SYSTEM)["code"]
    with session_factory(engine)() as s:
        server.other_rs = vclaim_consumers.create_consumer(s, other, label="another hospital", actor=SYSTEM)
    return server


_USED: set[int] = set()


def fresh_second() -> int:
    """A second no other request of this module was signed in (one write per signed header, A-C16),
    inside the clock-skew window."""
    ts = int(time.time())
    while ts in _USED:
        ts -= 1
    _USED.add(ts)
    return ts


def signed(cred: dict, ts: int | None = None) -> dict:
    """The headers a client sends (bpjs-bridging's, docs/vclaim-client-notes.md)."""
    stamp = str(fresh_second() if ts is None else ts)
    h = {"X-cons-id": cred["cons_id"], "X-timestamp": stamp, "X-signature": signature(cred["cons_id"], cred["secret"],
                                                                                       stamp),
         "Content-Type": "application/x-www-form-urlencoded"}
    if cred.get("user_key"):
        h["user_key"] = cred["user_key"]
    return h


def sep_body(w, card: str, day: dt.date, poli: str = "IGD", diagnosis: str = "S72") -> bytes:
    """An SEP insert that needs no letter (IGD: an emergency, TATA CARA §3)."""
    return json.dumps({"request": {"t_sep": {"noKartu": card, "tglSep": str(day), "ppkPelayanan": w.rsud,
                                             "jnsPelayanan": "2", "diagAwal": diagnosis, "poli": {"tujuan": poli},
                                             "user": "attacker"}}}).encode()


def vclaim(srv, method: str, path: str, headers: dict, body: bytes | None = None) -> httpx.Response:
    return httpx.request(method, f"{srv.url}/vclaim-rest/{path}", headers=headers, content=body, timeout=60)


def opened(r: httpx.Response, cred: dict, headers: dict):
    """``response`` of a v2.0 answer, decrypted with the request's own X-timestamp."""
    return decrypt_response(r.json()["response"], cred["cons_id"], cred["secret"], headers["X-timestamp"])


def live_seps(engine, card: str, day: dt.date) -> list[str]:
    with session_factory(engine)() as s:
        return list(s.scalars(select(SepRow.number).join(ParticipantRow, ParticipantRow.id == SepRow.participant_id)
                              .where(ParticipantRow.card_number == card, SepRow.sep_date == day,
                                     SepRow.deleted_at.is_(None))))


def all_at_once(calls) -> list:
    """Run the calls in threads released together."""
    gate = threading.Barrier(len(calls))
    out: list = [None] * len(calls)

    def run(i, call):
        gate.wait()
        out[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return out


# --- one SEP per visit, whatever the concurrency -----------------------------------------------

def test_the_same_insert_from_eight_threads_makes_one_sep_and_one_answer(attack):
    w = attack.world
    day = w.today - dt.timedelta(days=1)
    h, body = signed(w.rs_v2), sep_body(w, w.active, day)
    answers = all_at_once([lambda: vclaim(attack, "POST", "SEP/2.0/insert", h, body)] * THREADS)
    assert {r.status_code for r in answers} == {200} and len({r.content for r in answers}) == 1
    number = opened(answers[0], w.rs_v2, h)["sep"]["noSep"]
    assert live_seps(attack.engine, w.active, day) == [number]


def test_eight_inserts_signed_apart_make_one_sep_and_name_it(attack):
    w = attack.world
    day = w.today - dt.timedelta(days=2)
    heads = [signed(w.rs_v2) for _ in range(THREADS)]
    body = sep_body(w, w.active, day)
    answers = all_at_once([lambda h=h: vclaim(attack, "POST", "SEP/2.0/insert", h, body) for h in heads])
    codes = [r.json()["metaData"]["code"] for r in answers]
    assert sorted(codes) == ["200"] + ["201"] * (THREADS - 1), [r.json() for r in answers]
    winner = codes.index("200")
    number = opened(answers[winner], w.rs_v2, heads[winner])["sep"]["noSep"]
    for r in answers:
        if r.json()["metaData"]["code"] == "201":
            assert r.status_code == 200 and r.json()["response"] is None
            assert f"SEP {number} sudah diterbitkan untuk kunjungan ini" in r.json()["metaData"]["message"]
    assert live_seps(attack.engine, w.active, day) == [number]


def test_rest_inserts_from_eight_threads_make_one_sep_and_409s_naming_it(attack):
    w = attack.world
    day = w.today - dt.timedelta(days=3)
    body = {"card_number": w.other, "sep_date": str(day), "facility_code": w.rsud, "service_type": "1",
            "diagnosis": "S72"}  # inpatient without a clinic: the index for SEPs without poli

    ensure_user(attack.engine)
    with attack.client(auth=(API_USER, API_PASSWORD)) as http:  # the password checked once, then remembered
        assert http.get(f"/api/v1/eligibility/{w.other}").status_code == 200

    def post():
        with attack.client(auth=(API_USER, API_PASSWORD)) as http:
            return http.post("/api/v1/seps", json={**body, "emergency": True})

    answers = all_at_once([post] * THREADS)
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201] + [409] * (THREADS - 1), [r.text for r in answers]
    number = next(r.json()["number"] for r in answers if r.status_code == 201)
    for r in answers:
        if r.status_code == 409:
            assert r.json()["rule"] == "DUPLICATE_SEP" and r.json()["sep_number"] == number
    assert live_seps(attack.engine, w.other, day) == [number]


# --- signed headers: one request each --------------------------------------------------------

def test_captured_headers_cannot_sign_another_write(attack):
    w = attack.world
    day = w.today - dt.timedelta(days=4)
    h = signed(w.rs_v2)
    first = vclaim(attack, "POST", "SEP/2.0/insert", h, sep_body(w, w.active, day))
    number = opened(first, w.rs_v2, h)["sep"]["noSep"]
    delete = json.dumps({"request": {"t_sep": {"noSep": number, "user": "attacker"}}}).encode()
    forged = vclaim(attack, "DELETE", "SEP/2.0/delete", h, delete)
    assert forged.status_code == 401 and forged.json()["response"] is None
    assert "already used for another request" in forged.json()["metaData"]["message"]
    other_visit = vclaim(attack, "POST", "SEP/2.0/insert", h, sep_body(w, w.other, day))
    assert other_visit.status_code == 401
    assert live_seps(attack.engine, w.active, day) == [number] and live_seps(attack.engine, w.other, day) == []


def test_a_replayed_insert_does_not_bring_a_deleted_sep_back(attack):
    w = attack.world
    day = w.today - dt.timedelta(days=5)
    h, body = signed(w.rs_v2), sep_body(w, w.active, day)
    first = vclaim(attack, "POST", "SEP/2.0/insert", h, body)
    number = opened(first, w.rs_v2, h)["sep"]["noSep"]
    delete = json.dumps({"request": {"t_sep": {"noSep": number, "user": "desk"}}}).encode()
    gone = vclaim(attack, "DELETE", "SEP/2.0/delete", signed(w.rs_v2), delete)
    assert gone.json() == {"metaData": {"code": "200", "message": "OK"}, "response": number}
    replay = vclaim(attack, "POST", "SEP/2.0/insert", h, body)
    assert replay.status_code == 200 and replay.content == first.content  # the answer of the time, no write
    assert live_seps(attack.engine, w.active, day) == []


def test_a_refused_write_is_answered_the_same_and_its_headers_stay_used(attack):
    w = attack.world
    h, body = signed(w.rs_v2), sep_body(w, w.suspended, w.today)
    refused = vclaim(attack, "POST", "SEP/2.0/insert", h, body)
    assert refused.json()["metaData"]["code"] == "201" and "PENGHENTIAN SEMENTARA" in refused.json()["metaData"]["message"]
    assert vclaim(attack, "POST", "SEP/2.0/insert", h, body).content == refused.content
    assert vclaim(attack, "POST", "SEP/2.0/insert", h, sep_body(w, w.active, w.today)).status_code == 401
    assert live_seps(attack.engine, w.active, w.today) == []


# --- facility scope --------------------------------------------------------------------------

def test_another_facility_reads_nothing_of_a_hospitals_records(attack):
    w = attack.world
    day = w.today - dt.timedelta(days=6)
    h = signed(w.rs_v2)
    number = opened(vclaim(attack, "POST", "SEP/2.0/insert", h, sep_body(w, w.active, day)), w.rs_v2, h)["sep"]["noSep"]
    unknown = number[:-6] + "999999"
    spy = attack.other_rs

    def seen_by(cred: dict, path: str) -> httpx.Response:
        return vclaim(attack, "GET", path, signed(cred))

    def as_unknown(path: str, real: str, fake: str) -> None:
        theirs, none = seen_by(spy, path.format(real)), seen_by(spy, path.format(fake))
        assert theirs.status_code == none.status_code == 200 and theirs.json()["response"] is None
        assert theirs.json()["metaData"]["message"].replace(real, "#") == none.json()["metaData"]["message"].replace(
            fake, "#")

    assert seen_by(w.rs_v2, f"SEP/{number}").json()["metaData"]["code"] == "200"  # its own hospital sees it
    as_unknown("SEP/{}", number, unknown)
    history = f"monitoring/HistoriPelayanan/NoKartu/{w.active}/tglMulai/{day}/tglAkhir/{day}"
    assert seen_by(w.rs_v2, history).json()["metaData"]["code"] == "200"
    nothing = seen_by(spy, history).json()
    assert nothing["metaData"]["code"] == "201" and nothing["response"] is None
    fk = w.fktp_v2  # a referral from the FKTP to the RSUD: seen by both, not by another hospital
    ruj = vclaim(attack, "POST", "Rujukan/2.0/insert", signed(fk), json.dumps({"request": {"t_rujukan": {
        "noKartu": w.active, "tglRujukan": str(w.today), "ppkDirujuk": w.rsud, "jnsPelayanan": "2",
        "diagRujukan": "I10", "tipeRujukan": "0", "poliRujukan": "INT", "user": "x"}}}).encode())
    referral = opened(ruj, fk, ruj.request.headers)["rujukan"]["noRujukan"]
    for cred in (w.rs_v2, fk):
        assert seen_by(cred, f"Rujukan/{referral}").json()["metaData"]["code"] == "200"
    as_unknown("Rujukan/{}", referral, referral[:-6] + "999999")
    for path in (f"Rujukan/Peserta/{w.active}", f"Rujukan/List/Peserta/{w.active}"):
        assert seen_by(w.rs_v2, path).json()["metaData"]["code"] == "200"
        assert seen_by(spy, path).json()["metaData"]["code"] == "201"


def test_another_facility_cannot_change_or_build_on_a_hospitals_sep(attack):
    w = attack.world
    day = w.today - dt.timedelta(days=7)
    h = signed(w.rs_v2)
    body = json.dumps({"request": {"t_sep": {"noKartu": w.other, "tglSep": str(day), "ppkPelayanan": w.rsud,
                                             "jnsPelayanan": "1", "diagAwal": "I21", "poli": {"tujuan": "IGD"},
                                             "user": "x"}}}).encode()
    number = opened(vclaim(attack, "POST", "SEP/2.0/insert", h, body), w.rs_v2, h)["sep"]["noSep"]
    unknown = number[:-6] + "999999"
    spy = attack.other_rs
    t_sep = {"request": {"t_sep": {"noSep": "{no}", "catatan": "forged", "tglPulang": str(day), "user": "spy"}}}
    control = {"request": {"noSEP": "{no}", "kodeDokter": "1", "poliKontrol": "JAN",
                           "tglRencanaKontrol": str(day + dt.timedelta(days=7)), "user": "spy"}}
    referral = {"request": {"t_rujukan": {"noSep": "{no}", "tglRujukan": str(day), "jnsPelayanan": "2",
                                          "diagRujukan": "I21", "tipeRujukan": "0", "poliRujukan": "JAN"}}}
    writes = [("PUT", "SEP/2.0/update", t_sep), ("PUT", "SEP/2.0/updtglplg", t_sep),
              ("DELETE", "SEP/2.0/delete", t_sep), ("POST", "RencanaKontrol/v2/Insert", control),
              ("POST", "Rujukan/2.0/insert", referral)]
    for method, path, template in writes:
        theirs, none = (vclaim(attack, method, path, signed(spy), json.dumps(template).replace("{no}", no).encode())
                        for no in (number, unknown))
        assert theirs.status_code == none.status_code == 200, path
        assert theirs.json()["metaData"]["message"].replace(number, "#") == \
            none.json()["metaData"]["message"].replace(unknown, "#"), path
    with session_factory(attack.engine)() as s:
        row = s.get(SepRow, number)
        assert row.deleted_at is None and row.notes is None and row.discharge_date is None


# --- limits before work ----------------------------------------------------------------------

def raw_http(srv, head: str, *chunks: bytes, read_after: int = 0) -> tuple[int, dict, bytes]:
    """Send a request head and the first ``read_after`` chunks, read the answer, then the rest."""
    parts = urlsplit(srv.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head.encode("latin-1"))
        for chunk in chunks[:read_after or len(chunks)]:
            sock.sendall(chunk)
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head_raw, rest = data.split(b"\r\n\r\n", 1)
        lines = head_raw.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:])}
        while len(rest) < int(headers.get("content-length", 0)):
            rest += sock.recv(65536)
        return int(lines[0].split()[1]), headers, rest


def head_of(method: str, path: str, headers: dict, **extra: str) -> str:
    lines = [f"{method} /vclaim-rest/{path} HTTP/1.1", "Host: test"]
    lines += [f"{k}: {v}" for k, v in {**headers, **extra}.items()]
    return "\r\n".join(lines) + "\r\n\r\n"


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def test_a_declared_oversized_body_is_refused_before_anything_is_read(attack):
    status, headers, body = raw_http(attack, head_of("POST", "SEP/2.0/insert", {"X-cons-id": "1"},
                                                     **{"Content-Length": str(500 * 1024 * 1024)}))
    assert status == 413 and headers["connection"] == "close"
    assert json.loads(body) == {"metaData": {"code": "413", "message": f"Request body larger than {MAX_BODY} bytes"},
                                "response": None}


def test_an_unauthenticated_body_is_answered_before_it_is_read(attack):
    w = attack.world
    forged = {**signed(w.rs_v2), "X-signature": "not-the-signature"}
    head = head_of("POST", "SEP/2.0/insert", forged, **{"Transfer-Encoding": "chunked"})
    # one chunk sent, the body never finished: the answer comes all the same
    status, headers, body = raw_http(attack, head, chunk(b"[" * 1000), chunk(b"x" * 10_000_000), read_after=1)
    assert status == 401 and headers["connection"] == "close" and json.loads(body)["metaData"]["code"] == "401"


def test_a_streamed_body_is_cut_at_the_limit_and_a_deep_one_is_refused_unparsed(attack):
    w = attack.world
    head = head_of("POST", "SEP/2.0/insert", signed(w.rs_v2), **{"Transfer-Encoding": "chunked"})
    pieces = [chunk(b" " * 4096) for _ in range(MAX_BODY // 4096 + 1)]
    status, headers, body = raw_http(attack, head, *pieces)
    assert status == 413 and json.loads(body)["metaData"]["code"] == "413"
    deep = b"[" * 20_000 + b"]" * 20_000  # RecursionError in json.loads: a plain-text 500 before
    r = vclaim(attack, "POST", "SEP/2.0/insert", signed(w.rs_v2), deep)
    assert r.status_code == 400 and r.json() == {
        "metaData": {"code": "400", "message": "Request body nests deeper than 32 levels"}, "response": None}
