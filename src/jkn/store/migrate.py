"""Bring a database to the newest schema with the package's Alembic migrations."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("jkn.store") / "migrations"))
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Run migrations up to ``revision`` inside one transaction.

    On SQLite, foreign keys are switched off while the migrations run (SQLite's documented way to
    change a table: copy, drop, rename — which rows of other tables still reference), then checked
    once before the transaction commits; a violation aborts the upgrade."""
    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:  # outside a transaction, or SQLite ignores it
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the upgrade would leave rows referencing missing rows: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
