"""Late-payment penalty (denda), lateness, suspension of cover and reactivation.

Panduan Peserta, "Denda Keterlambatan Pembayaran Iuran":
1. PPU: "denda administratif sebesar 2% (dua persen) per bulan dari total iuran yang tertunggak
   paling banyak untuk waktu 3 (tiga) bulan, yang dibayarkan bersamaan dengan total iuran yang
   tertunggak oleh Pemberi Kerja."
2. PBPU dan Bukan Pekerja: "denda keterlambatan sebesar 2% (dua persen) per bulan dari total iuran
   yang tertunggak paling banyak untuk waktu 6 (enam) bulan yang dibayarkan bersamaan dengan total
   iuran yang tertunggak."
"Penghentian Pelayanan Kesehatan": PPU "keterlambatan pembayaran iuran lebih dari 3 (tiga) bulan,
maka pelayanan kesehatan dihentikan sementara"; PBPU and BP "lebih dari 6 (enam) bulan".

Lateness is time since the due date (Iuran 7). ``lateness`` is the one place it is counted: the
penalty months, suspension (``assess_penalty``, ``suspension_start``, ``suspensions``), the
calculator, the ledger and the batch billing path all go through it (assumption A-11).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from itertools import count
from typing import Mapping, Sequence

from jkn.domain.money import Rupiah
from jkn.domain.month import Month, add_months
from jkn.domain.segment import VETERAN_SEGMENTS, Segment, SegmentGroup
from jkn.rules.contribution import due_date
from jkn.i18n import Msg, Rp
from jkn.rules.decision import Decision, RuleError, Steps, assumption, cite
from jkn.rules.money import pct, to_rupiah
from jkn.rules.parameters import JKN_START, as_date, param_entry

DENDA, STOP = "Denda Keterlambatan Pembayaran Iuran", "Penghentian Pelayanan Kesehatan"
ONE_DAY = timedelta(days=1)
Unpaid = "Mapping[Month | str, int] | Iterable[tuple[Month | str, int]]"


@dataclass(frozen=True, slots=True)
class Lateness:
    """How late a contribution is on a day: whole months and days since its due date (A-11)."""

    due: date
    months: int
    days: int

    @property
    def months_begun(self) -> int:
        """Months of lateness begun: 1 from the day after the due date, 2 from the day after the
        same date one month later, ... ("2% per bulan"; "lebih dari 3 bulan" is more than 3 begun)."""
        return self.months + (1 if self.days else 0)

    def __str__(self) -> str:
        return str(self.said())

    def said(self) -> Msg:
        return Msg("penalty.lateness", months=self.months, days=self.days)


@dataclass(frozen=True, slots=True)
class PenaltyAssessment:
    months_in_arrears: int      #: unpaid months whose due date has passed
    lateness: Lateness | None   #: of the oldest overdue contribution
    months_counted: int         #: months the 2% is charged for (capped)
    arrears_total: Rupiah       #: total unpaid contributions already due
    penalty: Rupiah             #: paid with the arrears on the day: the penalty on them + penalty_owed
    penalty_owed: Rupiah        #: penalty charged earlier and not yet paid
    amount_due: Rupiah          #: arrears + penalty, to be paid together
    suspended: bool
    payer: str
    overdue_months: tuple[Month, ...]
    set_aside: tuple[Month, ...] = ()  #: overdue, outside the months a reactivation demands (jkn.rules.late_payment)


@dataclass(frozen=True, slots=True)
class Charge:
    basis: Rupiah               #: contributions paid late
    months_counted: int
    amount: Rupiah


@dataclass(frozen=True, slots=True)
class Reactivation:
    active: bool
    was_suspended: bool
    required: Rupiah
    paid: Rupiah
    shortfall: Rupiah
    assessment: PenaltyAssessment


@dataclass(frozen=True, slots=True)
class DayEnd:
    """A payer's ledger at the end of a day with payments: contributions still unpaid (month ->
    amount) and penalty charged and not yet paid."""

    day: date
    unpaid: Mapping[Month, int]
    penalty_owed: int


@dataclass(frozen=True, slots=True)
class Suspension:
    start: date
    end: date | None            #: the day cover resumes; None: still suspended


def lateness(month: "Month | str", on: "date | str") -> Lateness:
    """How late the contribution of ``month`` is on ``on``: the time since its due date (Iuran 7,
    A-10) in whole months and days; (0, 0) up to the due date (A-11)."""
    m = month if isinstance(month, Month) else Month.parse(str(month))
    d, due = as_date(on), due_date(m).value
    if d <= due:
        return Lateness(due, 0, 0)
    months = (d.year - due.year) * 12 + d.month - due.month
    if add_months(due, months) > d:
        months -= 1
    return Lateness(due, months, (d - add_months(due, months)).days)


def _parse_unpaid(unpaid, what: str = "unpaid") -> dict[Month, int]:
    items = unpaid.items() if isinstance(unpaid, Mapping) else unpaid
    out: dict[Month, int] = {}
    for m, amount in items:
        month = m if isinstance(m, Month) else Month.parse(str(m))
        if month in out:
            raise RuleError(Msg("penalty.error.month_twice", month=month))
        if month.first_day < JKN_START:
            raise RuleError(Msg("rules.error.before_jkn", value=month, start=JKN_START))
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise RuleError(Msg("penalty.error.amount", month=month, got=str(amount)))
        out[month] = amount
    return out


def _whole(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RuleError(Msg("rules.error.whole_rupiah", name=name, got=str(value)))
    return value


def _over_limit(seg: Segment, late: Lateness | None, d: date) -> tuple[bool, int, str]:
    """Is ``late`` more than the months after which cover stops (Penghentian 1-2)?"""
    stop = param_entry("suspension_after_months", d)
    limit = stop.value[seg.group.value]
    return late is not None and late.months_begun > limit, limit, stop.source


@lru_cache(maxsize=4096)
def _suspension_start(seg: Segment, month: Month) -> date | None:
    if seg.group is SegmentGroup.PBI:
        return None
    due = due_date(month).value
    for k in count():  # months begun change only the day after the due date and its monthly dates
        day = add_months(due, k) + ONE_DAY
        if _over_limit(seg, lateness(month, day), day)[0]:
            return day


def suspension_start(segment: "Segment | str", month: "Month | str") -> date | None:
    """First day cover is suspended if the contribution of ``month`` stays unpaid: the first day it
    is more than 3 (PPU) or 6 (PBPU, BP) months late (Penghentian 1-2, counted by ``lateness``);
    None for PBI (A-23)."""
    return _suspension_start(Segment.parse(segment), month if isinstance(month, Month) else Month.parse(str(month)))


def _payer(seg: Segment) -> str:
    if seg.group is SegmentGroup.PPU:
        return "employer"
    return "government" if seg in VETERAN_SEGMENTS or seg is Segment.PBI else "participant"


def penalty_charge(segment: "Segment | str", on: "date | str", paid_late: "Mapping[Month, int]",
                   delay: Lateness | None, delays: "Mapping[date, int] | None" = None) -> Decision[Charge]:
    """The penalty on the overdue contributions ``paid_late`` (month -> amount) paid on ``on``: 2% a
    month, for at most 3 / 6 months (Denda 1-2), rounded once (A-01). Under A-02 every one is
    counted for ``delay``, how late the payer's oldest overdue contribution is, or for more months
    if a penalty charged while it was already overdue counted more (``delays``: day -> months counted;
    A-M12). ``assess_penalty`` and the ledger both charge through this function."""
    seg, d, steps = Segment.parse(segment), as_date(on), Steps()
    basis = Rupiah(sum(paid_late.values()))
    if seg.group is SegmentGroup.PBI:
        steps.add(Msg("penalty.pbi"), assumption("A-23"), decisive=True)
        return Decision(Charge(basis, 0, Rupiah(0)), steps)
    rate, cap, method = param_entry("penalty_rate_pct", d), param_entry("penalty_max_months", d), \
        param_entry("penalty_method", d)
    limit = cap.value[seg.group.value]
    counted = min(delay.months_begun if delay else 0, limit)
    steps.add(Msg("penalty.months_counted", rate=rate.value, limit=limit, counted=counted), cap.source, decisive=True)
    if method.value == "total_arrears_x_months":
        months = {m: max([counted] + [n for day, n in (delays or {}).items() if due_date(m).value < day <= d])
                  for m in paid_late}
        raised = sorted(m for m in paid_late if months[m] > counted)
        if raised:
            steps.add(Msg("penalty.months_kept", months=raised, counted=max(months.values())), assumption("A-M12"))
    elif method.value == "running":
        months = {m: min(lateness(m, d).months_begun, limit) for m in paid_late}
    else:  # pragma: no cover - guarded by the parameter file
        raise ValueError(f"unknown penalty_method {method.value!r}")
    by_months: dict[int, int] = {}
    for m, a in paid_late.items():
        by_months[months[m]] = by_months.get(months[m], 0) + a
    exact = sum((pct(a, rate.value) * n for n, a in by_months.items()), Decimal(0))
    terms = [Msg("penalty.term", rate=rate.value, amount=Rp(a), months=n) for n, a in sorted(by_months.items(), reverse=True)]
    steps.add(Msg("penalty.arithmetic", terms=_sum(terms), exact=exact), method.source, decisive=True)
    amount, rstep = to_rupiah(exact, d)
    steps.append(rstep)
    return Decision(Charge(basis, counted, amount), steps)


def assess_penalty(segment: "Segment | str", as_of: "date | Month | str", unpaid: Unpaid, *,
                   paid_today: "Unpaid | None" = None, delays: "Mapping[date, int] | None" = None,
                   penalty_owed: int = 0, suspended_since: date | None = None) -> Decision[PenaltyAssessment]:
    """Arrears, lateness, penalty and suspension on ``as_of`` for the ``unpaid`` contributions (month
    -> amount; months whose due date has not passed are listed and left out).

    ``penalty`` is what is paid with the arrears on ``as_of``: the penalty on them and
    ``penalty_owed`` (charged earlier, not yet paid); ``amount_due`` = arrears + penalty. The ledger
    adds what it knows of earlier payments: ``paid_today``, the overdue contributions already paid
    that day, whose penalty was charged with them (the day's penalty is rounded once over all of
    them), and ``delays``, the months counted by the penalties charged so far (day -> months), which
    the arrears still unpaid keep (A-M12). ``suspended_since``: a suspension under way lasts until
    the amount due is paid (A-12)."""
    seg, d, steps = Segment.parse(segment), as_date(as_of), Steps()
    months = _parse_unpaid(unpaid)
    today = _parse_unpaid(paid_today or {}, "paid today")
    owed = Rupiah(_whole("penalty_owed", penalty_owed))
    overdue = sorted(m for m in months if d > due_date(m).value)
    for m in sorted(set(months) - set(overdue)):
        steps.add(Msg("penalty.not_overdue", month=m, day=d, due=due_date(m).value), cite("Iuran", "7"))
    if any(d <= due_date(m).value for m in today):
        raise RuleError(Msg("penalty.error.paid_today_not_overdue", day=d))
    arrears = Rupiah(sum(months[m] for m in overdue))
    n = len(overdue)
    steps.add(Msg("penalty.overdue", n=n, day=d, months=list(overdue), arrears=Rp(arrears)) if n else
              Msg("penalty.none_overdue", day=d), cite("Iuran", "7"), decisive=True)
    late = lateness(overdue[0], d) if overdue else None
    if late:
        steps.add(Msg("penalty.oldest", month=overdue[0], due=late.due, late=late.said(), day=d,
                      begun=late.months_begun), assumption("A-11"))
    if seg.group is SegmentGroup.PBI:
        steps.add(Msg("penalty.pbi"), assumption("A-23"), decisive=True)
        value = PenaltyAssessment(n, late, 0, arrears, owed, owed, Rupiah(arrears + owed), False, _payer(seg),
                                  tuple(overdue))
        return Decision(value, steps, _answer(value, d))
    penalty, counted = Rupiah(0), 0
    if late:
        if today:
            steps.add(Msg("penalty.paid_earlier_today", amount=Rp(sum(today.values())), day=d), assumption("A-M12"))
        whole = penalty_charge(seg, d, {m: months.get(m, 0) + today.get(m, 0) for m in set(overdue) | set(today)},
                               late, delays)
        steps += whole.steps
        counted = whole.value.months_counted
        already = penalty_charge(seg, d, today, late, delays).value.amount if today else 0
        penalty = Rupiah(whole.value.amount - already)
        if already:
            steps.add(Msg("penalty.charged_earlier_today", amount=Rp(already)), assumption("A-M12"))
        steps.add(Msg("penalty.paid_with_arrears", penalty=Rp(penalty), payer=Msg(f"payer.{_payer(seg)}")),
                  cite(DENDA, "1" if seg.group is SegmentGroup.PPU else "2"), decisive=True)
    if owed:
        steps.add(Msg("penalty.owed", amount=Rp(owed)), assumption("A-M11"), decisive=True)
    penalty = Rupiah(penalty + owed)
    due = Rupiah(arrears + penalty)
    if seg in VETERAN_SEGMENTS:
        steps.add(Msg("penalty.veterans"), assumption("A-27"))
    over, limit, source = _over_limit(seg, late, d)
    if over:
        steps.add(Msg("penalty.over_limit", late=late.said(), limit=limit), source, decisive=True)
    else:
        steps.add(Msg("penalty.within_limit", late=late.said() if late else Msg("penalty.not_late"), limit=limit),
                  source)
    suspended = (over or (suspended_since is not None and suspended_since <= d)) and due > 0
    if suspended_since is not None and suspended_since <= d:
        steps.add(Msg("penalty.suspended_since", since=suspended_since, due=Rp(due)) if due else
                  Msg("penalty.suspended_paid", since=suspended_since), assumption("A-12"), decisive=True)
    value = PenaltyAssessment(n, late, counted, arrears, penalty, owed, due, suspended, _payer(seg), tuple(overdue))
    return Decision(value, steps, _answer(value, d))


def _sum(terms: list[Msg]) -> Msg:
    """``a + b + c``, each term read in the reader's language."""
    out = terms[0]
    for t in terms[1:]:
        out = Msg("rules.plus", left=out, right=t)
    return out


