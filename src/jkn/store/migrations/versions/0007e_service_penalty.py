"""Late-payment regimes (issue #12): the service penalty (denda pelayanan) of inpatient SEPs closed
with their INA-CBG amount within 45 days of reactivation. Table: jkn.store.billing_tables.ServicePenaltyRow.

Revision ID: 0007e
Revises: 0007c
"""

import sqlalchemy as sa
from alembic import op

revision = "0007e"
down_revision = "0007c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_penalty",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sep_number", sa.String(length=19), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("admitted_on", sa.Date(), nullable=False),
        sa.Column("discharged_on", sa.Date(), nullable=False),
        sa.Column("ina_cbg_amount", sa.BigInteger(), nullable=False),
        sa.Column("reactivated_on", sa.Date(), nullable=True),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("rate_pct", sa.String(length=8), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("exempt", sa.String(length=24), nullable=True),
        sa.Column("unable_to_pay", sa.Boolean(), nullable=False),
        sa.Column("paid_amount", sa.BigInteger(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sep_number"], ["sep.number"], name=op.f("fk_service_penalty_sep_number_sep")),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"],
                                name=op.f("fk_service_penalty_participant_id_participant")),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_service_penalty_payer_id_payer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_penalty")),
        sa.UniqueConstraint("sep_number", name=op.f("uq_service_penalty_sep_number")),
    )
    op.create_index(op.f("ix_service_penalty_participant_id"), "service_penalty", ["participant_id"], unique=False)
    op.create_index(op.f("ix_service_penalty_payer_id"), "service_penalty", ["payer_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_service_penalty_payer_id"), table_name="service_penalty")
    op.drop_index(op.f("ix_service_penalty_participant_id"), table_name="service_penalty")
    op.drop_table("service_penalty")
