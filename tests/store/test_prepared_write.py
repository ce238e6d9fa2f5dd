"""Hot INSERTs run as prepared statements on PostgreSQL (jkn.store.prepared.PreparedWrite) store
what SQLAlchemy's own execution stores — Python-side defaults, JSON columns, a statement's own
values — inside the session's transaction; on SQLite they run through SQLAlchemy. On PostgreSQL each
test runs twice: on psycopg, and in a greenlet on an event loop with SQLAlchemy's asyncpg adapter (the
bridging writes, jkn.bridging.core.async_write)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.util import greenlet_spawn

from jkn.services.care.common import insert_if_new, next_serial
from jkn.store.engine import make_async_engine, session_factory
from jkn.store.portal_tables import AuditEventRow
from jkn.store.prepared import PreparedWrite

AUDIT = AuditEventRow.__table__
STMT = insert(AUDIT).returning(AUDIT.c.id)


pytestmark = pytest.mark.parametrize("backend, way", [("sqlite", "driver"), ("postgresql", "driver"),
                                                      ("postgresql", "event loop")])


@pytest.fixture
def run(db, way):
    """``run(body)``: ``body(sessions)`` with sessions of the test's engine, or (``way`` "event loop")
    in a greenlet on a fresh event loop with sessions on SQLAlchemy's asyncpg adapter."""
    if way == "driver":
        return lambda body: body(session_factory(db))
    from support.event_loop import run as run_coroutine

    async def in_loop(body):
        engine = make_async_engine(db)
        try:
            return await greenlet_spawn(body, session_factory(engine.sync_engine))
        finally:
            await engine.dispose()

    return lambda body: run_coroutine(in_loop(body))


def _stored(session, audit_id: int) -> tuple:
    """The row as stored, JSON columns as the database's text (SQL NULL and JSON null told apart)."""
    return session.execute(text("SELECT actor, role, action, object_id, summary, CAST(before AS TEXT), "
                                "CAST(after AS TEXT), client, facility_code FROM audit_event WHERE id = :id"),
                           {"id": audit_id}).one()


def test_same_stored_row_as_sqlalchemy(run):
    run(_same_stored_row)


def _same_stored_row(sessions):
    values = dict(actor="vclaim:1001", actor_id=None, role="VCLAIM", action="sep.issue", object_type="sep",
                  object_id="3273R0011126V000001", branch_code=None, facility_code="3273R001", summary="s",
                  before=None, after={"card_number": "0001234567890", "sep_date": "2026-11-30", "poli": "IGD"},
                  client="127.0.0.1")
    with sessions() as session:
        fast = PreparedWrite.first(session, STMT, values)[0]
        plain = session.execute(STMT, values).scalar_one()
        assert fast != plain
        assert _stored(session, fast) == _stored(session, plain)
        at_fast, at_plain = (session.scalar(select(AUDIT.c.at).where(AUDIT.c.id == i)) for i in (fast, plain))
        assert abs(at_plain - at_fast) < dt.timedelta(seconds=5)  # the Python-side default, set on both
        session.commit()


def test_in_the_sessions_transaction_and_rolled_back_with_it(db, run):
    before = _count(db)

    def body(sessions):
        with sessions() as session:
            PreparedWrite.first(session, STMT, dict(actor="a", action="x"))
            assert session.scalar(select(func.count()).select_from(AUDIT)) == before + 1
            session.rollback()

    run(body)
    assert _count(db) == before


def test_counter_and_insert_if_new(run):
    run(_counter_and_insert_if_new)


def _counter_and_insert_if_new(sessions):
    with sessions() as session:
        assert [next_serial(session, "TESTPREFIX") for _ in range(3)] == [1, 2, 3]  # its own `last + 1`
        session.commit()
    with sessions() as session:
        assert next_serial(session, "TESTPREFIX") == 4
        assert not insert_if_new(session, AUDIT.metadata.tables["care_serial"], {"prefix": "TESTPREFIX", "last": 9})
        assert insert_if_new(session, AUDIT.metadata.tables["care_serial"], {"prefix": "OTHER", "last": 9})
        session.commit()
    with sessions() as session:
        assert next_serial(session, "OTHER") == 10


def _count(db) -> int:
    with session_factory(db)() as session:
        return session.scalar(select(func.count()).select_from(AUDIT))


def test_outside_a_unit_of_work_it_fails_loudly(db, run):
    from jkn.services.portal import audit
    from jkn.services.unit_of_work import UnitOfWorkError, close_checked

    before = _count(db)

    def body(sessions):
        with sessions() as session:
            audit.record(session, audit.SYSTEM, "stray.write")
            with pytest.raises(UnitOfWorkError):
                close_checked(session)

    run(body)
    assert _count(db) == before


