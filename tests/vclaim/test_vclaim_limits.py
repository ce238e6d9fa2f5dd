"""Limits of the bridge that need no server: the JSON nesting measured before parsing (property
tests against the parsed value), the settings read from the environment, and how long answered
writes are kept."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.bridging.core import settings as vclaim_settings
from jkn.domain.timestamps import utcnow
from jkn.services.care import vclaim_requests
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import VClaimRequestRow
from jkn.bridging.core.nesting import deeper_than, nesting_depth

TEXT = st.text(alphabet=st.sampled_from('[]{}"\\:,ab é\n'), max_size=12)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                    max_leaves=25)


def depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


@settings(max_examples=200, deadline=None)
@given(JSON, st.booleans(), st.booleans())
def test_nesting_is_measured_as_parsed_whatever_the_strings_hold(value, ascii_only, spaced):
    raw = json.dumps(value, ensure_ascii=ascii_only, indent=1 if spaced else None).encode()
    assert nesting_depth(raw) == depth(json.loads(raw))


@settings(max_examples=200, deadline=None)
@given(JSON, st.integers(min_value=0, max_value=6))
def test_deeper_than_a_limit_as_measured(value, limit):
    """The check the server makes before parsing: its shortcut (no more brackets than the limit) agrees
    with the measured depth, brackets inside strings included."""
    raw = json.dumps(value).encode()
    assert deeper_than(raw, limit) == (depth(value) > limit)


def test_nesting_of_bodies_too_deep_for_the_parser():
    assert nesting_depth(b"[" * 100_000 + b"]" * 100_000) == 100_000
    assert nesting_depth(b'{"a": "' + b"[" * 10_000 + b'"}') == 1  # inside a string: not nesting
    assert nesting_depth(b'["\\"[[["]') == 1  # an escaped quote does not end the string
    assert not deeper_than(b'{"a": "' + b"[" * 10_000 + b'"}', 2) and deeper_than(b"[[[]]]", 2)


def test_settings_come_from_the_environment_and_bad_values_stop_the_server(monkeypatch):
    for name in ("JKN_VCLAIM_MAX_SKEW", "JKN_VCLAIM_MAX_BODY", "JKN_VCLAIM_MAX_DEPTH"):
        monkeypatch.delenv(name, raising=False)
    assert vclaim_settings.from_env() == vclaim_settings.Settings(300, 65_536, 32)
    monkeypatch.setenv("JKN_VCLAIM_MAX_SKEW", "60")
    monkeypatch.setenv("JKN_VCLAIM_MAX_BODY", "2048")
    chosen = vclaim_settings.from_env()
    assert (chosen.max_skew, chosen.max_body, chosen.keep_requests) == (60, 2048, 180)
    for name, value in (("JKN_VCLAIM_MAX_SKEW", "-1"), ("JKN_VCLAIM_MAX_BODY", "12"),
                        ("JKN_VCLAIM_MAX_DEPTH", "deep")):
        monkeypatch.setenv(name, value)
        with pytest.raises(ValueError, match=name):
            vclaim_settings.from_env()
        monkeypatch.delenv(name)


def test_answered_writes_are_forgotten_once_their_headers_are_stale(db, monkeypatch):
    monkeypatch.setitem(vclaim_requests._forgot, "at", float("-inf"))
    now = utcnow()
    with Session(db) as s, s.begin():
        for stamp, age in (("1", 700), ("2", 500)):
            s.add(VClaimRequestRow(cons_id="123", x_timestamp=stamp, signature="sig", request_sha256="x", status=200,
                                   answer="{}", received_at=now - dt.timedelta(seconds=age)))
    keep = vclaim_settings.Settings(max_skew=300).keep_requests  # 660 s
    with Session(db) as s:
        with unit_of_work(s):
            vclaim_requests.forget_expired(s, keep)
        assert [r.x_timestamp for r in s.scalars(select(VClaimRequestRow))] == ["2"]
        with unit_of_work(s):  # at most once every FORGET_EVERY seconds per process
            vclaim_requests.forget_expired(s, 0)
        assert s.scalar(select(func.count()).select_from(VClaimRequestRow)) == 1


def test_expired_writes_are_forgotten_a_bounded_number_at_a_time_oldest_first(db, monkeypatch):
    """A backlog goes a few rows at a time, not all in one write's transaction."""
    monkeypatch.setattr(vclaim_requests, "FORGET_AT_MOST", 2)
    now = utcnow()
    with Session(db) as s, s.begin():
        for age in (900, 800, 750, 700, 10):
            s.add(VClaimRequestRow(cons_id="123", x_timestamp=str(age), signature="sig", request_sha256="x",
                                   status=200, answer="{}", received_at=now - dt.timedelta(seconds=age)))
    left = []
    with Session(db) as s:
        for _ in range(3):
            monkeypatch.setitem(vclaim_requests._forgot, "at", float("-inf"))
            with unit_of_work(s):
                vclaim_requests.forget_expired(s, 660)
            left.append(sorted(s.scalars(select(VClaimRequestRow.x_timestamp)), key=int))
    assert left == [["10", "700", "750"], ["10"], ["10"]]
