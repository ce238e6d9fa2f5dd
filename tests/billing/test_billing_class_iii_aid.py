"""The government's part of the class III rate (Perpres 64/2020 Pasal 34; assumption A-R05): from
July 2020 a PBPU or BP family at class III is billed only its own part per person, and the
government's part per person goes on the government's aid account (G-BANTUAN), so that revenue
holds the whole rate and the family's arrears, cover and bank inquiry hold only what it owes."""

from __future__ import annotations

import datetime as dt

import pytest
from membership.membership_helpers import ensure_facilities, pbpu_family, ppu_family
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.billing import runs as billing
from jkn.services.demo.population import build_demo
from jkn.services.membership import employers, registration
from jkn.services.membership.registration import GOVERNMENT_AID
from jkn.services.membership.schemas import EmployerIn, FamilyIn
from jkn.services.portal.audit import SYSTEM
from jkn.services.unit_of_work import unit_of_work
from jkn.store.billing_tables import BillLineRow, BillRow, PayerRow
from jkn.store.membership_tables import ParticipantRow

#: (month, participant's part, government's part) — REGS §5, Perpres 64/2020 Pasal 34 ayat 1 and 2
PARTS = [(Month(2020, 8), 25_500, 16_500), (Month(2021, 3), 35_000, 7_000)]


def _class_iii_families(s: Session, month: Month) -> list[tuple[PayerRow, int]]:
    out = []
    for payer in s.scalars(select(PayerRow).where(PayerRow.kind == "FAMILY").order_by(PayerRow.id)):
        bill = s.scalar(select(BillRow).where(BillRow.payer_id == payer.id, BillRow.month == month.first_day))
        people = s.scalars(select(ParticipantRow.care_class).where(ParticipantRow.payer_id == payer.id)).all()
        if bill is not None and set(people) == {"III"} and not payer.segment.startswith("BP_VETERAN"):
            out.append((payer, bill.lines))
    return out


def test_class_iii_family_pays_its_part_and_the_government_the_aid(db):
    build_demo(db, participants=160, seed=21, start=Month(2020, 8), months=0, actor=SYSTEM)
    with Session(db) as s:
        for month, own, aid in PARTS:
            billing.run_billing(s, month, options=billing.Options(pbi_amount=42_000), actor=SYSTEM)
            families = _class_iii_families(s, month)
            assert families, "the demo has class III PBPU/BP families"
            gov = s.scalar(select(PayerRow).where(PayerRow.code == GOVERNMENT_AID))
            gov_bill = s.scalar(select(BillRow).where(BillRow.payer_id == gov.id, BillRow.month == month.first_day))
            people = 0
            for payer, n in families:
                bill = s.scalar(select(BillRow).where(BillRow.payer_id == payer.id, BillRow.month == month.first_day))
                assert (bill.amount, bill.participant_share, bill.government_share) == (own * n, own * n, 0)
                aid_lines = s.scalars(select(BillLineRow).join(ParticipantRow, ParticipantRow.id ==
                                                              BillLineRow.participant_id)
                                      .where(BillLineRow.bill_id == gov_bill.id,
                                             ParticipantRow.payer_id == payer.id)).all()
                assert [(ln.kind, ln.government_share) for ln in aid_lines] == [("AID", aid)] * n
                people += n
            assert gov_bill.government_share == gov_bill.amount >= aid * people
            # every class III PBPU/BP person of the month carries the whole rate between the two bills
            total = s.scalar(select(func.sum(BillLineRow.amount)).where(
                BillLineRow.month == month.first_day, BillLineRow.care_class == "III",
                BillLineRow.kind.in_(("FLAT", "AID"))))
            persons = s.scalar(select(func.count()).where(BillLineRow.month == month.first_day,
                                                         BillLineRow.kind == "AID"))
            assert total >= (own + aid) * persons


def _register(s: Session, body: dict) -> None:
    with unit_of_work(s):
        plan = registration.plan_family(s, FamilyIn.model_validate(body), registration.Lookups(s), documents_mode=None)
        registration.write_family(s, plan, actor="test")


def _government_bills(s: Session) -> dict[str, list[tuple[str, int]]]:
    """Government share account -> its bills (month, lines); absent when the account was never opened."""
    out: dict[str, list[tuple[str, int]]] = {}
    for code in registration.GOVERNMENT_SHARE_ACCOUNTS:
        payer = s.scalar(select(PayerRow).where(PayerRow.code == code))
        if payer is not None:
            out[code] = [(str(Month.of(m)), n) for m, n in s.execute(
                select(BillRow.month, BillRow.lines).where(BillRow.payer_id == payer.id).order_by(BillRow.month))]
    return out


@pytest.mark.parametrize("method", ["batch", "single"])
def test_a_month_without_a_government_share_opens_no_government_account(db, method):
    """A run opens the government's aid account (and bills it) only in a month where a class III
    PBPU/BP family is billed, and its pension account only where a state pensioner is (A-R05, A-R14):
    a registry of class I and II families and wage earners leaves both unopened, on both paths."""
    ensure_facilities(db)
    month = Month(2021, 3)
    with Session(db) as s:
        emp = employers.register_employer(s, EmployerIn(name="PT Tanpa Bantuan", sector="SWASTA", kabkota_code="31.71",
                                                        registered_on=dt.date(2014, 1, 2)), actor=SYSTEM)
        worker = ppu_family(emp["code"], children=0, tmt=str(month.first_day))
        worker["head"]["care_class"] = "II"  # the class on record where no wage bands are sourced (A-R09)
        for body in (pbpu_family("I", members=2, tmt=str(month.first_day)),
                     pbpu_family("II", members=1, tmt=str(month.first_day)), worker):
            _register(s, body)
        first = billing.run_billing(s, month, method=method, actor=SYSTEM)
        assert first.method == method and first.bills == 3
        assert _government_bills(s) == {}
        _register(s, pbpu_family("III", members=1, tmt=str((month + 1).first_day)))
        billing.run_billing(s, month + 1, method=method, actor=SYSTEM)
        assert _government_bills(s) == {registration.GOVERNMENT_AID: [(str(month + 1), 2)]}
        # a later run of the month with no new class III family adds no bill to the account
        _register(s, pbpu_family("II", members=0, tmt=str((month + 1).first_day)))
        again = billing.run_billing(s, month + 1, method=method, actor=SYSTEM)
        assert again.bills == 1 and _government_bills(s) == {registration.GOVERNMENT_AID: [(str(month + 1), 2)]}
