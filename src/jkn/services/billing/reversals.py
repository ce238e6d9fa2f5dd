"""Reversal of a payment on the day it was made (issue #15: a bank takes back a payment the same
business day, Asia/Jakarta; assumption A-B03).

The payment stays recorded (its reference stays used: repeating it answers the reversed payment)
and gets a ``payment_reversal`` row. Its day is settled again without it: the allocations of the
payer's payments of that day are taken off the bills and penalty charges, the day's penalty charge
is dropped, and the day's other payments are settled again in the order they were posted
(jkn.services.billing.payments.allocate), so the ledger stands as if the reversed payment had never
been made — the penalty of the day included (A-M12 charges the day's payments together). Cover
begun by the day's payments is worked out again (jkn.services.billing.cover_start).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from jkn.i18n import Msg, Rp
from jkn.services.billing.cover_start import start_cover
from jkn.services.billing.ledger import refresh_payer
from jkn.services.billing.payments import _payment_view, allocate, payer_branch
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.membership.common import jakarta_today
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.bank_tables import PaymentReversalRow
from jkn.store.billing_tables import (AllocationRow, BillRow, PayerRow, PaymentRow, PenaltyChargeRow, ServicePenaltyPaymentRow,
                                     ServicePenaltyRow)

def reversal_of(session: Session, reference: str) -> PaymentReversalRow | None:
    return session.scalar(select(PaymentReversalRow).where(PaymentReversalRow.reference == reference))


def reverse_payment(session: Session, payment_reference: str, *, reference: str, reason: str | None = None,
                    actor: Actor, on: dt.date | None = None,
                    allowed: "callable | None" = None) -> dict[str, Any]:
    """Reverse the payment ``payment_reference`` (reversal reference ``reference``) on the day it was
    paid. Repeating a reversal answers the first; ``allowed(payment)`` may refuse (a bank reverses
    only its own payments)."""
    on = on or jakarta_today()
    done = _repeat(session, payment_reference, reference)
    if done is not None:
        return done
    with unit_of_work(session):
        pay = session.scalar(select(PaymentRow).where(PaymentRow.reference == payment_reference))
        if pay is None:
            raise NotFound(Msg("error.billing.payment_unknown", reference=repr(payment_reference)))
        if allowed is not None:
            allowed(pay)
        payer = session.scalar(select(PayerRow).where(PayerRow.id == pay.payer_id).with_for_update())
        if session.scalar(select(PaymentReversalRow.id).where(PaymentReversalRow.payment_id == pay.id)):
            raise Conflict(Msg("error.billing.payment_reversed", payment_reference=payment_reference))
        if pay.paid_on != on:
            raise Invalid(Msg("error.billing.reversal_same_day", payment_reference=payment_reference,
                              paid_on=pay.paid_on.isoformat(), on=on.isoformat()), field="reference")
        before = _payment_view(session, pay)
        _resettle_without(session, payer, pay)
        session.add(PaymentReversalRow(payment_id=pay.id, reference=reference, reversed_on=on, reason=reason,
                                       actor=actor.name[:60]))
        session.flush()
        audit.record(session, actor, "payment.reverse", object_type="payment", object_id=pay.reference,
                     branch_code=payer_branch(session, payer),
                     summary=Msg("audit.sum.payment_reversed", amount=Rp(int(pay.amount)), payer=payer.code,
                                 day=pay.paid_on, reason=reason or "-"),
                     before={"allocations": before["allocations"], "penalty": before["penalty"],
                             "credit": before["credit"]},
                     after={"reversal": reference, "payer_status": _payment_view(session, pay)["payer_status"]})
    return _payment_view(session, pay)


def _repeat(session: Session, payment_reference: str, reference: str) -> dict[str, Any] | None:
    """The answer to a reversal already made with ``reference``; 409 if it reversed another payment."""
    done = reversal_of(session, reference)
    if done is None:
        return None
    pay = session.get(PaymentRow, done.payment_id)
    if pay.reference != payment_reference:
        raise Conflict(Msg("error.billing.reversal_reference_used", reference=reference,
                           reference2=pay.reference))
    return _payment_view(session, pay)


def _resettle_without(session: Session, payer: PayerRow, pay: PaymentRow) -> None:
    day = pay.paid_on
    if session.scalar(select(func.count()).select_from(PaymentRow).where(
            PaymentRow.payer_id == payer.id, PaymentRow.paid_on > day)):
        raise Conflict(Msg("error.billing.reversal_later_payments", code=str(payer.code), day=day.isoformat()))
    reversed_ids = select(PaymentReversalRow.payment_id)
    todays = session.scalars(select(PaymentRow).where(
        PaymentRow.payer_id == payer.id, PaymentRow.paid_on == day, PaymentRow.id.not_in(reversed_ids))
        .order_by(PaymentRow.id)).all()
    ids = [p.id for p in todays]
    allocs = session.scalars(select(AllocationRow).where(AllocationRow.payment_id.in_(ids))).all()
    service = session.scalars(select(ServicePenaltyPaymentRow).where(ServicePenaltyPaymentRow.payment_id.in_(ids))).all()
    allocated = sum(a.contribution_amount + a.penalty_amount for a in allocs) + sum(x.amount for x in service)
    credit_left = sum(p.amount for p in todays) - allocated  # prepaid credit a billing run has not used yet
    if payer.credit < credit_left:
        raise Conflict(Msg("error.billing.reversal_credit_used", code=str(payer.code), day=day.isoformat()))
    touched = sorted({a.bill_id for a in allocs})
    for a in allocs:
        bill = session.get(BillRow, a.bill_id)
        if a.penalty_charge_id is not None:
            session.get(PenaltyChargeRow, a.penalty_charge_id).paid_amount -= a.penalty_amount
            bill.penalty_paid -= a.penalty_amount
        else:
            bill.paid_amount -= a.contribution_amount
            if bill.paid_amount < bill.amount:
                bill.status, bill.paid_on = "OPEN", None
    for x in service:  # the service penalties the day's payments paid are owed again (A-R13)
        session.get(ServicePenaltyRow, x.service_penalty_id).paid_amount -= x.amount
    payer.credit -= credit_left
    session.execute(delete(ServicePenaltyPaymentRow).where(ServicePenaltyPaymentRow.payment_id.in_(ids)))
    session.execute(delete(AllocationRow).where(AllocationRow.payment_id.in_(ids)))
    session.execute(delete(PenaltyChargeRow).where(PenaltyChargeRow.payer_id == payer.id,
                                                   PenaltyChargeRow.charged_on == day))
    session.flush()
    if touched:  # cover begun by these bills is worked out again below
        _clear_cover(session, touched)
    for other in todays:
        if other.id != pay.id:
            allocate(session, payer, SimpleNamespace(reference=other.reference, amount=other.amount, paid_on=day,
                                                     channel=other.channel), into=other)
    pay.contribution_amount = pay.penalty_amount = pay.credit_amount = 0
    refresh_payer(session, payer)
    session.flush()
    if touched:
        start_cover(session, f"b.id IN (SELECT l2.bill_id FROM bill_line l2 WHERE l2.participant_id IN ({_carried(touched)}))",
                    {}, day)


def _carried(bills: list[int]) -> str:
    """The people carried by ``bills`` (ids read from the database, written inline as integers)."""
    return f"SELECT l.participant_id FROM bill_line l WHERE l.bill_id IN ({', '.join(str(int(b)) for b in bills)})"


def _clear_cover(session: Session, bills: list[int]) -> None:
    """Forget the start of cover of the people ``bills`` carry and of the members whose cover is their
    head's (A-M19); ``start_cover`` works it out again from the bills still paid."""
    session.execute(text(
        "UPDATE participant SET covered_from = NULL WHERE segment <> 'PBI' AND covered_from IS NOT NULL AND "
        f"(id IN ({_carried(bills)}) OR (relationship <> 'HEAD' AND family_id IN (SELECT h.family_id FROM "
        f"participant h WHERE h.relationship = 'HEAD' AND h.id IN ({_carried(bills)}))))"))
