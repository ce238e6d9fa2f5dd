"""The FKTP desk in a real browser (Debian chromium via playwright, issue #14): a puskesmas clerk
registers a participant in today's queue, examines them (vital signs, diagnosis, therapy,
outcome), adds a drug and a procedure, refers them through the hospital picker (nearest ring
first, the clinic asked for marked; a hospital outside the kab/kota needs the reason), prints the
referral letter and finds the visit and the referral in their lists. A hospital's staff do not
get these pages."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from jkn.services.care import facilities, pcare_codes
from jkn.services.portal.audit import SYSTEM

pytestmark = pytest.mark.browser
OUTCOMES = "kode,nama\n3,Berobat Jalan\n4,Rujuk Vertikal\n"


@pytest.fixture(scope="module")
def deli_serdang(site):
    """A partner hospital in another kab/kota of the same province, and a specialist of internal
    medicine at the Medan hospital (so the picker can say which one runs the clinic)."""
    world = site.world
    with Session(site.engine) as s:
        code = facilities.register_facility(s, actor=SYSTEM, name="RSUD DELI SERDANG", facility_type="RSUD",
                                            kabkota_code="12.07")["code"]
        facilities.add_staff(s, world.fktp["FKRTL"][0], actor=SYSTEM, name="dr. Sari, Sp.PD", role="SPECIALIST",
                             poli_code="INT")
        pcare_codes.load(s, "statuspulang-rj", OUTCOMES, actor=SYSTEM)
    return code


def test_fktp_desk_queue_visit_drugs_referral_letter_and_lists(login, site, deli_serdang):
    base, world = site.url, site.world
    card = world.medan_card
    desk = login(world.users["puskesmas"])
    menu = desk.get_by_role("navigation")
    assert menu.get_by_role("link", name="Pelayanan hari ini").count() == 1
    assert menu.get_by_role("link", name="SEP").count() == 0 and menu.get_by_role("link", name="Daftar SEP").count() == 0

    # today's queue: register, then a second registration at the same clinic is refused
    menu.get_by_role("link", name="Pelayanan hari ini").click()
    desk.get_by_label("Nomor kartu").fill(card)
    desk.locator("#poli").select_option("INT")
    desk.get_by_label("Keluhan").fill("pusing dan tengkuk berat")
    desk.get_by_role("button", name="Daftarkan").click()
    assert desk.get_by_role("status").inner_text() == "Peserta terdaftar di antrean."
    row = desk.locator("#queue tbody tr", has_text=card)
    assert row.count() == 1 and "Menunggu" in row.inner_text()
    number = row.locator("td").first.inner_text().strip()
    desk.get_by_label("Nomor kartu").fill(card)
    desk.locator("#poli").select_option("INT")
    desk.get_by_role("button", name="Daftarkan").click()
    assert f"nomor antrean {number}" in desk.get_by_role("alert").inner_text()
    assert desk.locator("#queue tbody tr", has_text=card).count() == 1

    # examine from the queue: the form carries the card, the clinic and the complaint
    desk.locator("#queue tbody tr", has_text=card).get_by_role("link", name="Periksa").click()
    assert desk.get_by_label("Nomor kartu").input_value() == card
    assert desk.get_by_label("Keluhan").input_value() == "pusing dan tengkuk berat"
    desk.get_by_label("Sistole (mmHg)").fill("150")
    desk.get_by_label("Diastole (mmHg)").fill("95")
    desk.get_by_label("Nadi (/menit)").fill("88")
    desk.get_by_label("Diagnosa (ICD-10)").fill("I10")
    desk.get_by_label("Terapi", exact=True).fill("Amlodipin 1 x 5 mg, diet rendah garam")
    desk.get_by_label("Status pulang").select_option("4")
    desk.get_by_label("Sistole (mmHg)").fill("abc")
    desk.get_by_role("button", name="Simpan kunjungan").click()
    assert desk.get_by_role("alert").inner_text() == "sistole harus berupa angka."
    desk.get_by_label("Sistole (mmHg)").fill("150")
    desk.get_by_role("button", name="Simpan kunjungan").click()
    assert desk.get_by_role("status").inner_text() == "Kunjungan tersimpan."
    visit = desk.locator("#visit-number").inner_text()
    assert "Sistole (mmHg) 150" in desk.locator("#vitals").inner_text()
    assert "Rujuk Vertikal" in desk.content()

    # a drug and a procedure
    drug = desk.locator("#drug-form")
    drug.get_by_label("Nama obat (non-DPHO)").fill("Amlodipin 5 mg")
    drug.locator("input[name=signa1]").fill("1")
    drug.locator("input[name=signa2]").fill("1")
    drug.get_by_label("Jumlah").fill("30")
    drug.get_by_role("button", name="Tambah obat").click()
    assert desk.get_by_role("status").inner_text() == "Obat tersimpan."
    assert "Amlodipin 5 mg" in desk.locator("#drugs").inner_text()
    proc = desk.locator("#procedure-form")
    proc.get_by_label("Kode tindakan").fill("EKG01")
    proc.get_by_label("Biaya").fill("50000")
    proc.get_by_role("button", name="Tambah tindakan").click()
    assert "EKG01" in desk.locator("#procedures").inner_text()

    # the referral through the picker: the Medan hospital first, marked as running the clinic
    desk.get_by_role("link", name="Rujuk ke rumah sakit").click()
    assert desk.get_by_label("Nomor kartu").input_value() == card
    assert desk.get_by_label("Diagnosa (ICD-10)").input_value() == "I10"
    desk.locator("#pick-poli").select_option("INT")
    desk.get_by_role("button", name="Cari rumah sakit").click()
    near = desk.locator("#ring-kabkota")
    assert world.fktp["FKRTL"][0] in near.inner_text() and "Poli tersedia" in near.inner_text()
    assert deli_serdang in desk.locator("#ring-province").inner_text()  # Deli Serdang: branch Lubuk Pakam
    assert world.fktp["FKRTL"][1] not in desk.locator("#hospitals").inner_text()  # Bekasi: another province
    assert desk.locator("#hospitals fieldset").first.get_attribute("id") == "ring-kabkota"
    # outside the kab/kota without a reason: refused, nothing written
    desk.locator(f"#hospitals input[value='{deli_serdang}']").check()
    desk.get_by_role("button", name="Buat rujukan").click()
    assert "alasan" in desk.get_by_role("alert").inner_text().lower()
    assert desk.locator("#referral-number").count() == 0
    desk.locator(f"#hospitals input[value='{deli_serdang}']").check()
    desk.get_by_label("Alasan dirujuk ke luar kabupaten/kota", exact=False).fill("dokter Sp.PD di Medan cuti")
    desk.get_by_role("button", name="Buat rujukan").click()
    referral = desk.locator("#referral-number").inner_text().strip()
    letter = desk.request.get(base + f"/faskes/rujukan/{referral}/surat.pdf")
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")

    # the lists with search
    desk.get_by_role("navigation").get_by_role("link", name="Daftar rujukan").click()
    desk.get_by_label("Nomor kartu, nomor rujukan atau nama").fill(card)
    desk.get_by_role("button", name="Cari").click()
    rows = desk.locator("#referrals tbody tr")
    assert rows.count() == 1 and referral in rows.inner_text() and "RSUD DELI SERDANG" in rows.inner_text()
    desk.get_by_role("navigation").get_by_role("link", name="Kunjungan").click()
    desk.get_by_label("Nomor kartu, nomor kunjungan atau nama").fill("Budi")
    desk.get_by_role("button", name="Cari").click()
    assert visit in desk.locator("#visits").inner_text()
    desk.get_by_label("Nomor kartu, nomor kunjungan atau nama").fill("0000000000000")
    desk.get_by_role("button", name="Cari").click()
    assert desk.locator("#visits").count() == 0 and "Tidak ada kunjungan" in desk.content()

    # the queue entry is served by the visit
    desk.get_by_role("navigation").get_by_role("link", name="Pelayanan hari ini").click()
    assert "Sudah dilayani" in desk.locator("#queue tbody tr", has_text=card).inner_text()
    assert visit in desk.locator("#visits").inner_text()

    # a hospital's staff: no FKTP desk
    rs = login(world.users["rs"])
    assert rs.get_by_role("navigation").get_by_role("link", name="Pelayanan hari ini").count() == 0
    assert rs.goto(base + "/faskes/antrean").status == 403
    assert rs.goto(base + f"/faskes/kunjungan/{visit}").status == 403
