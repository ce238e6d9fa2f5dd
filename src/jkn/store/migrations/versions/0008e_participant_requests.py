"""Participants' own requests (issue #15): ``change_request`` (a data change a participant asks for,
approved or refused by a branch officer), ``change_request_file`` (its uploaded documents: path,
type, size and SHA-256 of a file kept outside the database) and ``one_time_code`` (the hashed codes
that confirm a sign-up or a password reset). Tables: jkn.store.request_tables.

Revision ID: 0008e
Revises: 0007j
"""

import sqlalchemy as sa
from alembic import op

revision = "0008e"
down_revision = "0008d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_request",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("participant.id"), nullable=False),
        sa.Column("branch_code", sa.String(3), sa.ForeignKey("branch.code"), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("submitted_by", sa.String(80), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("change_id", sa.Integer(), sa.ForeignKey("data_change.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("status IN ('SUBMITTED', 'APPROVED', 'REFUSED')", name="ck_change_request_status"),
        sa.CheckConstraint("status != 'REFUSED' OR refusal_reason IS NOT NULL", name="ck_change_request_reason"),
        sa.CheckConstraint("status != 'APPROVED' OR change_id IS NOT NULL", name="ck_change_request_change"),
    )
    op.create_index("ix_change_request_participant_id", "change_request", ["participant_id"])
    op.create_index("ix_change_request_branch_code", "change_request", ["branch_code"])
    op.create_index("ix_change_request_status", "change_request", ["status"])
    op.create_table(
        "change_request_file",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("change_request.id"), nullable=False),
        sa.Column("document_code", sa.String(40), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_path", sa.String(200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "document_code", name="uq_change_request_file_document"),
        sa.CheckConstraint("size > 0", name="ck_change_request_file_size"),
    )
    op.create_index("ix_change_request_file_request_id", "change_request_file", ["request_id"])
    op.create_table(
        "one_time_code",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("purpose", sa.String(10), nullable=False),
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("participant.id"), nullable=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("destination", sa.String(120), nullable=False),
        sa.Column("code_hash", sa.String(255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("purpose IN ('SIGNUP', 'RESET')", name="ck_one_time_code_purpose"),
        sa.CheckConstraint("attempts >= 0", name="ck_one_time_code_attempts"),
    )
    op.create_index("ix_one_time_code_participant_id", "one_time_code", ["participant_id"])
    op.create_index("ix_one_time_code_user_id", "one_time_code", ["user_id"])


def downgrade() -> None:
    op.drop_table("one_time_code")
    op.drop_table("change_request_file")
    op.drop_table("change_request")
