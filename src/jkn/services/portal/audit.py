"""The audit log: who did what, when, to which object, with a before/after summary.

Every portal action (login, logout, registration, complaint step, card print, user change ...)
calls :func:`record` inside the same transaction as the change it describes, so a change
without its audit row cannot be committed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.store.portal_tables import AuditEventRow, UserAccountRow

SUMMARY_LIMIT = 2000


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in user, the CLI or the system. ``client`` is an IP address or 'cli'."""

    name: str
    user_id: int | None = None
    role: str | None = None
    client: str | None = None

    @classmethod
    def of(cls, user: UserAccountRow | None, client: str | None = None) -> "Actor":
        if user is None:
            return cls("anonymous", client=client)
        return cls(user.username, user.id, user.role, client)


SYSTEM = Actor("system")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def record(session: Session, actor: Actor, action: str, *, object_type: str | None = None,
           object_id: Any = None, branch_code: str | None = None, summary: str | None = None,
           before: dict | None = None, after: dict | None = None) -> AuditEventRow:
    """Add one audit row to the session's current transaction."""
    row = AuditEventRow(
        actor=actor.name[:60], actor_id=actor.user_id, role=actor.role, action=action[:60],
        object_type=object_type, object_id=None if object_id is None else str(object_id)[:60],
        branch_code=branch_code, summary=(summary or "")[:SUMMARY_LIMIT] or None,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        client=(actor.client or None) and actor.client[:64],
    )
    session.add(row)
    return row


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose value changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def recent(session: Session, *, branch_codes: frozenset[str] | None = None, actor_id: int | None = None,
           object_type: str | None = None, object_id: str | None = None, action: str | None = None,
           limit: int = 100) -> list[AuditEventRow]:
    """The newest audit rows, optionally for some branches, one actor, one object or one action."""
    stmt = select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(limit)
    if action is not None:
        stmt = stmt.where(AuditEventRow.action == action)
    if branch_codes is not None:
        stmt = stmt.where(AuditEventRow.branch_code.in_(branch_codes))
    if actor_id is not None:
        stmt = stmt.where(AuditEventRow.actor_id == actor_id)
    if object_type is not None:
        stmt = stmt.where(AuditEventRow.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEventRow.object_id == str(object_id))
    return list(session.scalars(stmt))