def test_a_unique_key_taken_is_sqlalchemys_integrity_error(run):
    stmt = insert(AUDIT.metadata.tables["care_serial"]).returning(AUDIT.metadata.tables["care_serial"].c.last)

    def body(sessions):
        with sessions() as session:
            PreparedWrite.first(session, stmt, {"prefix": "P", "last": 1})
            with pytest.raises(IntegrityError):
                PreparedWrite.first(session, stmt, {"prefix": "P", "last": 2})
            session.rollback()

    run(body)


def test_a_read_before_the_first_write_leaves_the_transaction_whole(db, run):
    """On the event loop a plain read goes before the transaction's BEGIN: what follows is still one
    transaction, rolled back whole; a read that locks (FOR UPDATE) begins it and keeps its lock."""
    from jkn.store.prepared import PreparedRead

    serials = AUDIT.metadata.tables["care_serial"]
    with session_factory(db)() as session, session.begin():
        session.execute(insert(serials).values(prefix="LOCKED", last=1))
    before = _count(db)
    plain = PreparedRead(select(serials.c.last).where(serials.c.prefix == "LOCKED"))
    locking = PreparedRead(select(serials.c.last).where(serials.c.prefix == "LOCKED").with_for_update())

    def body(sessions):
        with sessions() as session:
            assert plain.first(session, {}).last == 1
            PreparedWrite.first(session, STMT, dict(actor="a", action="x"))
            assert locking.first(session, {}).last == 1
            if db.dialect.name == "postgresql":  # the row stays locked by this transaction
                with db.connect() as other:
                    with pytest.raises(Exception, match="could not obtain lock"):
                        other.execute(text("SELECT last FROM care_serial WHERE prefix = 'LOCKED' FOR UPDATE NOWAIT"))
            session.rollback()
        with sessions() as session:
            assert locking.first(session, {}).last == 1  # a locking read first: it begins the transaction
            if db.dialect.name == "postgresql":
                with db.connect() as other:
                    with pytest.raises(Exception, match="could not obtain lock"):
                        other.execute(text("SELECT last FROM care_serial WHERE prefix = 'LOCKED' FOR UPDATE NOWAIT"))
            session.rollback()

    run(body)
    assert _count(db) == before


def _record(cons_id: str, answer: str = "{}"):
    from jkn.services.care import vclaim_requests

    return (vclaim_requests.Signed(cons_id, "1764460800", "c2lnbmF0dXJl+/="), "ab" * 32, 200, answer)


def _recorded(db, cons_id: str):
    from jkn.services.care import vclaim_requests

    with session_factory(db)() as session:
        return vclaim_requests.recorded(session, _record(cons_id)[0])


def test_a_writes_record_commits_it_with_the_write(db, run):
    """A bridging write's record (A-C16) ends its transaction: the write and the record are kept
    together (on the event loop in one round trip, jkn.store.prepared.commit_with); the answer is kept
    byte for byte, quotes and backslashes included; the session's next transaction is a transaction
    of its own, rolled back whole."""
    from jkn.services.care import vclaim_requests

    before = _count(db)
    answer = '{"metaData":{"message":"O\'Brien \\\\ C:\\\\x \\"q\\" 100%"},"response":null}'

    def body(sessions):
        with sessions() as session, session.begin():
            PreparedWrite.first(session, STMT, dict(actor="a", action="kept"))
            assert vclaim_requests.keep(session, *_record("1001", answer))
        with sessions() as session:
            with session.begin():
                PreparedWrite.first(session, STMT, dict(actor="a", action="kept"))
                assert vclaim_requests.keep(session, *_record("1002"))
            with session.begin():  # the same session again: a new transaction, not a savepoint of the last
                PreparedWrite.first(session, STMT, dict(actor="a", action="dropped"))
                session.rollback()

    run(body)
    assert _count(db) == before + 2
    assert _recorded(db, "1001").answer == answer and _recorded(db, "1002").status == 200


def test_headers_recorded_first_keep_nothing_of_the_write(db, run):
    """The same headers recorded first: ``keep`` says so, and the caller's rollback drops the write; a
    record alone, with nothing written before it, is kept by itself."""
    from jkn.services.care import vclaim_requests

    def first(sessions):
        with sessions() as session, session.begin():
            assert vclaim_requests.keep(session, *_record("2001", '{"first":1}'))  # nothing written before it

    run(first)
    before = _count(db)

    def again(sessions):
        with sessions() as session:
            with session.begin():
                PreparedWrite.first(session, STMT, dict(actor="a", action="dropped"))
                assert not vclaim_requests.keep(session, *_record("2001", '{"second":2}'))
                session.rollback()
            with session.begin():  # the connection goes on
                PreparedWrite.first(session, STMT, dict(actor="a", action="kept"))

    run(again)
    assert _count(db) == before + 1
    assert _recorded(db, "2001").answer == '{"first":1}'
