"""Dates on pages are Asia/Jakarta calendar days (architecture.md): a stored instant (UTC; naive from
SQLite) late in the UTC evening is already the next day in Jakarta."""

from __future__ import annotations

import datetime as dt

from jkn.i18n.formats import format_date


def test_an_instant_reads_on_its_jakarta_day():
    late = dt.datetime(2026, 11, 29, 23, 40)  # 06:40 on 30 November in Jakarta (UTC+7)
    assert format_date(late, "id") == "30 November 2026"
    assert format_date(late.replace(tzinfo=dt.timezone.utc), "en") == "November 30, 2026"
    assert format_date(dt.datetime(2026, 11, 29, 16, 59, tzinfo=dt.timezone.utc), "id") == "29 November 2026"


def test_a_calendar_date_stays_the_day_it_is():
    assert format_date(dt.date(2026, 11, 29), "id") == "29 November 2026"
    assert format_date("2026-11-29", "id") == "29 November 2026"
    assert format_date(None, "id") == "-"
