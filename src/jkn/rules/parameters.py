"""Parameters with effective dates, read from ``jkn/rules/params/*.toml``.

Each parameter is a TOML array of tables ``[[name]]`` with ``since`` (date), ``source``
(seed section or shared/docs/parameters.md, or an assumption id) and ``value``. An entry
without ``value`` means "no sourced value in force from this date": the rule must then
take the number as input, or answer "not available for this date", never guess it. Adding a
regulation is adding an entry. A what-if rule set is a TOML file in the same format whose
entries are laid over the shipped ones (:func:`read_overlay`, :func:`use_params`).
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jkn.domain.month import Month
from jkn.i18n import Msg
from jkn.rules.decision import NotAvailable, RuleError, Step

#: JKN started on 1 January 2014 (shared/docs/parameters.md, "When the guide's rules were in force").
JKN_START = date(2014, 1, 1)
PARAM_FILES = ("contribution", "care_class", "penalty", "late_payment", "assumptions", "registration", "rule_sets")
Params = dict[str, list["ParamEntry"]]
_ACTIVE: ContextVar["Params | None"] = ContextVar("jkn_active_params", default=None)


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

    def step(self, text: "Msg | str | None" = None, decisive: bool = False) -> Step:
        """A step citing this entry; without ``text``: the entry's value, in force since when."""
        return Step(text or Msg("param.in_force", name=self.name, value=str(self.value), since=self.since), self.source,
                    decisive)


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
            raise RuleError(Msg("param.error.date", got=repr(as_of))) from None
    if not isinstance(as_of, date):
        raise RuleError(Msg("param.error.date", got=repr(as_of)))
    if as_of < JKN_START:
        raise RuleError(Msg("param.error.before_jkn", day=as_of, start=JKN_START))
    return as_of


def load_param_file(stem: str) -> Params:
    """Parameters of ``params/<stem>.toml``, validated: dated entries sorted by ``since``, each with a source."""
    return parse_params(files("jkn.rules").joinpath("params", f"{stem}.toml").read_text(encoding="utf-8"), f"{stem}.toml")


