"""A busy consumer is read again ahead of time: past half its cached time, a request is answered
with the cached consumer and the database is read in the background, so the consumer's requests
never wait for it — and a revoked consumer still stops within the cached time."""

from __future__ import annotations

import asyncio
import json
import time
from types import SimpleNamespace

import pytest
from starlette.datastructures import Headers
from support import event_loop
from support.care_world import build_world, emergency_sep
from support.databases import truncate_business_tables

from jkn.bridging.core import async_read, async_write, protocol, server
from jkn.bridging.core.crypto import signature
from jkn.bridging.core.settings import Settings
from jkn.bridging.vclaim import SERVICE
from jkn.services.care import vclaim_consumers
from jkn.services.portal.audit import SYSTEM
from jkn.store.engine import session_factory


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(_prepared, request):
    _url, engine = _prepared(request.param)
    truncate_business_tables(engine)
    w = build_world(engine)
    yield w, SimpleNamespace(engine=engine, sessions=session_factory(engine), bridging=Settings())
    truncate_business_tables(engine)


async def _ask(state, cred: dict, path: str) -> str:
    """metaData.code of a signed ``GET path``, once any read ahead of time has ended."""
    ts = str(int(time.time()))
    headers = Headers({"x-cons-id": cred["cons_id"], "x-timestamp": ts, "user_key": cred["user_key"],
                       "x-signature": signature(cred["cons_id"], cred["secret"], ts)})

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    try:
        response = await server.serve(state, SERVICE, "GET", path, headers, receive, "127.0.0.1")
        while server._refreshes:
            await asyncio.gather(*server._refreshes)
    finally:
        await async_read.close(state)
    return json.loads(response.body)["metaData"]["code"]


def _age(cons_id: str, seconds: float) -> None:
    """Make the cached copy of ``cons_id`` ``seconds`` old."""
    _read_at, consumer = protocol._consumers[cons_id]
    protocol._consumers[cons_id] = (time.monotonic() - seconds, consumer)


def test_a_cached_consumer_is_read_again_ahead_of_time(world, monkeypatch):
    w, state = world
    monkeypatch.setattr(protocol, "CONSUMER_CACHE_SECONDS", 60.0)
    protocol.forget_consumers()
    with state.sessions() as s:
        cred = vclaim_consumers.create_consumer(s, w.rsud, label="cache", actor=SYSTEM)
    path = f"Peserta/nokartu/{w.active}/tglSEP/{w.today}"
    assert event_loop.run(_ask(state, cred, path)) == "200"  # read from the database, cached
    with state.sessions() as s:
        vclaim_consumers.revoke_consumer(s, cred["cons_id"], actor=SYSTEM)

    _age(cred["cons_id"], 10)  # young: answered from the cache, nothing read again
    assert event_loop.run(_ask(state, cred, path)) == "200"
    assert event_loop.run(_ask(state, cred, path)) == "200"

    _age(cred["cons_id"], 40)  # past half its time: still answered, and read again behind it
    assert event_loop.run(_ask(state, cred, path)) == "200"
    assert event_loop.run(_ask(state, cred, path)) == "401"  # the revocation, 40 s after, not 60
    assert not protocol._refreshing


async def _sep(state, cred: dict, card: str, day, ts: int) -> dict:
    """A signed emergency ``SEP/2.0/insert`` for ``card`` at the consumer's hospital: its metaData."""
    headers = Headers({"x-cons-id": cred["cons_id"], "x-timestamp": str(ts), "user_key": cred["user_key"],
                       "x-signature": signature(cred["cons_id"], cred["secret"], str(ts))})
    body = json.dumps(emergency_sep(card, day, cred["facility_code"])).encode()

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}
    try:
        response = await server.serve(state, SERVICE, "POST", "SEP/2.0/insert", headers, receive, "127.0.0.1")
        while server._refreshes:
            await asyncio.gather(*server._refreshes)
    finally:
        await async_read.close(state)
        await async_write.close(state)
    return json.loads(response.body)["metaData"]


def test_the_hospitals_record_reaches_its_seps_with_the_consumer(world, monkeypatch):
    """A-V54: an SEP is decided on the hospital's record as read with its consumer; a change to the
    record (here: the hospital is no longer a referral-level facility) reaches SEPs when the consumer
    is read again, within the consumer's cached time."""
    from sqlalchemy import update

    from jkn.store.facility_tables import FacilityRow

    w, state = world
    monkeypatch.setattr(protocol, "CONSUMER_CACHE_SECONDS", 60.0)
    protocol.forget_consumers()
    with state.sessions() as s:
        cred = vclaim_consumers.create_consumer(s, w.rsud, label="record", actor=SYSTEM)
    now = int(time.time())
    assert event_loop.run(_sep(state, cred, w.active, w.today, now))["code"] == "200"
    with state.sessions() as s, s.begin():
        s.execute(update(FacilityRow).where(FacilityRow.code == w.rsud).values(level="FKTP"))
    try:
        _age(cred["cons_id"], 10)  # the cached record: the SEP is still a hospital's
        assert event_loop.run(_sep(state, cred, w.other, w.today, now + 1))["code"] == "200"
        protocol.forget_consumers()  # read again (as after the cached time): the record as it is now
        refused = event_loop.run(_sep(state, cred, w.suspended, w.today, now + 2))
        assert refused["code"] != "200" and "FKTP" in refused["message"], refused
    finally:
        with state.sessions() as s, s.begin():
            s.execute(update(FacilityRow).where(FacilityRow.code == w.rsud).values(level="FKRTL"))
