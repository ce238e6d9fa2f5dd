"""P-Care users (issue #14): the facility's P-Care user name, password hash and application code
checked from ``X-Authorization``. Table: jkn.store.pcare_tables.

Revision ID: 0007h
Revises: 0007g
"""

import sqlalchemy as sa
from alembic import op

revision = "0007h"
down_revision = "0007g"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pcare_user",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("facility_code", sa.String(12), sa.ForeignKey("facility.code"), nullable=False),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("app_code", sa.String(10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("facility_code", "username", name="uq_pcare_user_name"),
    )
    op.create_index("ix_pcare_user_facility_code", "pcare_user", ["facility_code"])


def downgrade() -> None:
    op.drop_table("pcare_user")
