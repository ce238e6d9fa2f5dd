"""A bridging write's connection begins the next write's transaction with the last one's commit
(jkn.store.prepared.commit_with, BEGIN_AHEAD; docs/vclaim.md §5), on the event loop's asyncpg with
HeldSessions. The next write is still one transaction of its own, rolled back whole; it sees what others
committed meanwhile; a refused write leaves nothing behind; a connection handed back to the pool is
not left in a transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.util import greenlet_spawn

from jkn.services.care import vclaim_requests
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import CareSerialRow
from jkn.store.engine import HeldSessions, make_async_engine
from support.event_loop import run

SERIALS = CareSerialRow.__table__
ON_POSTGRESQL = pytest.mark.parametrize("backend", ["postgresql"])  # the event loop's writes: PostgreSQL only


def _held(db, body):
    """``body(sessions)`` in a greenlet on an event loop, with HeldSessions on the asyncpg adapter."""
    async def go():
        engine = make_async_engine(db)
        sessions = HeldSessions(engine.sync_engine, keep=1)
        try:
            return await greenlet_spawn(body, sessions)
        finally:
            await greenlet_spawn(sessions.close)
            await engine.dispose()

    return run(go())


def _write(sessions, prefix: str, cons_id: str, *, fail: bool = False):
    """One bridging-like write: a row, then its record and COMMIT (``fail``: an error before the record)."""
    with sessions() as s:
        with unit_of_work(s):
            s.execute(insert(SERIALS).values(prefix=prefix, last=1))
            pid = s.connection().connection.dbapi_connection.driver_connection.get_server_pid()
            if fail:
                raise ZeroDivisionError
            assert vclaim_requests.keep(s, vclaim_requests.Signed(cons_id, "1764460800", "c2ln"), "ab" * 32, 200, "{}")
        return pid


def _state(db, pid: int) -> str:
    with db.connect() as conn:
        return conn.scalar(text("SELECT state FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid})


def _prefixes(db) -> list[str]:
    with db.connect() as conn:
        return conn.scalars(select(SERIALS.c.prefix).where(SERIALS.c.prefix.like("AHEAD-%"))
                            .order_by(SERIALS.c.prefix)).all()


@ON_POSTGRESQL
def test_the_next_write_is_its_own_transaction_and_sees_what_others_committed(db, backend):
    def body(sessions):
        pid = _write(sessions, "AHEAD-1", "3001")
        assert _state(db, pid) == "idle in transaction"  # begun ahead, holding nothing
        with db.begin() as other:  # committed by another connection after that BEGIN
            other.execute(insert(SERIALS).values(prefix="AHEAD-OTHER", last=7))
        with sessions() as s:
            assert s.scalar(select(SERIALS.c.last).where(SERIALS.c.prefix == "AHEAD-OTHER")) == 7
            s.rollback()
        with pytest.raises(ZeroDivisionError):
            _write(sessions, "AHEAD-2", "3002", fail=True)  # rolled back whole, on the same connection
        assert _write(sessions, "AHEAD-3", "3003") == pid
        return pid

    pid = _held(db, body)
    assert _prefixes(db) == ["AHEAD-1", "AHEAD-3", "AHEAD-OTHER"]
    assert _state(db, pid) in (None, "idle")  # closed, or back in the pool: not left in a transaction


@ON_POSTGRESQL
def test_a_write_whose_headers_were_recorded_first_leaves_nothing(db, backend):
    def body(sessions):
        _write(sessions, "AHEAD-A", "3010")
        with sessions() as s:
            with unit_of_work(s):
                s.execute(insert(SERIALS).values(prefix="AHEAD-B", last=1))
                kept = vclaim_requests.keep(s, vclaim_requests.Signed("3010", "1764460800", "c2ln"), "ab" * 32, 200, "{}")
                assert not kept
                s.rollback()
        _write(sessions, "AHEAD-C", "3011")

    _held(db, body)
    assert _prefixes(db) == ["AHEAD-A", "AHEAD-C"]


@ON_POSTGRESQL
def test_connections_handed_back_to_the_pool_are_not_left_in_a_transaction(db, backend):
    def body(sessions):
        pid = _write(sessions, "AHEAD-X", "3020")
        assert _state(db, pid) == "idle in transaction"
        sessions.close()  # as when idle too long, or at shutdown: back to the pool, rolled back there
        assert _state(db, pid) == "idle"

    _held(db, body)
    assert _prefixes(db) == ["AHEAD-X"]
