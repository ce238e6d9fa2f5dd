"""Mobile JKN at a hospital's own web service (issue #14): the service a hospital registers (base
URL, user, sealed password) and the participant's check-in time on a hospital queue entry.
Tables: jkn.store.queue_tables.

Revision ID: 0009b
Revises: 0008h
"""

import sqlalchemy as sa
from alembic import op

revision = "0009b"
down_revision = "0008h"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("hospital_queue", sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "mobile_jkn_service",
        sa.Column("facility_code", sa.String(12), sa.ForeignKey("facility.code"), primary_key=True),
        sa.Column("base_url", sa.String(300), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("password_sealed", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("mobile_jkn_service")
    with op.batch_alter_table("hospital_queue") as batch:
        batch.drop_column("checked_in_at")
