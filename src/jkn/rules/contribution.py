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
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Sequence

from jkn.domain.care import CareClass, Grade
from jkn.domain.money import Rupiah
from jkn.domain.month import Month
from jkn.domain.segment import (GOVERNMENT_WAGE_EARNERS, STATE_PENSIONERS, VETERAN_SEGMENTS,
                                Segment, SegmentGroup)
from jkn.rules.care_class import care_class as entitled_class
from jkn.rules.decision import Decision, RuleError, Step, Steps, assumption, cite
from jkn.rules.money import fmt, pct, to_rupiah
from jkn.rules.parameters import ParamEntry, as_date, param_entry

SECTION = "Iuran"
PAYERS = ("employer", "participant", "government")
_GRADED = {Segment.PPU_PNS, Segment.PPU_TNI, Segment.PPU_POLRI}


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


def due_date(month: "Month | date | str") -> Decision[date]:
    """Deadline for a month's contribution: the 10th of that month (Iuran 7; assumption A-10)."""
    m = month if isinstance(month, Month) else Month.of(as_date(month))
    e = param_entry("contribution_due_day", m.first_day)
    return Decision(m.due_date(e.value), [
        e.step(f"contribution for {m} is due by {m.due_date(e.value).isoformat()}"),
        Step("the contribution of a month is due on the 10th of that same month, without shifting "
             "for holidays", assumption("A-10"))])


def _whole(name: str, v, seg: Segment, positive: bool = True) -> int:
    if v is None:
        raise RuleError(f"{name} is required for segment {seg.value}")
    if isinstance(v, bool) or not isinstance(v, int) or v < 0 or (positive and v == 0):
        raise RuleError(f"{name} must be a whole{' positive' if positive else ''} number of rupiah "
                        f"for segment {seg.value}, got {v!r}")
    return v


def _percent_lines(base: int, rates: dict, item: str, entry: ParamEntry, d: date,
                   steps: Steps) -> list[Line]:
    lines = []
    for payer in PAYERS:
        p = rates.get(f"{payer}_pct")
        if p is None:
            continue
        amount, rstep = to_rupiah(pct(base, p), d)
        steps.add(f"{item}: {p}% of {fmt(base)} paid by the {payer} = {fmt(amount)}", entry.source)
        steps.append(rstep)
        lines.append(Line(payer, item, base, f"{p}%", amount, entry.source))
    return lines


def _flat_lines(cls: CareClass, persons: int, d: date, item: str, payer: str, steps: Steps) -> list[Line]:
    e = param_entry("flat_class_rate", d)
    rate = Rupiah(e.value[cls.value])
    steps.add(f"{item}: class {cls.value} rate {fmt(rate)} per person per month x {persons} = "
              f"{fmt(rate * persons)}, paid by the {payer}", e.source)
    return [Line(payer, f"{item} #{i + 1}", None, f"class {cls.value} flat", rate, e.source)
            for i in range(persons)]


def _wage_basis(seg: Segment, wage, d: date, steps: Steps) -> int:
    w = _whole("wage", wage, seg)
    cap, floor = param_entry("ppu_wage_cap", d), param_entry("ppu_wage_floor", d)
    if cap.has_value and w > cap.value:
        steps.add(f"wage {fmt(w)} above the cap: basis {fmt(cap.value)}", cap.source)
        return cap.value
    if floor.has_value and w < floor.value:
        steps.add(f"wage {fmt(w)} below the floor: basis {fmt(floor.value)}", floor.source)
        return floor.value
    steps.add(f"basis: the monthly wage {fmt(w)} as given (Gaji atau Upah per bulan)", assumption("A-20"))
    steps.add("no cap or floor on the wage in force", cap.source)
    return w


