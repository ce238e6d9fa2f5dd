"""Billing, payments, arrears, penalty, suspension and statements over HTTP on both databases."""

from __future__ import annotations

import datetime as dt

from membership.membership_helpers import FKTP_A, employer, pbpu_family, person, ppu_family, register


def run(api, month, **extra):
    r = api.post("/api/v1/billing/runs", json={"month": month, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def bills_of(api, payer, month=None):
    params = {"payer": payer, **({"month": month} if month else {})}
    return api.get("/api/v1/bills", params=params).json()["items"]


def test_monthly_bill_per_payer_from_the_rules(api):
    emp = employer(api, "PT Tagihan")
    ppu = register(api, ppu_family(emp["code"], wage=4_000_000, children=1, parents=1, tmt="2014-03-01"))
    pbpu = register(api, pbpu_family("II", members=2, tmt="2014-03-15"))
    pbi = register(api, {"head": person("Warga Miskin", dt.date(1960, 2, 2), segment="PBI", pbi_designated=True,
                                        fktp_code=FKTP_A), "tmt": "2014-03-01"})
    first = run(api, "2014-03")
    assert first["skipped"] == []  # PBI Rp 19.225 from the parameter (regulations-2016-2025.md §1)
    [emp_bill] = bills_of(api, emp["payer_code"], "2014-03")
    # 4% + 0.5% of 4.000.000 (Iuran 3) + 1% for the mother (Iuran 4)
    assert (emp_bill["employer_share"], emp_bill["participant_share"], emp_bill["amount"]) == (160000, 60000, 220000)
    assert emp_bill["due_date"] == "2014-03-10" and emp_bill["status"] == "OPEN"
    detail = api.get(f"/api/v1/bills/{emp_bill['id']}").json()
    assert {i["kind"]: i["amount"] for i in detail["items"]} == {"WORKER": 180000, "ADDITIONAL": 40000}
    payer = pbpu["members"][0]["payer"]["code"]
    [fam_bill] = bills_of(api, payer, "2014-03")
    assert fam_bill["amount"] == 3 * 42500 and fam_bill["lines"] == 3  # Iuran 5.b, per person
    again = run(api, "2014-03", pbi_amount=19225)  # only the payers not billed yet: none
    assert again["bills"] == 0
    assert bills_of(api, "G-PBI", "2014-03")[0]["government_share"] == 19225
    # July 2015: the worker's share of private employees rises to 1% (Perpres 111/2013)
    run(api, "2015-07", pbi_amount=19225)
    [july] = bills_of(api, emp["payer_code"], "2015-07")
    assert (july["employer_share"], july["participant_share"]) == (160000, 40000 + 40000)
    assert pbi["members"][0]["card_number"]


def test_single_and_batch_give_the_same_bills(api):
    emp = employer(api, "PT Dua Jalan")
    register(api, ppu_family(emp["code"], wage=5_123_457, children=4, parents=2, tmt="2014-01-01"))
    register(api, pbpu_family("I", members=3, tmt="2014-01-01"))
    single = run(api, "2014-05", method="single", pbi_amount=19225)
    batch = run(api, "2014-06", method="batch", pbi_amount=19225)
    assert single["method"] == "single" and batch["method"] == "batch"
    a = bills_of(api, emp["payer_code"], "2014-05")[0]
    b = bills_of(api, emp["payer_code"], "2014-06")[0]
    assert (a["employer_share"], a["participant_share"]) == (b["employer_share"], b["participant_share"])


def test_payments_are_idempotent_and_paid_oldest_first(api):
    fam = register(api, pbpu_family("III", tmt="2014-01-01"))
    payer = fam["members"][0]["payer"]["code"]
    for m in ("2014-01", "2014-02", "2014-03"):
        run(api, m, pbi_amount=19225)
    pay = {"reference": f"BNI-{payer}-1", "payer_code": payer, "amount": 25500, "paid_on": "2014-03-05"}
    r = api.post("/api/v1/payments", json=pay)
    assert r.status_code == 201 and r.json()["allocations"] == [
        {"bill_id": r.json()["allocations"][0]["bill_id"], "month": "2014-01", "contribution": 25500, "penalty": 0}]
    # January was paid in its second month of lateness: 2% x 2 is charged with it and owed (Denda 2, A-M11)
    assert r.json()["penalty"] == 0 and r.json()["payer_status"]["penalty_owed"] == 1020
    dup = api.post("/api/v1/payments", json=pay)
    assert dup.status_code == 200 and dup.json()["duplicate"] is True and dup.json()["id"] == r.json()["id"]
    assert api.post("/api/v1/payments", json={**pay, "amount": 1}).status_code == 409
    statuses = [b["status"] for b in bills_of(api, payer)]
    assert statuses[:3] == ["PAID", "OPEN", "OPEN"]
    by_card = api.post("/api/v1/payments", json={"reference": f"BNI-{payer}-2", "card_number": fam["head_card_number"],
                                                 "amount": 60000, "paid_on": "2014-03-06"})
    assert by_card.status_code == 201
    # February (overdue; counted for the 2 months January's penalty counted the day before, while it was
    # overdue too: A-M12), then the penalties owed, then March (not yet due), then credit
    assert [(a["month"], a["contribution"], a["penalty"]) for a in by_card.json()["allocations"]] == [
        ("2014-02", 25500, 0), ("2014-03", 25500, 0), ("2014-01", 0, 1020), ("2014-02", 0, 1020)]
    assert by_card.json()["penalty"] == 2040 and by_card.json()["credit"] == 60000 - 2 * 25500 - 2040
    assert api.get(f"/api/v1/payments/BNI-{payer}-2").json()["credit"] == 6960
    assert by_card.json()["payer_status"]["penalty_owed"] == 0
    assert api.post("/api/v1/payments", json={**pay, "reference": "X", "payer_code": "F0"}).status_code == 404
    assert api.post("/api/v1/payments", json={**pay, "amount": -5}).status_code == 422


def test_arrears_penalty_suspension_and_reactivation(api):
    fam = register(api, pbpu_family("II", members=1, tmt="2014-01-01"))
    card, payer = fam["head_card_number"], fam["members"][0]["payer"]["code"]
    run(api, "2014-01", pbi_amount=19225)
    pay_first_bill(api, payer, "2014-01-05")  # January paid, then nothing
    for month in range(2, 9):
        run(api, f"2014-{month:02d}", pbi_amount=19225)
    ok = api.get(f"/api/v1/participants/{card}/coverage", params={"on": "2014-08-05"}).json()
    assert ok["active"] is True and ok["months_in_arrears"] == 6  # not more than 6 (Penghentian 2)
    off = api.get(f"/api/v1/participants/{card}/coverage", params={"on": "2014-08-11"}).json()
    assert off["suspended"] is True and off["reason"] == "SUSPENDED" and off["months_in_arrears"] == 7
    assert any(s["source"].startswith("guide:Penghentian Pelayanan Kesehatan") for s in off["explanation"])
    st = api.get(f"/api/v1/payers/{payer}/statement", params={"on": "2014-08-20"}).json()
    arrears = 7 * 2 * 42500  # February to August: January was paid on time (the first contribution)
    assert st["balance"]["arrears"] == arrears and st["balance"]["penalty"] == arrears * 2 * 6 // 100
    part = api.post("/api/v1/payments", json={"reference": f"P-{payer}-a", "payer_code": payer, "amount": 85000,
                                              "paid_on": "2014-08-20"}).json()
    # February is paid; the penalty charged on it is owed, and paid after the other overdue months
    assert part["penalty"] == 0 and part["allocations"][0]["month"] == "2014-02"
    assert part["payer_status"]["penalty_owed"] == 85000 * 2 * 6 // 100
    st = api.get(f"/api/v1/payers/{payer}/statement", params={"on": "2014-08-21"}).json()
    assert st["balance"]["suspended"] is True and st["balance"]["penalty_owed"] == 85000 * 2 * 6 // 100
    due = st["balance"]["amount_due"]
    full = api.post("/api/v1/payments", json={"reference": f"P-{payer}-b", "payer_code": payer, "amount": due,
                                              "paid_on": "2014-08-21"}).json()
    # paying in two parts costs the same penalty as paying everything on 20 August
    assert full["penalty"] == arrears * 2 * 6 // 100 and full["credit"] == 0
    assert any("aktif kembali" in s["text"] for s in full["explanation"])
    assert api.get(f"/api/v1/participants/{card}/coverage", params={"on": "2014-08-22"}).json()["reason"] == "ACTIVE"
    # the past stays as it was: on 2014-08-11 the family was suspended
    assert api.get(f"/api/v1/participants/{card}/coverage", params={"on": "2014-08-11"}).json()["suspended"] is True
    assert all(b["status"] == "PAID" for b in bills_of(api, payer))


def pay_first_bill(api, payer: str, paid_on: str) -> None:
    """The first contribution, which begins cover (A-M18)."""
    [first] = [b for b in bills_of(api, payer) if b["status"] == "OPEN"][:1]
    r = api.post("/api/v1/payments", json={"reference": f"FIRST-{payer}", "payer_code": payer,
                                           "amount": first["amount"], "paid_on": paid_on})
    assert r.status_code == 201, r.text


def test_wage_earners_are_suspended_after_three_months(api):
    emp = employer(api, "PT Telat")
    fam = register(api, ppu_family(emp["code"], children=0, tmt="2014-01-01"))
    run(api, "2014-01", pbi_amount=19225)
    pay_first_bill(api, emp["payer_code"], "2014-01-08")  # January paid, then nothing
    for month in range(2, 7):
        run(api, f"2014-{month:02d}", pbi_amount=19225)
    spouse = fam["members"][1]["card_number"]
    assert api.get(f"/api/v1/participants/{spouse}/coverage", params={"on": "2014-04-20"}).json()["active"] is True
    cov = api.get(f"/api/v1/participants/{spouse}/coverage", params={"on": "2014-05-11"}).json()
    assert cov["suspended"] is True and cov["payer"] == emp["payer_code"]
    st = api.get(f"/api/v1/employers/{emp['code']}/statement", params={"on": "2014-06-20"}).json()
    assert st["balance"]["months_in_arrears"] == 5
    assert st["balance"]["penalty"] == st["balance"]["arrears"] * 2 * 3 // 100  # at most 3 months


def test_statements(api):
    fam = register(api, pbpu_family("I", members=2, tmt="2014-02-01"))
    run(api, "2014-02", pbi_amount=19225)
    card = fam["members"][1]["card_number"]
    st = api.get(f"/api/v1/participants/{card}/statement", params={"on": "2014-02-20"}).json()
    assert st["lines"][0]["amount"] == 59500 and st["payer"]["balance"]["unpaid"] == 3 * 59500
    fs = api.get(f"/api/v1/families/{fam['id']}/statement", params={"on": "2014-02-20"}).json()
    assert len(fs["lines"]) == 3 and fs["payer"]["totals"]["billed"] == 3 * 59500
    assert api.get("/api/v1/payers/NOPE/statement").status_code == 404
    assert api.get("/api/v1/billing/runs").json()
    assert api.post("/api/v1/billing/runs", json={"month": "2014-13"}).status_code == 422
