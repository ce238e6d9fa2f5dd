"""The command line never answers a user's mistake with a traceback (issue #10).

Every command of ``jkn`` is run with bad input: impossible or out-of-range dates and months,
negative or huge numbers, unknown choices, missing files, unwritable output paths, an
unreachable database, bad or busy ports. Each must end with a message that names the problem
and exit code 2 (the code of a domain error), never a traceback and never exit 0. A test checks
that the table below names every command, so a new command needs its bad input here too.
"""

from __future__ import annotations

import json
import socket
import subprocess

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from membership.membership_helpers import FKTP_A, ensure_facilities
from pydantic import BaseModel, ValidationError
from support.care_world import JKN
from typer.main import get_command
from typer.testing import CliRunner

from jkn.cli import app
from jkn.commands.edge import bounded
from jkn.domain.month import Month
from jkn.services.bounds import JKN_START, MAX_RUPIAH, JknDate, JknMonth, Rupiah, horizon
from jkn.services.membership.common import jakarta_today

DOWN = "postgresql://nobody@127.0.0.1:1/x"  # nothing listens on port 1
NOWHERE = "/nonexistent-dir/out"
runner = CliRunner()


def cases(busy_port: int, files: dict[str, str], card: str) -> list[tuple[str, list[str], str]]:
    """(command, arguments, a fragment of the message); "--db URL" is added unless given."""
    return [
        ("serve", ["serve", "--port", "70000"], "65.535"),
        ("serve", ["serve", "--port", str(busy_port)], "sudah dipakai"),
        ("serve", ["serve", "--workers", "0"], "--workers"),
        ("db upgrade", ["db", "upgrade", "--db", DOWN], "basis data tidak dapat dipakai"),
        ("db upgrade", ["db", "upgrade", "--db", f"sqlite:///{NOWHERE}/x.sqlite3"], "basis data tidak dapat dipakai"),
        ("db upgrade", ["db", "upgrade", "--db", "not-a-url"], "bukan alamat basis data"),
        ("lookup region", ["lookup", "region", "99.99"], "Tidak ada kabupaten/kota"),
        ("lookup branch", ["lookup", "branch", "999"], "999"),
        ("lookup nik", ["lookup", "nik", "123"], "NIK harus 16 digit"),
        ("lookup office", ["lookup", "office", "3171014513900001"], "bukan tanggal lahir"),
        ("export hierarchy", ["export", "hierarchy", "-o", f"{NOWHERE}/x.csv"], "berkas atau folder tidak ada"),
        ("export hierarchy", ["export", "hierarchy", "--format", "xml"], "csv atau json"),
        ("calc contribution", ["calc", "contribution", "--segment", "PPU_SWASTA", "--as-of", "2014-02-30", "--wage", "1"],
         "--as-of"),
        ("calc contribution", ["calc", "contribution", "--segment", "PPU_SWASTA", "--as-of", "2014-06-01",
                               "--wage", str(10**30)], "--wage"),
        ("calc contribution", ["calc", "contribution", "--segment", "PPU_SWASTA", "--as-of", "2014-06-01", "--wage", "1",
                               "--additional-members", "2147483646"], "--additional-members"),
        ("calc contribution", ["calc", "contribution", "--segment", "PBPU_MANDIRI", "--as-of", "2014-06-01",
                               "--care-class", "I", "--persons", "-1"], "--persons"),
        ("calc care-class", ["calc", "care-class", "--segment", "PPU_SWASTA", "--as-of", "9999-12-31", "--wage", "1"],
         "melewati"),
        ("calc penalty", ["calc", "penalty", "--segment", "PBPU_MANDIRI", "--as-of", "2014-08-15",
                          "--unpaid", "9999-12=42500"], "melewati"),
        ("calc ranks", ["calc", "ranks"], "Belum diisi: argumen"),
        ("policy compare", ["policy", "compare", "--from", "2014-02-30", "--to", "2020-01-01"], "2014-02-30"),
        ("participants endings", ["participants", "endings", "--on", "9999-12-31"], "melewati"),
        ("users create-admin", ["users", "create-admin", "root", "--password-stdin", "--db", DOWN],
         "basis data tidak dapat dipakai"),
        ("users create", ["users", "create", "xavier", "--role", "ASTRONAUT", "--name", "X", "--password-stdin"], "tidak dikenal"),
        ("users list", ["users", "list", "--role", "ASTRONAUT"], "ASTRONAUT"),
        ("users set-password", ["users", "set-password", "nobody", "--password-stdin"], "nobody"),
        ("users deactivate", ["users", "deactivate", "nobody"], "nobody"),
        ("users activate", ["users", "activate", "nobody"], "nobody"),
        ("users audit", ["users", "audit", "--limit", "-1"], "--limit"),
        ("users prune", ["users", "prune", "--db", DOWN], "basis data tidak dapat dipakai"),
        ("care eligibility", ["care", "eligibility", card, "--date", "2014-02-30"], "--date"),
        ("care eligibility", ["care", "eligibility", card, "--date", "9999-12-31"], "melewati"),
        ("care sep-letter", ["care", "sep-letter", "NOPE", "-o", f"{NOWHERE}/sep.pdf"], "Tidak ada SEP"),
        ("care sep", ["care", "sep", "NOPE"], "Tidak ada SEP"),
        ("care discharge", ["care", "discharge", "NOPE", "--date", "2021-03-01", "--ina-cbg", "4500000"], "Tidak ada SEP"),
        ("care discharge", ["care", "discharge", "NOPE", "--date", "2021-03-01", "--ina-cbg", "0"], "--ina-cbg"),
        ("care facility types", ["care", "facility", "types", "--level", "NOPE"], "level"),
        ("care facility add", ["care", "facility", "add", "--name", "X", "--type", "NOPE", "--kabkota", "32.73"], "NOPE"),
        ("care facility list", ["care", "facility", "list", "--limit", "-1"], "--limit"),
        ("care facility show", ["care", "facility", "show", "NOPE"], "NOPE"),
        ("care facility staff-add", ["care", "facility", "staff-add", "NOPE", "--name", "X", "--role", "DOCTOR"], "NOPE"),
        ("care consumer create", ["care", "consumer", "create", "NOPE"], "NOPE"),
        ("care consumer list", ["care", "consumer", "list", "--db", DOWN], "basis data tidak dapat dipakai"),
        ("care consumer revoke", ["care", "consumer", "revoke", "NOPE"], "NOPE"),
        ("care consumer rotate", ["care", "consumer", "rotate", "NOPE"], "NOPE"),
        ("care fingerprint", ["care", "fingerprint", "NOPE", card, "--date", "2021-03-01"], "NOPE"),
        ("care sep-request list", ["care", "sep-request", "list", "--month", "2021-13"], "--month"),
        ("care sep-request approve", ["care", "sep-request", "approve", "0"], "request_id"),
        ("care schedule set", ["care", "schedule", "set", "NOPE", "--poli", "ANA", "--doctor", "1", "--day",
                               "9,08:00,12:00"], "hari"),
        ("care schedule set", ["care", "schedule", "set", "NOPE", "--poli", "ANA", "--doctor", "1", "--day", "1"],
         "HARI,HH:MM,HH:MM"),
        ("care schedule set", ["care", "schedule", "set", "NOPE", "--poli", "ANA", "--doctor", "1", "--day",
                               "1,08:00,12:00"], "NOPE"),
        ("care schedule list", ["care", "schedule", "list", "X", "--date", "2014-02-30"], "--date"),
        ("care pcare-user create", ["care", "pcare-user", "create", "NOPE", "--username", "user1", "--app-code", "095"],
         "NOPE"),
        ("care pcare-user create", ["care", "pcare-user", "create", "NOPE", "--username", "x", "--app-code", "095"],
         "username"),
        ("care pcare-reference load", ["care", "pcare-reference", "load", "kesadaran", f"{NOWHERE}/k.csv"],
         "berkas atau folder tidak ada"),
        ("care pcare-reference load", ["care", "pcare-reference", "load", "warna", files["bad_csv"]], "kesadaran"),
        ("care prolanis club-add", ["care", "prolanis", "club-add", "NOPE", "--name", "Klub", "--group", "03",
                                    "--start", "2026-01-01"], "01"),
        ("care prolanis club-add", ["care", "prolanis", "club-add", "NOPE", "--name", "Klub", "--group", "01",
                                    "--start", "2026-01-01"], "NOPE"),
        ("care mobilejkn register", ["care", "mobilejkn", "register", "NOPE", "--url", "http://rs.example",
                                     "--username", "u", "--password", "p"], "NOPE"),
        ("care mobilejkn register", ["care", "mobilejkn", "register", "NOPE", "--url", "ftp://rs.example",
                                     "--username", "u", "--password", "p"], "https://"),
        ("care mobilejkn show", ["care", "mobilejkn", "show", "X", "--db", DOWN], "basis data tidak dapat dipakai"),
        ("care mobilejkn remove", ["care", "mobilejkn", "remove", "NOPE"], "NOPE"),
        ("care mobilejkn check", ["care", "mobilejkn", "check", "--url", "http://", "--username", "u", "--password", "p",
                                  "--poli", "ANA", "--doctor", "1", "--hours", "07:00-14:00", "--card", "1", "--nik", "1",
                                  "--referral", "R"], "https://"),
        ("care mobilejkn check", ["care", "mobilejkn", "check", "--url", "http://rs.example", "--username", "u",
                                  "--password", "p", "--poli", "ANA", "--doctor", "1", "--hours", "07:00-14:00",
                                  "--card", "1", "--nik", "1", "--referral", "R", "--new-patient", files["bad_csv"]],
         "--new-patient"),
        ("participants register", ["participants", "register", "--json", f"{NOWHERE}/family.json"], "berkas atau folder tidak ada"),
        ("participants register", ["participants", "register", "--json", files["future_family"]], "tmt"),
        ("participants show", ["participants", "show", "0000000000000"], "0000000000000"),
        ("participants search", ["participants", "search", "siti", "--limit", "-1"], "--limit"),
        ("participants family", ["participants", "family", str(2**64)], "family_id"),
        ("participants change", ["participants", "change", card, "--json", files["future_change"]], "effective_date"),
        ("participants history", ["participants", "history", card, "--as-of", "0001-01-01"], "sebelum JKN"),
        ("participants card", ["participants", "card", card, "-o", f"{NOWHERE}/card.pdf"], "berkas atau folder tidak ada"),
        ("participants coverage", ["participants", "coverage", card, "--on", "2014-02-30"], "--on"),
        ("participants statement", ["participants", "statement", card, "--on", "9999-12-31"], "melewati"),
        ("participants checklist", ["participants", "checklist", "ASTRONAUT"], "Jenis perubahan"),
        ("employers register", ["employers", "register", "--name", "PT X", "--sector", "SWASTA", "--kabkota", "31.71",
                                "--registered-on", "9999-12-31"], "melewati"),
        ("employers show", ["employers", "show", "NOPE"], "NOPE"),
        ("employers employees", ["employers", "employees", "NOPE", "--limit", "-1"], "--limit"),
        ("employers statement", ["employers", "statement", "NOPE", "--on", "0001-01-01"], "sebelum JKN"),
        ("employers leaver", ["employers", "leaver", "NOPE", card, "--month", "2026-13"], "--month"),
        ("employers leaver", ["employers", "leaver", "NOPE", card, "--month", "2026-01"], "NOPE"),
        ("employers transfer", ["employers", "transfer", "NOPE", card, "--to", "NOPE2"], "NOPE"),
        ("import template", ["import", "template", "-o", f"{NOWHERE}/t.xlsx"], "berkas atau folder tidak ada"),
        ("import template", ["import", "template", "--format", "ods"], "xlsx atau csv"),
        ("import run", ["import", "run", f"{NOWHERE}/staff.csv"], "staff.csv"),
        ("import run", ["import", "run", files["bad_csv"], "--registered-on", "2014-02-30"], "--registered-on"),
        ("import run", ["import", "run", files["bad_csv"], "--report", f"{NOWHERE}/report.json"], "berkas atau folder tidak ada"),
        ("billing run", ["billing", "run", "--month", "9999-12"], "melewati"),
        ("billing run", ["billing", "run", "--month", "2014-08", "--pbi-amount", "-5"], "--pbi-amount"),
        ("billing run", ["billing", "run", "--month", "2014-08", "--method", "nope"], "batch atau single"),
        ("billing bills", ["billing", "bills", "--status", "NOPE"], "--status"),
        ("billing bills", ["billing", "bills", "--limit", "-1"], "--limit"),
        ("billing bills", ["billing", "bills", "--month", "2014-13"], "--month"),
        ("billing pay", ["billing", "pay", "--reference", "X", "--payer", "F1", "--amount", "5", "--paid-on", "2014-02-30"],
         "--paid-on"),
        ("billing pay", ["billing", "pay", "--reference", "X", "--payer", "F1", "--amount", "-5", "--paid-on", "2014-02-05"],
         "--amount"),
        ("billing statement", ["billing", "statement", "NOPE", "--on", "9999-12-31"], "melewati"),
        ("billing runs", ["billing", "runs", "--db", DOWN], "basis data tidak dapat dipakai"),
        ("bank add", ["bank", "add", "bri", "--name", "Bank", "--va-prefix", "88888"], "huruf kapital"),
        ("bank add", ["bank", "add", "BRI", "--name", "Bank", "--va-prefix", "88x"], "3 sampai 8 angka"),
        ("bank list", ["bank", "list", "--db", DOWN], "basis data tidak dapat dipakai"),
        ("bank rotate", ["bank", "rotate", "NOPE"], "Tidak ada bank dengan kode"),
        ("bank revoke", ["bank", "revoke", "NOPE"], "Tidak ada bank dengan kode"),
        ("bank va", ["bank", "va", "NOPE", "--card", card], "Tidak ada bank aktif"),
        ("bank file", ["bank", "file", "NOPE", "--date", "2014-02-30"], "--date"),
        ("bank file", ["bank", "file", "NOPE", "--date", "2014-02-05"], "Tidak ada bank aktif"),
        ("bank reconcile", ["bank", "reconcile", "NOPE", f"{NOWHERE}/bank.csv", "--date", "2014-02-05"], "bank.csv"),
        ("bank reconcile", ["bank", "reconcile", "NOPE", files["bad_csv"], "--date", "2014-02-05"], "Tidak ada bank aktif"),
        ("demo", ["demo", "--start", "2014-13"], "--start"),
        ("demo", ["demo", "--since", "9999-12"], "Desember 9999 melewati"),
        ("demo", ["demo", "--until", "2013-12"], "--until"),
        ("demo", ["demo", "--since", "2015-01", "--until", "2014-06"], "2015-01"),
        ("demo", ["demo", "--since", "2014-01", "--until", "2014-06", "--months", "3"], "--months"),
        ("demo", ["demo", "--until", str(Month.of(jakarta_today()) + 1)], str(Month.of(jakarta_today()))),
        ("demo", ["demo", "--pbi-amount", "-5"], "--pbi-amount"),
        ("demo", ["demo", "--participants", "0", "--db", DOWN], "--participants"),
    ]


