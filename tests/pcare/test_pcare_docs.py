"""Every command docs/pcare.md prints works as printed (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from jkn.cli import app
from jkn.services.care import facilities, pcare_users
from jkn.services.portal.audit import SYSTEM
from jkn.store.engine import session_factory

DOC = Path(__file__).resolve().parents[2] / "docs" / "pcare.md"


def test_the_documented_commands_run(db, db_url, tmp_path, monkeypatch):
    with session_factory(db)() as s:
        facilities.register_facility(s, name="PUSKESMAS DOC", facility_type="PUSKESMAS_PERAWATAN",
                                     kabkota_code="32.73", code="3273P001", actor=SYSTEM)
    blocks = re.findall(r"```bash\n(.*?)```", DOC.read_text(), re.S)
    commands = [shlex.split(line)[1:] for b in blocks for line in b.splitlines() if line.startswith("jkn ")]
    assert [c[:3] for c in commands] == [["care", "consumer", "create"], ["care", "pcare-user", "create"],
                                         ["care", "pcare-reference", "load"]]
    out = []
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kesadaran.csv").write_text("kode,nama\n01,Compos mentis\n", encoding="utf-8")
    for args in commands:
        r = CliRunner().invoke(app, [*args, "--db", db_url])
        assert r.exit_code == 0, (args, r.output)
        out.append(r.stdout)
    assert "1 kode dimuat" in out[2]
    assert "/pcare-rest" in out[0] and "/antreanrs" not in out[0]
    password = re.search(r"'puskesmas1:(.+):095'", out[1]).group(1)
    with session_factory(db)() as s:
        assert pcare_users.authenticate(s, "3273P001", "puskesmas1", password, "095")
        assert not pcare_users.authenticate(s, "3273P001", "puskesmas1", password + "x", "095")


def test_every_path_is_in_the_table():
    """Each P-Care path the server answers has its row in docs/pcare.md, each Antrean FKTP path in
    docs/antrean.md (§5, with the other queue services)."""
    from jkn.bridging.antreanfktp.handlers import router as antrean
    from jkn.bridging.pcare.common import router

    queues = DOC.with_name("antrean.md").read_text()
    for table, route in [(DOC.read_text(), r) for r in router.routes] + [(queues, r) for r in antrean.routes]:
        shown = "/".join(s if not s.startswith("{") else "{" for s in route.segments)
        rows = [re.sub(r"\{[^}]*\}", "{", p).lower() for line in table.splitlines() if line.startswith(f"| {route.method} ")
                for p in re.findall(r"`([^`]+)`", re.split(r"(?<!\\)\|", line)[2])]
        assert shown.lower() in rows, (route.method, shown)
