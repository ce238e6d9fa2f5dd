"""A bank's day through /h2h on a real server (issue #15): inquiries, payments, a duplicate (also
sent concurrently from several threads), a reversal, and the day's reconciliation with one mismatch
— over HTTP on loopback, on SQLite and PostgreSQL, with the CLI reading the same file."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
import time

import pytest
from billing.test_billing_api import run
from membership.membership_helpers import pbpu_family, register
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.billing.banks import add_bank
from jkn.services.membership.common import jakarta_today
from jkn.services.portal.audit import Actor
from jkn.store.billing_tables import PaymentRow
from jkn.store.portal_tables import AuditEventRow
from support.audit_trail import not_audited
from support.bank_client import Bank


@pytest.fixture(scope="module")
def world(api, server, _prepared):
    """Two families in arrears since three months ago and a bank (BRI, VA prefix 88888)."""
    url, engine = _prepared(server.backend)
    now = Month.of(jakarta_today())
    months = [now - k for k in (3, 2, 1, 0)]
    tmt = f"{months[0]}-01"
    fams = [register(api, pbpu_family("III", tmt=tmt)) for _ in range(2)]
    for m in months:
        run(api, str(m))
    with Session(engine) as s:
        bank = add_bank(s, "BRI", "Bank Rakyat Indonesia", "88888", actor=Actor.cli())
        other = add_bank(s, "MANDIRI", "Bank Mandiri", "89888", actor=Actor.cli())
    return {"engine": engine, "url": url, "families": fams, "bank": Bank(server.url, "BRI", bank["secret"], "88888"),
            "other": Bank(server.url, "MANDIRI", other["secret"], "89888"), "server": server}


def va(bank: Bank, family: dict) -> str:
    return bank.va_prefix + family["head_card_number"]


def test_unsigned_or_stale_requests_are_refused_before_anything_is_looked_at(world):
    bank = world["bank"]
    with httpx_client(world) as c:
        r = c.post("/h2h/inquiry", json={"va_number": "0"})
    assert r.status_code == 401 and "X-Bank-Id" in r.json()["detail"]
    body = json.dumps({"va_number": va(bank, world["families"][0])}).encode()
    wrong = bank.send("POST", "/h2h/inquiry", raw=body, secret="not-the-secret")
    assert wrong.status_code == 401 and "not valid" in wrong.json()["detail"]
    stale = bank.send("POST", "/h2h/inquiry", raw=body, timestamp=int(time.time()) - 3600)
    assert stale.status_code == 401 and "old" in stale.json()["detail"]
    # a body signed for the inquiry, sent to the payments path: the signature covers the path
    headers = bank.headers("POST", "/h2h/inquiry", body)
    with httpx_client(world) as c:
        moved = c.post("/h2h/payments", content=body, headers={**headers, "Content-Type": "application/json"})
    assert moved.status_code == 401


def httpx_client(world):
    return world["server"].client()


def test_a_bank_day(world, api, tmp_path):
    bank, fam_a, fam_b = world["bank"], *world["families"]
    # inquiry: the bills, the arrears, the penalty and the total, as the statement has them
    inq = bank.inquiry(va(bank, fam_a))
    assert inq.status_code == 200, inq.text
    due = inq.json()
    assert len(due["bills"]) == 4 and due["arrears"] > 0
    assert due["amount_due"] == due["arrears"] + due["penalty"] + due["not_yet_due"]
    assert due["amount_due"] == sum(b["amount"] for b in due["bills"]) + due["penalty"]
    payer_a = fam_a["members"][0]["payer"]["code"]
    st = api.get(f"/api/v1/payers/{payer_a}/statement").json()
    assert st["balance"]["arrears"] == due["arrears"] and st["balance"]["penalty"] == due["penalty"]
    # a VA of another bank's prefix, or of no payer
    assert bank.inquiry("89888" + fam_a["head_card_number"]).status_code == 404
    assert bank.inquiry("88888" + "1234567890123").status_code == 404

    # payment of everything due: posted once, answered the same way when repeated
    paid = bank.pay(va(bank, fam_a), "BRI-0001", due["amount_due"])
    assert paid.status_code == 201, paid.text
    assert paid.json()["status"] == "PAID" and paid.json()["amount"] == due["amount_due"]
    again = bank.pay(va(bank, fam_a), "BRI-0001", due["amount_due"])
    assert again.status_code == 200 and again.json() == paid.json()
    assert bank.pay(va(bank, fam_a), "BRI-0001", due["amount_due"] + 1).status_code == 409
    after = bank.inquiry(va(bank, fam_a)).json()
    assert after["amount_due"] == 0 and after["bills"] == [] and not after["suspended"]

    # the same payment sent by eight threads at once: one posting, eight identical answers
    due_b = bank.inquiry(va(bank, fam_b)).json()["amount_due"]
    answers, gate = [], threading.Barrier(8)

    def send():
        gate.wait()
        answers.append(bank.pay(va(bank, fam_b), "BRI-0002", due_b))
    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in answers) == [200] * 7 + [201], [r.text for r in answers]
    assert len({json.dumps(r.json(), sort_keys=True) for r in answers}) == 1
    with Session(world["engine"]) as s:
        assert s.scalar(select(PaymentRow.id).where(PaymentRow.reference == "H2H:BRI:BRI-0002")) is not None
        assert len(s.scalars(select(PaymentRow).where(PaymentRow.reference == "H2H:BRI:BRI-0002")).all()) == 1

    # a further payment (credit), reversed the same day: the payer stands as before it
    before = api.get(f"/api/v1/payers/{payer_a}/statement").json()["balance"]
    extra = bank.pay(va(bank, fam_a), "BRI-0003", 50_000)
    assert extra.status_code == 201
    assert api.get(f"/api/v1/payers/{payer_a}/statement").json()["totals"]["credit"] == 50_000
    rev = bank.reverse("BRI-0003", "BRI-R-0001")
    assert rev.status_code == 200, rev.text
    assert rev.json()["status"] == "REVERSED"
    assert bank.reverse("BRI-0003", "BRI-R-0001").json() == rev.json()  # the same reversal again
    assert bank.reverse("BRI-0001", "BRI-R-0001").status_code == 409  # its reference names another
    stmt = api.get(f"/api/v1/payers/{payer_a}/statement").json()
    assert stmt["balance"] == before and stmt["totals"]["credit"] == 0
    # another bank cannot reverse (or even see) BRI's payment
    assert world["other"].reverse("BRI-0001", "M-R-1").status_code == 404

    # the audit trail: the bank is the actor of its payments and reversal
    with Session(world["engine"]) as s:
        rows = s.execute(select(AuditEventRow.action, AuditEventRow.object_id).where(
            AuditEventRow.actor == "bank:BRI").order_by(AuditEventRow.id)).all()
    assert rows == [("payment.record", "H2H:BRI:BRI-0001"), ("payment.record", "H2H:BRI:BRI-0002"),
                    ("payment.record", "H2H:BRI:BRI-0003"), ("payment.reverse", "H2H:BRI:BRI-0003")]

    # reconciliation: our file out, and the bank's file in with one amount that differs
    day = jakarta_today().isoformat()
    out = bank.send("GET", f"/h2h/reconciliation/{day}")
    assert out.status_code == 200 and out.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(out.text)))
    assert [(x["bank_reference"], x["status"]) for x in lines] == [
        ("BRI-0001", "PAID"), ("BRI-0002", "PAID"), ("BRI-0003", "REVERSED")]
    clean = bank.send("POST", f"/h2h/reconciliation/{day}", raw=out.text.encode(), content_type="text/csv")
    assert clean.status_code == 200 and clean.json()["mismatches"] == [] and clean.json()["matched"] == 3
    theirs = "".join(ln.replace(f",{due_b},PAID", f",{due_b + 1000},PAID") if ",BRI-0002," in ln else ln
                     for ln in out.text.splitlines(keepends=True))
    report = bank.send("POST", f"/h2h/reconciliation/{day}", raw=theirs.encode(), content_type="text/csv").json()
    assert [(m["bank_reference"], m["problem"]) for m in report["mismatches"]] == [("BRI-0002", "amount_differs")]
    assert report["paid"] == {"bank": due["amount_due"] + due_b + 1000, "ours": due["amount_due"] + due_b}
    # the CLI reads the same file and says the same (exit code 1: a line differs)
    bank_file = tmp_path / f"BRI-{day}.csv"
    bank_file.write_text(theirs, encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "jkn.cli", "bank", "reconcile", "BRI", str(bank_file), "--date", day,
                          "--db", world["url"]], capture_output=True, text=True)
    assert cli.returncode == 1, cli.stderr
    assert json.loads(cli.stdout)["mismatches"] == report["mismatches"]


#: every non-GET /h2h operation: writes (audited with the bank as actor, test_a_bank_day) or pure
H2H_WRITES = {("POST", "/h2h/payments"): "payment.record", ("POST", "/h2h/reversals"): "payment.reverse"}
H2H_PURE = {("POST", "/h2h/inquiry"), ("POST", "/h2h/reconciliation/{day}")}


def test_every_h2h_operation_is_a_listed_write_or_pure(world):
    with httpx_client(world) as c:
        spec = c.get("/openapi.json").json()
    ops = {(m.upper(), p) for p, item in spec["paths"].items() for m in item if m != "get" and p.startswith("/h2h/")}
    assert ops == set(H2H_WRITES) | H2H_PURE


def test_inquiries_and_reconciliations_write_nothing(world):
    bank, fam = world["bank"], world["families"][0]
    day = jakarta_today().isoformat()
    with not_audited(world["engine"]):
        assert bank.inquiry(va(bank, fam)).status_code == 200
        header = "date,bank_reference,va_number,amount,status\n"
        r = bank.send("POST", f"/h2h/reconciliation/{day}", raw=header.encode(), content_type="text/csv")
        assert r.status_code == 200, r.text
    bad = bank.send("POST", f"/h2h/reconciliation/{day}", raw=b"date,ref\n", content_type="text/csv")
    assert bad.status_code == 422 and "header" in bad.json()["detail"]


def test_the_commands_docs_h2h_prints(world):
    """``jkn bank va`` and ``jkn bank file`` as docs/h2h.md shows them."""
    from typer.testing import CliRunner

    from jkn.cli import app

    runner, fam = CliRunner(), world["families"][0]
    r = runner.invoke(app, ["bank", "va", "BRI", "--card", fam["head_card_number"], "--db", world["url"]])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["va_number"] == "88888" + fam["head_card_number"]
    r = runner.invoke(app, ["bank", "file", "BRI", "--date", jakarta_today().isoformat(), "--db", world["url"]])
    assert r.exit_code == 0 and r.stdout.splitlines()[0] == "date,bank_reference,va_number,amount,status"
    r = runner.invoke(app, ["bank", "list", "--db", world["url"]])
    assert r.exit_code == 0 and "secret" not in r.stdout and '"BRI"' in r.stdout
