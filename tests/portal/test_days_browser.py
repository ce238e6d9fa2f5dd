"""Issue #15's "Done when": each user's day walked through the pages in a real browser (Debian chromium
via playwright), one continuous test per day in one served world (tests/portal/portal_world.py).

- the participant: reads the family's cards, the month's bill and the virtual account, pays it at the
  bank (the bank plays /h2h over HTTP, signed), sees it paid, asks for a newborn to be added with the
  birth certificate uploaded, and after the branch officer approves it sees the request approved and
  the baby's card;
- the employer: imports its staff file, updates a wage (from next month), reports a leaver (through
  this month), and reads the per-employee bill of this month and of the next;
- the officers: the branch officer approves a participant's address change, posts a family's first
  contribution at the counter and prints the receipt; head office's finance reconciles a bank's daily
  file and reads the one line that differs.

Each day builds what it needs, so the three run in any order and on any worker.
"""

from __future__ import annotations

import datetime as dt

import pytest
from membership.membership_helpers import nik
from portal_world import register_family, staff_csv
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.bank_client import Bank

from jkn.domain.month import Month
from jkn.i18n.formats import format_date, format_month, format_rupiah
from jkn.services.billing import h2h
from jkn.services.billing.banks import add_bank, load_auth
from jkn.services.billing.runs import run_billing
from jkn.services.membership.common import jakarta_today
from jkn.services.portal.audit import SYSTEM, Actor
from jkn.store.billing_tables import BillRow
from jkn.store.membership_tables import ParticipantRow

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BANKS = {"BRI": ("Bank Rakyat Indonesia", "88888"), "BNI": ("Bank Negara Indonesia", "88000")}


def prepare_site(engine):
    """Two banks with their secrets (a bank signs its /h2h requests with it)."""
    with Session(engine) as s:
        for code, (name, prefix) in BANKS.items():
            secret = add_bank(s, code, name, prefix, actor=Actor.cli())["secret"]
            SECRETS[code] = secret


SECRETS: dict[str, str] = {}


def rp(amount: int) -> str:
    return format_rupiah(amount, "id")


def _bank(site, code: str) -> Bank:
    return Bank(site.url, code, SECRETS[code], BANKS[code][1])


def _open_bill(engine, card: str, month: Month) -> int:
    """The amount of ``month``'s bill of the card's payer."""
    with Session(engine) as s:
        payer = s.scalar(select(ParticipantRow.payer_id).where(ParticipantRow.card_number == card))
        return s.scalar(select(BillRow.amount).where(BillRow.payer_id == payer, BillRow.month == month.first_day))


