"""``jkn billing``: bill a month, list bills, post payments, statements (issue #4)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from jkn.commands.edge import bounded, say
from jkn.commands.membership import DbOption, out, session_for
from jkn.commands.paging import OffsetOption, footer, limit_option
from jkn.services.bounds import JknDate, JknMonth, PositiveRupiah

app = typer.Typer(help="Monthly billing, payments and statements.", no_args_is_help=True)
err = Console(stderr=True)


@app.command("run")
def run(month: str = typer.Option(..., "--month", help="YYYY-MM", parser=bounded(JknMonth)),
        method: str = typer.Option("batch", "--method", help="batch (set-based SQL) or single (engine per family)"),
        pbi_amount: int = typer.Option(None, "--pbi-amount", help="PBI contribution per person (not in the guide)",
                                       parser=bounded(PositiveRupiah)),
        veteran_base_salary: int = typer.Option(None, "--veteran-base-salary", parser=bounded(PositiveRupiah),
                                                help="basic salary of PNS III/a with 14 years (veterans)"),
        db: str = DbOption) -> None:
    """Bill everyone for a month, with a progress bar."""
    from jkn.services.billing import runs as billing
    from jkn.services.portal.audit import Actor

    opts = billing.Options(pbi_amount=pbi_amount, veteran_base_salary=veteran_base_salary)
    columns = [TextColumn(escape(say("cli.billing.progress", month=month))), BarColumn(), TaskProgressColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err) as bar, session_for(db) as s:
        task = bar.add_task("bill", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = billing.run_billing(s, month, actor=Actor.cli(), method=method, options=opts, progress=progress)
    out(result.as_dict())


@app.command("bills")
def bills(payer: str = typer.Option(None, "--payer"), month: str = typer.Option(None, "--month", parser=bounded(JknMonth)),
          status: str = typer.Option(None, "--status", parser=bounded(Literal["OPEN", "PAID"]), help="OPEN or PAID"),
          limit: int = limit_option(50), offset: int = OffsetOption, db: str = DbOption) -> None:
    """List bills."""
    from jkn.services.billing import runs as billing

    with session_for(db) as s:
        found = billing.list_bills(s, payer_code=payer, month=month, status=status, limit=limit, offset=offset)
    out(found)
    footer(found)


@app.command("pay")
def pay(reference: str = typer.Option(..., help="the bank's transaction reference (idempotency key)"),
        amount: int = typer.Option(..., parser=bounded(PositiveRupiah)),
        paid_on: dt.date = typer.Option(..., "--paid-on", help="YYYY-MM-DD", parser=bounded(JknDate)),
        payer: str = typer.Option(None, "--payer", help="payer code"), card: str = typer.Option(None, "--card"),
        employer: str = typer.Option(None, "--employer"), channel: str = typer.Option(None), db: str = DbOption) -> None:
    """Record a payment (posted twice, recorded once)."""
    from jkn.services.billing import payments
    from jkn.services.membership.schemas import PaymentIn
    from jkn.services.portal.audit import Actor

    with session_for(db) as s:
        out(payments.post_payment(s, PaymentIn(reference=reference, amount=amount, paid_on=paid_on,
                                               payer_code=payer, card_number=card, employer_code=employer,
                                               channel=channel), actor=Actor.cli()))


@app.command("statement")
def statement(payer: str = typer.Argument(..., help="payer code (E<employer>, F<family>, G-PBI ...)"),
              on: dt.date = typer.Option(None, "--on", parser=bounded(JknDate)), db: str = DbOption) -> None:
    """A payer's statement: bills, payments, arrears, penalty, suspension."""
    from jkn.services.billing import statements

    with session_for(db) as s:
        out(statements.statement_by_payer_code(s, payer, on))


@app.command("runs")
def runs(limit: int = limit_option(20), offset: int = OffsetOption, db: str = DbOption) -> None:
    """Recent billing runs."""
    from jkn.services.billing import runs as billing

    with session_for(db) as s:
        found = billing.list_runs(s, limit, offset)
    out(found["items"])
    footer(found)
