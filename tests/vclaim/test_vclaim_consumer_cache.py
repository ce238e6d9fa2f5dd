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
from support.care_world import build_world
from support.databases import truncate_business_tables

from jkn.bridging.core import async_read, protocol, server
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
