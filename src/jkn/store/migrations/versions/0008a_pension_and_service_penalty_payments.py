"""State pensioners' pension and the payments of service penalties (issue #12):
``participant.pension`` — the monthly pension a state pensioner's 5% is taken of from 2018-10
(Perpres 82/2018; assumption A-R06) — and ``service_penalty_payment``, one row per payment and
service penalty it paid (jkn.rules.settlement, assumption A-R13), kept so that a reversal takes
it off again. Tables: jkn.store.membership_tables.ParticipantRow, jkn.store.billing_tables.
ServicePenaltyPaymentRow.

Revision ID: 0008a
Revises: 0007j
"""

import sqlalchemy as sa
from alembic import op

revision = "0008a"
down_revision = "0007j"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("participant", sa.Column("pension", sa.BigInteger(), nullable=True))
    op.create_table(
        "service_penalty_payment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("payment_id", sa.Integer(), sa.ForeignKey("payment.id"), nullable=False),
        sa.Column("service_penalty_id", sa.Integer(), sa.ForeignKey("service_penalty.id"), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payment_id", "service_penalty_id", name="uq_service_penalty_payment"),
        sa.CheckConstraint("amount > 0", name="ck_service_penalty_payment_amount"),
    )
    op.create_index("ix_service_penalty_payment_service_penalty_id", "service_penalty_payment", ["service_penalty_id"])


def downgrade() -> None:
    op.drop_index("ix_service_penalty_payment_service_penalty_id", table_name="service_penalty_payment")
    op.drop_table("service_penalty_payment")
    op.drop_column("participant", "pension")  # ALTER TABLE .. DROP COLUMN (SQLite >= 3.35), no table copy
