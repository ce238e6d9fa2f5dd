"""Complaints: channels from the guide, routing to the participant's branch, the workflow,
time taken, scoping; and the REST endpoints /api/v1/complaints over a real server."""

from __future__ import annotations

import datetime as dt

import pytest
from portal_world import PASSWORD, build_world
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.services.errors import Conflict, Forbidden, Invalid
from jkn.services.portal import accounts, auth, complaints
from jkn.services.portal.audit import Actor
from jkn.store.portal_tables import AuditEventRow, ComplaintEventRow, ComplaintRow

T0 = dt.datetime(2025, 3, 3, 2, 0, tzinfo=dt.timezone.utc)  # 09:00 WIB


def _who(session, name):
    user = accounts.get_user(session, name)
    return Actor.of(user), auth.scope_for(session, user)


def test_channels_are_the_guides():
    assert complaints.check_channels_match_guide() == []
    assert {"BRANCH_OFFICE", "HOTLINE", "FACILITY_STAFF", "CALL_CENTRE"} <= set(complaints.CHANNELS)
    assert "500 400" in complaints.CHANNELS["CALL_CENTRE"].source


def test_participant_complaint_goes_to_their_branch_and_through_the_workflow(db, world):
    with Session(db) as s, s.begin():
        actor, scope = _who(s, world.users["budi"])
        row = complaints.file_complaint(s, actor, scope, channel="PORTAL", category="COMPLAINT",
                                        subject="Obat tidak tersedia", description="Apotek FKTP kosong.",
                                        participant=world.medan_spouse_card, now=T0)
        number = row.number
        assert row.branch_code == world.medan_branch and row.kabkota_code == "12.71"
        assert row.due_at == T0 + dt.timedelta(days=5) and row.status == "NEW"
        assert number.startswith(world.medan_branch + "-2025-")
    with Session(db) as s:
        _, bekasi = _who(s, world.users["bekasi"])
        _, medan = _who(s, world.users["medan"])
        assert [c.number for c in complaints.list_complaints(s, medan)] == [number]
        assert complaints.list_complaints(s, bekasi) == []
        with pytest.raises(Forbidden):
            complaints.get_complaint(s, bekasi, number)
    with Session(db) as s, s.begin():
        actor, scope = _who(s, world.users["bekasi"])
        with pytest.raises(Forbidden):
            complaints.assign(s, actor, scope, number, now=T0)
    with Session(db) as s, s.begin():
        actor, scope = _who(s, world.users["medan"])
        with pytest.raises(Invalid):  # not an officer of this branch
            complaints.assign(s, actor, scope, number, world.users["bekasi"], now=T0)
    with Session(db) as s, s.begin():
        actor, scope = _who(s, world.users["medan"])
        complaints.assign(s, actor, scope, number, world.users["medan2"], now=T0 + dt.timedelta(hours=1))
    with Session(db) as s, s.begin():
        actor, scope = _who(s, world.users["medan2"])
        row = complaints.answer(s, actor, scope, number, "Obat sudah tersedia kembali.",
                                now=T0 + dt.timedelta(days=1, hours=3))
        assert complaints.format_duration(complaints.time_taken(row)) == "1 d 3 h"
        assert not complaints.is_overdue(row, T0 + dt.timedelta(days=9))
    with Session(db) as s, s.begin():
        actor, scope = _who(s, world.users["budi"])
        with pytest.raises(Invalid):
            complaints.reopen(s, actor, scope, number, "")
        complaints.reopen(s, actor, scope, number, "Masih kosong", now=T0 + dt.timedelta(days=2))
    with Session(db) as s, s.begin():
        actor, scope = _who(s, world.users["medan2"])
        complaints.answer(s, actor, scope, number, "Sudah dikirim.", now=T0 + dt.timedelta(days=6))
    with Session(db) as s, s.begin():
        actor, scope = _who(s, world.users["budi"])
        row = complaints.close(s, actor, scope, number, "Terima kasih", now=T0 + dt.timedelta(days=7))
        assert row.status == "CLOSED" and complaints.is_overdue(row)  # answered after the 5 days
        cid = row.id
        with pytest.raises(Conflict):
            complaints.close(s, actor, scope, number)
    with Session(db) as s:
        steps = s.scalars(select(ComplaintEventRow.action).where(ComplaintEventRow.complaint_id == cid)
                          .order_by(ComplaintEventRow.id)).all()
        assert steps == ["FILED", "ASSIGNED", "ANSWERED", "REOPENED", "ANSWERED", "CLOSED"]
        audited = s.scalars(select(AuditEventRow.action).where(AuditEventRow.object_id == number)
                            .order_by(AuditEventRow.id)).all()
        assert audited == ["complaint.file", "complaint.assign", "complaint.answer", "complaint.reopen",
                           "complaint.answer", "complaint.close"]


