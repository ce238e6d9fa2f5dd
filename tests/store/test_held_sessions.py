"""HeldSessions (the bridging writes' sessions, jkn.bridging.core.async_write): each session on a
connection kept between sessions — reused while fresh, given back to the pool when idle too long or
dropped when broken; what a session wrote commits or rolls
back with it and never leaks into the next."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from jkn.services.unit_of_work import unit_of_work
from jkn.store import engine as store_engine
from jkn.store.care_tables import CareSerialRow
from jkn.store.engine import HeldSessions

SERIALS = CareSerialRow.__table__


def _raw(session):
    return session.connection().connection.dbapi_connection


def test_a_connection_is_kept_between_sessions_and_what_they_write_stays_theirs(db):
    sessions = HeldSessions(db, keep=2)
    with sessions() as s:
        first = _raw(s)
        with unit_of_work(s):
            s.execute(insert(SERIALS).values(prefix="HELD-1", last=1))
    with sessions() as s:
        assert _raw(s) is first  # the same connection, not checked out again
        with pytest.raises(ZeroDivisionError):
            with unit_of_work(s):
                s.execute(insert(SERIALS).values(prefix="HELD-2", last=1))
                1 / 0
    with sessions() as s:
        assert _raw(s) is first
        assert s.scalars(select(SERIALS.c.prefix).where(SERIALS.c.prefix.like("HELD-%"))).all() == ["HELD-1"]
    sessions.close()
    assert not sessions.idle


def test_idle_too_long_or_broken_it_goes_back_and_another_is_taken(db, monkeypatch):
    sessions = HeldSessions(db, keep=2)
    with sessions() as s:
        s.scalar(select(1))
        first = s.connection()
    monkeypatch.setattr(store_engine, "IDLE_PING_SECONDS", -1.0)  # every kept connection is now too old
    with sessions() as s:
        s.scalar(select(1))
        second = s.connection()
    assert first.closed and second is not first  # given back to the pool; checked out again (and pinged)
    monkeypatch.setattr(store_engine, "IDLE_PING_SECONDS", 10.0)
    second.invalidate()  # as SQLAlchemy marks a connection whose server went away
    with sessions() as s:
        assert s.connection() is not second and not s.connection().invalidated
        assert s.scalar(select(1)) == 1
    sessions.close()


def test_a_session_left_in_a_transaction_is_rolled_back_before_its_connection_is_kept(db):
    sessions = HeldSessions(db, keep=2)
    with sessions() as s:
        s.begin()
        s.execute(insert(SERIALS).values(prefix="HELD-OPEN", last=1))
        conn = s.connection()
    assert sessions.idle[-1][1] is conn and not conn.in_transaction()  # closing the session rolled it back
    with sessions() as s:
        assert s.scalar(select(SERIALS.c.last).where(SERIALS.c.prefix == "HELD-OPEN")) is None
    sessions.close()
