"""Bad input gets a clear error and changes nothing, on every door of a shared use case (SQLite and
PostgreSQL, over REST and through the services the pages and bridging call): an SPRI's or control
letter's date and doctor (A-S14, A-S15), an SEP's phone and cancel reason (A-S16), how far ahead a
queue number can be taken (A-Q25) and the clinics an FKTP runs (A-Q26)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from support.care_world import count

from jkn.services.care import accidents, facilities, fktp_queue, queues, referrals, sep_requests
from jkn.services.care import sep as sep_service
from jkn.services.errors import Invalid
from jkn.services.portal.audit import SYSTEM
from jkn.store.care_tables import ControlLetterRow, SepAccidentRow, SepRequestRow, SepRow
from jkn.store.engine import session_factory
from jkn.store.primary_care_tables import FktpRegistrationRow
from jkn.store.queue_tables import HospitalQueueRow


def _inpatient_sep(engine, w) -> str:
    """Today's inpatient SEP of the active participant (the one already issued, once a test did)."""
    with session_factory(engine)() as s:
        live = s.scalar(select(SepRow.number).where(SepRow.facility_code == w.rsud, SepRow.service_type == "1",
                                                    SepRow.sep_date == w.today, SepRow.deleted_at.is_(None)))
        return live or sep_service.insert_sep(s, actor=SYSTEM, card_number=w.active,
                                      sep_date=w.today, facility_code=w.rsud, service_type="1",
                                      diagnosis="S72", poli="IGD", emergency=True)["number"]


def test_an_spri_far_ahead_past_or_without_the_scheduled_doctor_is_refused(care):
    http, w, engine = care
    with session_factory(engine)() as s:
        facilities.add_staff(s, w.rsud, actor=SYSTEM, name="dr. Jadwal, Sp.PD", role="SPECIALIST",
                             registration_number="7171", poli_code="INT")
    with session_factory(engine)() as s:
        queues.set_schedule(s, w.rsud, actor=SYSTEM, poli="INT", subspecialist="INT", doctor_code="7171",
                            windows=[queues.window(d, "08:00", "12:00", capacity=20) for d in range(1, 8)])
    before = count(engine, ControlLetterRow)
    spri = {"card_number": w.active, "facility_code": w.rsud, "poli": "BED"}

    def refused(words: str, **extra):
        r = http.post("/api/v1/spri", json={**spri, **extra})
        assert r.status_code == 422 and words in r.json()["detail"], (extra, r.text)

    refused("terlalu jauh", control_date=str(w.today + dt.timedelta(days=200)))
    refused("terlalu jauh", control_date=str(w.today + dt.timedelta(days=referrals.LETTER_DAYS_AHEAD + 1)))
    refused("sudah lewat", control_date=str(w.today - dt.timedelta(days=1)))
    refused("Pilih dokter", control_date=str(w.today), poli="INT")  # the clinic keeps a schedule
    assert count(engine, ControlLetterRow) == before
    # the last day allowed, and a clinic with no schedule without a doctor, are issued
    last = w.today + dt.timedelta(days=referrals.LETTER_DAYS_AHEAD)
    assert http.post("/api/v1/spri", json={**spri, "control_date": str(last)}).status_code == 201
    ok = http.post("/api/v1/spri", json={**spri, "control_date": str(w.today), "poli": "INT", "doctor_code": "7171"})
    assert ok.status_code == 201, ok.text
    # moving it far ahead is refused as issuing it is, and it stays as it was
    with session_factory(engine)() as s, pytest.raises(Invalid) as exc:
        referrals.update_spri(s, ok.json()["number"], actor=SYSTEM, control_date="2099-01-01", poli="INT")
    assert exc.value.details["field"] == "tglRencanaKontrol"
    with session_factory(engine)() as s:
        assert s.get(ControlLetterRow, ok.json()["number"]).control_date == w.today

    # a control letter after a stay: the same bound and the same doctor rule
    number = _inpatient_sep(engine, w)
    for extra, words in (({"control_date": str(w.today + dt.timedelta(days=200)), "poli": "BED"}, "terlalu jauh"),
                         ({"control_date": str(w.today + dt.timedelta(days=1)), "poli": "INT"}, "Pilih dokter")):
        r = http.post("/api/v1/control-letters", json={"sep_number": number, **extra})
        assert r.status_code == 422 and words in r.json()["detail"], r.text


