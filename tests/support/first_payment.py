"""Paying a participant's first contribution in a test world: cover begins with it (A-M18)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.billing import payments
from jkn.services.billing import runs as billing
from jkn.services.membership.schemas import PaymentIn
from jkn.services.portal.audit import SYSTEM
from jkn.store.billing_tables import BillRow
from jkn.store.membership_tables import ParticipantRow


def pay_first_contribution(session: Session, card_number: str, paid_on: dt.date) -> None:
    """Bill the month of ``paid_on`` (payers not billed yet) and pay the bill of the card's payer."""
    month = Month.of(paid_on)
    billing.run_billing(session, month, actor=SYSTEM)
    payer_id = session.scalar(select(ParticipantRow.payer_id).where(ParticipantRow.card_number == card_number))
    amount = session.scalar(select(BillRow.amount).where(BillRow.payer_id == payer_id,
                                                         BillRow.month == month.first_day))
    session.rollback()  # end the read transaction: the payment is its own unit of work
    payments.post_payment(session, PaymentIn(reference=f"FIRST-{card_number}", card_number=card_number,
                                             amount=amount, paid_on=paid_on), actor=SYSTEM)
