"""``jkn calc``: the public calculators (contribution, room class, penalty, ranks) with their reasons."""

from __future__ import annotations

import datetime as dt
import json
import sys

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jkn.commands.edge import bounded, cli_language, say
from jkn.i18n import format_rupiah, render
from jkn.rules.decision import RuleError, answer_text, localize
from jkn.rules.wage_terms import wage_components
from jkn.services.billing import calculators
from jkn.services.bounds import JknDate, JknMonth, Members, Persons, Rupiah
from jkn.web.labels import line_text, name_of

app = typer.Typer(help="Calculators from the participant guide, each answer with its reason.", no_args_is_help=True)
console = Console()


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(say("cli.not_a_date", text=repr(text))) from None


AsOf = typer.Option(..., "--as-of", help="YYYY-MM-DD", parser=bounded(JknDate))
_rupiah = bounded(Rupiah)


def _show(result: dict, as_json: bool) -> None:
    """The answer in one sentence first, then the lines, then each step naming its source (deciding steps
    first), in the command line's language; ``--json`` keeps the machine source ids beside the names."""
    lang = cli_language()
    result = {**result, "answer": answer_text(result.get("answer"), lang),
              "explanation": localize(result["explanation"], lang)}
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if result["answer"]:
        console.print(f"[bold]{escape(result['answer'])}[/bold]")
    for line in result.get("lines", []):
        console.print(f"  {name_of('payer', line['payer'], lang):<13} {line_text(line['item'], lang):<45} "
                      f"{format_rupiah(line['amount'], lang):>15}")
    console.print(say("cli.calc.because"))
    for step in result["explanation"]:
        console.print(f"  - {escape(step['text'])}  [dim]({escape(step['source_name'])})[/dim]")


def _run(compute):
    try:
        return compute()
    except RuleError as exc:
        _refuse(render(exc.msg, cli_language()) if exc.msg else str(exc))
    except ValueError as exc:
        _refuse(str(exc))


def _refuse(said: str):
    Console(stderr=True).print("[red]" + say("cli.error") + f":[/red] {escape(said)}")
    raise typer.Exit(code=2) from None


def _components(items: list[str]) -> dict[str, int]:
    """``--component NAME=AMOUNT`` items (thousands dots allowed) as the calculator's ``wage_components``."""
    known, out = wage_components(), {}
    for item in items:
        name, _, amount = item.partition("=")
        amount = amount.replace(".", "").strip()
        if name.strip() not in known or not amount.isdigit():
            _refuse(say("cli.error.component", known=", ".join(known), got=item))
        out[name.strip()] = _rupiah(amount)
    return out


@app.command()
def contribution(segment: str = typer.Option(..., help="e.g. PPU_SWASTA, PBPU_MANDIRI"),
                 as_of: dt.date = AsOf,
                 wage: int = typer.Option(None, help="monthly wage (wage earners)", parser=_rupiah),
                 grade: str = typer.Option(None, help="grade such as III/a (state pensioners)"),
                 care_class: str = typer.Option(None, "--care-class", help="I, II or III (PBPU / BP)"),
                 persons: int = typer.Option(1, help="persons paying the flat rate", parser=bounded(Persons)),
                 additional_members: int = typer.Option(0, "--additional-members", help="wage earners: 1% members",
                                                        parser=bounded(Members)),
                 pension: int = typer.Option(None, help="monthly pension (state pensioners from 2018-10)",
                                             parser=_rupiah),
                 veteran_base_salary: int = typer.Option(None, "--veteran-base-salary", parser=_rupiah),
                 pbi_amount: int = typer.Option(None, "--pbi-amount", parser=_rupiah),
                 umk: int = typer.Option(None, "--umk", parser=_rupiah,
                                         help="regional minimum wage (UMK) of the workplace: the wage floor of "
                                              "private employees from 2020 (not checked without it)"),
                 component: list[str] = typer.Option([], "--component",
                                                     help="salary item COMPONENT=AMOUNT instead of --wage, e.g. "
                                                          "gaji_pokok=3000000 (repeat; government employees)"),
                 as_json: bool = typer.Option(False, "--json")) -> None:
    """Monthly contribution and each payer's share."""
    components = _components(component)
    result = _run(lambda: calculators.contribution(
        segment, as_of, wage=wage, grade=grade, care_class=care_class, persons=persons,
        additional_members=additional_members, pension=pension, veteran_base_salary=veteran_base_salary,
        pbi_amount=pbi_amount, minimum_wage=umk, wage_components=components))
    _show(result, as_json)


@app.command("care-class")
def care_class(segment: str = typer.Option(...), as_of: dt.date = AsOf,
               grade: str = typer.Option(None), rank: str = typer.Option(None),
               wage: int = typer.Option(None, parser=_rupiah),
               care_class: str = typer.Option(None, "--care-class", help="class paid for (PBPU / BP)"),
               as_json: bool = typer.Option(False, "--json")) -> None:
    """The inpatient room class a participant is owed."""
    result = _run(lambda: calculators.room_class(segment, as_of, grade=grade, rank=rank, wage=wage,
                                                 paid_class=care_class))
    _show(result, as_json)


@app.command()
def penalty(segment: str = typer.Option(...), as_of: dt.date = AsOf,
            unpaid: list[str] = typer.Option([], help="MONTH=AMOUNT, e.g. 2014-05=42500 (repeat)"),
            penalty_owed: int = typer.Option(0, "--penalty-owed", parser=_rupiah,
                                             help="penalty charged earlier and not yet paid"),
            suspended_since: dt.date = typer.Option(None, "--suspended-since", parser=bounded(JknDate),
                                                    help="cover already suspended since YYYY-MM-DD"),
            as_json: bool = typer.Option(False, "--json")) -> None:
    """Lateness, late-payment penalty, arrears and suspension."""
    for item in unpaid:  # each month within JKN's span, as the API's bounds say
        bounded(JknMonth)(item.partition("=")[0])
    result = _run(lambda: calculators.penalty(segment, as_of, calculators.parse_unpaid(unpaid),
                                              penalty_owed=penalty_owed, suspended_since=suspended_since))
    _show(result, as_json)


@app.command()
def ranks(q: str) -> None:
    """A rank or grade and its equivalents (PNS, Polri, TNI AD/AL/AU)."""
    table = Table(say("cli.calc.grade"), say("cli.calc.category"), "PNS", "Polri", "TNI AD", "TNI AL", "TNI AU")
    for r in calculators.ranks(q):
        e = r["equivalents"]
        table.add_row(r["grade"], r["category"], *(e.get(k, "-") for k in ("pns", "polri", "tni_ad", "tni_al", "tni_au")))
    console.print(table)
