"""Bills corrected when a change ends cover in a month already billed (issue #15; assumption A-P15).

A billing run bills a participant for a month only while cover has not ended before the month's
first day (jkn.services.billing.runs, A-M03). A change reported late — an employer's leaver for a
month already past (A-P14) — ends cover in a month whose later bills are already made; the same rule
then says those lines should not be there. ``unbill_ended`` takes them off: each bill's amount,
shares and line count go down by the lines removed; what was already paid on the bill beyond its new
amount becomes the payer's credit (taken off the bill's allocations, latest first, and kept on the
payments as credit), used at once by the payer's open bills and else by its next ones; a bill left
without lines and without payments is cancelled (deleted). The payer's ledger columns are then
recomputed. Runs inside the caller's unit of work (the change's)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.billing.ledger import refresh_payer
from jkn.services.billing.payments import apply_credit
from jkn.store.billing_tables import AllocationRow, BillLineRow, BillRow, PayerRow, PaymentRow, PenaltyChargeRow


def unbill_ended(session: Session, ended: dict[int, dt.date]) -> list[dict[str, Any]]:
    """Take the lines of months after each participant's end of cover (``ended``: participant id →
    last day covered) off their bills; return one entry per bill corrected, oldest month first:
    ``{"month", "payer", "removed", "credit", "cancelled"}``."""
    if not ended:
        return []
    lines = [line for line in session.scalars(select(BillLineRow).where(
        BillLineRow.participant_id.in_(list(ended)), BillLineRow.month > min(ended.values())))
        if line.month > ended[line.participant_id]]
    by_bill: dict[int, list[BillLineRow]] = defaultdict(list)
    for line in lines:
        by_bill[line.bill_id].append(line)
    bills = session.scalars(select(BillRow).where(BillRow.id.in_(list(by_bill)))
                            .order_by(BillRow.month, BillRow.id).with_for_update()).all() if by_bill else []
    out, payers = [], {}
    for bill in bills:
        dropped = by_bill[bill.id]
        removed = sum(x.amount for x in dropped)
        bill.amount -= removed
        bill.employer_share -= sum(x.employer_share for x in dropped)
        bill.participant_share -= sum(x.participant_share for x in dropped)
        bill.government_share -= sum(x.government_share for x in dropped)
        bill.lines -= len(dropped)
        for x in dropped:
            session.delete(x)
        payer = payers.setdefault(bill.payer_id, session.get(PayerRow, bill.payer_id, with_for_update=True))
        credit = _overpaid_to_credit(session, bill, payer)
        cancelled = bill.lines == 0 and bill.paid_amount == 0 and not _referenced(session, bill)
        if cancelled:
            session.delete(bill)
        elif bill.paid_amount >= bill.amount and bill.status != "PAID":
            bill.status, bill.paid_on = "PAID", bill.paid_on or _last_paid_on(session, bill)
        out.append({"month": str(Month.of(bill.month)), "payer": payer.code, "removed": removed, "credit": credit,
                    "cancelled": cancelled})
    session.flush()
    for payer in payers.values():
        apply_credit(session, payer, None)
        refresh_payer(session, payer)
    session.flush()
    return out


def _overpaid_to_credit(session: Session, bill: BillRow, payer: PayerRow) -> int:
    """Move what ``bill`` was paid beyond its amount to the payer's credit; return it."""
    excess = bill.paid_amount - bill.amount
    if excess <= 0:
        return 0
    moved = 0
    for alloc in session.scalars(select(AllocationRow).where(
            AllocationRow.bill_id == bill.id, AllocationRow.contribution_amount > 0).order_by(AllocationRow.id.desc())):
        take = min(excess - moved, alloc.contribution_amount)
        alloc.contribution_amount -= take
        pay = session.get(PaymentRow, alloc.payment_id)
        pay.contribution_amount -= take
        pay.credit_amount += take
        moved += take
        if alloc.contribution_amount == 0 and alloc.penalty_amount == 0:
            session.delete(alloc)
        if moved == excess:
            break
    bill.paid_amount -= moved
    payer.credit += moved
    return moved


def _referenced(session: Session, bill: BillRow) -> bool:
    """Whether payments or penalty charges still point at ``bill`` (then it stays, at its new amount)."""
    session.flush()
    return bool(session.scalar(select(func.count()).select_from(AllocationRow).where(AllocationRow.bill_id == bill.id))
                or session.scalar(select(func.count()).select_from(PenaltyChargeRow)
                                  .where(PenaltyChargeRow.bill_id == bill.id)))


def _last_paid_on(session: Session, bill: BillRow) -> dt.date | None:
    return session.scalar(select(func.max(PaymentRow.paid_on)).join(AllocationRow, AllocationRow.payment_id == PaymentRow.id)
                          .where(AllocationRow.bill_id == bill.id))
