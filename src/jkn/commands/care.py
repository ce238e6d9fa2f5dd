"""``jkn care``: facilities, staff, bridging consumers, doctors' schedules, eligibility, SEP letters (issues #5, #14)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from jkn.commands.edge import bounded, cli_language, say
from jkn.commands.paging import OffsetOption, footer, limit_option
from jkn.i18n import Msg, render
from jkn.rules.decision import read_explained
from jkn.services.billing import service_penalties
from jkn.services.bounds import Id, JknDate, JknMonth, PositiveRupiah
from jkn.services.care import eligibility as care_eligibility
from jkn.services.care import facilities, pcare_codes, pcare_users, prolanis, queues, sep, sep_letter, sep_requests, vclaim_consumers
from jkn.services.care import mobile_jkn_check, mobile_jkn_services
from jkn.services.care.mobile_jkn_remote import Service
from jkn.services.errors import Invalid
from jkn.services.care.common import jakarta_today
from jkn.services.portal.audit import Actor

app = typer.Typer(help="Care flow: facilities, VClaim consumers, eligibility and SEP letters.", no_args_is_help=True)
facility_app = typer.Typer(help="The facility registry (FKTP, FKRTL, supporting facilities).", no_args_is_help=True)
consumer_app = typer.Typer(help="Bridging credentials of a facility's SIMRS (VClaim and Antrean RS for a hospital).",
                           no_args_is_help=True)
schedule_app = typer.Typer(help="Doctors' practice schedules of a hospital (Antrean RS jadwaldokter).", no_args_is_help=True)
app.add_typer(facility_app, name="facility")
app.add_typer(consumer_app, name="consumer")
request_app = typer.Typer(help="Facilities' requests for a backdated SEP or one without fingerprint, and their "
                               "approval by the branch office (VClaim Sep/pengajuanSEP).", no_args_is_help=True)
app.add_typer(request_app, name="sep-request")
app.add_typer(schedule_app, name="schedule")
pcare_app = typer.Typer(help="P-Care users of a clinic (the X-Authorization of docs/pcare.md).", no_args_is_help=True)
app.add_typer(pcare_app, name="pcare-user")
pcare_ref_app = typer.Typer(help="BPJS's P-Care code lists, loaded from BPJS's own files (docs/pcare.md).",
                            no_args_is_help=True)
app.add_typer(pcare_ref_app, name="pcare-reference")
prolanis_app = typer.Typer(help="Chronic-disease programme (Prolanis) clubs of a clinic (P-Care kelompok/club).",
                           no_args_is_help=True)
app.add_typer(prolanis_app, name="prolanis")
mobilejkn_app = typer.Typer(help="A hospital's own Mobile JKN web service (token, status, ambil, sisa, batal, check-in ...).",
                            no_args_is_help=True)
app.add_typer(mobilejkn_app, name="mobilejkn")
#: the bridging services a facility level speaks, with their base paths (docs/vclaim.md, docs/antrean.md)
SERVICES_BY_LEVEL = {"FKRTL": (("VClaim", "/vclaim-rest"), ("Antrean RS", "/antreanrs")),
                     "FKTP": (("VClaim", "/vclaim-rest"), ("P-Care", "/pcare-rest"))}
console = Console()
DbOption = typer.Option(None, "--db", envvar="JKN_DATABASE_URL", help="Database URL (default: SQLite ./jkn.sqlite3)")


@contextmanager
def _session(db: str | None):
    from jkn.store.bootstrap import prepare_database
    from jkn.store.engine import session_factory

    engine = prepare_database(db)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _json(data) -> None:
    """``data`` as JSON, its explanations and answers read in the command line's language."""
    sys.stdout.write(json.dumps(read_explained(data, cli_language()), ensure_ascii=False, indent=2) + "\n")


@facility_app.command("types")
def facility_types(level: str = typer.Option(None, help="FKTP, FKRTL or PENUNJANG"),
                   as_json: bool = typer.Option(False, "--json")) -> None:
    """Kinds of facility the guide lists, with the item they come from."""
    rows = facilities.list_facility_types(level)
    if as_json:
        return _json(rows)
    table = Table(say("cli.col.code"), say("cli.col.level"), say("cli.col.name"), say("cli.col.partnership"),
                  say("cli.col.source"))
    for r in rows:
        table.add_row(r["code"], r["level"], r["name"], r["default_partnership"], r["source"])
    console.print(table)


