"""The OpenAPI document is what the server does (issue #10, docs/api-security.md).

schemathesis generates requests for every operation of the document the app publishes and sends
each one to a real server on loopback, unauthenticated and as a portal user of every role
(HTTP Basic; the administrator also sends the VClaim consumers' X-JKN-Admin-Token). Every answer
must be no server error, a documented status code, a documented content type and a body that
matches the documented schema. No operation is excluded.

SQLite only: the checks are about the HTTP edge and the document, which do not depend on the
database, and PostgreSQL would double the run (the bounds that keep values away from either
database are tested on both in test_input_bounds.py).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from portal.portal_world import PASSWORD, build_world
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from support.api_auth import ensure_user
from support.databases import truncate_business_tables
from support.live_server import LiveServer

from jkn.api.app import create_app
from jkn.services.portal import accounts

ADMIN_TOKEN = "conformance-admin-token"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
#: the portal world's user of each role (tests/portal/portal_world.py), plus a regional manager
ROLES = {accounts.ADMIN: "admin", accounts.HEAD_OFFICE: "head", accounts.BRANCH_OFFICER: "medan",
         accounts.EMPLOYER_ADMIN: "pt", accounts.PARTICIPANT: "budi", accounts.FACILITY_STAFF: "rs"}
REGIONAL = "regional.user"

schema = schemathesis.openapi.from_dict(create_app().openapi())


@pytest.fixture(scope="module")
def world(_prepared):
    url, engine = _prepared("sqlite")
    w = build_world(engine)
    ensure_user(engine, REGIONAL, accounts.REGIONAL_MANAGER, PASSWORD, deputy_region="01")
    mp = pytest.MonkeyPatch()
    mp.setenv("JKN_ADMIN_TOKEN", ADMIN_TOKEN)
    with LiveServer(url) as live:
        yield live, w
    mp.undo()
    truncate_business_tables(engine)


def identities(w, case) -> list[tuple[str, dict]]:
    """(who, request arguments). A public operation: nobody. A protected one: nobody, then one user of
    every role; the coverage phase's hundreds of boundary cases go to the administrator only (the
    role that reaches furthest into the code; nobody and the others stop at the log-in or the scope)."""
    if not case.operation.definition.raw.get("security"):
        return [("anonymous", {})]  # the same answer whoever asks
    users = [(role, w.users[key]) for role, key in ROLES.items()] + [(accounts.REGIONAL_MANAGER, REGIONAL)]
    if case.meta is not None and case.meta.phase.name.value == "coverage":
        users = users[:1]
    out = [] if len(users) == 1 else [("anonymous", {})]
    for role, name in users:
        extra = {"headers": {"X-JKN-Admin-Token": ADMIN_TOKEN}} if role == accounts.ADMIN else {}
        out.append((role, {"auth": (name, PASSWORD), **extra}))
    return out


def test_the_server_publishes_the_document_under_test(world):
    live, _w = world
    with live.client() as http:
        assert http.get("/openapi.json").json() == schema.raw_schema


@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, world):
    live, w = world
    for who, kwargs in identities(w, case):
        headers = {**(case.headers or {}), **kwargs.get("headers", {})}
        response = case.call(base_url=live.url, headers=headers, auth=kwargs.get("auth"))
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:
            raise AssertionError(f"as {who}: {exc}") from exc
