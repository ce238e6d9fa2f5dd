"""Members whose status as a child of a wage earner's core family ends soon.

Guide, ANGGOTA KELUARGA YANG DITANGGUNG 1.b: "Belum berusia 21 (dua puluh satu) tahun atau belum
berusia 25 (dua puluh lima) tahun yang masih melanjutkan pendidikan formal." The day is known in
advance (``participant.status_until``, kept by the rules engine's ``child_status_ends``; A-M15),
so the office can tell the family before it comes: bring the school's letter (EDUCATION), keep the
child as a member with an own contribution (CONTINUE_MEMBER) or let the cover end. The officers'
list (page, CLI, API) and the participant's page read it here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from jkn.domain.care import Relationship
from jkn.i18n import Msg
from jkn.rules.family import child_status_ends
from jkn.services.errors import Invalid
from jkn.services.paging import page
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.registration import family_member
from jkn.store.membership_tables import ParticipantRow

WINDOW_DAYS = 30
"""Days ahead the officers' list looks by default (the brief of issue #9)."""


def status_endings(session: Session, *, on: dt.date | None = None, days: int = WINDOW_DAYS, where: Any = None,
                   limit: int = 200, offset: int = 0) -> dict[str, Any]:
    """Members still covered on ``on`` whose status ends within ``days`` days after it (the first
    day they are no longer a child of the core family, ``ends_on``, in ``on + 1 .. on + days``),
    soonest first; ``where`` limits it to a scope (jkn.services.portal.auth.participant_filter)."""
    on = on or jakarta_today()
    if not 1 <= days <= 366:
        raise Invalid(Msg("error.membership.days_range"), field="days")
    head = aliased(ParticipantRow)
    stmt = (select(ParticipantRow, head.card_number, head.name)
            .join(head, (head.family_id == ParticipantRow.family_id) & (head.relationship == "HEAD"))
            .where(ParticipantRow.status_until >= on, ParticipantRow.status_until < on + dt.timedelta(days=days),
                   ParticipantRow.status == "ACTIVE",
                   (ParticipantRow.end_date.is_(None)) | (ParticipantRow.end_date > ParticipantRow.status_until)))
    if where is not None:
        stmt = stmt.where(where)
    return {"on": on.isoformat(), "days": days,
            **page(session, stmt.order_by(ParticipantRow.status_until, ParticipantRow.id), limit, offset,
                   lambda row: ending_view(*row), scalars=False)}


def ending_view(p: ParticipantRow, head_card: str | None = None, head_name: str | None = None) -> dict[str, Any]:
    """One member whose status ends: the day, the age then, and the rule's explanation."""
    child = family_member(p, Relationship(p.relationship), p.birth_date)
    ends = child_status_ends(child)
    return {"card_number": p.card_number, "name": p.name, "birth_date": p.birth_date.isoformat(),
            "relationship": p.relationship, "member_status": p.member_status, "segment": p.segment,
            "kabkota_code": p.kabkota_code, "family_id": p.family_id, "head_card_number": head_card,
            "head_name": head_name, "status_until": p.status_until.isoformat(), "ends_on": ends.value.isoformat(),
            "age_then": child.age_on(ends.value),
            "education_until": p.education_until.isoformat() if p.education_until else None,
            "explanation": ends.explain()}
