"""The 2020 quarter in the ledger (A-R08; shared/docs/regulations-2016-2025.md §5 and C11): January to
March 2020 billed at the Perpres 75/2019 rates and never recomputed; April billed at the Perpres
82/2018 rates the ruling 7 P/HUM/2020 restored; what a family paid for April at the annulled rate
is kept as credit and set against the next bills, May first (Perpres 64/2020 Pasal 34 ayat 9)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.billing import payments
from jkn.services.billing import runs as billing
from jkn.services.billing.statements import statement_by_payer_code
from jkn.services.demo.population import build_demo
from jkn.services.membership.schemas import PaymentIn
from jkn.services.portal.audit import SYSTEM
from jkn.store.billing_tables import BillRow, PayerRow
from jkn.store.membership_tables import ParticipantRow

#: (class, Perpres 75/2019 rate, rate restored by the ruling) — REGS §4 and §5
RATES = {"I": (160_000, 80_000), "II": (110_000, 51_000), "III": (42_000, 25_500)}


def _bill(s: Session, payer_id: int, month: Month) -> BillRow:
    return s.scalar(select(BillRow).where(BillRow.payer_id == payer_id, BillRow.month == month.first_day))


def test_april_2020_overpayment_is_credited_to_may_and_january_keeps_its_rate(db):
    build_demo(db, participants=200, seed=12, start=Month(2020, 1), months=0, actor=SYSTEM)
    with Session(db) as s:
        for m in range(1, 5):
            billing.run_billing(s, Month(2020, m), actor=SYSTEM)
        payers = s.scalars(select(PayerRow).where(PayerRow.kind == "FAMILY", PayerRow.segment.like("PBPU%"))
                           .order_by(PayerRow.id)).all()
        payer, cls, n = next((p, {x.care_class for x in ps}.pop(), len(ps)) for p in payers
                             for ps in [s.scalars(select(ParticipantRow).where(ParticipantRow.payer_id == p.id)).all()]
                             if len({x.care_class for x in ps}) == 1 and _bill(s, p.id, Month(2020, 1)))
        annulled, restored = RATES[cls]
        jan, apr = _bill(s, payer.id, Month(2020, 1)), _bill(s, payer.id, Month(2020, 4))
        assert (jan.amount, apr.amount) == (annulled * n, restored * n)
        # January to March paid at Perpres 75/2019; April paid as the annulled rate asked
        for m in (1, 2, 3, 4):
            payments.post_payment(s, PaymentIn(reference=f"Q2020-{payer.code}-{m}", payer_code=payer.code,
                                               amount=annulled * n, paid_on=dt.date(2020, m, 5)), actor=SYSTEM)
        s.refresh(payer)
        over = (annulled - restored) * n
        assert payer.credit == over
        assert _bill(s, payer.id, Month(2020, 1)).amount == annulled * n  # never recomputed
        billing.run_billing(s, Month(2020, 5), actor=SYSTEM)
        s.refresh(payer)
        may = _bill(s, payer.id, Month(2020, 5))
        assert may.amount == restored * n and may.paid_amount == min(may.amount, over)
        assert payer.credit == over - may.paid_amount
        st = statement_by_payer_code(s, payer.code, dt.date(2020, 5, 20))
        assert st["totals"]["credit"] == payer.credit
        assert {b["month"]: b["paid"] for b in st["bills"]}["2020-05"] == may.paid_amount
