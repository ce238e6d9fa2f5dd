"""``jkn bank``: banks that collect contributions host-to-host (issue #15, docs/h2h.md)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer

from jkn.commands.edge import bounded
from jkn.commands.membership import DbOption, out, session_for
from jkn.commands.paging import OffsetOption, footer, limit_option
from jkn.i18n import Msg
from jkn.services.bounds import JknDate

app = typer.Typer(help="Banks host-to-host: credentials, virtual accounts, daily reconciliation.", no_args_is_help=True)


def _bank(s, code: str):
    from jkn.services.billing.banks import load_auth
    from jkn.services.errors import NotFound

    bank = load_auth(s, code)
    if bank is None:
        raise NotFound(Msg("error.bank.unknown_active", code=repr(code)))
    return bank


@app.command("add")
def add(code: str = typer.Argument(..., help="the bank's code, sent as X-Bank-Id (BRI, BNI, MANDIRI ...)"),
        name: str = typer.Option(..., "--name", help="the bank's name"),
        va_prefix: str = typer.Option(..., "--va-prefix", help="the code its virtual accounts begin with (docs/h2h.md)"),
        db: str = DbOption) -> None:
    """Issue credentials to a bank; prints its secret once."""
    from jkn.services.billing.banks import add_bank
    from jkn.services.portal.audit import Actor

    with session_for(db) as s:
        out(add_bank(s, code, name, va_prefix, actor=Actor.cli()))


@app.command("list")
def list_(limit: int = limit_option(50), offset: int = OffsetOption, db: str = DbOption) -> None:
    """The banks and their state (never their secrets)."""
    from jkn.services.billing.banks import banks_page

    with session_for(db) as s:
        found = banks_page(s, limit=limit, offset=offset)
    out(found["items"])
    footer(found)


@app.command("rotate")
def rotate(code: str = typer.Argument(...), db: str = DbOption) -> None:
    """Give a bank a new secret (the old one stops at once); prints it once."""
    from jkn.services.billing.banks import rotate_secret
    from jkn.services.portal.audit import Actor

    with session_for(db) as s:
        out(rotate_secret(s, code, actor=Actor.cli()))


@app.command("revoke")
def revoke(code: str = typer.Argument(...), db: str = DbOption) -> None:
    """Stop a bank's access to /h2h."""
    from jkn.services.billing.banks import revoke_bank
    from jkn.services.portal.audit import Actor

    with session_for(db) as s:
        out(revoke_bank(s, code, actor=Actor.cli()))


@app.command("va")
def va(code: str = typer.Argument(..., help="the bank"), card: str = typer.Option(None, "--card"),
       employer: str = typer.Option(None, "--employer"), db: str = DbOption) -> None:
    """The virtual account number a family (any member's card) or an employer pays to at this bank."""
    from jkn.services.billing.payments import resolve_payer
    from jkn.services.billing.virtual_accounts import payer_number, va_number
    from jkn.services.errors import Invalid

    with session_for(db) as s:
        bank = _bank(s, code)
        payer = resolve_payer(s, card_number=card, employer_code=employer)
        number = payer_number(s, payer)
        if number is None:
            raise Invalid(Msg("error.bank.payer_no_va", code=str(payer.code)), field="card")
        out({"bank": bank.code, "payer": payer.code, "name": payer.name, "va_number": va_number(bank.va_prefix, number)})


@app.command("file")
def file_out(code: str = typer.Argument(...), day: dt.date = typer.Option(..., "--date", parser=bounded(JknDate)),
             output: Path = typer.Option(None, "--output", "-o", help="write here (default: standard output)"),
             db: str = DbOption) -> None:
    """The day's reconciliation file out: the bank's payments as recorded (CSV)."""
    from jkn.services.billing.h2h import statement_csv

    with session_for(db) as s:
        text = statement_csv(s, _bank(s, code), day)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@app.command("reconcile")
def reconcile(code: str = typer.Argument(...), file: Path = typer.Argument(..., help="the bank's CSV file of the day"),
              day: dt.date = typer.Option(..., "--date", parser=bounded(JknDate)), db: str = DbOption) -> None:
    """Compare the bank's file of a day with what was recorded; exit code 1 when a line differs."""
    from jkn.services.billing.h2h import reconcile as compare
    from jkn.services.errors import Invalid

    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(Msg("error.h2h.file_encoding"), field="file") from None
    with session_for(db) as s:
        report = compare(s, _bank(s, code), day, text)
    out(report)
    if report["mismatches"]:
        raise typer.Exit(code=1)
