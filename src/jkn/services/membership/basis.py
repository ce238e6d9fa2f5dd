"""The values a bill is computed on — a participant's wage, pension, class and grade (or rank) — as
in force on a day (assumptions A-P12, A-P16).

A data change takes effect on its effective date, but the participant's record holds its values
as soon as it is recorded (an employer's wage update is recorded this month for the 1st of the next).
So each change that replaces any of them writes, per participant, the values it replaced and
its effective date (``basis_change``). The values in force on a day are those before the first
change effective after that day — and, when there is none, the ones on record. Both billing paths
read them here: the single path through :func:`in_force`, the batch SQL through :func:`first_after_sql`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.services.membership.common import snapshot
from jkn.store.membership_tables import BasisChangeRow, DataChangeRow, ParticipantRow

#: the fields of a participant a bill is computed on (the engine checks a state pensioner's class
#: against the grade, so the two are read as of the same day)
FIELDS = ("wage", "pension", "care_class", "grade", "rank")


def record(session: Session, change: DataChangeRow, members: Iterable[ParticipantRow],
           before: dict[int, dict[str, Any]]) -> None:
    """One row per member (``before``: snapshots taken before the change) whose wage, pension,
    class or grade the change replaced, with the values it had."""
    for m in members:
        was = before.get(m.id)
        if was is None:
            continue  # a member the change added has no earlier values
        now = snapshot(m)
        if any(was[f] != now[f] for f in FIELDS):
            session.add(BasisChangeRow(participant_id=m.id, change_id=change.id, effective_date=change.effective_date,
                                       **{f"{f}_before": was[f] for f in FIELDS}))


class InForce:
    """A participant as billed on a day: the record, with the FIELDS in force then."""

    def __init__(self, row: ParticipantRow, replaced: BasisChangeRow):
        self._row = row
        for f in FIELDS:
            setattr(self, f, getattr(replaced, f"{f}_before"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def in_force(session: Session, day: dt.date):
    """A function giving a participant record as billed on ``day``: the record itself, or — when a
    change effective after ``day`` replaced its FIELDS — the values before it."""
    first: dict[int, BasisChangeRow] = {}
    for r in session.scalars(select(BasisChangeRow).where(BasisChangeRow.effective_date > day)
                             .order_by(BasisChangeRow.effective_date, BasisChangeRow.id)):
        first.setdefault(r.participant_id, r)
    return lambda p: InForce(p, first[p.id]) if p.id in first else p


def first_after_sql(participant_id: str, day: str) -> str:
    """SQL: the id of the first ``basis_change`` of participant ``participant_id`` effective after
    ``day`` (NULL: none, the record's values are in force) — a correlated subquery that SQLite and
    PostgreSQL both run."""
    return (f"(SELECT c.id FROM basis_change c WHERE c.participant_id = {participant_id} AND c.effective_date > {day}"
            " ORDER BY c.effective_date, c.id LIMIT 1)")


def in_force_sql(participant: str, name: str, day: str) -> str:
    """SQL: field ``name`` (one of FIELDS) of the participant row ``participant`` as in force on ``day``."""
    first = first_after_sql(f"{participant}.id", day)
    return (f"CASE WHEN {first} IS NULL THEN {participant}.{name}"
            f" ELSE (SELECT b.{name}_before FROM basis_change b WHERE b.id = {first}) END")
