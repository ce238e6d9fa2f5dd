"""The participant's queue at a hospital that runs its own Mobile JKN web service, in a real browser
(issue #14): the hospital desk registers the service on its page, then jkn calls it (a small
conforming one on loopback) as Mobile JKN does. She takes a number (the hospital knows no record of
her: it answers 202, jkn sends Info Pasien Baru and takes again with the new medical record
number), sees the hospital's Sisa Antrean and her operation schedule, cancels, takes again and
checks in; the hospital's refusal and its silence each reach her as a clear message and change
nothing in jkn. Without a registered service jkn keeps the queue itself
(tests/portal/test_fktp_desk_browser.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.live_server import LiveServer
from support.mobile_jkn_hospital import Hospital

from jkn.services.care import facilities, queues, referrals
from jkn.services.care.common import jakarta_today
from jkn.services.portal.audit import SYSTEM
from jkn.store.queue_tables import HospitalQueueRow, MobileJknServiceRow

pytestmark = pytest.mark.browser


@pytest.fixture
def hospital_service(site):
    """The Medan hospital's own Mobile JKN service, registered in jkn, with dr. Ani's practice today."""
    world, today = site.world, jakarta_today()
    rsud = world.fktp["FKRTL"][0]
    hospital = Hospital(hours="07:00-14:00")
    with LiveServer("", app=hospital.app()) as server, Session(site.engine) as s:
        facilities.add_staff(s, rsud, actor=SYSTEM, name="dr. Ani, Sp.A", role="SPECIALIST",
                             registration_number="33690", poli_code="ANA")
        queues.set_schedule(s, rsud, actor=SYSTEM, poli="ANA", subspecialist="ANA", doctor_code="33690",
                            windows=[queues.window(today.isoweekday(), "07:00", "14:00", 30)])
        letter = referrals.create_referral(s, actor=SYSTEM, card_number=world.siti_card,
                                           from_facility=world.fktp["FKTP"][0], to_facility=rsud, referral_date=today,
                                           diagnosis="J06", poli="ANA")["number"]
        hospital.url = server.url
        yield hospital, rsud, letter


def _entries(site, rsud) -> list[HospitalQueueRow]:
    with Session(site.engine) as s:
        return list(s.scalars(select(HospitalQueueRow).where(HospitalQueueRow.facility_code == rsud)
                              .order_by(HospitalQueueRow.id)))


def test_participant_queue_through_the_hospitals_own_service(login, site, hospital_service):
    hospital, rsud, letter = hospital_service
    world, base = site.world, site.url
    # the hospital desk registers its service: a URL that is not one is refused, nothing saved
    desk = login(world.users["rs"])
    desk.get_by_role("navigation").get_by_role("link", name="Layanan Mobile JKN").click()
    assert "jkn menyimpan antrean Mobile JKN rumah sakit ini sendiri" in desk.locator("#mobile-jkn-service").inner_text()
    form = desk.locator("#mobile-jkn-form")
    form.get_by_label("Alamat dasar layanan").evaluate("e => e.type = 'text'")  # past the browser's own check
    form.get_by_label("Alamat dasar layanan").fill("simrs-tanpa-skema")
    form.get_by_label("User (x-username)").fill(hospital.username)
    form.get_by_label("Password (x-password)").fill(hospital.password)
    form.get_by_role("button", name="Simpan layanan").click()
    assert "Alamat layanan harus URL" in desk.get_by_role("alert").inner_text()
    assert desk.get_by_label("Password (x-password)").input_value() == ""
    with Session(site.engine) as s:
        assert s.get(MobileJknServiceRow, rsud) is None
    desk.get_by_label("Alamat dasar layanan").fill(hospital.url + "/")
    desk.get_by_label("Password (x-password)").fill(hospital.password)
    desk.get_by_role("button", name="Simpan layanan").click()
    assert desk.get_by_role("status").inner_text() == "Layanan Mobile JKN rumah sakit tersimpan."
    assert f"Terdaftar: {hospital.url} (user {hospital.username})" in desk.locator("#mobile-jkn-service").inner_text()
    assert hospital.password not in desk.content()
    with Session(site.engine) as s:  # the password is kept sealed, never in clear
        assert hospital.password not in s.get(MobileJknServiceRow, rsud).password_sealed

    siti = login(world.users["siti"])
    siti.goto(base + "/peserta/antrean")
    siti.locator("#hospital-form").get_by_role("button", name="Ambil antrean di rumah sakit").click()
    assert siti.get_by_role("status").inner_text() == "Nomor antrean Anda sudah diambil."
    # the hospital had no record of her: 202, Info Pasien Baru with her identity, then the take with her norm
    names = [name for name, _ in hospital.calls if name != "auth"]
    assert names == ["jadwaloperasipasien", "ambilantrean", "pasienbaru", "ambilantrean", "sisaantrean",
                     "jadwaloperasipasien"]
    sent = dict(hospital.calls)
    take = [body for name, body in hospital.calls if name == "ambilantrean"]
    assert take[0]["nomorkartu"] == world.siti_card and take[0]["nomorreferensi"] == letter
    assert take[0]["kodedokter"] == 33690 and take[0]["jampraktek"] == "07:00-14:00" and take[0]["jeniskunjungan"] == 1
    assert sent["pasienbaru"]["nama"] == "Siti Aminah" and take[1]["norm"] == "RM00001"
    # jkn keeps the hospital's booking as BPJS does: its code, number, estimate and her new record number
    [entry] = _entries(site, rsud)
    [booking] = hospital.bookings
    assert (entry.booking_code, entry.queue_number, entry.mr_number, entry.new_patient, entry.source) == (
        booking, "ANA-1", "RM00001", True, "Mobile JKN")
    card = siti.locator(".hospital-entry")
    assert card.locator(".queue-number").inner_text() == "ANA-1"
    assert "Menurut rumah sakit: sisa antrean 0, dipanggil -" in card.locator(".hospital-live").inner_text()
    # her operation schedule at that hospital (Jadwal Operasi Pasien)
    operation = siti.locator("#operations .operation")
    assert operation.count() == 1 and "operasi tonsil" in operation.inner_text() and "Belum" in operation.inner_text()

    # cancel: at the hospital, then here
    card.get_by_role("button", name="Batalkan antrean").click()
    assert siti.get_by_role("status").inner_text() == "Antrean dibatalkan."
    assert hospital.bookings[booking]["status"] == "Batal" and _entries(site, rsud)[0].status == "CANCELLED"

    # a second number, then she checks in on the day
    siti.locator("#hospital-form").get_by_role("button", name="Ambil antrean di rumah sakit").click()
    second = siti.locator(".hospital-entry", has_text="ANA-2")
    second.get_by_role("button", name="Saya sudah hadir").click()
    assert siti.get_by_role("status").inner_text() == "Kehadiran Anda tercatat."
    [again] = [code for code, b in hospital.bookings.items() if b["status"] == "Belum"]
    assert hospital.bookings[again]["checked_in"]
    assert _entries(site, rsud)[1].checked_in_at is not None
    assert "sudah hadir" in siti.locator(".hospital-entry", has_text="ANA-2").inner_text()

    # the hospital refuses to cancel a checked-in booking: its message, nothing changed here
    siti.locator(".hospital-entry", has_text="ANA-2").get_by_role("button", name="Batalkan antrean").click()
    alert = siti.get_by_role("alert").first.inner_text()
    assert "menolak: Anda Sudah Checkin" in alert and "tidak berubah" in alert
    assert _entries(site, rsud)[1].status == "ACTIVE"

    # the hospital's service is down: a clear message, nothing taken or changed
    hospital.down = True
    hospital.bookings[again]["checked_in"] = None
    siti.goto(base + "/peserta/antrean")
    assert "tidak dapat dibaca" in siti.locator(".hospital-entry", has_text="ANA-2").locator(".hospital-live").inner_text()
    siti.locator(".hospital-entry", has_text="ANA-2").get_by_role("button", name="Batalkan antrean").click()
    assert "Antrean Anda tidak berubah" in siti.get_by_role("alert").first.inner_text()
    assert [e.status for e in _entries(site, rsud)] == ["CANCELLED", "ACTIVE"]
