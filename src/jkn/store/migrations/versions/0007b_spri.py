"""SPRI (surat perintah rawat inap, issue #13): a control letter with no SEP before it. The
control_letter table gets ``kind`` (VClaim's ``jnsKontrol``: "1" SPRI, "2" post-inpatient control
letter, every existing row) and ``sep_number`` may be empty (an SPRI follows no SEP).

Revision ID: 0007b
Revises: 0007a
"""

import sqlalchemy as sa
from alembic import op

revision = "0007b"
down_revision = "0007a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("control_letter") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=1), nullable=False, server_default="2"))
        batch.alter_column("sep_number", existing_type=sa.String(length=19), nullable=True)
        batch.create_check_constraint("ck_control_letter_kind_sep",
                                      "(kind = '2' AND sep_number IS NOT NULL) OR (kind = '1' AND sep_number IS NULL)")


def downgrade() -> None:
    op.execute("DELETE FROM control_letter WHERE kind = '1'")
    with op.batch_alter_table("control_letter") as batch:
        batch.drop_constraint("ck_control_letter_kind_sep", type_="check")
        batch.alter_column("sep_number", existing_type=sa.String(length=19), nullable=False)
        batch.drop_column("kind")
