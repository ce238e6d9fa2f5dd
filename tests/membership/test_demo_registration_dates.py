"""A demo family's registration is dated on its own registration day (its TMT in the demo), by the
demo's actor, as a single registration records it: not on the demo's first month (QA: a family with
TMT 1 Feb 2025 showed its registration on 1 Dec 2024)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.demo.population import build_demo
from jkn.services.portal.audit import Actor
from jkn.store.bootstrap import prepare_database
from jkn.store.membership_tables import CardIssueRow, ParticipantHistoryRow, ParticipantRow


def test_demo_history_and_first_card_are_dated_on_the_familys_registration(tmp_path):
    engine = prepare_database(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    actor = Actor("cli:demo-tester", role="CLI", client="cli")
    build_demo(engine, participants=60, seed=3, start=Month(2024, 12), months=3, actor=actor)
    with Session(engine) as s:
        rows = s.execute(select(ParticipantRow.tmt, ParticipantHistoryRow.recorded_on, ParticipantHistoryRow.actor,
                                CardIssueRow.issued_on)
                         .join(ParticipantHistoryRow, ParticipantHistoryRow.participant_id == ParticipantRow.id)
                         .join(CardIssueRow, CardIssueRow.participant_id == ParticipantRow.id)
                         .where(ParticipantHistoryRow.kind == "DEMO", CardIssueRow.reason == "NEW")).all()
    assert rows and any(tmt > Month(2024, 12).first_day for tmt, *_ in rows)  # some families join later
    assert all(recorded == tmt == issued for tmt, recorded, _, issued in rows), rows[:5]
    assert {who for _, _, who, _ in rows} == {"cli:demo-tester"}
