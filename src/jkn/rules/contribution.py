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
from jkn.i18n import Msg, Rp
from jkn.rules.money import pct, to_rupiah
from jkn.rules.parameters import as_date, param_entry, sourced
from jkn.rules.wage_terms import PAYERS, percents, wage_basis, wage_terms

SECTION = "Iuran"
#: What a line of the result is for (``Line.item``, kept for API clients); the steps say it from the catalogue.
ITEMS = {"core": "contribution of participant and core family", "pension": "pensioner contribution",
         "person": "participant / family member"}
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
    steps = [e.step(Msg("contribution.due", month=m, due=due))]
    if shift.value != "next_working_day":
        steps.append(Step(Msg("contribution.due_no_shift"), assumption("A-10")))
        return Decision(due, steps)
    off, days_off = param_entry("non_working_days", m.first_day), set(holidays)
    while _WEEKDAYS[due.weekday()] in off.value or due in days_off:
        weekday = Msg(f"weekday.{_WEEKDAYS[due.weekday()]}")
        said = Msg("contribution.holiday", day=due, weekday=weekday) if due in days_off else \
            Msg("contribution.weekend", day=due, weekday=weekday)
        steps.append(Step(said, shift.source))
        due += timedelta(days=1)
    steps.append(Step(Msg("contribution.due_shifted", due=due,
                          days=[Msg(f"weekday.{w}") for w in off.value]), off.source))
    return Decision(due, steps)


def _whole(name: str, v, seg: Segment, positive: bool = True) -> int:
    if v is None:
        raise RuleError(Msg("contribution.error.required", name=name, segment=seg.label))
    if isinstance(v, bool) or not isinstance(v, int) or v < 0 or (positive and v == 0):
        raise RuleError(Msg("contribution.error.whole", name=name, segment=seg.label, got=str(v)))
    return v


def _percent_lines(base: int, shares: Mapping[str, "Decimal | str"], item: str, source: str, d: date,
                   steps: Steps, label: str = "") -> list[Line]:
    """One line a payer of ``shares``; ``item`` names it in the steps (``contribution.item.*``), ``label`` in the lines."""
    lines = []
    for payer in PAYERS:
        p = shares.get(payer)
        if p is None:
            continue
        amount, rstep = to_rupiah(pct(base, p), d)
        steps.add(Msg("contribution.percent", item=Msg(f"contribution.item.{item}"), pct=p, base=Rp(base),
                      payer=Msg(f"payer.{payer}"), amount=Rp(amount)), source, decisive=True)
        steps.append(rstep)
        lines.append(Line(payer, label or ITEMS[item], base, f"{p}%", amount, source))
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
    steps.add(Msg("contribution.class_rate", care_class=cls.value, amount=Rp(total)), rate.source, decisive=True)
    if part:
        steps.add(Msg("contribution.government_part", government=Rp(part), participant=Rp(total - part)), aid.source,
                  decisive=True)
        steps.add(Msg("contribution.government_part_who", care_class=cls.value), assumption("A-R05"))
    return Decision(FlatRate(total - part, part, rate.source, aid.source), steps)


def _flat_lines(seg: Segment, cls: CareClass, persons: int, d: date, item: str, steps: Steps, *,
                relative: bool = False, label: str = "") -> list[Line]:
    """``persons`` x the class rate: the participant's part of every person first, then the government's."""
    r = flat_rate(seg, cls, d, relative=relative)
    steps.extend(r.steps)
    each = r.value.participant + r.value.government
    steps.add(Msg("contribution.flat", item=Msg(f"contribution.item.{item}"), each=Rp(each), persons=persons,
                  amount=Rp(each * persons)), r.value.rate_source, decisive=True)
    return [Line(payer, f"{label or ITEMS[item]} #{i + 1}", None, f"class {cls.value} flat", Rupiah(amount), source)
            for payer, amount, source in r.value.parts() for i in range(persons)]


def _ppu(seg, d, wage, additional_members, other_relatives, steps, minimum_wage, wage_components) -> list[Line]:
    t = wage_terms(seg, d)
    steps.extend(t.steps)
    base = wage_basis(t.value, wage, steps, minimum_wage=minimum_wage, wage_components=wage_components)
    lines = _percent_lines(base, t.value.shares, "core", t.value.shares_source, d, steps)
    steps.add(Msg("contribution.core_family"), assumption("A-28"))
    if additional_members:
        for i in range(additional_members):
            lines += _percent_lines(base, t.value.additional, "additional", t.value.additional_source, d,
                                    Steps() if i else steps, f"additional family member #{i + 1}")
        steps.add(Msg("contribution.additional", n=additional_members, pct=t.value.additional.get("participant")),
                  cite(SECTION, "4"), decisive=True)
        steps.add(Msg("contribution.additional_basis"), assumption("A-22"))
    for i, c in enumerate(other_relatives):
        lines += _flat_lines(seg, CareClass.parse(c), 1, d, "relative", steps, relative=True,
                             label=f"other relative #{i + 1}")
    if other_relatives:
        steps.add(Msg("contribution.relatives"), assumption("A-19"))
    return lines


