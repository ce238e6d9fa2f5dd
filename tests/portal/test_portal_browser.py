"""The portal in a real browser (Debian chromium via playwright): an officer registers a family
and prints its card; an employer uploads a file with one bad row and sees it named; participants
change FKTP (refused before 3 months, accepted after) and file a complaint that reaches the right
branch's queue; a facility writes a referral and issues an SEP; an officer cannot open another
branch's participant; every page works under the strict Content-Security-Policy
(issue #10)."""

from __future__ import annotations

import re

import pytest
from portal_world import PASSWORD, staff_csv

pytestmark = pytest.mark.browser


def test_login_is_refused_with_a_wrong_password_and_csrf_is_required(browser, site):
    base, world = site.url, site.world
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/masuk")
    page.get_by_label("Nama pengguna").fill(world.users["medan"])
    page.get_by_label("Kata sandi").fill("salah-sekali")
    page.get_by_role("button", name="Masuk").click()
    assert "Nama pengguna atau kata sandi salah." in page.locator('[role="alert"]').inner_text()
    # a form posted without the session's token is refused
    response = page.request.post(base + "/masuk", form={"username": world.users["medan"], "password": PASSWORD})
    assert response.status == 403
    context.close()


def test_officer_registers_a_family_and_prints_the_card(login, site):
    base, world = site.url, site.world
    page = login(world.users["medan"])
    assert page.url.endswith("/petugas")
    page.get_by_role("link", name="Daftarkan peserta / keluarga").click()
    page.get_by_label("Segmen").select_option("PBPU_MANDIRI")
    page.wait_for_selector("#checklist input[name=documents]")  # the rules engine's list, via HTMX
    page.get_by_label("NIK", exact=True).first.fill("1271011707910009")
    page.locator("#name").fill("Hendra Siregar")
    page.locator("#marital_status").select_option("MARRIED")
    page.locator("#kabkota_code").select_option("12.71")
    page.locator("#fktp_code").select_option(world.fktp["FKTP"][1])
    page.locator("#care_class").select_option("II")
    page.locator("#m0_nik").fill("1271016008930010")
    page.locator("#m0_name").fill("Maya Siregar")
    page.locator("#m0_relationship").select_option("SPOUSE")
    page.locator("#m0_marital_status").select_option("MARRIED")
    page.wait_for_selector("#checklist >> text=surat nikah")  # married: the marriage certificate is asked
    boxes = page.locator("#checklist input[name=documents]")
    # first without the marriage certificate: refused, and nothing is registered
    for i in range(boxes.count()):
        if "nikah" not in page.locator("#checklist label").nth(i).inner_text():
            boxes.nth(i).check()
    page.get_by_role("button", name="Daftarkan").click()
    assert "Dokumen belum ditunjukkan" in page.locator('[role="alert"]').inner_text()
    page.locator("#checklist label", has_text="surat nikah").locator("input").check()
    page.get_by_role("button", name="Daftarkan").click()
    assert "/petugas/keluarga/" in page.url
    assert "Pendaftaran tersimpan" in page.locator('[role="status"]').inner_text()
    members = page.locator("#family-members tbody tr")
    assert members.count() == 2
    head_card = members.nth(0).locator("td").first.inner_text().strip()
    assert re.fullmatch(r"\d{13}", head_card) and head_card.startswith(world.medan_branch)
    link = members.nth(0).get_by_role("link", name=re.compile("Cetak kartu"))
    pdf = page.request.get(base + link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:4] == b"%PDF"
    page.goto(base + "/petugas/audit")
    audit = page.locator("#audit").inner_text()
    assert "Cetak kartu peserta" in audit and "Pendaftaran peserta" in audit


