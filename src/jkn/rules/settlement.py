"""How a payment settles what a payer owes: the order, and when the penalty is charged.

Panduan Peserta, Denda 1-2: the penalty is "dibayarkan bersamaan dengan total iuran yang
tertunggak"; Penghentian 1-2 (suspension). A payment goes, in this order (assumption A-M11), to

1. the contributions already overdue on its date, oldest first;
2. the penalty: the day's penalty is charged on the overdue contributions paid that day — this
   payment's and those of the earlier payments of the same day, counted together and rounded once,
   each for the months the payer's delay counts (and never fewer than a penalty charged while it
   was already overdue counted), so that how a total is split or ordered within a day changes
   nothing and paying in parts never costs less (A-M12) — then every penalty charged and not yet
   paid, oldest first; then the service penalties (denda pelayanan) charged and not yet paid, in
   the order of the stays (A-R13);
3. the contributions not yet due, oldest first;
4. under the service-penalty regime, the arrears outside the months a reactivation demands
   (jkn.rules.late_payment, A-R11), oldest first;
5. what is left is credit for the next bills.

The regime of the payment's date decides (jkn.rules.late_payment): from 2016-07-01 no penalty is
charged on the arrears.

Suspended cover resumes only when 1 and the penalty on the arrears are paid in full (A-12); a
service penalty, owed only after cover has resumed, never holds cover back (A-R13).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

from jkn.domain.money import Rupiah
from jkn.domain.month import Month
from jkn.rules.decision import Decision, RuleError, Steps, assumption
from jkn.i18n import Msg, Rp
from jkn.rules.parameters import as_date
from jkn.rules.late_payment import charges_arrears_penalty, reactivation
from jkn.rules.penalty import Reactivation, lateness, penalty_charge


@dataclass(frozen=True)
class Position:
    """What a payer owes just before a payment."""

    bills: Mapping[Month, int]                                      #: open contribution per month
    penalties: Mapping[date, int] = field(default_factory=dict)     #: unpaid penalty per day charged
    paid_today: Mapping[Month, int] = field(default_factory=dict)   #: overdue, paid earlier that day
    charged_today: int = 0                                          #: penalty charged earlier that day
    delays: Mapping[date, int] = field(default_factory=dict)        #: months counted per day charged
    suspended_since: date | None = None
    service_penalties: Mapping[int, int] = field(default_factory=dict)  #: unpaid per service penalty, oldest stay first


@dataclass(frozen=True)
class Settlement:
    contributions: dict[Month, int]     #: paid per month, in the order paid
    paid_late_today: dict[Month, int]   #: overdue contributions paid on the day, this payment included
    charged_today: int                  #: the day's penalty after this payment
    months_counted: int
    penalties: dict[date, int]          #: penalty paid per day it was charged
    credit: int
    reactivation: Reactivation
    service_penalties: dict[int, int] = field(default_factory=dict)  #: paid per service penalty


def settle(segment: str, paid_on: "date | str", amount: int, position: Position) -> Decision[Settlement]:
    """Allocate a payment of ``amount`` made on ``paid_on`` to what ``position`` says is owed."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise RuleError(Msg("settlement.error.amount", got=repr(amount)))
    d = as_date(paid_on)
    bills = {m: a for m, a in sorted(position.bills.items()) if a > 0}
    r = reactivation(segment, d, bills, amount, paid_today=position.paid_today, delays=position.delays,
                     penalty_owed=sum(position.penalties.values()), suspended_since=position.suspended_since)
    a = r.value.assessment
    steps = Steps(r.steps[:-1])
    remaining, paid = amount, {}

    def pay(months) -> None:
        nonlocal remaining
        for m in months:
            take = min(bills[m], remaining)
            if take:
                paid[m], remaining = take, remaining - take

    pay(a.overdue_months)
    late_today = dict(position.paid_today)
    for m in (m for m in a.overdue_months if m in paid):
        late_today[m] = late_today.get(m, 0) + paid[m]
    charged, counted = position.charged_today, a.months_counted
    if charges_arrears_penalty(d) and any(m in paid for m in a.overdue_months):
        # the day's payments counted together: from the oldest contribution paid late that day, so a
        # total split into parts within a day is charged as the whole (Denda 1-2, A-M12)
        c = penalty_charge(segment, d, late_today, lateness(min(late_today), d), position.delays).value
        charged, counted = max(charged, c.amount), c.months_counted
        steps.add(Msg("settlement.day_penalty", day=d, basis=Rp(c.basis), penalty=Rp(charged)), assumption("A-M12"))
    owed = dict(sorted(position.penalties.items()))
    if charged > position.charged_today:
        owed[d] = owed.get(d, 0) + charged - position.charged_today
    penalties = {}
    for day, unpaid in owed.items():
        take = min(unpaid, remaining)
        if take:
            penalties[day], remaining = take, remaining - take
    service = {}
    for key, unpaid in position.service_penalties.items():
        take = min(unpaid, remaining)
        if take > 0:
            service[key], remaining = take, remaining - take
    if service:
        steps.add(Msg("settlement.service_penalty", amount=Rp(sum(service.values())), stays=len(service)),
                  assumption("A-R13"))
    pay([m for m in bills if m not in a.overdue_months and m not in a.set_aside])
    pay(a.set_aside)
    steps.append(r.steps[-1])
    if remaining:
        steps.add(Msg("settlement.credit", amount=Rp(remaining)), assumption("A-M11"))
    return Decision(Settlement(paid, late_today, charged, counted, penalties, Rupiah(remaining), r.value, service),
                    steps)
