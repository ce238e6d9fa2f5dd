"""Sessions that end, over HTTP (a real server, SQLite and PostgreSQL; issue #10): a cookie copied
before log-out is refused after it; a password change and a deactivation end every session; the
idle and the absolute timeouts (settings, made small here) end a session even when its cookie is
sent again."""

from __future__ import annotations

import time

import pytest
from portal_world import PASSWORD, build_world
from sqlalchemy.orm import Session
from support.portal_login import login, token

from jkn.services.portal import accounts
from jkn.services.portal.audit import SYSTEM
from jkn.services.unit_of_work import unit_of_work


@pytest.fixture(scope="module")
def site(server, _prepared):
    _url, engine = _prepared(server.backend)
    return server, build_world(engine), engine


def copy_of(server, client):
    """Another browser holding a copy of ``client``'s session cookie (a stolen cookie)."""
    return server.client(headers={"Cookie": f"jkn_session={client.cookies['jkn_session']}"})


def logged_in(client) -> bool:
    return client.get("/akun").status_code == 200


def test_a_cookie_copied_before_log_out_is_refused_after_it(site):
    server, world, _engine = site
    officer, _ = login(server, world.users["medan"], PASSWORD)
    thief = copy_of(server, officer)
    assert logged_in(thief) and thief.get("/api/v1/complaints").status_code == 200  # while it is open
    r = officer.post("/keluar", data={"csrf_token": token(officer.get("/akun").text)})
    assert r.status_code == 303
    assert not logged_in(officer) and not logged_in(thief)
    assert thief.get("/petugas").headers["location"] == "/masuk?next=%2Fpetugas"
    assert thief.get("/api/v1/complaints").status_code == 401
    assert logged_in(login(server, world.users["medan"], PASSWORD)[0])  # logging in again works


def test_a_password_change_and_a_deactivation_end_every_session(site):
    server, world, engine = site
    with Session(engine) as s, s.begin():
        accounts.create_user(s, SYSTEM, username="sesi.dua", password=PASSWORD, role="HEAD_OFFICE", full_name="S")
    first, _ = login(server, "sesi.dua", PASSWORD)
    copied = copy_of(server, first)
    with Session(engine) as s, unit_of_work(s):  # what `jkn users set-password` does
        accounts.set_password(s, SYSTEM, accounts.get_user(s, "sesi.dua"), "sandi-baru-123")
    assert not logged_in(first) and not logged_in(copied)
    assert copied.get("/api/v1/complaints").status_code == 401

    second, _ = login(server, "sesi.dua", "sandi-baru-123")
    copied = copy_of(server, second)
    admin, _ = login(server, world.users["admin"], PASSWORD)
    users = admin.get("/admin/pengguna").text
    assert admin.post("/admin/pengguna/sesi.dua/nonaktif", data={"csrf_token": token(users)}).status_code == 303
    assert not logged_in(second) and not logged_in(copied)
    assert admin.post("/admin/pengguna/sesi.dua/aktif", data={"csrf_token": token(users)}).status_code == 303
    assert not logged_in(copied)  # reactivating the account does not bring an ended session back
    assert logged_in(login(server, "sesi.dua", "sandi-baru-123")[0])


def test_an_idle_session_ends_and_one_in_use_goes_on(site, monkeypatch):
    server, world, _engine = site
    monkeypatch.setenv("JKN_SESSION_IDLE_MINUTES", "0.075")  # 4.5 s
    officer, _ = login(server, world.users["medan2"], PASSWORD)
    started = time.monotonic()
    while time.monotonic() - started < 6:  # used every second: longer than the idle time, still open
        time.sleep(1)
        assert logged_in(officer)
    time.sleep(5)
    r = officer.get("/petugas")
    assert r.status_code == 303 and r.headers["location"] == "/masuk?next=%2Fpetugas"


def test_a_session_ends_at_the_absolute_timeout_even_in_use(site, monkeypatch):
    server, world, _engine = site
    monkeypatch.setenv("JKN_SESSION_HOURS", "0.002")  # 7.2 s
    officer, _ = login(server, world.users["head"], PASSWORD)
    started = time.monotonic()
    copied = copy_of(server, officer)  # sent as it is: the browser's own expiry does not count here
    while time.monotonic() - started < 4:
        assert logged_in(copied)
        time.sleep(1)
    time.sleep(7.5 - (time.monotonic() - started))
    assert not logged_in(copied)