def test_employer_upload_names_the_bad_row(login, site):
    base, world = site.url, site.world
    page = login(world.users["pt"])
    page.get_by_role("link", name="Pendaftaran kolektif").first.click()
    page.set_input_files("#file", files=[{"name": "pekerja.csv", "mimeType": "text/csv",
                                          "buffer": staff_csv(world, bad_row=True)}])
    page.get_by_role("button", name="Unggah dan periksa").click()
    assert "ditolak" in page.locator('[role="alert"]').inner_text()
    rows = page.locator("#row-errors tbody tr")
    assert rows.count() == 1
    cells = rows.first.locator("td")
    assert cells.nth(0).inner_text() == "4" and cells.nth(1).inner_text() == "nik"
    assert "127101520389000" in cells.nth(2).inner_text()
    page.goto(base + "/pemberi-kerja")
    assert "Eko Wibowo" not in page.locator("#staff").inner_text()  # all or nothing
    # corrected, the same file registers everyone
    page.goto(base + "/pemberi-kerja/unggah")
    page.set_input_files("#file", files=[{"name": "pekerja.csv", "mimeType": "text/csv",
                                          "buffer": staff_csv(world, bad_row=False)}])
    page.get_by_role("button", name="Unggah dan periksa").click()
    assert "3 peserta terdaftar" in page.locator('[role="status"]').inner_text()
    page.get_by_role("link", name="Pekerja").first.click()
    staff = page.locator("#staff").inner_text()
    assert "Andi Saputra" in staff and "Eko Wibowo" in staff and "6.000.000" in staff
    page.get_by_role("link", name="Tagihan").first.click()
    assert page.locator(".statement").count() == 1


def test_participant_fktp_change_three_month_rule_and_complaint_routing(login, site):
    base, world = site.url, site.world
    # Siti registered today: refused, with the rule's reason
    siti = login(world.users["siti"])
    siti.goto(base + "/peserta/fktp")
    assert "belum dapat" in siti.locator("#fktp-rule").inner_text()
    # the participant ticks no "documents shown": the online form is the FPDP, the card is the account's
    assert siti.locator("#fktp-form input[name=documents]").count() == 0
    siti.get_by_role("button", name="Ajukan pindah FKTP").click()
    assert "Pindah FKTP belum dapat dilakukan pada" in siti.locator('[role="alert"]').inner_text()
    # Budi registered four months ago: accepted
    budi = login(world.users["budi"])
    budi.goto(base + "/peserta/fktp")
    assert "dapat pindah FKTP hari ini" in budi.locator("#fktp-rule").inner_text()
    new_fktp = budi.locator("#fktp_code option").first.get_attribute("value")
    budi.get_by_role("button", name="Ajukan pindah FKTP").click()
    assert "FKTP Anda telah diganti" in budi.locator('[role="status"]').inner_text()
    budi.get_by_role("link", name="Kepesertaan").click()
    assert new_fktp in budi.locator("#membership").inner_text()
    assert "Hak kelas rawat: kelas III" in budi.locator("#room-class").inner_text()
    # reasons with citations, behind "Dasar perhitungan"
    budi.locator("#room-class summary").first.click()
    assert "Panduan Peserta" in budi.locator("#room-class .explain").first.inner_text()
    # a complaint from Budi goes to the Medan branch
    budi.get_by_role("link", name="Pengaduan").first.click()
    budi.get_by_label("Perihal").fill("Antrean di FKTP lama")
    budi.get_by_label("Uraian").fill("Menunggu lebih dari tiga jam.")
    budi.get_by_role("button", name="Kirim pengaduan").click()
    number = budi.locator("h1").inner_text().split()[-1]
    assert number.startswith(world.medan_branch + "-")
    assert "Medan" in budi.locator("#complaint-branch").inner_text()
    medan = login(world.users["medan"])
    medan.goto(base + "/pengaduan")
    assert number in medan.locator("#complaint-list").inner_text()
    medan.get_by_role("link", name=number).click()
    medan.get_by_label("Jawaban untuk pelapor").fill("Kami telah menegur FKTP tersebut.")
    medan.get_by_role("button", name="Kirim jawaban").click()
    assert medan.locator("#complaint-status").inner_text() == "Dijawab"
    assert medan.locator("#time-taken").inner_text()
    bekasi = login(world.users["bekasi"])
    bekasi.goto(base + "/pengaduan")
    assert number not in bekasi.locator("#complaint-list").inner_text()
    budi.goto(base + f"/pengaduan/{number}")
    assert "Kami telah menegur" in budi.locator("#complaint-answer").inner_text()
    budi.get_by_role("button", name="Tutup pengaduan").click()
    assert budi.locator("#complaint-list").inner_text().count("Ditutup") == 1


