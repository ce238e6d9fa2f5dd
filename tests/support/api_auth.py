"""Log in to the REST API in tests: a user of the test database and an httpx client with HTTP Basic.

``api_client(server, engine)`` is an administrator called ``api`` (so a write recorded "as the
caller" still reads ``api``, as the unauthenticated API used to record it). The user is
created again before a request when a test emptied the business tables (``db`` fixture,
``truncate_business_tables``). Every user shares one argon2 hash made once per run.
"""

from __future__ import annotations

from functools import lru_cache

import httpx
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jkn.services.portal import accounts
from jkn.services.portal.audit import SYSTEM
from jkn.store.portal_tables import UserAccountRow

API_USER = "api"
API_PASSWORD = "api-test-password-1"


@lru_cache(maxsize=4)
def password_hash(password: str) -> str:
    return accounts.hash_password(password)


def ensure_user(engine: Engine, username: str = API_USER, role: str = accounts.ADMIN,
                password: str = API_PASSWORD, **place) -> None:
    """Create ``username`` with ``role`` (and its place: branch=, employer=, participant=, facility=,
    deputy_region=) unless it exists."""
    with Session(engine) as session:
        found = session.scalar(select(UserAccountRow.id).where(func.lower(UserAccountRow.username) == username.lower()))
        if found is not None:
            return
        session.commit()
        with session.begin():
            accounts.create_user(session, SYSTEM, username=username, password=password, role=role,
                                 full_name=f"Test {role.title()}", password_hash=password_hash(password), **place)


def api_client(server, engine: Engine, *, username: str = API_USER, role: str = accounts.ADMIN,
               password: str = API_PASSWORD, **place) -> httpx.Client:
    """An httpx client of the live ``server`` logged in (HTTP Basic) as ``username``."""
    ensure_user(engine, username, role, password, **place)

    def _still_there(_request: httpx.Request) -> None:
        ensure_user(engine, username, role, password, **place)

    return server.client(auth=(username, password), event_hooks={"request": [_still_there]})
