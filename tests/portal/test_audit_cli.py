"""Every ``jkn`` command that writes leaves exactly one audit row naming the operating-system user
(``cli:<user>``, role CLI, client "cli"), never a name given on the command line (issue #10,
item 7); both databases.

The commands are read from the CLI itself: each is listed in ``CLI_WRITES`` (exercised below) or
in ``NO_DATA_CHANGE``; a new command in neither fails :func:`test_every_command_is_listed`.
"""

from __future__ import annotations

import getpass
import json

import typer
from membership.membership_helpers import nik
from portal_world import build_world, staff_csv
from sqlalchemy import select
from support.audit_trail import added, audited_once, last_id
from typer.testing import CliRunner

from jkn.cli import app
from jkn.services.care import sep, sep_requests
from jkn.services.membership import data_changes, documents
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.schemas import FamilyIn, ParticipantIn
from jkn.services.portal.audit import SYSTEM
from jkn.store.engine import session_factory
from jkn.store.membership_tables import ParticipantRow

CLI_ACTOR = f"cli:{getpass.getuser()}"
NEW = "the facility the command registered"

#: every command that changes data, with the action of its audit row
CLI_WRITES = {
    "users create-admin": "user.create", "users create": "user.create", "users set-password": "user.password",
    "users deactivate": "user.deactivate", "users activate": "user.activate", "users prune": "security_log.prune",
    "participants register": "participant.register", "participants change": "participant.change.address",
    "participants card": "card.print", "employers register": "employer.register", "import run": "employer.upload",
    "employers leaver": "participant.change.leaver", "employers transfer": "participant.change.employer",
    "billing run": "billing.run", "billing pay": "payment.record",
    "care facility add": "facility.register", "care facility staff-add": "facility.staff.add",
    "care consumer create": "vclaim_consumer.create", "care consumer rotate": "vclaim_consumer.rotate",
    "care consumer revoke": "vclaim_consumer.revoke", "care sep-letter": "sep.print", "care discharge": "sep.discharge",
    "care fingerprint": "fingerprint.record", "care sep-request approve": "sep_request.approve",
    "care schedule set": "doctor_schedule.set", "care pcare-user create": "pcare_user.create",
    "care pcare-reference load": "pcare_code.load", "care prolanis club-add": "prolanis.club.add",
    "demo": "demo.build", "bank add": "bank.add", "bank rotate": "bank.rotate", "bank revoke": "bank.revoke",
    "care mobilejkn register": "mobile_jkn.register", "care mobilejkn remove": "mobile_jkn.remove",
}
#: commands that read, compute, write files from reference data, upgrade the schema or serve
NO_DATA_CHANGE = {
    "serve", "db upgrade", "export hierarchy", "lookup branch", "lookup nik", "lookup office", "lookup region",
    "calc care-class", "calc contribution", "calc penalty", "calc ranks", "users audit", "users list",
    "participants checklist", "participants coverage", "participants family", "participants history",
    "participants search", "participants show", "participants statement", "employers employees", "employers show",
    "employers statement", "import template", "billing bills", "billing runs", "billing statement",
    "care consumer list", "care eligibility", "care facility list", "care facility show", "care facility types",
    "care sep", "care sep-request list", "policy compare", "participants endings", "bank list", "bank va", "bank file",
    "bank reconcile", "care schedule list", "care mobilejkn show", "care mobilejkn check",
}


def _commands(command, path: tuple[str, ...] = ()):
    subs = getattr(command, "commands", None)
    if subs:
        for name, sub in subs.items():
            yield from _commands(sub, path + (name,))
    else:
        yield " ".join(path)


def test_every_command_is_listed():
    assert set(_commands(typer.main.get_command(app))) == set(CLI_WRITES) | NO_DATA_CHANGE


class Cli:
    def __init__(self, db, db_url):
        self.db, self.db_url, self.runner, self.done = db, db_url, CliRunner(), set()

    def write(self, command: str, *args: str, branch: str | None, facility: str | None = None, stdin: str | None = None):
        with audited_once(self.db, action=CLI_WRITES[command], actor=CLI_ACTOR, role="CLI", client="cli",
                          branch_code=branch, facility_code=facility) as row:
            r = self.runner.invoke(app, [*command.split(), *args, "--db", self.db_url], input=stdin)
            assert r.exit_code == 0, (command, r.output)
            if facility == NEW:
                row["facility_code"] = json.loads(r.stdout)["code"]
        self.done.add(command)
        return r.stdout


