"""The care-flow world on a real server (SQLite and PostgreSQL), one per test module."""

from __future__ import annotations

import pytest
from support.api_auth import api_client
from support.care_world import build_world
from support.databases import truncate_business_tables


@pytest.fixture(scope="module")
def care(server, _prepared):
    """(HTTP client logged in as an administrator, the world, the engine)."""
    _url, engine = _prepared(server.backend)
    truncate_business_tables(engine)
    world = build_world(engine)
    with api_client(server, engine) as http:
        yield http, world, engine
