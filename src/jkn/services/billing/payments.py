"""Payments of contributions (guide, IURAN §7; DENDA; PENGHENTIAN PELAYANAN KESEHATAN).

* Idempotent: ``reference`` (the bank's transaction reference) is unique; posting the same
  payment again returns the first posting (``duplicate: true``); the same reference with other
  data is refused (409).
* Allocation (assumption A-M04): the penalty assessed by the rules engine on the payment date
  (jkn.rules.assess_penalty) is "dibayarkan bersamaan dengan total iuran yang tertunggak": it is
  charged by the payment that settles all overdue arrears together with it. A payment too small
  for that goes to contributions only. Contributions are paid oldest open bill first; the rest
  is kept as credit and used by the next bills.
* After a payment the payer's arrears and suspension are recomputed from the ledger; the
  engine's ``reactivation`` rule explains whether suspended cover resumes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.rules.penalty import assess_penalty, reactivation
from jkn.services.billing.cover_start import BY_PAYMENT, start_cover
from jkn.services.billing.coverage import refresh_payer
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.membership.common import get_employer, get_participant
from jkn.services.membership.schemas import PaymentIn
from jkn.services.unit_of_work import unit_of_work
from jkn.store.billing_tables import AllocationRow, BillRow, PayerRow, PaymentRow


def resolve_payer(session: Session, *, payer_code: str | None = None, card_number: str | None = None,
                  employer_code: str | None = None, for_update: bool = False) -> PayerRow:
    stmt = select(PayerRow)
    if payer_code:
        stmt = stmt.where(PayerRow.code == payer_code)
    elif card_number:
        p = get_participant(session, card_number)
        if p.payer_id is None:
            raise NotFound(f"participant {card_number} has no payer account")
        stmt = stmt.where(PayerRow.id == p.payer_id)
    elif employer_code:
        stmt = stmt.where(PayerRow.employer_id == get_employer(session, employer_code).id)
    else:
        raise Invalid("name the payer: payer_code, card_number or employer_code", field="payer_code")
    if for_update:
        stmt = stmt.with_for_update()
    payer = session.scalar(stmt)
    if payer is None:
        raise NotFound(f"no payer account for {payer_code or card_number or employer_code!r}")
    return payer


def _payment_view(session: Session, pay: PaymentRow, *, duplicate: bool = False, explanation=None) -> dict[str, Any]:
    payer = session.get(PayerRow, pay.payer_id)
    allocs = session.execute(select(AllocationRow, BillRow.month).join(BillRow, BillRow.id == AllocationRow.bill_id)
                             .where(AllocationRow.payment_id == pay.id).order_by(AllocationRow.id)).all()
    view = {"id": pay.id, "reference": pay.reference, "payer": payer.code, "amount": pay.amount,
            "paid_on": pay.paid_on.isoformat(), "channel": pay.channel, "penalty": pay.penalty_amount,
            "contribution": pay.contribution_amount, "credit": pay.credit_amount, "duplicate": duplicate,
            "allocations": [{"bill_id": a.bill_id, "month": str(Month.of(m)), "contribution": a.contribution_amount,
                             "penalty": a.penalty_amount} for a, m in allocs],
            "payer_status": {"arrears": payer.arrears_amount,
                             "oldest_unpaid_month": str(Month.of(payer.oldest_unpaid_month)) if payer.oldest_unpaid_month else None,
                             "suspended_since": payer.suspended_since.isoformat() if payer.suspended_since else None,
                             "credit": payer.credit}}
    if explanation is not None:
        view["explanation"] = explanation
    return view


def _existing(session: Session, data: PaymentIn) -> dict[str, Any] | None:
    pay = session.scalar(select(PaymentRow).where(PaymentRow.reference == data.reference))
    if pay is None:
        return None
    payer = session.get(PayerRow, pay.payer_id)
    same = pay.amount == data.amount and pay.paid_on == data.paid_on and (
        data.payer_code in (None, payer.code))
    if not same:
        raise Conflict(f"payment reference {data.reference} was already used for another payment "
                       f"({pay.amount} on {pay.paid_on.isoformat()} by {payer.code})", payment_id=pay.id)
    return _payment_view(session, pay, duplicate=True)


def post_payment(session: Session, data: PaymentIn) -> dict[str, Any]:
    """Record a payment once and allocate it (oldest bill first, penalty with the arrears)."""
    found = _existing(session, data)
    if found is not None:
        return found
    try:
        with unit_of_work(session):
            payer = resolve_payer(session, payer_code=data.payer_code, card_number=data.card_number,
                                  employer_code=data.employer_code, for_update=True)
            pay, steps = allocate(session, payer, data)
            start_cover(session, BY_PAYMENT, {"payment": pay.id}, data.paid_on)  # first payment: cover (A-M18)
    except (IntegrityError, Conflict):
        if session.in_transaction():
            session.rollback()
        found = _existing(session, data)  # the same reference posted concurrently
        if found is not None:
            return found
        raise
    return _payment_view(session, pay, explanation=steps)


def allocate(session: Session, payer: PayerRow, data: PaymentIn) -> tuple[PaymentRow, list[dict]]:
    bills = session.scalars(select(BillRow).where(BillRow.payer_id == payer.id, BillRow.status == "OPEN")
                            .order_by(BillRow.month).with_for_update()).all()
    unpaid = {Month.of(b.month): b.amount - b.paid_amount for b in bills if b.amount - b.paid_amount > 0}
    pay = PaymentRow(reference=data.reference, payer_id=payer.id, amount=data.amount, paid_on=data.paid_on,
                     channel=data.channel, penalty_amount=0, contribution_amount=0, credit_amount=0)
    session.add(pay)
    session.flush()
    steps: list[dict] = []
    remaining = data.amount
    penalty = 0
    if unpaid:
        a = assess_penalty(payer.segment, data.paid_on, unpaid)
        steps += a.explain()
        due = int(a.value.amount_due)
        if a.value.penalty and data.amount >= due:
            penalty = int(a.value.penalty)
            steps.append({"text": f"the payment settles the overdue arrears: the penalty {penalty} is paid with them",
                          "source": "assumption A-M04 (docs/assumptions.md)"})
        elif a.value.penalty:
            steps.append({"text": f"the payment ({data.amount}) is less than arrears + penalty ({due}): it goes to the "
                                  "oldest contributions; the penalty is charged when the arrears are settled",
                          "source": "assumption A-M04 (docs/assumptions.md)"})
        r = reactivation(payer.segment, data.paid_on, unpaid, data.amount)
        if r.value.was_suspended:
            steps += r.explain()[-1:]
    remaining -= penalty
    first_penalty = penalty
    for b in bills:
        if remaining <= 0:
            break
        balance = b.amount - b.paid_amount
        if balance <= 0 and not first_penalty:
            continue
        take = min(balance, remaining)
        b.paid_amount += take
        remaining -= take
        b.penalty_paid += first_penalty
        session.add(AllocationRow(payment_id=pay.id, bill_id=b.id, contribution_amount=take,
                                  penalty_amount=first_penalty))
        pay.contribution_amount += take
        first_penalty = 0
        if b.paid_amount >= b.amount:
            b.status, b.paid_on = "PAID", data.paid_on
    pay.penalty_amount = penalty
    if remaining > 0:
        pay.credit_amount = remaining
        payer.credit += remaining
        steps.append({"text": f"{remaining} kept as credit for the next bills", "source": "assumption A-M04 (docs/assumptions.md)"})
    session.flush()
    refresh_payer(session, payer)
    session.flush()
    return pay, steps


def apply_credit(session: Session, payer: PayerRow, month) -> None:
    """Use a payer's credit for its open bills, oldest first (called after billing)."""
    bills = session.scalars(select(BillRow).where(BillRow.payer_id == payer.id, BillRow.status == "OPEN")
                            .order_by(BillRow.month)).all()
    source = session.scalar(select(PaymentRow).where(PaymentRow.payer_id == payer.id, PaymentRow.credit_amount > 0)
                            .order_by(PaymentRow.paid_on.desc(), PaymentRow.id.desc()).limit(1))
    for b in bills:
        if payer.credit <= 0 or source is None:
            break
        take = min(payer.credit, b.amount - b.paid_amount)
        if take <= 0:
            continue
        b.paid_amount += take
        payer.credit -= take
        session.add(AllocationRow(payment_id=source.id, bill_id=b.id, contribution_amount=take, penalty_amount=0))
        if b.paid_amount >= b.amount:
            b.status = "PAID"
            b.paid_on = b.due_date if b.paid_on is None else b.paid_on
    session.flush()


def get_payment(session: Session, reference: str) -> dict[str, Any]:
    pay = session.scalar(select(PaymentRow).where(PaymentRow.reference == reference))
    if pay is None:
        raise NotFound(f"no payment with reference {reference!r}")
    return _payment_view(session, pay)


def list_payments(session: Session, payer_code: str, limit: int = 100) -> list[dict[str, Any]]:
    payer = resolve_payer(session, payer_code=payer_code)
    rows = session.scalars(select(PaymentRow).where(PaymentRow.payer_id == payer.id)
                           .order_by(PaymentRow.paid_on, PaymentRow.id).limit(limit)).all()
    return [_payment_view(session, p) for p in rows]
