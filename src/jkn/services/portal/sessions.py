"""Server-side portal sessions (issue #10, assumption A-S03 in docs/assumptions.md).

A log-in on the portal opens a ``user_session`` row; the cookie carries only a random token and
the row keeps its SHA-256, so a copied cookie is worth nothing once the row has ended. A session
ends on log-out, on a password change or deactivation of its user, when it has not been used
for ``JKN_SESSION_IDLE_MINUTES`` (30) or ``JKN_SESSION_HOURS`` (8) after the log-in
(jkn.services.portal.settings). The failed log-ins the owner had not been told of move to the
new session, which shows them until dismissed (A-S04).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import update
from sqlalchemy.orm import Session

from jkn.domain.timestamps import as_utc, utcnow
from jkn.services.portal.settings import settings
from jkn.services.unit_of_work import unit_of_work
from jkn.store.portal_tables import UserAccountRow, UserSessionRow

LOGOUT, PASSWORD, DEACTIVATED, IDLE, EXPIRED = "LOGOUT", "PASSWORD", "DEACTIVATED", "IDLE", "EXPIRED"

#: ``seen_at`` is written at most this often (and at most every quarter of the idle timeout).
_SEEN_EVERY_SECONDS = 60


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: UserAccountRow, *, client: str | None,
                 now: dt.datetime | None = None) -> str:
    """A new session of ``user`` (inside the caller's transaction); returns the cookie's token."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(UserSessionRow(id=_key(token), user_id=user.id, client=client, started_at=now, seen_at=now,
                               failed_logins=user.failed_logins or 0, failed_since=user.failed_since))
    user.failed_logins = 0
    user.failed_since = None
    return token


def current(session: Session, token: str, *, now: dt.datetime | None = None) -> UserSessionRow | None:
    """The open session of ``token``, or None: unknown, ended, idle too long or too old (then it
    is ended here, with the reason). A session in use has its ``seen_at`` moved on."""
    row = session.get(UserSessionRow, _key(token))
    if row is None or row.ended_at is not None:
        return None
    cfg = settings()
    now = now or utcnow()
    age = (now - as_utc(row.started_at)).total_seconds()
    idle = (now - as_utc(row.seen_at)).total_seconds()
    reason = EXPIRED if age >= cfg.session_seconds else IDLE if idle >= cfg.session_idle_seconds else None
    if reason is None and idle < min(_SEEN_EVERY_SECONDS, cfg.session_idle_seconds / 4):
        return row
    with unit_of_work(session):
        if reason is None:
            row.seen_at = now
        else:
            row.ended_at, row.end_reason = now, reason
    return None if reason else row


def end(session: Session, token: str, reason: str = LOGOUT) -> None:
    """End the session of ``token`` (inside the caller's transaction)."""
    session.execute(update(UserSessionRow).where(UserSessionRow.id == _key(token), UserSessionRow.ended_at.is_(None))
                    .values(ended_at=utcnow(), end_reason=reason))


def end_all(session: Session, user_id: int, reason: str) -> None:
    """End every open session of a user (password change, deactivation)."""
    session.execute(update(UserSessionRow).where(UserSessionRow.user_id == user_id, UserSessionRow.ended_at.is_(None))
                    .values(ended_at=utcnow(), end_reason=reason))


def dismiss_notice(session: Session, token: str) -> None:
    """The owner has read the failed log-ins notice of this session."""
    session.execute(update(UserSessionRow).where(UserSessionRow.id == _key(token))
                    .values(failed_logins=0, failed_since=None))