@facility_app.command("add")
def facility_add(name: str = typer.Option(..., help="Facility name"),
                 facility_type: str = typer.Option(..., "--type", help="a code of `jkn care facility types`"),
                 kabkota: str = typer.Option(..., help="Kemendagri kab/kota code, e.g. 32.73"),
                 code: str = typer.Option(None, help="8 letters/digits (default: generated)"),
                 partnership: str = typer.Option(None, help="PARTNER, NETWORK or NON_PARTNER"),
                 network_of: str = typer.Option(None, help="supporting facilities: partner facility code"),
                 address: str = typer.Option(None), phone: str = typer.Option(None),
                 db: str = DbOption, as_json: bool = typer.Option(False, "--json")) -> None:
    """Register a facility."""
    with _session(db) as s:
        f = facilities.register_facility(s, actor=Actor.cli(), name=name, facility_type=facility_type, kabkota_code=kabkota, code=code,
                                         partnership=partnership, network_of=network_of, address=address, phone=phone)
    if as_json:
        return _json(f)
    console.print(say("cli.care.facility_registered", code=f["code"], name=f["name"], level=f["level"],
                      partnership=f["partnership"], kabkota=f["kabkota"]["name"],
                      branch=f["branch"]["name"] if f["branch"] else "-"))


@facility_app.command("list")
def facility_list(level: str = typer.Option(None), kabkota: str = typer.Option(None), branch: str = typer.Option(None),
                  q: str = typer.Option(None, help="name contains / exact code"),
                  limit: int = limit_option(100), offset: int = OffsetOption,
                  db: str = DbOption, as_json: bool = typer.Option(False, "--json")) -> None:
    """List facilities."""
    with _session(db) as s:
        found = facilities.facilities_page(s, level=level, kabkota_code=kabkota, branch_code=branch, q=q, limit=limit,
                                           offset=offset)
    rows = found["items"]
    if as_json:
        _json(rows)
        return footer(found)
    table = Table(say("cli.col.code"), say("cli.col.name"), say("cli.col.level"), say("cli.col.type"),
                  say("cli.col.partnership"), say("cli.col.kabkota"), say("cli.col.branch"))
    for r in rows:
        table.add_row(r["code"], r["name"], r["level"], r["type"]["code"], r["partnership"], r["kabkota"]["name"] or "",
                      r["branch"]["name"] if r["branch"] else "")
    console.print(table)
    footer(found)


@facility_app.command("show")
def facility_show(code: str, db: str = DbOption) -> None:
    """A facility with its staff (JSON)."""
    with _session(db) as s:
        _json(facilities.get_facility(s, code))


@facility_app.command("staff-add")
def staff_add(code: str, name: str = typer.Option(...), role: str = typer.Option(..., help=", ".join(facilities.STAFF_ROLES)),
              registration_number: str = typer.Option(None), poli: str = typer.Option(None), db: str = DbOption) -> None:
    """Add a staff member to a facility."""
    with _session(db) as s:
        _json(facilities.add_staff(s, code, actor=Actor.cli(), name=name, role=role, registration_number=registration_number,
                                   poli_code=poli))


@consumer_app.command("create")
def consumer_create(facility_code: str, version: str = typer.Option("2.0", help="2.0 (encrypted) or 1.1 (plain)"),
                    label: str = typer.Option(None), db: str = DbOption,
                    as_json: bool = typer.Option(False, "--json")) -> None:
    """Issue cons-id, secret and user key to a facility (the secret is shown only now)."""
    with _session(db) as s:
        c = vclaim_consumers.create_consumer(s, facility_code, actor=Actor.cli(), api_version=version, label=label)
    if as_json:
        return _json(c)
    console.print(say("cli.care.consumer_for", code=c["facility_code"], name=c["facility_name"], version=c["api_version"]))
    fields = [(say("cli.care.field.url", service=name), f"http://<host>:<port>{path}")
              for name, path in SERVICES_BY_LEVEL.get(c["facility_level"], ())]
    fields += [(say("cli.care.field.cons_id"), c["cons_id"]), (say("cli.care.field.secret"), c["secret"]),
               (say("cli.care.field.user_key"), c["user_key"] or say("cli.care.no_user_key"))]
    width = max(len(label) for label, _ in fields)
    for label, value in fields:
        console.print(f"  {label:<{width}} : {value}")


@consumer_app.command("list")
def consumer_list(facility_code: str = typer.Option(None, "--facility"), limit: int = limit_option(50),
                  offset: int = OffsetOption, db: str = DbOption) -> None:
    """Consumers (no secrets)."""
    with _session(db) as s:
        found = vclaim_consumers.consumers_page(s, facility_code, limit=limit, offset=offset)
    _json(found["items"])
    footer(found)


