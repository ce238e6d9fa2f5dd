"""Participants' own requests (issue #15): data-change requests with their uploaded documents, and
the one-time codes that confirm an account sign-up or a password reset. Migration 0008e.

An uploaded file lives outside the database (``JKN_UPLOAD_DIR``); the table keeps its path, size,
type and SHA-256. A one-time code is kept only as a hash."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jkn.domain.timestamps import utcnow
from jkn.store.base import Base

REQUEST_STATUSES = ("SUBMITTED", "APPROVED", "REFUSED")


class ChangeRequestRow(Base):
    """A data change a participant asks for from the portal; a branch officer approves it (through
    the same data-change service as the officer's own form, ``change_id`` the change it made) or
    refuses it with a reason."""

    __tablename__ = "change_request"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    branch_code: Mapped[str] = mapped_column(ForeignKey("branch.code"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    data: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="SUBMITTED", index=True)
    submitted_by: Mapped[str] = mapped_column(String(80))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    change_id: Mapped[int | None] = mapped_column(ForeignKey("data_change.id"))

    __table_args__ = (
        CheckConstraint("status IN ('SUBMITTED', 'APPROVED', 'REFUSED')", name="ck_change_request_status"),
        CheckConstraint("status != 'REFUSED' OR refusal_reason IS NOT NULL", name="ck_change_request_reason"),
        CheckConstraint("status != 'APPROVED' OR change_id IS NOT NULL", name="ck_change_request_change"),
    )


class ChangeRequestFileRow(Base):
    """One uploaded document of a request: one file per document of the change's list."""

    __tablename__ = "change_request_file"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("change_request.id"), index=True)
    document_code: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("request_id", "document_code", name="uq_change_request_file_document"),
        CheckConstraint("size > 0", name="ck_change_request_file_size"),
    )


class OneTimeCodeRow(Base):
    """A one-time code sent to confirm a participant's sign-up (SIGNUP) or a password reset (RESET):
    only its hash is kept; it expires, allows a few attempts, and is used once."""

    __tablename__ = "one_time_code"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    purpose: Mapped[str] = mapped_column(String(10))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    destination: Mapped[str] = mapped_column(String(120))
    code_hash: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint("purpose IN ('SIGNUP', 'RESET')", name="ck_one_time_code_purpose"),
        CheckConstraint("attempts >= 0", name="ck_one_time_code_attempts"),
    )
