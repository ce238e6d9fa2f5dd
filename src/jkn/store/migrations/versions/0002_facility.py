"""Health facilities (guide, "Fasilitas Kesehatan Bagi Peserta").

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "facility",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("facility_type", sa.String(40), nullable=False),
        sa.Column("kabkota_code", sa.String(5), sa.ForeignKey("kabkota.code", name="fk_facility_kabkota_code_kabkota"), nullable=False),
        sa.Column("partnership", sa.String(12), nullable=False),
        sa.Column("network_of", sa.String(12), sa.ForeignKey("facility.code", name="fk_facility_network_of_facility")),
        sa.Column("address", sa.String(240)),
        sa.Column("phone", sa.String(40)),
    )
    op.create_index("ix_facility_level", "facility", ["level"])
    op.create_index("ix_facility_kabkota_code", "facility", ["kabkota_code"])


def downgrade() -> None:
    op.drop_table("facility")
