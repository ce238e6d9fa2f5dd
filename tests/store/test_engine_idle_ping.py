"""A pooled PostgreSQL connection idle longer than ``idle_ping_seconds`` is checked before it is handed
out and replaced if the server dropped it; one used just before is handed out without the extra
round trip (jkn.store.engine; the cost it saves: docs/benchmarks.md)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from jkn.store.engine import make_engine


def _pid(engine) -> int:
    with engine.connect() as c:
        return c.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _kill(killer, pid: int) -> None:
    with killer.connect() as c:
        assert c.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one()
    time.sleep(0.2)


def test_an_idle_connection_dropped_by_the_server_is_replaced(_prepared):
    url, killer = _prepared("postgresql")
    engine = make_engine(url, idle_ping_seconds=0.0, pool_size=1, max_overflow=0)
    try:
        first = _pid(engine)
        _kill(killer, first)
        assert _pid(engine) != first  # pinged, found dead, replaced: the caller saw nothing
    finally:
        engine.dispose()


def test_a_recently_used_connection_is_not_pinged(_prepared):
    url, killer = _prepared("postgresql")
    engine = make_engine(url, idle_ping_seconds=3600.0, pool_size=1, max_overflow=0)
    try:
        first = _pid(engine)
        _kill(killer, first)
        with pytest.raises(OperationalError):  # no ping: the dead connection was handed out as it was
            _pid(engine)
        assert _pid(engine) != first  # the error refreshed the pool
    finally:
        engine.dispose()


def test_a_pinged_connection_serves_autocommit_reads_and_transactions(_prepared):
    """The ping leaves no transaction open: the bridging reads set AUTOCOMMIT on the connection next."""
    url, _engine = _prepared("postgresql")
    engine = make_engine(url, idle_ping_seconds=0.0, pool_size=1, max_overflow=0)
    try:
        reads = engine.execution_options(isolation_level="AUTOCOMMIT")
        for _ in range(3):
            with reads.connect() as c:
                assert c.execute(text("SELECT 1")).scalar_one() == 1
            with engine.begin() as c:
                assert c.execute(text("SELECT 2")).scalar_one() == 2
    finally:
        engine.dispose()
