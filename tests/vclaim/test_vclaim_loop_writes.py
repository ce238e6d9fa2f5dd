"""On PostgreSQL a bridging write runs in the event loop (jkn.bridging.core.async_write): while it
waits on the database — here on a lock a clerk's long transaction holds — the server goes on
answering other requests, and the write finishes, once, when the lock is let go."""

from __future__ import annotations

import asyncio
import json
import time
from types import SimpleNamespace

import psycopg
import pytest
from starlette.datastructures import Headers
from support import event_loop
from support.care_world import build_world, emergency_sep
from support.databases import truncate_business_tables

from jkn.bridging.core import async_read, async_write, server
from jkn.bridging.core.crypto import signature
from jkn.bridging.core.settings import Settings
from jkn.bridging.vclaim import SERVICE
from jkn.store.engine import session_factory


@pytest.fixture
def world(_prepared):
    _url, engine = _prepared("postgresql")
    truncate_business_tables(engine)
    w = build_world(engine)
    yield w, engine, SimpleNamespace(engine=engine, sessions=session_factory(engine), bridging=Settings())
    truncate_business_tables(engine)


def _headers(cred: dict, ts: int) -> Headers:
    return Headers({"x-cons-id": cred["cons_id"], "x-timestamp": str(ts), "user_key": cred["user_key"],
                    "x-signature": signature(cred["cons_id"], cred["secret"], str(ts))})


async def _serve(state, cred: dict, method: str, path: str, body: dict | None = None, ts: int | None = None) -> dict:
    raw = json.dumps(body).encode() if body else b""

    async def receive():
        return {"type": "http.request", "body": raw, "more_body": False}
    response = await server.serve(state, SERVICE, method, path, _headers(cred, ts or int(time.time())), receive,
                                  "127.0.0.1")
    return json.loads(response.body)


def test_a_write_waiting_on_the_database_does_not_hold_up_the_server(world):
    w, engine, state = world
    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    async def story():
        with psycopg.connect(dsn) as clerk:
            clerk.execute("LOCK TABLE sep IN EXCLUSIVE MODE")  # an INSERT into sep waits for it
            write = asyncio.create_task(_serve(state, w.rs_v2, "POST", "SEP/2.0/insert",
                                               emergency_sep(w.active, w.today, w.rsud)))
            for _ in range(200):  # the write is in the event loop's engine, waiting on the lock
                await asyncio.sleep(0.01)
                if getattr(state, "bridging_writes", None) and state.bridging_writes.engine.sync_engine.pool.checkedout():
                    break
            assert state.bridging_writes.engine.sync_engine.pool.checkedout() == 1
            read = await asyncio.wait_for(_serve(state, w.rs_v2, "GET", f"Peserta/nokartu/{w.other}/tglSEP/{w.today}"),
                                          timeout=5)
            assert read["metaData"]["code"] == "200"
            assert not write.done()
            clerk.rollback()  # the clerk's transaction ends: the lock is let go
        answer = await asyncio.wait_for(write, timeout=10)
        await async_read.close(state)
        await async_write.close(state)
        return answer

    answer = event_loop.run(story())
    assert answer["metaData"]["code"] == "200", answer
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sep").scalar() == 1


def test_the_package_itself_brings_what_writes_in_the_event_loop_need():
    """greenlet (SQLAlchemy's asyncio bridge) and asyncpg come with jkn, not only with the test tools
    (Playwright brings greenlet too): a server installed without them could not write on PostgreSQL."""
    from importlib.metadata import requires

    needs = [r.replace(" ", "") for r in requires("jkn") if "extra==" not in r.replace(" ", "")]
    assert any(r.startswith("sqlalchemy[asyncio]") for r in needs), needs
    assert any(r.startswith("asyncpg") for r in needs), needs
