"""``jkn policy compare``: the registry's monthly contributions under several rule sets (issue #12)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from jkn.commands.calc import iso_date
from jkn.commands.edge import cli_language, say
from jkn.commands.membership import DbOption, out, session_for
from jkn.i18n import format_rupiah

app = typer.Typer(help="Policy what-if over the registry.", no_args_is_help=True)
console, err = Console(), Console(stderr=True)
BY = {"deputy": "by_deputy", "branch": "by_branch", "segment": "by_segment"}


@app.command("compare")
def compare(date_from: str = typer.Option(..., "--from", help="the first rule set: the one in force on YYYY-MM-DD"),
            date_to: str = typer.Option(..., "--to", help="the rule set in force on YYYY-MM-DD"),
            what_if: list[Path] = typer.Option(None, "--what-if", help="a TOML file in the format of "
                                               "src/jkn/rules/params/*.toml laid over the rules of --to (repeat)"),
            by: str = typer.Option("deputy", "--by", help="rows of the table: deputy, branch or segment"),
            csv_file: Path = typer.Option(None, "--csv", help="write every unit and column as CSV to this file"),
            as_json: bool = typer.Option(False, "--json"), db: str = DbOption) -> None:
    """The current registry's monthly contributions under the rule set of each date, side by side."""
    from jkn.services.policy.compare import compare as run
    from jkn.services.policy.compare import compare_csv

    if by not in BY:
        raise typer.BadParameter(say("cli.policy.by_choice"))
    files = [(p.name, p.read_text(encoding="utf-8")) for p in what_if or []]
    columns = [TextColumn(say("cli.policy.comparing")), BarColumn(), TaskProgressColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err) as bar, session_for(db) as s:
        task = bar.add_task("compare", total=None)
        data = run(s, None, date_from=iso_date(date_from), date_to=iso_date(date_to), what_ifs=files,
                   progress=lambda done, total: bar.update(task, completed=done, total=total))
    if csv_file:
        csv_file.write_text(compare_csv(data), encoding="utf-8")
        err.print(say("cli.wrote", path=str(csv_file)))
    if as_json:
        out(data)
        return
    table = Table(by, say("cli.col.participants"), *[f"{c['label']}\n{c['rule_set'][:40]}" for c in data["columns"]],
                  title=say("cli.policy.title"))
    for r in data[BY[by]] + [{"code": "", "name": say("cli.total"), **data["totals"]}]:
        table.add_row(f"{r['code']} {r['name']}".strip(), f"{r['participants']:,}".replace(",", "."),
                      *[f"{format_rupiah(c['revenue'], cli_language())}\n({c['amount_changed']} / {c['class_changed']}, {c['not_available']})"
                        for c in r["cells"]])
    console.print(table)
    for n in data["notes"]:
        console.print("[dim]" + say("cli.policy.not_available", column=n["column"], participants=n["participants"],
                                     segment=n["segment"], reason=n["reason"]) + "[/dim]")
