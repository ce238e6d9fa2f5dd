"""Issue #15 in a real browser (Debian chromium via playwright): a participant opens the family's
cards and prints them, and reads the virtual accounts to pay at a bank; a branch officer takes a
payment at the counter (a form sent twice records it once), prints the receipt, and finds the
payment on the payer's statement and on the branch's audit page; head office reconciles a bank's
daily file and reads the one line that differs."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.services.billing import h2h
from jkn.services.billing.banks import add_bank, load_auth
from jkn.services.membership.common import jakarta_today
from jkn.services.portal.audit import Actor
from jkn.store.billing_tables import PaymentRow

pytestmark = pytest.mark.browser


def prepare_site(engine):
    """The bank whose prefix makes the virtual accounts read on the bills page."""
    with Session(engine) as s:
        add_bank(s, "BRI", "Bank Rakyat Indonesia", "88888", actor=Actor.cli())


def test_the_participant_sees_and_prints_the_family_cards_and_how_to_pay(site, login):
    base, world = site.url, site.world
    page = login(world.users["budi"])
    page.get_by_role("link", name="Kartu").click()
    page.wait_for_load_state()
    assert page.url.endswith("/peserta/kartu")
    own, spouse = page.locator(f"#card-{world.medan_card}"), page.locator(f"#card-{world.medan_spouse_card}")
    assert "1271011203850001" in own.inner_text() and "Faskes Tingkat I" in own.inner_text()
    assert "Kelas" in own.inner_text() and "1271015506870002" in spouse.inner_text()
    for card in (world.medan_card, world.medan_spouse_card):
        href = page.locator(f"#print-{card}").get_attribute("href")
        pdf = page.context.request.get(base + href)
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:4] == b"%PDF"
    assert page.context.request.get(f"{base}/peserta/kartu.pdf?card={world.bekasi_card}").status == 403
    page.get_by_role("link", name="Tagihan").click()
    page.wait_for_load_state()
    assert page.locator("#virtual-accounts .va").inner_text() == "88888" + world.medan_card
    assert page.locator("#pay-steps li").count() == 4


def test_the_officer_takes_a_counter_payment_and_prints_the_receipt(site, login):
    base, world, engine = site.url, site.world, site.engine
    page = login(world.users["medan"])
    page.get_by_role("link", name="Loket").click()
    page.get_by_label("No. kartu peserta atau kode badan usaha").fill(world.siti_card)
    page.get_by_role("button", name="Cari").click()
    page.wait_for_load_state()
    assert "Siti Aminah" in page.locator("#payer").inner_text()
    page.get_by_label("Jumlah bayar").fill("50000")
    sent = {name: page.locator(f'#pay-form input[name="{name}"]').input_value()
            for name in ("csrf_token", "payer", "reference", "amount")}
    page.get_by_role("button", name="Simpan pembayaran").click()
    page.wait_for_load_state()
    reference = page.locator("#receipt-reference").inner_text()
    assert reference == sent["reference"] and reference.startswith("LOKET-")
    assert "50.000" in page.locator("#receipt-amount").inner_text()
    # the same form sent again (a double click, a resend): the payment is recorded once
    again = page.context.request.post(f"{base}/petugas/loket", form=sent, max_redirects=0)
    assert again.status == 303 and again.headers["location"] == f"/petugas/loket/{reference}"
    # an amount out of bounds is named by the form's label, not by PaymentIn's field name
    refused = page.context.request.post(f"{base}/petugas/loket", form={**sent, "amount": "-5", "reference": "QA-NEG"})
    assert refused.status == 422 and "Jumlah bayar: paling kecil 1" in refused.text() and "amount:" not in refused.text()
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(PaymentRow).where(PaymentRow.channel == "counter")) == 1
    pdf = page.context.request.get(f"{base}/petugas/loket/{reference}/kuitansi.pdf")
    assert pdf.status == 200 and pdf.body()[:4] == b"%PDF"
    # on the payer's statement and on the branch's audit page
    page.goto(f"{base}/petugas/peserta/{world.siti_card}")
    assert reference in page.content()
    page.goto(f"{base}/petugas/audit")
    assert reference in page.content() and "Pembayaran iuran dicatat" in page.content()
    # another branch's officer cannot take a payment for this payer
    other = login(world.users["bekasi"])
    other.goto(f"{base}/petugas/loket?payer={world.siti_card}")
    assert "di luar wilayah kerja Anda" in other.content()


def test_head_office_reconciles_a_bank_file_and_reads_the_one_mismatch(site, login):
    """Two payments posted by the bank host-to-host today; the bank's file says another amount for one."""
    base, world, engine = site.url, site.world, site.engine
    today = jakarta_today()
    with Session(engine) as s:
        bank = load_auth(s, "BRI")
        for ref, card in (("BRI-REK-1", world.medan_card), ("BRI-REK-2", world.bekasi_card)):
            h2h.pay(s, bank, "88888" + card, ref, 30000, actor=Actor("bank BRI", client="127.0.0.1"))
        ours = h2h.statement_csv(s, bank, today)
    theirs = ours.replace(f"88888{world.bekasi_card},30000", f"88888{world.bekasi_card},35000")
    assert theirs != ours
    # a branch officer has no such page: banks settle with head office
    officer = login(world.users["medan"])
    assert officer.goto(base + "/petugas/rekonsiliasi").status == 403
    page = login(world.users["head"])
    page.get_by_role("link", name="Rekonsiliasi bank").click()
    page.locator("#bank").select_option("BRI")
    page.get_by_label("Tanggal transaksi").fill(today.isoformat())
    page.set_input_files("#file", files=[{"name": "bri.csv", "mimeType": "text/csv", "buffer": theirs.encode()}])
    page.get_by_role("button", name="Cocokkan").click()
    rows = page.locator("#mismatches tbody tr")
    assert rows.count() == 1 and "BRI-REK-2" in rows.inner_text() and "Jumlah berbeda" in rows.inner_text()
    assert "Cocok: 1" in page.locator("#reconcile-summary").inner_text()
