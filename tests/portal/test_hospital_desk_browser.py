"""The hospital desk in a real browser (Debian chromium via playwright, issue #13): the FKTP's menu
has no SEP pages and they refuse it; the hospital finds the participant's referral by card from
the SEP form, issues an inpatient SEP from it, records the discharge date and finds the SEP in its
list by card."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from jkn.services.care import facilities, internal_referrals, queues, referrals
from jkn.services.care import sep as sep_service
from jkn.services.care.common import jakarta_today
from jkn.services.portal.audit import SYSTEM
from jkn.store.care_tables import SepRow
from jkn.store.membership_tables import ParticipantRow

pytestmark = pytest.mark.browser


def test_hospital_desk_referral_lookup_sep_discharge_and_list(login, site):
    base, world = site.url, site.world
    card = world.medan_spouse_card
    puskesmas = login(world.users["puskesmas"])
    assert puskesmas.get_by_role("link", name="Daftar SEP").count() == 0
    assert puskesmas.goto(base + "/faskes/daftar-sep").status == 403
    puskesmas.goto(base + "/faskes")
    puskesmas.get_by_label("Nomor kartu atau NIK").fill(card)
    puskesmas.get_by_role("button", name="Cek").click()
    puskesmas.get_by_role("link", name="Buat rujukan").click()
    puskesmas.locator("#pick-poli").select_option("INT")
    puskesmas.get_by_role("button", name="Cari rumah sakit").click()
    puskesmas.locator(f"#hospitals input[value='{world.fktp['FKRTL'][0]}']").check()
    puskesmas.get_by_label("Diagnosa (ICD-10)").fill("I10")
    puskesmas.get_by_role("button", name="Buat rujukan").click()
    referral = puskesmas.locator("#referral-number").inner_text().strip()
    text = _pdf_text(puskesmas, base + puskesmas.locator("#print-referral").get_attribute("href"))
    assert "SURAT RUJUKAN" in text and referral in text and card in text and "I10" in text

    rs = login(world.users["rs"])
    rs.goto(base + f"/faskes/sep?card={card}")
    rs.locator("#find-referral").click()
    assert rs.get_by_label("Nomor kartu").input_value() == card
    row = rs.locator("#referrals tbody tr", has_text=referral)
    assert row.count() == 1
    row.get_by_role("link", name="Terbitkan SEP").click()
    assert rs.get_by_label("Nomor rujukan").input_value() == referral
    rs.locator("#service_type").select_option("1")
    rs.locator("#poli").select_option("INT")
    rs.get_by_label("Diagnosa (ICD-10)").fill("I10")
    rs.get_by_role("button", name="Terbitkan SEP").click()
    assert "/faskes/sep/" in rs.url, rs.locator('[role="alert"]').all_inner_texts()
    number = rs.locator("#sep-number").inner_text()
    today = jakarta_today().isoformat()
    rs.locator("#discharge-form input[name=discharge_date]").fill(today)
    rs.get_by_role("button", name="Simpan tanggal pulang").click()
    assert rs.get_by_role("status").inner_text() == "Tanggal pulang tersimpan."
    assert rs.locator("#discharge-date").inner_text() == today
    # the referral now shows the SEP it opened
    rs.goto(base + f"/faskes/rujukan-peserta?card={card}")
    assert f"SEP {number}" in rs.locator("#referrals").inner_text()

    rs.get_by_role("link", name="Daftar SEP").click()
    rs.get_by_label("Nomor kartu, nomor SEP atau nama").fill(card)
    rs.get_by_role("button", name="Cari").click()
    rows = rs.locator("#seps tbody tr")
    assert rows.count() == 1 and number in rows.inner_text() and today in rows.inner_text()
    rs.get_by_label("Nomor kartu, nomor SEP atau nama").fill("0000000000000")
    rs.get_by_role("button", name="Cari").click()
    assert rs.locator("#seps").count() == 0 and "Tidak ada SEP" in rs.content()
    # another facility cannot record a discharge on it, nor print the puskesmas's referral
    assert puskesmas.goto(base + f"/faskes/sep/{number}").status == 403
    assert rs.goto(base + f"/faskes/rujukan/{referral}/surat.pdf").status == 403


def _pdf_text(page, url: str) -> str:
    """The text of a PDF the page links to, fetched with the page's session."""
    r = page.request.get(url)
    assert r.status == 200 and r.headers["content-type"] == "application/pdf"
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.body())).pages)


