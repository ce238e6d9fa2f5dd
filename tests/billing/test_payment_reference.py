"""A payment reference names one payment of one payer (issue #10): repeating it for another payer,
by payer code, card or employer, is refused (409), never answered as the same payment."""

from __future__ import annotations

from billing.test_billing_api import run
from membership.membership_helpers import employer, pbpu_family, register


def test_a_reference_repeated_for_another_payer_is_refused_not_dropped(api):
    first = register(api, pbpu_family("III", tmt="2014-01-01"))
    second = register(api, pbpu_family("III", tmt="2014-01-01"))
    company = employer(api, "PT Rujukan Bayar")
    run(api, "2014-01", pbi_amount=19225)
    payer = first["members"][0]["payer"]["code"]
    pay = {"reference": f"BRI-{payer}-77", "card_number": first["head_card_number"], "amount": 25500,
           "paid_on": "2014-01-05"}
    posted = api.post("/api/v1/payments", json=pay)
    assert posted.status_code == 201, posted.text
    # the same payment again, naming its payer by card or by code: the first posting
    for same in ({}, {"card_number": None, "payer_code": payer}):
        dup = api.post("/api/v1/payments", json={**pay, **same})
        assert dup.status_code == 200 and dup.json()["duplicate"] is True and dup.json()["id"] == posted.json()["id"]
    # the same reference, amount and date for another payer: refused, not silently dropped
    for other in ({"card_number": second["head_card_number"]},
                  {"card_number": None, "payer_code": second["members"][0]["payer"]["code"]},
                  {"card_number": None, "employer_code": company["code"]},
                  {"card_number": "0000000000000"}):
        r = api.post("/api/v1/payments", json={**pay, **other})
        assert r.status_code == 409 and pay["reference"] in r.json()["detail"], (other, r.text)
    second_bills = api.get("/api/v1/bills", params={"payer": second["members"][0]["payer"]["code"]}).json()["items"]
    assert [b["paid_amount"] for b in second_bills] == [0]
