"""Money, numbers and dates in the reader's locale, by Babel (CLDR data): ``Rp 5.500.000`` and
``29 November 2026`` in Indonesian, ``Rp 5,500,000`` and ``November 29, 2026`` in English.

Babel finds the locale and reads its pattern on every call (9-13 µs a number or a date, several in
each explained decision: an SEP's explanation, a queue entry's audit summary); the same value in the
same language is formatted once and remembered (:func:`functools.lru_cache`, bounded)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal

JAKARTA = ZoneInfo("Asia/Jakarta")


@lru_cache(maxsize=4096, typed=True)  # 1 and Decimal('1.0') apart
def format_number(n: int | float, lang: str) -> str:
    return format_decimal(n, locale=lang)


def format_rupiah(amount: int | None, lang: str) -> str:
    """Whole rupiah with the locale's grouping; ``-`` for no amount."""
    if amount is None:
        return "-"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {format_number(abs(amount), lang)}"


def format_date(d: date | str | None, lang: str) -> str:
    """A date (or its ISO text, as the services hand them to pages) as ``29 November 2026``; an instant
    (a stored datetime: UTC, naive from SQLite) on its Asia/Jakarta calendar day."""
    if d is None or d == "":
        return "-"
    if isinstance(d, datetime):
        d = (d if d.tzinfo else d.replace(tzinfo=timezone.utc)).astimezone(JAKARTA).date()
    return _long_date(date.fromisoformat(d[:10]) if isinstance(d, str) else d, lang)


@lru_cache(maxsize=4096)
def _long_date(d: date, lang: str) -> str:
    return _babel_date(d, format="long", locale=lang)


def format_month(month, lang: str) -> str:
    """A contribution month (``jkn.domain.month.Month`` or ``2026-11``) as ``November 2026``."""
    if isinstance(month, str):
        year, number = month.split("-")[:2]
        return _month(int(year), int(number), lang)
    return _month(month.year, month.month, lang)


@lru_cache(maxsize=1024)
def _month(year: int, month: int, lang: str) -> str:
    return _babel_date(date(year, month, 1), format="LLLL y", locale=lang)