def test_hospital_desk_lists_and_withdraws_an_internal_referral(login, site):
    """A consult SEP to another clinic on the same referral shows under the first SEP (A-V50); withdrawn
    from the desk, it cancels the SEP it opened."""
    base, world, engine = site.url, site.world, site.engine
    rsud, today = world.fktp["FKRTL"][0], jakarta_today()
    with Session(engine) as s:
        card = world.medan_card
        fktp = s.query(ParticipantRow).filter_by(card_number=card).one().fktp_code
        ref = referrals.create_referral(s, actor=SYSTEM, card_number=card, from_facility=fktp, referral_date=today,
                                        diagnosis="I10", poli="INT", to_facility=rsud)["number"]
    numbers = []
    for poli, purpose in (("INT", "0"), ("JAN", "2")):
        with Session(engine) as s:
            numbers.append(sep_service.insert_sep(
                s, actor=SYSTEM, card_number=card, sep_date=today, facility_code=rsud,
                service_type="2", diagnosis="I10", poli=poli, referral_number=ref,
                purpose=internal_referrals.Purpose(visit=purpose, assessment="4" if purpose == "2" else ""))["number"])
    first, consult = numbers
    rs = login(world.users["rs"])
    rs.goto(base + f"/faskes/sep/{consult}")
    assert first in rs.locator("#internal-from").inner_text()
    rs.locator("#internal-from a").click()
    row = rs.locator("#internal tbody tr")
    assert row.count() == 1 and consult in row.inner_text() and "JAN" in row.inner_text()
    row.get_by_role("button", name="Hapus rujukan internal").click()
    assert rs.get_by_role("status").inner_text() == "Rujukan internal dihapus; SEP yang dibukanya dibatalkan."
    assert rs.locator("#internal").count() == 0
    with Session(engine) as s:
        assert s.get(SepRow, consult).deleted_at is not None and s.get(SepRow, first).deleted_at is None


def _schedule(world, engine, day: dt.date, doctors: tuple[tuple[str, str], tuple[str, str]] = (
        ("4242", "dr. Jadwal Besok, Sp.PD"), ("4343", "dr. Jadwal Lusa, Sp.PD")),
        hours: tuple[str, str] = ("08:00", "12:00"), capacity: int = 20) -> None:
    """Two internists of the hospital, ``doctors`` (code, name): the first practising on ``day``'s
    weekday, the second the day after."""
    rsud = world.fktp["FKRTL"][0]
    for (code, name), weekday in zip(doctors, (day.isoweekday(), day.isoweekday() % 7 + 1)):
        with Session(engine) as s:
            facilities.add_staff(s, rsud, actor=SYSTEM, name=name, role="SPECIALIST", registration_number=code,
                                 poli_code="INT")
        with Session(engine) as s:
            queues.set_schedule(s, rsud, actor=SYSTEM, poli="INT", subspecialist="INT", doctor_code=code,
                                windows=[queues.window(weekday, *hours, capacity=capacity)])


def _inpatient_sep(world, engine, card: str) -> str:
    with Session(engine) as s:
        rsud = world.fktp["FKRTL"][0]
        return sep_service.insert_sep(s, actor=SYSTEM, card_number=card,
                                      sep_date=jakarta_today(), facility_code=rsud, service_type="1",
                                      diagnosis="S72", poli="IGD", emergency=True)["number"]


