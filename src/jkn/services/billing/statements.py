"""Statements (rekening iuran) per payer, participant, family and employer: bills, payments,
penalties charged, arrears, the penalty and amount due if paid on a date and the suspension state —
all from the ledger as it stood on that date (jkn.services.billing.ledger.standing), judged by the
rules engine (jkn.rules.late_payment.assess) exactly as the coverage check and the calculator judge it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.i18n import Msg
from jkn.services.billing.calculators import penalty_figures
from jkn.services.billing.ledger import standing
from jkn.services.billing.payments import resolve_payer
from jkn.services.billing.service_penalties import of_payer, owed_on
from jkn.services.errors import NotFound
from jkn.services.membership.common import get_employer, get_family, get_participant, jakarta_today
from jkn.store.bank_tables import PaymentReversalRow
from jkn.store.billing_tables import BillLineRow, BillRow, PayerRow, PaymentRow, PenaltyChargeRow
from jkn.store.membership_tables import ParticipantRow


def payer_statement(session: Session, payer: PayerRow, on: dt.date | None = None) -> dict[str, Any]:
    on = on or jakarta_today()
    bills = session.scalars(select(BillRow).where(BillRow.payer_id == payer.id).order_by(BillRow.month)).all()
    payments = session.scalars(select(PaymentRow).where(PaymentRow.payer_id == payer.id)
                               .order_by(PaymentRow.paid_on, PaymentRow.id)).all()
    reversed_ids = set(session.scalars(select(PaymentReversalRow.payment_id).where(
        PaymentReversalRow.payment_id.in_([p.id for p in payments])))) if payments else set()
    charges = session.scalars(select(PenaltyChargeRow).where(PenaltyChargeRow.payer_id == payer.id)
                              .order_by(PenaltyChargeRow.charged_on)).all()
    position = standing(session, payer.id, payer.segment, on)
    a = position.assess(payer.segment, on)
    since = position.suspended_since
    return {
        "payer": {"code": payer.code, "kind": payer.kind, "name": payer.name, "segment": payer.segment},
        "as_of": on.isoformat(),
        "bills": [{"id": b.id, "month": str(Month.of(b.month)), "due_date": b.due_date.isoformat(), "amount": b.amount,
                   "paid": b.paid_amount, "penalty_paid": b.penalty_paid, "status": b.status,
                   "paid_on": b.paid_on.isoformat() if b.paid_on else None} for b in bills],
        "payments": [{"reference": p.reference, "paid_on": p.paid_on.isoformat(), "amount": p.amount,
                      "contribution": p.contribution_amount, "penalty": p.penalty_amount, "credit": p.credit_amount,
                      "channel": p.channel, "reversed": p.id in reversed_ids} for p in payments],
        "penalties": [{"charged_on": c.charged_on.isoformat(), "months": c.months, "basis": c.basis,
                       "amount": c.amount, "paid": c.paid_amount} for c in charges],
        "totals": {"billed": sum(b.amount for b in bills), "paid": sum(p.amount for p in payments if p.id not in reversed_ids),
                   "penalties_charged": sum(c.amount for c in charges),
                   "penalties_paid": sum(p.penalty_amount for p in payments), "credit": payer.credit},
        "service_penalties": of_payer(session, payer.id),
        "balance": {"unpaid_months": [str(m) for m in sorted(position.unpaid)], "unpaid": sum(position.unpaid.values()),
                    **penalty_figures(a.value), "service_penalty_owed": owed_on(session, payer.id, on),
                    "suspended": a.value.suspended,
                    "suspended_since": since.isoformat() if since else None},
        "explanation": a.explain(),
    }


def _lines(session: Session, participant_ids: list[int], where: Any = None) -> list[dict[str, Any]]:
    stmt = (select(BillLineRow, ParticipantRow.card_number, BillRow.status)
            .join(ParticipantRow, ParticipantRow.id == BillLineRow.participant_id)
            .join(BillRow, BillRow.id == BillLineRow.bill_id)
            .where(BillLineRow.participant_id.in_(participant_ids)))
    if where is not None:
        stmt = stmt.where(where)
    rows = session.execute(stmt.order_by(BillLineRow.month, BillLineRow.participant_id)).all()
    return [{"month": str(Month.of(ln.month)), "card_number": card, "kind": ln.kind, "care_class": ln.care_class,
             "employer_share": ln.employer_share, "participant_share": ln.participant_share,
             "government_share": ln.government_share, "amount": ln.amount, "bill_id": ln.bill_id,
             "bill_status": status} for ln, card, status in rows]


def participant_statement(session: Session, card_number: str, on: dt.date | None = None, *,
                          where: Any = None) -> dict[str, Any]:
    """A participant's bill lines (with the head's, for a core family member) and the payer's
    balance; ``where`` (jkn.services.portal.auth.participant_filter) keeps the lines of the
    participants a caller may open."""
    p = get_participant(session, card_number)
    if p.payer_id is None:
        raise NotFound(Msg("error.billing.no_payer_account", card_number=str(card_number)))
    payer = session.get(PayerRow, p.payer_id)
    head = p if p.relationship == "HEAD" else session.scalar(select(ParticipantRow).where(
        ParticipantRow.family_id == p.family_id, ParticipantRow.relationship == "HEAD"))
    lines = _lines(session, [p.id] + ([head.id] if head is not None and head.id != p.id and p.member_status == "CORE" else []),
                   where)
    note = None
    if p.member_status == "CORE":
        note = "core family member of a wage earner: covered by the worker's contribution (Iuran 2-3)"
    return {"card_number": p.card_number, "name": p.name, "note": note, "lines": lines,
            "payer": payer_statement(session, payer, on)}


def family_statement(session: Session, family_id: int, on: dt.date | None = None, *,
                     where: Any = None) -> dict[str, Any]:
    """A family's members, bill lines and payer; ``where`` (jkn.services.portal.auth.participant_filter)
    keeps the members a caller may open one by one."""
    get_family(session, family_id)
    everyone = session.scalars(select(ParticipantRow).where(ParticipantRow.family_id == family_id)
                               .order_by(ParticipantRow.id)).all()
    head = next((m for m in everyone if m.relationship == "HEAD"), None)
    payer = session.get(PayerRow, head.payer_id) if head and head.payer_id else None
    stmt = select(ParticipantRow).where(ParticipantRow.family_id == family_id)
    members = session.scalars((stmt if where is None else stmt.where(where)).order_by(ParticipantRow.id)).all()
    out = {"family_id": family_id, "members": [{"card_number": m.card_number, "name": m.name,
                                                 "relationship": m.relationship, "member_status": m.member_status,
                                                 "status": m.status} for m in members],
           "lines": _lines(session, [m.id for m in members], where)}
    if payer is not None:
        out["payer"] = payer_statement(session, payer, on) if payer.kind == "FAMILY" else {
            "payer": {"code": payer.code, "kind": payer.kind, "name": payer.name},
            "note": "the family is billed through its payer; see the payer's statement"}
    return out


def employer_statement(session: Session, code: str, on: dt.date | None = None) -> dict[str, Any]:
    e = get_employer(session, code)
    payer = resolve_payer(session, employer_code=e.code)
    return {"employer": {"code": e.code, "name": e.name}, **payer_statement(session, payer, on)}


def statement_by_payer_code(session: Session, payer_code: str, on: dt.date | None = None) -> dict[str, Any]:
    return payer_statement(session, resolve_payer(session, payer_code=payer_code), on)