def test_the_participants_day(site, login):
    """Budi: card, pay, ask for a change, see it approved."""
    base, world, engine = site.url, site.world, site.engine
    this = Month.of(jakarta_today())
    with Session(engine) as s:
        run_billing(s, this, actor=SYSTEM)  # the month's bills are out on the 1st
    bill = _open_bill(engine, world.medan_card, this)

    page = login(world.users["budi"])
    assert "Budi Santoso" in page.content()
    # the card: the family's digital cards, printable
    page.get_by_role("link", name="Kartu").click()
    own, spouse = page.locator(f"#card-{world.medan_card}"), page.locator(f"#card-{world.medan_spouse_card}")
    assert "Budi Santoso" in own.inner_text() and "Istri Budi Santoso" in spouse.inner_text()
    pdf = page.context.request.get(base + page.locator(f"#print-{world.medan_card}").get_attribute("href"))
    assert pdf.status == 200 and pdf.body()[:4] == b"%PDF"

    # the bill: this month's unpaid, the amount to pay today and where
    page.get_by_role("link", name="Tagihan").click()
    month_row = page.locator(".statement tbody tr", has_text=str(this)).first
    assert "Belum lunas" in month_row.inner_text() and rp(bill) in month_row.inner_text()
    assert rp(bill) in page.locator("#pay-at-bank").inner_text()
    va = page.locator("#virtual-accounts tr", has_text="Bank Rakyat Indonesia").locator(".va").inner_text()
    assert va == "88888" + world.medan_card

    # pay: at a BRI teller the bank asks for the amount due on the VA, and posts what was paid
    bri = _bank(site, "BRI")
    due = bri.inquiry(va).json()
    assert due["amount_due"] == bill and due["payer_name"] == "Keluarga Budi Santoso"
    assert bri.pay(va, "BRI-TELLER-0001", due["amount_due"]).status_code == 201
    page.reload()
    month_row = page.locator(".statement tbody tr", has_text=str(this)).first
    assert "Lunas" in month_row.inner_text() and "Belum" not in month_row.inner_text()
    assert "BRI-TELLER-0001" in page.locator(".statement").inner_text()
    assert f"hari ini: {rp(0)}" in page.locator("#pay-at-bank").inner_text()  # nothing more to pay today

    # ask for a change: a newborn, with the birth certificate uploaded
    born = jakarta_today() - dt.timedelta(days=5)
    page.get_by_role("link", name="Perubahan data").click()
    page.get_by_role("link", name="Kelahiran").first.click()
    page.get_by_label("NIK", exact=True).fill(nik(born, "P", "1271"))
    page.get_by_label("Nama", exact=True).fill("Sari Santoso")
    page.locator("#member_birth_date").fill(born.isoformat())
    page.locator("#uploads input[type=file]").set_input_files(
        files=[{"name": "akta-kelahiran.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Kirim permohonan").click()
    assert "Permohonan terkirim" in page.locator('[role="status"]').inner_text()
    request = page.locator("#requests tbody tr").first.inner_text()
    assert "Menunggu pemeriksaan" in request and format_date(jakarta_today(), "id") in request  # today in Jakarta

    # the branch officer approves it
    officer = login(world.users["medan"])
    officer.get_by_role("link", name="Permohonan perubahan").click()
    officer.locator("#request-queue tbody tr", has_text="Budi Santoso").locator("a").first.click()
    assert "Sari Santoso" in officer.locator("#request-member").inner_text()
    officer.locator("#approve-form input[name=documents]").first.check()
    officer.get_by_role("button", name="Setujui dan terapkan perubahan").click()
    assert "Permohonan disetujui" in officer.locator('[role="status"]').inner_text()

    # see it approved: the request's status, and the baby's card with the family's
    page.get_by_role("link", name="Perubahan data").click()
    assert "Disetujui" in page.locator("#requests tbody tr").first.inner_text()
    page.get_by_role("link", name="Kartu").click()
    with Session(engine) as s:
        baby = s.scalar(select(ParticipantRow.card_number).where(ParticipantRow.name == "Sari Santoso"))
    assert "Sari Santoso" in page.locator(f"#card-{baby}").inner_text()


def test_the_employers_day(site, login):
    """PT Medan Sejahtera: import, update a wage, report a leaver, read the per-employee bill."""
    base, world, engine = site.url, site.world, site.engine
    this = Month.of(jakarta_today())
    page = login(world.users["pt"])
    # import: the staff file, checked and registered; the result names the cards
    page.get_by_role("link", name="Pendaftaran kolektif").first.click()
    page.set_input_files("#file", files=[{"name": "pekerja.csv", "mimeType": "text/csv",
                                          "buffer": staff_csv(world, bad_row=False)}])
    page.get_by_role("button", name="Unggah dan periksa", exact=True).click()
    assert "3 baris, 2 keluarga, 3 peserta terdaftar" in page.locator('[role="status"]').inner_text()
    with Session(engine) as s:
        cards = dict(s.execute(select(ParticipantRow.name, ParticipantRow.card_number).where(
            ParticipantRow.name.in_(["Andi Saputra", "Eko Wibowo"]))).all())
    with Session(engine) as s:
        run_billing(s, this, actor=SYSTEM)  # the month's bill, with the new staff on it
    page.get_by_role("link", name="Pekerja").first.click()
    staff = page.locator("#staff").inner_text()
    assert "Andi Saputra" in staff and "Eko Wibowo" in staff and rp(4_500_000) in staff

    # update a wage: Andi earns more from next month
    page.get_by_role("link", name=cards["Andi Saputra"]).click()
    page.get_by_label("Gaji/upah baru per bulan (rupiah)").fill("5.250.000")
    page.get_by_role("button", name="Simpan gaji baru").click()
    assert "berlaku mulai bulan depan" in page.locator('[role="status"]').inner_text()
    assert rp(5_250_000) in page.locator("#wage-now").inner_text()

    # report a leaver: Eko's last month is this one
    page.goto(f"{base}/pemberi-kerja/pekerja/{cards['Eko Wibowo']}")
    page.locator("#month").fill(str(this))
    page.get_by_role("button", name="Laporkan keluar").click()
    assert "Pekerja keluar tercatat" in page.locator('[role="status"]').inner_text()
    assert "berakhir" in page.locator("#status-now").inner_text()

    # read the per-employee bill: this month on the old wage with Eko, next month on the new wage without
    with Session(engine) as s:
        run_billing(s, this + 1, actor=SYSTEM)  # next month's bill
    page.get_by_role("link", name="Tagihan").first.click()
    assert page.locator("#bill-details li").count() == 2
    page.locator("#bill-details li", has_text=format_month(this + 1, "id")).locator("a").first.click()
    rows = page.locator("#per-employee tbody tr")
    assert rows.count() == 1 and "Andi Saputra" in rows.inner_text() and rp(5_250_000) in rows.inner_text()
    next_amount = _amount(rows.first)
    page.go_back()
    page.locator("#bill-details li", has_text=format_month(this, "id")).locator("a").first.click()
    rows = page.locator("#per-employee tbody tr")
    assert rows.count() == 2
    andi, eko = rows.filter(has_text="Andi Saputra"), rows.filter(has_text="Eko Wibowo")
    assert rp(4_500_000) in andi.inner_text() and rp(6_000_000) in eko.inner_text()
    assert _amount(andi) * 5_250_000 == next_amount * 4_500_000  # the same rate on the new wage
    assert rp(_amount(andi) + _amount(eko)) in page.locator("#bill-summary").inner_text()


def _amount(row) -> int:
    """The last column of a per-employee row (the employee's contribution) in rupiah."""
    return int("".join(ch for ch in row.locator("td").last.inner_text() if ch.isdigit()))


def test_the_officers_day(site, login):
    """Branch officer: approve a request, post a counter payment; head office: reconcile a bank file."""
    base, world, engine = site.url, site.world, site.engine
    today = jakarta_today()
    # the morning: Siti asks to record her new address; a family registered yesterday comes to pay
    siti = login(world.users["siti"])
    siti.goto(base + "/peserta/perubahan/baru?kind=ADDRESS")
    siti.get_by_label("Alamat").fill("Jl. Gatot Subroto 45, Medan")
    for box in siti.locator("#uploads input[type=file]").all():
        box.set_input_files(files=[{"name": "ktp.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    siti.get_by_role("button", name="Kirim permohonan").click()
    with Session(engine) as s:
        family = register_family(s, head_nik="1271012506820009", name="Rahmat Hidayat", kabkota="12.71",
                                 fktp=world.fktp["FKTP"][0], registered_on=today - dt.timedelta(days=1), pay=False)
        run_billing(s, Month.of(today), actor=SYSTEM)
    card = family["head_card_number"]
    first = _open_bill(engine, card, Month.of(today))

    officer = login(world.users["medan"])
    # approve a request
    officer.get_by_role("link", name="Permohonan perubahan").click()
    officer.locator("#request-queue tbody tr", has_text="Siti Aminah").locator("a").first.click()
    assert "Gatot Subroto 45" in officer.content()
    for box in officer.locator("#approve-form input[name=documents]").all():
        box.check()
    officer.get_by_role("button", name="Setujui dan terapkan perubahan").click()
    assert "Permohonan disetujui" in officer.locator('[role="status"]').inner_text()
    officer.goto(f"{base}/petugas/peserta/{world.siti_card}")
    assert "Jl. Gatot Subroto 45, Medan" in officer.content()
    siti.goto(base + "/peserta/perubahan")
    assert "Disetujui" in siti.locator("#requests tbody tr").first.inner_text()

    # post a counter payment: the first contribution, the amount the counter shows as due
    officer.get_by_role("link", name="Loket").click()
    officer.get_by_label("No. kartu peserta atau kode badan usaha").fill(card)
    officer.get_by_role("button", name="Cari").click()
    assert "Rahmat Hidayat" in officer.locator("#payer").inner_text()
    assert rp(first) in officer.locator("#due").inner_text()
    assert officer.get_by_label("Jumlah bayar").input_value() == str(first)
    officer.get_by_role("button", name="Simpan pembayaran").click()
    reference = officer.locator("#receipt-reference").inner_text()
    assert reference.startswith("LOKET-") and rp(first) in officer.locator("#receipt-amount").inner_text()
    receipt = officer.context.request.get(f"{base}/petugas/loket/{reference}/kuitansi.pdf")
    assert receipt.status == 200 and receipt.body()[:4] == b"%PDF"
    officer.goto(f"{base}/petugas/peserta/{card}")
    statement = officer.locator(".statement").inner_text()
    assert reference in statement and "Lunas" in statement

    # reconcile a bank file: BNI posted two payments today; its file says another amount for one
    bni = _bank(site, "BNI")
    for ref, payer in (("BNI-0001", card), ("BNI-0002", world.bekasi_card)):
        assert bni.pay("88000" + payer, ref, 40_000).status_code == 201
    with Session(engine) as s:
        ours = h2h.statement_csv(s, load_auth(s, "BNI"), today)
    theirs = ours.replace(f"88000{world.bekasi_card},40000", f"88000{world.bekasi_card},45000")
    assert theirs != ours
    assert officer.goto(base + "/petugas/rekonsiliasi").status == 403  # banks settle with head office
    finance = login(world.users["head"])
    finance.get_by_role("link", name="Rekonsiliasi bank").click()
    finance.locator("#bank").select_option("BNI")
    finance.get_by_label("Tanggal transaksi").fill(today.isoformat())
    finance.set_input_files("#file", files=[{"name": "bni.csv", "mimeType": "text/csv", "buffer": theirs.encode()}])
    finance.get_by_role("button", name="Cocokkan").click()
    rows = finance.locator("#mismatches tbody tr")
    assert rows.count() == 1 and "BNI-0002" in rows.inner_text() and "Jumlah berbeda" in rows.inner_text()
    summary = finance.locator("#reconcile-summary").inner_text()
    assert "Cocok: 1" in summary and rp(85_000) in summary and rp(80_000) in summary
