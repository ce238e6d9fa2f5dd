"""The ``jkn`` command line: serve the app, manage the database, look things up, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from jkn.commands import calc, users
from jkn.commands.edge import UserErrors, cli_language, os_error, say
from jkn.services.errors import NotFound
from jkn.services.workareas import directory

app = typer.Typer(help="JKN: Indonesia's national health insurance, as BPJS Kesehatan's documents describe it.", add_completion=False,
                  no_args_is_help=True, cls=UserErrors)  # user errors: a message and exit code 2 (issue #10)
db_app = typer.Typer(help="Database administration.", no_args_is_help=True)
lookup_app = typer.Typer(help="Look up the work-area registry (Perdir 19/2017).", no_args_is_help=True)
export_app = typer.Typer(help="Export reference data.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(lookup_app, name="lookup")
app.add_typer(export_app, name="export")
app.add_typer(calc.app, name="calc")
app.add_typer(users.app, name="users")  # portal accounts (issue #6)
from jkn.commands import care as _care  # noqa: E402

app.add_typer(_care.app, name="care")  # care flow and VClaim consumers (issue #5)
from jkn.commands import billing as _billing, demo as _demo, imports as _imports, membership as _membership  # noqa: E402,I001  issue #4
app.add_typer(_membership.participants_app, name="participants")  # issue #4
app.add_typer(_membership.employers_app, name="employers")  # issue #4
app.add_typer(_imports.app, name="import")  # issue #4
app.add_typer(_billing.app, name="billing")  # issue #4
app.command("demo", help="Demo data.")(_demo.demo)  # issue #4: one command, no subcommands
from jkn.commands import policy as _policy  # noqa: E402  issue #12

app.add_typer(_policy.app, name="policy")  # issue #12
from jkn.commands import bank as _bank  # noqa: E402  issue #15

app.add_typer(_bank.app, name="bank")  # banks host-to-host (issue #15)

console = Console()
err = Console(stderr=True)

DbOption = typer.Option(None, "--db", envvar="JKN_DATABASE_URL", help="Database URL (default: SQLite file ./jkn.sqlite3)")


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _fail(message: str) -> None:
    err.print("[red]" + say("cli.error") + f":[/red] {message}")
    raise typer.Exit(code=2)


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
          port: int = typer.Option(8000, min=1, max=65535, help="TCP port"),
          db: str = DbOption,
          workers: int = typer.Option(1, min=1, max=64, help="Worker processes")) -> None:
    """Start the web app and APIs (database created and migrated on first start)."""
    import importlib.util
    import os
    import socket

    import uvicorn

    try:  # a port in use or not ours to open is the user's to change, before anything starts
        socket.create_server((host, port)).close()
    except OSError as exc:
        raise typer.BadParameter(os_error(exc), param_hint="--host/--port") from None
    if db:
        os.environ["JKN_DATABASE_URL"] = db
    from jkn.store.bootstrap import prepare_database

    prepare_database(db).dispose()  # migrate once before workers start
    console.print(say("cli.serving", url=f"http://{host}:{port}"))
    # uvloop's event loop and httptools' parser (pyproject: where uvloop builds; else the asyncio loop); no
    # access log: at the warning level its lines are never written, yet each request built one (3 % of a
    # VClaim eligibility answer, docs/benchmarks.md "sixth pass")
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    uvicorn.run("jkn.api.asgi:app", host=host, port=port, workers=workers, log_level="warning", loop=loop,
                http="httptools", access_log=False)


@db_app.command("upgrade")
def db_upgrade(db: str = DbOption) -> None:
    """Migrate the database to the newest schema and load reference data."""
    from jkn.store.bootstrap import prepare_database

    prepare_database(db).dispose()
    console.print(say("cli.db_up_to_date"))


@lookup_app.command("region")
def lookup_region(code_or_name: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """A kab/kota by Kemendagri code (12.17) or name (\"Kab. Tulung Agung\")."""
    if code_or_name.replace(".", "").isdigit():
        results = [directory.get_region(code_or_name)]
    else:
        results = directory.find_regions(code_or_name, limit=5)
    if not results:
        _fail(say("error.workarea.kabkota_no_match", query=repr(code_or_name)))
    if as_json:
        _print_json(results)
        return
    table = Table(say("cli.col.code"), say("cli.col.kabkota"), say("cli.col.province"), say("cli.col.branch"),
                  say("cli.col.deputy_region"), say("cli.col.district_office"))
    for r in results:
        table.add_row(r["code"], r["name"], r["province"], f"{r['branch']['name']} ({r['branch']['class']})",
                      r["deputy_region"]["name"], say("cli.branch_seat") if r["is_branch_seat"] else r["district_office_class"])
    console.print(table)


@lookup_app.command("branch")
def lookup_branch(code_or_name: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """A branch office by code (001) or name, with its kab/kota and contacts."""
    try:
        branch = directory.find_branch(code_or_name)
    except NotFound as exc:
        if not exc.suggestions:
            raise
        _fail(exc.text(cli_language()) + "\n" + "\n".join(f"  {s['code']} {s['name']}" for s in exc.suggestions))
    if as_json:
        _print_json(branch)
        return
    console.print(f"[bold]{say('branch.prefix')} {branch['name']}[/bold] ({branch['code']}, "
                  f"{say('col.class')} {branch['class'].capitalize()}) — {branch['deputy_region']['name']}")
    entry = branch["directory"]
    if entry:
        console.print(say("cli.branch_contacts", address=entry["address"], phones=" / ".join(entry["phones"]) or "-",
                          hotline=entry["hotline"] or "-"))
    else:
        console.print(say("cli.branch_address", address=directory.NO_PUBLISHED_ADDRESS))
    for k in branch["kabkota"]:
        seat = say("branch.seat") if k["is_branch_seat"] else (k["district_office_class"] or "").capitalize()
        console.print(f"  {k['code']} {k['name']}  {seat}")


@lookup_app.command("nik")
def lookup_nik(nik: str) -> None:
    """Birth date, sex and region (→ branch) encoded in a NIK."""
    _print_json(directory.lookup_nik(nik))


@lookup_app.command("office")
def lookup_office(kabkota_or_nik: str) -> None:
    """Which office serves me: a kab/kota name or a NIK."""
    _print_json(directory.which_office(kabkota_or_nik))


@export_app.command("hierarchy")
def export_hierarchy(fmt: str = typer.Option("csv", "--format", help="csv or json"),
                     output: Path = typer.Option(None, "--output", "-o", help="File to write (default: stdout)")) -> None:
    """The whole hierarchy: deputy region → branch → kab/kota."""
    if fmt not in ("csv", "json"):
        _fail(say("cli.format_csv_json"))
    text = directory.hierarchy_csv() if fmt == "csv" else json.dumps(directory.hierarchy_json(), ensure_ascii=False, indent=2)
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(say("cli.wrote", path=str(output)))
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    app()