def test_an_sep_change_with_a_long_phone_or_a_cancel_with_a_long_reason_is_refused_not_cut(care):
    http, w, engine = care
    number = _inpatient_sep(engine, w)
    r = http.patch(f"/api/v1/seps/{number}", json={"phone": "0812" * 50, "notes": "kamar 3"})
    assert r.status_code == 422 and "20" in r.json()["detail"] and "terlalu panjang" in r.json()["detail"], r.text
    with session_factory(engine)() as s:
        row = s.get(SepRow, number)
        assert row.phone is None and row.notes is None
        with pytest.raises(Invalid) as exc:  # the desk's path: the same service
            sep_service.delete_sep(s, number, actor=SYSTEM, reason="x" * 501)
        assert "500" in exc.value.message
    with session_factory(engine)() as s:
        assert s.get(SepRow, number).deleted_at is None
        assert sep_service.delete_sep(s, number, actor=SYSTEM, reason="x" * 500)["deleted"]
    # an SEP issued with too long a phone is refused the same way
    with session_factory(engine)() as s, pytest.raises(Invalid) as exc:
        sep_service.insert_sep(s, actor=SYSTEM, card_number=w.active,
                               sep_date=w.today, facility_code=w.rsud, service_type="1", diagnosis="S72",
                               poli="IGD", emergency=True, phone="1" * 21)
    assert exc.value.details["field"] == "noTelp"


def test_a_queue_number_beyond_the_days_offered_or_at_a_hospital_unit_is_refused_on_every_path(care):
    _http, w, engine = care
    last = w.today + dt.timedelta(days=queues.QUEUE_DAYS - 1)
    before = count(engine, FktpRegistrationRow), count(engine, HospitalQueueRow)
    for source in ("MOBILE_JKN", "PCARE"):
        with session_factory(engine)() as s, pytest.raises(Invalid) as exc:
            fktp_queue.register(s, actor=SYSTEM, facility_code=w.fktp, card_number=w.active, source=source,
                                day=last + dt.timedelta(days=1), poli="INT")
        assert "terlalu jauh" in exc.value.message
    with session_factory(engine)() as s, pytest.raises(Invalid) as exc:  # an ICU at a puskesmas
        fktp_queue.register(s, actor=SYSTEM, facility_code=w.fktp, card_number=w.active, source="MOBILE_JKN",
                            day=w.today, poli="ICU")
    assert "ICU" in exc.value.message
    # Antrean RS antrean/add (the SIMRS, and the participant's hospital path through it)
    with session_factory(engine)() as s, pytest.raises(Invalid) as exc:
        queues.add_queue(s, w.rsud, {"kodebooking": "FAR-1", "jenispasien": "JKN", "nik": w.active_nik,
                                     "tanggalperiksa": "2027-01-01" if w.today < dt.date(2026, 12, 20)
                                     else str(last + dt.timedelta(days=30))}, actor=SYSTEM)
    assert exc.value.details["field"] == "tanggalperiksa"
    assert (count(engine, FktpRegistrationRow), count(engine, HospitalQueueRow)) == before
    with session_factory(engine)() as s:  # the last day offered is taken
        assert fktp_queue.register(s, actor=SYSTEM, facility_code=w.fktp, card_number=w.active, source="MOBILE_JKN",
                                   day=last, poli="INT")["queue_number"]


LONG = "kata " * 101  # 504 characters after stripping, the kept texts hold 500


@pytest.mark.parametrize("door", ["request reason", "approval note", "accident note"])
def test_a_request_reason_approval_note_or_accident_note_too_long_is_refused_not_cut(care, door):
    http, w, engine = care
    request = dict(actor=SYSTEM, facility_code=w.rsud, card_number=w.active, sep_date=w.today - dt.timedelta(days=2),
                   service_type="2", kind="1")
    if door == "request reason":
        with session_factory(engine)() as s, pytest.raises(Invalid) as exc:
            sep_requests.submit_request(s, **request, reason=LONG)
        assert exc.value.message.startswith("Keterangan terlalu panjang")
        assert count(engine, SepRequestRow) == 0
    elif door == "approval note":
        with session_factory(engine)() as s:
            made = sep_requests.submit_request(s, **request, reason="SEP lupa dibuat")
        with session_factory(engine)() as s, pytest.raises(Invalid) as exc:
            sep_requests.approve_by_branch(s, made["id"], actor=SYSTEM, note=LONG)
        assert exc.value.message.startswith("Catatan persetujuan terlalu panjang")
        with session_factory(engine)() as s:
            row = s.get(SepRequestRow, made["id"])
            assert row.status == "PENDING" and row.approval_note is None
    else:  # over REST, as a SIMRS sends an accident SEP
        before = count(engine, SepRow), count(engine, SepAccidentRow)
        r = http.post("/api/v1/seps", json={
            "card_number": w.active, "sep_date": str(w.today), "facility_code": w.rsud, "service_type": "1",
            "diagnosis": "S72", "poli": "IGD", "emergency": True, "accident": "1",
            "accident_details": {"accident_date": str(w.today), "note": LONG, "province": "32", "regency": "3273"}})
        assert r.status_code == 422 and "Keterangan kecelakaan terlalu panjang" in r.json()["detail"], r.text
        assert str(accidents.NOTE_SIZE) in r.json()["detail"]
        assert (count(engine, SepRow), count(engine, SepAccidentRow)) == before