def test_officer_records_any_channel_and_participant_cannot_file_for_strangers(db, world):
    with Session(db) as s, s.begin():
        actor, scope = _who(s, world.users["medan"])
        # a call-centre complaint about a participant of another branch goes to that branch
        row = complaints.file_complaint(s, actor, scope, channel="CALL_CENTRE", category="INFORMATION",
                                        subject="Cara pindah FKTP", description="?", participant=world.bekasi_card)
        assert row.branch_code == world.bekasi_branch
        # someone not registered: kab/kota and name required
        with pytest.raises(Invalid):
            complaints.file_complaint(s, actor, scope, channel="HOTLINE", category="COMPLAINT", subject="s",
                                      description="d")
        row = complaints.file_complaint(s, actor, scope, channel="FACILITY_STAFF", category="COMPLAINT", subject="s",
                                        description="d", complainant_name="Warga", kabkota_code="12.71",
                                        facility_code=world.fktp["FKRTL"][0])
        assert row.branch_code == world.medan_branch
        with pytest.raises(Invalid):
            complaints.file_complaint(s, actor, scope, channel="TELEGRAM", category="COMPLAINT", subject="s",
                                      description="d", participant=world.medan_card)
    with Session(db) as s, s.begin():
        actor, scope = _who(s, world.users["budi"])
        with pytest.raises(Forbidden):
            complaints.file_complaint(s, actor, scope, channel="PORTAL", category="COMPLAINT", subject="s",
                                      description="d", participant=world.bekasi_card)
        with pytest.raises(Invalid):
            complaints.file_complaint(s, actor, scope, channel="CALL_CENTRE", category="COMPLAINT", subject="s",
                                      description="d")
    # a complainant's name or contact longer than its column is refused, not cut, and nothing is filed (A-S16)
    with Session(db) as s:
        before = s.scalar(select(func.count()).select_from(ComplaintRow))
        actor, scope = _who(s, world.users["medan"])
        for field, extra in (("complainant_name", {"complainant_name": "W" * 121}),
                             ("contact", {"complainant_name": "Warga", "contact": "0812" * 31})):
            with pytest.raises(Invalid) as exc:
                complaints.file_complaint(s, actor, scope, channel="HOTLINE", category="COMPLAINT", subject="s",
                                          description="d", kabkota_code="12.71", **extra)
            assert exc.value.details["field"] == field and "terlalu panjang" in exc.value.message
            assert "paling banyak 120" in exc.value.message
    with Session(db) as s:
        assert s.scalar(select(func.count()).select_from(ComplaintRow)) == before


# --- the REST API over a real server -----------------------------------------------------------


@pytest.fixture(scope="module")
def api(server, _prepared):
    url, engine = _prepared(server.backend)
    world = build_world(engine)
    return server, world


def test_api_file_list_answer_close(api):
    server, world = api
    officer = (world.users["medan"], PASSWORD)
    with server.client(auth=(world.users["budi"], PASSWORD)) as budi:
        r = budi.post("/api/v1/complaints", json={"channel": "PORTAL", "category": "COMPLAINT",
                                                   "subject": "Kartu belum jadi", "description": "Sudah 2 minggu."})
        assert r.status_code == 201, r.text
        number = r.json()["number"]
        assert r.json()["branch"]["code"] == world.medan_branch and r.json()["status"] == "NEW"
    with server.client(auth=(world.users["bekasi"], PASSWORD)) as bekasi:
        assert number not in [c["number"] for c in bekasi.get("/api/v1/complaints").json()]
        assert bekasi.get(f"/api/v1/complaints/{number}").status_code == 403
    with server.client(auth=officer) as medan:
        listed = medan.get("/api/v1/complaints", params={"status": "NEW"}).json()
        assert number in [c["number"] for c in listed]
        r = medan.post(f"/api/v1/complaints/{number}/answer", json={"answer": "Kartu dapat diambil besok."})
        assert r.status_code == 200 and r.json()["status"] == "ANSWERED"
        assert r.json()["assigned_to"] == world.users["medan"] and r.json()["time_taken_minutes"] is not None
        assert [e["action"] for e in r.json()["events"]] == ["FILED", "ASSIGNED", "ANSWERED"]
        stale = medan.post(f"/api/v1/complaints/{number}/close", json={"version": 1})
        assert stale.status_code == 409
    with server.client(auth=(world.users["budi"], PASSWORD)) as budi:
        r = budi.post(f"/api/v1/complaints/{number}/close", json={})
        assert r.status_code == 200 and r.json()["status"] == "CLOSED"


def test_api_refuses_without_login_bad_input_and_cookie_without_csrf(api):
    server, world = api
    with server.client() as anonymous:
        assert anonymous.get("/api/v1/complaints").status_code == 401
    with server.client(auth=(world.users["medan"], "wrong")) as bad:
        assert bad.get("/api/v1/complaints").status_code == 401
    with server.client(auth=(world.users["medan"], PASSWORD)) as medan:
        r = medan.post("/api/v1/complaints", json={"channel": "PIGEON", "subject": "s", "description": "d"})
        assert r.status_code == 422
        r = medan.post("/api/v1/complaints", json={"channel": "HOTLINE", "subject": "s", "description": "d"})
        assert r.status_code == 422 and "kabupaten/kota" in r.json()["detail"]
    # a browser session (cookie) must also send the CSRF token on a POST
    with server.client() as browser:
        page = browser.get("/masuk")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        r = browser.post("/masuk", data={"username": world.users["medan"], "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 303 and r.headers["location"] == "/petugas"
        assert browser.get("/api/v1/complaints").status_code == 200
        body = {"channel": "HOTLINE", "subject": "s", "description": "d", "complainant_name": "A", "kabkota_code": "12.71"}
        assert browser.post("/api/v1/complaints", json=body).status_code == 403
        fresh = browser.get("/pengaduan/baru").text.split('name="csrf_token" value="')[1].split('"')[0]
        assert browser.post("/api/v1/complaints", json=body, headers={"X-CSRF-Token": fresh}).status_code == 201