def test_every_cli_write_leaves_one_audit_row_naming_the_os_user(db, db_url, tmp_path):
    w = build_world(db)
    cli = Cli(db, db_url)
    medan, rsud, today = w.medan_branch, w.fktp["FKRTL"][0], jakarta_today()
    password = "kata-sandi-cli-1\n"

    cli.write("users create-admin", "root.cli", "--password-stdin", branch=None, stdin=password)
    cli.write("users create", "kc.cli", "--role", "BRANCH_OFFICER", "--name", "Petugas", "--branch", medan,
              "--password-stdin", branch=medan, stdin=password)
    cli.write("users set-password", "kc.cli", "--password-stdin", branch=medan, stdin=password)
    cli.write("users deactivate", "kc.cli", branch=medan)
    cli.write("users activate", "kc.cli", branch=medan)
    cli.write("users prune", branch=None)

    head = ParticipantIn(nik=nik(today.replace(year=1990), "L", "1271"), name="Dedi", segment="PBPU_MANDIRI",
                         care_class="III", fktp_code=w.fktp["FKTP"][0], kabkota_code="12.71")
    person = tmp_path / "person.json"
    person.write_text(json.dumps({**head.model_dump(mode="json", exclude_none=True),
                                  "documents_shown": [i.code for i in documents.form_checklist(FamilyIn(head=head)).items]}))
    assert cli.runner.invoke(app, ["participants", "register", "--json", str(person), "--actor", "somebody",
                                   "--db", db_url]).exit_code == 2  # no name is taken from the command line
    out = json.loads(cli.write("participants register", "--json", str(person), branch=medan))
    change = tmp_path / "change.json"
    docs = data_changes.change_checklist("ADDRESS", segment="PBPU_MANDIRI")["items"]
    change.write_text(json.dumps({"kind": "ADDRESS", "effective_date": str(today), "address": "Jl. Baru 2",
                                  "documents_shown": [i["code"] for i in docs]}))
    cli.write("participants change", out["head_card_number"], "--json", str(change), branch=medan)
    cli.write("participants card", w.medan_card, "--output", str(tmp_path / "card.pdf"), branch=medan)
    pt_cli = json.loads(cli.write("employers register", "--name", "PT CLI", "--sector", "SWASTA", "--kabkota", "12.71",
                                  branch=medan))["code"]
    staff = tmp_path / "staff.csv"
    staff.write_bytes(staff_csv(w, bad_row=False))
    cli.write("import run", str(staff), "--employer", w.employer_code, branch=medan)
    with session_factory(db)() as s:
        andi, eko = (s.scalar(select(ParticipantRow.card_number).where(ParticipantRow.nik == n))
                     for n in ("1271012008880006", "1271011511870007"))
    cli.write("employers leaver", w.employer_code, eko, "--month", f"{today:%Y-%m}", branch=medan)
    sk = [x for i in data_changes.change_checklist("EMPLOYER", segment="PPU_SWASTA")["items"] for x in ("--document", i["code"])]
    cli.write("employers transfer", w.employer_code, andi, "--to", pt_cli, *sk, branch=medan)
    cli.write("billing run", "--month", f"{today:%Y-%m}", "--pbi-amount", "19225", branch=None)
    cli.write("billing pay", "--reference", "CLI-1", "--amount", "10000", "--paid-on", str(today),
              "--card", w.medan_card, branch=medan)

    code = json.loads(cli.write("care facility add", "--name", "KLINIK CLI", "--type", "KLINIK_PRATAMA",
                                "--kabkota", "12.71", "--json", branch=medan, facility=NEW))["code"]
    cli.write("care facility staff-add", code, "--name", "dr. Budi", "--role", "DOCTOR", branch=medan, facility=code)
    cons = json.loads(cli.write("care consumer create", rsud, "--json", branch=medan, facility=rsud))["cons_id"]
    cli.write("care consumer rotate", cons, branch=medan, facility=rsud)
    cli.write("care consumer revoke", cons, branch=medan, facility=rsud)
    cli.write("care fingerprint", rsud, w.medan_card, "--date", str(today), branch=medan, facility=rsud)
    with session_factory(db)() as s:
        request_id = sep_requests.submit_request(s, actor=SYSTEM, facility_code=rsud, card_number=w.medan_card,
                                                 sep_date=today, service_type="2", kind="1", reason="hari libur")["id"]
    cli.write("care sep-request approve", str(request_id), "--note", "libur nasional", branch=medan, facility=rsud)
    listed = cli.runner.invoke(app, ["care", "sep-request", "list", "--month", f"{today:%Y-%m}", "--facility", rsud,
                                     "--status", "APPROVED", "--db", db_url])
    assert listed.exit_code == 0, listed.output
    assert [(r["id"], r["approved_by"]) for r in json.loads(listed.stdout)] == [(request_id, CLI_ACTOR)]
    cli.write("bank add", "BANKCLI", "--name", "Bank CLI", "--va-prefix", "88888", branch=None)
    cli.write("bank rotate", "BANKCLI", branch=None)
    cli.write("bank revoke", "BANKCLI", branch=None)
    cli.write("care facility staff-add", rsud, "--name", "dr. Ani, Sp.A", "--role", "SPECIALIST",
              "--registration-number", "33690", branch=medan, facility=rsud)
    fktp = w.fktp["FKTP"][0]
    cli.write("care pcare-user create", fktp, "--username", "klinik1", "--app-code", "095", branch=medan, facility=fktp)
    cli.write("care mobilejkn register", rsud, "--url", "https://simrs.rsud.example/api-bpjsfktl", "--username",
              "jkn-mobile", "--password", "rahasia-rs", branch=medan, facility=rsud)
    cli.write("care mobilejkn remove", rsud, branch=medan, facility=rsud)
    cli.write("care schedule set", rsud, "--poli", "ANA", "--doctor", "33690", "--day", "1,08:00,12:00,30",
              branch=medan, facility=rsud)
    codes = tmp_path / "prognosa.csv"
    codes.write_text("kode,nama\n01,Sanam\n", encoding="utf-8")
    cli.write("care pcare-reference load", "prognosa", str(codes), branch=None)
    cli.write("care prolanis club-add", fktp, "--name", "Klub Sehat", "--group", "02", "--start", "2026-01-05",
              branch=medan, facility=fktp)
    assert cli.done == set(CLI_WRITES) - {"care sep-letter", "care discharge", "demo"}  # the next tests


