"""Prepare a database for use: migrate to the newest schema, then load reference data."""

from __future__ import annotations

from sqlalchemy import Engine

from jkn.store.engine import make_engine
from jkn.store.migrate import upgrade
from jkn.store.reference_sync import sync_reference


def prepare_database(url: str | None = None) -> Engine:
    """Create (SQLite) or open the database, migrate it and load reference data."""
    engine = make_engine(url)
    upgrade(engine)
    sync_reference(engine)
    return engine
