"""The public simulator, the REST calculator and ``jkn calc`` answer for any date from 2014-01-01 to
today, each with the rule set in force (shared/docs/regulations-2016-2025.md, "REGS")."""

import datetime as dt
import json
import subprocess
import sys

import pytest

# (as_of, PBPU class II per person, PBI per person, source)
DATES = [
    ("2014-01-01", 42_500, 19_225, "seed 001 Iuran 5.b; REGS §1"),
    ("2016-04-01", 51_000, 23_000, "REGS §2"),
    ("2019-08-01", 51_000, 42_000, "REGS §4, Pasal 29"),
    ("2020-02-10", 110_000, 42_000, "REGS §4, Pasal 34"),
    ("2020-05-10", 51_000, 42_000, "REGS §5, 7 P/HUM/2020"),
    ("2021-03-01", 100_000, 42_000, "REGS §6"),
]


@pytest.fixture(scope="module")
def http(server):
    with server.client() as client:
        yield client


@pytest.mark.parametrize("as_of, class_ii, pbi, source", DATES, ids=[d[0] for d in DATES])
def test_simulator_page_and_api_answer_on_every_rule_set(http, as_of, class_ii, pbi, source):
    page = http.get("/simulasi", params={"segment": "PBPU_MANDIRI", "as_of": as_of, "care_class": "II", "persons": 2})
    assert page.status_code == 200 and f"Rp {2 * class_ii:,}".replace(",", ".") in page.text
    body = http.post("/api/v1/calculations/contribution", json={"segment": "PBI", "as_of": as_of, "persons": 2}).json()
    assert body["government"] == body["total"] == 2 * pbi


def test_simulator_answers_today_and_names_the_rule_set(http):
    today = dt.date.today().isoformat()
    page = http.get("/simulasi", params={"segment": "PBPU_MANDIRI", "as_of": today, "care_class": "III"})
    assert page.status_code == 200 and "Rp 35.000" in page.text and "Perpres 64/2020" in page.text


def test_state_pensioner_pays_five_percent_of_the_pension_given(http):
    page = http.get("/simulasi", params={"segment": "BP_PENSIUNAN_PNS", "as_of": "2022-01-01", "grade": "III/a",
                                         "pension": "4.000.000"})
    assert page.status_code == 200 and "Rp 80.000" in page.text and "Rp 120.000" in page.text  # 2% / 3%


def test_cli_answers_for_a_later_rule_set():
    out = subprocess.run([sys.executable, "-m", "jkn.cli", "calc", "contribution", "--segment", "PBPU_MANDIRI",
                          "--as-of", "2021-03-01", "--care-class", "III", "--persons", "3", "--json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert (body["participant"], body["government"]) == (3 * 35_000, 3 * 7_000)  # Perpres 64/2020 Pasal 34
    pension = subprocess.run([sys.executable, "-m", "jkn.cli", "calc", "contribution", "--segment", "BP_PENSIUNAN_PNS",
                              "--as-of", "2019-01-01", "--grade", "IV/a", "--pension", "5000000", "--json"],
                             capture_output=True, text=True, timeout=60)
    assert pension.returncode == 0 and json.loads(pension.stdout)["total"] == 250_000
