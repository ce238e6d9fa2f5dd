"""Penalties that cannot be skipped and lateness measured in time (issue #9), over HTTP on both
databases: the payment, the statement, the coverage check and the calculator tell the same story.

Guide: Denda 1-2 (the penalty is "dibayarkan bersamaan dengan total iuran yang tertunggak"),
Penghentian 1-2 ("keterlambatan pembayaran iuran lebih dari 3 / 6 bulan"), Iuran 7 (due on the 10th).
"""

from __future__ import annotations

from membership.membership_helpers import employer, pbpu_family, ppu_family, register


def run(api, month):
    r = api.post("/api/v1/billing/runs", json={"month": month, "pbi_amount": 19225})
    assert r.status_code == 201, r.text


def pay(api, payer, reference, amount, paid_on):
    r = api.post("/api/v1/payments", json={"reference": reference, "payer_code": payer, "amount": amount,
                                           "paid_on": paid_on})
    assert r.status_code == 201, r.text
    return r.json()


def figures(body):
    keys = ("arrears", "months_in_arrears", "lateness", "penalty", "penalty_owed", "amount_due", "suspended")
    return {k: body[k] for k in keys}


def cover_and_statement(api, card, payer, on):
    """The coverage check and the payer's statement on ``on``, which must show the same figures."""
    cover = api.get(f"/api/v1/participants/{card}/coverage", params={"on": on}).json()
    st = api.get(f"/api/v1/payers/{payer}/statement", params={"on": on}).json()["balance"]
    assert figures(cover) == figures(st)
    return cover, st


def test_paying_exactly_the_arrears_leaves_the_penalty_owed_and_cover_suspended(api):
    """The defect of issue #9: the payment's explanation said "stays suspended" while the coverage
    check said active, penalty 0."""
    fam = register(api, pbpu_family("III", members=0, tmt="2014-01-01"))
    card, payer = fam["head_card_number"], fam["members"][0]["payer"]["code"]
    for month in range(1, 9):
        run(api, f"2014-{month:02d}")
    before = api.get(f"/api/v1/payers/{payer}/statement", params={"on": "2014-08-20"}).json()["balance"]
    assert before["suspended"] is True and before["arrears"] == 8 * 25_500
    penalty = before["penalty"]
    assert penalty == 8 * 25_500 * 2 * 6 // 100  # 2% x arrears x 6 months (Denda 2)
    paid = pay(api, payer, f"EXACT-{payer}", before["arrears"], "2014-08-20")
    assert paid["penalty"] == 0 and paid["contribution"] == before["arrears"]
    rupiah = f"Rp {penalty:,}".replace(",", ".")
    assert any("tetap" in s["text"] and f"kurang {rupiah}" in s["text"] for s in paid["explanation"])
    assert paid["payer_status"]["penalty_owed"] == penalty and paid["payer_status"]["suspended_since"] == "2014-07-11"
    for on in ("2014-08-20", "2014-08-25"):
        cover, st = cover_and_statement(api, card, payer, on)
        calc = api.post("/api/v1/calculations/penalty", json={
            "segment": "PBPU_MANDIRI", "as_of": on, "unpaid": [], "penalty_owed": penalty,
            "suspended_since": "2014-07-11"}).json()
        assert figures(calc) == figures(cover)
        assert (cover["reason"], cover["arrears"], cover["penalty"], cover["amount_due"]) == \
               ("SUSPENDED", 0, penalty, penalty)
    # today, from the maintained payer columns: still suspended, the penalty still owed
    now = api.get(f"/api/v1/participants/{card}/coverage").json()
    assert now["suspended"] is True and now["penalty_owed"] == penalty
    done = pay(api, payer, f"PENALTY-{payer}", penalty, "2014-08-26")
    assert done["penalty"] == penalty and any("aktif kembali" in s["text"] for s in done["explanation"])
    assert api.get(f"/api/v1/participants/{card}/coverage", params={"on": "2014-08-26"}).json()["active"] is True
    assert api.get(f"/api/v1/participants/{card}/coverage", params={"on": "2014-08-25"}).json()["active"] is False
    st = api.get(f"/api/v1/payers/{payer}/statement", params={"on": "2014-08-26"}).json()
    assert st["penalties"] == [{"charged_on": "2014-08-20", "months": 6, "basis": 8 * 25_500, "amount": penalty,
                                "paid": penalty}]
    assert st["totals"]["penalties_charged"] == st["totals"]["penalties_paid"] == penalty


