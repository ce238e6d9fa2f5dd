"""The command line of issue #4 on both databases: demo, billing run, payments, import, participants."""

from __future__ import annotations

import json

from membership.membership_helpers import ensure_facilities
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jkn.cli import app
from jkn.store.membership_tables import ParticipantRow

runner = CliRunner()


def jkn(*args: str, db_url: str):
    result = runner.invoke(app, [*args, "--db", db_url])
    return result


def test_demo_is_reproducible_and_shows_cards_in_every_state(db, db_url):
    r = jkn("demo", "--participants", "400", "--seed", "9", "--months", "8", db_url=db_url)
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout[r.stdout.index("{"):])
    assert summary["participants"] == 400 and summary["employers"] >= 5 and summary["facilities"] >= 120 * 6
    assert summary["payers_suspended"] >= 1 and summary["payers_in_arrears"] >= 1
    samples = summary["samples"]
    assert samples["active"] and samples["suspended"] and all(x["suspended"] for x in samples["suspended"])
    assert all(x["active"] for x in samples["active"])
    # registered, never paid (payers who stop at once): not covered, whatever their arrears (A-M18)
    assert samples["not_yet_paid"] and all(x["reason"] == "NOT_YET_PAID" for x in samples["not_yet_paid"])
    with Session(db) as s:
        cards = s.scalars(select(ParticipantRow.card_number).order_by(ParticipantRow.id)).all()
        regions = s.scalar(select(func.count(func.distinct(ParticipantRow.kabkota_code))))
    assert regions > 100
    # the same seed on an empty database gives the same population
    from support.databases import truncate_business_tables

    truncate_business_tables(db)
    r2 = jkn("demo", "--participants", "400", "--seed", "9", "--months", "8", db_url=db_url)
    assert r2.exit_code == 0
    with Session(db) as s:
        assert s.scalars(select(ParticipantRow.card_number).order_by(ParticipantRow.id)).all() == cards
    again = json.loads(r2.stdout[r2.stdout.index("{"):])
    states = ("active", "in_arrears", "suspended")
    assert {k: again["samples"][k] for k in states} == {k: samples[k] for k in states}
    assert again["billed"] == summary["billed"]
    card = samples["suspended"][0]["card_number"]
    cov = jkn("participants", "coverage", card, "--on", samples["suspended"][0]["on"], db_url=db_url)
    assert cov.exit_code == 0 and json.loads(cov.stdout)["reason"] == "SUSPENDED"
    # the reasons read in JKN_LANG (Indonesian by default), each naming its source; machine ids stay the same
    en = runner.invoke(app, ["participants", "coverage", card, "--on", samples["suspended"][0]["on"], "--db", db_url],
                       env={"JKN_LANG": "en"})
    steps = {lang: json.loads(out.stdout)["explanation"] for lang, out in (("id", cov), ("en", en))}
    assert steps["id"] and all(s["source_name"] and "msg" not in s for s in steps["id"])
    assert [s["source"] for s in steps["id"]] == [s["source"] for s in steps["en"]]
    assert steps["id"][0]["text"] != steps["en"][0]["text"]
    assert any(s["source_name"] == "Participant Guide, Iuran, item 7" for s in steps["en"])


def test_billing_run_and_payment_commands(db, db_url):
    # the guide-era scenario (README): a window that ends in 2014
    assert jkn("demo", "--participants", "50", "--seed", "2", "--since", "2014-01", "--months", "1",
               db_url=db_url).exit_code == 0
    r = jkn("billing", "run", "--month", "2014-02", db_url=db_url)  # PBI from the dated amount, no --pbi-amount
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert result["month"] == "2014-02" and result["bills"] > 0 and not result["skipped"]
    pbi = json.loads(jkn("billing", "bills", "--month", "2014-02", db_url=db_url).stdout)["items"]
    gov = next(b for b in pbi if b["government_share"])
    assert gov["government_share"] % 19225 == 0  # Perpres 111/2013: Rp 19.225 per PBI participant
    bills = json.loads(jkn("billing", "bills", "--month", "2014-02", "--status", "OPEN", db_url=db_url).stdout)
    bill = next(b for b in bills["items"] if b["payer"].startswith("F"))
    pay = ["billing", "pay", "--reference", "CLI-1", "--payer", bill["payer"], "--amount", str(bill["amount"]),
           "--paid-on", "2014-02-05"]
    first, second = jkn(*pay, db_url=db_url), jkn(*pay, db_url=db_url)
    assert json.loads(first.stdout)["duplicate"] is False and json.loads(second.stdout)["duplicate"] is True
    st = json.loads(jkn("billing", "statement", bill["payer"], "--on", "2014-02-06", db_url=db_url).stdout)
    assert [p["amount"] for p in st["payments"] if p["reference"] == "CLI-1"] == [bill["amount"]]
    bad = jkn("billing", "pay", "--reference", "CLI-2", "--payer", "NOPE", "--amount", "1", "--paid-on", "2014-02-05",
              db_url=db_url)
    assert bad.exit_code == 2 and "Tidak ada akun pembayar iuran untuk NOPE" in bad.output  # Indonesian first


