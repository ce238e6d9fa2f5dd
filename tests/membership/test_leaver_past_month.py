"""An employer reports a leaver for a month already past (issue #15, A-P14/A-P15), over REST on SQLite
and PostgreSQL: the bills made for the months after it lose the leaver family's lines by the rule a
billing run applies; what was paid on them beyond the new amount becomes the employer's credit, used
at once by its open bill; a bill left empty and unpaid is cancelled; earlier months stay as billed."""

from __future__ import annotations

from billing.test_billing_api import run
from membership.membership_helpers import employer, ppu_family, register
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.membership.common import jakarta_today
from jkn.store.billing_tables import BillLineRow, BillRow, PayerRow, PaymentRow
from jkn.store.membership_tables import ParticipantRow


def _bills(engine, payer_code: str) -> dict[str, tuple[int, int, str]]:
    """month → (amount, paid, status) of the payer's bills."""
    with Session(engine) as s:
        payer = s.scalar(select(PayerRow.id).where(PayerRow.code == payer_code))
        return {str(Month.of(m)): (a, p, st) for m, a, p, st in s.execute(
            select(BillRow.month, BillRow.amount, BillRow.paid_amount, BillRow.status)
            .where(BillRow.payer_id == payer).order_by(BillRow.month))}


def _family_lines(engine, card: str, month: Month) -> int:
    with Session(engine) as s:
        fam = select(ParticipantRow.family_id).where(ParticipantRow.card_number == card).scalar_subquery()
        ids = select(ParticipantRow.id).where(ParticipantRow.family_id == fam)
        return s.scalar(select(func.count()).select_from(BillLineRow).where(
            BillLineRow.participant_id.in_(ids), BillLineRow.month == month.first_day))


def _pay(api, payer: str, reference: str, amount: int, paid_on: str) -> None:
    r = api.post("/api/v1/payments", json={"reference": reference, "payer_code": payer, "amount": amount,
                                           "paid_on": paid_on})
    assert r.status_code == 201, r.text


def test_a_leaver_two_months_back_corrects_the_later_bills_paid_into_credit(api, server, _prepared):
    engine = _prepared(server.backend)[1]
    this = Month.of(jakarta_today())
    months = [this - k for k in (3, 2, 1, 0)]
    emp = employer(api, "PT Koreksi Mundur")
    tmt = months[0].first_day.isoformat()
    leaver, stays = (ppu_family(emp["code"], wage=wage, children=n, tmt=tmt) for wage, n in ((5_000_000, 0), (6_000_000, 0)))
    for fam in (leaver, stays):
        fam["head"]["care_class"] = "II"  # no wage band sourced for today (A-R09): the class is on the file
    leaver, _ = register(api, leaver), register(api, stays)
    for m in months:
        run(api, str(m))
    billed = _bills(engine, emp["payer_code"])
    # the employer paid the bills of three months back to last month, not this month's
    for m in months[:3]:
        _pay(api, emp["payer_code"], f"PT-KM-{m}", billed[str(m)][0], m.first_day.replace(day=8).isoformat())
    before = _bills(engine, emp["payer_code"])
    card = leaver["head_card_number"]
    assert _family_lines(engine, card, this - 1) == 1  # the worker's line covers the spouse

    # the worker left two months back: the last month worked is this - 2
    r = api.post(f"/api/v1/employers/{emp['code']}/employees/{card}/leaving", json={"month": str(this - 2)})
    assert r.status_code == 201, r.text
    steps = [s for s in r.json()["explanation"] if s["source"] == "assumption:A-P15"]
    assert len(steps) == 2, r.json()["explanation"]  # last month's bill and this month's
    after = _bills(engine, emp["payer_code"])
    # the months up to the one reported stay as billed and paid
    for m in months[:2]:
        assert after[str(m)] == before[str(m)]
    # the later months lose the family's lines (the other worker's stay)
    for m in months[2:]:
        assert _family_lines(engine, card, m) == 0
    removed = before[str(this - 1)][0] - after[str(this - 1)][0]
    assert removed > 0 and after[str(this)][0] == before[str(this)][0] - removed  # the same wage, the same lines
    # last month was paid in full: what it no longer bills is credit, which pays this month's bill at once
    assert after[str(this - 1)][1:] == (after[str(this - 1)][0], "PAID")
    assert after[str(this)][1] == removed
    assert after[str(this)][2] == "OPEN" and 0 < removed < after[str(this)][0]
    with Session(engine) as s:
        assert s.scalar(select(PayerRow.credit).where(PayerRow.code == emp["payer_code"])) == 0  # all used
        pay = s.scalar(select(PaymentRow).where(PaymentRow.reference == f"PT-KM-{this - 1}"))
        assert (pay.contribution_amount, pay.credit_amount) == (after[str(this - 1)][0], removed)
    # the family's cover ended with the month reported
    members = api.get("/api/v1/participants", params={"family_id": leaver["id"]}).json()["items"]
    assert {(m["status"], m["end_date"]) for m in members} == {("INACTIVE", (this - 2).last_day.isoformat())}


def test_an_unpaid_bill_of_only_the_leaver_is_cancelled(api, server, _prepared):
    engine = _prepared(server.backend)[1]
    this = Month.of(jakarta_today())
    emp = employer(api, "PT Satu Pekerja")
    body = ppu_family(emp["code"], children=0, tmt=(this - 1).first_day.isoformat())
    body["head"]["care_class"] = "II"
    fam = register(api, body)
    run(api, str(this - 1))
    run(api, str(this))
    before = _bills(engine, emp["payer_code"])
    r = api.post(f"/api/v1/employers/{emp['code']}/employees/{fam['head_card_number']}/leaving",
                 json={"month": str(this - 1)})
    assert r.status_code == 201, r.text
    after = _bills(engine, emp["payer_code"])
    assert after == {str(this - 1): before[str(this - 1)]}  # this month's bill is gone, last month's stays
    assert any("dibatalkan" in step["text"] for step in r.json()["explanation"])
