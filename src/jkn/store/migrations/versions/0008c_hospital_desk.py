"""The hospital desk and the rest of VClaim (issue #13): the reason an SEP was cancelled at the desk.

Revision ID: 0008c
Revises: 0007j
"""

import sqlalchemy as sa
from alembic import op

revision = "0008c"
down_revision = "0007j"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sep") as batch:
        batch.add_column(sa.Column("deleted_reason", sa.String(500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sep") as batch:
        batch.drop_column("deleted_reason")
