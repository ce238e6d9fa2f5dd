"""``jkn users``: create the first administrator and other portal users, list, reset, deactivate.

Passwords are read from a prompt (hidden, asked twice) or ``--password-stdin``; never from a
command-line argument, which would end up in the shell history and the process list.
"""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from jkn.commands.edge import cli_language, say
from jkn.commands.paging import OffsetOption, footer, limit_option
from jkn.i18n import Msg
from jkn.services.portal import accounts
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work

app = typer.Typer(help="Portal users: administrators, officers, employers, participants, facility staff.",
                  no_args_is_help=True)
console = Console()
err = Console(stderr=True)

DbOption = typer.Option(None, "--db", envvar="JKN_DATABASE_URL", help="Database URL (default: SQLite file ./jkn.sqlite3)")
StdinOption = typer.Option(False, "--password-stdin", help="Read the password from the first line of standard input")


def _engine(db: str | None):
    from jkn.store.bootstrap import prepare_database

    return prepare_database(db)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt(say("cli.users.password_prompt"), hide_input=True)
    second = typer.prompt(say("cli.users.password_again"), hide_input=True)
    if first != second:
        err.print("[red]" + say("cli.error") + ":[/red] " + say("cli.users.passwords_differ"))
        raise typer.Exit(code=2)
    return first


@app.command("create-admin")
def create_admin(username: str = typer.Argument(..., help="User name of the administrator"),
                 full_name: str = typer.Option("Administrator", "--name", help="Full name"),
                 password_stdin: bool = StdinOption, db: str = DbOption) -> None:
    """Create an administrator (role ADMIN): manages users and sees every region."""
    _create(username, full_name, accounts.ADMIN, password_stdin, db)


@app.command("create")
def create(username: str = typer.Argument(..., help="User name"),
           role: str = typer.Option(..., "--role", help=", ".join(accounts.ROLES)),
           full_name: str = typer.Option(..., "--name", help="Full name"),
           branch: str = typer.Option(None, "--branch", help="BRANCH_OFFICER: branch code (e.g. 001)"),
           deputy_region: str = typer.Option(None, "--region", help="REGIONAL_MANAGER: deputy region code (e.g. 01)"),
           employer: str = typer.Option(None, "--employer", help="EMPLOYER_ADMIN: employer code"),
           participant: str = typer.Option(None, "--participant", help="PARTICIPANT: card number or NIK"),
           facility: str = typer.Option(None, "--facility", help="FACILITY_STAFF: facility code"),
           password_stdin: bool = StdinOption, db: str = DbOption) -> None:
    """Create a user of any role; the role decides which option is required."""
    _create(username, full_name, role, password_stdin, db, branch=branch, deputy_region=deputy_region,
            employer=employer, participant=participant, facility=facility)


def _create(username: str, full_name: str, role: str, password_stdin: bool, db: str | None, **place) -> None:
    password = _password(password_stdin)
    engine = _engine(db)
    try:
        with Session(engine) as session, unit_of_work(session):
            user = accounts.create_user(session, Actor.cli(), username=username, password=password,
                                        role=role, full_name=full_name, **place)
            console.print(say("cli.users.created", role=Msg(f"role.{user.role}"), username=user.username))
    finally:
        engine.dispose()


def _role(text: str) -> str:
    if text.upper() not in accounts.ROLES:
        raise typer.BadParameter(say("cli.users.not_a_role", text=repr(text), roles=", ".join(accounts.ROLES)))
    return text.upper()


@app.command("list")
def list_users(role: str = typer.Option(None, "--role", help=", ".join(accounts.ROLES), parser=_role),
               as_json: bool = typer.Option(False, "--json"), limit: int = limit_option(50), offset: int = OffsetOption,
               db: str = DbOption) -> None:
    """The users, with their role and place."""
    engine = _engine(db)
    with Session(engine) as session:
        found = accounts.users_page(session, role=role, limit=limit, offset=offset)
        rows = [{"username": u.username, "name": u.full_name, "role": u.role, "branch": u.branch_code,
                 "deputy_region": u.deputy_region_code, "employer_id": u.employer_id,
                 "participant_id": u.participant_id, "facility": u.facility_code, "active": u.active} for u in found["items"]]
    engine.dispose()
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return footer(found)
    table = Table(say("cli.col.user"), say("cli.col.name"), say("cli.col.role"), say("cli.col.place"), say("cli.col.active"))
    for r in rows:
        place = r["branch"] or r["deputy_region"] or r["facility"] or r["employer_id"] or r["participant_id"] or ""
        table.add_row(r["username"], r["name"], r["role"], str(place), say("cli.yes") if r["active"] else say("cli.no"))
    console.print(table)
    footer(found)


def _change(username: str, db: str | None, what) -> None:
    engine = _engine(db)
    try:
        with Session(engine) as session, unit_of_work(session):
            what(session, accounts.get_user(session, username))
    finally:
        engine.dispose()


@app.command("set-password")
def set_password(username: str, password_stdin: bool = StdinOption, db: str = DbOption) -> None:
    """Give a user a new password (their open sessions end)."""
    password = _password(password_stdin)
    _change(username, db, lambda s, u: accounts.set_password(s, Actor.cli(), u, password))
    console.print(say("cli.users.password_changed", username=username))


@app.command("deactivate")
def deactivate(username: str, db: str = DbOption) -> None:
    """Stop a user from logging in (their open sessions end)."""
    _change(username, db, lambda s, u: accounts.set_active(s, Actor.cli(), u, False))
    console.print(say("cli.users.deactivated", username=username))


@app.command("activate")
def activate(username: str, db: str = DbOption) -> None:
    """Let a deactivated user log in again."""
    _change(username, db, lambda s, u: accounts.set_active(s, Actor.cli(), u, True))
    console.print(say("cli.users.activated", username=username))


@app.command("prune")
def prune(db: str = DbOption) -> None:
    """Delete sessions and log-in attempts older than JKN_SECURITY_LOG_DAYS (90); run it daily (cron)."""
    from jkn.services.portal.housekeeping import prune_security_log

    engine = _engine(db)
    with Session(engine) as session:
        done = prune_security_log(session, actor=Actor.cli())
    engine.dispose()
    console.print(say("cli.users.pruned", **done))


@app.command("audit")
def audit_log(limit: int = limit_option(30), offset: int = OffsetOption, as_json: bool = typer.Option(False, "--json"),
              db: str = DbOption) -> None:
    """The newest audit events (who, when, action, object, summary, before/after)."""
    from jkn.services.portal import audit

    engine = _engine(db)
    with Session(engine) as session:
        found = audit.recent_page(session, limit=limit, offset=offset)
        rows = found["items"]
        if as_json:
            data = [{"at": r.at.isoformat(), "actor": r.actor, "role": r.role, "action": r.action,
                     "object_type": r.object_type, "object_id": r.object_id, "branch": r.branch_code,
                     "facility": r.facility_code, "client": r.client,
                     "summary": audit.summary_text(r.summary, cli_language()), "before": r.before,
                     "after": r.after} for r in rows]
            engine.dispose()
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            return footer(found)
        table = Table(say("cli.col.when_utc"), say("cli.col.who"), say("cli.col.action"), say("cli.col.object"),
                      say("cli.col.summary"))
        for r in rows:
            table.add_row(r.at.strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.action,
                          f"{r.object_type or ''} {r.object_id or ''}".strip(),
                          audit.summary_text(r.summary, cli_language())[:80])
    engine.dispose()
    console.print(table)
    footer(found)