def _ppu(seg, d, wage, additional_members, other_relatives, steps) -> list[Line]:
    base = _wage_basis(seg, wage, d, steps)
    group = "government"
    if seg is Segment.PPU_LAINNYA:
        g = param_entry("ppu_lainnya_rate_group", d)
        group = g.value
        steps.add(f"PPU_LAINNYA pays the {group} wage earners' rate", g.source)
    elif seg not in GOVERNMENT_WAGE_EARNERS:
        group = "non_government"
    entry = param_entry(f"ppu_{group}_rate", d)
    steps.add(f"{seg.label}: rate of {'Iuran 2 (government institutions)' if group == 'government' else 'Iuran 3 (BUMN, BUMD, swasta)'}"
              f" in force on {d}: {entry.value}", entry.source)
    lines = _percent_lines(base, entry.value, "contribution of participant and core family", entry, d, steps)
    steps.add("the percentage covers the participant and the core family; only additional members and other "
              "relatives are charged on top", assumption("A-28"))
    if additional_members:
        a = param_entry("additional_member_rate", d)
        for i in range(additional_members):
            lines += _percent_lines(base, a.value, f"additional family member #{i + 1}", a, d, Steps() if i else steps)
        steps.add(f"{additional_members} additional member(s) (4th child onward, father, mother, parents-in-law) at "
                  f"{a.value['participant_pct']}% each, paid by the worker", cite(SECTION, "4"))
        steps.add("the 1% is taken of the same wage basis as the main contribution", assumption("A-22"))
    for i, c in enumerate(other_relatives):
        lines += _flat_lines(CareClass.parse(c), 1, d, f"other relative #{i + 1}", "participant", steps)
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
                        "of a PNS III/a with 14 years of service has no sourced value before 2019-01-01")
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


def monthly_contribution(
    segment: "Segment | str", as_of: "date | Month | str", *, wage: int | None = None,
    grade: "Grade | str | None" = None, care_class: "CareClass | str | None" = None,
    persons: int = 1, additional_members: int = 0, other_relatives: Sequence["CareClass | str"] = (),
    pension: int | None = None, veteran_base_salary: int | None = None, pbi_amount: int | None = None,
) -> Decision[Contribution]:
    """The contribution for the month containing ``as_of``.

    - PBI: ``pbi_amount`` per person (or parameter ``pbi_contribution``) x ``persons``, government.
    - PPU_*: ``wage`` required; ``additional_members`` (count at 1% each) and ``other_relatives``
      (one class per relative, flat rate) optional. ``persons`` must stay 1.
    - Veterans / pioneers / their survivors: formula on ``veteran_base_salary`` (or the parameter).
    - State pensioners: class from ``grade`` (Manfaat Akomodasi), flat rate x ``persons``
      (assumption A-04; a percentage basis on ``pension`` when the parameter says so).
    - Other PBPU / BP: ``care_class`` paid for, flat rate x ``persons`` (family unlimited).
    """
    seg, d, steps = Segment.parse(segment), as_date(as_of), Steps()
    month = Month.of(d)
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
    cls: CareClass | None = None
    if seg is Segment.PBI:
        e = param_entry("pbi_contribution", d)
        if pbi_amount is not None:
            amount = Rupiah(_whole("pbi_amount", pbi_amount, seg))
            steps.add(f"PBI amount per person, given: {fmt(amount)}", assumption("A-05"))
        elif e.has_value:
            amount = Rupiah(e.value)
            steps.append(e.step(f"PBI amount per person: {fmt(amount)}"))
        else:
            raise RuleError(f"pbi_amount is required for segment PBI on {d.isoformat()}: the guide states no amount")
        steps.add(f"paid by the government: {fmt(amount)} x {persons}", cite(SECTION, "1"))
        lines = [Line("government", f"PBI participant #{i + 1}", None, "per person", amount, cite(SECTION, "1"))
                 for i in range(persons)]
        cls = CareClass.III
    elif seg.group is SegmentGroup.PPU:
        lines = _ppu(seg, d, wage, additional_members, other_relatives, steps)
        cls = entitled_class(seg, d, wage=wage, grade=grade).value if (grade or seg not in _GRADED) else None
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
        if basis is not None and isinstance(basis.value, dict):
            base = _whole("pension", pension, seg)
            lines = _percent_lines(base, basis.value, "pensioner contribution", basis, d, steps)
        else:
            if basis is not None:
                steps.append(basis.step("pensioners pay the Bukan Pekerja flat rate of their class"))
            lines = _flat_lines(cls, persons, d, "participant / family member", "participant", steps)
    totals = {p: Rupiah(sum(l.amount for l in lines if l.payer == p)) for p in PAYERS}
    total = Rupiah(sum(totals.values()))
    due = due_date(month)
    steps.add(f"total {fmt(total)}: employer {fmt(totals['employer'])}, participant {fmt(totals['participant'])}, "
              f"government {fmt(totals['government'])}", assumption("A-01"))
    steps.extend(due.steps)
    return Decision(Contribution(seg, month, due.value, totals["employer"], totals["participant"],
                                 totals["government"], total, cls, tuple(lines)), steps)

