"""One set of migrations builds exactly the models' schema, on SQLite and PostgreSQL."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from jkn.store.engine import make_engine
from jkn.store.migrate import alembic_config, upgrade
from jkn.store.models import Base


def test_migrated_schema_matches_the_models(db):
    with db.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_downgrade_to_base_and_up_again(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}")
    upgrade(engine)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert "participant" in inspect(engine).get_table_names()
