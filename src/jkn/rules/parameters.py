"""Parameters with effective dates, read from ``jkn/rules/params/*.toml``.

Each parameter is a TOML array of tables ``[[name]]`` with ``since`` (date), ``source``
(seed section or shared/docs/parameters.md, or an assumption id) and ``value``. An entry
without ``value`` means "no sourced value in force from this date": the rule must then
take the number as input, never guess it. Adding a regulation is adding an entry.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jkn.domain.month import Month
from jkn.rules.decision import RuleError, Step

#: JKN started on 1 January 2014 (shared/docs/parameters.md, "When the guide's rules were in force").
JKN_START = date(2014, 1, 1)
PARAM_FILES = ("contribution", "care_class", "penalty", "assumptions")


@dataclass(frozen=True, slots=True)
class ParamEntry:
    name: str
    since: date
    value: Any
    source: str
    note: str = ""

    @property
    def has_value(self) -> bool:
        return self.value is not None

    def step(self, text: str | None = None) -> Step:
        return Step(text or f"{self.name} = {self.value!r} (in force since {self.since})", self.source)


def as_date(as_of: "date | Month | str") -> date:
    """Accept a date, a Month (its first day) or an ISO string; refuse dates before JKN."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    elif isinstance(as_of, Month):
        as_of = as_of.first_day
    elif isinstance(as_of, str):
        try:
            as_of = Month.parse(as_of).first_day if len(as_of.strip()) == 7 else date.fromisoformat(as_of.strip())
        except ValueError:
            raise RuleError(f"as_of must be a date YYYY-MM-DD (or a month YYYY-MM), got {as_of!r}") from None
    if not isinstance(as_of, date):
        raise RuleError(f"as_of must be a date, got {as_of!r}")
    if as_of < JKN_START:
        raise RuleError(f"as_of {as_of.isoformat()} is before JKN began on {JKN_START.isoformat()}")
    return as_of


def load_param_file(stem: str) -> dict[str, list[ParamEntry]]:
    """Parameters of ``params/<stem>.toml``, validated: dated entries sorted by ``since``, each with a source."""
    text = files("jkn.rules").joinpath("params", f"{stem}.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    out: dict[str, list[ParamEntry]] = {}
    for name, entries in raw.items():
        if not isinstance(entries, list):
            raise ValueError(f"{stem}.toml: {name} must be an array of tables [[{name}]]")
        parsed = []
        for e in entries:
            if not isinstance(e.get("since"), date) or not e.get("source"):
                raise ValueError(f"{stem}.toml: every {name} entry needs since (a date) and source")
            extra = set(e) - {"since", "value", "source", "note"}
            if extra:
                raise ValueError(f"{stem}.toml: {name} entry has unknown keys {sorted(extra)}")
            parsed.append(ParamEntry(name, e["since"], e.get("value"), e["source"], e.get("note", "")))
        parsed.sort(key=lambda p: p.since)
        if len({p.since for p in parsed}) != len(parsed):
            raise ValueError(f"{stem}.toml: {name} has two entries with the same since")
        out[name] = parsed
    return out


@lru_cache(maxsize=1)
def all_params() -> dict[str, list[ParamEntry]]:
    """Every parameter, validated; names are unique across files."""
    merged: dict[str, list[ParamEntry]] = {}
    for stem in PARAM_FILES:
        for name, entries in load_param_file(stem).items():
            if name in merged:
                raise ValueError(f"parameter {name} is defined in two files")
            merged[name] = entries
    return merged


def entry_in_force(params: dict[str, list[ParamEntry]], name: str, as_of: "date | Month | str") -> ParamEntry:
    """The entry of ``name`` in ``params`` in force on ``as_of`` (entries are sorted by ``since``)."""
    d = as_date(as_of)
    entries = params.get(name)
    if entries is None:
        raise KeyError(f"unknown parameter {name!r}")
    current = [e for e in entries if e.since <= d]
    if not current:
        raise RuleError(f"parameter {name} has no entry in force on {d.isoformat()}")
    return current[-1]


def param_entry(name: str, as_of: "date | Month | str") -> ParamEntry:
    """The entry of ``name`` in force on ``as_of`` (its value may be None)."""
    return entry_in_force(all_params(), name, as_of)


def param(name: str, as_of: "date | Month | str") -> Any:
    """The value of ``name`` in force on ``as_of``; RuleError if none is sourced."""
    e = param_entry(name, as_of)
    if e.value is None:
        raise RuleError(f"parameter {name} has no sourced value on {as_date(as_of).isoformat()} ({e.source})")
    return e.value
