"""Read the audit trail in tests: what one step added to it.

``with audited_once(engine, action=..., actor=..., branch_code=...):`` runs a step and asserts that
it left exactly one audit row, with those values; ``not_audited`` that it left none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jkn.store.portal_tables import AuditEventRow


def last_id(engine: Engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.coalesce(func.max(AuditEventRow.id), 0)))


def added(engine: Engine, since: int) -> list[AuditEventRow]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditEventRow).where(AuditEventRow.id > since).order_by(AuditEventRow.id)))


@contextmanager
def audited_once(engine: Engine, **expected) -> Iterator[dict]:
    """The step in the block leaves exactly one audit row whose columns have the ``expected`` values
    (the block may add to the yielded dict what it learns, e.g. a new record's number)."""
    since = last_id(engine)
    yield expected
    rows = added(engine, since)
    assert len(rows) == 1, [(r.action, r.actor, r.object_id) for r in rows]
    got = {k: getattr(rows[0], k) for k in expected}
    assert got == expected, (rows[0].action, got, expected)


@contextmanager
def not_audited(engine: Engine) -> Iterator[None]:
    """The step in the block writes no audit row."""
    since = last_id(engine)
    yield
    rows = added(engine, since)
    assert rows == [], [(r.action, r.actor) for r in rows]