def test_instalments_do_not_avoid_the_penalty(api):
    fam = register(api, pbpu_family("III", members=0, tmt="2014-01-01"))
    card, payer = fam["head_card_number"], fam["members"][0]["payer"]["code"]
    for month in range(1, 9):
        run(api, f"2014-{month:02d}")
    whole = api.get(f"/api/v1/payers/{payer}/statement", params={"on": "2014-08-20"}).json()["balance"]
    for i, day in enumerate(("2014-08-20", "2014-08-21", "2014-08-22", "2014-08-23")):
        part = pay(api, payer, f"PART-{payer}-{i}", 2 * 25_500, day)
        assert part["penalty"] == 0  # the overdue contributions come first
        cover = api.get(f"/api/v1/participants/{card}/coverage", params={"on": day}).json()
        assert cover["suspended"] is True
    st = api.get(f"/api/v1/payers/{payer}/statement", params={"on": "2014-08-24"}).json()
    assert st["balance"]["arrears"] == 0 and st["balance"]["suspended"] is True
    # the four parts are charged what the whole would have been on the first day: 6 months each
    assert st["totals"]["penalties_charged"] == st["balance"]["penalty_owed"] == whole["penalty"]
    assert [c["months"] for c in st["penalties"]] == [6, 6, 4, 2]  # the delay of each day; the parts keep 6


def test_a_january_contribution_unpaid_in_june_suspends_the_wage_earner_not_the_pbpu_family(api):
    """February to June are paid on time; January, billed late, is not. On 15 June one month is
    unpaid and it is 5 months and 5 days late: more than 3 (PPU), not more than 6 (PBPU)."""
    emp = employer(api, "PT Lupa Januari")
    ppu = register(api, ppu_family(emp["code"], wage=3_000_000, children=0, tmt="2014-01-01"))
    fam = register(api, pbpu_family("III", members=0, tmt="2014-01-01"))
    payers = {"PPU_SWASTA": (ppu["members"][1]["card_number"], emp["payer_code"]),
              "PBPU_MANDIRI": (fam["head_card_number"], fam["members"][0]["payer"]["code"])}
    for month in range(2, 7):
        run(api, f"2014-{month:02d}")
        for seg, (_, payer) in payers.items():
            [bill] = api.get("/api/v1/bills", params={"payer": payer, "month": f"2014-{month:02d}"}).json()["items"]
            pay(api, payer, f"ONTIME-{payer}-{month}", bill["amount"], f"2014-{month:02d}-05")
    run(api, "2014-01")  # billed after the others: the batch path brings suspension forward
    for seg, (card, payer) in payers.items():
        cover, st = cover_and_statement(api, card, payer, "2014-06-15")
        assert cover["months_in_arrears"] == 1
        assert cover["lateness"] == {"since": "2014-01-10", "months": 5, "days": 5, "months_begun": 6}
        assert cover["suspended"] is (seg == "PPU_SWASTA")
        unpaid = [{"month": "2014-01", "amount": st["arrears"]}]
        calc = api.post("/api/v1/calculations/penalty",
                        json={"segment": seg, "as_of": "2014-06-15", "unpaid": unpaid}).json()
        assert figures(calc) == figures(cover)
    ppu_card, ppu_payer = payers["PPU_SWASTA"]
    assert api.get(f"/api/v1/participants/{ppu_card}/coverage", params={"on": "2014-04-10"}).json()["active"] is True
    assert api.get(f"/api/v1/participants/{ppu_card}/coverage", params={"on": "2014-04-11"}).json()["suspended"] is True
    now = api.get(f"/api/v1/participants/{payers['PBPU_MANDIRI'][0]}/coverage").json()
    assert now["suspended"] is True and now["suspended_since"] == "2014-07-11"  # if nothing more is paid