def test_a_printed_sep_letter_is_audited_as_the_os_user(db, db_url, tmp_path):
    w = build_world(db)
    rsud = w.fktp["FKRTL"][0]
    with session_factory(db)() as s:
        number = sep.insert_sep(s, actor=SYSTEM, card_number=w.medan_card, sep_date=jakarta_today(),
                                facility_code=rsud, service_type="2", diagnosis="S72", poli="IGD")["number"]
    cli = Cli(db, db_url)
    cli.write("care sep-letter", number, "--output", str(tmp_path / "sep.pdf"), branch=w.medan_branch, facility=rsud)


def test_an_inpatient_sep_closed_with_its_ina_cbg_amount_is_audited_as_the_os_user(db, db_url):
    w = build_world(db)
    rsud = w.fktp["FKRTL"][0]
    with session_factory(db)() as s:
        number = sep.insert_sep(s, actor=SYSTEM, card_number=w.medan_card, sep_date=jakarta_today(),
                                facility_code=rsud, service_type="1", diagnosis="S72", emergency=True)["number"]
    cli = Cli(db, db_url)
    out = json.loads(cli.write("care discharge", number, "--date", str(jakarta_today()), "--ina-cbg", "4500000",
                               branch=w.medan_branch, facility=rsud))
    assert out["sep_number"] == number and out["amount"] == 0 and out["exempt"]


def test_the_demo_is_audited_as_the_os_user(db, db_url):
    since = last_id(db)
    r = CliRunner().invoke(app, ["demo", "--participants", "40", "--months", "1", "--db", db_url])
    assert r.exit_code == 0, r.output
    rows = added(db, since)
    assert {row.actor for row in rows} == {CLI_ACTOR} and {row.role for row in rows} == {"CLI"}
    actions = [row.action for row in rows]
    assert actions.count("demo.build") == 1  # the bulk rows; runs, payments and users audit themselves
    assert {"billing.run", "vclaim_consumer.create", "user.create"} <= set(actions)
