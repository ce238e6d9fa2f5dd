"""Portal: user accounts, login attempts, audit log, complaints (issue #6).

Tables: jkn.store.portal_tables.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(60), nullable=False),
        sa.Column("full_name", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("deputy_region_code", sa.String(2), nullable=True),
        sa.Column("branch_code", sa.String(3), nullable=True),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("facility_code", sa.String(12), nullable=True),
        sa.Column("email", sa.String(120), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
        sa.Column("last_login_at", TZ, nullable=True),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["deputy_region_code"], ["deputy_region.code"], name="fk_user_account_deputy_region_code_deputy_region"),
        sa.ForeignKeyConstraint(["branch_code"], ["branch.code"], name="fk_user_account_branch_code_branch"),
        sa.ForeignKeyConstraint(["employer_id"], ["employer.id"], name="fk_user_account_employer_id_employer"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], name="fk_user_account_participant_id_participant"),
        sa.ForeignKeyConstraint(["facility_code"], ["facility.code"], name="fk_user_account_facility_code_facility"),
        sa.PrimaryKeyConstraint("id", name="pk_user_account"),
        sa.UniqueConstraint("username", name="uq_user_account_username"),
    )
    op.create_index("ix_user_account_role", "user_account", ["role"])
    op.create_index("ix_user_account_branch_code", "user_account", ["branch_code"])

    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(60), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("client", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempt"),
    )
    op.create_index("ix_login_attempt_username_at", "login_attempt", ["username", "at"])

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(20), nullable=True),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=True),
        sa.Column("object_id", sa.String(60), nullable=True),
        sa.Column("branch_code", sa.String(3), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("client", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"], name="fk_audit_event_actor_id_user_account"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_event"),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_actor_id", "audit_event", ["actor_id"])
    op.create_index("ix_audit_event_action", "audit_event", ["action"])
    op.create_index("ix_audit_event_branch_code", "audit_event", ["branch_code"])
    op.create_index("ix_audit_event_object", "audit_event", ["object_type", "object_id"])

    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("complainant_name", sa.String(120), nullable=False),
        sa.Column("complainant_contact", sa.String(120), nullable=True),
        sa.Column("kabkota_code", sa.String(5), nullable=False),
        sa.Column("branch_code", sa.String(3), nullable=False),
        sa.Column("facility_code", sa.String(12), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("due_at", TZ, nullable=False),
        sa.Column("assigned_at", TZ, nullable=True),
        sa.Column("answered_at", TZ, nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], name="fk_complaint_participant_id_participant"),
        sa.ForeignKeyConstraint(["kabkota_code"], ["kabkota.code"], name="fk_complaint_kabkota_code_kabkota"),
        sa.ForeignKeyConstraint(["branch_code"], ["branch.code"], name="fk_complaint_branch_code_branch"),
        sa.ForeignKeyConstraint(["facility_code"], ["facility.code"], name="fk_complaint_facility_code_facility"),
        sa.ForeignKeyConstraint(["assigned_to_id"], ["user_account.id"], name="fk_complaint_assigned_to_id_user_account"),
        sa.ForeignKeyConstraint(["filed_by_id"], ["user_account.id"], name="fk_complaint_filed_by_id_user_account"),
        sa.PrimaryKeyConstraint("id", name="pk_complaint"),
        sa.UniqueConstraint("number", name="uq_complaint_number"),
    )
    op.create_index("ix_complaint_participant_id", "complaint", ["participant_id"])
    op.create_index("ix_complaint_assigned_to_id", "complaint", ["assigned_to_id"])
    op.create_index("ix_complaint_branch_code_status", "complaint", ["branch_code", "status"])

    op.create_table(
        "complaint_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("action", sa.String(12), nullable=False),
        sa.Column("from_status", sa.String(12), nullable=True),
        sa.Column("to_status", sa.String(12), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"], name="fk_complaint_event_complaint_id_complaint"),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_event"),
    )
    op.create_index("ix_complaint_event_complaint_id", "complaint_event", ["complaint_id"])


def downgrade() -> None:
    op.drop_table("complaint_event")
    op.drop_table("complaint")
    op.drop_table("audit_event")
    op.drop_table("login_attempt")
    op.drop_table("user_account")
