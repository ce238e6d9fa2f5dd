"""Issue #13: the accident details of an SEP (VClaim ``t_sep.jaminan.penjamin``, suplesi, location,
police report), one row per accident SEP, what ``sep/KllInduk/List``, ``sep/JasaRaharja/Suplesi`` and
``monitoring/JasaRaharja`` answer from; and internal referrals between a hospital's clinics (VClaim
``SEP/Internal``, assumption A-V50).

Revision ID: 0009a
Revises: 0008h
"""

import sqlalchemy as sa
from alembic import op

revision = "0009a"
down_revision = "0009b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sep_accident",
        sa.Column("sep_number", sa.String(19), sa.ForeignKey("sep.number"), primary_key=True),
        sa.Column("accident_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("guarantors", sa.String(20), nullable=True),
        sa.Column("supplement_of", sa.String(19), sa.ForeignKey("sep.number"), nullable=True),
        sa.Column("province_code", sa.String(2), nullable=True),
        sa.Column("regency_code", sa.String(4), nullable=True),
        sa.Column("district_code", sa.String(10), nullable=True),
        sa.Column("police_report", sa.String(40), nullable=True),
        sa.CheckConstraint("supplement_of IS NULL OR supplement_of <> sep_number", name="ck_sep_accident_not_itself"),
    )
    op.create_index("ix_sep_accident_supplement_of", "sep_accident", ["supplement_of"])
    op.create_table(
        "sep_internal",
        sa.Column("number", sa.String(19), primary_key=True),
        sa.Column("from_sep", sa.String(19), sa.ForeignKey("sep.number"), nullable=False),
        sa.Column("sep_number", sa.String(19), sa.ForeignKey("sep.number"), nullable=False, unique=True),
        sa.Column("facility_code", sa.String(12), sa.ForeignKey("facility.code"), nullable=False),
        sa.Column("referral_date", sa.Date(), nullable=False),
        sa.Column("from_poli", sa.String(3), nullable=False),
        sa.Column("to_poli", sa.String(3), nullable=False),
        sa.Column("doctor_code", sa.String(20), nullable=True),
        sa.Column("diagnosis_code", sa.String(8), nullable=False),
        sa.Column("support_code", sa.String(2), nullable=True),
        sa.Column("procedure_flag", sa.String(1), nullable=True),
        sa.Column("assessment", sa.String(1), nullable=True),
        sa.Column("created_by", sa.String(80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.String(80), nullable=True),
    )
    op.create_index("ix_sep_internal_from_sep", "sep_internal", ["from_sep"])


def downgrade() -> None:
    op.drop_index("ix_sep_internal_from_sep", table_name="sep_internal")
    op.drop_table("sep_internal")
    op.drop_index("ix_sep_accident_supplement_of", table_name="sep_accident")
    op.drop_table("sep_accident")