def _veteran(seg, d, base_salary, persons, steps) -> list[Line]:
    e, rate = param_entry("veteran_base_salary", d), param_entry("veteran_rate", d)
    if base_salary is not None:
        base = _whole("veteran_base_salary", base_salary, seg)
        steps.add(Msg("contribution.veteran_salary_given", amount=Rp(base)), assumption("A-06"))
    elif e.has_value:
        base = e.value
        steps.append(e.step(Msg("contribution.veteran_salary", day=d, amount=Rp(base))))
    else:
        raise RuleError(Msg("contribution.error.veteran_salary", segment=seg.label, day=d))
    exact = pct(base, rate.value["base_share_pct"]) * Decimal(rate.value["pct"]) / 100
    amount, rstep = to_rupiah(exact, d)
    steps.add(Msg("contribution.veteran", pct=rate.value["pct"], share=rate.value["base_share_pct"], base=Rp(base),
                  amount=Rp(amount)), rate.source, decisive=True)
    steps.append(rstep)
    fam = param_entry("veteran_contribution_covers_family", d)
    n = 1 if fam.value else persons
    steps.append(fam.step(Msg("contribution.veteran_family") if fam.value
                          else Msg("contribution.veteran_per_person", persons=persons)))
    return [Line("government", f"veteran / pioneer contribution #{i + 1}", base,
                 f"{rate.value['pct']}% of {rate.value['base_share_pct']}%", amount, rate.source) for i in range(n)]


def _pbi(seg, d, pbi_amount, persons, steps) -> list[Line]:
    e = param_entry("pbi_contribution", d)
    if pbi_amount is not None:
        amount = Rupiah(_whole("pbi_amount", pbi_amount, seg))
        steps.add(Msg("contribution.pbi_given", amount=Rp(amount)), assumption("A-05"))
    else:
        amount = Rupiah(sourced(e, d, "pbi_amount").value)
        steps.append(e.step(Msg("contribution.pbi_amount", amount=Rp(amount))))
    steps.add(Msg("contribution.pbi", amount=Rp(amount), persons=persons), cite(SECTION, "1"), decisive=True)
    return [Line("government", f"PBI participant #{i + 1}", None, "per person", amount, e.source)
            for i in range(persons)]


def _wage_earner_class(seg, d, wage, grade, care_class, steps) -> CareClass | None:
    """The class of a wage earner, which does not change the amount: None when it cannot be told."""
    if seg in _GRADED and not grade:
        return None
    try:
        return entitled_class(seg, d, wage=wage, grade=grade, paid_class=care_class).value
    except NotAvailable as exc:
        steps.add(Msg("contribution.class_unknown", why=exc.msg or str(exc)), assumption("A-R09"))
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
    steps.append(rule_set.step(Msg("contribution.rule_set", day=d,
                                   rule_set=Msg(f"rule_set.{rule_set.since.isoformat()}"))))
    steps.add(Msg("contribution.segment", segment=seg.label, code=seg.value, month=month), seg.source)
    if not isinstance(persons, int) or isinstance(persons, bool) or persons < 1:
        raise RuleError(Msg("contribution.error.persons", got=str(persons)))
    if not isinstance(additional_members, int) or isinstance(additional_members, bool) or additional_members < 0:
        raise RuleError(Msg("contribution.error.additional_members", got=str(additional_members)))
    if additional_members and seg.group is not SegmentGroup.PPU:
        raise RuleError(Msg("contribution.error.additional_not_ppu", segment=seg.label))
    if other_relatives and seg.group is not SegmentGroup.PPU:
        raise RuleError(Msg("contribution.error.relatives_not_ppu", segment=seg.label))
    if seg.group is SegmentGroup.PPU and persons != 1:
        raise RuleError(Msg("contribution.error.ppu_persons"))
    if (minimum_wage is not None or wage_components) and seg.group is not SegmentGroup.PPU:
        raise RuleError(Msg("contribution.error.wage_not_ppu", segment=seg.label))
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
            raise RuleError(Msg("contribution.error.class_mismatch", given=CareClass.parse(care_class).value,
                                care_class=cls.value, segment=seg.label, grade=str(grade or "-")))
        steps.extend(cls_d.steps[1:])
        basis = param_entry("pensioner_contribution_basis", d) if seg in STATE_PENSIONERS else None
        if basis is not None:
            sourced(basis, d, "the contribution basis of state pensioners")
        if basis is not None and isinstance(basis.value, dict):
            base = _whole("pension", pension, seg)
            steps.add(Msg("contribution.pension_given", amount=Rp(base)), assumption("A-R06"))
            lines = _percent_lines(base, percents(basis.value, basis.name), "pension", basis.source, d, steps)
        else:
            if basis is not None:
                steps.append(basis.step(Msg("contribution.pensioner_flat")))
            lines = _flat_lines(seg, cls, persons, d, "person", steps)
    totals = {p: Rupiah(sum(l.amount for l in lines if l.payer == p)) for p in PAYERS}
    total = Rupiah(sum(totals.values()))
    due = due_date(month)
    steps.add(Msg("contribution.total", total=Rp(total), employer=Rp(totals["employer"]),
                  participant=Rp(totals["participant"]), government=Rp(totals["government"])), assumption("A-01"),
              decisive=True)
    steps.extend(due.steps)
    answer = Msg("contribution.answer", month=month, segment=seg.label, total=Rp(total), due=due.value,
                 shares=_shares(totals))
    return Decision(Contribution(seg, month, due.value, totals["employer"], totals["participant"],
                                 totals["government"], total, cls, tuple(lines)), steps, answer)


def _shares(totals: Mapping[str, int]) -> list[Msg]:
    """Who pays what, for the answer: only the payers with a share."""
    return [Msg("contribution.share", payer=Msg(f"payer.{p}"), amount=Rp(a)) for p, a in totals.items() if a]