def test_hospital_desk_changes_an_sep_writes_a_control_letter_and_an_spri_prints_them_and_cancels(login, site):
    base, world, engine = site.url, site.world, site.engine
    number = _inpatient_sep(world, engine, world.siti_card)
    today, tomorrow = jakarta_today(), jakarta_today() + dt.timedelta(days=1)
    rs = login(world.users["rs"])
    rs.goto(base + f"/faskes/sep/{number}")
    # change: a bad diagnosis is refused and changes nothing; a good change is kept
    rs.locator("#change-sep summary").click()
    rs.locator("#change-diagnosis").fill("ZZZ9")
    rs.locator("#change-mr").fill("RM-0042")
    rs.get_by_role("button", name="Simpan perubahan").click()
    assert rs.get_by_role("alert").count() == 1
    rs.goto(base + f"/faskes/sep/{number}")
    assert rs.locator("#change-mr").input_value() == ""
    rs.locator("#change-sep summary").click()
    rs.locator("#change-mr").fill("RM-0042")
    rs.locator("#change-notes").fill("Pindah bangsal")
    rs.get_by_role("button", name="Simpan perubahan").click()
    assert rs.get_by_role("status").inner_text() == "Perubahan SEP tersimpan."
    assert rs.locator("#change-mr").input_value() == "RM-0042"

    # a control letter after the stay, printed as VClaim prints it
    rs.locator("#discharge-form input[name=discharge_date]").fill(today.isoformat())
    rs.get_by_role("button", name="Simpan tanggal pulang").click()
    rs.locator("#control-letter summary").click()
    rs.get_by_label("Tanggal rencana kontrol").fill(tomorrow.isoformat())
    # the doctor is chosen from the clinic's schedule of that date (the hospital's Antrean RS schedule)
    _schedule(world, engine, tomorrow)
    rs.locator("#control_poli").select_option("INT")
    choices = rs.locator("#doctor_code option[value='4242']")
    choices.wait_for(state="attached")
    options = rs.locator("#doctor_code option").all_inner_texts()
    assert any("dr. Jadwal Besok" in o and "08:00 - 12:00" in o for o in options), options
    assert not any("dr. Jadwal Lusa" in o for o in options), options  # practises on another weekday
    rs.locator("#doctor_code").select_option("4242")
    rs.get_by_role("button", name="Terbitkan surat kontrol").click()
    assert rs.get_by_role("status").inner_text() == "Surat kontrol diterbitkan."
    letter = rs.locator("#letter-number").inner_text()
    assert rs.locator("#control-date").inner_text() == tomorrow.isoformat()
    text = _pdf_text(rs, base + rs.locator("#print-letter").get_attribute("href"))
    assert "SURAT RENCANA KONTROL" in text and letter in text and world.siti_card in text
    assert tomorrow.isoformat() in text and "4242" in text and number in text

    # the SEP cannot be cancelled while its control letter stands; a reason is required
    rs.goto(base + f"/faskes/sep/{number}")
    rs.locator("#cancel-sep summary").click()
    rs.locator("#reason").fill("Salah input")
    rs.get_by_role("button", name="Batalkan SEP").click()
    assert letter in rs.get_by_role("alert").inner_text()
    # the letter is found in the list, withdrawn, and then the SEP is cancelled with its reason
    rs.get_by_role("link", name="Surat Kontrol & SPRI").click()
    rs.locator("#letters").get_by_role("link", name=letter).click()
    rs.get_by_role("button", name="Hapus surat").click()
    assert rs.get_by_role("status").inner_text() == "Surat dihapus."
    assert rs.locator("#letters").count() == 0 or letter not in rs.locator("#letters").inner_text()
    rs.goto(base + f"/faskes/sep/{number}")
    rs.locator("#cancel-sep summary").click()
    rs.locator("#reason").fill("Salah input pasien")
    rs.get_by_role("button", name="Batalkan SEP").click()
    assert rs.get_by_role("status").inner_text() == "SEP dibatalkan."
    with Session(engine) as s:
        row = s.get(SepRow, number)
        assert row.deleted_at is not None and row.deleted_reason == "Salah input pasien"
        assert row.deleted_by == world.users["rs"]

    # an SPRI for an admission, printed
    rs.get_by_role("link", name="Surat Kontrol & SPRI").click()
    rs.get_by_role("link", name="Buat SPRI").click()
    rs.get_by_label("Nomor kartu peserta").fill(world.medan_card)
    rs.get_by_label("Tanggal rencana rawat inap").fill(tomorrow.isoformat())
    rs.locator("#poli").select_option("BED")
    # a clinic with a schedule but nobody practising that day: the choice says so
    rs.get_by_label("Tanggal rencana rawat inap").fill((tomorrow + dt.timedelta(days=2)).isoformat())
    rs.locator("#poli").select_option("INT")
    rs.locator("#doctor_code option", has_text="tidak ada dokter berjadwal").wait_for(state="attached")
    # the hospital keeps no schedule for that clinic at all: a typed code, as before schedules (A-V46)
    rs.get_by_label("Tanggal rencana rawat inap").fill(tomorrow.isoformat())
    rs.locator("#poli").select_option("BED")
    rs.locator("input#doctor_code").wait_for()
    assert "tidak menyimpan jadwal praktik" in rs.locator("#doctor-choice").inner_text()
    rs.get_by_role("button", name="Buat SPRI").click()
    assert rs.get_by_role("status").inner_text() == "SPRI diterbitkan."
    spri = rs.locator("#letter-number").inner_text()
    text = _pdf_text(rs, base + rs.locator("#print-letter").get_attribute("href"))
    assert "SURAT PERINTAH RAWAT INAP" in text and spri in text and world.medan_card in text
    # an unknown card is refused on the form, nothing written
    rs.goto(base + "/faskes/spri")
    rs.get_by_label("Nomor kartu peserta").fill("0009999999999")
    rs.get_by_label("Tanggal rencana rawat inap").fill(tomorrow.isoformat())
    rs.get_by_role("button", name="Buat SPRI").click()
    assert rs.get_by_role("alert").count() == 1 and "/faskes/spri" in rs.url
    # another facility's staff cannot open the letter
    puskesmas = login(world.users["puskesmas"])
    assert puskesmas.goto(base + f"/faskes/surat-kontrol/{spri}").status == 403