def parse_params(text: str, stem: str) -> Params:
    """Parameters from TOML text in the format of ``params/*.toml`` (``stem`` names it in errors)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(Msg("param.error.toml", origin=stem, why=str(exc))) from None
    out: Params = {}
    for name, entries in raw.items():
        if not isinstance(entries, list):
            raise ValueError(Msg("param.error.not_array", origin=stem, name=name))
        parsed = []
        for e in entries:
            if not isinstance(e.get("since"), date) or not e.get("source"):
                raise ValueError(Msg("param.error.since_source", origin=stem, name=name))
            extra = set(e) - {"since", "value", "source", "note"}
            if extra:
                raise ValueError(Msg("param.error.unknown_keys", origin=stem, name=name, keys=sorted(extra)))
            parsed.append(ParamEntry(name, e["since"], e.get("value"), e["source"], e.get("note", "")))
        parsed.sort(key=lambda p: p.since)
        if len({p.since for p in parsed}) != len(parsed):
            raise ValueError(Msg("param.error.same_since", origin=stem, name=name))
        out[name] = parsed
    return out


@lru_cache(maxsize=1)
def all_params() -> dict[str, list[ParamEntry]]:
    """Every parameter, validated; names are unique across files."""
    table: Params = {}
    for stem in PARAM_FILES:
        for name, entries in load_param_file(stem).items():
            if name in table:
                raise ValueError(f"parameter {name} is defined in two files")
            table[name] = entries
    return table


def read_overlay(text: str, origin: str = "what-if file") -> Params:
    """A what-if rule set: entries in the format of ``params/*.toml`` for parameters that exist."""
    try:
        overlay = parse_params(text, origin)
    except ValueError as exc:
        raise RuleError(exc.args[0] if exc.args and isinstance(exc.args[0], Msg) else str(exc)) from None
    unknown = sorted(set(overlay) - set(all_params()))
    if unknown:
        raise RuleError(Msg("param.error.unknown", origin=origin, names=unknown))
    for name, entries in overlay.items():
        shipped = [e.value for e in all_params()[name] if e.value is not None]
        for e in entries:
            _check_shape(e.value, shipped, name, origin)
    return overlay


def _shape(value: Any) -> Any:
    """What a value looks like to the rules that read it: a number, a decimal text, a text, a date, a table
    with its keys (each with its shape), a list (with the shapes of its items)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (date, datetime)):
        return "date"
    if isinstance(value, str):
        try:
            Decimal(value)
            return "decimal"
        except InvalidOperation:
            return "text"
    if isinstance(value, dict):
        return ("table",) + tuple(sorted((k, _shape(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", frozenset(_shape(v) for v in value))
    return type(value).__name__


def _fits(shape: Any, shapes: list) -> bool:
    if shape in shapes:
        return True
    if isinstance(shape, tuple) and shape[0] == "list":  # a list whose items are each of a shipped list's kind
        items = set().union(*(s[1] for s in shapes if isinstance(s, tuple) and s[0] == "list"))
        return any(isinstance(s, tuple) and s[0] == "list" for s in shapes) and shape[1] <= items
    return False


def _negative(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value < 0
    if isinstance(value, str) and _shape(value) == "decimal":
        return Decimal(value) < 0
    if isinstance(value, dict):
        return any(_negative(v) for v in value.values())
    if isinstance(value, list):
        return any(_negative(v) for v in value)
    return False


def _toml(value: Any) -> str:
    """A value as a what-if file writes it (``{ I = 150000, II = 100000, III = 42000 }``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def _check_shape(value: Any, shipped: list, name: str, origin: str) -> None:
    """A what-if entry's value has the shape of the shipped entries of its parameter (the rules read it the
    same way) and no negative amount or rate (no shipped one is); an entry without value is "not available"."""
    if value is None or not shipped:
        return
    if not _fits(_shape(value), [_shape(v) for v in shipped]):
        raise RuleError(Msg("param.error.shape", origin=origin, name=name, example=_toml(shipped[-1])))
    if _negative(value):
        raise RuleError(Msg("param.error.negative", origin=origin, name=name))


def merged(base: Params, overlay: Params) -> Params:
    """``base`` with the entries of ``overlay`` added; an overlay entry replaces a base entry of the same since."""
    out = dict(base)
    for name, entries in overlay.items():
        mine = {e.since for e in entries}
        out[name] = sorted([e for e in base.get(name, []) if e.since not in mine] + list(entries), key=lambda e: e.since)
    return out


@contextmanager
def use_params(overlay: Params | None) -> Iterator[None]:
    """Evaluate the rules with ``overlay`` laid over the shipped parameters (this thread / task only)."""
    token = _ACTIVE.set(merged(all_params(), overlay) if overlay else None)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def active_params() -> Params:
    """The parameters the rules read now: the shipped ones, or those of a what-if rule set in use."""
    return _ACTIVE.get() or all_params()


def entry_in_force(params: Params, name: str, as_of: "date | Month | str") -> ParamEntry:
    """The entry of ``name`` in ``params`` in force on ``as_of`` (entries are sorted by ``since``)."""
    d = as_date(as_of)
    entries = params.get(name)
    if entries is None:
        raise KeyError(f"unknown parameter {name!r}")
    current = [e for e in entries if e.since <= d]
    if not current:
        raise RuleError(Msg("param.error.not_in_force", name=name, day=d))
    return current[-1]


def param_entry(name: str, as_of: "date | Month | str") -> ParamEntry:
    """The entry of ``name`` in force on ``as_of`` (its value may be None)."""
    return entry_in_force(active_params(), name, as_of)


def param(name: str, as_of: "date | Month | str") -> Any:
    """The value of ``name`` in force on ``as_of``; NotAvailable (a RuleError) if none is sourced."""
    return sourced(param_entry(name, as_of), as_of).value


def sourced(e: ParamEntry, as_of: "date | Month | str", what: "Msg | str | None" = None) -> ParamEntry:
    """``e`` itself if it has a value, else NotAvailable: "not available for this date", with the entry's source."""
    if e.value is None:
        from jkn.rules.sources import reference

        raise NotAvailable(Msg("param.not_available", what=what or e.name, day=as_date(as_of),
                               source=reference(e.source).name))
    return e
