"""Late-payment penalty (denda), suspension of cover and reactivation.

Panduan Peserta, "Denda Keterlambatan Pembayaran Iuran":
1. PPU: "denda administratif sebesar 2% (dua persen) per bulan dari total iuran yang tertunggak
   paling banyak untuk waktu 3 (tiga) bulan, yang dibayarkan bersamaan dengan total iuran yang
   tertunggak oleh Pemberi Kerja."
2. PBPU dan Bukan Pekerja: "denda keterlambatan sebesar 2% (dua persen) per bulan dari total iuran
   yang tertunggak paling banyak untuk waktu 6 (enam) bulan yang dibayarkan bersamaan dengan total
   iuran yang tertunggak."
"Penghentian Pelayanan Kesehatan": PPU "keterlambatan pembayaran iuran lebih dari 3 (tiga) bulan,
maka pelayanan kesehatan dihentikan sementara"; PBPU and BP "lebih dari 6 (enam) bulan".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

from jkn.domain.money import Rupiah
from jkn.domain.month import Month
from jkn.domain.segment import VETERAN_SEGMENTS, Segment, SegmentGroup
from jkn.rules.contribution import due_date
from jkn.rules.decision import Decision, RuleError, Steps, assumption, cite
from jkn.rules.money import fmt, pct, to_rupiah
from jkn.rules.parameters import JKN_START, as_date, param_entry

DENDA, STOP = "Denda Keterlambatan Pembayaran Iuran", "Penghentian Pelayanan Kesehatan"


@dataclass(frozen=True, slots=True)
class PenaltyAssessment:
    months_in_arrears: int      #: unpaid months whose due date has passed
    months_counted: int         #: months the 2% is charged for (capped)
    arrears_total: Rupiah       #: total unpaid contributions already due
    penalty: Rupiah
    amount_due: Rupiah          #: arrears + penalty, to be paid together
    suspended: bool
    payer: str
    overdue_months: tuple[Month, ...]


@dataclass(frozen=True, slots=True)
class Reactivation:
    active: bool
    was_suspended: bool
    required: Rupiah
    paid: Rupiah
    shortfall: Rupiah


def _parse_unpaid(unpaid) -> dict[Month, int]:
    items = unpaid.items() if isinstance(unpaid, Mapping) else unpaid
    out: dict[Month, int] = {}
    for m, amount in items:
        month = m if isinstance(m, Month) else Month.parse(str(m))
        if month in out:
            raise RuleError(f"month {month} is listed twice in the unpaid months")
        if month.first_day < JKN_START:
            raise RuleError(f"unpaid month {month} is before JKN began on {JKN_START.isoformat()}")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise RuleError(f"the unpaid amount of {month} must be a whole positive number of rupiah, got {amount!r}")
        out[month] = amount
    return out


def _late_months(month: Month, d: date) -> int:
    """How many monthly due dates (of this month and the later ones) have passed on d."""
    current = Month.of(d)
    return max(0, (current - month) + (1 if d > due_date(current).value else 0))


def assess_penalty(segment: "Segment | str", as_of: "date | Month | str",
                   unpaid: "Mapping[Month | str, int] | Iterable[tuple[Month | str, int]]",
                   ) -> Decision[PenaltyAssessment]:
    """Penalty, months in arrears and suspension on ``as_of`` for the ``unpaid`` months
    (month -> contribution amount). Months whose due date has not passed are not arrears."""
    seg, d, steps = Segment.parse(segment), as_date(as_of), Steps()
    months = _parse_unpaid(unpaid)
    overdue = sorted(m for m in months if d > due_date(m).value)
    for m in sorted(set(months) - set(overdue)):
        steps.add(f"{m} is not yet overdue on {d} (due {due_date(m).value})", cite("Iuran", "7"))
    arrears = Rupiah(sum(months[m] for m in overdue))
    n = len(overdue)
    steps.add(f"{n} month(s) overdue on {d}" + (f" ({', '.join(map(str, overdue))})" if n else "") +
              f", arrears {fmt(arrears)}", assumption("A-11"))
    payer = "employer" if seg.group is SegmentGroup.PPU else (
        "government" if seg in VETERAN_SEGMENTS or seg is Segment.PBI else "participant")
    if seg.group is SegmentGroup.PBI:
        steps.add("the guide sets no penalty or suspension for PBI, whose contribution the government pays",
                  assumption("A-23"))
        return Decision(PenaltyAssessment(n, 0, arrears, Rupiah(0), arrears, False, payer, tuple(overdue)), steps)
    group = seg.group.value
    item = "1" if seg.group is SegmentGroup.PPU else "2"
    rate, cap = param_entry("penalty_rate_pct", d), param_entry("penalty_max_months", d)
    stop, method = param_entry("suspension_after_months", d), param_entry("penalty_method", d)
    counted = min(n, cap.value[group])
    steps.add(f"2% per month, counted for at most {cap.value[group]} months: {counted} month(s)", cap.source)
    if method.value == "total_arrears_x_months":
        exact = pct(arrears, rate.value) * counted
        steps.add(f"{rate.value}% x {fmt(arrears)} x {counted} = {exact.normalize():f}", method.source)
    elif method.value == "running":
        exact = sum((pct(months[m], rate.value) * min(_late_months(m, d), cap.value[group]) for m in overdue),
                    Decimal(0))
        steps.add(f"{rate.value}% of each overdue month's contribution per month it is late = {exact.normalize():f}",
                  method.source)
    else:  # pragma: no cover - guarded by the parameter file
        raise ValueError(f"unknown penalty_method {method.value!r}")
    penalty, rstep = to_rupiah(exact, d)
    steps.append(rstep)
    steps.add(f"penalty {fmt(penalty)} is paid together with the arrears by the {payer}", cite(DENDA, item))
    if seg in VETERAN_SEGMENTS:
        steps.add("Denda 2 is applied to every Bukan Pekerja, including those whose contribution the government pays",
                  assumption("A-27"))
    suspended = n > stop.value[group]
    steps.add(f"{n} month(s) late {'is' if suspended else 'is not'} more than {stop.value[group]}: cover "
              f"{'suspended' if suspended else 'continues'}", stop.source)
    return Decision(PenaltyAssessment(n, counted, arrears, penalty, Rupiah(arrears + penalty), suspended, payer,
                                      tuple(overdue)), steps)


def reactivation(segment: "Segment | str", as_of: "date | Month | str",
                 unpaid: "Mapping[Month | str, int] | Iterable[tuple[Month | str, int]]",
                 paid: int) -> Decision[Reactivation]:
    """Whether a payment of ``paid`` on ``as_of`` restores suspended cover: it must cover all
    overdue arrears and the penalty, which are paid together (Denda 1-2; assumption A-12)."""
    if isinstance(paid, bool) or not isinstance(paid, int) or paid < 0:
        raise RuleError(f"paid must be a whole non-negative number of rupiah, got {paid!r}")
    a = assess_penalty(segment, as_of, unpaid)
    steps = Steps(a.steps)
    v = a.value
    shortfall = Rupiah(max(0, v.amount_due - paid))
    active = (not v.suspended) or shortfall == 0
    if v.suspended:
        steps.add(f"paid {fmt(paid)} of {fmt(v.amount_due)} (arrears + penalty): cover "
                  f"{'resumes' if active else f'stays suspended, {fmt(shortfall)} short'}", assumption("A-12"))
    else:
        steps.add("cover was not suspended", cite(STOP))
    return Decision(Reactivation(active, v.suspended, v.amount_due, Rupiah(paid), shortfall), steps)
