"""Portal tables (issue #6): user accounts, login attempts, the audit log, complaints.

Guide (seed 001): HAK DAN KEWAJIBAN PESERTA, Hak 4 (a participant may complain orally or in
writing to a BPJS Kesehatan office) and PENYAMPAIAN INFORMASI DAN KELUHAN (the channels).
Migration 0005.

A user's role decides what they see (``jkn.services.portal.auth.scope_for``): a branch officer their
branch's kab/kota, a regional manager their deputy region, head office everything, an employer
administrator their company, a participant their family, facility staff their facility.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jkn.domain.timestamps import utcnow
from jkn.store.base import Base


class UserAccountRow(Base):
    """A person who logs in. ``role`` is ADMIN, HEAD_OFFICE, REGIONAL_MANAGER, BRANCH_OFFICER,
    EMPLOYER_ADMIN, PARTICIPANT or FACILITY_STAFF; the column that matches the role says where
    they belong (``branch_code``, ``deputy_region_code``, ``employer_id``, ``participant_id``,
    ``facility_code``). ``session_version`` is bumped when every open session ends (password
    change, deactivation). ``failed_logins`` counts the failed log-ins the owner has not been
    told of yet, since ``failed_since`` (told at their next log-in on the portal)."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    deputy_region_code: Mapped[str | None] = mapped_column(ForeignKey("deputy_region.code"))
    branch_code: Mapped[str | None] = mapped_column(ForeignKey("branch.code"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"))
    facility_code: Mapped[str | None] = mapped_column(ForeignKey("facility.code"))
    email: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    failed_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class LoginAttemptRow(Base):
    """Every checked login attempt, successful or not (also for unknown user names, kept in
    lower case); ``device`` is the known browser it came from (jkn.services.portal.throttle).
    Attempts refused by the throttle before any check are not written."""

    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(40))  # BAD_PASSWORD, UNKNOWN_USER, INACTIVE
    client: Mapped[str | None] = mapped_column(String(64))
    device: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (Index("ix_login_attempt_username_at", "username", "at"),
                      Index("ix_login_attempt_client_at", "client", "at"),
                      Index("ix_login_attempt_device_at", "device", "at"))


class UserSessionRow(Base):
    """A log-in on the portal (jkn.services.portal.sessions). The cookie carries a random token;
    ``id`` is its SHA-256. Open while ``ended_at`` is empty; ended by log-out, a password change
    or deactivation (``end_reason`` LOGOUT, PASSWORD, DEACTIVATED), or found idle or too old
    (IDLE, EXPIRED). ``failed_logins`` / ``failed_since``: the failed log-ins the owner is told
    of on this session's pages until they dismiss the notice. Migration 0006e."""

    __tablename__ = "user_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    client: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(20))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    failed_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEventRow(Base):
    """Who did what, when, to which object, with a summary of the values before and after.
    ``branch_code`` is the branch the object belongs to (for the branch's own audit view);
    ``facility_code`` the facility the act was done at or for (care records, VClaim consumers).

    Append-only (migration 0006h): the application never updates or deletes a row, and the
    database refuses it (triggers raise on UPDATE and DELETE, on PostgreSQL also on TRUNCATE)."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(60))  # user name, "cli:<os user>", "vclaim:<cons-id>" ...
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. login, complaint.file
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(60))
    branch_code: Mapped[str | None] = mapped_column(String(3), index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    client: Mapped[str | None] = mapped_column(String(64))
    facility_code: Mapped[str | None] = mapped_column(String(12), index=True)

    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)


class ComplaintRow(Base):
    """A complaint (keluhan/pengaduan), routed to the branch of the participant's kab/kota.

    ``channel`` is how it reached BPJS Kesehatan (the guide's channels, see
    ``jkn.services.portal.complaints.CHANNELS``); ``status`` follows NEW → ASSIGNED → ANSWERED →
    CLOSED (assumption in docs/assumptions.md). ``due_at`` is the answer deadline set at
    filing from the SLA parameter; time taken = ``answered_at - received_at``."""

    __tablename__ = "complaint"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    complainant_name: Mapped[str] = mapped_column(String(120))
    complainant_contact: Mapped[str | None] = mapped_column(String(120))
    kabkota_code: Mapped[str] = mapped_column(ForeignKey("kabkota.code"))
    branch_code: Mapped[str] = mapped_column(ForeignKey("branch.code"))
    facility_code: Mapped[str | None] = mapped_column(ForeignKey("facility.code"))
    status: Mapped[str] = mapped_column(String(12), default="NEW")
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    assigned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_complaint_branch_code_status", "branch_code", "status"),)
    __mapper_args__ = {"version_id_col": version}


class ComplaintEventRow(Base):
    """One step of a complaint's life: FILED, ASSIGNED, ANSWERED, CLOSED, REOPENED, NOTE."""

    __tablename__ = "complaint_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(12))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