@consumer_app.command("revoke")
def consumer_revoke(cons_id: str, db: str = DbOption) -> None:
    """Revoke a consumer: its requests are refused from now on."""
    with _session(db) as s:
        _json(vclaim_consumers.revoke_consumer(s, cons_id, actor=Actor.cli()))


@consumer_app.command("rotate")
def consumer_rotate(cons_id: str, db: str = DbOption) -> None:
    """New secret (and user key); the old ones stop working at once."""
    with _session(db) as s:
        _json(vclaim_consumers.rotate_credentials(s, cons_id, actor=Actor.cli()))


def _window(text: str) -> queues.Window:
    """``DAY,HH:MM,HH:MM[,CAPACITY]`` (day 1 Monday … 7 Sunday, 8 national holidays)."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) not in (3, 4) or (len(parts) == 4 and not parts[3].isdigit()):
        raise typer.BadParameter(say("cli.care.day_format", text=repr(text)), param_hint="--day")
    return queues.window(parts[0], parts[1], parts[2], int(parts[3]) if len(parts) == 4 else None)


@schedule_app.command("set")
def schedule_set(facility_code: str, poli: str = typer.Option(..., help="BPJS clinic code, e.g. ANA"),
                 doctor: str = typer.Option(..., help="the doctor's BPJS code (the staff member's registration number)"),
                 day: list[str] = typer.Option(..., help="DAY,HH:MM,HH:MM[,CAPACITY]; repeat for each window"),
                 subspecialist: str = typer.Option(None, help="sub-specialty code (default: the clinic)"),
                 db: str = DbOption) -> None:
    """Set a doctor's week at a clinic (replaces it), as the hospital's SIMRS does with updatejadwaldokter."""
    windows = [_window(d) for d in day]
    with _session(db) as s:
        _json(queues.set_schedule(s, facility_code, actor=Actor.cli(), poli=poli, subspecialist=subspecialist or poli,
                                  doctor_code=doctor, windows=windows))


@schedule_app.command("list")
def schedule_list(facility_code: str, poli: str = typer.Option(None), date: dt.date = typer.Option(
                      None, help="only the weekday of this date", parser=bounded(JknDate)),
                  limit: int = limit_option(100), offset: int = OffsetOption, db: str = DbOption) -> None:
    """A hospital's practice windows (JSON)."""
    with _session(db) as s:
        found = queues.schedules_page(s, facility_code.upper(), poli=poli, on=date, limit=limit, offset=offset)
    _json(found["items"])
    footer(found)


@pcare_app.command("create")
def pcare_user_create(facility_code: str, username: str = typer.Option(..., help="the P-Care user name"),
                      app_code: str = typer.Option(..., help="kdAplikasi, as BPJS gave it to the clinic"),
                      db: str = DbOption, as_json: bool = typer.Option(False, "--json")) -> None:
    """A P-Care user for a clinic (FKTP); the password is shown only now."""
    with _session(db) as s:
        u = pcare_users.create_user(s, facility_code, actor=Actor.cli(), username=username, app_code=app_code)
    if as_json:
        return _json(u)
    console.print(say("cli.care.pcare_user_for", code=u["facility_code"], name=u["facility_name"]))
    console.print(f"  X-Authorization: Basic base64('{u['username']}:{u['password']}:{u['app_code']}')")


@pcare_ref_app.command("load")
def pcare_reference_load(kind: str = typer.Argument(..., help="kesadaran, prognosa, statuspulang-rj, dpho ..."),
                         file: Path = typer.Argument(..., help="CSV with the columns kode,nama[,induk]"),
                         db: str = DbOption) -> None:
    """Replace one P-Care code list by BPJS's file (the whole file or nothing)."""
    text = file.read_text(encoding="utf-8-sig")
    with _session(db) as s:
        n = pcare_codes.load(s, kind, text, actor=Actor.cli())
    console.print(say("cli.care.pcare_codes_loaded", count=n, kind=kind.lower()))