def _answer(v: PenaltyAssessment, d: date) -> Msg:
    """The assessment in one sentence: what is due on ``d``, and whether cover is suspended."""
    if not v.amount_due:
        return Msg("penalty.answer.nothing", day=d)
    figures = dict(day=d, arrears=Rp(v.arrears_total), n=v.months_in_arrears, penalty=Rp(v.penalty),
                   due=Rp(v.amount_due))
    return Msg("penalty.answer.suspended", **figures) if v.suspended else Msg("penalty.answer.due", **figures)


def reactivation(segment: "Segment | str", as_of: "date | Month | str", unpaid: Unpaid, paid: int, *,
                 paid_today: "Unpaid | None" = None, delays: "Mapping[date, int] | None" = None,
                 penalty_owed: int = 0, suspended_since: date | None = None) -> Decision[Reactivation]:
    """Whether a payment of ``paid`` on ``as_of`` restores suspended cover: it must cover all
    overdue arrears and the penalty, which are paid together (Denda 1-2; assumption A-12)."""
    _whole("paid", paid)
    a = assess_penalty(segment, as_of, unpaid, paid_today=paid_today, delays=delays, penalty_owed=penalty_owed,
                       suspended_since=suspended_since)
    steps = Steps(a.steps)
    v = a.value
    shortfall = Rupiah(max(0, v.amount_due - paid))
    active = (not v.suspended) or shortfall == 0
    if v.suspended:
        said = Msg("penalty.reactivated", paid=Rp(paid), due=Rp(v.amount_due)) if active else \
            Msg("penalty.still_suspended", paid=Rp(paid), due=Rp(v.amount_due), short=Rp(shortfall))
        steps.add(said, assumption("A-12"), decisive=True)
    else:
        said = Msg("penalty.not_suspended")
        steps.add(said, cite(STOP), decisive=True)
    return Decision(Reactivation(active, v.suspended, v.amount_due, Rupiah(paid), shortfall, v), steps, said)


