"""``jkn calc``: the public calculators (contribution, room class, penalty, ranks) with their reasons."""

from __future__ import annotations

import datetime as dt
import json
import sys

import typer
from rich.console import Console
from rich.table import Table

from jkn.commands.edge import bounded, say
from jkn.rules.decision import RuleError
from jkn.services.billing import calculators
from jkn.services.bounds import JknDate, JknMonth, Members, Persons, Rupiah

app = typer.Typer(help="Calculators from the participant guide, each answer with its reason.", no_args_is_help=True)
console = Console()


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(say("cli.not_a_date", text=repr(text))) from None


AsOf = typer.Option(..., "--as-of", help="YYYY-MM-DD", parser=bounded(JknDate))
_rupiah = bounded(Rupiah)


def rp(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def _show(result: dict, as_json: bool, headline: str) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return
    console.print(f"[bold]{headline}[/bold]")
    for line in result.get("lines", []):
        console.print(f"  {line['payer']:<11} {line['item']:<45} {rp(line['amount']):>15}")
    console.print(say("cli.calc.because"))
    for step in result["explanation"]:
        console.print(f"  - {step['text']}  [dim]({step['source']})[/dim]")


def _run(compute):
    try:
        return compute()
    except (RuleError, ValueError) as exc:
        Console(stderr=True).print("[red]" + say("cli.error") + f":[/red] {exc}")
        raise typer.Exit(code=2) from None


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
                 as_json: bool = typer.Option(False, "--json")) -> None:
    """Monthly contribution and each payer's share."""
    result = _run(lambda: calculators.contribution(
        segment, as_of, wage=wage, grade=grade, care_class=care_class, persons=persons,
        additional_members=additional_members, pension=pension, veteran_base_salary=veteran_base_salary,
        pbi_amount=pbi_amount))
    headline = (f"{result['segment']} {result['month']}: total {rp(result['total'])} (employer {rp(result['employer'])}, "
                f"participant {rp(result['participant'])}, government {rp(result['government'])}), due {result['due_date']}")
    _show(result, as_json, headline)


@app.command("care-class")
def care_class(segment: str = typer.Option(...), as_of: dt.date = AsOf,
               grade: str = typer.Option(None), rank: str = typer.Option(None),
               wage: int = typer.Option(None, parser=_rupiah),
               care_class: str = typer.Option(None, "--care-class", help="class paid for (PBPU / BP)"),
               as_json: bool = typer.Option(False, "--json")) -> None:
    """The inpatient room class a participant is owed."""
    result = _run(lambda: calculators.room_class(segment, as_of, grade=grade, rank=rank, wage=wage,
                                                 paid_class=care_class))
    _show(result, as_json, f"room class {result['care_class']}")


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
    status = "SUSPENDED" if result["suspended"] else "active"
    late = result["lateness"]
    late_text = f"{late['months']} month(s) {late['days']} day(s) late" if late else "not late"
    _show(result, as_json, f"{result['months_in_arrears']} month(s) in arrears, {late_text}, "
                            f"penalty {rp(result['penalty'])}, amount due {rp(result['amount_due'])}, cover {status}")


@app.command()
def ranks(q: str) -> None:
    """A rank or grade and its equivalents (PNS, Polri, TNI AD/AL/AU)."""
    table = Table("grade", "category", "PNS", "Polri", "TNI AD", "TNI AL", "TNI AU")
    for r in calculators.ranks(q):
        e = r["equivalents"]
        table.add_row(r["grade"], r["category"], *(e.get(k, "-") for k in ("pns", "polri", "tni_ad", "tni_al", "tni_au")))
    console.print(table)
