"""Issue #15, the participant's day in a real browser (Debian chromium via playwright): the service
history (visits, referrals, SEPs) of the participant and of a family member; a newborn asked for
with its birth certificate uploaded, approved by the branch officer; an address change refused with
a reason; the spouse's own sign-up and password reset with one-time codes."""

from __future__ import annotations

import datetime as dt

import pytest
from membership.membership_helpers import nik
from sqlalchemy.orm import Session
from support.otp_outbox import last_code

from jkn.services.care import primary_care, referrals, sep
from jkn.services.care.common import jakarta_today
from jkn.services.membership import registration
from jkn.services.membership.common import get_participant
from jkn.services.portal.audit import SYSTEM

pytestmark = pytest.mark.browser


def _care_for(site) -> dict:
    """Budi saw his FKTP ten days ago, was referred to the hospital, and went there today as an emergency."""
    world = site.world
    today = jakarta_today()
    with Session(site.engine) as s:
        visit = primary_care.record_visit(s, actor=SYSTEM, card_number=world.medan_card,
                                          facility_code=world.fktp["FKTP"][0],
                                          visit_date=today - dt.timedelta(days=10), diagnosis="I10")
        referral = referrals.create_referral(s, actor=SYSTEM, card_number=world.medan_card,
                                             from_facility=world.fktp["FKTP"][0], referral_date=today - dt.timedelta(days=10),
                                             diagnosis="I10", poli="INT", to_facility=world.fktp["FKRTL"][0])
        letter = sep.insert_sep(s, actor=SYSTEM, card_number=world.medan_card, sep_date=today,
                                facility_code=world.fktp["FKRTL"][0], service_type="2", diagnosis="A09", poli="IGD",
                                emergency=True)
    return {"visit": visit, "referral": referral["number"], "sep": letter["number"]}


