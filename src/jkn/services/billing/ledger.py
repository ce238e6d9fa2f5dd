"""A payer's ledger: where the payer stands on a date, and the columns of ``payer`` kept from it.

The ledger is the bills, the payments and what they paid: contributions and penalty charges
(jkn.rules.settlement). ``standing`` reads it as it stood on a date (bills of months up to it,
payments made on or before it) and replays it through the rules engine for suspension
(jkn.rules.late_payment.suspensions, each day under the late-payment regime in force on it): the
statement, the coverage check and the payments all judge it with ``jkn.rules.late_payment.assess``. Billing and payments keep ``oldest_unpaid_month``,
``arrears_amount``, ``penalty_owed`` and ``suspended_since`` on ``payer`` so that an eligibility
check today is one indexed lookup: ``refresh_payer`` (one payer, after a payment),
``add_run_to_payers`` (after a billing run, set-based) and ``refresh_payers`` (the whole ledger,
after a bulk load) give the same columns. Assumption A-M05.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.domain.segment import Segment
from jkn.rules.decision import Decision
from jkn.rules.late_payment import Period, assess, suspension_start, suspensions
from jkn.rules.penalty import DayEnd, PenaltyAssessment
from jkn.services.membership.common import month_date
from jkn.store.billing_tables import AllocationRow, BillRow, PayerRow, PaymentRow, PenaltyChargeRow


@dataclass(frozen=True)
class Standing:
    """A payer's position on a day, as the rules engine takes it."""

    unpaid: dict[Month, int]                #: contributions billed and not paid
    paid_today: dict[Month, int]            #: overdue contributions paid on the day itself
    delays: dict[dt.date, int]              #: months counted by each penalty charged (by day)
    penalty_owed: int                       #: penalty charged and not yet paid
    suspended_since: dt.date | None         #: suspension in force that day, or the next if nothing is paid

    def assess(self, segment: str, on: dt.date) -> Decision[PenaltyAssessment]:
        return assess(segment, on, self.unpaid, paid_today=self.paid_today, delays=self.delays,
                              penalty_owed=self.penalty_owed, suspended_since=self.suspended_since)


def _date(v: Any) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(v)


def open_bills(session: Session, payer_id: int) -> dict[Month, int]:
    rows = session.execute(select(BillRow.month, BillRow.amount - BillRow.paid_amount)
                           .where(BillRow.payer_id == payer_id, BillRow.status == "OPEN")
                           .order_by(BillRow.month)).all()
    return {Month.of(m): int(a) for m, a in rows if a > 0}


def paid_late_on(session: Session, payer_id: int, day: dt.date) -> dict[Month, int]:
    """Contributions already overdue that the payer paid on ``day`` (the day's penalty counts them)."""
    rows = session.execute(
        select(BillRow.month, func.sum(AllocationRow.contribution_amount))
        .join(AllocationRow, AllocationRow.bill_id == BillRow.id)
        .join(PaymentRow, PaymentRow.id == AllocationRow.payment_id)
        .where(PaymentRow.payer_id == payer_id, PaymentRow.paid_on == day, BillRow.due_date < day,
               AllocationRow.contribution_amount > 0)
        .group_by(BillRow.month)).all()
    return {Month.of(m): int(a) for m, a in rows}


def delays(session: Session, payer_id: int, until: dt.date) -> dict[dt.date, int]:
    """Months counted by the penalties charged to the payer up to ``until`` (by day)."""
    return dict(session.execute(select(PenaltyChargeRow.charged_on, PenaltyChargeRow.months).where(
        PenaltyChargeRow.payer_id == payer_id, PenaltyChargeRow.charged_on <= until)).all())