def test_backdate_request_from_the_desk_is_approved_by_the_branch_officer(login, site):
    base, world = site.url, site.world
    yesterday = jakarta_today() - dt.timedelta(days=1)
    rs = login(world.users["rs"])
    rs.get_by_role("link", name="Pengajuan SEP").click()
    rs.get_by_label("Nomor kartu peserta").fill(world.medan_spouse_card)
    rs.get_by_label("Tanggal SEP").fill(yesterday.isoformat())
    rs.locator("#kind").select_option("1")
    rs.get_by_label("Keterangan").fill("Pasien datang malam hari libur")
    rs.get_by_role("button", name="Ajukan").click()
    assert rs.get_by_role("status").inner_text() == "Pengajuan SEP terkirim ke kantor cabang."
    rs.goto(base + f"/faskes/pengajuan-sep?bulan={yesterday:%Y-%m}")
    row = rs.locator("#requests tbody tr", has_text=world.medan_spouse_card)
    assert "Menunggu persetujuan" in row.inner_text()
    # the same request again is refused, nothing written
    rs.get_by_label("Nomor kartu peserta").fill(world.medan_spouse_card)
    rs.get_by_label("Tanggal SEP").fill(yesterday.isoformat())
    rs.get_by_label("Keterangan").fill("lagi")
    rs.get_by_role("button", name="Ajukan").click()
    assert rs.get_by_role("alert").count() == 1

    # Bekasi's officer does not see Medan's hospital's request; Medan's approves it
    bekasi = login(world.users["bekasi"])
    bekasi.goto(base + f"/petugas/pengajuan-sep?bulan={yesterday:%Y-%m}")
    assert world.medan_spouse_card not in bekasi.content()
    medan = login(world.users["medan"])
    medan.get_by_role("link", name="Persetujuan SEP").click()
    medan.goto(base + f"/petugas/pengajuan-sep?bulan={yesterday:%Y-%m}")
    row = medan.locator("#requests tbody tr", has_text=world.medan_spouse_card)
    row.get_by_label("Catatan persetujuan").fill("Libur nasional")
    row.get_by_role("button", name="Setujui").click()
    assert medan.get_by_role("status").inner_text() == "Pengajuan SEP disetujui."
    rs.goto(base + f"/faskes/pengajuan-sep?bulan={yesterday:%Y-%m}")
    row = rs.locator("#requests tbody tr", has_text=world.medan_spouse_card)
    assert "Disetujui" in row.inner_text() and "Libur nasional" in row.inner_text()
    # the hospital's staff cannot open the approval page
    assert rs.goto(base + "/petugas/pengajuan-sep").status == 403


