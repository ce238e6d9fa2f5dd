"""The audit trail is append-only in the database itself (migration 0006h): an UPDATE or DELETE of
``audit_event`` is refused on SQLite and PostgreSQL (TRUNCATE too on PostgreSQL), whoever sends it,
and the row stays as written."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.portal_tables import AuditEventRow


def _one_row(db) -> int:
    with Session(db) as s, unit_of_work(s):
        return audit.record(s, Actor("cli:tester", role="CLI", client="cli"), "payment.record", object_type="payment",
                            object_id="REF-1", branch_code="001", summary="10000 rupiah")


@pytest.mark.parametrize("statement", ["orm update", "sql update", "orm delete", "sql delete"])
def test_audit_rows_cannot_be_changed_or_deleted(db, statement):
    row_id = _one_row(db)
    with Session(db) as s, pytest.raises(DBAPIError, match="append-only"):
        if statement == "orm update":
            s.get(AuditEventRow, row_id).actor = "somebody else"
            s.commit()
        elif statement == "sql update":
            s.execute(update(AuditEventRow).where(AuditEventRow.id == row_id).values(summary="nothing happened"))
        elif statement == "orm delete":
            s.delete(s.get(AuditEventRow, row_id))
            s.commit()
        else:
            s.execute(delete(AuditEventRow))
    with Session(db) as s:
        row = s.get(AuditEventRow, row_id)
        assert (row.actor, row.summary) == ("cli:tester", "10000 rupiah")


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite has no TRUNCATE
def test_postgresql_refuses_truncate_too(db, backend):
    row_id = _one_row(db)
    with db.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("TRUNCATE audit_event"))
    with Session(db) as s:
        assert s.scalar(select(AuditEventRow.id).where(AuditEventRow.id == row_id)) == row_id
