"""The care serial's prefix widened to 40 characters: the hospital queue counter of a clinic,
doctor and day (``queues.add_queue`` numbers an entry the hospital leaves unnumbered, A-Q14) is
named by the hospital, clinic, doctor and date.

Revision ID: 0008h
Revises: 0008e
"""

import sqlalchemy as sa
from alembic import op

revision = "0008h"
down_revision = "0008e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("care_serial") as batch:
        batch.alter_column("prefix", type_=sa.String(40), existing_type=sa.String(16), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("care_serial") as batch:
        batch.alter_column("prefix", type_=sa.String(16), existing_type=sa.String(40), existing_nullable=False)
