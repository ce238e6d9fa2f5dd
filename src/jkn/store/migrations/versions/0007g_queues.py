"""Hospital queues (issue #14, Antrean RS): doctors' practice schedules as the hospital gives
them, queue entries and their task times. Tables: jkn.store.queue_tables.

Revision ID: 0007g
Revises: 0007b
"""

import sqlalchemy as sa
from alembic import op

revision = "0007g"
down_revision = "0007b"
branch_labels = None
depends_on = None

ACTIVE = "status = 'ACTIVE'"


def upgrade() -> None:
    op.create_table(
        "doctor_schedule",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("facility_code", sa.String(12), sa.ForeignKey("facility.code"), nullable=False),
        sa.Column("poli_code", sa.String(3), nullable=False),
        sa.Column("subspecialist_code", sa.String(8), nullable=False),
        sa.Column("doctor_code", sa.String(20), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.String(5), nullable=False),
        sa.Column("closes", sa.String(5), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("facility_code", "poli_code", "subspecialist_code", "doctor_code", "weekday", "opens",
                            name="uq_doctor_schedule_window"),
        sa.CheckConstraint("weekday BETWEEN 1 AND 8", name="ck_doctor_schedule_weekday"),
        sa.CheckConstraint("opens < closes", name="ck_doctor_schedule_hours"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="ck_doctor_schedule_capacity"),
    )
    op.create_index("ix_doctor_schedule_facility_code", "doctor_schedule", ["facility_code"])
    op.create_table(
        "hospital_queue",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("facility_code", sa.String(12), sa.ForeignKey("facility.code"), nullable=False),
        sa.Column("booking_code", sa.String(40), nullable=False),
        sa.Column("jkn", sa.Boolean(), nullable=False),
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("participant.id"), nullable=True),
        sa.Column("card_number", sa.String(13), nullable=True),
        sa.Column("nik", sa.String(16), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("poli_code", sa.String(8), nullable=False),
        sa.Column("poli_name", sa.String(120), nullable=True),
        sa.Column("new_patient", sa.Boolean(), nullable=False),
        sa.Column("mr_number", sa.String(40), nullable=True),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("doctor_code", sa.String(20), nullable=False),
        sa.Column("doctor_name", sa.String(120), nullable=True),
        sa.Column("practice_hours", sa.String(11), nullable=False),
        sa.Column("visit_type", sa.Integer(), nullable=False),
        sa.Column("reference_number", sa.String(40), nullable=True),
        sa.Column("queue_number", sa.String(20), nullable=False),
        sa.Column("queue_seq", sa.Integer(), nullable=False),
        sa.Column("estimated_ms", sa.BigInteger(), nullable=False),
        sa.Column("quota_jkn", sa.Integer(), nullable=True),
        sa.Column("quota_jkn_left", sa.Integer(), nullable=True),
        sa.Column("quota_non_jkn", sa.Integer(), nullable=True),
        sa.Column("quota_non_jkn_left", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("prescription_type", sa.String(20), nullable=True),
        sa.Column("pharmacy_number", sa.Integer(), nullable=True),
        sa.Column("pharmacy_notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("facility_code", "booking_code", name="uq_hospital_queue_booking"),
        sa.UniqueConstraint("facility_code", "service_date", "poli_code", "doctor_code", "queue_number",
                            name="uq_hospital_queue_number"),
        sa.CheckConstraint("status IN ('ACTIVE', 'DONE', 'CANCELLED')", name="ck_hospital_queue_status"),
        sa.CheckConstraint("visit_type BETWEEN 1 AND 4", name="ck_hospital_queue_visit_type"),
    )
    op.create_index("ix_hospital_queue_facility_code", "hospital_queue", ["facility_code"])
    op.create_index("ix_hospital_queue_participant_id", "hospital_queue", ["participant_id"])
    op.create_index("ix_hospital_queue_service_date", "hospital_queue", ["service_date"])
    op.create_index("uq_hospital_queue_one_active", "hospital_queue", ["facility_code", "service_date", "poli_code", "nik"],
                    unique=True, postgresql_where=sa.text(ACTIVE), sqlite_where=sa.text(ACTIVE))
    op.create_table(
        "hospital_queue_task",
        sa.Column("queue_id", sa.Integer(), sa.ForeignKey("hospital_queue.id"), primary_key=True),
        sa.Column("task_id", sa.Integer(), primary_key=True),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("task_id BETWEEN 1 AND 7 OR task_id = 99", name="ck_hospital_queue_task_id"),
    )


def downgrade() -> None:
    op.drop_table("hospital_queue_task")
    op.drop_index("uq_hospital_queue_one_active", table_name="hospital_queue")
    op.drop_table("hospital_queue")
    op.drop_table("doctor_schedule")