def _first_day_suspended(seg: Segment, unpaid: Mapping[Month, int]) -> date | None:
    months = [m for m, a in unpaid.items() if a > 0]
    return _suspension_start(seg, min(months)) if months else None


def suspensions(segment: "Segment | str", billed: "Mapping[Month, int]",
                days: Sequence[DayEnd]) -> Decision[list[Suspension]]:
    """The periods of suspension of a payer from its ledger: ``billed`` (month -> contribution) and
    its position at the end of each day it paid (``days``, in date order). A period starts the first
    day the oldest unpaid contribution is more than 3 / 6 months late (Penghentian 1-2) and ends on
    the day a payment leaves no overdue contribution and no penalty unpaid (A-12). The last period
    may have no end; its start may lie after the last payment: the first day of suspension if
    nothing more is paid."""
    seg, steps = Segment.parse(segment), Steps()
    periods: list[Suspension] = []
    since: date | None = None
    unpaid, owed = dict(billed), 0
    for day in days:
        if since is None and (first := _first_day_suspended(seg, unpaid)) is not None and first <= day.day:
            since = first
        unpaid, owed = day.unpaid, day.penalty_owed
        overdue = any(a > 0 and due_date(m).value < day.day for m, a in unpaid.items())
        if since is not None and not overdue and not owed:
            if since < day.day:
                periods.append(Suspension(since, day.day))
                steps.add(Msg("penalty.period_ended", since=since, day=day.day), assumption("A-12"))
            since = None
    if since is None:
        since = _first_day_suspended(seg, unpaid)
    if since is not None:
        periods.append(Suspension(since, None))
        steps.add(Msg("penalty.period_open", since=since), cite(STOP), decisive=True)
    return Decision(periods, steps)
