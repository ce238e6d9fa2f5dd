"""Shared fixtures: real databases (SQLite file and PostgreSQL) and a real HTTP server on loopback.

PostgreSQL is the server at 127.0.0.1:5432 (``JKN_TEST_POSTGRES_URL`` overrides). Each test run
works in its own schema, dropped at the end. Outside CI a missing server skips its tests with
the reason shown; in CI (``CI=true``) a missing server fails the run.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import text
from support.databases import BACKENDS, postgres_unavailable_reason, prepare, truncate_business_tables
from support.live_server import LiveServer

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def _prepared(tmp_path_factory):
    """Backend name → (url, engine), created lazily, torn down at the end of the run."""
    created: dict[str, tuple[str, object]] = {}
    schema = f"jkn_test_{uuid.uuid4().hex[:10]}"

    def get(backend: str):
        if backend not in created:
            if backend == "postgresql":
                reason = postgres_unavailable_reason()
                if reason:
                    if IN_CI:
                        pytest.fail(f"PostgreSQL is required in CI: {reason}")
                    pytest.skip(f"PostgreSQL not available: {reason}")
            created[backend] = prepare(backend, tmp_path_factory.mktemp("db"), schema)
        return created[backend]

    yield get
    for backend, (_url, engine) in created.items():
        if backend == "postgresql":
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _files_outside_the_worktree(tmp_path_factory):
    """Uploaded documents (JKN_UPLOAD_DIR) and one-time codes of the file sender (JKN_OTP_OUTBOX) in temporary folders."""
    saved = {name: os.environ.get(name) for name in ("JKN_UPLOAD_DIR", "JKN_OTP_OUTBOX")}
    os.environ["JKN_UPLOAD_DIR"] = str(tmp_path_factory.mktemp("uploads"))
    os.environ["JKN_OTP_OUTBOX"] = str(tmp_path_factory.mktemp("otp") / "outbox.jsonl")
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db(_prepared, backend):
    """A migrated database with reference data, emptied of business rows after the test."""
    url, engine = _prepared(backend)
    yield engine
    truncate_business_tables(engine)


@pytest.fixture
def db_url(_prepared, backend) -> str:
    return _prepared(backend)[0]


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, _prepared):
    """A real uvicorn server on a free loopback port, serving the app on each backend."""
    url, engine = _prepared(request.param)
    with LiveServer(url) as live:
        live.backend = request.param
        yield live
    truncate_business_tables(engine)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by playwright (never a downloaded browser)."""
    from support.browser import launch_chromium

    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    yield page
    context.close()
