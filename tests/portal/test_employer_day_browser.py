"""Issue #15, the employer's day in a real browser (Debian chromium via playwright): the template's
own sample rows import; the whole result comes back as XLSX, every row with its card number, and
for a refused file every row with all its errors; a wage is updated from the next month; the month's
bill per employee and its invoice (PDF)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from portal_world import staff_csv
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.billing.runs import run_billing
from jkn.services.membership.change_requests import next_month
from jkn.services.membership.common import jakarta_today
from jkn.services.portal.audit import SYSTEM

pytestmark = pytest.mark.browser


def _rows(xlsx: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(xlsx), read_only=True)["hasil"]
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def test_the_employer_imports_the_template_reads_every_card_and_updates_a_wage(site, login):
    base, world = site.url, site.world
    page = login(world.users["pt"])
    page.get_by_role("link", name="Pendaftaran kolektif").first.click()
    template = page.context.request.get(base + "/pemberi-kerja/templat.xlsx")
    assert template.status == 200

    # a refused file: every row in the result, the bad one with its error, none registered
    page.set_input_files("#file", files=[{"name": "pekerja.csv", "mimeType": "text/csv",
                                          "buffer": staff_csv(world, bad_row=True)}])
    with page.expect_download() as refused:
        page.locator("#upload-xlsx").click()
    rows = _rows(open(refused.value.path(), "rb").read())
    assert rows[0][:7] == ("baris", "nik", "nama", "hubungan", "no_kartu", "status", "kesalahan")
    assert [r[0] for r in rows[1:]] == [2, 3, 4] and all(not r[4] for r in rows[1:])
    assert "nik" in rows[3][6].lower() and rows[3][5] == "Ditolak"

    # the template as downloaded: its sample rows import, and the result names both cards
    page.set_input_files("#file", files=[{"name": "templat.xlsx", "buffer": template.body(),
                                          "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    with page.expect_download() as done:
        page.locator("#upload-xlsx").click()
    rows = _rows(open(done.value.path(), "rb").read())
    assert len(rows) == 3 and all(r[5] == "Terdaftar" and len(r[4]) == 13 for r in rows[1:])
    head_card = rows[1][4]

    # a new wage from next month on the employee's page
    page.get_by_role("link", name="Pekerja").first.click()
    page.get_by_role("link", name=head_card).click()
    page.get_by_label("Gaji/upah baru per bulan (rupiah)").fill("5.250.000")
    page.get_by_role("button", name="Simpan gaji baru").click()
    assert page.locator('[role="alert"]').count() == 0, page.locator('[role="alert"]').inner_text()
    assert "berlaku mulai bulan depan" in page.locator('[role="status"]').inner_text()
    assert "5.250.000" in page.locator("#wage-now").inner_text()
    history = page.locator("#wage-changes tbody tr").first.inner_text()
    assert "5.250.000" in history and str(next_month(jakarta_today()).year) in history
    # another company's employee is not this administrator's to change
    assert page.goto(f"{base}/pemberi-kerja/pekerja/{world.medan_card}").status == 403

    # the month is billed: the bill per employee, and its invoice
    with Session(site.engine) as s:
        run_billing(s, Month.of(jakarta_today()), actor=SYSTEM)
    page.goto(base + "/pemberi-kerja/tagihan")
    page.locator("#bill-details a").first.click()
    rows = page.locator("#per-employee tbody tr")
    assert rows.count() == 1 and head_card in rows.first.inner_text()
    assert "(2 baris iuran)" not in rows.first.inner_text()  # the spouse is in the worker's contribution
    pdf = page.context.request.get(base + page.locator("#invoice-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.body()[:4] == b"%PDF"
    # another employer's bill is not found here
    assert page.goto(f"{base}/pemberi-kerja/tagihan/999999").status == 404
