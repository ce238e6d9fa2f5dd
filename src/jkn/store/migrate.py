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
    """Run migrations up to ``revision`` inside one transaction."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