def _history(session: Session, payer_id: int, until: dt.date | None = None) -> tuple[dict[Month, int], list[DayEnd]]:
    """The months billed (up to ``until``'s month) and the payer's position at the end of every day it
    paid (up to ``until``)."""
    bills = select(BillRow.id, BillRow.month, BillRow.amount).where(BillRow.payer_id == payer_id)
    paid = (select(PaymentRow.paid_on, AllocationRow.bill_id, AllocationRow.penalty_charge_id,
                   func.sum(AllocationRow.contribution_amount), func.sum(AllocationRow.penalty_amount))
            .join(AllocationRow, AllocationRow.payment_id == PaymentRow.id).where(PaymentRow.payer_id == payer_id)
            .group_by(PaymentRow.paid_on, AllocationRow.bill_id, AllocationRow.penalty_charge_id))
    charges = select(PenaltyChargeRow.charged_on, PenaltyChargeRow.amount).where(PenaltyChargeRow.payer_id == payer_id)
    if until is not None:
        bills = bills.where(BillRow.month <= month_date(Month.of(until)))
        paid = paid.where(PaymentRow.paid_on <= until)
        charges = charges.where(PenaltyChargeRow.charged_on <= until)
    month_of, billed = {}, {}
    for bill_id, month, amount in session.execute(bills):
        month_of[bill_id] = Month.of(month)
        billed[month_of[bill_id]] = int(amount)
    # per day: (month paid, contribution, change of the penalty owed)
    events: dict[dt.date, list[tuple[Month | None, int, int]]] = defaultdict(list)
    for day, bill_id, charge_id, contribution, penalty in session.execute(paid):
        events[day].append((month_of.get(bill_id), int(contribution), -int(penalty) if charge_id else 0))
    for day, amount in session.execute(charges):
        events[day].append((None, 0, int(amount)))
    unpaid, owed, days = dict(billed), 0, []
    for day in sorted(events):
        for month, contribution, owed_change in events[day]:
            if month is not None:
                unpaid[month] -= contribution
            owed += owed_change
        days.append(DayEnd(day, {m: a for m, a in unpaid.items() if a > 0}, owed))
    return billed, days


def _now(billed: dict[Month, int], days: list[DayEnd]) -> tuple[dict[Month, int], int]:
    """Contributions unpaid and penalty owed after the last day of ``days``."""
    return (dict(days[-1].unpaid), days[-1].penalty_owed) if days else ({m: a for m, a in billed.items() if a > 0}, 0)


def standing(session: Session, payer_id: int, segment: str, on: dt.date) -> Standing:
    """The payer's position on ``on``: the ledger as it stood that day, replayed for suspension."""
    billed, days = _history(session, payer_id, on)
    periods = suspensions(segment, billed, days).value
    since = next((p.start for p in periods if p.start <= on and (p.end is None or on < p.end)), None) or \
        next((p.start for p in periods if p.end is None), None)
    unpaid, owed = _now(billed, days)
    return Standing(unpaid, paid_late_on(session, payer_id, on), delays(session, payer_id, on), owed, since)


def suspension_periods(session: Session, payer_id: int, segment: str, until: dt.date | None = None) -> list[Period]:
    """The payer's suspensions up to ``until``, with the day cover resumed and the months in arrears
    paid to resume it (the service penalty reads them)."""
    billed, days = _history(session, payer_id, until)
    return suspensions(segment, billed, days).value


def refresh_payer(session: Session, payer: PayerRow) -> None:
    """Recompute the payer's maintained columns from its whole ledger."""
    billed, days = _history(session, payer.id)
    unpaid, payer.penalty_owed = _now(billed, days)
    payer.oldest_unpaid_month = month_date(min(unpaid)) if unpaid else None
    payer.arrears_amount = sum(unpaid.values())
    payer.suspended_since = next((p.start for p in suspensions(payer.segment, billed, days).value if p.end is None),
                                 None)


def _lower_suspension(session: Session, months: Iterable[Month], scope: str, params: dict[str, Any]) -> None:
    """Bring ``suspended_since`` of the payers in ``scope`` whose oldest unpaid month is one of ``months``
    forward to the first day the rules engine suspends them for it (``suspension_start``), where that
    is earlier: an unpaid month can start a suspension, never end one."""
    cases, binds = [], dict(params)
    for i, month in enumerate(months):
        by_day: dict[dt.date, list[str]] = defaultdict(list)
        for seg in Segment:
            if (day := suspension_start(seg, month)) is not None:
                by_day[day].append(repr(seg.value))
        binds[f"m{i}"] = month_date(month)
        for j, (day, segments) in enumerate(by_day.items()):
            binds[f"d{i}_{j}"] = day
            cases.append(f"WHEN oldest_unpaid_month = :m{i} AND segment IN ({', '.join(segments)}) THEN :d{i}_{j}")
    if cases:
        start = f"CASE {' '.join(cases)} END"
        session.execute(text(f"UPDATE payer SET suspended_since = {start} WHERE {scope} AND {start} IS NOT NULL "
                             f"AND (suspended_since IS NULL OR suspended_since > {start})"), binds)


