"""Payments of contributions (guide, IURAN §7; DENDA; PENGHENTIAN PELAYANAN KESEHATAN).

* Idempotent: ``reference`` (the bank's transaction reference) is unique; posting the same
  payment again returns the first posting (``duplicate: true``); the same reference with other
  data is refused (409). Payments are allocated in the order they are posted, each on its own
  date; nothing allocated is moved (assumption A-M13).
* Allocation (assumptions A-M04, A-M11, A-M12): the rules engine (jkn.rules.settlement.settle)
  decides it — the overdue contributions oldest first, then the penalty, which is charged on them
  as they are paid ("dibayarkan bersamaan dengan total iuran yang tertunggak") and owed from then
  on, then the contributions not yet due; the rest is kept as credit and used by the next bills.
* After a payment the payer's columns are recomputed from the ledger; the explanation says whether
  suspended cover resumes (only when arrears and penalty are paid in full, A-12).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.i18n.message import Rp
from jkn.domain.month import Month
from jkn.rules.settlement import Position, settle
from jkn.services.billing.cover_start import BY_PAYMENT, start_cover
from jkn.services.billing.ledger import paid_late_on, refresh_payer
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.membership.common import get_employer, get_participant, month_date, one
from jkn.services.membership.schemas import PaymentIn
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.bank_tables import PaymentReversalRow
from jkn.store.billing_tables import (AllocationRow, BillRow, PayerRow, PaymentRow, PenaltyChargeRow, ServicePenaltyPaymentRow,
                                     ServicePenaltyRow)
from jkn.store.membership_tables import EmployerRow, ParticipantRow


def resolve_payer(session: Session, *, payer_code: str | None = None, card_number: str | None = None,
                  employer_code: str | None = None, for_update: bool = False) -> PayerRow:
    stmt = select(PayerRow)
    if payer_code:
        stmt = stmt.where(PayerRow.code == payer_code)
    elif card_number:
        p = get_participant(session, card_number)
        if p.payer_id is None:
            raise NotFound(Msg("error.billing.no_payer_account", card_number=str(card_number)))
        stmt = stmt.where(PayerRow.id == p.payer_id)
    elif employer_code:
        stmt = stmt.where(PayerRow.employer_id == get_employer(session, employer_code).id)
    else:
        raise Invalid(Msg("error.billing.payer_required"), field="payer_code")
    return one(session, stmt, for_update, Msg("error.billing.payer_not_found", who=str(payer_code or card_number or employer_code)))


def _payment_view(session: Session, pay: PaymentRow, *, duplicate: bool = False, explanation=None) -> dict[str, Any]:
    payer = session.get(PayerRow, pay.payer_id)
    allocs = session.execute(select(AllocationRow, BillRow.month).join(BillRow, BillRow.id == AllocationRow.bill_id)
                             .where(AllocationRow.payment_id == pay.id).order_by(AllocationRow.id)).all()
    view = {"id": pay.id, "reference": pay.reference, "payer": payer.code, "amount": pay.amount,
            "paid_on": pay.paid_on.isoformat(), "channel": pay.channel, "penalty": pay.penalty_amount,
            "contribution": pay.contribution_amount, "credit": pay.credit_amount, "duplicate": duplicate,
            "allocations": [{"bill_id": a.bill_id, "month": str(Month.of(m)), "contribution": a.contribution_amount,
                             "penalty": a.penalty_amount} for a, m in allocs],
            "service_penalties": [{"sep_number": sep, "amount": amount} for sep, amount in session.execute(
                select(ServicePenaltyRow.sep_number, ServicePenaltyPaymentRow.amount)
                .join(ServicePenaltyRow, ServicePenaltyRow.id == ServicePenaltyPaymentRow.service_penalty_id)
                .where(ServicePenaltyPaymentRow.payment_id == pay.id).order_by(ServicePenaltyPaymentRow.id))],
            "payer_status": {"arrears": payer.arrears_amount, "penalty_owed": payer.penalty_owed,
                             "oldest_unpaid_month": str(Month.of(payer.oldest_unpaid_month)) if payer.oldest_unpaid_month else None,
                             "suspended_since": payer.suspended_since.isoformat() if payer.suspended_since else None,
                             "credit": payer.credit}}
    reversal = session.scalar(select(PaymentReversalRow).where(PaymentReversalRow.payment_id == pay.id))
    view["reversed"] = None if reversal is None else {"reference": reversal.reference,
                                                      "on": reversal.reversed_on.isoformat()}
    if explanation is not None:
        view["explanation"] = explanation
    return view


def _existing(session: Session, data: PaymentIn) -> dict[str, Any] | None:
    pay = session.scalar(select(PaymentRow).where(PaymentRow.reference == data.reference))
    if pay is None:
        return None
    payer = session.get(PayerRow, pay.payer_id)
    try:  # the payer the repeat names, by code, card or employer: another one is another payment (A-C19)
        named = resolve_payer(session, payer_code=data.payer_code, card_number=data.card_number,
                              employer_code=data.employer_code)
    except NotFound:
        named = None
    same = pay.amount == data.amount and pay.paid_on == data.paid_on and named is not None and named.id == payer.id
    if not same:
        raise Conflict(Msg("error.billing.payment_reference_used", reference=data.reference, amount=pay.amount,
                           paid_on=pay.paid_on.isoformat(), code=str(payer.code)), payment_id=pay.id)
    return _payment_view(session, pay, duplicate=True)


def post_payment(session: Session, data: PaymentIn, *, actor: Actor) -> dict[str, Any]:
    """Record a payment once and allocate it (overdue contributions, the penalty, then the rest); the
    payment's audit row is for the payer's branch (:func:`payer_branch`). A repeat writes nothing."""
    found = _existing(session, data)
    if found is not None:
        return found
    try:
        with unit_of_work(session):
            payer = resolve_payer(session, payer_code=data.payer_code, card_number=data.card_number,
                                  employer_code=data.employer_code, for_update=True)
            pay, steps = allocate(session, payer, data)
            audit.record(session, actor, "payment.record", object_type="payment", object_id=pay.reference,
                         branch_code=payer_branch(session, payer),
                         summary=Msg("audit.sum.payment", amount=Rp(int(pay.amount)), payer=payer.code,
                                     day=pay.paid_on),
                         after={"payer": payer.code, "amount": pay.amount, "penalty": pay.penalty_amount,
                                "credit": pay.credit_amount})
            start_cover(session, BY_PAYMENT, {"payment": pay.id}, data.paid_on)  # first payment: cover (A-M18)
    except (IntegrityError, Conflict):
        if session.in_transaction():
            session.rollback()
        found = _existing(session, data)  # the same reference posted concurrently
        if found is not None:
            return found
        raise
    return _payment_view(session, pay, explanation=steps)


def allocate(session: Session, payer: PayerRow, data: PaymentIn,
             into: PaymentRow | None = None) -> tuple[PaymentRow, list[dict]]:
    """Record ``data`` and allocate it as the rules engine settles it (jkn.rules.settlement.settle);
    ``into``: a payment already recorded, settled again (a reversal re-settles its day)."""
    day = data.paid_on
    bills = {Month.of(b.month): b for b in session.scalars(
        select(BillRow).where(BillRow.payer_id == payer.id, BillRow.status == "OPEN")
        .order_by(BillRow.month).with_for_update())}
    charges = {c.charged_on: c for c in session.scalars(
        select(PenaltyChargeRow).where(PenaltyChargeRow.payer_id == payer.id)
        .order_by(PenaltyChargeRow.charged_on).with_for_update())}
    today = charges.get(day)
    service = {r.id: r for r in session.scalars(
        select(ServicePenaltyRow).where(ServicePenaltyRow.payer_id == payer.id, ServicePenaltyRow.discharged_on <= day,
                                        ServicePenaltyRow.amount > ServicePenaltyRow.paid_amount)
        .order_by(ServicePenaltyRow.admitted_on, ServicePenaltyRow.id).with_for_update())}
    plan = settle(payer.segment, day, data.amount, Position(
        bills={m: b.amount - b.paid_amount for m, b in bills.items()},
        penalties={d: c.amount - c.paid_amount for d, c in charges.items() if c.amount > c.paid_amount},
        paid_today=paid_late_on(session, payer.id, day), charged_today=today.amount if today else 0,
        delays={d: c.months for d, c in charges.items()}, suspended_since=payer.suspended_since,
        service_penalties={k: r.amount - r.paid_amount for k, r in service.items()}))
    v = plan.value
    pay = into or PaymentRow(reference=data.reference, payer_id=payer.id, amount=data.amount, paid_on=day,
                             channel=data.channel)
    pay.contribution_amount = sum(v.contributions.values())
    pay.penalty_amount = sum(v.penalties.values()) + sum(v.service_penalties.values())
    pay.credit_amount = v.credit
    session.add(pay)
    session.flush()
    for month, take in v.contributions.items():
        b = bills[month]
        b.paid_amount += take
        session.add(AllocationRow(payment_id=pay.id, bill_id=b.id, contribution_amount=take, penalty_amount=0))
        if b.paid_amount >= b.amount:
            b.status, b.paid_on = "PAID", day
    if v.charged_today > (today.amount if today else 0):
        if today is None:
            oldest = session.scalar(select(BillRow.id).where(BillRow.payer_id == payer.id,
                                                             BillRow.month == month_date(min(v.paid_late_today))))
            today = charges[day] = PenaltyChargeRow(payer_id=payer.id, bill_id=oldest, charged_on=day,
                                                    months=v.months_counted, paid_amount=0)
            session.add(today)
        today.basis, today.amount = sum(v.paid_late_today.values()), v.charged_today
        session.flush()
    for charged_on, take in v.penalties.items():
        charge = charges[charged_on]
        charge.paid_amount += take
        session.get(BillRow, charge.bill_id).penalty_paid += take
        session.add(AllocationRow(payment_id=pay.id, bill_id=charge.bill_id, contribution_amount=0,
                                  penalty_amount=take, penalty_charge_id=charge.id))
    for key, take in v.service_penalties.items():  # A-R13
        service[key].paid_amount += take
        session.add(ServicePenaltyPaymentRow(payment_id=pay.id, service_penalty_id=key, amount=take))
    payer.credit += v.credit
    session.flush()
    refresh_payer(session, payer)
    session.flush()
    return pay, plan.explain()


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
        raise NotFound(Msg("error.billing.payment_unknown", reference=repr(reference)))
    return _payment_view(session, pay)


def list_payments(session: Session, payer_code: str, limit: int = 100) -> list[dict[str, Any]]:
    payer = resolve_payer(session, payer_code=payer_code)
    rows = session.scalars(select(PaymentRow).where(PaymentRow.payer_id == payer.id)
                           .order_by(PaymentRow.paid_on, PaymentRow.id).limit(limit)).all()
    return [_payment_view(session, p) for p in rows]


def payer_branch(session: Session, payer: PayerRow) -> str | None:
    """The branch whose officers see a payer's payments: an employer's branch, or the branch of the
    family head's kab/kota; None for the government's accounts (national)."""
    if payer.employer_id is not None:
        return session.scalar(select(EmployerRow.branch_code).where(EmployerRow.id == payer.employer_id))
    if payer.family_id is not None:
        kabkota = session.scalar(select(ParticipantRow.kabkota_code).where(
            ParticipantRow.family_id == payer.family_id, ParticipantRow.relationship == "HEAD"))
        return audit.branch_of_kabkota(session, kabkota)
    return None
