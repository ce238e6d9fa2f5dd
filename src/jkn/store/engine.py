"""Engine and session factory for SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

from jkn.domain import json_text
from jkn.store.prepared import BEGIN_AHEAD
from jkn.store.settings import database_url, normalise_url


#: pooled PostgreSQL connections kept, and opened beyond them under load
POOL_SIZE, MAX_OVERFLOW = 10, 20


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout. JSON columns are written by
    :func:`jkn.domain.json_text.dumps`."""
    url = normalise_url(url) if url else database_url()
    kwargs.setdefault("json_serializer", json_text.dumps)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - exercised on connect
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", MAX_OVERFLOW)
    idle_ping = kwargs.pop("idle_ping_seconds", IDLE_PING_SECONDS)
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine, idle_ping)
    return engine


def asyncpg_dsn(engine: Engine) -> str:
    """``engine``'s URL (PostgreSQL) as libpq reads it, for :func:`asyncpg.connect`: asyncpg passes its
    ``options`` (search_path …) on to the server, which SQLAlchemy's asyncpg dialect would not."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def make_async_engine(engine: Engine) -> AsyncEngine:
    """An engine on SQLAlchemy's asyncpg adapter beside ``engine`` (PostgreSQL), its connections made by
    :func:`asyncpg.connect` on :func:`asyncpg_dsn`; its ``sync_engine`` serves sessions whose statements
    run in the event loop when called from :func:`sqlalchemy.util.greenlet_spawn`. Pool sizes and idle
    pings as :func:`make_engine`'s."""
    import asyncpg  # PostgreSQL only: SQLite installs run without opening it

    dsn = asyncpg_dsn(engine)
    url = engine.url.set(drivername="postgresql+asyncpg")
    async_engine = create_async_engine(url, async_creator=lambda: asyncpg.connect(dsn), pool_size=POOL_SIZE,
                                       max_overflow=MAX_OVERFLOW, json_serializer=json_text.dumps)
    _ping_when_idle(async_engine.sync_engine, IDLE_PING_SECONDS)
    return async_engine


#: a pooled PostgreSQL connection idle longer than this is checked (``SELECT 1``) before it is handed out
IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine, seconds: float) -> None:
    """Hand out a pooled connection used in the last ``seconds`` as it is; one idle longer is pinged
    first and replaced if the server dropped it. (``pool_pre_ping`` pings on every checkout: one more
    round trip per request, about 40 % of a VClaim eligibility answer, docs/benchmarks.md.) A
    connection that dies while in use is detected by SQLAlchemy on its error and the pool refreshed."""

    def mark(_dbapi, record, *_):
        record.info["idle_since"] = time.monotonic()

    event.listen(engine, "connect", mark)
    event.listen(engine, "checkin", mark)

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy):
        if time.monotonic() - record.info.get("idle_since", 0.0) <= seconds:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            if not dbapi_connection.autocommit:  # end the transaction the ping opened: the caller may
                dbapi_connection.rollback()      # set its own isolation (AUTOCOMMIT reads) next
        except Exception as err:  # the server dropped it: the pool replaces it and checks out again
            raise exc.DisconnectionError() from err


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


class HeldSessions:
    """``HeldSessions(engine, keep)()``: a session (a context manager) on a connection this factory keeps
    checked out of ``engine``'s pool between sessions, one session at a time on each, up to ``keep`` of
    them: a session skips the pool's check-out, check-in and reset (about 8% of the CPU of a bridging
    write, docs/benchmarks.md). A connection unused for ``IDLE_PING_SECONDS`` goes back to the pool,
    which pings it at its next check-out; one the driver found broken is dropped. Its sessions begin the
    next write's transaction with the last one's commit (``jkn.store.prepared.BEGIN_AHEAD``)."""

    def __init__(self, engine: Engine, keep: int):
        self.engine, self.keep = engine, keep
        self.idle: list[tuple[float, Connection]] = []  # (unused since, connection), the newest last

    @contextmanager
    def __call__(self) -> Iterator[Session]:
        conn = self._take()
        session = Session(bind=conn, expire_on_commit=False, info={BEGIN_AHEAD: True})
        try:
            yield session
        finally:
            try:
                session.close()
            finally:
                self._give_back(conn)

    def _take(self) -> Connection:
        now = time.monotonic()
        while self.idle:
            since, conn = self.idle.pop()
            if now - since <= IDLE_PING_SECONDS and not conn.invalidated:
                return conn
            conn.close()
        return self.engine.connect()

    def _give_back(self, conn: Connection) -> None:
        if conn.invalidated or conn.in_transaction() or len(self.idle) >= self.keep:
            conn.close()
        else:
            self.idle.append((time.monotonic(), conn))

    def close(self) -> None:
        """Return every kept connection to the pool."""
        while self.idle:
            self.idle.pop()[1].close()
