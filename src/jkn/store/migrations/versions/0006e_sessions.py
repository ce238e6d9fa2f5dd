"""Log-in defence and server-side sessions (issue #10): no lock-out column, the failed log-ins an
owner has not been told of, the device of an attempt, and one row per portal session.

Tables: jkn.store.portal_tables.

Revision ID: 0006e
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006e"
down_revision = "0006f"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("user_account") as table:
        table.drop_column("locked_until")
        table.add_column(sa.Column("failed_since", TZ, nullable=True))
    op.add_column("login_attempt", sa.Column("device", sa.String(32), nullable=True))
    op.create_index("ix_login_attempt_client_at", "login_attempt", ["client", "at"])
    op.create_index("ix_login_attempt_device_at", "login_attempt", ["device", "at"])
    op.create_table(
        "user_session",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(64), nullable=True),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("seen_at", TZ, nullable=False),
        sa.Column("ended_at", TZ, nullable=True),
        sa.Column("end_reason", sa.String(20), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("failed_since", TZ, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_user_session_user_id_user_account"),
        sa.PrimaryKeyConstraint("id", name="pk_user_session"),
    )
    op.create_index("ix_user_session_user_id", "user_session", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_user_session_user_id", table_name="user_session")
    op.drop_table("user_session")
    op.drop_index("ix_login_attempt_device_at", table_name="login_attempt")
    op.drop_index("ix_login_attempt_client_at", table_name="login_attempt")
    with op.batch_alter_table("login_attempt") as table:
        table.drop_column("device")
    with op.batch_alter_table("user_account") as table:
        table.drop_column("failed_since")
        table.add_column(sa.Column("locked_until", TZ, nullable=True))
