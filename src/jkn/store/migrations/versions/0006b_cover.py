"""Cover that is right (issue #9): a member's status ends on a known day; cover starts with the
first payment.

participant.education_until (end of formal education on the school's letter), status_until (last
day a wage earner's child is one by age), covered_from (first day of cover; NULL = first
contribution not yet paid). Existing rows are filled from what the registry and the ledger already
say: PBI from tmt; others from the first paid bill carrying them (or their head, for the members
the head's contribution covers); children of wage earners end at the 21st birthday (no end date of
education was recorded: assumption A-M16).

Revision ID: 0006b
Revises: 0006h
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0006b"
down_revision = "0006h"
branch_labels = None
depends_on = None

CHILDREN = "('CHILD_NATURAL', 'CHILD_STEP', 'CHILD_ADOPTED')"
VETERANS = "('BP_JANDA_DUDA_YATIM_VETERAN_PERINTIS', 'BP_PERINTIS', 'BP_VETERAN')"


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
    # the first bill carrying the person paid in full: the date of the last payment allocated to it
    bind.execute(sa.text(
        "UPDATE participant SET covered_from = CASE WHEN x.paid > participant.tmt THEN x.paid ELSE participant.tmt END "
        "FROM (SELECT l.participant_id, min(bp.paid) AS paid FROM bill_line l JOIN (SELECT a.bill_id, max(p.paid_on) AS paid"
        " FROM payment_allocation a JOIN payment p ON p.id = a.payment_id JOIN bill b ON b.id = a.bill_id"
        " WHERE b.status = 'PAID' GROUP BY a.bill_id) bp ON bp.bill_id = l.bill_id GROUP BY l.participant_id) x "
        "WHERE participant.id = x.participant_id AND participant.covered_from IS NULL"))
    # members the head's contribution covers follow the head
    bind.execute(sa.text(
        "UPDATE participant SET covered_from = CASE WHEN h.covered_from > participant.tmt THEN h.covered_from"
        " ELSE participant.tmt END FROM participant h WHERE h.family_id = participant.family_id"
        " AND h.relationship = 'HEAD' AND h.covered_from IS NOT NULL AND participant.covered_from IS NULL"
        f" AND participant.relationship <> 'HEAD' AND (participant.member_status = 'CORE'"
        f" OR participant.segment IN {VETERANS})"))


def downgrade() -> None:
    op.drop_index(op.f("ix_participant_status_until"), table_name="participant")
    for column in ("covered_from", "status_until", "education_until"):  # ALTER TABLE .. DROP COLUMN (SQLite >= 3.35)
        op.drop_column("participant", column)
