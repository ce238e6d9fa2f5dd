"""Every command docs/antrean.md prints works as printed (on SQLite and PostgreSQL); the
hospital's Mobile JKN service it registers keeps its password sealed."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from jkn.cli import app
from jkn.services.care import facilities, mobile_jkn_services
from jkn.services.portal.audit import SYSTEM
from jkn.store.engine import session_factory
from jkn.store.queue_tables import DoctorScheduleRow, MobileJknServiceRow

DOC = Path(__file__).resolve().parents[2] / "docs" / "antrean.md"


def doc_commands() -> list[list[str]]:
    blocks = re.findall(r"```bash\n(.*?)```", DOC.read_text(), re.S)
    return [shlex.split(line)[1:] for block in blocks for line in block.splitlines() if line.startswith("jkn ")]


def test_the_documented_commands_run(db, db_url):
    with session_factory(db)() as s:
        facilities.register_facility(s, name="RSUD DOC", facility_type="RSUD", kabkota_code="32.73", code="3273R001",
                                     actor=SYSTEM)
    commands = doc_commands()
    assert [c[:3] for c in commands] == [["care", "facility", "staff-add"], ["care", "schedule", "set"],
                                         ["care", "schedule", "list"], ["care", "consumer", "create"],
                                         ["care", "mobilejkn", "register"], ["care", "mobilejkn", "show"]]
    out = []
    for args in commands:
        r = CliRunner().invoke(app, [*args, "--db", db_url])
        assert r.exit_code == 0, (args, r.output)
        out.append(r.stdout)
    listed = json.loads(out[2])
    assert [(w["weekday"], w["opens"], w["closes"], w["capacity"]) for w in listed] == [(1, "08:00", "12:00", 30),
                                                                                          (3, "13:00", "17:00", None)]
    assert "/vclaim-rest" in out[3] and "/antreanrs" in out[3] and "user key" in out[3].lower()
    with session_factory(db)() as s:
        assert len(s.scalars(select(DoctorScheduleRow)).all()) == 2
        # the hospital's Mobile JKN service: registered with its password sealed, shown without it
        sealed = s.get(MobileJknServiceRow, "3273R001").password_sealed
        assert "rahasia-rs" not in sealed and "rahasia-rs" not in out[4] + out[5]
        assert mobile_jkn_services.service_for(s, "3273R001").password == "rahasia-rs"
    for shown in (json.loads(out[4]), json.loads(out[5])):
        assert {k: shown[k] for k in ("facility_code", "url", "username")} == {
            "facility_code": "3273R001", "url": "https://simrs.rsud.example/api-bpjsfktl", "username": "jkn-mobile"}
