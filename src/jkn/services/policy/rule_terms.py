"""One rule set, asked once per group of the registry: what the policy comparison needs to know.

A *column* of the comparison is a date (the rule set in force then) and, for a what-if, a TOML
overlay of parameters (jkn.rules.parameters.use_params). For each column the rules engine is
asked once per segment for a wage earner's terms (rates per payer, cap, floor: jkn.rules.wage_terms)
and the wage bands of the room class, and once per group of the registry for a person's amount
(jkn.rules.contribution.monthly_contribution with two persons: the head and one member). Nothing
here restates a rule: every number comes from the engine.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from jkn.domain.segment import Segment, SegmentGroup
from jkn.rules.care_class import care_class, uses_wage_bands, wage_bands
from jkn.rules.contribution import PAYERS, flat_rate, monthly_contribution
from jkn.rules.decision import NotAvailable, RuleError
from jkn.rules.parameters import Params, param_entry, use_params
from jkn.rules.wage_terms import wage_terms

PPU_SEGMENTS = tuple(s for s in Segment if s.group is SegmentGroup.PPU)
Amounts = tuple[int, int, int]  # employer, participant, government
ROUNDING = {"half_up", "down"}


@dataclass(frozen=True)
class WageRule:
    """A wage earner's percentages as exact fractions, with the cap and a floor in rupiah."""

    shares: dict[str, Fraction]
    additional: dict[str, Fraction]
    cap: int | None
    floor: int | None


@dataclass
class Column:
    """One rule set of the comparison: ``as_of`` and an optional what-if overlay."""

    key: str
    as_of: dt.date
    label: str
    what_if: str | None = None
    overlay: Params | None = None
    _people: dict = field(default_factory=dict, repr=False)

    def ask(self, fn, *args, **kwargs):
        """Call a rule with this column's parameters."""
        with use_params(self.overlay):
            return fn(*args, **kwargs)

    @cached_property
    def rule_set(self) -> str:
        return self.ask(param_entry, "rule_set", self.as_of).value

    @cached_property
    def rounding(self) -> str:
        rule = self.ask(param_entry, "rounding_rule", self.as_of).value
        if rule not in ROUNDING:
            raise RuleError(f"{self.label}: the comparison computes rounding_rule half_up or down, not {rule!r}")
        return rule

    @cached_property
    def wage_rules(self) -> dict[str, WageRule | str]:
        """Per PPU segment: its terms, or the reason it is not available."""
        out: dict[str, WageRule | str] = {}
        for seg in PPU_SEGMENTS:
            try:
                t = self.ask(wage_terms, seg, self.as_of).value
            except RuleError as exc:
                out[seg.value] = str(exc)
                continue
            frac = lambda pct: Fraction(Decimal(pct)) / 100  # noqa: E731
            out[seg.value] = WageRule({p: frac(v) for p, v in t.shares.items()},
                                      {p: frac(v) for p, v in t.additional.items()}, t.cap, t.floor)
        return out

    @cached_property
    def bands(self) -> tuple[int, int, str] | None:
        """The room-class wage bands in rupiah, or None where none is sourced (the class on record applies)."""
        try:
            b = self.ask(wage_bands, self.as_of).value
        except NotAvailable:
            return None
        return b.class_ii_up_to, b.class_i_up_to, b.above.value

    def person(self, segment: str, kind: str, head_class: str | None, grade: str | None,
               relative_class: str | None) -> tuple[Amounts, str | None] | str:
        """Amounts of one person of a family whose amount does not depend on a wage, and the class;
        or the reason they are not available. Cached per group."""
        key = (segment, kind, head_class, grade, relative_class)
        if key not in self._people:
            self._people[key] = self._person(*key)
        return self._people[key]

    def _person(self, segment, kind, head_class, grade, relative_class):
        seg = Segment(segment)
        try:
            if seg.group is SegmentGroup.PPU:  # an other relative of a wage earner, or the core family
                if kind != "OTHER_RELATIVE":
                    return (0, 0, 0), None
                r = self.ask(flat_rate, seg, relative_class, self.as_of, relative=True).value
                return (0, r.participant, r.government), relative_class
            c = self.ask(monthly_contribution, seg, self.as_of, grade=grade, care_class=head_class, persons=2).value
        except RuleError as exc:
            return str(exc)
        who = "#1" if kind == "HEAD" else "#2"
        amounts = [sum(int(ln.amount) for ln in c.lines if ln.payer == p and ln.item.endswith(who)) for p in PAYERS]
        return tuple(amounts), c.care_class.value if c.care_class else None

    def graded_class(self, segment: str, grade: str | None) -> str | None:
        """The class of a wage earner whose class does not follow the wage (grade, or fixed). Cached."""
        key = ("graded", segment, grade)
        if key not in self._people:
            try:
                self._people[key] = self.ask(care_class, segment, self.as_of, grade=grade).value.value
            except RuleError:
                self._people[key] = None
        return self._people[key]


def by_wage(segment: str) -> bool:
    return uses_wage_bands(Segment(segment))
