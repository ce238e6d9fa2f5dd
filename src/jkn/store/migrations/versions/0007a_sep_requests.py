"""SEP requests and fingerprint validations (issue #13): a facility's backdate or
fingerprint-exception request and its approval (VClaim ``Sep/pengajuanSEP``, ``Sep/aprovalSEP``),
and the fingerprint validations a facility's device recorded (``SEP/FingerPrint/...``).
Tables: jkn.store.care_tables.SepRequestRow, FingerprintValidationRow.

Revision ID: 0007a
Revises: 0007e
"""

import sqlalchemy as sa
from alembic import op

revision = "0007a"
down_revision = "0007e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sep_request",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("facility_code", sa.String(length=12), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("sep_date", sa.Date(), nullable=False),
        sa.Column("service_type", sa.String(length=1), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=80), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approval_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["facility_code"], ["facility.code"]),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_sep_request_facility_code"), "sep_request", ["facility_code"])
    op.create_index(op.f("ix_sep_request_participant_id"), "sep_request", ["participant_id"])
    op.create_index("uq_sep_request_visit_kind", "sep_request",
                    ["facility_code", "participant_id", "sep_date", "service_type", "kind"], unique=True)
    op.create_table(
        "fingerprint_validation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("facility_code", sa.String(length=12), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["facility_code"], ["facility.code"]),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_fingerprint_validation_participant_id"), "fingerprint_validation", ["participant_id"])
    op.create_index(op.f("ix_fingerprint_validation_facility_code"), "fingerprint_validation", ["facility_code"])
    op.create_index("uq_fingerprint_validation_day", "fingerprint_validation",
                    ["participant_id", "facility_code", "service_date"], unique=True)
    op.create_index("ix_fingerprint_validation_facility_day", "fingerprint_validation",
                    ["facility_code", "service_date"])


def downgrade() -> None:
    op.drop_table("fingerprint_validation")
    op.drop_table("sep_request")
