"""What a wage earner's contribution is a percentage of, and at which rates.

Panduan Peserta, Iuran 2-4 (5% or 4,5% "dari Gaji atau Upah per bulan", split employer / worker;
1% per additional family member), and the later regulations carried as data: the wage cap of
Perpres 19/2016 and Perpres 75/2019 Pasal 32 ayat 1, the floor at the kab/kota minimum wage of
Pasal 32 ayat 2, the 4% / 1% split and the broader wage of government employees of Pasal 30.

:func:`wage_terms` answers once per segment and date; :func:`wage_basis` applies the terms to one
wage. ``monthly_contribution`` uses both, and set-based computations over a registry read the
same terms (one implementation of the rule).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jkn.domain.segment import GOVERNMENT_WAGE_EARNERS, Segment, SegmentGroup
from jkn.rules.decision import Decision, RuleError, Steps, assumption
from jkn.i18n import Msg, Rp
from jkn.rules.parameters import all_params, as_date, param_entry, sourced
from jkn.rules.segments import segment_name

PAYERS = ("employer", "participant", "government")
#: Value of ``ppu_wage_floor`` for "the minimum wage of the workplace's kab/kota" (UMK).
REGIONAL_MINIMUM_WAGE = "regional_minimum_wage"


@dataclass(frozen=True, slots=True)
class WageTerms:
    """The percentage rule of one wage-earner segment on one date."""

    segment: Segment
    group: str                          # "government" (Iuran 2) or "non_government" (Iuran 3)
    shares: dict[str, Decimal]          # payer -> percent of the basis (participant and core family)
    shares_source: str
    additional: dict[str, Decimal]      # payer -> percent of the basis per additional family member
    additional_source: str
    cap: int | None                     # highest wage used as basis (None: no cap)
    cap_source: str
    floor: int | None                   # lowest wage used as basis, in rupiah (None: none in rupiah)
    floor_regional: bool                # the floor is the kab/kota minimum wage, given as input
    floor_source: str
    components: tuple[str, ...] | None  # salary components that make up the wage (None: the wage as given)
    components_source: str


def wage_components() -> tuple[str, ...]:
    """Every salary component a rule set names (``ppu_government_wage_basis``), in the order they
    first appear: the inputs a calculator offers for a government employee's wage (A-R04)."""
    seen: dict[str, None] = {}
    for entry in all_params()["ppu_government_wage_basis"]:
        seen.update(dict.fromkeys(entry.value or ()))
    return tuple(seen)


def _named(parts) -> list:
    """Components by their names in the reader's language; a name no rule set knows as given."""
    known = wage_components()
    return [Msg(f"wage.component.{p}") if p in known else p for p in parts]


def percents(value: Mapping, name: str) -> dict[str, Decimal]:
    out = {p: Decimal(str(value[f"{p}_pct"])) for p in PAYERS if value.get(f"{p}_pct") is not None}
    if not out:
        raise RuleError(Msg("wage.error.no_percent", name=name))
    return out


