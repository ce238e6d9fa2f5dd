"""On PostgreSQL a bridging consumer is read in the event loop (issue #13): a consumer not cached is read on
the read pool, in one statement with its facility, and a cached one past half its time is read again there
too — no worker thread (here ``run_in_threadpool`` fails the request if called), over real HTTP. A revoked
consumer and a changed facility (A-V54) still reach the requests within the cached time; a database that
does not answer gets the envelope's code 500, and a refresh that fails leaves the cached copy serving."""

from __future__ import annotations

import time

import httpx
import psycopg
import pytest
from sqlalchemy import update
from support.care_world import build_world, emergency_sep
from support.databases import truncate_business_tables
from support.live_server import LiveServer

from jkn.bridging.core import async_read, protocol, server
from jkn.bridging.core.crypto import signature
from jkn.services.care import vclaim_consumers
from jkn.services.portal.audit import SYSTEM
from jkn.store.engine import session_factory
from jkn.store.facility_tables import FacilityRow

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def live(_prepared):
    url, engine = _prepared("postgresql")
    truncate_business_tables(engine)
    world = build_world(engine)
    with LiveServer(url) as srv:
        srv.world, srv.engine = world, engine
        yield srv
    truncate_business_tables(engine)


@pytest.fixture
def threads(monkeypatch) -> list[str]:
    """The functions the server sent to a worker thread (each one's request fails)."""
    monkeypatch.setattr(protocol, "CONSUMER_CACHE_SECONDS", 60.0)
    sent: list[str] = []

    def no_thread(fn, *args, **kwargs):
        sent.append(fn.__name__)
        raise AssertionError(f"{fn.__name__} sent to a worker thread")
    monkeypatch.setattr(server, "run_in_threadpool", no_thread)
    return sent


def _consumer(live) -> dict:
    with session_factory(live.engine)() as s:
        return vclaim_consumers.create_consumer(s, live.world.rsud, label="in the loop", actor=SYSTEM)


def _send(live, cred: dict, method: str = "GET", path: str | None = None, body: dict | None = None,
          ts: int | None = None) -> httpx.Response:
    """A request signed by ``cred`` (default: the desk's eligibility check of an active card)."""
    w = live.world
    stamp = str(ts or int(time.time()))
    headers = {"X-cons-id": cred["cons_id"], "X-timestamp": stamp, "user_key": cred.get("user_key") or "",
               "X-signature": signature(cred["cons_id"], cred["secret"], stamp)}
    with live.client() as c:
        return c.request(method, "/vclaim-rest/" + (path or f"Peserta/nokartu/{w.active}/tglSEP/{w.today}"),
                         headers=headers, json=body)


def _code(response: httpx.Response) -> str:
    return response.json()["metaData"]["code"]


def _age(cons_id: str, seconds: float) -> None:
    """Make the cached copy of ``cons_id`` ``seconds`` old."""
    _read_at, consumer = protocol._consumers[cons_id]
    protocol._consumers[cons_id] = (time.monotonic() - seconds, consumer)


def _refreshes_done() -> None:
    deadline = time.monotonic() + 10
    while server._refreshes or protocol._refreshing:
        assert time.monotonic() < deadline, "the read ahead of time did not end"
        time.sleep(0.01)


def test_a_new_consumer_is_read_in_the_event_loop(live, threads):
    cred = _consumer(live)
    response = _send(live, cred)
    assert (response.status_code, _code(response)) == (200, "200")
    assert threads == []
    assert protocol._consumers[cred["cons_id"]][1].facility_code == live.world.rsud  # cached


def test_a_revoked_consumer_stops_through_the_read_ahead_of_time(live, threads):
    cred = _consumer(live)
    assert _code(_send(live, cred)) == "200"
    with session_factory(live.engine)() as s:
        vclaim_consumers.revoke_consumer(s, cred["cons_id"], actor=SYSTEM)
    _age(cred["cons_id"], 10)  # young: the cached copy, nothing read again
    assert _code(_send(live, cred)) == "200"
    assert not protocol._refreshing
    _age(cred["cons_id"], 40)  # past half its time: answered, and read again behind the answer
    assert _code(_send(live, cred)) == "200"
    _refreshes_done()
    assert _code(_send(live, cred)) == "401"  # the revocation, 40 s after, not 60
    assert threads == []


def test_a_changed_facility_reaches_the_consumer_through_the_read_ahead_of_time(live, threads):
    """A-V54: the hospital is no longer a referral-level facility; its SEPs are refused once its consumer
    was read again."""
    w, cred, now = live.world, _consumer(live), int(time.time())
    assert _code(_send(live, cred, "POST", "SEP/2.0/insert", emergency_sep(w.active, w.today, w.rsud), now)) == "200"
    with session_factory(live.engine)() as s, s.begin():
        s.execute(update(FacilityRow).where(FacilityRow.code == w.rsud).values(level="FKTP"))
    try:
        _age(cred["cons_id"], 40)  # the cached record decides this one, and the consumer is read again
        assert _code(_send(live, cred, "POST", "SEP/2.0/insert", emergency_sep(w.other, w.today, w.rsud),
                           now + 1)) == "200"
        _refreshes_done()
        refused = _send(live, cred, "POST", "SEP/2.0/insert", emergency_sep(w.suspended, w.today, w.rsud),
                        now + 2).json()["metaData"]
        assert refused["code"] != "200" and "FKTP" in refused["message"], refused
    finally:
        with session_factory(live.engine)() as s, s.begin():
            s.execute(update(FacilityRow).where(FacilityRow.code == w.rsud).values(level="FKRTL"))
    assert threads == []


def test_unknown_and_malformed_consumers_are_refused(live, threads):
    cred = _consumer(live)
    for cons_id in ("1234567", "12ab", "9" * 17):
        response = _send(live, {**cred, "cons_id": cons_id})
        assert (response.status_code, _code(response)) == (401, "401"), cons_id
    assert threads == []


def test_a_database_that_does_not_answer(live, threads, monkeypatch, caplog):
    """The consumers' table locked by another transaction: a consumer not cached gets the envelope's
    500 after the read pool's time limit; a cached one is answered, its read ahead of time fails
    (logged) and its cached copy goes on serving."""
    monkeypatch.setattr(async_read, "TIMEOUT_SECONDS", 0.5)
    cached, new = _consumer(live), _consumer(live)
    assert _code(_send(live, cached)) == "200"
    dsn = live.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as clerk:
        clerk.execute("LOCK TABLE vclaim_consumer IN ACCESS EXCLUSIVE MODE")
        response = _send(live, new)
        assert (response.status_code, _code(response)) == (500, "500")
        _age(cached["cons_id"], 40)
        assert _code(_send(live, cached)) == "200"
        _refreshes_done()
        assert f"reading consumer {cached['cons_id']} ahead of time failed" in caplog.text
        assert _code(_send(live, cached)) == "200"
        clerk.rollback()
    assert _code(_send(live, new)) == "200"
    assert threads == []