def commands() -> dict[str, bool]:
    """Every command of ``jkn`` ("group sub command") → whether it takes --db."""
    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        found = {}
        if not subs or getattr(cmd, "invoke_without_command", False) and path:
            found[" ".join(path)] = any("--db" in getattr(p, "opts", ()) for p in cmd.params)
        for name, sub in (subs or {}).items():
            found |= walk(sub, [*path, name])
        return found
    return walk(get_command(app), [])


@pytest.fixture
def world(db, db_url, tmp_path):
    """A participant (registered by a collective import) and the input files of the bad cases."""
    ensure_facilities(db)
    template = tmp_path / "t.csv"
    assert runner.invoke(app, ["import", "template", "--format", "csv", "-o", str(template)]).exit_code == 0
    template.write_text(template.read_text().replace("0101P001", FKTP_A))
    employer = runner.invoke(app, ["employers", "register", "--name", "PT CLI", "--sector", "SWASTA", "--kabkota", "31.71",
                                   "--db", db_url])
    r = runner.invoke(app, ["import", "run", str(template), "--employer", json.loads(employer.stdout)["code"],
                            "--registered-on", "2014-03-01", "--db", db_url])
    assert r.exit_code == 0, r.output
    card = json.loads(r.stdout.strip().splitlines()[-1])["sample_cards"][0]
    files = {"future_family": {"nik": "3171014501900001", "name": "Siti", "segment": "PBPU_MANDIRI", "care_class": "II",
                               "fktp_code": FKTP_A, "tmt": "9999-12-01"},
             "future_change": {"kind": "FKTP", "effective_date": "9999-12-31", "fktp_code": FKTP_A}}
    paths = {}
    for name, body in files.items():
        paths[name] = str(tmp_path / f"{name}.json")
        (tmp_path / f"{name}.json").write_text(json.dumps(body))
    paths["bad_csv"] = str(tmp_path / "bad.csv")
    (tmp_path / "bad.csv").write_text("nik,nama\n123,X\n")
    return card, paths


