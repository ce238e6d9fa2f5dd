"""The hospital desk and the rest of VClaim (issue #13): the reason an SEP was cancelled at the desk;
claim sheets (LPK), referral-back letters (SRB, PRB) and special referrals (rujukan khusus).
Tables: jkn.store.care_tables.

Revision ID: 0008c
Revises: 0007j
"""

import sqlalchemy as sa
from alembic import op

revision = "0008c"
down_revision = "0008a"
branch_labels = None
depends_on = None


def _stamps() -> list:
    return [sa.Column("created_by", sa.String(80), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    with op.batch_alter_table("sep") as batch:
        batch.add_column(sa.Column("deleted_reason", sa.String(500), nullable=True))
    op.create_table(
        "claim_sheet",
        sa.Column("sep_number", sa.String(19), sa.ForeignKey("sep.number"), primary_key=True),
        sa.Column("facility_code", sa.String(12), sa.ForeignKey("facility.code"), nullable=False),
        sa.Column("admitted_on", sa.Date(), nullable=False),
        sa.Column("discharged_on", sa.Date(), nullable=False),
        sa.Column("guarantor", sa.String(1), nullable=False),
        sa.Column("poli_code", sa.String(3), nullable=False),
        sa.Column("care", sa.JSON(), nullable=False),
        sa.Column("diagnoses", sa.JSON(), nullable=False),
        sa.Column("procedures", sa.JSON(), nullable=False),
        sa.Column("follow_up", sa.JSON(), nullable=False),
        sa.Column("dpjp_code", sa.String(20), nullable=True),
        *_stamps(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_claim_sheet_facility_code", "claim_sheet", ["facility_code"])
    op.create_index("ix_claim_sheet_admitted_on", "claim_sheet", ["admitted_on"])
    op.create_table(
        "back_referral",
        sa.Column("number", sa.String(19), primary_key=True),
        sa.Column("sep_number", sa.String(19), sa.ForeignKey("sep.number"), nullable=False),
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("participant.id"), nullable=False),
        sa.Column("facility_code", sa.String(12), sa.ForeignKey("facility.code"), nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=False),
        sa.Column("programme", sa.String(2), nullable=False),
        sa.Column("dpjp_code", sa.String(20), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("email", sa.String(120), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("advice", sa.Text(), nullable=True),
        sa.Column("drugs", sa.JSON(), nullable=False),
        *_stamps(),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    )
    for column in ("sep_number", "participant_id", "facility_code", "letter_date"):
        op.create_index(f"ix_back_referral_{column}", "back_referral", [column])
    op.create_index("uq_back_referral_one_per_sep", "back_referral", ["sep_number"], unique=True,
                    postgresql_where=sa.text("deleted_at IS NULL"), sqlite_where=sa.text("deleted_at IS NULL"))
    op.create_table(
        "special_referral",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("referral_number", sa.String(19), sa.ForeignKey("referral.number"), nullable=False),
        sa.Column("facility_code", sa.String(12), sa.ForeignKey("facility.code"), nullable=False),
        sa.Column("diagnoses", sa.JSON(), nullable=False),
        sa.Column("procedures", sa.JSON(), nullable=False),
        *_stamps(),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_special_referral_referral_number", "special_referral", ["referral_number"])
    op.create_index("ix_special_referral_facility_code", "special_referral", ["facility_code"])
    op.create_index("uq_special_referral_one_live", "special_referral", ["referral_number"], unique=True,
                    postgresql_where=sa.text("deleted_at IS NULL"), sqlite_where=sa.text("deleted_at IS NULL"))


def downgrade() -> None:
    op.drop_table("special_referral")
    op.drop_table("back_referral")
    op.drop_table("claim_sheet")
    with op.batch_alter_table("sep") as batch:
        batch.drop_column("deleted_reason")
