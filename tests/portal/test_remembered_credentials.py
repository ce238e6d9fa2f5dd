"""A remembered Basic log-in belongs to one database: in a process serving two, the same name and
password never resolve to the other database's user with the same id (issue #10)."""

from __future__ import annotations

from sqlalchemy.orm import Session
from support.api_auth import password_hash

from jkn.services.portal import accounts, callers
from jkn.services.portal.audit import SYSTEM
from jkn.store.bootstrap import prepare_database

PASSWORD = "shared-password-1"


def test_a_remembered_check_is_not_used_for_another_database(tmp_path, monkeypatch):
    monkeypatch.setenv("JKN_BASIC_CACHE_SECONDS", "300")
    callers.forget_checked_credentials()
    first, second = (prepare_database(f"sqlite:///{tmp_path / name}") for name in ("a.sqlite3", "b.sqlite3"))
    for engine, names in ((first, ("kepala", "petugas")), (second, ("petugas", "kepala"))):  # ids swapped
        with Session(engine) as s, s.begin():
            for name in names:
                role = accounts.HEAD_OFFICE if name == "kepala" else accounts.ADMIN
                accounts.create_user(s, SYSTEM, username=name, password=PASSWORD, role=role, full_name=name,
                                     password_hash=password_hash(PASSWORD))
    for engine in (first, second, first):
        with Session(engine) as s:
            assert callers.check_credentials(s, "petugas", PASSWORD).role == accounts.ADMIN
    callers.forget_checked_credentials()
