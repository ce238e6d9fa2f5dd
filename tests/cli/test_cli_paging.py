"""Every listing of ``jkn`` pages (issue #15, point 6): ``--limit`` and ``--offset`` show the slice of the
whole listing they name, and the footer on standard error says which rows out of how many and the
``--offset`` of the next page; both databases, on the portal test world (tests/portal/portal_world.py)
with a few banks, consumers, schedule windows, SEP requests, employees and two billing runs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from portal.portal_world import build_world, register_family
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jkn.cli import app
from jkn.services.billing.banks import add_bank
from jkn.services.care import sep_requests
from jkn.services.membership.common import jakarta_today
from jkn.services.portal.audit import SYSTEM

runner = CliRunner()


def jkn(*args: str, db_url: str, lang: str = ""):
    r = runner.invoke(app, [*args, "--db", db_url], env={"JKN_LANG": lang, "COLUMNS": "200"})
    assert r.exit_code == 0, (args, r.output)
    return r


def items(stdout: str) -> list:
    data = json.loads(stdout)
    return data if isinstance(data, list) else data["items"]


@pytest.fixture
def world(db, db_url):
    w = build_world(db)
    rsud, today = w.fktp["FKRTL"][0], jakarta_today()
    month = f"{today:%Y-%m}"
    with Session(db) as s:
        for code in ("BNI", "BRI", "MANDIRI"):
            add_bank(s, code, f"Bank {code}", f"8{len(code)}88", actor=SYSTEM)
        for card in (w.medan_card, w.medan_spouse_card, w.siti_card):
            sep_requests.submit_request(s, actor=SYSTEM, facility_code=rsud, card_number=card, sep_date=today,
                                        service_type="2", kind="1", reason="hari libur")
        for i, nik in enumerate(("1271011203850011", "1271011203850012", "1271011203850013")):
            register_family(s, head_nik=nik, name=f"Pekerja {i}", kabkota="12.71", fktp=w.fktp["FKTP"][0],
                            segment="PPU_SWASTA", employer_code=w.employer_code, wage=5_000_000, pay=False)
        s.commit()
    for _ in range(3):
        jkn("care", "consumer", "create", rsud, db_url=db_url)
    jkn("care", "facility", "staff-add", rsud, "--name", "dr. Ani, Sp.A", "--role", "SPECIALIST",
        "--registration-number", "33690", db_url=db_url)
    jkn("care", "schedule", "set", rsud, "--poli", "ANA", "--doctor", "33690", "--day", "1,08:00,12:00",
        "--day", "3,13:00,17:00", "--day", "5,08:00,11:00", db_url=db_url)
    nxt = today.replace(day=1) + dt.timedelta(days=32)
    for m in (month, f"{nxt:%Y-%m}"):
        jkn("billing", "run", "--month", m, "--pbi-amount", "19225", db_url=db_url)
    return w, rsud, month


def listings(w, rsud, month) -> dict[str, list[str]]:
    """Every list command (as JSON) with the arguments that reach a few rows of the world."""
    return {
        "bank list": ["bank", "list"],
        "billing bills": ["billing", "bills"],
        "billing runs": ["billing", "runs"],
        "care facility list": ["care", "facility", "list", "--kabkota", "12.71", "--json"],
        "care consumer list": ["care", "consumer", "list", "--facility", rsud],
        "care schedule list": ["care", "schedule", "list", rsud],
        "care sep-request list": ["care", "sep-request", "list", "--month", month],
        "participants search": ["participants", "search", "i"],
        "employers employees": ["employers", "employees", w.employer_code],
        "users list": ["users", "list", "--json"],
        "users audit": ["users", "audit", "--json"],
    }


def test_every_listing_shows_the_slice_its_limit_and_offset_name_and_says_so(world, db_url):
    w, rsud, month = world
    for name, args in listings(w, rsud, month).items():
        everything = items(jkn(*args, "--limit", "1000", db_url=db_url).stdout)
        total = len(everything)
        assert total >= 3, name
        r = jkn(*args, "--limit", "2", "--offset", "1", db_url=db_url)
        assert items(r.stdout) == everything[1:3], name  # the rows 2 and 3, in the whole listing's order
        assert f"menampilkan 2–3 dari {total}" in r.stderr, (name, r.stderr)
        assert ("--offset 3" in r.stderr) == (total > 3), (name, r.stderr)
        last = jkn(*args, "--limit", "2", "--offset", str(total - 1), db_url=db_url)
        assert items(last.stdout) == everything[-1:], name
        assert f"menampilkan {total}–{total} dari {total}" in last.stderr and "--offset" not in last.stderr, name


def test_the_footer_reads_in_english_and_under_a_table(world, db_url):
    w, rsud, month = world
    r = jkn("users", "list", "--limit", "3", db_url=db_url, lang="en")
    total = len(items(jkn("users", "list", "--json", "--limit", "1000", db_url=db_url).stdout))
    assert f"showing 1–3 of {total}" in r.stderr and "next page: repeat the command with --offset 3" in r.stderr
    assert "menampilkan" not in r.stderr and r.stdout.count("\n") > 3  # the table on standard output
    past = jkn("bank", "list", "--offset", "10", db_url=db_url)
    assert items(past.stdout) == [] and "tidak ada baris setelah 10 (jumlah 3)" in past.stderr


def test_endings_page_too(db, db_url):
    r = jkn("participants", "endings", "--limit", "5", "--offset", "0", db_url=db_url)
    assert items(r.stdout) == [] and "jumlah 0" in r.stderr


@pytest.mark.parametrize("option", [["--limit", "0"], ["--limit", "1001"], ["--offset", "-1"], ["--offset", "x"]])
def test_out_of_bounds_paging_is_refused_without_a_traceback(db_url, option):
    r = runner.invoke(app, ["bank", "list", *option, "--db", db_url])
    assert r.exit_code == 2 and "Traceback" not in r.output and option[0] in r.output
