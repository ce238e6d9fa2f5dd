"""Cover that is right (issue #9): a member's status ends on a known day; cover starts with the
first payment.

participant.education_until (end of formal education on the school's letter), status_until (last
day a wage earner's child is one by age), covered_from (first day of cover; NULL = first
contribution not yet paid). Existing rows are filled from what the registry and the ledger already
say: PBI from tmt; others from the first paid bill carrying them (or their head, for the members
the head's contribution covers); children of wage earners end at the 21st birthday (no end date of
education was recorded: assumption A-M16).

Revision ID: 0006b
Revises: 0005
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0006b"
down_revision = "0005"
branch_labels = None
depends_on = None

CHILDREN = "('CHILD_NATURAL', 'CHILD_STEP', 'CHILD_ADOPTED')"
VETERANS = "('BP_JANDA_DUDA_YATIM_VETERAN_PERINTIS', 'BP_PERINTIS', 'BP_VETERAN')"
PAID = "b.status = 'PAID' AND b.paid_on IS NOT NULL"


def _day_before_21st_birthday(born: dt.date) -> dt.date:
    try:
        return born.replace(year=born.year + 21) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return dt.date(born.year + 21, 2, 28)


def upgrade() -> None:
    op.add_column("participant", sa.Column("education_until", sa.Date(), nullable=True))
    op.add_column("participant", sa.Column("status_until", sa.Date(), nullable=True))
    op.add_column("participant", sa.Column("covered_from", sa.Date(), nullable=True))
    op.create_index(op.f("ix_participant_status_until"), "participant", ["status_until"], unique=False)
    bind = op.get_bind()
    children = bind.execute(sa.text(
        f"SELECT id, birth_date FROM participant WHERE member_status IN ('CORE', 'ADDITIONAL') "
        f"AND relationship IN {CHILDREN}")).all()
    rows = [{"pid": pid, "until": _day_before_21st_birthday(born if isinstance(born, dt.date)
                                                             else dt.date.fromisoformat(born))}
            for pid, born in children]
    if rows:
        bind.execute(sa.text("UPDATE participant SET status_until = :until WHERE id = :pid"), rows)
    bind.execute(sa.text("UPDATE participant SET covered_from = tmt WHERE segment = 'PBI'"))
    bind.execute(sa.text(
        "UPDATE participant SET covered_from = (SELECT CASE WHEN min(b.paid_on) > participant.tmt THEN min(b.paid_on)"
        " ELSE participant.tmt END FROM bill_line l JOIN bill b ON b.id = l.bill_id"
        f" WHERE l.participant_id = participant.id AND {PAID}) WHERE covered_from IS NULL AND EXISTS"
        f" (SELECT 1 FROM bill_line l JOIN bill b ON b.id = l.bill_id WHERE l.participant_id = participant.id AND {PAID})"))
    bind.execute(sa.text(
        "UPDATE participant SET covered_from = (SELECT CASE WHEN h.covered_from > participant.tmt THEN h.covered_from"
        " ELSE participant.tmt END FROM participant h WHERE h.family_id = participant.family_id"
        " AND h.relationship = 'HEAD') WHERE covered_from IS NULL AND relationship <> 'HEAD'"
        f" AND (member_status = 'CORE' OR segment IN {VETERANS}) AND EXISTS (SELECT 1 FROM participant h"
        " WHERE h.family_id = participant.family_id AND h.relationship = 'HEAD' AND h.covered_from IS NOT NULL)"))


def downgrade() -> None:
    op.drop_index(op.f("ix_participant_status_until"), table_name="participant")
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("covered_from")
        batch.drop_column("status_until")
        batch.drop_column("education_until")