def test_the_participant_reads_the_family_service_history(site, login):
    care = _care_for(site)
    base, world = site.url, site.world
    page = login(world.users["budi"])
    page.get_by_role("link", name="Riwayat pelayanan").click()
    page.wait_for_load_state()
    assert page.url.endswith("/peserta/riwayat")
    visits = page.locator("#visits tbody tr")
    assert visits.count() == 1 and "I10" in visits.inner_text()
    assert care["referral"] in page.locator("#referrals").inner_text()
    seps = page.locator("#seps tbody tr")
    assert seps.count() == 1 and care["sep"] in seps.inner_text() and "Rawat jalan" in seps.inner_text()
    # the spouse's history: nothing yet
    page.locator("#card").select_option(world.medan_spouse_card)
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_load_state()
    assert page.locator("#no-visits").count() == 1 and page.locator("#no-seps").count() == 1
    # another family's history is not theirs to read
    assert page.goto(f"{base}/peserta/riwayat?card={world.bekasi_card}").status == 403


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_participant_asks_for_a_newborn_and_sees_it_approved_then_an_address_refused(site, login):
    base, world = site.url, site.world
    born = jakarta_today() - dt.timedelta(days=3)
    baby = nik(born, "L", "1271")
    budi = login(world.users["budi"])
    budi.get_by_role("link", name="Perubahan data").click()
    budi.get_by_role("link", name="Kelahiran").first.click()
    budi.get_by_label("NIK", exact=True).fill(baby)
    budi.get_by_label("Nama", exact=True).fill("Bayu Santoso")
    budi.locator("#member_birth_date").fill(born.isoformat())
    # the form is the request itself; the birth certificate is a file. A text file is refused.
    upload = budi.locator("#uploads input[type=file]")
    assert upload.count() == 1 and "FPDP" in budi.locator("#uploads .self").first.inner_text()
    upload.set_input_files(files=[{"name": "akta.pdf", "mimeType": "application/pdf", "buffer": b"bukan pdf"}])
    budi.get_by_role("button", name="Kirim permohonan").click()
    assert "bukan PDF, JPG atau PNG" in budi.locator('[role="alert"]').inner_text()
    assert budi.get_by_label("NIK", exact=True).input_value() == baby  # what was typed stays
    budi.locator("#uploads input[type=file]").set_input_files(
        files=[{"name": "akta.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    budi.get_by_role("button", name="Kirim permohonan").click()
    assert "Permohonan terkirim" in budi.locator('[role="status"]').inner_text()
    assert "Menunggu pemeriksaan" in budi.locator("#requests tbody tr").first.inner_text()

    officer = login(world.users["medan"])
    officer.get_by_role("link", name="Permohonan perubahan").click()
    officer.locator("#request-queue tbody a").first.click()
    assert "Bayu Santoso" in officer.locator("#request-member").inner_text()
    link = officer.locator("a.file-link").first
    pdf = officer.context.request.get(base + link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body() == PDF and pdf.headers["content-type"] == "application/pdf"
    officer.locator("#approve-form input[name=documents]").first.check()
    officer.get_by_role("button", name="Setujui dan terapkan perubahan").click()
    assert "Permohonan disetujui" in officer.locator('[role="status"]').inner_text()
    # another branch's officer sees no such request and may not open it
    other = login(world.users["bekasi"])
    other.goto(base + "/petugas/permohonan")
    assert other.locator("#no-requests").count() == 1

    budi.goto(base + "/peserta/perubahan")
    assert "Disetujui" in budi.locator("#requests tbody tr").first.inner_text()
    budi.get_by_role("link", name="Kartu").click()
    assert "Bayu Santoso" in budi.content()

    # an address change refused with a reason the participant reads
    budi.goto(base + "/peserta/perubahan/baru?kind=ADDRESS")
    budi.get_by_label("Alamat").fill("Jl. Sisingamangaraja 12, Medan")
    for box in budi.locator("#uploads input[type=file]").all():
        box.set_input_files(files=[{"name": "ktp.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    budi.get_by_role("button", name="Kirim permohonan").click()
    officer.goto(base + "/petugas/permohonan")
    officer.locator("#request-queue tbody a").first.click()
    officer.get_by_label("Alasan penolakan (dibaca peserta)").fill("Foto KTP tidak terbaca, mohon unggah ulang.")
    officer.get_by_role("button", name="Tolak permohonan").click()
    assert "Permohonan ditolak" in officer.locator('[role="status"]').inner_text()
    budi.goto(base + "/peserta/perubahan")
    assert "Foto KTP tidak terbaca" in budi.locator("#requests tbody tr").first.inner_text()


def _sign_in(page, user: str, password: str) -> None:
    page.get_by_label("Nama pengguna").fill(user)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    assert page.url.endswith("/peserta")


def test_the_spouse_signs_up_with_a_one_time_code_then_resets_the_password(site, browser):
    base, world = site.url, site.world
    with Session(site.engine) as s:
        maya = registration.participant_view(s, get_participant(s, world.medan_spouse_card))
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(base + "/masuk")
        page.get_by_role("link", name="Daftar di sini").click()
        page.get_by_label("Nomor kartu JKN-KIS").fill(maya["card_number"])
        page.get_by_label("NIK").fill(maya["nik"])
        page.get_by_label("Tanggal lahir").fill("1990-01-01")  # wrong: refused without saying what
        page.get_by_label("Email atau nomor HP").fill("maya.browser@contoh.id")
        page.get_by_role("button", name="Kirim kode verifikasi").click()
        assert "tidak cocok" in page.locator('[role="alert"]').inner_text()
        page.get_by_label("Tanggal lahir").fill(maya["birth_date"])
        page.get_by_role("button", name="Kirim kode verifikasi").click()
        assert "ma***@contoh.id" in page.locator("#code-sent").inner_text()
        page.get_by_label("Kode verifikasi (6 angka)").fill(last_code("maya.browser@contoh.id"))
        page.get_by_label("Nama pengguna").fill("maya.siregar")
        page.locator("#password").fill("sandi-maya-2025")
        page.locator("#repeat_password").fill("sandi-maya-2025")
        page.get_by_role("button", name="Buat akun").click()
        assert "Akun Anda sudah dibuat" in page.locator('[role="status"]').inner_text()
        _sign_in(page, "maya.siregar", "sandi-maya-2025")
        page.get_by_role("button", name="Keluar").click()

        page.goto(base + "/masuk")
        page.get_by_role("link", name="Lupa kata sandi?").click()
        page.get_by_label("Nama pengguna").fill("maya.siregar")
        page.get_by_role("button", name="Kirim kode verifikasi").click()
        page.get_by_label("Kode verifikasi (6 angka)").fill(last_code("maya.browser@contoh.id"))
        page.locator("#new_password").fill("sandi-baru-maya-7")
        page.locator("#repeat_password").fill("sandi-baru-maya-7")
        page.get_by_role("button", name="Simpan kata sandi baru").click()
        assert "Kata sandi baru tersimpan" in page.locator('[role="status"]').inner_text()
        _sign_in(page, "maya.siregar", "sandi-baru-maya-7")
    finally:
        context.close()
