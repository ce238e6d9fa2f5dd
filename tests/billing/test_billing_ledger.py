"""Payments short, over, split, duplicated or out of order never lose or invent money: property tests
on the real ledger (payments.post_payment) on SQLite and PostgreSQL (issue #9; assumptions A-M11 to
A-M13)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.rules.contribution import due_date
from jkn.services.billing import payments
from jkn.services.billing.ledger import refresh_payer, standing
from jkn.services.errors import Conflict
from jkn.services.membership.schemas import PaymentIn
from jkn.services.portal.audit import SYSTEM
from jkn.services.unit_of_work import unit_of_work
from jkn.store.billing_tables import AllocationRow, BillRow, PayerRow, PaymentRow, PenaltyChargeRow

_codes = itertools.count(1)
SEGMENTS = ["PPU_SWASTA", "PBPU_MANDIRI", "BP_INVESTOR"]
PROPERTY = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def new_payer(s: Session, segment: str, bills: dict[Month, int]) -> PayerRow:
    """A payer with its bills, as a billing run leaves them."""
    with unit_of_work(s):
        payer = PayerRow(code=f"T{next(_codes)}", kind="FAMILY", segment=segment, name="Keluarga Uji",
                         arrears_amount=0, credit=0)
        s.add(payer)
        s.flush()
        for m, amount in bills.items():
            s.add(BillRow(payer_id=payer.id, month=m.first_day, due_date=due_date(m).value, amount=amount,
                          employer_share=0, participant_share=amount, government_share=0, lines=1, paid_amount=0,
                          penalty_paid=0, status="OPEN"))
        s.flush()
        refresh_payer(s, payer)
    return payer


@st.composite
def ledgers(draw):
    first = Month(2014, 1) + draw(st.integers(0, 6))
    bills = {first + i: draw(st.integers(1, 400_000)) for i in range(draw(st.integers(1, 8))) if draw(st.booleans())}
    bills = bills or {first: 25_500}
    return draw(st.sampled_from(SEGMENTS)), bills, first.first_day


@st.composite
def payment_runs(draw):
    segment, bills, start = draw(ledgers())
    made = []
    for i in range(draw(st.integers(1, 7))):
        if made and draw(st.integers(0, 4)) == 0:
            made.append(draw(st.sampled_from(made)))          # the bank sends a payment twice
            continue
        day = start + dt.timedelta(days=draw(st.integers(0, 400)))   # in any order
        amount = draw(st.one_of(st.integers(1, 60_000), st.integers(1, 2 * sum(bills.values()))))
        made.append((f"P{i}", amount, day))
    return segment, bills, made


def check_balances(s: Session, payer: PayerRow) -> None:
    """Every rupiah received is in a contribution, a penalty or the credit, and every table agrees."""
    pays = s.scalars(select(PaymentRow).where(PaymentRow.payer_id == payer.id)).all()
    allocs = s.execute(select(AllocationRow).join(PaymentRow, PaymentRow.id == AllocationRow.payment_id)
                       .where(PaymentRow.payer_id == payer.id)).scalars().all()
    s.refresh(payer)
    assert sum(p.amount for p in pays) == sum(a.contribution_amount + a.penalty_amount for a in allocs) + payer.credit
    for p in pays:
        mine = [a for a in allocs if a.payment_id == p.id]
        assert (p.contribution_amount, p.penalty_amount) == (sum(a.contribution_amount for a in mine),
                                                             sum(a.penalty_amount for a in mine))
        assert p.contribution_amount + p.penalty_amount + p.credit_amount == p.amount
    for b in s.scalars(select(BillRow).where(BillRow.payer_id == payer.id)):
        assert b.paid_amount == sum(a.contribution_amount for a in allocs if a.bill_id == b.id) <= b.amount
        assert b.penalty_paid == sum(a.penalty_amount for a in allocs if a.bill_id == b.id)
        assert (b.status == "PAID") == (b.paid_amount == b.amount)
    charges = s.scalars(select(PenaltyChargeRow).where(PenaltyChargeRow.payer_id == payer.id)).all()
    for c in charges:
        assert 0 <= c.paid_amount == sum(a.penalty_amount for a in allocs if a.penalty_charge_id == c.id) <= c.amount
    assert payer.penalty_owed == sum(c.amount - c.paid_amount for c in charges)
    assert payer.credit == 0 or (payer.penalty_owed == 0 and payer.arrears_amount == 0)
    columns = (payer.oldest_unpaid_month, payer.arrears_amount, payer.penalty_owed, payer.suspended_since)
    with unit_of_work(s):
        refresh_payer(s, payer)
    assert (payer.oldest_unpaid_month, payer.arrears_amount, payer.penalty_owed, payer.suspended_since) == columns


@PROPERTY
@given(run=payment_runs())
def test_the_ledger_balances_after_any_sequence_of_payments(db, run):
    segment, bills, made = run
    with Session(db) as s:
        payer = new_payer(s, segment, bills)
        seen = {}
        for ref, amount, day in made:
            data = PaymentIn(reference=f"{payer.code}-{ref}", payer_code=payer.code, amount=amount, paid_on=day)
            view = payments.post_payment(s, data, actor=SYSTEM)
            assert view["duplicate"] is (ref in seen)
            seen[ref] = view["id"]
            check_balances(s, payer)
        # the same reference with other data is refused and changes nothing
        ref, amount, day = made[0]
        received = s.scalar(select(func.sum(PaymentRow.amount)).where(PaymentRow.payer_id == payer.id))
        with pytest.raises(Conflict):
            payments.post_payment(s, PaymentIn(reference=f"{payer.code}-{ref}", payer_code=payer.code,
                                               amount=amount + 1, paid_on=day), actor=SYSTEM)
        assert s.scalar(select(func.sum(PaymentRow.amount)).where(PaymentRow.payer_id == payer.id)) == received
        check_balances(s, payer)


@PROPERTY
@given(ledger=ledgers(), day=st.integers(0, 400), total=st.integers(1, 3_000_000),
       cuts=st.lists(st.floats(0.05, 0.95), max_size=3), order=st.randoms(use_true_random=False))
def test_a_days_total_charges_the_same_penalty_however_it_is_split(db, ledger, day, total, cuts, order):
    segment, bills, start = ledger
    on = start + dt.timedelta(days=day)
    points = sorted({int(total * c) for c in cuts} - {0, total})
    parts = [b - a for a, b in zip([0, *points], [*points, total])]
    order.shuffle(parts)
    with Session(db) as s:
        results = []
        for amounts in ([total], parts):
            payer = new_payer(s, segment, bills)
            for i, amount in enumerate(amounts):
                payments.post_payment(s, PaymentIn(reference=f"{payer.code}-{i}", payer_code=payer.code,
                                                   amount=amount, paid_on=on), actor=SYSTEM)
            check_balances(s, payer)
            charged = s.execute(select(PenaltyChargeRow.charged_on, PenaltyChargeRow.amount, PenaltyChargeRow.paid_amount)
                                .where(PenaltyChargeRow.payer_id == payer.id)).all()
            paid = s.execute(select(BillRow.month, BillRow.paid_amount).where(BillRow.payer_id == payer.id)
                             .order_by(BillRow.month)).all()
            view = standing(s, payer.id, segment, on)
            results.append((charged, paid, payer.credit, view.suspended_since,
                            view.assess(segment, on).value.amount_due))
        assert results[0] == results[1]
