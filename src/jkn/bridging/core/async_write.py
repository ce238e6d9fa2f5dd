"""Writes run in the event loop (issue #13): on PostgreSQL a bridging write — the same handler, use
case and unit of work as in a worker thread — runs in a greenlet on the event loop
(:func:`sqlalchemy.util.greenlet_spawn`), its statements on SQLAlchemy's asyncpg adapter: each one
waits in the event loop instead of a thread, so a write costs no thread hand-off (about 0.2 ms of
system time and 15-18 context switches per request on psycopg in a worker thread,
docs/benchmarks.md). SQLite, reads, and services whose ``admit`` reads the database or hashes a
password (``Service.loop_writes``) stay in worker threads.

The sessions come from an engine beside the app's (:func:`jkn.store.engine.make_async_engine`),
created in the running event loop on first use, each on a connection kept between writes
(:class:`jkn.store.engine.HeldSessions`); its connections are the read pool's kind
(:mod:`jkn.bridging.core.async_read`, the engine's own DSN). The handler must not block: it runs
database statements and pure rules only.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.util import greenlet_spawn

from jkn.bridging.core.async_read import of_this_loop
from jkn.store.engine import POOL_SIZE, HeldSessions, make_async_engine, session_factory


class _Writes:
    """The async engine of one event loop and its session factories (transactions; autocommit reads)."""

    def __init__(self, engine):
        self.engine = make_async_engine(engine)
        self.sessions = HeldSessions(self.engine.sync_engine, keep=POOL_SIZE)
        self.read_sessions = session_factory(self.engine.sync_engine.execution_options(isolation_level="AUTOCOMMIT"))
        self.loop = asyncio.get_running_loop()


def _writes(state) -> _Writes:
    return of_this_loop(state, "bridging_writes", lambda: _Writes(state.engine),
                        lambda old: old.engine.sync_engine.dispose(close=False))


async def run(state, fn, *args):
    """``fn(sessions, read_sessions, *args)`` in a greenlet on the event loop, with the sessions of
    the asyncpg engine; its result (or its exception)."""
    writes = _writes(state)
    return await greenlet_spawn(fn, writes.sessions, writes.read_sessions, *args)


async def close(state) -> None:
    """Close the engine's connections (the app's lifespan, at shutdown)."""
    writes = getattr(state, "bridging_writes", None)
    if writes is not None:
        state.bridging_writes = None
        await greenlet_spawn(writes.sessions.close)
        await writes.engine.dispose()