def test_hospital_desk_sep_takes_its_dpjp_from_the_clinic_schedule(login, site):
    """The new SEP's DPJP is chosen from the clinic's schedule on the SEP date (the same choice as a
    control letter's doctor); a code the schedule does not offer is refused and nothing is written;
    a clinic without any schedule takes a typed code (A-V46, A-V52)."""
    base, world, engine = site.url, site.world, site.engine
    rsud, today = world.fktp["FKRTL"][0], jakarta_today()
    _schedule(world, engine, today, (("5151", "dr. Praktik Hari Ini, Sp.PD"), ("5252", "dr. Praktik Besok, Sp.PD")),
              ("13:00", "16:00"), capacity=10)
    card = world.medan_spouse_card
    with Session(engine) as s:
        fktp = s.query(ParticipantRow).filter_by(card_number=card).one().fktp_code
        ref = referrals.create_referral(s, actor=SYSTEM, card_number=card, from_facility=fktp, referral_date=today,
                                        diagnosis="I10", poli="INT", to_facility=rsud)["number"]
    rs = login(world.users["rs"])
    rs.goto(base + f"/faskes/sep?card={card}&referral={ref}")
    # a clinic without a schedule: a typed code; an inpatient SEP names no DPJP (VClaim)
    rs.locator("#poli").select_option("BED")
    rs.locator("input#doctor_code").wait_for()
    rs.locator("#service_type").select_option("1")
    rs.locator("#doctor-inpatient").wait_for()
    assert rs.locator("#doctor_code").count() == 0
    rs.locator("#service_type").select_option("2")
    # the internal medicine clinic: only today's doctor, with their hours
    rs.locator("#poli").select_option("INT")
    rs.locator("select#doctor_code option[value='5151']").wait_for(state="attached")
    options = rs.locator("#doctor_code option").all_inner_texts()
    assert any("dr. Praktik Hari Ini" in o and "13:00 - 16:00" in o for o in options), options
    assert not any("dr. Praktik Besok" in o for o in options), options
    rs.get_by_label("Diagnosa (ICD-10)").fill("I10")
    # a doctor the schedule does not offer that day (forged into the page) is refused, nothing written
    rs.locator("#doctor_code").evaluate("s => s.add(new Option('forged', '5252', true, true))")
    rs.get_by_role("button", name="Terbitkan SEP").click()
    assert "5252" in rs.get_by_role("alert").inner_text() and "/faskes/sep/" not in rs.url
    with Session(engine) as s:
        assert s.query(SepRow).filter_by(referral_number=ref).count() == 0
    # the refused form keeps what was typed; today's doctor is chosen and the SEP names them
    rs.locator("select#doctor_code option[value='5151']").wait_for(state="attached")
    rs.locator("#doctor_code").select_option("5151")
    rs.get_by_role("button", name="Terbitkan SEP").click()
    assert "/faskes/sep/" in rs.url, rs.locator('[role="alert"]').all_inner_texts()
    number = rs.locator("#sep-number").inner_text()
    with Session(engine) as s:
        assert s.get(SepRow, number).dpjp_code == "5151"
    # its change form offers the same choice, the DPJP kept; another change leaves it as it is
    rs.locator("#change-sep summary").click()
    rs.locator("select#doctor_code option[value='5151']").wait_for(state="attached")
    assert rs.locator("#doctor_code").input_value() == "5151"
    rs.locator("#change-notes").fill("Kontrol tekanan darah")
    rs.get_by_role("button", name="Simpan perubahan").click()
    assert rs.get_by_role("status").inner_text() == "Perubahan SEP tersimpan."
    rs.locator("#change-sep summary").click()
    rs.locator("select#doctor_code option[value='5151']").wait_for(state="attached")
    rs.locator("#doctor_code").evaluate("s => s.add(new Option('forged', '5252', true, true))")
    rs.get_by_role("button", name="Simpan perubahan").click()
    assert "5252" in rs.get_by_role("alert").inner_text()
    with Session(engine) as s:
        assert s.get(SepRow, number).dpjp_code == "5151"
