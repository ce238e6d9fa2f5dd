"""The eligibility look-up run as a prepared statement on PostgreSQL (jkn.store.prepared, issue #13)
gives the row SQLAlchemy gives, column by column, and reads inside the session's transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from jkn.services.care import eligibility
from jkn.store.engine import session_factory
from jkn.store.membership_tables import CardIssueRow, ParticipantRow
from support.care_world import build_world


@pytest.fixture
def world(db):
    return build_world(db)


def test_same_row_as_sqlalchemy_on_every_participant(db, world):
    by_card, by_nik = eligibility._statements()
    with session_factory(db)() as session:
        cards = session.scalars(select(ParticipantRow.card_number)).all()
        assert len(cards) >= 4
        for card in cards:
            fast = by_card.first(session, {"key": card})
            plain = session.execute(by_card.stmt, {"key": card}).first()
            assert fast is not None and tuple(fast) == tuple(plain)
            assert fast._fields == tuple(plain._fields)
            assert fast.card_number == card and fast.fktp_name == plain.fktp_name
        nik = session.scalar(select(ParticipantRow.nik).where(ParticipantRow.card_number == world.active))
        assert by_nik.first(session, {"key": nik}).card_number == world.active
        assert by_card.first(session, {"key": "0000000000000"}) is None


def test_reads_the_sessions_own_unflushed_and_uncommitted_changes(db, world):
    with session_factory(db)() as session:
        p = session.scalar(select(ParticipantRow).where(ParticipantRow.card_number == world.active))
        session.add(CardIssueRow(participant_id=p.id, print_number=9, reason="LOST", issued_on=dt.date(2031, 5, 6)))
        session.execute(update(ParticipantRow).where(ParticipantRow.id == p.id).values(status="INACTIVE"))
        e = eligibility.check(session, world.today, card_number=world.active)
        assert e.card_printed == dt.date(2031, 5, 6)  # pending object flushed before the read
        assert e.participant.status == "INACTIVE" and not e.active  # same transaction
        session.rollback()
    with session_factory(db)() as session:
        e = eligibility.check(session, world.today, card_number=world.active)
        assert e.active and e.card_printed != dt.date(2031, 5, 6)


def test_statement_with_its_own_values_and_many_rows(db, world):
    """A statement holding a literal (the hours ``opens || '-' || closes``, the doctors' roles) gives
    SQLAlchemy's rows, every one of them (the Antrean practice and task look-ups)."""
    from sqlalchemy import bindparam, or_

    from jkn.store.prepared import PreparedRead

    stmt = (select(ParticipantRow.card_number, (ParticipantRow.status + "-" + ParticipantRow.care_class).label("tag"))
            .where(or_(ParticipantRow.status == "ACTIVE", ParticipantRow.status == bindparam("other")))
            .order_by(ParticipantRow.card_number))
    read = PreparedRead(stmt)
    with session_factory(db)() as session:
        plain = session.execute(stmt, {"other": "INACTIVE"}).all()
        fast = read.all(session, {"other": "INACTIVE"})
        assert len(plain) >= 2 and [tuple(r) for r in fast] == [tuple(r) for r in plain]
        assert all(r.tag.startswith(("ACTIVE-", "INACTIVE-")) for r in fast)
        assert read.first(session, {"other": "INACTIVE"}) == fast[0]
        if session.get_bind().dialect.driver == "psycopg":  # an IN list is refused, not sent unexpanded
            with pytest.raises(TypeError):
                PreparedRead(select(ParticipantRow.id).where(ParticipantRow.status.in_(["ACTIVE"]))).first(session, {})