def test_every_command_has_a_bad_input_case():
    assert set(commands()) == {c for c, _args, _msg in cases(1, {"future_family": "", "future_change": "", "bad_csv": ""}, "")}


def test_bad_input_gives_a_message_and_exit_code_2_never_a_traceback(world, db_url):
    card, files = world
    takes_db = commands()
    with socket.create_server(("127.0.0.1", 0)) as busy:
        wrong = []
        for command, args, fragment in cases(busy.getsockname()[1], files, card):
            args = [*args, "--db", db_url] if takes_db[command] and "--db" not in args else args
            r = runner.invoke(app, args, input="a-long-password-1\n")
            crashed = r.exception is not None and not isinstance(r.exception, SystemExit)
            if crashed or r.exit_code != 2 or "Traceback" in r.output or fragment not in r.output:
                wrong.append(f"{' '.join(args)} → exit {r.exit_code}, {r.exception!r}: {r.output[-300:]}")
    assert not wrong, "\n\n".join(wrong)


def test_the_installed_command_prints_no_traceback_either(tmp_path):
    """The console script itself (rich's traceback printer is not involved under CliRunner)."""
    for args in (["db", "upgrade", "--db", DOWN], ["calc", "contribution", "--segment", "PPU_SWASTA",
                                                     "--as-of", "2014-06-01", "--wage", str(10**30)]):
        r = subprocess.run([str(JKN), *args], capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert r.returncode == 2 and "Traceback" not in r.stdout + r.stderr, r.stderr


class _Dated(BaseModel):
    on: JknDate
    month: JknMonth
    amount: Rupiah


@settings(max_examples=60, deadline=None)
@given(day=st.dates(), amount=st.integers(min_value=-(2**70), max_value=2**70))
def test_the_cli_and_the_api_accept_exactly_the_same_values(day, amount):
    """One set of bounds: an option of the CLI and a field of a request take the same values."""
    month = f"{day.year:04d}-{day.month:02d}"
    in_span = JKN_START <= day <= horizon()
    month_in_span = Month.of(JKN_START) <= Month.of(day) <= Month.of(horizon())
    for kind, value, ok in ((JknDate, day.isoformat(), in_span), (JknMonth, month, month_in_span),
                            (Rupiah, str(amount), 0 <= amount <= MAX_RUPIAH)):
        try:
            bounded(kind)(value)
            cli_ok = True
        except typer.BadParameter:
            cli_ok = False
        assert cli_ok == ok, (kind, value)
    try:
        _Dated(on=day, month=month, amount=amount)
        api_ok = True
    except ValidationError:
        api_ok = False
    assert api_ok == (in_span and month_in_span and 0 <= amount <= MAX_RUPIAH)
