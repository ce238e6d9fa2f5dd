"""Paged REST listings link their pages (issue #15, point 6): a client that follows ``rel="next"`` from
the first page sees every row once, on SQLite and PostgreSQL, over a real server.

Employers and participants (object bodies: ``Link`` header and ``links``) and the public facility
directory (a bare list: ``Link`` header only, ``next`` while pages are full).
"""

from __future__ import annotations

import httpx
import pytest
from membership.membership_helpers import FACILITIES, ensure_facilities, pbpu_family, register
from support.api_auth import api_client

EMPLOYERS = 7


@pytest.fixture(scope="module")
def client(server, _prepared):
    _url, engine = _prepared(server.backend)
    ensure_facilities(engine)
    c = api_client(server, engine)
    for i in range(EMPLOYERS):
        r = c.post("/api/v1/employers", json={"name": f"PT Halaman {i}", "sector": "SWASTA", "kabkota_code": "31.71",
                                              "registered_on": "2014-01-02"})
        assert r.status_code == 201, r.text
    register(c, pbpu_family(members=4))
    yield c
    c.close()


def walk(client: httpx.Client, url: str, key) -> tuple[list, list[httpx.Response]]:
    """Every item from ``url`` on, following the Link header's next; the answers seen."""
    seen, answers = [], []
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.text
        answers.append(r)
        body = r.json()
        seen += [key(i) for i in (body if isinstance(body, list) else body["items"])]
        url = r.links.get("next", {}).get("url")
        assert len(answers) < 20
    return seen, answers


def test_employers_walked_by_next_links_show_each_once(client):
    everyone = [e["code"] for e in client.get("/api/v1/employers", params={"q": "Halaman", "limit": 500}).json()["items"]]
    assert len(everyone) == EMPLOYERS
    seen, answers = walk(client, "/api/v1/employers?q=Halaman&limit=3", lambda e: e["code"])
    assert seen == everyone  # none repeated, none lost, same order
    assert [len(r.json()["items"]) for r in answers] == [3, 3, 1]
    first, middle, last = (r.json()["links"] for r in answers)
    assert first["prev"] is None and last["next"] is None
    assert middle["prev"] == first["first"] == last["first"]
    assert first["last"] == middle["last"] == last["first"].replace("offset=0", "offset=6")
    # the filter is kept, only limit and offset change; the header and the body agree
    assert "q=Halaman" in middle["next"] and "offset=6" in middle["next"] and "limit=3" in middle["next"]
    assert {rel: v["url"] for rel, v in answers[1].links.items()} == {k: v for k, v in middle.items() if v}


def test_participants_walked_by_next_links_show_each_once(client):
    everyone = client.get("/api/v1/participants", params={"limit": 500}).json()
    assert everyone["total"] >= 5
    seen, answers = walk(client, "/api/v1/participants?limit=2", lambda p: p["card_number"])
    assert seen == [p["card_number"] for p in everyone["items"]]
    assert len(set(seen)) == len(seen)
    assert len(answers) == (everyone["total"] + 1) // 2


def test_a_page_past_the_end_links_back(client):
    r = client.get("/api/v1/employers", params={"q": "Halaman", "limit": 3, "offset": 30})
    assert r.json()["items"] == [] and r.json()["links"]["next"] is None
    assert "offset=27" in r.json()["links"]["prev"] and "offset=6" in r.json()["links"]["last"]


@pytest.mark.parametrize("limit, sizes", [(2, [2, 1]), (3, [3, 0])])
def test_facility_directory_keeps_its_list_and_links_while_pages_are_full(server, client, limit, sizes):
    codes = sorted(f["code"] for f in FACILITIES)
    anonymous = httpx.Client(base_url=server.url, timeout=30)
    seen, answers = walk(anonymous, f"/api/v1/facilities?kabkota_code=31.71&limit={limit}", lambda f: f["code"])
    assert seen == codes
    assert [len(r.json()) for r in answers] == sizes
    assert all(isinstance(r.json(), list) for r in answers)
    assert "last" not in answers[0].links and "prev" not in answers[0].links
    assert answers[-1].links["prev"]["url"].endswith(f"limit={limit}&offset=0")
    assert "kabkota_code=31.71" in answers[-1].links["first"]["url"]


def test_openapi_names_the_link_header(server):
    doc = httpx.get(server.url + "/openapi.json").json()
    for path in ("/api/v1/employers", "/api/v1/participants", "/api/v1/facilities", "/api/v1/bills",
                 "/api/v1/status-endings", "/api/v1/employers/{code}/employees"):
        assert "Link" in doc["paths"][path]["get"]["responses"]["200"]["headers"], path
