"""Migration 0006f on a database that concurrent inserts already filled with duplicate SEPs
(issue #10): the first SEP of each visit stays, the others are withdrawn and marked, and from
then on the database itself refuses a second live SEP for the visit (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from importlib.resources import files

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from support.care_world import KAB, _register
from support.first_payment import pay_first_contribution

from jkn.services.care import facilities, sep
from jkn.services.portal.audit import SYSTEM
from jkn.store.care_tables import SepRow

REVISION = files("jkn.store") / "migrations" / "versions" / "0006f_vclaim_integrity.py"


def _migration():
    spec = importlib.util.spec_from_file_location("migration_0006f", REVISION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(engine, step) -> None:
    with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        step()


def _copy(session: Session, number: str, new_number: str, **changes) -> None:
    row = session.get(SepRow, number)
    values = {c.key: getattr(row, c.key) for c in SepRow.__table__.columns}
    session.execute(insert(SepRow).values({**values, "number": new_number, **changes}))


def test_duplicates_are_withdrawn_and_then_refused_by_the_database(db):
    with Session(db) as s:
        fktp = facilities.register_facility(s, name="PUSKESMAS UJI", facility_type="PUSKESMAS_PERAWATAN",
                                            kabkota_code=KAB, actor=SYSTEM)["code"]
        rs = facilities.register_facility(s, name="RSUD UJI", facility_type="RSUD", kabkota_code=KAB, actor=SYSTEM)["code"]
    with Session(db) as s:
        card = _register(s, "3273014501900011", "PASIEN GANDA", fktp, "II", dt.date(2025, 1, 1))
        pay_first_contribution(s, card, dt.date(2025, 1, 3))  # cover begins with it (A-M18)
    day = dt.date(2026, 3, 2)
    with Session(db) as s:
        first = sep.insert_sep(s, card_number=card, sep_date=day, facility_code=rs, service_type="2",
                               diagnosis="S72", poli="IGD", actor=SYSTEM)["number"]
    migration = _migration()
    _run(db, migration.downgrade)  # the schema of the revision before: no index, no request table
    try:
        with Session(db) as s, s.begin():
            _copy(s, first, first[:-1] + "8")
            _copy(s, first, first[:-1] + "9")
            _copy(s, first, first[:-1] + "7", deleted_at=dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc),
                  deleted_by="desk")
    finally:
        _run(db, migration.upgrade)
    with Session(db) as s:
        rows = {r.number: r for r in s.scalars(select(SepRow).where(SepRow.sep_date == day))}
        assert rows[first].deleted_at is None
        assert [rows[first[:-1] + n].deleted_by for n in "89"] == ["migration 0006f: duplicate SEP"] * 2
        assert rows[first[:-1] + "7"].deleted_by == "desk"
    with Session(db) as s, pytest.raises(IntegrityError), s.begin():
        s.execute(update(SepRow).where(SepRow.number == first[:-1] + "8").values(deleted_at=None))
