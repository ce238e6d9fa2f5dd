"""Fixtures of the membership and billing tests: facilities in the database and a logged-in client."""

from __future__ import annotations

import pytest
from membership.membership_helpers import ensure_facilities

from support.api_auth import api_client


@pytest.fixture
def fdb(db):
    """``db`` with the test facilities."""
    ensure_facilities(db)
    return db


@pytest.fixture(scope="module")
def api(server, _prepared):
    """An httpx client on the live server, logged in as an administrator (support.api_auth), whose
    database has the test facilities."""
    engine = _prepared(server.backend)[1]
    ensure_facilities(engine)
    with api_client(server, engine) as client:
        client.backend = server.backend
        yield client
