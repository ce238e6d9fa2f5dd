"""The participant's hospital queue through the hospital's own Mobile JKN service (issue #14), on
SQLite and PostgreSQL, against a conforming service on loopback: the registration (a hospital
only, a real URL, the password sealed), take / cancel / check-in going to the hospital first, its
refusal or silence changing nothing in jkn, and a booking jkn cannot keep cancelled at the
hospital again (A-Q16)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from support.care_world import build_world
from support.live_server import LiveServer
from support.mobile_jkn_hospital import Hospital

from jkn.services.care import facilities, mobile_jkn, mobile_jkn_services, queues, referrals
from jkn.services.care.mobile_jkn_remote import HospitalRefused, Unreachable
from jkn.services.errors import DomainError, Invalid
from jkn.services.portal.audit import SYSTEM
from jkn.store.engine import session_factory
from jkn.store.membership_tables import ParticipantRow
from jkn.store.queue_tables import HospitalQueueRow, MobileJknServiceRow


@pytest.fixture
def world(db):
    w = build_world(db)
    S = session_factory(db)
    with S() as s:
        facilities.add_staff(s, w.rsud, actor=SYSTEM, name="dr. Ani, Sp.A", role="SPECIALIST",
                             registration_number="33690", poli_code="ANA")
        queues.set_schedule(s, w.rsud, actor=SYSTEM, poli="ANA", subspecialist="ANA", doctor_code="33690",
                            windows=[queues.window(d, "07:00", "14:00") for d in range(1, 9)])
        w.letter = referrals.create_referral(s, actor=SYSTEM, card_number=w.active, from_facility=w.fktp,
                                             referral_date=w.today, diagnosis="J45", poli="ANA",
                                             to_facility=w.rsud)["number"]
    hospital = Hospital(patients={w.active: "RM-7"})
    with LiveServer("", app=hospital.app()) as server:
        w.hospital, w.url, w.S = hospital, server.url, S
        yield w


def _me(s, w) -> ParticipantRow:
    return s.scalar(select(ParticipantRow).where(ParticipantRow.card_number == w.active))


def _entries(s, w) -> list[tuple]:
    return [(r.booking_code, r.queue_number, r.status, r.checked_in_at is not None) for r in s.scalars(
        select(HospitalQueueRow).where(HospitalQueueRow.facility_code == w.rsud).order_by(HospitalQueueRow.id))]


def test_only_a_hospital_registers_a_service_with_a_real_url_and_its_password_sealed(world):
    w = world
    with w.S() as s:
        for code, url, field in ((w.fktp, w.url, "facility_code"), (w.rsud, "ftp://rs.example/x", "url"),
                                 (w.rsud, "simrs.example", "url")):
            with pytest.raises(Invalid) as refused:
                mobile_jkn_services.register(s, code, url=url, username="u", password="p", actor=SYSTEM)
            assert refused.value.details["field"] == field
        assert s.scalar(select(func.count()).select_from(MobileJknServiceRow)) == 0
        shown = mobile_jkn_services.register(s, w.rsud, url=w.url + "/", username="jkn-mobile", password="rahasia-rs",
                                             actor=SYSTEM)
    assert shown == {**shown, "url": w.url, "username": "jkn-mobile"} and "password" not in shown
    with w.S() as s:
        row = s.get(MobileJknServiceRow, w.rsud)
        assert "rahasia-rs" not in row.password_sealed
        assert mobile_jkn_services.service_for(s, w.rsud).password == "rahasia-rs"
        row.password_sealed = row.password_sealed[:-4] + "AAAA"  # tampered: refused, not sent
        with pytest.raises(Invalid):
            mobile_jkn_services.service_for(s, w.rsud)


def test_take_cancel_check_in_go_to_the_hospital_first(world):
    w, h = world, world.hospital
    with w.S() as s:
        mobile_jkn_services.register(s, w.rsud, url=w.url, username=h.username, password=h.password, actor=SYSTEM)
    with w.S() as s:
        taken = mobile_jkn.take(s, _me(s, w), w.letter, w.today, actor=SYSTEM)
    [first] = h.bookings
    assert (taken["booking_code"], taken["queue_number"], taken["mr_number"]) == (first, "ANA-1", "RM-7")
    with w.S() as s:
        [entry] = mobile_jkn.of_participant(s, _me(s, w))
        assert mobile_jkn.live(s, entry) == {"left": 0, "called": "-", "wait_minutes": 0, "note": ""}
        mobile_jkn.cancel(s, _me(s, w), first, actor=SYSTEM)
        assert h.bookings[first]["status"] == "Batal"
        second = mobile_jkn.take(s, _me(s, w), w.letter, w.today, actor=SYSTEM)["booking_code"]
        mobile_jkn.check_in(s, _me(s, w), second, actor=SYSTEM)
        assert h.bookings[second]["checked_in"]
        # the hospital refuses: its message, nothing changed here
        with pytest.raises(HospitalRefused, match="Anda Sudah Checkin"):
            mobile_jkn.cancel(s, _me(s, w), second, actor=SYSTEM)
        with pytest.raises(DomainError):  # checked in already: refused here before the hospital is asked
            mobile_jkn.check_in(s, _me(s, w), second, actor=SYSTEM)
    with w.S() as s:
        assert _entries(s, w) == [(first, "ANA-1", "CANCELLED", False), (second, "ANA-2", "ACTIVE", True)]
    # the hospital's service is down: a clear message, nothing taken, cancelled or checked in
    h.down = True
    h.bookings[second]["checked_in"] = None
    with w.S() as s:
        with pytest.raises(Unreachable, match="tidak dapat dibaca"):
            mobile_jkn.cancel(s, _me(s, w), second, actor=SYSTEM)
        [_, entry] = mobile_jkn.of_participant(s, _me(s, w))
        assert "error" in mobile_jkn.live(s, entry)
    with w.S() as s:
        assert _entries(s, w)[1] == (second, "ANA-2", "ACTIVE", True)


def test_a_booking_jkn_cannot_keep_is_cancelled_at_the_hospital(world):
    w, h = world, world.hospital
    with w.S() as s:  # the hospital's desk already gave ANA-1 of that practice to another patient
        queues.add_queue(s, w.rsud, {"kodebooking": "DESK1", "jenispasien": "NON JKN", "nik": "3273010101010001",
                                     "kodepoli": "ANA", "pasienbaru": 0, "tanggalperiksa": w.today.isoformat(),
                                     "kodedokter": "33690", "jampraktek": "07:00-14:00", "nomorantrean": "ANA-1",
                                     "angkaantrean": 1, "estimasidilayani": 0}, actor=SYSTEM)
        mobile_jkn_services.register(s, w.rsud, url=w.url, username=h.username, password=h.password, actor=SYSTEM)
    with w.S() as s:
        with pytest.raises(DomainError, match="ANA-1"):
            mobile_jkn.take(s, _me(s, w), w.letter, w.today, actor=SYSTEM)
    [(booking, b)] = h.bookings.items()
    assert b["status"] == "Batal" and ("batalantrean", {"kodebooking": booking,
                                                       "keterangan": "Antrean tidak dapat dicatat di BPJS"}) in h.calls
    with w.S() as s:
        assert [e[0] for e in _entries(s, w)] == ["DESK1"]


def test_without_a_service_jkn_keeps_the_queue_and_the_check_in_itself(world):
    w = world
    with w.S() as s:
        taken = mobile_jkn.take(s, _me(s, w), w.letter, w.today, actor=SYSTEM)
        mobile_jkn.check_in(s, _me(s, w), taken["booking_code"], actor=SYSTEM)
    assert w.hospital.calls == []
    with w.S() as s:
        assert _entries(s, w) == [(taken["booking_code"], "ANA-1", "ACTIVE", True)]