def wage_terms(segment: "Segment | str", as_of: "date | str") -> Decision[WageTerms]:
    """Rates, cap, floor and wage composition of a PPU segment on ``as_of``; NotAvailable where the
    regulation in force has no sourced value (e.g. government employees, October-December 2019)."""
    seg, d, steps = Segment.parse(segment), as_date(as_of), Steps()
    if seg.group is not SegmentGroup.PPU:
        raise RuleError(Msg("wage.error.not_ppu", segment=segment_name(seg)))
    group = "government" if seg in GOVERNMENT_WAGE_EARNERS else "non_government"
    if seg is Segment.PPU_LAINNYA:
        g = param_entry("ppu_lainnya_rate_group", d)
        group = g.value
        steps.add(Msg("wage.lainnya", group=Msg(f"wage.group.{group}")), g.source)
    rate = sourced(param_entry(f"ppu_{group}_rate", d), d, Msg("wage.what.rate", group=Msg(f"wage.group.{group}")))
    shares = [Msg("contribution.share", payer=Msg(f"payer.{p}"), amount=f"{v}%") for p, v in
              ((k.removesuffix("_pct"), v) for k, v in rate.value.items())]
    steps.add(Msg("wage.rate", segment=seg.label, group=Msg(f"wage.group.{group}"), day=d, shares=shares), rate.source)
    extra = param_entry("additional_member_rate", d)
    cap, floor = param_entry("ppu_wage_cap", d), param_entry("ppu_wage_floor", d)
    cap_value = (cap.value or {}).get(group)
    floor_value = (floor.value or {}).get(group)
    comp = param_entry("ppu_government_wage_basis", d) if group == "government" else None
    terms = WageTerms(
        seg, group, percents(rate.value, rate.name), rate.source, percents(extra.value, extra.name), extra.source,
        cap_value, cap.source, floor_value if isinstance(floor_value, int) else None,
        floor_value == REGIONAL_MINIMUM_WAGE, floor.source,
        tuple(comp.value) if comp is not None and comp.value else None, comp.source if comp is not None else "")
    return Decision(terms, steps)


def _whole(name: str, v, seg: Segment) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise RuleError(Msg("wage.error.whole", name=name, segment=segment_name(seg), got=repr(v)))
    return v


def _wage(t: WageTerms, wage, components: Mapping[str, int] | None, steps: Steps) -> int:
    """The monthly wage before cap and floor: given, or summed from the components the regulation names."""
    if not components:
        if wage is None:
            raise RuleError(Msg("wage.error.required", segment=segment_name(t.segment)))
        if isinstance(wage, bool) or not isinstance(wage, int) or wage <= 0:
            raise RuleError(Msg("wage.error.positive", segment=segment_name(t.segment), got=repr(wage)))
        steps.add(Msg("wage.given", wage=Rp(wage)), assumption("A-20"))
        if t.components:
            steps.add(Msg("wage.components", parts=_named(t.components)), t.components_source)
        return wage
    if wage is not None:
        raise RuleError(Msg("wage.error.both"))
    if t.components is None:
        raise RuleError(Msg("wage.error.no_components", segment=segment_name(t.segment)))
    unknown = sorted(set(components) - set(t.components))
    total = sum(_whole(f"wage_components[{k}]", components.get(k, 0), t.segment) for k in t.components)
    steps.add(Msg("wage.sum", parts=_named(t.components), total=Rp(total),
                  unknown=_named(unknown) or Msg("wage.none")),
              t.components_source)
    steps.add(Msg("wage.components_monthly"), assumption("A-R04"))
    if total <= 0:
        raise RuleError(Msg("wage.error.components_zero", segment=segment_name(t.segment)))
    return total


def wage_basis(t: WageTerms, wage: int | None, steps: Steps, *, minimum_wage: int | None = None,
               wage_components: Mapping[str, int] | None = None) -> int:
    """The wage the percentages are taken of: the wage, raised to the floor, lowered to the cap."""
    w = _wage(t, wage, wage_components, steps)
    floor = t.floor
    if t.floor_regional:
        if minimum_wage is None:
            steps.add(Msg("wage.umk_not_given"), assumption("A-R03"))
        else:
            floor = _whole("minimum_wage", minimum_wage, t.segment)
            steps.add(Msg("wage.umk_given", floor=Rp(floor)), t.floor_source)
    elif minimum_wage is not None:
        raise RuleError(Msg("wage.error.no_floor", segment=segment_name(t.segment)))
    if t.cap is not None and w > t.cap:
        steps.add(Msg("wage.above_cap", wage=Rp(w), cap=Rp(t.cap)), t.cap_source, decisive=True)
        return t.cap
    if floor is not None and w < floor:
        steps.add(Msg("wage.below_floor", wage=Rp(w), floor=Rp(floor)), t.floor_source, decisive=True)
        return floor
    steps.add(Msg("wage.no_cap") if t.cap is None else Msg("wage.within_cap", cap=Rp(t.cap)), t.cap_source)
    return w
