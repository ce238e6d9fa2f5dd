"""``jkn demo``: build a reproducible synthetic population and print a JSON summary (issue #4)."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jkn.commands.edge import bounded, cli_language
from jkn.commands.membership import DbOption
from jkn.i18n import N_
from jkn.services.bounds import JknMonth, Positive, PositiveRupiah
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work

#: the phases of building the demo, as the progress bars name them
PHASES = {"employers": N_("cli.demo.phase.employers"), "participants": N_("cli.demo.phase.participants"),
          "months": N_("cli.demo.phase.months")}

err = Console(stderr=True)


def demo(participants: int = typer.Option(10_000, "--participants", "-n", help="how many participants",
                                          parser=bounded(Positive)),
         seed: int = typer.Option(1, "--seed", help="random seed: the same seed gives the same population"),
         since: str = typer.Option(None, "--since", "--start", parser=bounded(JknMonth),
                                   help="first month of cover and billing (YYYY-MM, from 2014-01; "
                                        "default: 24 months before --until)"),
         until: str = typer.Option(None, "--until", parser=bounded(JknMonth),
                                   help="last month billed and paid (YYYY-MM; default: the current month), "
                                        "e.g. 2015-06 for the guide era"),
         months: int = typer.Option(None, "--months", min=0,
                                    help="months billed and paid (default: 24, or from --since to --until)"),
         pbi_amount: int = typer.Option(None, "--pbi-amount", parser=bounded(PositiveRupiah),
                                        help="PBI contribution per person (default: the rules parameter of each month)"),
         db: str = DbOption) -> None:
    """Synthetic participants, families, employers and facilities over all 514 kab/kota, with bills
    and payment histories up to today (some in arrears, some suspended), each month under its own
    rule set; prints a JSON summary with sample cards checked on today's date."""
    from jkn.domain.month import Month
    from jkn.services.demo.population import build_demo, demo_window
    from jkn.store.bootstrap import prepare_database

    start, months = demo_window(since=Month.parse(since) if since else None,
                                until=Month.parse(until) if until else None, months=months)
    engine = prepare_database(db)
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    try:
        with Progress(*columns, console=err) as bar:
            tasks: dict[str, int] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(PHASES[phase].render(cli_language()) if phase in PHASES else phase, total=total)
                bar.update(tasks[phase], completed=done, total=total)

            summary = build_demo(engine, actor=Actor.cli(), participants=participants, seed=seed, start=start,
                                 months=months, pbi_amount=pbi_amount, progress=progress)
        portal_users = _portal_users(engine)  # portal log-ins over the population (issue #6, docs/portal.md)
    finally:
        engine.dispose()
    sys.stdout.write(json.dumps({**summary.as_dict(), "portal_users": portal_users}, ensure_ascii=False, indent=2) + "\n")


def _portal_users(engine) -> dict:
    from sqlalchemy.orm import Session

    from jkn.services.demo.portal_users import DEMO_PASSWORD, create_demo_users

    with Session(engine) as session, unit_of_work(session):
        return {"password": DEMO_PASSWORD, "users": create_demo_users(session, actor=Actor.cli())}
