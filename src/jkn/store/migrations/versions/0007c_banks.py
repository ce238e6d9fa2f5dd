"""Banks host-to-host (issue #15): bank credentials and payment reversals.

Tables: jkn.store.bank_tables.

Revision ID: 0007c
Revises: 0006b
"""

import sqlalchemy as sa
from alembic import op

revision = "0007c"
down_revision = "0006b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bank_client",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("va_prefix", sa.String(8), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_bank_client")),
    )
    op.create_table(
        "payment_reversal",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("reversed_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"], name=op.f("fk_payment_reversal_payment_id_payment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_reversal")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_payment_reversal_payment_id")),
        sa.UniqueConstraint("reference", name="uq_payment_reversal_reference"),
    )


def downgrade() -> None:
    op.drop_table("payment_reversal")
    op.drop_table("bank_client")
