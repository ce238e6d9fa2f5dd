"""Integrity under attack (issue #10): one live SEP per visit held by the database, and the VClaim
write requests already answered (replay defence). Tables: jkn.store.care_tables.

SEPs that concurrent inserts duplicated before this revision are withdrawn (all but the first
number of each visit), so that the unique index can be built; they stay in the table, marked.

Revision ID: 0006f
Revises: 0005
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0006f"
down_revision = "0005"
branch_labels = None
depends_on = None

LIVE = "deleted_at IS NULL"
NO_POLI = "deleted_at IS NULL AND poli_code IS NULL"
WITHDRAW_DUPLICATES = sa.text("""
UPDATE sep SET deleted_at = :now, deleted_by = 'migration 0006f: duplicate SEP'
WHERE deleted_at IS NULL AND EXISTS (
  SELECT 1 FROM sep AS first
  WHERE first.deleted_at IS NULL AND first.participant_id = sep.participant_id
    AND first.facility_code = sep.facility_code AND first.service_type = sep.service_type
    AND coalesce(first.poli_code, '') = coalesce(sep.poli_code, '') AND first.sep_date = sep.sep_date
    AND first.number < sep.number)
""").bindparams(sa.bindparam("now", type_=sa.DateTime(timezone=True)))


def upgrade() -> None:
    op.get_bind().execute(WITHDRAW_DUPLICATES, {"now": dt.datetime.now(dt.timezone.utc)})
    op.create_index("uq_sep_one_per_visit", "sep",
                    ["participant_id", "facility_code", "service_type", "poli_code", "sep_date"], unique=True,
                    postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))
    op.create_index("uq_sep_one_per_visit_no_poli", "sep",
                    ["participant_id", "facility_code", "service_type", "sep_date"], unique=True,
                    postgresql_where=sa.text(NO_POLI), sqlite_where=sa.text(NO_POLI))
    op.create_table(
        "vclaim_request",
        sa.Column("cons_id", sa.String(16), nullable=False),
        sa.Column("x_timestamp", sa.String(32), nullable=False),
        sa.Column("signature", sa.String(88), nullable=False),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cons_id", "x_timestamp", "signature", name=op.f("pk_vclaim_request")),
    )
    op.create_index(op.f("ix_vclaim_request_received_at"), "vclaim_request", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_table("vclaim_request")
    op.drop_index("uq_sep_one_per_visit_no_poli", table_name="sep")
    op.drop_index("uq_sep_one_per_visit", table_name="sep")