@prolanis_app.command("club-add")
def prolanis_club_add(facility_code: str, name: str = typer.Option(..., help="the club's name"),
                      group: str = typer.Option(..., help="01 diabetes melitus, 02 hypertension"),
                      start: dt.date = typer.Option(..., help="first day YYYY-MM-DD", parser=bounded(JknDate)),
                      leader: str = typer.Option(None, help="the leader's name"),
                      phone: str = typer.Option(None, help="the leader's phone"),
                      address: str = typer.Option(None), db: str = DbOption) -> None:
    """A Prolanis club of a clinic, as the clinic sets it up; prints its clubId."""
    with _session(db) as s:
        c = prolanis.add_club(s, facility_code.upper(), actor=Actor.cli(), group=group, name=name, start_date=start,
                              address=address, leader_name=leader, leader_phone=phone)
    console.print(say("cli.care.prolanis_club", club_id=c["id"], name=c["name"], group=c["group_name"]))


@app.command("eligibility")
def eligibility(card_number: str, date: dt.date = typer.Option(None, help="service date YYYY-MM-DD (default today)",
                                                               parser=bounded(JknDate)),
                db: str = DbOption) -> None:
    """Is a participant covered on a date? Status, room class and FKTP, with the reasons."""
    day = date or jakarta_today()
    with _session(db) as s:
        e = care_eligibility.check(s, day, card_number=card_number)
        p = e.participant
        _json({"card_number": p.card_number, "name": p.name, "on_date": day.isoformat(), "active": e.active,
               "status": e.status_text, "care_class": p.care_class, "fktp": p.fktp_code,
               "explanation": e.explanation})


@app.command("sep-letter")
def sep_letter_cmd(number: str, output: Path = typer.Option(None, "--output", "-o", help="PDF file (default SEP-<no>.pdf)"),
                   db: str = DbOption) -> None:
    """Print an SEP letter to a PDF file (audited as cli:<user>, like a print on the portal)."""
    with _session(db) as s:
        pdf = sep_letter.print_sep_letter(s, number, actor=Actor.cli())
    path = output or Path(f"SEP-{number}.pdf")
    path.write_bytes(pdf)
    console.print(say("cli.wrote_bytes", path=str(path), size=len(pdf)))


@app.command("discharge")
def discharge(number: str = typer.Argument(..., help="the inpatient SEP number"),
              on: dt.date = typer.Option(..., "--date", parser=bounded(JknDate), help="discharge date YYYY-MM-DD"),
              ina_cbg: int = typer.Option(..., "--ina-cbg", parser=bounded(PositiveRupiah),
                                          help="the INA-CBG amount of the stay, whole rupiah"),
              unable_to_pay: bool = typer.Option(False, "--unable-to-pay",
                                                 help="the participant is certified unable to pay (exempt)"),
              db: str = DbOption) -> None:
    """Close an inpatient SEP with its INA-CBG amount; prints the service penalty within 45 days of
    reactivation (JSON)."""
    with _session(db) as s:
        _json(service_penalties.record_discharge(s, number, discharged_on=on, ina_cbg_amount=ina_cbg,
                                                 unable_to_pay=unable_to_pay, actor=Actor.cli()))


@app.command("sep")
def sep_show(number: str, db: str = DbOption) -> None:
    """An SEP with the reasons it was issued (JSON)."""
    with _session(db) as s:
        _json(sep.get_sep(s, number))


@request_app.command("list")
def sep_request_list(month: str = typer.Option(..., "--month", help="month of the SEP date, YYYY-MM",
                                               parser=bounded(JknMonth)),
                     facility_code: str = typer.Option(None, "--facility", help="one facility (default: all)"),
                     status: str = typer.Option(None, "--status", help="PENDING or APPROVED"),
                     limit: int = limit_option(100), offset: int = OffsetOption, db: str = DbOption) -> None:
    """Requests for SEP dates in a month (JSON), to approve with ``approve``."""
    year, mon = month.split("-")
    with _session(db) as s:
        found = sep_requests.requests_page(s, facility_code, year, mon, status=status, limit=limit, offset=offset)
    _json(found["items"])
    footer(found)


@request_app.command("approve")
def sep_request_approve(request_id: int = typer.Argument(..., parser=bounded(Id)),
                        note: str = typer.Option(None, "--note", help="why it is approved"),
                        db: str = DbOption) -> None:
    """Approve a request as the branch office (a backdate is approved only here, assumption A-V10)."""
    with _session(db) as s:
        _json(sep_requests.approve_by_branch(s, request_id, actor=Actor.cli(), note=note))


