"""Monthly contribution (iuran) with employer / participant / government shares.

Panduan Peserta, "Iuran":
1. "Bagi peserta PBI Jaminan Kesehatan iuran dibayar oleh Pemerintah."
2. PNS, TNI, Polri, pejabat negara, pegawai pemerintah non pegawai negeri: "5% dari Gaji atau
   Upah per bulan ... 3% dibayar oleh pemberi kerja dan 2% dibayar oleh peserta."
3. "BUMN, BUMD dan Swasta sebesar 4,5% ... 4% dibayar oleh Pemberi Kerja dan 0,5% dibayar oleh
   Peserta." (5% = 4% + 1% from 1 July 2015: data, Perpres 111/2013 Art. 16C.)
4. "keluarga tambahan ... anak ke 4 dan seterusnya, ayah, ibu dan mertua ... 1% dari gaji atau
   upah per orang per bulan, dibayar oleh pekerja penerima upah."
5. kerabat lain of wage earners, PBPU and Bukan Pekerja: "Rp.25.500 ... Kelas III",
   "Rp.42.500 ... Kelas II", "Rp.59.500 ... Kelas I" per orang per bulan.
6. Veteran, Perintis Kemerdekaan and their survivors: "5% dari 45% gaji pokok PNS golongan ruang
   III/a dengan masa kerja 14 tahun per bulan, dibayar oleh Pemerintah."
7. "Pembayaran iuran paling lambat tanggal 10 (sepuluh) setiap bulan".

Later rule sets are data (params/*.toml, docs/rules.md "Rule sets"): rates and the PBI amount by
date, the class III part paid by the government (Perpres 64/2020 Pasal 34), 5% of the pension
for state pensioners (Perpres 82/2018), the next working day when the 10th is not one (Perpres
19/2016 Pasal 17); wage earners' terms are in jkn.rules.wage_terms.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Sequence

from jkn.domain.care import CareClass, Grade
from jkn.domain.money import Rupiah
from jkn.domain.month import Month
from jkn.domain.segment import STATE_PENSIONERS, VETERAN_SEGMENTS, Segment, SegmentGroup
from jkn.rules.care_class import care_class as entitled_class
from jkn.rules.decision import Decision, NotAvailable, RuleError, Step, Steps, assumption, cite
from jkn.rules.money import fmt, pct, to_rupiah
from jkn.rules.parameters import as_date, param_entry, sourced
from jkn.rules.wage_terms import PAYERS, percents, wage_basis, wage_terms

SECTION = "Iuran"
_GRADED = {Segment.PPU_PNS, Segment.PPU_TNI, Segment.PPU_POLRI}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class Line:
    """One charge: who pays it, for what, on which basis and rate, how much, by which clause."""

    payer: str
    item: str
    basis: int | None
    rate: str
    amount: Rupiah
    source: str


@dataclass(frozen=True, slots=True)
class Contribution:
    segment: Segment
    month: Month
    due_date: date
    employer: Rupiah
    participant: Rupiah
    government: Rupiah
    total: Rupiah
    care_class: CareClass | None
    lines: tuple[Line, ...]


def due_date(month: "Month | date | str", holidays: Iterable[date] = ()) -> Decision[date]:
    """Deadline for a month's contribution: the 10th of that month (Iuran 7; assumption A-10); from
    Perpres 19/2016 Pasal 17, the next working day when the 10th is not one (weekends, and the public
    ``holidays`` given: assumption A-R07)."""
    m = month if isinstance(month, Month) else Month.of(as_date(month))
    e, shift = param_entry("contribution_due_day", m.first_day), param_entry("due_date_shift", m.first_day)
    due = m.due_date(e.value)
    steps = [e.step(f"contribution for {m} is due by {due.isoformat()}")]
    if shift.value != "next_working_day":
        steps.append(Step("the contribution of a month is due on the 10th of that same month, without shifting "
                          "for holidays", assumption("A-10")))
        return Decision(due, steps)
    off, days_off = param_entry("non_working_days", m.first_day), set(holidays)
    while _WEEKDAYS[due.weekday()] in off.value or due in days_off:
        steps.append(Step(f"{due.isoformat()} is not a working day ({_WEEKDAYS[due.weekday()]}"
                          f"{', public holiday given' if due in days_off else ''}): the next working day", shift.source))
        due += timedelta(days=1)
    steps.append(Step(f"due on {due.isoformat()}; non-working days: {', '.join(off.value)} and the public holidays "
                      "given", off.source))
    return Decision(due, steps)


def _whole(name: str, v, seg: Segment, positive: bool = True) -> int:
    if v is None:
        raise RuleError(f"{name} is required for segment {seg.value}")
    if isinstance(v, bool) or not isinstance(v, int) or v < 0 or (positive and v == 0):
        raise RuleError(f"{name} must be a whole{' positive' if positive else ''} number of rupiah "
                        f"for segment {seg.value}, got {v!r}")
    return v


def _percent_lines(base: int, shares: Mapping[str, "Decimal | str"], item: str, source: str, d: date,
                   steps: Steps) -> list[Line]:
    lines = []
    for payer in PAYERS:
        p = shares.get(payer)
        if p is None:
            continue
        amount, rstep = to_rupiah(pct(base, p), d)
        steps.add(f"{item}: {p}% of {fmt(base)} paid by the {payer} = {fmt(amount)}", source)
        steps.append(rstep)
        lines.append(Line(payer, item, base, f"{p}%", amount, source))
    return lines


@dataclass(frozen=True, slots=True)
class FlatRate:
    """The class rate per person per month, split by payer, with the clause of each part."""

    participant: int
    government: int
    rate_source: str
    government_source: str

    def parts(self) -> list[tuple[str, int, str]]:
        return [(payer, amount, source) for payer, amount, source in (
            ("participant", self.participant, self.rate_source),
            ("government", self.government, self.government_source)) if amount]


def flat_rate(segment: "Segment | str", care_class: "CareClass | str", as_of: "date | Month | str", *,
              relative: bool = False) -> Decision[FlatRate]:
    """The class rate per person per month: the participant pays the rate less the part the government
    pays (class III from Perpres 64/2020 Pasal 34, for PBPU and BP; assumption A-R05). ``relative``:
    an other relative of a wage earner (Iuran 5, A-19)."""
    seg, cls, d = Segment.parse(segment), CareClass.parse(care_class), as_date(as_of)
    rate, aid = param_entry("flat_class_rate", d), param_entry("flat_rate_government_part", d)
    total = rate.value[cls.value]
    eligible = not relative and seg.group.value in aid.value.get("groups", ())
    part = aid.value.get("amounts", {}).get(cls.value, 0) if eligible else 0
    steps = Steps()
    steps.add(f"class {cls.value} rate {fmt(total)} per person per month", rate.source)
    if part:
        steps.add(f"of which the government pays {fmt(part)} and the participant {fmt(total - part)}", aid.source)
        steps.add(f"the government's part is for PBPU and BP participants of class {cls.value}", assumption("A-R05"))
    return Decision(FlatRate(total - part, part, rate.source, aid.source), steps)


def _flat_lines(seg: Segment, cls: CareClass, persons: int, d: date, item: str, steps: Steps, *,
                relative: bool = False) -> list[Line]:
    """``persons`` x the class rate: the participant's part of every person first, then the government's."""
    r = flat_rate(seg, cls, d, relative=relative)
    steps.extend(r.steps)
    each = r.value.participant + r.value.government
    steps.add(f"{item}: {fmt(each)} x {persons} = {fmt(each * persons)}", r.value.rate_source)
    return [Line(payer, f"{item} #{i + 1}", None, f"class {cls.value} flat", Rupiah(amount), source)
            for payer, amount, source in r.value.parts() for i in range(persons)]


def _ppu(seg, d, wage, additional_members, other_relatives, steps, minimum_wage, wage_components) -> list[Line]:
    t = wage_terms(seg, d)
    steps.extend(t.steps)
    base = wage_basis(t.value, wage, steps, minimum_wage=minimum_wage, wage_components=wage_components)
    lines = _percent_lines(base, t.value.shares, "contribution of participant and core family", t.value.shares_source,
                           d, steps)
    steps.add("the percentage covers the participant and the core family; only additional members and other "
              "relatives are charged on top", assumption("A-28"))
    if additional_members:
        for i in range(additional_members):
            lines += _percent_lines(base, t.value.additional, f"additional family member #{i + 1}",
                                    t.value.additional_source, d, Steps() if i else steps)
        steps.add(f"{additional_members} additional member(s) (4th child onward, father, mother, parents-in-law) at "
                  f"{t.value.additional.get('participant')}% each, paid by the worker", cite(SECTION, "4"))
        steps.add("the 1% is taken of the same wage basis as the main contribution", assumption("A-22"))
    for i, c in enumerate(other_relatives):
        lines += _flat_lines(seg, CareClass.parse(c), 1, d, f"other relative #{i + 1}", steps, relative=True)
    if other_relatives:
        steps.add("other relatives of a wage earner pay the flat rate of the class chosen; the worker pays",
                  assumption("A-19"))
    return lines


def _veteran(seg, d, base_salary, persons, steps) -> list[Line]:
    e, rate = param_entry("veteran_base_salary", d), param_entry("veteran_rate", d)
    if base_salary is not None:
        base = _whole("veteran_base_salary", base_salary, seg)
        steps.add(f"basic salary of PNS III/a with 14 years of service, given: {fmt(base)}", assumption("A-06"))
    elif e.has_value:
        base = e.value
        steps.append(e.step(f"basic salary of PNS III/a with 14 years of service on {d}: {fmt(base)}"))
    else:
        raise RuleError(f"veteran_base_salary is required for segment {seg.value} on {d.isoformat()}: the basic salary "
                        f"of a PNS III/a with 14 years of service has no sourced value ({e.source})")
    exact = pct(base, rate.value["base_share_pct"]) * Decimal(rate.value["pct"]) / 100
    amount, rstep = to_rupiah(exact, d)
    steps.add(f"{rate.value['pct']}% of {rate.value['base_share_pct']}% of {fmt(base)} = {fmt(amount)}, paid by the "
              "government", rate.source)
    steps.append(rstep)
    fam = param_entry("veteran_contribution_covers_family", d)
    n = 1 if fam.value else persons
    steps.append(fam.step("the amount covers the participant with family" if fam.value
                          else f"the amount is charged per person: x {persons}"))
    return [Line("government", f"veteran / pioneer contribution #{i + 1}", base,
                 f"{rate.value['pct']}% of {rate.value['base_share_pct']}%", amount, rate.source) for i in range(n)]


def _pbi(seg, d, pbi_amount, persons, steps) -> list[Line]:
    e = param_entry("pbi_contribution", d)
    if pbi_amount is not None:
        amount = Rupiah(_whole("pbi_amount", pbi_amount, seg))
        steps.add(f"PBI amount per person, given: {fmt(amount)}", assumption("A-05"))
    else:
        amount = Rupiah(sourced(e, d, "pbi_amount (the PBI contribution per person)").value)
        steps.append(e.step(f"PBI amount per person: {fmt(amount)}"))
    steps.add(f"paid by the government: {fmt(amount)} x {persons}", cite(SECTION, "1"))
    return [Line("government", f"PBI participant #{i + 1}", None, "per person", amount, e.source)
            for i in range(persons)]


def _wage_earner_class(seg, d, wage, grade, care_class, steps) -> CareClass | None:
    """The class of a wage earner, which does not change the amount: None when it cannot be told."""
    if seg in _GRADED and not grade:
        return None
    try:
        return entitled_class(seg, d, wage=wage, grade=grade, paid_class=care_class).value
    except NotAvailable as exc:
        steps.add(f"room class not given and not available from the rules: {exc}", assumption("A-R09"))
        return None


def monthly_contribution(
    segment: "Segment | str", as_of: "date | Month | str", *, wage: int | None = None,
    grade: "Grade | str | None" = None, care_class: "CareClass | str | None" = None,
    persons: int = 1, additional_members: int = 0, other_relatives: Sequence["CareClass | str"] = (),
    pension: int | None = None, veteran_base_salary: int | None = None, pbi_amount: int | None = None,
    minimum_wage: int | None = None, wage_components: Mapping[str, int] | None = None,
) -> Decision[Contribution]:
    """The contribution for the month containing ``as_of``, under the rule set in force then.

    - PBI: ``pbi_amount`` per person (or parameter ``pbi_contribution``) x ``persons``, government.
    - PPU_*: ``wage`` (or ``wage_components`` where the regulation names them) required;
      ``minimum_wage`` (the UMK) where the floor is the kab/kota minimum wage; ``additional_members``
      (count at 1% each) and ``other_relatives`` (one class per relative, flat rate) optional.
      ``persons`` must stay 1. ``care_class`` is the class on record where the rules cannot tell it.
    - Veterans / pioneers / their survivors: formula on ``veteran_base_salary`` (or the parameter).
    - State pensioners: class from ``grade`` (Manfaat Akomodasi); the flat rate x ``persons``
      (assumption A-04), or a percentage of ``pension`` when the parameter says so (Perpres 82/2018).
    - Other PBPU / BP: ``care_class`` paid for, flat rate x ``persons`` (family unlimited).
    """
    seg, d, steps = Segment.parse(segment), as_date(as_of), Steps()
    month = Month.of(d)
    rule_set = param_entry("rule_set", d)
    steps.append(rule_set.step(f"rule set in force on {d}: {rule_set.value}"))
    steps.add(f"segment {seg.value}: {seg.label}; month {month}", seg.source)
    if not isinstance(persons, int) or isinstance(persons, bool) or persons < 1:
        raise RuleError(f"persons must be a whole number >= 1, got {persons!r}")
    if not isinstance(additional_members, int) or isinstance(additional_members, bool) or additional_members < 0:
        raise RuleError(f"additional_members must be a whole number >= 0, got {additional_members!r}")
    if additional_members and seg.group is not SegmentGroup.PPU:
        raise RuleError(f"additional_members (1% of wage) exist only for PPU segments, not {seg.value}")
    if other_relatives and seg.group is not SegmentGroup.PPU:
        raise RuleError(f"other_relatives apply to PPU; for {seg.value} count every family member in persons")
    if seg.group is SegmentGroup.PPU and persons != 1:
        raise RuleError("for PPU the core family is covered by the percentage; give additional_members and "
                        "other_relatives instead of persons")
    if (minimum_wage is not None or wage_components) and seg.group is not SegmentGroup.PPU:
        raise RuleError(f"minimum_wage and wage_components are for PPU segments, not {seg.value}")
    cls: CareClass | None = None
    if seg is Segment.PBI:
        lines = _pbi(seg, d, pbi_amount, persons, steps)
        cls = CareClass.III
    elif seg.group is SegmentGroup.PPU:
        lines = _ppu(seg, d, wage, additional_members, other_relatives, steps, minimum_wage, wage_components)
        cls = _wage_earner_class(seg, d, wage, grade, care_class, steps)
    elif seg in VETERAN_SEGMENTS:
        lines = _veteran(seg, d, veteran_base_salary, persons, steps)
        cls = CareClass.I
    else:
        cls_d = entitled_class(seg, d, grade=grade, paid_class=care_class)
        cls = cls_d.value
        if care_class is not None and CareClass.parse(care_class) is not cls:
            raise RuleError(f"care_class {CareClass.parse(care_class).value} does not match the class {cls.value} "
                            f"that segment {seg.value} with grade {grade} is entitled to")
        steps.extend(cls_d.steps[1:])
        basis = param_entry("pensioner_contribution_basis", d) if seg in STATE_PENSIONERS else None
        if basis is not None:
            sourced(basis, d, "the contribution basis of state pensioners")
        if basis is not None and isinstance(basis.value, dict):
            base = _whole("pension", pension, seg)
            steps.add(f"pension given: {fmt(base)}", assumption("A-R06"))
            lines = _percent_lines(base, percents(basis.value, basis.name), "pensioner contribution", basis.source, d, steps)
        else:
            if basis is not None:
                steps.append(basis.step("pensioners pay the Bukan Pekerja flat rate of their class"))
            lines = _flat_lines(seg, cls, persons, d, "participant / family member", steps)
    totals = {p: Rupiah(sum(l.amount for l in lines if l.payer == p)) for p in PAYERS}
    total = Rupiah(sum(totals.values()))
    due = due_date(month)
    steps.add(f"total {fmt(total)}: employer {fmt(totals['employer'])}, participant {fmt(totals['participant'])}, "
              f"government {fmt(totals['government'])}", assumption("A-01"))
    steps.extend(due.steps)
    return Decision(Contribution(seg, month, due.value, totals["employer"], totals["participant"],
                                 totals["government"], total, cls, tuple(lines)), steps)
