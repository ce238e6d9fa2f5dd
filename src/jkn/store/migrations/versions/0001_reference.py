"""Work-area reference tables (Perdir 19/2017) and database meta.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deputy_region",
        sa.Column("code", sa.String(2), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("klass", sa.String(8), nullable=False),
    )
    op.create_table(
        "branch",
        sa.Column("code", sa.String(3), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("klass", sa.String(8), nullable=False),
        sa.Column("deputy_region_code", sa.String(2), sa.ForeignKey("deputy_region.code", name="fk_branch_deputy_region_code_deputy_region"), nullable=False),
        sa.Column("seat_kabkota_code", sa.String(5)),
    )
    op.create_index("ix_branch_deputy_region_code", "branch", ["deputy_region_code"])
    op.create_table(
        "kabkota",
        sa.Column("code", sa.String(5), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("jenis", sa.String(10), nullable=False),
        sa.Column("province_code", sa.String(2), nullable=False),
        sa.Column("province", sa.String(80), nullable=False),
        sa.Column("branch_code", sa.String(3), sa.ForeignKey("branch.code", name="fk_kabkota_branch_code_branch"), nullable=False),
        sa.Column("district_office_class", sa.String(8)),
    )
    op.create_index("ix_kabkota_branch_code", "kabkota", ["branch_code"])
    op.create_table(
        "jkn_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(256), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("jkn_meta")
    op.drop_table("kabkota")
    op.drop_table("branch")
    op.drop_table("deputy_region")
