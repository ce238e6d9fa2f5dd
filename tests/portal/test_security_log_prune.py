"""``jkn users prune`` forgets sessions and log-in attempts older than JKN_SECURITY_LOG_DAYS and keeps
the recent ones that throttling and open sessions need (A-S13); it is audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jkn.cli import app
from jkn.domain.timestamps import utcnow
from jkn.services.portal import accounts
from jkn.services.portal.audit import SYSTEM
from jkn.services.unit_of_work import unit_of_work
from jkn.store.portal_tables import AuditEventRow, LoginAttemptRow, UserSessionRow


def test_old_sessions_and_attempts_go_recent_ones_stay(db, db_url, monkeypatch):
    monkeypatch.setenv("JKN_SECURITY_LOG_DAYS", "30")
    now = utcnow()
    old, recent = now - dt.timedelta(days=31), now - dt.timedelta(days=29)
    with Session(db) as s, unit_of_work(s):
        user = accounts.create_user(s, SYSTEM, username="prune.me", password="kata-sandi-prune-1", role=accounts.ADMIN,
                                    full_name="Petugas")
        s.flush()
        s.add_all([UserSessionRow(id="a" * 64, user_id=user.id, started_at=old, seen_at=old, ended_at=old),
                   UserSessionRow(id="b" * 64, user_id=user.id, started_at=recent, seen_at=recent),
                   LoginAttemptRow(username="x", at=old, success=False, reason="UNKNOWN_USER"),
                   LoginAttemptRow(username="x", at=recent, success=False, reason="UNKNOWN_USER")])
    r = CliRunner().invoke(app, ["users", "prune", "--db", db_url], env={"JKN_LANG": "id"})
    assert r.exit_code == 0, r.output
    assert "1 sesi dan 1 percobaan masuk yang lebih lama dari 30 hari" in r.output
    with Session(db) as s:
        assert s.scalars(select(UserSessionRow.id)).all() == ["b" * 64]
        assert s.scalars(select(LoginAttemptRow.at)).all() and s.scalar(select(func.count(LoginAttemptRow.id))) == 1
        row = s.scalars(select(AuditEventRow).where(AuditEventRow.action == "security_log.prune")).one()
        assert row.after["sessions"] == 1 and row.after["login_attempts"] == 1
