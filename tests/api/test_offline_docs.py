"""``/docs`` and ``/redoc`` work with no internet (issue #11 point 6): their assets come from the
app, and in Chromium, with every request off the loopback server refused, Swagger UI and ReDoc
render the API's operations."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(_prepared):
    from support.live_server import LiveServer

    url, _engine = _prepared("sqlite")
    with LiveServer(url) as srv:
        yield srv


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_name_only_assets_the_app_serves(live, path):
    with live.client() as http:
        html = http.get(path).text
        assert "cdn" not in html.lower() and "https://" not in html
        assets = [a for a in ("/static-offline-docs/swagger-ui-bundle.js", "/static-offline-docs/swagger-ui.css",
                              "/static-offline-docs/redoc.standalone.js") if a in html]
        assert assets
        for asset in assets:
            r = http.get(asset)
            assert r.status_code == 200 and len(r.content) > 10_000


def test_swagger_ui_and_redoc_render_without_internet(live, browser):
    context = browser.new_context()
    outside: list[str] = []

    def only_loopback(route):
        if route.request.url.startswith(live.url):
            route.continue_()
        else:
            outside.append((route.request.resource_type, route.request.url))
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.goto(live.url + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    assert page.locator(".opblock-summary-path").count() > 20
    page.goto(live.url + "/redoc")
    page.wait_for_selector("[data-section-id^='tag/'], h1", timeout=20_000)
    assert page.get_by_text("jkn", exact=False).count() > 0
    # Nothing the pages need comes from outside; ReDoc's own footer names its logo on its CDN
    # (an image that simply does not show offline).
    assert [u for kind, u in outside if kind != "image"] == []
    context.close()
