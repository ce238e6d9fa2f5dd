"""The service penalty end to end (A-R12): a family suspended in 2021 pays its arrears, is admitted
within 45 days, and the closed inpatient SEP charges 5% x INA-CBG x months to the family's payer;
a stay after the window charges nothing, and a second close of the same SEP is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.billing import payments
from jkn.services.billing import runs as billing
from jkn.services.billing.service_penalties import record_discharge
from jkn.services.billing.statements import statement_by_payer_code
from jkn.services.care import sep
from jkn.services.demo.population import build_demo
from jkn.services.errors import Conflict
from jkn.services.membership.schemas import PaymentIn
from jkn.services.portal.audit import SYSTEM
from jkn.store.billing_tables import PayerRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import ParticipantRow


def test_a_stay_within_45_days_of_reactivation_costs_the_service_penalty(db):
    build_demo(db, participants=80, seed=4, start=Month(2021, 1), months=0, actor=SYSTEM)
    with Session(db) as s:
        for m in range(1, 5):
            billing.run_billing(s, Month(2021, m), options=billing.Options(pbi_amount=42000), actor=SYSTEM)
        payer = s.scalars(select(PayerRow).where(PayerRow.kind == "FAMILY", PayerRow.segment.like("PBPU%"))
                          .order_by(PayerRow.id)).first()
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
