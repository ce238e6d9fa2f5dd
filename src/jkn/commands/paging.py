"""Listings of the command line page by page (issue #15, point 6): ``--limit`` and ``--offset`` with the
bounds of jkn.services.bounds, and a footer on standard error (standard output stays the listing,
JSON or table) that says which rows were shown and how to ask for the next ones."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console

from jkn.commands.edge import bounded, say
from jkn.services.bounds import Limit, Offset

err = Console(stderr=True, soft_wrap=True)


def limit_option(default: int) -> Any:
    """``--limit``: rows to show, 1 to jkn.services.bounds.MAX_LIMIT, ``default`` when not given."""
    return typer.Option(default, "--limit", parser=bounded(Limit), help="rows to show")


OffsetOption = typer.Option(0, "--offset", parser=bounded(Offset), help="rows to skip")


def footer(page: dict[str, Any]) -> None:
    """``menampilkan X–Y dari Z`` for a page ``{total, limit, offset, items}``, and the next page's ``--offset``."""
    shown, offset, total = len(page["items"]), page["offset"], page["total"]
    if shown:
        err.print(say("cli.paging.shown", first=offset + 1, last=offset + shown, total=total), highlight=False)
    else:
        err.print(say("cli.paging.none", offset=offset, total=total), highlight=False)
    if offset + shown < total:
        err.print(say("cli.paging.next", offset=offset + shown), highlight=False)
