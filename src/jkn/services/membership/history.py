"""Audit history of participants, readable for any date.

Each row of ``participant_history`` says who changed what (before → after), when it takes effect
in the world (``effective_date``) and when the office learned of it (``recorded_on``; the system
clock is in ``recorded_at``). "What did we know on 2014-08-01?" replays the rows recorded on or
before that day whose effective date is on or before it: the participant as known then.
A different ``known_on`` asks "what was valid on D, as we knew it on K" (e.g. after a late report).
Assumption A-M09 (docs/assumptions.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.errors import NotFound
from jkn.services.membership.common import get_participant
from jkn.store.membership_tables import DataChangeRow, ParticipantHistoryRow


def history(session: Session, card_number: str) -> dict[str, Any]:
    """Every recorded change of the participant, oldest first."""
    p = get_participant(session, card_number)
    rows = session.execute(
        select(ParticipantHistoryRow, DataChangeRow.request)
        .join(DataChangeRow, DataChangeRow.id == ParticipantHistoryRow.change_id)
        .where(ParticipantHistoryRow.participant_id == p.id)
        .order_by(ParticipantHistoryRow.recorded_at, ParticipantHistoryRow.id)).all()
    return {"card_number": p.card_number, "entries": [
        {"change_id": h.change_id, "kind": h.kind, "effective_date": h.effective_date.isoformat(),
         "recorded_on": h.recorded_on.isoformat(), "recorded_at": h.recorded_at.isoformat(), "actor": h.actor,
         "before": h.before, "after": h.after} for h, _req in rows]}


def participant_as_of(session: Session, card_number: str, on: dt.date, known_on: dt.date | None = None) -> dict[str, Any]:
    """The participant valid on ``on`` as known on ``known_on`` (default: the same day)."""
    known_on = known_on or on
    p = get_participant(session, card_number)
    rows = session.scalars(
        select(ParticipantHistoryRow)
        .where(ParticipantHistoryRow.participant_id == p.id, ParticipantHistoryRow.effective_date <= on,
               ParticipantHistoryRow.recorded_on <= known_on)
        .order_by(ParticipantHistoryRow.effective_date, ParticipantHistoryRow.recorded_at,
                  ParticipantHistoryRow.id)).all()
    registration = next((r for r in rows if r.before is None), None)
    if registration is None:
        raise NotFound(Msg("error.membership.not_registered_on", card_number=str(card_number), on=on.isoformat(),
                           known_on=known_on.isoformat()), card_number=p.card_number)
    state: dict[str, Any] = {}
    applied = []
    for r in [registration] + [r for r in rows if r is not registration]:
        state.update(r.after)
        applied.append({"change_id": r.change_id, "kind": r.kind, "effective_date": r.effective_date.isoformat(),
                        "recorded_on": r.recorded_on.isoformat(), "actor": r.actor})
    return {"card_number": p.card_number, "valid_on": on.isoformat(), "known_on": known_on.isoformat(),
            "state": state, "changes_applied": applied}
