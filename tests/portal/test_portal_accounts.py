"""Accounts: argon2 hashes, throttled log-ins (never a lock-out), the owner's notice, scopes per role, the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st
from portal_world import PASSWORD
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.timestamps import as_utc
from jkn.services.errors import Conflict, Forbidden, Invalid, NotFound
from jkn.services.portal import accounts, audit, auth, sessions, throttle
from jkn.services.portal.accounts import LoginRefused, LoginThrottled
from jkn.services.portal.audit import SYSTEM
from jkn.services.portal.settings import SecuritySettings, settings
from jkn.services.portal.throttle import KnownDevice
from jkn.services.unit_of_work import unit_of_work
from jkn.store.membership_tables import ParticipantRow
from jkn.store.portal_tables import AuditEventRow, LoginAttemptRow, UserAccountRow


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


def _try(engine, name, password, now, client, device=None):
    with Session(engine) as s, unit_of_work(s):
        try:
            return accounts.authenticate(s, name, password, client=client, device=device, now=now).username
        except LoginRefused as exc:
            return exc


T0 = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.timezone.utc)


def test_failed_guesses_slow_down_but_never_lock_the_account(db, monkeypatch):
    monkeypatch.setenv("JKN_LOGIN_FREE_FAILURES", "5")
    monkeypatch.setenv("JKN_LOGIN_DELAY_SECONDS", "1")
    monkeypatch.setenv("JKN_LOGIN_ACCOUNT_MAX_DELAY_SECONDS", "60")
    with Session(db) as s, s.begin():
        accounts.create_user(s, SYSTEM, username="siti", password=PASSWORD, role="ADMIN", full_name="Siti")
    at = T0
    for i in range(5):  # five free guesses, from five clients
        at = T0 + dt.timedelta(seconds=i)
        assert _try(db, "siti", "bad", at, f"203.0.113.{i}").message == "Nama pengguna atau kata sandi salah."
    early = _try(db, "siti", "bad", at, "203.0.113.9")
    assert isinstance(early, LoginThrottled) and early.status == 429 and early.details["retry_after"] == 1
    # the delay doubles with each failure and stops at the account's cap
    waits = []
    for i in range(8):
        at += dt.timedelta(seconds=waits[-1] if waits else 1)
        assert _try(db, "siti", "bad", at, f"198.51.100.{i}").message == "Nama pengguna atau kata sandi salah."
        waits.append(_try(db, "siti", "bad", at, "192.0.2.1").details["retry_after"])
    assert waits == [2, 4, 8, 16, 32, 60, 60, 60]
    # the owner gets in with the right password once the account's (bounded) delay has run out
    assert isinstance(_try(db, "siti", PASSWORD, at + dt.timedelta(seconds=59), "10.0.0.1"), LoginThrottled)
    assert _try(db, "siti", PASSWORD, at + dt.timedelta(seconds=60), "10.0.0.1") == "siti"
    with Session(db) as s:
        reasons = s.scalars(select(LoginAttemptRow.reason).where(LoginAttemptRow.username == "siti")
                            .order_by(LoginAttemptRow.id)).all()
        assert reasons == ["BAD_PASSWORD"] * 13 + [None]  # refused-early attempts are not even written


def test_a_client_that_guesses_is_slowed_on_every_account(db, monkeypatch):
    monkeypatch.setenv("JKN_LOGIN_FREE_FAILURES", "3")
    for name in ("andi", "bayu"):
        with Session(db) as s, s.begin():
            accounts.create_user(s, SYSTEM, username=name, password=PASSWORD, role="HEAD_OFFICE", full_name=name)
    for i, name in enumerate(["andi", "nobody", "bayu"]):  # unknown names count the same
        assert _try(db, name, "bad", T0 + dt.timedelta(seconds=i), "203.0.113.7").status == 401
    refused = _try(db, "andi", PASSWORD, T0 + dt.timedelta(seconds=2), "203.0.113.7")
    assert isinstance(refused, LoginThrottled)  # even the right password waits: nothing is checked
    assert _try(db, "andi", PASSWORD, T0 + dt.timedelta(seconds=2), "198.51.100.1") == "andi"  # elsewhere: fine
    with Session(db) as s:  # the window forgets old failures
        assert throttle.wait_seconds(s, name="bayu", client="203.0.113.7", device=None,
                                     now=T0 + dt.timedelta(minutes=16), cfg=settings()) == 0


def test_a_known_device_is_never_held_back_by_a_strangers_guesses(db, monkeypatch):
    monkeypatch.setenv("JKN_LOGIN_FREE_FAILURES", "2")
    with Session(db) as s, s.begin():
        user = accounts.create_user(s, SYSTEM, username="dewi", password=PASSWORD, role="HEAD_OFFICE", full_name="D")
        mine = KnownDevice(user.id, user.session_version, "a1" * 16)
        stale = KnownDevice(user.id, user.session_version - 1, "b2" * 16)  # from before a password change
    for i in range(6):
        _try(db, "dewi", "bad", T0 + dt.timedelta(seconds=i), "203.0.113.7")
    now = T0 + dt.timedelta(seconds=6)
    assert isinstance(_try(db, "dewi", PASSWORD, now, "203.0.113.7"), LoginThrottled)
    assert _try(db, "dewi", PASSWORD, now, "203.0.113.7", device=mine) == "dewi"  # same network, own browser
    assert isinstance(_try(db, "dewi", PASSWORD, now, "198.51.100.1", device=stale), LoginThrottled)
    for i in range(3):  # the device's own failures count for the device only
        assert _try(db, "dewi", "bad", now + dt.timedelta(seconds=i), "10.0.0.2", device=mine).status == 401
    assert isinstance(_try(db, "dewi", PASSWORD, now + dt.timedelta(seconds=2), "10.0.0.2", device=mine),
                      LoginThrottled)


@settings_hypothesis(max_examples=60, deadline=None)
@given(failures=st.integers(0, 80), free=st.integers(1, 10), base=st.floats(0.01, 5), cap=st.floats(0.1, 900))
def test_the_delay_grows_with_failures_and_is_bounded(failures, free, base, cap):
    cfg = SecuritySettings(login_free_failures=free, login_delay_seconds=base)
    now, after = throttle.delay_after(failures, cfg, cap), throttle.delay_after(failures + 1, cfg, cap)
    assert 0 <= now <= after <= cap
    assert (now == 0) == (failures < free)


def test_the_owner_is_told_and_the_branch_sees_the_failures(db, world):
    name = world.users["budi"]
    for i in range(3):
        _try(db, name, "bad", T0 + dt.timedelta(seconds=i), "203.0.113.7")
    with Session(db) as s, unit_of_work(s):
        user = accounts.get_user(s, name)
        assert user.failed_logins == 3 and as_utc(user.failed_since) == T0
        token = sessions.open_session(s, user, client="10.0.0.1")
    with Session(db) as s:
        row = sessions.current(s, token)
        assert row.failed_logins == 3 and as_utc(row.failed_since) == T0
        assert accounts.get_user(s, name).failed_logins == 0  # told once
        events = audit.recent(s, action="login.failed", object_id=name)
        assert len(events) == 3 and {e.branch_code for e in events} == {world.medan_branch}
        assert events[0].client == "203.0.113.7" and events[0].actor == "anonymous"


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
