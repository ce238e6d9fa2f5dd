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


def test_a_database_with_users_and_audit_rows_upgrades_from_the_previous_release(tmp_path):
    """A real upgrade: rows that reference the tables a migration rebuilds (SQLite copies, drops and
    renames a table to change it) survive, with foreign keys on as the app runs them."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0005")
    with engine.begin() as conn:
        # one user with every column the old schema requires, then an audit row that references it
        required = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(user_account)") if r[3] and r[1] != "id"]
        values = {"username": "cabang", "full_name": "Petugas", "password_hash": "x", "role": "BRANCH_OFFICER"}
        row = {c: values.get(c, "2014-01-01" if c.endswith("_at") else 0) for c in required}
        conn.exec_driver_sql(f"INSERT INTO user_account (id, {', '.join(row)}) VALUES (1, {', '.join('?' * len(row))})",
                             tuple(row.values()))
        conn.exec_driver_sql("INSERT INTO audit_event (at, actor, actor_id, action) "
                             "VALUES ('2014-01-01', 'cabang', 1, 'login')")
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_event WHERE actor_id = 1").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
