"""Create, migrate and clean the test databases."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
from sqlalchemy import Engine, text

from jkn.store.bootstrap import prepare_database
from jkn.store.models import Base

BACKENDS = ["sqlite", "postgresql"]
POSTGRES_URL = os.environ.get("JKN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REFERENCE_TABLES = {"deputy_region", "branch", "kabkota", "jkn_meta", "alembic_version"}


def postgres_unavailable_reason() -> str | None:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"{POSTGRES_URL}: {str(exc).strip().splitlines()[0]}"


def prepare(backend: str, directory: Path, schema: str) -> tuple[str, Engine]:
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'jkn-test.sqlite3'}"
    else:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    return url, prepare_database(url)


def truncate_business_tables(engine: Engine) -> None:
    """Delete every row that is not reference data, children first. The audit trail is append-only
    (migration 0006h): its triggers are set aside for this test clean-up and put back at once."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with engine.begin() as conn:
        for table in tables:
            if table.name == "audit_event":
                _empty_append_only(conn, table.name)
            else:
                conn.execute(text(f"DELETE FROM {table.name}"))


def _empty_append_only(conn, table: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        return
    triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                            {"t": table}).all()
    for name, _sql in triggers:
        conn.execute(text(f"DROP TRIGGER {name}"))
    conn.execute(text(f"DELETE FROM {table}"))
    for _name, sql in triggers:
        conn.exec_driver_sql(sql)
