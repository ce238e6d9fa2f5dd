"""``jkn import``: the collective-registration template and the import of a CSV/XLSX file (issue #4)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jkn.commands.edge import bounded, say
from jkn.i18n import N_, translator
from jkn.commands.membership import DbOption, session_for
from jkn.services.bounds import JknDate

app = typer.Typer(help="Collective registration (pendaftaran kolektif) from CSV or XLSX.", no_args_is_help=True)
err = Console(stderr=True)

PHASES = {"read": N_("cli.import.reading"), "check": N_("cli.import.checking"), "write": N_("cli.import.writing")}


@app.command("template")
def template(fmt: str = typer.Option("xlsx", "--format", help="xlsx or csv"),
             output: Path = typer.Option(None, "--output", "-o", help="file to write (default: template.<format>)")) -> None:
    """Write the published template."""
    from jkn.services.membership.collective_import import template_bytes

    if fmt not in ("xlsx", "csv"):
        err.print("[red]" + say("cli.error") + ":[/red] " + say("cli.import.format"))
        raise typer.Exit(code=2)
    output = output or Path(f"template-pendaftaran-kolektif.{fmt}")
    output.write_bytes(template_bytes(fmt))
    err.print(say("cli.wrote", path=str(output)))


@app.command("run")
def run(file: Path = typer.Argument(..., exists=True, readable=True, help="CSV or XLSX in the template's format"),
        employer: str = typer.Option(None, "--employer", help="employer code of the wage earners in the file"),
        lang: str = typer.Option("id", "--lang", help="language of the error report: id or en"),
        registered_on: dt.date = typer.Option(None, "--registered-on", help="date of the forms (default today)",
                                              parser=bounded(JknDate)),
        documents: str = typer.Option(None, "--documents", help="comma-separated checklist codes handed in"),
        report: Path = typer.Option(None, "--report", help="write the full JSON report here"),
        db: str = DbOption) -> None:
    """Import a file: every row validated, all or nothing, with a progress bar (audited as cli:<user>)."""
    from jkn.services.membership.collective_import import import_file
    from jkn.services.portal.audit import Actor

    if lang not in ("id", "en"):
        raise typer.BadParameter(say("cli.lang_choice"))
    shown = [c.strip() for c in documents.split(",")] if documents else None
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=False) as bar, session_for(db) as s:
        tasks: dict[str, int] = {}

        def progress(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(PHASES[phase].render(lang) if phase in PHASES else phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        result = import_file(s, file.read_bytes(), filename=file.name, employer_code=employer, actor=Actor.cli(),
                             registered_on=registered_on, documents_shown=shown, progress=progress)
    body = result.as_dict(lang, max_errors=10**9)
    t = translator(lang)  # the report's language (--lang)
    if report:
        report.write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    if result.ok:
        err.print("[green]ok[/green]: " + t("cli.import.done", participants=result.participants, families=result.families,
                                              batch=str(result.batch_id), seconds=f"{result.seconds:.1f}"))
        sys.stdout.write(json.dumps({k: body[k] for k in ("ok", "rows", "families", "participants", "batch_id",
                                                          "sample_cards", "seconds")}, ensure_ascii=False) + "\n")
        return
    err.print("[red]" + t("cli.import.refused") + "[/red]: " + t("cli.import.errors", count=len(result.errors)))
    for e in body["errors"][:50]:
        err.print("  " + t("cli.import.row") + f" {e['row']}, {e['column'] or '-'}: {e['message']}")
    if len(body["errors"]) > 50:
        err.print("  ... " + (t("cli.import.more_see", count=len(body["errors"]) - 50, report=str(report)) if report
                            else t("cli.import.more", count=len(body["errors"]) - 50)))
    raise typer.Exit(code=1)
