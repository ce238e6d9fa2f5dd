"""The policy comparison as a user reaches it: REST API (who may ask, CSV, a bad what-if file),
``jkn policy compare`` (progress bar, CSV file) and the page with its chart (Debian chromium)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from sqlalchemy.orm import Session
from support.api_auth import API_PASSWORD, api_client, ensure_user

from jkn.domain.month import Month
from jkn.services.demo.population import build_demo
from jkn.services.policy.compare import compare
from jkn.services.portal.audit import SYSTEM

WHAT_IF = ('[[flat_class_rate]]\nsince = 2026-01-01\nvalue = { I = 150000, II = 100000, III = 50000 }\n'
           'source = "what-if: class III Rp 50.000"\n')
BODY = {"from": "2019-12-01", "to": "2026-11-01", "what_if": [{"name": "kelas-3.toml", "toml": WHAT_IF}]}


@pytest.fixture(scope="module")
def registry(server, _prepared):
    engine = _prepared(server.backend)[1]
    build_demo(engine, actor=SYSTEM, participants=300, seed=31, start=Month(2014, 1), months=0)
    with Session(engine) as s:
        expected = compare(s, None, date_from=dt.date(2019, 12, 1), date_to=dt.date(2026, 11, 1),
                           what_ifs=[("kelas-3.toml", WHAT_IF)])
    return server, engine, expected


def test_head_office_gets_every_region_and_the_what_if_column(registry):
    server, engine, expected = registry
    with api_client(server, engine, username="pusat-kebijakan", role="HEAD_OFFICE") as http:
        body = http.post("/api/v1/policy/compare", json=BODY).json()
    assert [c["label"] for c in body["columns"]] == ["2019-12-01", "2026-11-01", "kelas-3.toml @ 2026-11-01"]
    assert body["totals"] == expected["totals"]
    old, new, what_if = (c["revenue"] for c in body["totals"]["cells"])
    # class III from Rp 42.000 to Rp 50.000: only class III PBPU/BP and PPU relatives pay more, PBI does not
    assert what_if > new > old
    assert "Perpres 75/2019" in body["columns"][0]["rule_set"] and "64/2020" in body["columns"][1]["rule_set"]


def test_csv_export_has_a_row_per_unit_and_column(registry):
    server, engine, expected = registry
    with api_client(server, engine, username="pusat-kebijakan", role="HEAD_OFFICE") as http:
        r = http.post("/api/v1/policy/compare", params={"format": "csv"}, json=BODY)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    total = [row for row in rows if row["level"] == "total"]
    assert [int(row["revenue"]) for row in total] == [c["revenue"] for c in expected["totals"]["cells"]]
    assert {row["level"] for row in rows} == {"deputy", "branch", "segment", "total"}


def test_regional_manager_sees_only_the_region(registry):
    server, engine, expected = registry
    with api_client(server, engine, username="wilayah-kebijakan", role="REGIONAL_MANAGER",
                    deputy_region="01") as http:
        body = http.post("/api/v1/policy/compare", json=BODY).json()
    assert [r["code"] for r in body["by_deputy"]] == ["01"]
    region = next(r for r in expected["by_deputy"] if r["code"] == "01")
    assert body["totals"]["cells"] == region["cells"]


def test_branch_officers_and_strangers_are_refused(registry):
    server, engine, _ = registry
    with api_client(server, engine, username="cabang-kebijakan", role="BRANCH_OFFICER", branch="001") as http:
        assert http.post("/api/v1/policy/compare", json=BODY).status_code == 403
    with server.client() as anonymous:
        assert anonymous.post("/api/v1/policy/compare", json=BODY).status_code == 401


@pytest.mark.parametrize("toml, message", [
    ('[[no_such_rate]]\nsince = 2026-01-01\nvalue = 1\nsource = "x"\n', "parameter tidak dikenal"),
    ('[[flat_class_rate]]\nsince = 2026-01-01\nvalue = 1\n', "memerlukan since (tanggal) dan source"),
    ('[[rounding_rule]]\nsince = 2026-01-01\nvalue = "half_even"\nsource = "x"\n', "half_up or down"),
    # values the rules cannot read: a text for a table, a table without class II and III, a text for a rate
    ('[[flat_class_rate]]\nsince = 2026-01-01\nvalue = "abc"\nsource = "x"\n', "harus berbentuk seperti"),
    ('[[flat_class_rate]]\nsince = 2026-01-01\nvalue = { I = 5 }\nsource = "x"\n', "misalnya { I = 150000, II = 100000"),
    ('[[ppu_non_government_rate]]\nsince = 2026-01-01\nvalue = "x"\nsource = "x"\n', "harus berbentuk seperti"),
    ('[[flat_class_rate]]\nsince = 2026-01-01\nvalue = { I = -5, II = 1, III = 1 }\nsource = "x"\n', "tidak boleh negatif"),
])
def test_a_bad_what_if_file_is_422_saying_what_to_fix(registry, toml, message):
    server, engine, _ = registry
    with api_client(server, engine, username="pusat-kebijakan", role="HEAD_OFFICE") as http:
        r = http.post("/api/v1/policy/compare", json={**BODY, "what_if": [{"name": "x.toml", "toml": toml}]})
    assert r.status_code == 422 and message in r.text


def test_cli_prints_a_table_with_progress_and_writes_csv(registry, tmp_path):
    server, engine, expected = registry
    what_if = tmp_path / "kelas-3.toml"
    what_if.write_text(WHAT_IF, encoding="utf-8")
    out = tmp_path / "policy.csv"
    args = [sys.executable, "-m", "jkn.cli", "policy", "compare", "--from", "2019-12-01", "--to", "2026-11-01",
            "--what-if", str(what_if), "--csv", str(out), "--db", str(engine.url.render_as_string(hide_password=False))]
    shown = subprocess.run(args + ["--by", "segment"], capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr
    assert "membandingkan data kepesertaan" in shown.stderr and "100%" in shown.stderr
    assert "PBPU_MANDIRI" in shown.stdout and "JUMLAH" in shown.stdout
    assert out.read_text(encoding="utf-8").startswith("level,code,name,participants,column")
    as_json = subprocess.run(args + ["--json"], capture_output=True, text=True, timeout=300)
    assert json.loads(as_json.stdout)["totals"] == expected["totals"]
    bad = subprocess.run(args[:7] + ["--to", "2013-12-31", "--db", args[-1]], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "mulai 2014-01-01" in bad.stderr


@pytest.mark.browser
def test_the_page_draws_the_chart_and_takes_a_what_if_file(registry, browser, tmp_path):
    server, engine, expected = registry
    if server.backend != "sqlite":
        pytest.skip("one browser run is enough")
    ensure_user(engine, "pusat-halaman", "HEAD_OFFICE", API_PASSWORD)
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(server.url + "/masuk")
        page.get_by_label("Nama pengguna").fill("pusat-halaman")
        page.get_by_label("Kata sandi").fill(API_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_load_state()
        page.goto(server.url + "/kebijakan")
        page.get_by_label("Aturan yang berlaku pada tanggal").fill("2019-12-01")
        page.get_by_label("Dibandingkan dengan aturan pada tanggal").fill("2026-11-01")
        what_if = tmp_path / "kelas-3.toml"
        what_if.write_text(WHAT_IF, encoding="utf-8")
        page.set_input_files("#what_if", str(what_if))
        # The canvas is in the page before chart.umd.min.js has run: wait for the new page's load event
        # (its scripts have run then). wait_for_function would evaluate a string, which the CSP forbids.
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Bandingkan").click()
        datasets = page.evaluate("Chart.getChart('policy-chart').data.datasets.map(d => d.label)")
        assert datasets == ["2019-12-01", "2026-11-01", "kelas-3.toml @ 2026-11-01"]
        bars = page.evaluate("Chart.getChart('policy-chart').data.datasets[2].data.reduce((a, b) => a + b, 0)")
        assert bars == expected["totals"]["cells"][2]["revenue"]
        assert "kelas-3.toml" in page.locator("#policy-columns").inner_text()
        page.set_input_files("#what_if", str(what_if))
        with page.expect_download() as download:
            page.locator("#csv-button").click()
        text = open(download.value.path(), encoding="utf-8").read()
        assert text.startswith("level,code,name") and "kelas-3.toml @ 2026-11-01" in text
        page.screenshot(path=str(tmp_path / "policy.png"), full_page=True)
    finally:
        context.close()
