"""Log-in defence over HTTP (a real server, SQLite and PostgreSQL; issue #10): a stranger's guesses
slow the stranger and cannot lock anyone out, not even an administrator; the owner gets in after a
bounded delay, at once from a browser they logged in with before; the owner is told of the failed
attempts; the officers of the account's branch see them on the audit page; HTTP Basic is
throttled the same way (429 with Retry-After)."""

from __future__ import annotations

import time

import pytest
from portal_world import PASSWORD, build_world
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from support.portal_login import login, token

from jkn.services.portal import accounts
from jkn.services.portal.audit import SYSTEM
from jkn.store.portal_tables import LoginAttemptRow

STRANGER, OWNER = "203.0.113.7", "198.51.100.20"


@pytest.fixture(scope="module")
def site(server, _prepared):
    _url, engine = _prepared(server.backend)
    return server, build_world(engine), engine


@pytest.fixture
def quick(monkeypatch):
    """Three free failures; then 5 s for a client (doubling), at most 1 s for an account."""
    monkeypatch.setenv("JKN_LOGIN_FREE_FAILURES", "3")
    monkeypatch.setenv("JKN_LOGIN_DELAY_SECONDS", "5")
    monkeypatch.setenv("JKN_LOGIN_MAX_DELAY_SECONDS", "60")
    monkeypatch.setenv("JKN_LOGIN_ACCOUNT_MAX_DELAY_SECONDS", "1")


def from_address(server, address: str):
    """A browser whose requests reach the app from ``address`` (through the loopback proxy uvicorn trusts)."""
    return server.client(headers={"X-Forwarded-For": address})


def post_login(client, user: str, password: str, csrf: str | None = None):
    csrf = csrf or token(client.get("/masuk").text)
    return client.post("/masuk", data={"username": user, "password": password, "csrf_token": csrf})


def log_in_waiting(client, user: str) -> tuple[object, float]:
    """Log in with the right password, waiting as long as each 429 says; the answer and the time waited."""
    waited = 0.0
    for _ in range(5):
        r = post_login(client, user, PASSWORD)
        if r.status_code != 429:
            return r, waited
        waited += int(r.headers["retry-after"])
        time.sleep(int(r.headers["retry-after"]))
    return r, waited


def checked_attempts(engine, name: str) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count(LoginAttemptRow.id)).where(LoginAttemptRow.username == name))


def test_a_strangers_twenty_guesses_do_not_lock_out_an_administrator(site, quick, monkeypatch):
    server, world, engine = site
    with Session(engine) as s, s.begin():
        accounts.create_user(s, SYSTEM, username="kepala", password=PASSWORD, role="ADMIN", full_name="Kepala")
    stranger = from_address(server, STRANGER)
    csrf = token(stranger.get("/masuk").text)
    answers = [post_login(stranger, "kepala", f"tebakan-{i}", csrf) for i in range(20)]
    assert [r.status_code for r in answers] == [401] * 3 + [429] * 17
    # the stranger is slowed: 17 guesses were refused unchecked, each told to wait (5 s from the third)
    assert checked_attempts(engine, "kepala") == 3
    assert all(1 <= int(r.headers["retry-after"]) <= 5 for r in answers[3:])
    assert "coba lagi dalam" in answers[-1].text
    assert post_login(stranger, world.users["head"], PASSWORD, csrf).status_code == 429  # every account from there

    owner = from_address(server, OWNER)
    started = time.monotonic()
    r, waited = log_in_waiting(owner, "kepala")
    assert r.status_code == 303 and r.headers["location"] == "/petugas"
    assert waited <= 1 and time.monotonic() - started < 15  # bounded by the account's cap (1 s here)
    page = owner.get("/petugas").text
    assert "3 percobaan masuk gagal sejak" in page  # the owner is told

    # a second wave from another address: the owner's browser (device cookie) gets in at once,
    # while a new browser at the owner's address waits the account's delay (made longer here)
    owner.post("/keluar", data={"csrf_token": token(owner.get("/akun").text)})
    time.sleep(1)
    assert post_login(from_address(server, "203.0.113.8"), "kepala", "tebakan-x").status_code == 401
    monkeypatch.setenv("JKN_LOGIN_ACCOUNT_MAX_DELAY_SECONDS", "60")
    assert post_login(from_address(server, OWNER), "kepala", PASSWORD).status_code == 429
    assert post_login(owner, "kepala", PASSWORD).status_code == 303


def test_the_owner_is_told_until_dismissed_and_the_branch_sees_the_failures(site, quick):
    server, world, _engine = site
    name = world.users["budi"]
    stranger = from_address(server, "203.0.113.9")
    assert [post_login(stranger, name, "salah").status_code for _ in range(2)] == [401, 401]
    budi, r = login(server, name, PASSWORD)
    home = budi.get(r.headers["location"]).text
    assert "2 percobaan masuk gagal sejak" in home and 'id="failed-logins"' in home
    assert "2 percobaan masuk gagal sejak" in budi.get("/peserta/fktp").text  # on every page ...
    r = budi.post("/akun/pemberitahuan", data={"csrf_token": token(home), "next": "/peserta"})
    assert r.status_code == 303 and r.headers["location"] == "/peserta"
    assert "percobaan masuk gagal" not in budi.get("/peserta").text  # ... until dismissed
    assert "percobaan masuk gagal" not in login(server, name, PASSWORD)[0].get("/peserta").text  # told once

    medan, _ = login(server, world.users["medan"], PASSWORD)
    rows = medan.get("/petugas/audit?action=login.failed").text
    assert rows.count(f"pengguna {name}") == 2 and "<td>Percobaan masuk gagal</td>" in rows
    bekasi, _ = login(server, world.users["bekasi"], PASSWORD)
    assert name not in bekasi.get("/petugas/audit?action=login.failed").text  # another branch's account


def test_http_basic_is_throttled_too_and_a_remembered_caller_goes_on(site, quick):
    server, world, _engine = site
    name = world.users["head"]
    remembered = server.client(auth=(name, PASSWORD))
    assert remembered.get("/api/v1/complaints").status_code == 200
    guesser = server.client(auth=(name, "salah-lagi"), headers={"X-Forwarded-For": "203.0.113.10"})
    codes = [guesser.get("/api/v1/complaints") for _ in range(5)]
    assert [r.status_code for r in codes] == [401, 401, 401, 429, 429]
    assert int(codes[-1].headers["retry-after"]) >= 1 and codes[-1].json()["retry_after"] >= 1
    assert remembered.get("/api/v1/complaints").status_code == 200  # its password is known to be right
