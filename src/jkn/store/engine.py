"""Engine and session factory for SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

import time

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

from jkn.store.settings import database_url, normalise_url


#: pooled PostgreSQL connections kept, and opened beyond them under load
POOL_SIZE, MAX_OVERFLOW = 10, 20


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout."""
    url = normalise_url(url) if url else database_url()
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


def make_async_engine(engine: Engine, connect) -> AsyncEngine:
    """An engine on SQLAlchemy's asyncpg adapter beside ``engine`` (PostgreSQL), its connections
    made by ``connect()`` (a coroutine: :func:`asyncpg.connect` with the engine's DSN); its
    ``sync_engine`` serves sessions whose statements run in the event loop when called from
    :func:`sqlalchemy.util.greenlet_spawn`. Pool sizes and idle pings as :func:`make_engine`'s."""
    url = engine.url.set(drivername="postgresql+asyncpg")
    async_engine = create_async_engine(url, async_creator=connect, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW)
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
