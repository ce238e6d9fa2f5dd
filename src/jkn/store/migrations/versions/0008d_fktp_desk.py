"""The FKTP desk and P-Care (issue #14): the examination of a visit, the reason of a referral
outside the kab/kota, the day's registrations and queue numbers of a clinic, a visit's drugs and
procedures, and BPJS's P-Care code lists. Tables: jkn.store.primary_care_tables, care_tables.

Revision ID: 0008d
Revises: 0007j
"""

import sqlalchemy as sa
from alembic import op

revision = "0008d"
down_revision = "0008c"
branch_labels = None
depends_on = None

WAITING = "status IN ('WAITING', 'CALLED')"
VISIT_COLUMNS = (("poli_code", sa.String(3)), ("doctor_code", sa.String(20)), ("vitals", sa.JSON()),
                 ("diagnosis2_code", sa.String(8)), ("diagnosis3_code", sa.String(8)), ("therapy", sa.Text()),
                 ("outcome", sa.String(2)), ("discharge_date", sa.Date()), ("prognosis", sa.String(2)),
                 ("deleted_at", sa.DateTime(timezone=True)))


def _now() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    for name, kind in VISIT_COLUMNS:
        op.add_column("visit", sa.Column(name, kind, nullable=True))
    op.add_column("referral", sa.Column("outside_reason", sa.Text(), nullable=True))
    op.create_table(
        "pcare_code",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent", sa.String(20), nullable=True),
        sa.Column("poli_code", sa.String(3), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "code", name="uq_pcare_code"),
    )
    op.create_index("ix_pcare_code_kind", "pcare_code", ["kind"])
    op.create_table(
        "fktp_registration",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("facility_code", sa.String(12), sa.ForeignKey("facility.code"), nullable=False),
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("participant.id"), nullable=False),
        sa.Column("registration_date", sa.Date(), nullable=False),
        sa.Column("poli_code", sa.String(3), nullable=False),
        sa.Column("queue_seq", sa.Integer(), nullable=False),
        sa.Column("queue_number", sa.String(10), nullable=False),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("care_type", sa.String(2), nullable=False),
        sa.Column("sick_visit", sa.Boolean(), nullable=False),
        sa.Column("complaint", sa.Text(), nullable=True),
        sa.Column("vitals", sa.JSON(), nullable=True),
        sa.Column("doctor_code", sa.String(20), nullable=True),
        sa.Column("doctor_name", sa.String(120), nullable=True),
        sa.Column("practice_hours", sa.String(11), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("mr_number", sa.String(40), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("called_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id"), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(80), nullable=True),
        _now(),
        sa.UniqueConstraint("facility_code", "registration_date", "queue_number", name="uq_fktp_registration_number"),
        sa.CheckConstraint("status IN ('WAITING', 'CALLED', 'SERVED', 'ABSENT', 'CANCELLED')",
                           name="ck_fktp_registration_status"),
    )
    op.create_index("ix_fktp_registration_facility_code", "fktp_registration", ["facility_code"])
    op.create_index("ix_fktp_registration_participant_id", "fktp_registration", ["participant_id"])
    op.create_index("uq_fktp_registration_one_waiting", "fktp_registration",
                    ["facility_code", "registration_date", "poli_code", "participant_id"], unique=True,
                    postgresql_where=sa.text(WAITING), sqlite_where=sa.text(WAITING))
    op.create_table(
        "visit_drug",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id"), nullable=False),
        sa.Column("drug_code", sa.String(20), nullable=True),
        sa.Column("drug_name", sa.String(200), nullable=True),
        sa.Column("compounded", sa.Boolean(), nullable=False),
        sa.Column("compound_code", sa.String(10), nullable=True),
        sa.Column("signa1", sa.Integer(), nullable=True),
        sa.Column("signa2", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("requested", sa.Integer(), nullable=True),
        _now(),
        sa.CheckConstraint("drug_code IS NOT NULL OR drug_name IS NOT NULL", name="ck_visit_drug_named"),
        sa.CheckConstraint("quantity > 0", name="ck_visit_drug_quantity"),
    )
    op.create_index("ix_visit_drug_visit_id", "visit_drug", ["visit_id"])
    op.create_table(
        "visit_procedure",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id"), nullable=False),
        sa.Column("procedure_code", sa.String(20), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("result", sa.String(40), nullable=True),
        _now(),
        sa.CheckConstraint("fee IS NULL OR fee >= 0", name="ck_visit_procedure_fee"),
    )
    op.create_index("ix_visit_procedure_visit_id", "visit_procedure", ["visit_id"])
    op.create_table(
        "prolanis_club",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("facility_code", sa.String(12), sa.ForeignKey("facility.code"), nullable=False),
        sa.Column("group_code", sa.String(2), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("address", sa.String(240), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("leader_name", sa.String(120), nullable=True),
        sa.Column("leader_phone", sa.String(20), nullable=True),
        _now(),
        sa.UniqueConstraint("facility_code", "name", name="uq_prolanis_club_name"),
        sa.CheckConstraint("group_code IN ('01', '02')", name="ck_prolanis_club_group"),
    )
    op.create_index("ix_prolanis_club_facility_code", "prolanis_club", ["facility_code"])
    op.create_table(
        "prolanis_activity",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("club_id", sa.Integer(), sa.ForeignKey("prolanis_club.id"), nullable=False),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("activity_code", sa.String(2), nullable=False),
        sa.Column("topic", sa.Text(), nullable=True),
        sa.Column("speaker", sa.String(120), nullable=True),
        sa.Column("place", sa.String(240), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("cost", sa.BigInteger(), nullable=True),
        _now(),
        sa.CheckConstraint("activity_code IN ('01', '10', '11')", name="ck_prolanis_activity_code"),
        sa.CheckConstraint("cost IS NULL OR cost >= 0", name="ck_prolanis_activity_cost"),
    )
    op.create_index("ix_prolanis_activity_club_id", "prolanis_activity", ["club_id"])
    op.create_table(
        "prolanis_attendance",
        sa.Column("activity_id", sa.Integer(), sa.ForeignKey("prolanis_activity.id"), primary_key=True),
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("participant.id"), primary_key=True),
        _now(),
    )
    op.create_table(
        "visit_mcu",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id"), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        _now(),
    )
    op.create_index("ix_visit_mcu_visit_id", "visit_mcu", ["visit_id"])


def downgrade() -> None:
    for table in ("visit_mcu", "prolanis_attendance", "prolanis_activity", "prolanis_club", "visit_procedure",
                  "visit_drug", "fktp_registration", "pcare_code"):
        op.drop_table(table)
    with op.batch_alter_table("referral") as batch:
        batch.drop_column("outside_reason")
    with op.batch_alter_table("visit") as batch:
        for name, _kind in reversed(VISIT_COLUMNS):
            batch.drop_column(name)
