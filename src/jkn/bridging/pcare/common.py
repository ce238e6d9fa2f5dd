"""What the P-Care paths share: the router, P-Care's ``{count, list}`` pages, its dd-mm-yyyy dates
and the reading of a request body."""

from __future__ import annotations

import datetime as dt

from jkn.bridging.core.protocol import Call, Router
from jkn.i18n import Msg
from jkn.services.care.common import parse_date
from jkn.services.errors import Invalid, NotFound

router = Router()
NO_DATA = "Data tidak ditemukan"


def page(rows: list, row: str, limit: str) -> dict:
    """P-Care's ``{count, list}``: ``count`` all rows, ``list`` from ``row`` (1-based in P-Care's
    examples; 0 read as 1) at most ``limit``."""
    try:
        start, size = max(int(row), 1), int(limit)
    except ValueError:
        raise Invalid(Msg("bridging.pcare.row_limit_numbers"), field="limit") from None
    if not 1 <= size <= 1000:
        raise Invalid(Msg("bridging.pcare.limit_range"), field="limit")
    if not rows:
        raise NotFound(NO_DATA)
    return {"count": len(rows), "list": rows[start - 1:start - 1 + size]}


def listed(rows: list) -> dict:
    """All rows as ``{count, list}``; none is P-Care's "Data tidak ditemukan"."""
    if not rows:
        raise NotFound(NO_DATA)
    return {"count": len(rows), "list": rows}


def pdate(value, field: str) -> dt.date:
    """P-Care dates are dd-mm-yyyy; ISO is accepted too."""
    text = str(value or "").strip()
    if len(text) == 10 and text[2] == "-" and text[5] == "-":
        text = f"{text[6:]}-{text[3:5]}-{text[:2]}"
    return parse_date(text, field)


def ddmmyyyy(iso: str | None) -> str | None:
    return f"{iso[8:10]}-{iso[5:7]}-{iso[:4]}" if iso else None


def body(call: Call) -> dict:
    return call.body if isinstance(call.body, dict) else {}


def text(b: dict, key: str) -> str | None:
    value = b.get(key)
    return str(value).strip() or None if value is not None else None
