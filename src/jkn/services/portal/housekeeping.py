"""Forget what the log-in defence no longer needs: ended or expired sessions and log-in attempts older
than ``JKN_SECURITY_LOG_DAYS`` (90). Throttling reads only the last ``JKN_LOGIN_WINDOW_MINUTES`` of
attempts and a session ends after ``JKN_SESSION_HOURS`` at most, so rows this old serve only as a
security log; kept without end they grow with every log-in, failed guess and bot (A-S13)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from jkn.domain.timestamps import utcnow
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.portal.settings import settings
from jkn.services.unit_of_work import unit_of_work
from jkn.store.portal_tables import LoginAttemptRow, UserSessionRow


def prune_security_log(session: Session, *, actor: Actor, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete sessions ended (or started) and log-in attempts made before the kept period; one audit row
    says how many. Returns ``{"sessions": n, "login_attempts": n, "days": d}``."""
    cfg = settings()
    now = now or utcnow()
    cutoff = now - dt.timedelta(seconds=cfg.security_log_seconds)
    with unit_of_work(session):
        sessions = session.execute(delete(UserSessionRow).where(
            or_(UserSessionRow.ended_at < cutoff, UserSessionRow.started_at < cutoff))).rowcount
        attempts = session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < cutoff)).rowcount
        days = round(cfg.security_log_seconds / 86400, 2)
        audit.record(session, actor, "security_log.prune", object_type="security_log",
                     after={"sessions": sessions, "login_attempts": attempts, "before": cutoff.isoformat()})
    return {"sessions": sessions, "login_attempts": attempts, "days": days}