def test_import_and_participant_commands(db, db_url, tmp_path):
    ensure_facilities(db)
    tpl = tmp_path / "t.csv"
    assert runner.invoke(app, ["import", "template", "--format", "csv", "-o", str(tpl)]).exit_code == 0
    emp = json.loads(jkn("employers", "register", "--name", "PT CLI", "--sector", "SWASTA", "--kabkota", "31.71",
                         db_url=db_url).stdout)
    text = tpl.read_text().replace("0101P001", "T031P001")
    tpl.write_text(text)
    r = jkn("import", "run", str(tpl), "--employer", emp["code"], "--registered-on", "2014-03-01", db_url=db_url)
    assert r.exit_code == 0, r.output
    card = json.loads(r.stdout.strip().splitlines()[-1])["sample_cards"][0]
    again = jkn("import", "run", str(tpl), "--employer", emp["code"], "--lang", "en", db_url=db_url)
    assert again.exit_code == 1 and "already registered" in again.output
    shown = json.loads(jkn("participants", "show", card, db_url=db_url).stdout)
    assert shown["employer"]["code"] == emp["code"]
    pdf = tmp_path / "card.pdf"
    assert jkn("participants", "card", card, "-o", str(pdf), db_url=db_url).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    change = tmp_path / "c.json"
    change.write_text(json.dumps({"kind": "WAGE", "effective_date": "2014-04-01", "wage": 5000000}))
    assert jkn("participants", "change", card, "--json", str(change), db_url=db_url).exit_code == 0
    hist = json.loads(jkn("participants", "history", card, db_url=db_url).stdout)
    assert [e["kind"] for e in hist["entries"]] == ["COLLECTIVE_IMPORT", "WAGE"]
    missing = jkn("participants", "show", "0000000000000", db_url=db_url)
    assert missing.exit_code == 2


def test_demo_lives_in_the_present_and_keeps_the_guide_era(db, db_url):
    """Issue #12 item 5: by default the history runs to the current month, each month billed under
    its own rule set, nothing dated after today; the printed sample cards are checked on today's
    date, so `participants coverage CARD` without --on (today) agrees with them."""
    from jkn.domain.month import Month
    from jkn.rules import monthly_contribution
    from jkn.domain.segment import Segment
    from jkn.services.membership.common import jakarta_today
    from jkn.store.billing_tables import BillRow, PayerRow, PaymentRow

    today = jakarta_today()
    r = jkn("demo", "--participants", "150", "--seed", "3", "--months", "3", db_url=db_url)
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout[r.stdout.index("{"):])
    current = Month.of(today)
    assert summary["months"] == [str(current - 2), str(current - 1), str(current)]
    active = summary["samples"]["active"][0]
    assert active["on"] == today.isoformat()
    cov = json.loads(jkn("participants", "coverage", active["card_number"], db_url=db_url).stdout)
    assert cov["active"] is True and cov["reason"] == "ACTIVE"
    pbi = monthly_contribution(Segment.PBI, current).value.lines[0].amount  # the dated PBI amount
    with Session(db) as s:
        assert s.scalar(select(func.max(PaymentRow.paid_on))) <= today
        assert s.scalar(select(func.min(BillRow.month))) == (current - 2).first_day
        gov = s.scalars(select(BillRow.government_share).join(PayerRow, PayerRow.id == BillRow.payer_id)
                        .where(BillRow.month == current.first_day, PayerRow.code == "G-PBI")).all()
        aid = s.scalars(select(BillRow).join(PayerRow, PayerRow.id == BillRow.payer_id)
                        .where(PayerRow.code == "G-BANTUAN", BillRow.month == current.first_day)).all()
        # the class III aid is billed to the government and paid like the PBI bill (A-R05)
        assert [(b.status, b.amount % 7_000) for b in aid] == [("PAID", 0)]
        # and so are the state pensioners' 3% on the government's pension account; the family bills
        # of pensioners hold no government share (A-R14)
        pension = s.scalars(select(BillRow).join(PayerRow, PayerRow.id == BillRow.payer_id)
                            .where(PayerRow.code == "G-PENSIUN", BillRow.month == current.first_day)).all()
        assert [b.status for b in pension] == ["PAID"] and pension[0].government_share == pension[0].amount > 0
        assert s.scalar(select(func.coalesce(func.sum(BillRow.government_share), 0))
                        .join(PayerRow, PayerRow.id == BillRow.payer_id).where(PayerRow.kind == "FAMILY")) == 0
    assert gov and all(g % int(pbi) == 0 for g in gov)

    from support.databases import truncate_business_tables

    truncate_business_tables(db)
    r = jkn("demo", "--participants", "60", "--seed", "3", "--until", "2015-06", db_url=db_url)
    assert r.exit_code == 0, r.output
    guide = json.loads(r.stdout[r.stdout.index("{"):])
    assert guide["months"][0] == "2014-01" and guide["months"][-1] == "2015-06"
    assert guide["samples"]["active"][0]["on"] == "2015-06-25"
