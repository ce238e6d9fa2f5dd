"""The FKTP desk in a real browser (Debian chromium via playwright, issue #14): a puskesmas clerk
registers a participant in today's queue, examines them (vital signs, diagnosis, therapy,
outcome), adds a drug and a procedure, refers them through the hospital picker (nearest ring
first, the clinic asked for marked; a hospital outside the kab/kota needs the reason), prints the
referral letter and finds the visit and the referral in their lists. A hospital's staff do not
get these pages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.services.care import facilities, pcare_codes
from jkn.services.portal.audit import SYSTEM
from jkn.store.membership_tables import ParticipantRow
from jkn.store.primary_care_tables import FktpRegistrationRow

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
    desk.get_by_label("Suhu (°C)").fill("37.5")
    desk.get_by_label("Diagnosa (ICD-10)").fill("I10")
    desk.get_by_label("Terapi", exact=True).fill("Amlodipin 1 x 5 mg, diet rendah garam")
    desk.get_by_label("Status pulang").select_option("4")
    desk.get_by_label("Sistole (mmHg)").fill("abc")
    desk.get_by_role("button", name="Simpan kunjungan").click()
    assert desk.get_by_role("alert").inner_text() == "Sistole (mmHg) harus berupa angka."  # the label, not P-Care's name
    desk.get_by_label("Sistole (mmHg)").fill("-5")
    desk.get_by_role("button", name="Simpan kunjungan").click()
    assert desk.get_by_role("alert").inner_text() == "Sistole (mmHg) harus 0 atau lebih dan kurang dari 1.000."
    desk.get_by_label("Sistole (mmHg)").fill("150")
    desk.get_by_role("button", name="Simpan kunjungan").click()
    assert desk.get_by_role("status").inner_text() == "Kunjungan tersimpan."
    visit = desk.locator("#visit-number").inner_text()
    assert "Sistole (mmHg) 150" in desk.locator("#vitals").inner_text()
    assert "Suhu (°C) 37,5" in desk.locator("#vitals").inner_text()  # the decimal comma of an Indonesian page
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


def test_participant_takes_a_number_sees_the_queue_move_checks_in_and_cancels(login, site):  # noqa: F811
    import re

    base, world = site.url, site.world
    desk = login(world.users["puskesmas"])
    desk.goto(base + "/faskes/antrean")
    for card in (world.medan_spouse_card, world.medan_card):  # two already waiting at the children's clinic
        desk.get_by_label("Nomor kartu").fill(card)
        desk.locator("#poli").select_option("ANA")
        desk.get_by_role("button", name="Daftarkan").click()
        assert desk.get_by_role("status").inner_text() == "Peserta terdaftar di antrean."

    siti = login(world.users["siti"])
    siti.get_by_role("navigation").get_by_role("link", name="Antrean").click()
    siti.get_by_label("Poli").select_option("ANA")
    siti.get_by_label("Keluhan").fill("anak demam")
    siti.get_by_role("button", name="Ambil antrean").click()
    assert siti.get_by_role("status").inner_text() == "Nomor antrean Anda sudah diambil."
    mine = siti.locator(".queue-entry").first
    number = mine.locator(".queue-number").inner_text()
    assert mine.locator(".queue-ahead").inner_text() == "2" and mine.locator(".queue-status").inner_text() == "Menunggu"
    assert "belum dapat diperkirakan" in mine.locator(".queue-estimate").inner_text()
    # a second number at the same clinic and day is refused with the number she holds
    siti.get_by_label("Poli").select_option("ANA")
    siti.get_by_role("button", name="Ambil antrean").click()
    assert f"nomor antrean {number}" in siti.get_by_role("alert").inner_text()
    assert siti.locator(".queue-entry").count() == 1
    # the form offers the days a number can be taken for and no hospital unit; a day further ahead or
    # the ICU sent anyway (a tampered form) is refused with the reason, nothing taken (A-Q25, A-Q26)
    from jkn.services.care.common import jakarta_today
    from jkn.services.care.queues import QUEUE_DAYS
    assert siti.locator("#date option").count() == QUEUE_DAYS
    assert siti.locator("#poli option[value='ICU']").count() == 0
    far = (jakarta_today() + dt.timedelta(days=QUEUE_DAYS)).isoformat()
    for poli, day, words in (("GIG", far, "terlalu jauh"), ("ICU", None, "bukan poli FKTP")):
        siti.locator("#poli").evaluate(f"s => s.add(new Option('x', '{poli}', true, true))")
        if day:
            siti.locator("#date").evaluate(f"s => s.add(new Option('x', '{day}', true, true))")
        siti.get_by_role("button", name="Ambil antrean").click()
        assert words in siti.get_by_role("alert").inner_text()
        assert siti.locator(".queue-entry").count() == 1

    # the desk sees the Mobile JKN number and calls the two before her
    desk.goto(base + "/faskes/antrean")
    row = desk.locator("#queue tbody tr", has_text=world.siti_card)
    assert "Mobile JKN" in row.inner_text() and number in row.inner_text()
    for card in (world.medan_spouse_card, world.medan_card):
        desk.locator("#queue tbody tr", has_text=card).filter(has_text="Menunggu").get_by_role(
            "button", name="Panggil").click()
        assert desk.get_by_role("status").inner_text() == "Peserta dipanggil."
    siti.reload()
    mine = siti.locator(".queue-entry").first
    assert mine.locator(".queue-ahead").inner_text() == "0"
    called = desk.locator("#queue tbody tr", has_text=world.medan_card).filter(has_text="Dipanggil")
    assert mine.locator(".queue-last").inner_text() == called.locator("td").first.inner_text().strip()
    assert re.fullmatch(r"[0-2][0-9]:[0-5][0-9]", mine.locator(".queue-estimate").inner_text())

    # check in, then a number at another clinic taken and cancelled
    mine.get_by_role("button", name="Saya sudah hadir").click()
    assert siti.get_by_role("status").inner_text() == "Kehadiran Anda tercatat."
    assert "sudah hadir" in siti.locator(".queue-entry", has_text=number).inner_text()
    siti.get_by_label("Poli").select_option("GIG")
    siti.get_by_role("button", name="Ambil antrean").click()
    other = siti.locator(".queue-entry", has_text="Gigi")
    other.get_by_role("button", name="Batalkan antrean").click()
    assert siti.get_by_role("status").inner_text() == "Antrean dibatalkan."
    assert siti.locator(".queue-entry", has_text="Gigi").locator(".queue-status").inner_text() == "Dibatalkan"
    # another participant's entry cannot be cancelled through her page (her own form aimed at it)
    with Session(site.engine) as s:
        spouse = s.scalar(select(FktpRegistrationRow.id).join(ParticipantRow).where(
            ParticipantRow.card_number == world.medan_spouse_card, FktpRegistrationRow.poli_code == "ANA"))
    form = siti.locator(".queue-entry", has_text=number).locator("form[action$='/batal']")
    form.evaluate(f"f => f.action = '/peserta/antrean/{spouse}/batal'")
    form.get_by_role("button", name="Batalkan antrean").click()
    assert "tidak ditemukan" in siti.get_by_role("alert").inner_text()
    with Session(site.engine) as s:
        assert s.get(FktpRegistrationRow, spouse).status == "CALLED"


def test_participant_takes_a_number_at_the_hospital_of_her_referral(login, site):  # noqa: F811
    from jkn.services.care import queues, referrals
    from jkn.services.care.common import JAKARTA, jakarta_today

    base, world = site.url, site.world
    rsud, today = world.fktp["FKRTL"][0], jakarta_today()
    with Session(site.engine) as s:
        facilities.add_staff(s, rsud, actor=SYSTEM, name="dr. Ani, Sp.A", role="SPECIALIST",
                             registration_number="33690", poli_code="ANA")
        queues.set_schedule(s, rsud, actor=SYSTEM, poli="ANA", subspecialist="ANA", doctor_code="33690",
                            windows=[queues.window(today.isoweekday(), "07:00", "14:00", 5)])
        letter = referrals.create_referral(s, actor=SYSTEM, card_number=world.siti_card,
                                           from_facility=world.fktp["FKTP"][0], to_facility=rsud, referral_date=today,
                                           diagnosis="J06", poli="ANA")["number"]
    # three patients the hospital's SIMRS queued before her (numbered by jkn); two already called to the clinic
    opens = dt.datetime.combine(today, dt.time(8, 0), JAKARTA)
    with Session(site.engine) as s:
        for i in range(3):
            q = queues.add_queue(s, rsud, {
                "kodebooking": f"RS{i}", "jenispasien": "NON JKN", "nik": f"127101120380{i:02d}01", "kodepoli": "ANA",
                "pasienbaru": 0, "tanggalperiksa": today.isoformat(), "kodedokter": "33690",
                "jampraktek": "07:00-14:00", "jeniskunjungan": 1, "estimasidilayani": 0}, actor=SYSTEM)
            assert q["queue_number"] == f"ANA-{i + 1}"
        for i in range(2):
            for task in (3, 4):
                queues.update_task(s, rsud, {"kodebooking": f"RS{i}", "taskid": task,
                                             "waktu": int((opens + dt.timedelta(minutes=10 * i)).timestamp() * 1000)},
                                   actor=SYSTEM)
    siti = login(world.users["siti"])
    siti.goto(base + "/peserta/antrean")
    form = siti.locator("#hospital-form")
    assert letter in form.inner_text() and "Anak" in form.inner_text()
    form.get_by_role("button", name="Ambil antrean di rumah sakit").click()
    assert siti.get_by_role("status").inner_text() == "Nomor antrean Anda sudah diambil."
    entry = siti.locator(".hospital-entry")
    assert entry.count() == 1 and entry.locator(".queue-number").inner_text() == "ANA-4"
    # her place: one still waiting before her, ANA-2 called last, the next calls 10 minutes apart
    assert entry.locator(".queue-ahead").inner_text() == "1" and entry.locator(".queue-last").inner_text() == "ANA-2"
    assert entry.locator(".queue-estimate").inner_text() == "08:30"
    assert "dr. Ani, Sp.A" in entry.inner_text() and "praktik mulai 07:00" in entry.inner_text()
    # a second active number at that clinic and day is refused, nothing added
    siti.locator("#hospital-form").get_by_role("button", name="Ambil antrean di rumah sakit").click()
    assert "antrean aktif" in siti.get_by_role("alert").inner_text()
    assert siti.locator(".hospital-entry").count() == 1
    siti.locator(".hospital-entry").get_by_role("button", name="Batalkan antrean").click()
    assert siti.get_by_role("status").inner_text() == "Antrean dibatalkan."
    assert siti.locator(".hospital-entry .queue-status").inner_text() == "Dibatalkan"
    # the hospital's Antrean RS sees the entry its booking code names
    with Session(site.engine) as s:
        seen = queues.queues(s, rsud, on=today)
    mine = [q for q in seen if q["source"] == "Mobile JKN"]
    assert len(mine) == 1 and mine[0]["reference_number"] == letter
