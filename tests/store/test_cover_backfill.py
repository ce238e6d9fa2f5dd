"""Migration 0006b fills the new participant columns of an existing database with what the services
keep: the first day of cover from the ledger, the last day of a child's status from the rules."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.demo.population import build_demo
from jkn.services.portal.audit import SYSTEM
from jkn.store.bootstrap import prepare_database
from jkn.store.membership_tables import ParticipantRow
from jkn.store.migrate import alembic_config


def _cover_columns(engine) -> dict:
    with Session(engine) as s:
        return {r.id: (r.covered_from, r.status_until) for r in s.execute(
            select(ParticipantRow.id, ParticipantRow.covered_from, ParticipantRow.status_until))}


def test_the_migration_backfills_what_payments_and_registrations_keep(tmp_path):
    engine = prepare_database(f"sqlite:///{tmp_path / 'backfill.sqlite3'}")
    build_demo(engine, participants=300, seed=5, start=Month(2014, 1), months=4, actor=SYSTEM)
    kept = _cover_columns(engine)
    assert sum(1 for c, _ in kept.values() if c is None) and sum(1 for c, _ in kept.values() if c is not None)
    assert any(until is not None for _, until in kept.values())
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "heads")
    assert _cover_columns(engine) == kept
    engine.dispose()
