"""Beds a hospital reports through Aplicares (issue #13): ``bed_room``, one row per facility, bed
class and room, with the hospital's capacity and free beds (by sex when it says so).
Table: jkn.store.bed_tables.BedRoomRow.

Revision ID: 0007j
Revises: 0007h
"""

import sqlalchemy as sa
from alembic import op

revision = "0007j"
down_revision = "0007h"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bed_room",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("facility_code", sa.String(12), sa.ForeignKey("facility.code"), nullable=False),
        sa.Column("class_code", sa.String(3), nullable=False),
        sa.Column("room_code", sa.String(20), nullable=False),
        sa.Column("room_name", sa.String(120), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("available", sa.Integer(), nullable=False),
        sa.Column("available_male", sa.Integer(), nullable=False),
        sa.Column("available_female", sa.Integer(), nullable=False),
        sa.Column("available_any", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("facility_code", "class_code", "room_code", name="uq_bed_room_facility_class_room"),
        sa.CheckConstraint("capacity >= 0 AND available >= 0 AND available <= capacity", name="ck_bed_room_available"),
        sa.CheckConstraint("available_male >= 0 AND available_female >= 0 AND available_any >= 0 "
                           "AND available_male <= capacity AND available_female <= capacity "
                           "AND available_any <= capacity", name="ck_bed_room_by_sex"),
    )
    op.create_index("ix_bed_room_facility_code", "bed_room", ["facility_code"])


def downgrade() -> None:
    op.drop_index("ix_bed_room_facility_code", table_name="bed_room")
    op.drop_table("bed_room")
