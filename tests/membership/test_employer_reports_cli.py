"""``jkn employers leaver|transfer`` (issue #15) on SQLite and PostgreSQL: the same use cases as the
employer's page and the REST API (jkn.services.membership.employers), audited as the CLI user; a
user's mistake is said in one line, without a traceback, and changes nothing."""

from __future__ import annotations

import json

from membership.membership_helpers import ensure_facilities, ppu_family, register_shown
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jkn.cli import app
from jkn.domain.month import Month
from jkn.services.membership import employers
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.schemas import EmployerIn
from jkn.services.portal.audit import SYSTEM, Actor
from jkn.store.membership_tables import ParticipantRow
from jkn.store.portal_tables import AuditEventRow

runner = CliRunner()


def jkn(*args: str, db_url: str):
    return runner.invoke(app, [*args, "--db", db_url])


def _worker(db, employer_code: str, months_back: int) -> str:
    body = ppu_family(employer_code, children=0, tmt=(Month.of(jakarta_today()) - months_back).first_day.isoformat())
    body["head"]["care_class"] = "II"  # no wage band sourced for today (A-R09)
    return register_shown(db, body)["head_card_number"]


def _employer(db, name: str) -> str:
    with Session(db) as s:
        return employers.register_employer(s, EmployerIn(name=name, sector="SWASTA", kabkota_code="31.71",
                                                         registered_on="2014-01-02"), actor=SYSTEM)["code"]


def test_the_cli_reports_a_leaver_and_a_transfer(db, db_url):
    ensure_facilities(db)
    old, new = _employer(db, "PT Lama Jaya"), _employer(db, "PT Baru Jaya")
    this = Month.of(jakarta_today())
    leaving, moving = _worker(db, old, 2), _worker(db, old, 0)

    # mistakes: a month that is not one, another employer's worker, no document shown for a transfer
    for args in (("leaver", old, leaving, "--month", "2026-13"), ("leaver", new, leaving, "--month", str(this)),
                 ("transfer", old, moving, "--to", new)):
        r = jkn("employers", *args, db_url=db_url)
        assert r.exit_code == 2 and "Traceback" not in r.output and r.output.strip(), r.output
    with Session(db) as s:
        assert {p.status for p in s.scalars(select(ParticipantRow))} == {"ACTIVE"}

    r = jkn("employers", "leaver", old, leaving, "--month", str(this - 1), db_url=db_url)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["kind"] == "LEAVER" and json.loads(r.stdout)["effective_date"] == (this - 1).last_day.isoformat()
    checklist = jkn("participants", "checklist", "EMPLOYER", "--card", moving, db_url=db_url)
    assert checklist.exit_code == 0, checklist.output
    codes = [i["code"] for i in json.loads(checklist.stdout)["items"] if i["required"]]
    r = jkn("employers", "transfer", old, moving, "--to", new, *[x for c in codes for x in ("--document", c)],
            db_url=db_url)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["effective_date"] == (this + 1).first_day.isoformat()
    with Session(db) as s:
        rows = {p.card_number: p for p in s.scalars(select(ParticipantRow).where(
            ParticipantRow.card_number.in_([leaving, moving])))}
        assert (rows[leaving].status, rows[leaving].end_date) == ("INACTIVE", (this - 1).last_day)
        assert rows[moving].status == "ACTIVE"
        audited = s.execute(select(AuditEventRow.action, AuditEventRow.object_id, AuditEventRow.actor).where(
            AuditEventRow.action.in_(["participant.change.leaver", "participant.change.employer"]))).all()
    assert sorted((a, o) for a, o, _ in audited) == [("participant.change.employer", moving),
                                                    ("participant.change.leaver", leaving)]
    assert {actor for *_x, actor in audited} == {Actor.cli().name}
