"""Policy what-if: the current registry's monthly contributions under several rule sets, side by side.

``compare(session, scope, date_from=, date_to=, what_ifs=[(name, toml)])`` gives one column per rule
set — the rules in force on ``date_from``, on ``date_to``, and on ``date_to`` with each what-if file
laid over the parameters — and, per deputy region, branch and segment: revenue, each payer's share,
the participants whose amount or room class differs from the first column, and those whose
contribution is not available under a rule set (with the reason).

Set-based: one pass over the active participants (joined to their family head, whose segment and
wage decide the family's contribution, as in billing) per chunk of ids, GROUP BY branch, segment,
kind of member, grade and classes. Amounts that do not depend on a wage are asked of the rules
engine once per group (jkn.services.policy.rule_terms); wage earners' percentages are applied in
integer SQL per participant with the engine's fractions, cap, floor and rounding rule (rounded per
share as the engine does), so the sums equal the engine's per-participant answers exactly
(tests/policy prove it). The kab/kota minimum wage is not held: a UMK floor is not applied
(assumption A-R03).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Sequence

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from jkn.domain.segment import Segment
from jkn.i18n import Msg
from jkn.rules.contribution import PAYERS
from jkn.rules.decision import RuleError
from jkn.rules.parameters import JKN_START, read_overlay
from jkn.services.errors import Forbidden, Invalid
from jkn.services.policy.rule_terms import PPU_SEGMENTS, Column, WageRule, by_wage
from jkn.services.portal.auth import Scope
from jkn.store.membership_tables import ParticipantRow
from jkn.store.reference_tables import BranchRow, DeputyRegionRow

Progress = Callable[[int, int], None]
KEYS = ("branch", "hseg", "kind", "gkey", "hclass", "rclass", "wk")
FIGURES = ("revenue", "employer", "participant", "government", "amount_changed", "class_changed", "not_available")
CHUNK = 250_000


def columns(date_from: dt.date, date_to: dt.date, what_ifs: Sequence[tuple[str, str]] = ()) -> list[Column]:
    """The rule set of each date, then each what-if file laid over the rule set of ``date_to``."""
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    for name, d in (("from", date_from), ("to", date_to)):
        if d < JKN_START or d.year > today.year + 5:
            raise Invalid(Msg("error.policy.date_from_jkn_start", name=name, jkn_start=JKN_START.isoformat(),
                              d=d.isoformat()), field=name)
    cols = [Column("c0", date_from, date_from.isoformat()), Column("c1", date_to, date_to.isoformat())]
    for i, (name, toml) in enumerate(what_ifs, start=2):
        try:
            overlay = read_overlay(toml, name)
        except RuleError as exc:
            raise Invalid(exc.msg or str(exc), field="what_if") from None
        cols.append(Column(f"c{i}", date_to, f"{name} @ {date_to.isoformat()}", name, overlay))
    for c in cols:
        try:
            c.rounding  # noqa: B018  (refuses a rounding rule the SQL cannot reproduce)
        except RuleError as exc:
            raise Invalid(exc.msg or str(exc), field="what_if") from None
    return cols


# ------------------------------------------------------------------------------------------ SQL

def _round(expr: str, frac, rounding: str) -> str:
    n, d = frac.numerator, frac.denominator
    if n == 0:
        return "0"
    return f"(({expr}) * {2 * n} + {d}) / {2 * d}" if rounding == "half_up" else f"(({expr}) * {n}) / {d}"


def _basis(rule: WageRule) -> str:
    parts = ([f"WHEN w > {rule.cap} THEN {rule.cap}"] if rule.cap is not None else []) + (
        [f"WHEN w < {rule.floor} THEN {rule.floor}"] if rule.floor is not None else [])
    return f"CASE {' '.join(parts)} ELSE w END" if parts else "w"


def _amount_sql(col: Column, payer: str) -> str:
    """The amount ``payer`` owes for one participant row under ``col``: a wage earner's share (HEAD)
    or 1% (ADDITIONAL); 0 for every other row (their amounts are the engine's, per group)."""
    head, extra = [], []
    for seg, rule in col.wage_rules.items():
        if isinstance(rule, str):
            continue
        if payer in rule.shares:
            head.append(f"WHEN '{seg}' THEN {_round(_basis(rule), rule.shares[payer], col.rounding)}")
        if payer in rule.additional:
            extra.append(f"WHEN '{seg}' THEN {_round(_basis(rule), rule.additional[payer], col.rounding)}")
    by_seg = lambda whens: f"CASE hseg {' '.join(whens)} ELSE 0 END" if whens else "0"  # noqa: E731
    return (f"CASE WHEN w IS NULL THEN 0 WHEN kind = 'HEAD' THEN {by_seg(head)} "
            f"WHEN kind = 'ADDITIONAL' THEN {by_seg(extra)} ELSE 0 END")


def _class_sql(col: Column) -> str:
    """The room class of a wage-band earner's family under ``col`` (the class on record without bands)."""
    segs = ", ".join(f"'{s.value}'" for s in PPU_SEGMENTS if by_wage(s.value))
    cls = (f"CASE WHEN w <= {col.bands[0]} THEN 'II' WHEN w <= {col.bands[1]} THEN 'I' ELSE '{col.bands[2]}' END"
           if col.bands else "hclass")
    return f"CASE WHEN hseg IN ({segs}) AND kind <> 'OTHER_RELATIVE' THEN {cls} END"


def compare_sql(cols: list[Column], *, scoped: bool, dialect: str = "sqlite") -> str:
    """One statement: per group of the registry, the count and, per column, the wage earners' sums and
    how many of them change an amount (any payer's share) or class against the first column. Parameters
    :lo, :hi (ids), :kabs (scope). The per-row amounts are computed once in a subquery that the planner
    may not merge into the aggregate (``LIMIT -1`` / ``OFFSET 0``): merged, each amount would be
    computed again for every comparison that reads it."""
    registry = (
        "SELECT p.branch_code AS branch, h.segment AS hseg,"
        " CASE WHEN p.relationship = 'HEAD' THEN 'HEAD' ELSE p.member_status END AS kind,"
        " COALESCE(h.rank, h.grade) AS gkey, h.care_class AS hclass,"
        " CASE WHEN p.relationship <> 'HEAD' AND p.member_status = 'OTHER_RELATIVE' THEN p.care_class END AS rclass,"
        " h.wage AS w "
        "FROM participant p JOIN participant h ON h.family_id = p.family_id AND h.relationship = 'HEAD' "
        "WHERE p.status = 'ACTIVE' AND p.id BETWEEN :lo AND :hi" + (" AND p.kabkota_code IN :kabs" if scoped else ""))
    per_row = [f"{_amount_sql(c, p)} AS {c.key}_{p}" for c in cols for p in PAYERS] + [
        f"{_class_sql(c)} AS {c.key}_k" for c in cols]
    fence = "OFFSET 0" if dialect == "postgresql" else "LIMIT -1"
    rows = (f"SELECT branch, hseg, kind, gkey, hclass, rclass, CASE WHEN w IS NULL THEN 0 ELSE 1 END AS wk, "
            f"{', '.join(per_row)} FROM ({registry}) r {fence}")
    differs = lambda c: " OR ".join(f"{c.key}_{p} <> {cols[0].key}_{p}" for p in PAYERS)  # noqa: E731
    sums = [f"SUM({c.key}_{p})" for c in cols for p in PAYERS]
    changes = [f"SUM(CASE WHEN {differs(c)} THEN 1 ELSE 0 END), "
               f"SUM(CASE WHEN {c.key}_k <> {cols[0].key}_k THEN 1 ELSE 0 END)" for c in cols]
    return (f"SELECT {', '.join(KEYS)}, COUNT(*), {', '.join(sums + changes)} FROM ({rows}) x "
            f"GROUP BY {', '.join(KEYS)}")


# ------------------------------------------------------------------------------------ the groups

def _empty() -> dict:
    return {f: 0 for f in FIGURES}


def _cells(group: dict, cols: list[Column], sums: list[int], changes: list[int], notes: dict) -> list[dict]:
    """Each column's figures for one group of the registry."""
    n, seg, kind = group["n"], group["hseg"], group["kind"]
    wage_earner = Segment(seg) in PPU_SEGMENTS
    out, answers = [], []
    for i, c in enumerate(cols):
        cell = _empty()
        if wage_earner:
            rule = c.wage_rules[seg]
            reason = rule if isinstance(rule, str) else None if group["wk"] else f"wage is required for segment {seg}"
            ans = reason or (c.person(seg, kind, group["hclass"], group["gkey"], group["rclass"]) if kind in (
                "OTHER_RELATIVE", "CORE") else ((sums[3 * i], sums[3 * i + 1], sums[3 * i + 2]), None))
            if not isinstance(ans, str) and kind in ("OTHER_RELATIVE", "CORE"):
                ans = (tuple(a * n for a in ans[0]), group["rclass"])
            if not isinstance(ans, str) and kind != "OTHER_RELATIVE" and not by_wage(seg):
                ans = (ans[0], c.graded_class(seg, group["gkey"]))
        else:
            ans = c.person(seg, kind, group["hclass"], group["gkey"], None)
            if not isinstance(ans, str):
                ans = (tuple(a * n for a in ans[0]), ans[1])
        answers.append(ans)
        if isinstance(ans, str):
            cell["not_available"] = n
            note = notes.setdefault((c.key, seg, ans), {"column": c.key, "segment": seg, "reason": ans,
                                                        "participants": 0})
            note["participants"] += n
        else:
            cell.update(employer=ans[0][0], participant=ans[0][1], government=ans[0][2], revenue=sum(ans[0]))
            first = answers[0]
            if i and not isinstance(first, str):
                wage_rows = wage_earner and kind in ("HEAD", "ADDITIONAL")
                cell["amount_changed"] = changes[2 * i] if wage_rows else (n if ans[0] != first[0] else 0)
                band_rows = wage_earner and by_wage(seg) and kind != "OTHER_RELATIVE"
                cell["class_changed"] = changes[2 * i + 1] if band_rows else (n if ans[1] != first[1] else 0)
        out.append(cell)
    return out


def _units(session: Session) -> dict[str, tuple[str, str]]:
    """branch → (branch name, deputy region code, deputy region name)."""
    q = (select(BranchRow.code, BranchRow.name, DeputyRegionRow.code, DeputyRegionRow.name)
         .join(DeputyRegionRow, DeputyRegionRow.code == BranchRow.deputy_region_code))
    return {b: (bn, r, rn) for b, bn, r, rn in session.execute(q)}


def compare(session: Session, scope: Scope | None, *, date_from: dt.date, date_to: dt.date,
            what_ifs: Sequence[tuple[str, str]] = (), progress: Progress | None = None,
            chunk: int = CHUNK) -> dict:
    """The comparison for the whole registry (``scope`` None: the CLI) or the scope's kab/kota."""
    if scope is not None and not (scope.national or scope.role == "REGIONAL_MANAGER"):
        raise Forbidden(Msg("error.policy.compare_role"))
    cols = columns(date_from, date_to, what_ifs)
    # columns whose wage earners' terms are the same share one set of SQL sums
    signature = [repr((c.wage_rules, c.rounding, c.bands)) for c in cols]
    reps = [c for i, c in enumerate(cols) if signature.index(signature[i]) == i]
    rep_of = [reps.index(cols[signature.index(sig)]) for sig in signature]
    kabs = sorted(scope.kabkota_codes) if scope is not None and scope.kabkota_codes is not None else None
    stmt = text(compare_sql(reps, scoped=kabs is not None, dialect=session.get_bind().dialect.name))
    if kabs is not None:
        stmt = stmt.bindparams(bindparam("kabs", expanding=True))
    lo_id, hi_id = session.execute(select(func.min(ParticipantRow.id), func.max(ParticipantRow.id))).one()
    units, notes = _units(session), {}
    tables = {name: defaultdict(lambda: {"participants": 0, "cells": [_empty() for _ in cols]})
              for name in ("deputy", "branch", "segment")}
    total = {"participants": 0, "cells": [_empty() for _ in cols]}
    lo = lo_id or 1
    while lo_id is not None and lo <= hi_id:
        hi = min(hi_id, lo + chunk - 1)
        for row in session.execute(stmt, {"lo": lo, "hi": hi, **({"kabs": kabs} if kabs is not None else {})}):
            group = dict(zip(KEYS, row[:7]), n=int(row[7]))
            sums = [int(v or 0) for v in row[8:8 + 3 * len(reps)]]
            changes = [int(v or 0) for v in row[8 + 3 * len(reps):]]
            cells = _cells(group, cols, [x for r in rep_of for x in sums[3 * r:3 * r + 3]],
                           [x for r in rep_of for x in changes[2 * r:2 * r + 2]], notes)
            branch = group["branch"]
            branch_name, region, region_name = units.get(branch, ("?", "?", "?"))
            for target in (total, tables["deputy"][(region, region_name)], tables["branch"][(branch, branch_name)],
                           tables["segment"][(group["hseg"], Segment(group["hseg"]).label)]):
                target["participants"] += group["n"]
                for acc, cell in zip(target["cells"], cells):
                    for f in FIGURES:
                        acc[f] += cell[f]
        if progress:
            progress(hi - lo_id + 1, hi_id - lo_id + 1)
        lo = hi + 1
    flat = lambda t: [{"code": code, "name": name, **v} for (code, name), v in sorted(t.items())]  # noqa: E731
    return {
        "columns": [{"key": c.key, "label": c.label, "as_of": c.as_of.isoformat(), "rule_set": c.rule_set,
                     "what_if": c.what_if} for c in cols],
        "scope": "national" if kabs is None else scope.deputy_region_code,
        "totals": total, "by_deputy": flat(tables["deputy"]), "by_branch": flat(tables["branch"]),
        "by_segment": flat(tables["segment"]),
        "notes": sorted(notes.values(), key=lambda n: (n["column"], n["segment"])),
    }


CSV_HEAD = ("level", "code", "name", "participants", "column", "as_of", "rule_set", *FIGURES)


def compare_csv(data: dict) -> str:
    """Every unit and column as one CSV row (UTF-8, comma): deputy regions, branches, segments, total."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEAD)
    units = [("deputy", r) for r in data["by_deputy"]] + [("branch", r) for r in data["by_branch"]] + [
        ("segment", r) for r in data["by_segment"]] + [("total", {"code": "", "name": "TOTAL", **data["totals"]})]
    for level, r in units:
        for col, cell in zip(data["columns"], r["cells"]):
            writer.writerow([level, r["code"], r["name"], r["participants"], col["label"], col["as_of"],
                             col["rule_set"], *[cell[f] for f in FIGURES]])
    return out.getvalue()
