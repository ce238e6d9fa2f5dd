"""The service penalty end to end (A-R12): a family suspended in 2021 pays its arrears, is admitted
within 45 days, and the closed inpatient SEP charges 5% x INA-CBG x months to the family's payer;
a stay after the window charges nothing, and a second close of the same SEP is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.billing import h2h, payments
from jkn.services.billing import runs as billing
from jkn.services.billing.banks import BankAuth
from jkn.services.billing.reversals import reverse_payment
from jkn.services.billing.service_penalties import record_discharge
from jkn.services.billing.statements import statement_by_payer_code
from jkn.services.care import sep
from jkn.services.demo.population import build_demo
from jkn.services.errors import Conflict
from jkn.services.membership.schemas import PaymentIn
from jkn.services.portal.audit import SYSTEM
from jkn.store.billing_tables import BillRow, PayerRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import ParticipantRow


def _suspended_family(s: Session) -> PayerRow:
    """January to April 2021 billed to the demo's families; the first PBPU family paid none."""
    for m in range(1, 5):
        billing.run_billing(s, Month(2021, m), options=billing.Options(pbi_amount=42000), actor=SYSTEM)
    return s.scalars(select(PayerRow).where(PayerRow.kind == "FAMILY", PayerRow.segment.like("PBPU%"))
                     .order_by(PayerRow.id)).first()


def test_a_stay_within_45_days_of_reactivation_costs_the_service_penalty(db):
    build_demo(db, participants=80, seed=4, start=Month(2021, 1), months=0, actor=SYSTEM)
    with Session(db) as s:
        payer = _suspended_family(s)
        assert payer.suspended_since == dt.date(2021, 2, 1)  # January unpaid at the end of January
        paid = payments.post_payment(s, PaymentIn(reference="SP-1", payer_code=payer.code, amount=payer.arrears_amount,
                                                  paid_on=dt.date(2021, 4, 20)), actor=SYSTEM)
        assert paid["payer_status"]["suspended_since"] is None and paid["penalty"] == 0
        head = s.scalar(select(ParticipantRow).where(ParticipantRow.payer_id == payer.id,
                                                     ParticipantRow.relationship == "HEAD"))
        hospital = s.scalar(select(FacilityRow.code).where(FacilityRow.level == "FKRTL").order_by(FacilityRow.code))
        card = head.card_number

        def stay(day: dt.date) -> str:
            return sep.insert_sep(s, actor=SYSTEM, card_number=card, sep_date=day, facility_code=hospital,
                                  service_type="1", diagnosis="S72", emergency=True)["number"]

        inside = stay(dt.date(2021, 5, 1))
        out = record_discharge(s, inside, discharged_on=dt.date(2021, 5, 4), ina_cbg_amount=8_000_000, actor=SYSTEM)
        # 4 months in arrears paid on 20 April (January to April; April was due on Monday the 12th):
        # 5% x 8.000.000 x 4
        assert (out["amount"], out["months_counted"], out["rate_pct"], out["payer"]) == (1_600_000, 4, "5", payer.code)
        assert out["reactivated_on"] == "2021-04-20"
        with pytest.raises(Conflict):
            record_discharge(s, inside, discharged_on=dt.date(2021, 5, 4), ina_cbg_amount=8_000_000, actor=SYSTEM)
        later = record_discharge(s, stay(dt.date(2021, 6, 5)), discharged_on=dt.date(2021, 6, 6),
                                 ina_cbg_amount=8_000_000, actor=SYSTEM)
        assert later["amount"] == 0 and later["exempt"] == "outside_window"
        st = statement_by_payer_code(s, payer.code, dt.date(2021, 6, 30))
        assert [p["sep_number"] for p in st["service_penalties"]] == [inside]


def test_a_payment_pays_the_service_penalty_after_the_arrears_and_a_reversal_takes_it_back(db):
    """A-R13: the service penalty is owed from the day the stay is closed; a payment goes to it after
    the overdue contributions and before what is not yet due; the statement, the bank's inquiry
    amount and the counter's amount due show it; reversing the payment makes it owed again."""
    build_demo(db, participants=80, seed=4, start=Month(2021, 1), months=0, actor=SYSTEM)
    with Session(db) as s:
        payer = _suspended_family(s)
        payments.post_payment(s, PaymentIn(reference="SP-A", payer_code=payer.code, amount=payer.arrears_amount,
                                           paid_on=dt.date(2021, 4, 20)), actor=SYSTEM)
        head = s.scalar(select(ParticipantRow).where(ParticipantRow.payer_id == payer.id,
                                                     ParticipantRow.relationship == "HEAD"))
        hospital = s.scalar(select(FacilityRow.code).where(FacilityRow.level == "FKRTL").order_by(FacilityRow.code))
        number = sep.insert_sep(s, actor=SYSTEM, card_number=head.card_number, sep_date=dt.date(2021, 5, 1),
                                facility_code=hospital, service_type="1", diagnosis="S72", emergency=True)["number"]
        record_discharge(s, number, discharged_on=dt.date(2021, 5, 4), ina_cbg_amount=8_000_000, actor=SYSTEM)
        before = statement_by_payer_code(s, payer.code, dt.date(2021, 5, 3))["balance"]["service_penalty_owed"]
        assert before == 0  # not owed before the stay is closed
        va = head.card_number
        owed = h2h.inquiry(s, BankAuth("B", "s", ""), va, dt.date(2021, 5, 5))
        assert owed["service_penalty"] == 1_600_000 and owed["amount_due"] == 1_600_000 + owed["arrears"] \
            + owed["penalty"] + owed["not_yet_due"]
        part = payments.post_payment(s, PaymentIn(reference="SP-B", payer_code=payer.code, amount=1_000_000,
                                                  paid_on=dt.date(2021, 5, 5)), actor=SYSTEM)
        assert part["service_penalties"] == [{"sep_number": number, "amount": 1_000_000}]
        assert (part["penalty"], part["contribution"], part["credit"]) == (1_000_000, 0, 0)
        st = statement_by_payer_code(s, payer.code, dt.date(2021, 5, 5))
        assert st["balance"]["service_penalty_owed"] == 600_000 and st["service_penalties"][0]["paid"] == 1_000_000
        reverse_payment(s, "SP-B", reference="SP-B-R", actor=SYSTEM, on=dt.date(2021, 5, 5))
        assert statement_by_payer_code(s, payer.code, dt.date(2021, 5, 5))["balance"]["service_penalty_owed"] \
            == 1_600_000
        # May billed: the May contribution, due on the 10th, waits behind the service penalty
        billing.run_billing(s, Month(2021, 5), options=billing.Options(pbi_amount=42000), actor=SYSTEM)
        may = s.scalar(select(BillRow).where(BillRow.payer_id == payer.id, BillRow.month == dt.date(2021, 5, 1)))
        full = payments.post_payment(s, PaymentIn(reference="SP-C", payer_code=payer.code,
                                                  amount=1_600_000 + may.amount - 1, paid_on=dt.date(2021, 5, 6)),
                                     actor=SYSTEM)
        assert full["service_penalties"][0]["amount"] == 1_600_000 and full["contribution"] == may.amount - 1
        st = statement_by_payer_code(s, payer.code, dt.date(2021, 5, 6))
        assert st["balance"]["service_penalty_owed"] == 0 and not st["balance"]["suspended"]
