"""Penalties that cannot be skipped (issue #9): the penalty charged when overdue contributions are
paid (``penalty_charge``), allocations to it, and the penalty owed kept on the payer.

Tables: jkn.store.billing_tables.

Revision ID: 0006a
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006a"
down_revision = "0006e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "penalty_charge",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("charged_on", sa.Date(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("basis", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["bill_id"], ["bill.id"], name=op.f("fk_penalty_charge_bill_id_bill")),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_penalty_charge_payer_id_payer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_penalty_charge")),
        sa.UniqueConstraint("payer_id", "charged_on", name="uq_penalty_charge_payer_id_charged_on"),
    )
    with op.batch_alter_table("payment_allocation") as batch:
        batch.add_column(sa.Column("penalty_charge_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_payment_allocation_penalty_charge_id"), ["penalty_charge_id"], unique=False)
        batch.create_foreign_key(batch.f("fk_payment_allocation_penalty_charge_id_penalty_charge"), "penalty_charge",
                                 ["penalty_charge_id"], ["id"])
    op.add_column("payer", sa.Column("penalty_owed", sa.BigInteger(), server_default="0", nullable=False))


def downgrade() -> None:
    op.drop_column("payer", "penalty_owed")
    with op.batch_alter_table("payment_allocation") as batch:
        batch.drop_constraint(batch.f("fk_payment_allocation_penalty_charge_id_penalty_charge"), type_="foreignkey")
        batch.drop_index(batch.f("ix_payment_allocation_penalty_charge_id"))
        batch.drop_column("penalty_charge_id")
    op.drop_table("penalty_charge")