def test_facility_writes_a_referral_and_issues_an_sep(login, site):
    base, world = site.url, site.world
    card = world.medan_spouse_card
    puskesmas = login(world.users["puskesmas"])
    puskesmas.get_by_label("Nomor kartu atau NIK").fill(card)
    puskesmas.get_by_role("button", name="Cek").click()
    assert puskesmas.locator("#eligibility-status").inner_text() == "AKTIF"
    puskesmas.get_by_role("link", name="Buat rujukan").click()
    puskesmas.locator("#pick-poli").select_option("INT")
    puskesmas.get_by_role("button", name="Cari rumah sakit").click()
    puskesmas.locator(f"#hospitals input[value='{world.fktp['FKRTL'][0]}']").check()
    puskesmas.get_by_label("Diagnosa (ICD-10)").fill("I10")
    puskesmas.get_by_role("button", name="Buat rujukan").click()
    referral = puskesmas.locator("#referral-number").inner_text().strip()
    assert referral
    rs = login(world.users["rs"])
    rs.goto(base + f"/faskes/sep?card={card}")
    rs.get_by_label("Nomor rujukan").fill(referral)
    rs.locator("#poli").select_option("INT")
    rs.get_by_label("Diagnosa (ICD-10)").fill("I10")
    rs.get_by_role("button", name="Terbitkan SEP").click()
    assert "/faskes/sep/" in rs.url, rs.locator('[role="alert"]').all_inner_texts()
    number = rs.locator("#sep-number").inner_text()
    letter = rs.request.get(base + rs.locator("#print-sep").get_attribute("href"))
    assert letter.status == 200 and letter.body()[:4] == b"%PDF"
    # another facility cannot open it
    assert puskesmas.goto(base + f"/faskes/sep/{number}").status == 403


def test_branch_officer_cannot_open_another_branchs_participant(login, site):
    base, world = site.url, site.world
    bekasi = login(world.users["bekasi"])
    response = bekasi.goto(base + f"/petugas/peserta/{world.medan_card}")
    assert response.status == 403
    assert "di luar wilayah kerja Anda" in bekasi.locator('[role="alert"]').inner_text()
    assert bekasi.goto(base + f"/petugas/peserta/{world.medan_card}/kartu.pdf").status == 403
    bekasi.goto(base + f"/petugas?q={world.medan_card}")
    assert world.medan_card not in bekasi.locator("#participants tbody").inner_text()
    assert bekasi.goto(base + f"/petugas/peserta/{world.bekasi_card}").status == 200


def test_dashboard_and_english_on_a_phone(login, site):
    base, world = site.url, site.world
    head = login(world.users["head"], viewport=(390, 844))
    head.goto(base + "/dasbor")
    assert head.locator("#by-unit tbody tr").count() == 13  # the deputy regions
    assert head.locator("#month-shown").inner_text().startswith("Menampilkan ")  # which month, and why
    head.get_by_role("link", name="English").click()
    assert head.locator("h1").inner_text() == "National dashboard"
    csv = head.request.get(base + head.locator("#csv-link").get_attribute("href"))
    assert csv.status == 200 and csv.text().splitlines()[0].startswith("level,unit,month,code,name,participants")
    # no horizontal scrolling of the page itself on a phone (wide tables scroll in their box)
    assert head.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_pages_and_htmx_work_under_the_strict_content_security_policy(login, site):
    """Issue #10: every page is served with a CSP that allows no inline script, style or eval;
    the pages still work (HTMX requests included) and the browser reports no violation."""
    base, world = site.url, site.world
    page = login(world.users["medan"])
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: violations.append(str(e)))
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI))")
    response = page.goto(base + "/petugas/daftar")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.get_by_label("Segmen").select_option("PBPU_MANDIRI")
    page.wait_for_selector("#checklist input[name=documents]")  # HTMX, after the first swap ...
    with page.expect_response(lambda r: "/petugas/daftar/dokumen" in r.url and r.status == 200):
        page.locator("#marital_status").select_option("MARRIED")  # ... and after it
    assert page.evaluate("window.__csp || []") == []
    page.goto(base + "/")
    with page.expect_response(lambda r: "/cari" in r.url and r.status == 200):
        page.locator("#q").fill("Medan")  # the public search, HTMX with a delay
    page.wait_for_selector("#search-results")
    page.goto(base + "/dasbor")
    assert page.locator("#by-unit svg.meter rect.fill").count() >= 1  # bars without inline style
    widths = page.locator("#by-unit svg.meter").evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
    assert all(w > 0 for w in widths)
    assert page.goto(base + f"/petugas/peserta/{world.bekasi_card}").status == 403  # the error page
    page.goto(base + "/petugas/audit?action=login.failed")
    assert page.evaluate("window.__csp || []") == [] and violations == []
