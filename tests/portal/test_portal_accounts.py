"""Accounts: argon2 hashes, lock-out after repeated failures, scopes per role, the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.services.portal import accounts, audit, auth
from jkn.services.portal.accounts import LoginRefused
from jkn.services.portal.audit import SYSTEM
from jkn.services.errors import Conflict, Forbidden, Invalid, NotFound
from jkn.store.membership_tables import ParticipantRow
from jkn.store.portal_tables import AuditEventRow, LoginAttemptRow, UserAccountRow

from portal_world import PASSWORD


def _login(engine, name, password, now=None):
    with Session(engine) as s, s.begin():
        try:
            return accounts.authenticate(s, name, password, client="test", now=now).username
        except LoginRefused as exc:
            return exc


def test_password_is_stored_as_argon2_and_checked(db):
    with Session(db) as s, s.begin():
        user = accounts.create_user(s, SYSTEM, username="ani", password="kata-sandi-1", role="HEAD_OFFICE",
                                    full_name="Ani")
        assert user.password_hash.startswith("$argon2id$") and "kata-sandi-1" not in user.password_hash
    assert _login(db, "ani", "kata-sandi-1") == "ani"
    assert _login(db, "ANI", "kata-sandi-1") == "ani"  # names are case-insensitive
    refused = _login(db, "ani", "wrong")
    assert isinstance(refused, LoginRefused) and refused.status == 401
    unknown = _login(db, "nobody", "wrong")
    assert isinstance(unknown, LoginRefused) and unknown.message == refused.message  # no hint that a name exists


def test_lockout_after_five_failures_for_fifteen_minutes(db, monkeypatch):
    monkeypatch.delenv("JKN_LOCKOUT_FAILURES", raising=False)
    with Session(db) as s, s.begin():
        accounts.create_user(s, SYSTEM, username="siti", password=PASSWORD, role="HEAD_OFFICE", full_name="Siti")
    t0 = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.timezone.utc)
    for i in range(4):
        assert "locked" not in _login(db, "siti", "bad", now=t0 + dt.timedelta(seconds=i)).message
    fifth = _login(db, "siti", "bad", now=t0 + dt.timedelta(seconds=5))
    assert "locked until" in fifth.message and "locked_until" in fifth.details
    # the right password is refused during the lock ...
    assert isinstance(_login(db, "siti", PASSWORD, now=t0 + dt.timedelta(minutes=14)), LoginRefused)
    # ... and accepted once it has run out
    assert _login(db, "siti", PASSWORD, now=t0 + dt.timedelta(minutes=15, seconds=6)) == "siti"
    with Session(db) as s:
        attempts = s.scalars(select(LoginAttemptRow.reason).where(LoginAttemptRow.username == "siti")
                             .order_by(LoginAttemptRow.id)).all()
        assert attempts == ["BAD_PASSWORD"] * 5 + ["LOCKED", None]
        assert s.scalar(select(AuditEventRow).where(AuditEventRow.action == "login.locked")) is not None


def test_lockout_threshold_is_a_parameter(db, monkeypatch):
    monkeypatch.setenv("JKN_LOCKOUT_FAILURES", "2")
    with Session(db) as s, s.begin():
        accounts.create_user(s, SYSTEM, username="dedi", password=PASSWORD, role="HEAD_OFFICE", full_name="Dedi")
    _login(db, "dedi", "bad")
    assert "locked" in _login(db, "dedi", "bad").message


def test_create_user_validates_role_and_place(db):
    with Session(db) as s, s.begin():
        with pytest.raises(Invalid):
            accounts.create_user(s, SYSTEM, username="usr1", password=PASSWORD, role="BRANCH_OFFICER", full_name="X")
        with pytest.raises(NotFound):
            accounts.create_user(s, SYSTEM, username="usr2", password=PASSWORD, role="BRANCH_OFFICER", full_name="X",
                                 branch="999")
        with pytest.raises(Invalid):
            accounts.create_user(s, SYSTEM, username="usr3", password="short", role="ADMIN", full_name="X")
        with pytest.raises(Invalid):
            accounts.create_user(s, SYSTEM, username="usr4", password=PASSWORD, role="KING", full_name="X")
        accounts.create_user(s, SYSTEM, username="usr5", password=PASSWORD, role="REGIONAL_MANAGER", full_name="X",
                             deputy_region="01")
        with pytest.raises(Conflict):
            accounts.create_user(s, SYSTEM, username="USR5", password=PASSWORD, role="ADMIN", full_name="X")


def test_scopes_by_role(db, world):
    with Session(db) as s:
        users = {k: accounts.get_user(s, v) for k, v in world.users.items()}
        medan = s.scalar(select(ParticipantRow).where(ParticipantRow.card_number == world.medan_card))
        spouse = s.scalar(select(ParticipantRow).where(ParticipantRow.card_number == world.medan_spouse_card))
        bekasi = s.scalar(select(ParticipantRow).where(ParticipantRow.card_number == world.bekasi_card))
        officer = auth.scope_for(s, users["medan"])
        assert "12.71" in officer.kabkota_codes and "32.75" not in officer.kabkota_codes
        assert auth.check_participant(officer, medan) is medan
        with pytest.raises(Forbidden):
            auth.check_participant(officer, bekasi)
        head = auth.scope_for(s, users["head"])
        assert head.national and auth.may_see_participant(head, bekasi)
        budi = auth.scope_for(s, users["budi"])
        assert auth.may_see_participant(budi, spouse) and not auth.may_see_participant(budi, bekasi)
        staff = auth.scope_for(s, users["rs"])
        assert staff.facility_code == world.fktp["FKRTL"][0] and not auth.may_see_participant(staff, medan)
        assert staff.can("sep.issue") and not staff.can("participant.read")
        visible = s.scalars(select(ParticipantRow.card_number).where(auth.participant_filter(officer))).all()
        assert set(visible) == {world.medan_card, world.medan_spouse_card, world.siti_card}
        with pytest.raises(Forbidden):
            auth.check_family(s, officer, bekasi.family_id)
        auth.check_family(s, officer, medan.family_id)


def test_every_account_change_is_audited(db):
    with Session(db) as s, s.begin():
        user = accounts.create_user(s, SYSTEM, username="rina", password=PASSWORD, role="HEAD_OFFICE", full_name="R")
        accounts.set_password(s, SYSTEM, user, "another-pass-1")
        accounts.set_active(s, SYSTEM, user, False)
    assert isinstance(_login(db, "rina", "another-pass-1"), LoginRefused)  # inactive
    with Session(db) as s:
        actions = [r.action for r in audit.recent(s, object_type="user", object_id="rina")]
        assert actions == ["user.deactivate", "user.password", "user.create"]
        row = s.scalar(select(AuditEventRow).where(AuditEventRow.action == "user.deactivate"))
        assert row.actor == "system" and row.before == {"active": True} and row.after == {"active": False}
        assert s.scalar(select(UserAccountRow.session_version).where(UserAccountRow.username == "rina")) == 3
