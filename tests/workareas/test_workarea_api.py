"""/api/v1 work-area endpoints over a real HTTP server, on SQLite and PostgreSQL."""

import csv
import io

from sqlalchemy import func, select

from jkn.store.reference_tables import BranchRow, DeputyRegionRow, KabKotaRow


def test_region_by_code(server):
    with server.client() as http:
        body = http.get("/api/v1/regions/12.17").json()
    assert body["code"] == "12.17"
    assert set(body) >= {"code", "name", "province", "branch", "deputy_region", "district_office_class", "is_branch_seat"}
    assert set(body["branch"]) == {"code", "name", "class"}
    assert set(body["deputy_region"]) == {"code", "name", "class"}


def test_branch_seat_has_no_district_office_class(server):
    with server.client() as http:
        medan = http.get("/api/v1/regions/12.71").json()  # Kota Medan hosts Cabang Medan
    assert medan["is_branch_seat"] is True
    assert medan["district_office_class"] is None
    assert medan["branch"]["name"] == "Medan" and medan["branch"]["class"] == "UTAMA"


def test_unknown_code_is_404_with_suggestions(server):
    with server.client() as http:
        response = http.get("/api/v1/regions/12.99")
    assert response.status_code == 404
    body = response.json()
    assert "12.99" in body["detail"]
    assert body["suggestions"]


def test_search_ranks_by_name(server):
    with server.client() as http:
        results = http.get("/api/v1/regions", params={"q": "Kab. Tulung Agung"}).json()
    assert results[0]["code"] == "35.04" and results[0]["score"] == 1.0
    assert all(a["score"] >= b["score"] for a, b in zip(results, results[1:]))


def test_branches_and_deputy_regions(server):
    with server.client() as http:
        branches = http.get("/api/v1/branches").json()
        deputies = http.get("/api/v1/deputy-regions").json()
        medan = http.get("/api/v1/branches/001").json()
    assert len(branches) == 127
    assert len(deputies) == 13
    assert sum(len(d["branches"]) for d in deputies) == 127
    assert medan["name"] == "Medan"
    assert {k["code"] for k in medan["kabkota"]} >= {"12.71"}
    assert medan["directory_status"] in {"published", "no published address"}


def test_branch_without_published_address_says_so(server):
    with server.client() as http:
        branches = http.get("/api/v1/branches").json()
        depok = next(b for b in branches if b["name"] == "Depok")
        body = http.get(f"/api/v1/branches/{depok['code']}").json()
    assert body["directory"] is None
    assert body["directory_status"] == "no published address"


def test_unknown_branch_suggests_by_name(server):
    with server.client() as http:
        response = http.get("/api/v1/branches/Temblahan")
    assert response.status_code == 404
    assert response.json()["suggestions"][0]["name"] == "Tembilahan"


def test_nik_lookup(server):
    with server.client() as http:
        body = http.get("/api/v1/nik/3275015203910001").json()
    assert body["birth_date"] == "1991-03-12" and body["sex"] == "P"
    assert body["region"]["code"] == "32.75"
    assert body["region"]["branch"]["name"] == "Bekasi"


def test_malformed_nik_is_422_naming_the_problem(server):
    with server.client() as http:
        short = http.get("/api/v1/nik/12345")
        bad_date = http.get("/api/v1/nik/3275013201850003")
    assert short.status_code == 422 and short.json()["field"] == "length"
    assert bad_date.status_code == 422 and bad_date.json()["field"] == "date"


def test_which_office_by_name_includes_contacts(server):
    with server.client() as http:
        body = http.get("/api/v1/which-office", params={"q": "Kota Medan"}).json()
    assert body["branch"]["name"] == "Medan"
    assert body["contact_centre"]["call_centre"]["number"] == "500 400"


def test_exports(server):
    with server.client() as http:
        text = http.get("/api/v1/export/hierarchy.csv").text
        nested = http.get("/api/v1/export/hierarchy.json").json()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 514
    assert len({r["branch_code"] for r in rows}) == 126  # Prima has no kab/kota
    assert len(nested) == 13 and sum(len(d["branches"]) for d in nested) == 127


def test_openapi_lists_every_endpoint(server):
    with server.client() as http:
        paths = http.get("/openapi.json").json()["paths"]
    for path in ["/api/v1/regions", "/api/v1/regions/{code}", "/api/v1/branches", "/api/v1/branches/{code}",
                 "/api/v1/deputy-regions", "/api/v1/nik/{nik}", "/api/v1/which-office",
                 "/api/v1/export/hierarchy.csv", "/api/v1/export/hierarchy.json"]:
        assert path in paths


def test_reference_tables_loaded_and_lookups_write_nothing(server, _prepared):
    _url, engine = _prepared(server.backend)

    def counts():
        with engine.connect() as conn:
            return [conn.scalar(select(func.count()).select_from(t)) for t in (DeputyRegionRow, BranchRow, KabKotaRow)]

    before = counts()
    assert before == [13, 127, 514]
    with server.client() as http:
        http.get("/api/v1/regions/12.17")
        http.get("/api/v1/nik/12345")
        http.get("/api/v1/regions/99.99")
    assert counts() == before