OPEN_BILLS = "FROM bill b WHERE b.payer_id = payer.id AND b.status = 'OPEN'"
"""The open bills of the payer row being updated (the tail of a correlated subquery)."""


def refresh_payers(session: Session) -> int:
    """Set-based recomputation of every payer's maintained columns from the ledger (after a bulk load
    such as ``jkn demo``). SQL computes the oldest unpaid month and the arrears, the rules engine the
    first day of suspension for the oldest unpaid month; payers who ever paid late or were charged a
    penalty are replayed one by one (``refresh_payer``)."""
    # payers with open bills: one aggregate joined in (UPDATE .. FROM: PostgreSQL and SQLite >= 3.33)
    n = session.execute(text(
        "UPDATE payer SET oldest_unpaid_month = a.oldest, arrears_amount = a.arrears FROM "
        "(SELECT b.payer_id, min(b.month) AS oldest, sum(b.amount - b.paid_amount) AS arrears FROM bill b "
        "WHERE b.status = 'OPEN' GROUP BY b.payer_id) a WHERE payer.id = a.payer_id")).rowcount
    n += session.execute(text(
        f"UPDATE payer SET oldest_unpaid_month = NULL, arrears_amount = 0 WHERE NOT EXISTS (SELECT 1 {OPEN_BILLS})"
    )).rowcount
    session.execute(text("UPDATE payer SET suspended_since = NULL, penalty_owed = 0 "
                         "WHERE suspended_since IS NOT NULL OR penalty_owed <> 0"))
    months = session.scalars(text("SELECT DISTINCT oldest_unpaid_month FROM payer WHERE oldest_unpaid_month IS NOT NULL"))
    _lower_suspension(session, [Month.of(_date(m)) for m in months], "1 = 1", {})
    replayed = session.scalars(text(
        "SELECT p.payer_id FROM payment p JOIN payment_allocation a ON a.payment_id = p.id "
        "JOIN bill b ON b.id = a.bill_id WHERE p.paid_on > b.due_date UNION SELECT payer_id FROM penalty_charge")).all()
    for payer_id in replayed:
        refresh_payer(session, session.get(PayerRow, payer_id, populate_existing=True))
    session.flush()
    return n


def add_run_to_payers(session: Session, run_id: int, billed_month: dt.date) -> None:
    """Bring the maintained columns of the payers billed by run ``run_id`` up to date. A new bill
    only adds an unpaid month: the arrears grow by its amount, the oldest unpaid month can only move
    back, ``billed_through`` forward, and suspension can only begin earlier — so the run's bills are
    added to the columns (no re-reading of the ledger) and, where the billed month is now the oldest
    unpaid, the rules engine's first day of suspension for it is taken if earlier."""
    session.execute(text(
        "UPDATE payer SET arrears_amount = payer.arrears_amount + b.amount - b.paid_amount,"
        " oldest_unpaid_month = CASE WHEN b.status = 'OPEN' AND (payer.oldest_unpaid_month IS NULL"
        " OR payer.oldest_unpaid_month > b.month) THEN b.month ELSE payer.oldest_unpaid_month END,"
        " billed_through = CASE WHEN payer.billed_through IS NULL OR payer.billed_through < :billed THEN :billed"
        " ELSE payer.billed_through END "
        "FROM bill b WHERE b.run_id = :run AND b.payer_id = payer.id"), {"run": run_id, "billed": billed_month})
    _lower_suspension(session, [Month.of(billed_month)], "id IN (SELECT payer_id FROM bill WHERE run_id = :run)",
                      {"run": run_id})
