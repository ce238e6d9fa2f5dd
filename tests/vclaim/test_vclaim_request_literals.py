"""A write's record (A-C16) is sent with its values as literals on the event loop's asyncpg
(jkn.services.care.vclaim_requests._literal, jkn.store.prepared.commit_with): whatever text it holds
comes back from PostgreSQL as it was sent, under either setting of ``standard_conforming_strings``."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jkn.services.care.vclaim_requests import _literal
from jkn.store.engine import asyncpg_dsn
from support.event_loop import run

ON_POSTGRESQL = pytest.mark.parametrize("backend", ["postgresql"])  # SQLite has no escape string constants
TEXT = st.text(st.sampled_from("\\'\"E$:%a\n") | st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
               max_size=40)


def _read_back(db, sql: str, *settings_sql: str):
    """``sql`` (a SELECT) sent as the server sends a record: on asyncpg, after ``settings_sql``."""
    async def go():
        conn = await asyncpg.connect(asyncpg_dsn(db))
        try:
            for statement in settings_sql:
                await conn.execute(statement)
            return await conn.fetchrow(sql)
        finally:
            await conn.close()

    return run(go())


@ON_POSTGRESQL
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TEXT, min_size=1, max_size=5), st.booleans())
def test_text_comes_back_as_sent(db, backend, values, conforming):
    row = _read_back(db, "SELECT " + ", ".join(map(_literal, values)),
                     f"SET standard_conforming_strings = {'on' if conforming else 'off'}")
    assert list(row) == values


@ON_POSTGRESQL
def test_numbers_and_times_come_back_as_sent(db, backend):
    at = dt.datetime(2026, 11, 30, 1, 2, 3, 456789, tzinfo=dt.timezone.utc)
    assert tuple(_read_back(db, f"SELECT {_literal(200)}, {_literal(at)}")) == (200, at)


def test_text_holding_nul_is_refused():
    with pytest.raises(ValueError):
        _literal("a\x00b")
