"""Late-payment regimes as strategies selected by the date of the event (parameter
``late_payment_regime``, params/late_payment.toml; docs/rules.md "Late payment").

* ``arrears_penalty`` (2014-01-01, the guide): 2% a month on the arrears, suspension after more than
  3 / 6 months (jkn.rules.penalty, unchanged).
* ``service_penalty`` (2016-07-01, Perpres 19/2016; Perpres 82/2018 Pasal 42 and 64/2020 from the
  dates in the data): no penalty on arrears; cover suspended by ``suspension_trigger``; reactivated
  by paying the arrears of at most ``reactivation_max_arrears_months`` months plus the current month;
  inpatient care within ``service_penalty_window_days`` of reactivation costs a service penalty
  (:func:`service_penalty`).

Every caller (ledger, coverage check, calculators, statements, payments, the batch billing path)
goes through :func:`assess`, :func:`suspension_start`, :func:`suspensions` and :func:`reactivation`,
which read the regime in force on the day they judge. A new regime with the same shape is data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Mapping, Sequence

from jkn.domain.money import Rupiah
from jkn.domain.month import Month, add_months
from jkn.domain.segment import Segment, SegmentGroup
from jkn.i18n.message import Msg, Rp
from jkn.rules import penalty
from jkn.rules.contribution import due_date
from jkn.rules.decision import Decision, RuleError, Steps, assumption
from jkn.rules.money import pct, to_rupiah
from jkn.rules.parameters import JKN_START, as_date, param_entry, sourced
from jkn.rules.penalty import DayEnd, PenaltyAssessment, Reactivation, lateness

ARREARS_PENALTY, SERVICE_PENALTY = "arrears_penalty", "service_penalty"
#: how far ahead of its due date an unpaid month is looked at for a suspension (the longest reactivation
#: window, 24 months, and the deferral of 2020's arrears to the end of 2021 fit in it)
_HORIZON_MONTHS = 40


def regime(on: "date | str") -> str:
    """The late-payment regime in force on ``on``."""
    return param_entry("late_payment_regime", as_date(on)).value


def _month(m: "Month | str") -> Month:
    return m if isinstance(m, Month) else Month.parse(str(m))


def _window(on: date) -> int | None:
    """Months of arrears demanded to reactivate on ``on`` (None: all, the 2014 regime)."""
    if regime(on) == ARREARS_PENALTY:
        return None
    return param_entry("reactivation_max_arrears_months", on).value


def demanded(month: "Month | str", on: "date | str") -> bool:
    """Is the contribution of ``month`` among the arrears a payer must pay on ``on``? Under the service
    regime, only the months of the last N before the month of ``on`` (and that month) are (A-R11)."""
    d, m = as_date(on), _month(month)
    n = _window(d)
    return n is None or m >= Month.of(d) - n


def _deferred(month: Month, on: date) -> bool:
    """Arrears the 2020 relief left out: owed, but not suspending until the deferral ends (A-R11)."""
    e = param_entry("deferred_arrears", on).value
    return isinstance(e, dict) and month < Month.parse(e["before"]) and on <= e["until"]


def triggered(segment: "Segment | str", month: "Month | str", on: "date | str") -> bool:
    """Does the contribution of ``month``, unpaid on ``on``, suspend cover that day (regime of ``on``)?"""
    seg, m, d = Segment.parse(segment), _month(month), as_date(on)
    if seg.group is SegmentGroup.PBI or d <= due_date(m).value or not demanded(m, d) or _deferred(m, d):
        return False
    if regime(d) == ARREARS_PENALTY:
        limit = param_entry("suspension_after_months", d).value[seg.group.value]
        return lateness(m, d).months_begun > limit
    trigger = param_entry("suspension_trigger", d).value
    if trigger["kind"] == "month_end":
        return d >= (m + 1).first_day
    return lateness(m, d).months_begun > trigger["months"]


def _candidates(month: Month, after: date) -> list[date]:
    """The days on which whether ``month`` suspends can change: the day after its due date and after
    each monthly date of it (lateness), and the first day of each month (month-end trigger, the
    reactivation window and every parameter change, which all fall on a first day)."""
    due = due_date(month).value
    days = {add_months(due, k) + timedelta(days=1) for k in range(_HORIZON_MONTHS)}
    days |= {(Month.of(due) + k).first_day for k in range(1, _HORIZON_MONTHS)}
    return sorted(d for d in days if d >= after) or []


@lru_cache(maxsize=65536)
def _start(seg: Segment, month: Month, after: date) -> date | None:
    if seg.group is SegmentGroup.PBI:
        return None
    start = max(after, due_date(month).value + timedelta(days=1))
    if triggered(seg, month, start):
        return start
    return next((d for d in _candidates(month, start) if triggered(seg, month, d)), None)


def suspension_start(segment: "Segment | str", month: "Month | str", after: "date | None" = None) -> date | None:
    """First day, on or after ``after``, that cover is suspended if the contribution of ``month`` stays
    unpaid, under the regime of each day; None if it never is (PBI; a month left out of every window)."""
    return _start(Segment.parse(segment), _month(month), after or JKN_START)


def _first_suspended(seg: Segment, unpaid: Mapping[Month, int], after: date) -> date | None:
    days = [d for m, a in unpaid.items() if a > 0 and (d := _start(seg, m, after)) is not None]
    return min(days) if days else None


def _owing(unpaid: Mapping[Month, int], on: date) -> list[Month]:
    """The months a payer must pay on ``on`` to end a suspension: the overdue ones demanded (all of them
    under the 2014 regime) and, under the service regime, the current month (A-R11)."""
    service = regime(on) == SERVICE_PENALTY
    return sorted(m for m, a in unpaid.items() if a > 0 and demanded(m, on) and (
        due_date(m).value < on or (service and m == Month.of(on))))


@dataclass(frozen=True, slots=True)
class Period:
    """A suspension: from ``start`` to the day cover resumes (``end``; None: still suspended), and the
    months in arrears paid to resume (the service penalty counts them)."""

    start: date
    end: date | None
    months_in_arrears: int = 0


def suspensions(segment: "Segment | str", billed: "Mapping[Month, int]",
                days: Sequence[DayEnd]) -> Decision[list[Period]]:
    """The periods of suspension of a payer from its ledger (``billed``: month -> contribution; ``days``:
    its position at the end of each day it paid), each day judged by the regime in force on it. A period
    ends on the day a payment leaves nothing owing (:func:`_owing`) and no penalty unpaid (A-12)."""
    seg, steps = Segment.parse(segment), Steps()
    periods: list[Period] = []
    since: date | None = None
    unpaid, owed, after = dict(billed), 0, JKN_START
    for day in days:
        if since is None and (first := _first_suspended(seg, unpaid, after)) is not None and first <= day.day:
            since = first
        arrears = [m for m in _owing(unpaid, day.day) if due_date(m).value < day.day]
        unpaid, owed = day.unpaid, day.penalty_owed
        if since is not None and not _owing(unpaid, day.day) and not owed:
            if since < day.day:
                periods.append(Period(since, day.day, len(arrears)))
                steps.add(Msg("explain.late.resumed", since=since, day=day.day, months=len(arrears)),
                          param_entry("late_payment_regime", day.day).source)
            since, after = None, day.day
    if since is None:
        since = _first_suspended(seg, unpaid, after)
    if since is not None:
        periods.append(Period(since, None))
        steps.add(Msg("explain.late.suspended_until_paid", since=since),
                  param_entry("late_payment_regime", since).source)
    return Decision(periods, steps)


def assess(segment: "Segment | str", as_of: "date | Month | str", unpaid, *, paid_today=None,
           delays: "Mapping[date, int] | None" = None, penalty_owed: int = 0,
           suspended_since: date | None = None) -> Decision[PenaltyAssessment]:
    """Arrears, penalty and suspension on ``as_of`` under the regime in force that day: the 2014
    regime is jkn.rules.penalty.assess_penalty; the service regime charges no penalty on the arrears,
    demands the months of its window and, while suspended, the current month too."""
    d = as_date(as_of)
    if regime(d) == ARREARS_PENALTY:
        return penalty.assess_penalty(segment, d, unpaid, paid_today=paid_today, delays=delays,
                                      penalty_owed=penalty_owed, suspended_since=suspended_since)
    seg, steps = Segment.parse(segment), Steps()
    months = penalty._parse_unpaid(unpaid)
    owed = Rupiah(penalty._whole("penalty_owed", penalty_owed))
    rule = param_entry("late_payment_regime", d)
    steps.add(Msg("explain.late.no_arrears_penalty", since=rule.since), rule.source)
    overdue_all = sorted(m for m in months if d > due_date(m).value)
    overdue = [m for m in overdue_all if demanded(m, d)]
    set_aside = tuple(m for m in overdue_all if m not in overdue)
    arrears = Rupiah(sum(months[m] for m in overdue))
    steps.add(Msg("explain.late.arrears", day=d, months=len(overdue), listed=overdue, amount=Rp(arrears)),
              param_entry("contribution_due_day", d).source)
    if set_aside:
        w = param_entry("reactivation_max_arrears_months", d)
        steps.add(Msg("explain.late.outside_window", n=w.value, listed=list(set_aside),
                      amount=Rp(sum(months[m] for m in set_aside))), w.source)
    late = lateness(overdue[0], d) if overdue else None
    payer = penalty._payer(seg)
    if seg.group is SegmentGroup.PBI:
        steps.add(Msg("late.pbi_exempt"), assumption("A-23"), decisive=True)
        return Decision(PenaltyAssessment(len(overdue), late, 0, arrears, owed, owed, Rupiah(arrears + owed), False,
                                          payer, tuple(overdue)), steps)
    if owed:
        steps.add(Msg("explain.late.penalty_owed", amount=Rp(owed)), assumption("A-M11"))
    hit = next((m for m in overdue if triggered(seg, m, d)), None)
    trigger = param_entry("suspension_trigger", d)
    if hit is not None:
        steps.add(Msg("explain.late.trigger_hit", month=hit, day=d), trigger.source)
    elif overdue:
        steps.add(Msg("explain.late.trigger_not_yet", month=overdue[0], day=d), trigger.source)
    current = Month.of(d)
    suspended_before = suspended_since is not None and suspended_since <= d
    due = Rupiah(arrears + owed)
    if (hit is not None or suspended_before) and current in months and current not in overdue:
        due = Rupiah(due + months[current])
        steps.add(Msg("explain.late.current_month", month=current, amount=Rp(months[current])),
                  param_entry("reactivation_max_arrears_months", d).source)
    # a suspension under way ends with a payment only: with nothing demanded left, the month of
    # reactivation is still to be paid (A-R11)
    suspended = hit is not None or (suspended_before and (due > 0 or current not in months))
    if suspended_before:
        steps.add(Msg("explain.late.suspended_since", since=suspended_since, due=Rp(due)) if due else
                  Msg("explain.late.paid_resumes"), assumption("A-12"))
    return Decision(PenaltyAssessment(len(overdue), late, 0, arrears, owed, owed, due, suspended, payer,
                                      tuple(overdue), set_aside), steps)


def reactivation(segment: "Segment | str", as_of: "date | Month | str", unpaid, paid: int, *, paid_today=None,
                 delays: "Mapping[date, int] | None" = None, penalty_owed: int = 0,
                 suspended_since: date | None = None) -> Decision[Reactivation]:
    """Whether a payment of ``paid`` on ``as_of`` restores suspended cover, under the regime of that day."""
    d = as_date(as_of)
    if regime(d) == ARREARS_PENALTY:
        return penalty.reactivation(segment, d, unpaid, paid, paid_today=paid_today, delays=delays,
                                    penalty_owed=penalty_owed, suspended_since=suspended_since)
    penalty._whole("paid", paid)
    a = assess(segment, d, unpaid, penalty_owed=penalty_owed, suspended_since=suspended_since)
    steps, v = Steps(a.steps), a.value
    shortfall = Rupiah(max(0, v.amount_due - paid))
    active = (not v.suspended) or shortfall == 0
    if v.suspended:
        steps.add(Msg("explain.late.reactivation", paid=Rp(paid), due=Rp(v.amount_due), short=Rp(shortfall))
                  if shortfall else Msg("explain.late.reactivated", paid=Rp(paid), due=Rp(v.amount_due)),
                  param_entry("reactivation_max_arrears_months", d).source)
    else:
        steps.add(Msg("explain.late.not_suspended"), param_entry("suspension_trigger", d).source)
    return Decision(Reactivation(active, v.suspended, v.amount_due, Rupiah(paid), shortfall, v), steps)


def charges_arrears_penalty(on: "date | str") -> bool:
    """Is a penalty charged on overdue contributions paid on ``on`` (the 2014 regime only)?"""
    return regime(on) == ARREARS_PENALTY


# ------------------------------------------------------------------ the service penalty

@dataclass(frozen=True, slots=True)
class ServicePenalty:
    amount: Rupiah
    months_counted: int
    rate_pct: str | None
    basis: Rupiah
    basis_kind: str | None
    exempt: str | None          #: why no penalty is charged, or None
    payer: str


def service_penalty(segment: "Segment | str", admitted_on: "date | str", basis: int, *,
                    reactivated_on: date | None, months_in_arrears: int, unable_to_pay: bool = False,
                    charged_in_window: int = 0) -> Decision[ServicePenalty]:
    """The service penalty (denda pelayanan) on an inpatient stay admitted on ``admitted_on`` whose cost
    (from Perpres 82/2018: the INA-CBG estimate) is ``basis``: rate x basis x months in arrears at the
    reactivation of ``reactivated_on`` (at most 12), at most Rp 30.000.000, if the stay begins within
    the window after it; none for the exempt, and from 2024-05-08 none if one was already charged in the
    window (``charged_in_window``: how many). Billed to the payer whose arrears were paid (A-R12)."""
    seg, d, steps = Segment.parse(segment), as_date(admitted_on), Steps()
    if isinstance(basis, bool) or not isinstance(basis, int) or basis <= 0:
        raise RuleError(Msg("late.error.basis", got=repr(basis)))
    if isinstance(months_in_arrears, bool) or not isinstance(months_in_arrears, int) or months_in_arrears < 0:
        raise RuleError(Msg("late.error.months", got=repr(months_in_arrears)))
    payer, rule = penalty._payer(seg), param_entry("late_payment_regime", d)

    def none(why: str, msg: Msg, source: str) -> Decision[ServicePenalty]:
        steps.add(msg, source)
        return Decision(ServicePenalty(Rupiah(0), 0, None, Rupiah(basis), None, why, payer), steps)

    if rule.value != SERVICE_PENALTY:
        return none("regime", Msg("explain.service_penalty.no_regime", day=d), rule.source)
    window = param_entry("service_penalty_window_days", d)
    if reactivated_on is None or not reactivated_on <= d <= reactivated_on + timedelta(days=window.value):
        return none("outside_window", Msg("explain.service_penalty.outside_window", day=d, days=window.value,
                                          reactivated=reactivated_on or "-"), window.source)
    steps.add(Msg("explain.service_penalty.in_window", day=d, days=window.value, reactivated=reactivated_on),
              window.source)
    exempt = param_entry("service_penalty_exempt", d)
    if seg.value in exempt.value["segments"]:
        return none("segment", Msg("explain.service_penalty.exempt_segment", segment=seg.value), exempt.source)
    if unable_to_pay and exempt.value["unable_to_pay"]:
        return none("unable_to_pay", Msg("explain.service_penalty.exempt_unable"), exempt.source)
    once = param_entry("service_penalty_per_window", d)
    if once.value == "once" and charged_in_window:
        return none("once_per_window", Msg("explain.service_penalty.once", reactivated=reactivated_on), once.source)
    rate, kind = sourced(param_entry("service_penalty_rate_pct", d), d), param_entry("service_penalty_basis", d)
    cap_m, cap = param_entry("service_penalty_max_months", d), param_entry("service_penalty_max_amount", d)
    counted = min(months_in_arrears, cap_m.value)
    steps.add(Msg("explain.service_penalty.months", months=months_in_arrears, counted=counted, cap=cap_m.value),
              cap_m.source)
    exact = pct(basis, rate.value) * counted
    steps.add(Msg("explain.service_penalty.formula", rate=rate.value, basis=Rp(basis),
                  kind=Msg(f"explain.service_penalty.basis.{kind.value}"), months=counted), rate.source)
    amount, rstep = to_rupiah(exact, d)
    steps.append(rstep)
    if amount > cap.value:
        amount = Rupiah(cap.value)
        steps.add(Msg("explain.service_penalty.capped", cap=Rp(cap.value)), cap.source)
    steps.add(Msg("explain.service_penalty.payer", payer=Msg(f"explain.payer.{payer}"), amount=Rp(amount)),
              kind.source if seg.group is not SegmentGroup.PPU else "Perpres 82/2018 (baroindo.id; NEWS): PPU: "
              "arrears and penalty paid by the employer (REGS §3)")
    return Decision(ServicePenalty(amount, counted, str(rate.value), Rupiah(basis), kind.value, None, payer), steps)
