"""A reversal takes a payment out of its day (issue #15, A-B03): the payer then stands exactly as a
payer who never made it — bills, penalty charged on the day's other payments, arrears, credit —
and a payment of another day is not reversed."""

from __future__ import annotations

import datetime as dt

import pytest
from billing.test_billing_api import run
from membership.membership_helpers import pbpu_family, register
from sqlalchemy.orm import Session

from jkn.services.billing.reversals import reverse_payment
from jkn.services.errors import Invalid
from jkn.services.portal.audit import Actor


def _pay(api, payer, ref, amount, on="2014-06-20"):
    r = api.post("/api/v1/payments", json={"reference": ref, "payer_code": payer, "amount": amount, "paid_on": on})
    assert r.status_code == 201, r.text
    return r.json()


def _ledger(api, payer):
    st = api.get(f"/api/v1/payers/{payer}/statement", params={"on": "2014-06-20"}).json()
    return {"balance": st["balance"], "bills": [{k: b[k] for k in ("month", "paid", "penalty_paid", "status", "paid_on")}
                                                for b in st["bills"]],
            "penalties": st["penalties"], "credit": st["totals"]["credit"]}


def test_a_reversed_payment_leaves_the_day_as_if_it_had_never_been_made(api, server, _prepared):
    engine = _prepared(server.backend)[1]
    x, y = (register(api, pbpu_family("III", tmt="2014-01-01"))["members"][0]["payer"]["code"] for _ in range(2))
    for m in ("2014-01", "2014-02", "2014-03", "2014-04", "2014-05", "2014-06"):
        run(api, m, pbi_amount=19225)
    # x pays a part, then the rest, on the same day; y pays only the rest
    _pay(api, x, "REV-X1", 30_000)
    rest = _pay(api, x, "REV-X2", 200_000)
    assert rest["penalty"] > 0  # the day's penalty is charged on both payments together (A-M12)
    _pay(api, y, "REV-Y2", 200_000)
    with Session(engine) as s:
        view = reverse_payment(s, "REV-X1", reference="REV-X1-R", reason="customer cancelled",
                               actor=Actor("bank:TEST", role="BANK"), on=dt.date(2014, 6, 20))
        assert view["reversed"] == {"reference": "REV-X1-R", "on": "2014-06-20"}
        assert view["allocations"] == [] and view["credit"] == 0
        with pytest.raises(Invalid, match="hanya dapat dibatalkan pada hari yang sama"):
            reverse_payment(s, "REV-X2", reference="REV-X2-R", actor=Actor("bank:TEST", role="BANK"),
                            on=dt.date(2014, 6, 21))
    assert _ledger(api, x) == _ledger(api, y)
    st = api.get(f"/api/v1/payers/{x}/statement").json()
    assert [(p["reference"], p["reversed"]) for p in st["payments"]] == [("REV-X1", True), ("REV-X2", False)]
    assert st["totals"]["paid"] == 200_000
    # the reference stays used: posting it again answers the reversed payment, posts nothing
    again = api.post("/api/v1/payments", json={"reference": "REV-X1", "payer_code": x, "amount": 30_000,
                                               "paid_on": "2014-06-20"})
    assert again.status_code == 200 and again.json()["reversed"]["reference"] == "REV-X1-R"