@app.command("fingerprint")
def fingerprint(facility_code: str, card_number: str,
                on: dt.date = typer.Option(..., "--date", parser=bounded(JknDate), help="service date YYYY-MM-DD"),
                db: str = DbOption) -> None:
    """Enter the facility fingerprint device's record that a participant was validated on a date
    (VClaim SEP/FingerPrint answers from these records; assumption A-V11)."""
    with _session(db) as s:
        _json(sep_requests.record_fingerprint(s, actor=Actor.cli(), facility_code=facility_code,
                                              card_number=card_number, service_date=on))


@mobilejkn_app.command("register")
def mobilejkn_register(facility_code: str, url: str = typer.Option(..., help="base URL of the service (…/auth, …/ambilantrean)"),
                       username: str = typer.Option(..., help="x-username the hospital gives BPJS"),
                       password: str = typer.Option(..., prompt=True, hide_input=True, help="x-password (asked when left out)"),
                       db: str = DbOption) -> None:
    """Register a hospital's Mobile JKN service: the participant's queue there goes through it."""
    with _session(db) as s:
        _json(mobile_jkn_services.register(s, facility_code.upper(), url=url, username=username, password=password,
                                           actor=Actor.cli()))


@mobilejkn_app.command("show")
def mobilejkn_show(facility_code: str, db: str = DbOption) -> None:
    """The registered service (never the password), or null when jkn keeps the queue itself."""
    with _session(db) as s:
        _json(mobile_jkn_services.registered(s, facility_code.upper()))


@mobilejkn_app.command("remove")
def mobilejkn_remove(facility_code: str, db: str = DbOption) -> None:
    """Stop calling the hospital's service; jkn keeps its Mobile JKN queue itself again."""
    with _session(db) as s:
        _json(mobile_jkn_services.remove(s, facility_code.upper(), actor=Actor.cli()))


@mobilejkn_app.command("check")
def mobilejkn_check(url: str = typer.Option(..., help="base URL of the service under test"),
                    username: str = typer.Option(...), password: str = typer.Option(..., prompt=True, hide_input=True),
                    poli: str = typer.Option(..., help="kodepoli (BPJS sub-specialty code) the service knows"),
                    doctor: str = typer.Option(..., help="kodedokter (BPJS doctor code)"),
                    hours: str = typer.Option(..., help="jampraktek, e.g. 08:00-12:00"),
                    date: dt.date = typer.Option(None, help="tanggalperiksa (default today)", parser=bounded(JknDate)),
                    card: str = typer.Option(..., help="nomorkartu of a test patient"),
                    nik: str = typer.Option(..., help="the test patient's NIK"),
                    referral: str = typer.Option(..., help="nomorreferensi valid for that clinic"),
                    visit_type: int = typer.Option(1, help="jeniskunjungan 1-4"),
                    new_patient: Path = typer.Option(None, help="JSON file: an Info Pasien Baru body of a patient "
                                                                "the hospital has no record of"),
                    as_json: bool = typer.Option(False, "--json")) -> None:
    """Test a hospital's Mobile JKN service as Mobile JKN calls it: pass/fail per check (exit 1 on a failure)."""
    try:
        identity = json.loads(new_patient.read_text(encoding="utf-8")) if new_patient else None
    except ValueError as exc:
        raise Invalid(Msg("error.mjkn.new_patient_file", error=str(exc)), field="new_patient") from None
    if identity is not None and not isinstance(identity, dict):
        raise Invalid(Msg("error.mjkn.new_patient_file", error="{…}"), field="new_patient")
    url = mobile_jkn_services.service_url(url)
    sample = mobile_jkn_check.Sample(poli=poli, doctor=doctor, hours=hours, day=date or jakarta_today(), card=card,
                                     nik=nik, referral=referral, visit_type=visit_type, new_patient=identity)
    checks = mobile_jkn_check.run(Service(url, username, password), sample)
    lang = cli_language()
    if as_json:
        _json([{"check": c.name, "status": c.status, "detail": render(c.detail, lang) if c.detail else ""}
               for c in checks])
    else:
        for c in checks:
            line = f"{render(Msg(f'mjkn.check.status.{c.status}'), lang):<6} {render(Msg(f'mjkn.check.{c.name}'), lang)}"
            typer.echo(line + (f" — {render(c.detail, lang)}" if c.detail else ""))
        failed = sum(c.status == mobile_jkn_check.FAIL for c in checks)
        typer.echo(say("mjkn.check.summary", passed=sum(c.status == mobile_jkn_check.PASS for c in checks),
                          failed=failed, skipped=sum(c.status == mobile_jkn_check.SKIP for c in checks)))
    if any(c.status == mobile_jkn_check.FAIL for c in checks):
        raise typer.Exit(1)
