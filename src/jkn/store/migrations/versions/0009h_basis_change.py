"""A-P12: the wage, pension, class and grade a data change replaces, from its effective date, so a billing
run bills the values in force on its month's first day (``basis_change``).

Revision ID: 0009h
Revises: 0009a
"""

import sqlalchemy as sa
from alembic import op

revision = "0009h"
down_revision = "0009a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "basis_change",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("participant.id"), nullable=False),
        sa.Column("change_id", sa.Integer(), sa.ForeignKey("data_change.id"), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("wage_before", sa.BigInteger(), nullable=True),
        sa.Column("pension_before", sa.BigInteger(), nullable=True),
        sa.Column("care_class_before", sa.String(3), nullable=True),
        sa.Column("grade_before", sa.String(8), nullable=True),
        sa.Column("rank_before", sa.String(60), nullable=True),
        sa.UniqueConstraint("participant_id", "change_id", name="uq_basis_change_participant_change"),
    )
    op.create_index("ix_basis_change_participant_effective", "basis_change", ["participant_id", "effective_date"])


def downgrade() -> None:
    op.drop_index("ix_basis_change_participant_effective", table_name="basis_change")
    op.drop_table("basis_change")
