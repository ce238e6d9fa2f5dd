"""Security headers on every kind of response, over a real server (SQLite and PostgreSQL; issue
#10): pages (anonymous and logged in), REST, VClaim, static files, the API documentation, errors
(401, 403, 404, 422 and an unhandled 500); HSTS only over https; pages without inline script or
style, so the strict policy costs nothing (the browser check: tests/portal/test_csp_browser.py)."""

from __future__ import annotations

import re

import pytest
from portal.portal_world import PASSWORD, build_world
from support.live_server import LiveServer
from support.portal_login import login

from jkn.api.app import create_app
from jkn.api.security_headers import PAGE_POLICY, docs_policy

FRAMING = "frame-ancestors 'none'"


@pytest.fixture(scope="module")
def site(server, _prepared):
    _url, engine = _prepared(server.backend)
    return server, build_world(engine)


def assert_hardened(r, *, page: bool = False, stored: bool = False) -> None:
    h = r.headers
    assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff", r.url
    assert h["referrer-policy"] == "same-origin", r.url
    assert FRAMING in h["content-security-policy"], r.url
    if page:
        assert h["content-security-policy"] == PAGE_POLICY and "unsafe" not in PAGE_POLICY
    if not stored:
        assert h["cache-control"] == "no-store", r.url
    assert "strict-transport-security" not in h  # plain http here


def test_pages_rest_vclaim_static_and_errors_carry_the_headers(site):
    server, world = site
    anonymous = server.client()
    assert_hardened(anonymous.get("/masuk"), page=True)
    assert_hardened(anonymous.get("/"), page=True)
    assert_hardened(anonymous.get("/petugas"))  # 303 to the log-in page
    officer, _ = login(server, world.users["medan"], PASSWORD)
    assert_hardened(officer.get(f"/petugas/peserta/{world.medan_card}"), page=True)  # personal data
    assert_hardened(officer.get(f"/petugas/peserta/{world.bekasi_card}"), page=True)  # 403 page
    assert_hardened(officer.get("/petugas/peserta/0000000000000"), page=True)  # 404 page
    api = server.client(auth=(world.users["medan"], PASSWORD))
    rest = api.get(f"/api/v1/participants/{world.medan_card}")
    assert rest.status_code == 200 and rest.headers["content-security-policy"] == "default-src 'none'; " + FRAMING
    assert_hardened(rest)
    assert_hardened(api.get(f"/api/v1/participants/{world.medan_card}/card.pdf"))
    assert_hardened(anonymous.get("/api/v1/bills"))  # 401
    assert_hardened(api.get("/api/v1/participants/not-a-card"))  # 404
    assert_hardened(api.post("/api/v1/complaints", json={}))  # 422
    assert_hardened(anonymous.get("/api/v1/regions"))  # open reference data
    assert_hardened(anonymous.get("/health"))
    vclaim = anonymous.get(f"/vclaim-rest/Peserta/nokartu/{world.medan_card}/tglSEP/2024-01-01")
    assert vclaim.json()["metaData"]["code"] != "200"  # answered by the bridge, without credentials
    assert_hardened(vclaim)
    css = anonymous.get("/static/jkn.css")
    assert_hardened(css, stored=True)
    assert "cache-control" not in css.headers  # static files may be cached


def test_https_requests_get_hsts(site):
    server, _world = site
    r = server.client(headers={"X-Forwarded-Proto": "https"}).get("/health")
    assert r.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in server.client().get("/health").headers


def test_the_api_documentation_allows_only_its_own_inline_script(site):
    server, _world = site
    docs = server.client().get("/docs")
    policy = docs.headers["content-security-policy"]
    script = re.search(r"<script>(.*?)</script>", docs.text, re.S).group(1)
    assert policy == docs_policy(f"<script>{script}</script>".encode()).decode()
    assert "'sha256-" in policy and "script-src 'self' 'sha256-" in policy
    assert "http" not in policy  # no other host: the documentation's assets are the app's own
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert server.client().get("/redoc").headers["x-frame-options"] == "DENY"


def test_an_unhandled_error_carries_the_headers(_prepared):
    url, _engine = _prepared("sqlite")
    app = create_app(url)

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    with LiveServer(url, app) as live:
        r = live.client().get("/boom")
    assert r.status_code == 500
    assert_hardened(r)


def test_pages_carry_no_inline_script_or_style(site):
    server, world = site
    officer, _ = login(server, world.users["medan"], PASSWORD)
    for path in ("/", "/masuk", "/kantor", "/simulasi", "/wilayah", "/petugas", "/petugas/daftar",
                 f"/petugas/peserta/{world.medan_card}", "/dasbor", "/pengaduan", "/petugas/audit", "/akun"):
        html = officer.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=|javascript:", html, re.I), path
