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


def _rule_set_days() -> list[dt.date]:
    """Every day a dated parameter changes, the day before it, and today: one sample in every rule set."""
    from jkn.rules.parameters import all_params
    from jkn.services.membership.common import jakarta_today

    today = jakarta_today()
    starts = {e.since for entries in all_params().values() for e in entries if e.since <= today}
    return sorted({d for s in starts for d in (s, s - dt.timedelta(days=1)) if dt.date(2014, 1, 1) <= d}
                  | {today})


def test_every_rule_set_from_2014_to_today_answers_on_the_page_and_over_rest(http):
    """Issue #12 "done when": the public simulator answers for any date from 2014-01-01 to today. The
    expected amounts are the rules engine's own (the tables above pin the values to their sources);
    what this proves is that the page and REST answer, with the same amount, on every rule set."""
    from jkn.domain.segment import Segment
    from jkn.rules import monthly_contribution

    days = _rule_set_days()
    assert len(days) > 20 and days[0] == dt.date(2014, 1, 1)
    wrong = []
    for day in days:
        for cls in ("I", "II", "III"):
            want = monthly_contribution(Segment.PBPU_MANDIRI, day, care_class=cls, persons=2).value
            total = sum(int(ln.amount) for ln in want.lines)
            page = http.get("/simulasi", params={"segment": "PBPU_MANDIRI", "as_of": day.isoformat(),
                                                 "care_class": cls, "persons": 2})
            body = http.post("/api/v1/calculations/contribution",
                             json={"segment": "PBPU_MANDIRI", "as_of": day.isoformat(), "care_class": cls,
                                   "persons": 2}).json()
            shown = f"Rp {total:,}".replace(",", ".")
            if page.status_code != 200 or shown not in page.text or body.get("total") != total:
                wrong.append(f"{day} class {cls}: page {page.status_code}, want {shown}, REST {body}")
        pbi = int(monthly_contribution(Segment.PBI, day).value.lines[0].amount)
        body = http.post("/api/v1/calculations/contribution", json={"segment": "PBI", "as_of": day.isoformat()}).json()
        if body.get("government") != pbi:
            wrong.append(f"{day} PBI: want {pbi}, REST {body}")
    assert not wrong, "\n".join(wrong[:20])


def test_private_wage_below_the_umk_is_raised_to_it_on_every_calculator(http):
    """Perpres 75/2019 Pasal 32 ayat 2: from 2020 the UMK is the floor of a private employee's wage (A-R03)."""
    asked = {"segment": "PPU_SWASTA", "as_of": "2021-06-01", "wage": 3_000_000}
    body = http.post("/api/v1/calculations/contribution", json={**asked, "minimum_wage": 4_200_479}).json()
    assert (body["employer"], body["participant"]) == (168_019, 42_005)  # 4% / 1% of the UMK, not of the wage
    unchecked = http.post("/api/v1/calculations/contribution", json=asked).json()
    assert (unchecked["employer"], unchecked["participant"]) == (120_000, 30_000)
    assert any("UMK" in s["text"] and "tidak diperiksa" in s["text"] for s in unchecked["explanation"])
    page = http.get("/simulasi", params={**asked, "wage": "3.000.000", "minimum_wage": "4.200.479"})
    assert page.status_code == 200 and "Rp 168.019" in page.text and "Rp 42.005" in page.text
    out = subprocess.run([sys.executable, "-m", "jkn.cli", "calc", "contribution", "--segment", "PPU_SWASTA",
                          "--as-of", "2021-06-01", "--wage", "3000000", "--umk", "4200479", "--json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["total"] == 210_024


def test_umk_is_refused_where_no_regional_floor_is_in_force(http):
    r = http.post("/api/v1/calculations/contribution",
                  json={"segment": "PPU_SWASTA", "as_of": "2017-01-01", "wage": 3_000_000, "minimum_wage": 2_000_000})
    assert r.status_code == 422


@pytest.mark.parametrize("as_of, total, left_out", [
    # Perpres 82/2018: gaji pokok + tunjangan keluarga; Perpres 75/2019 Pasal 30 ayat 2 adds the allowances
    ("2019-03-01", 165_000, "tunjangan kinerja atau tambahan penghasilan"),
    ("2021-03-01", 250_000, None),
])
def test_government_wage_from_its_components_by_name(http, as_of, total, left_out):
    items = {"gaji_pokok": "3.000.000", "tunjangan_keluarga": "300.000",
             "tunjangan_kinerja_atau_tambahan_penghasilan": "1.700.000"}
    page = http.get("/simulasi", params={"segment": "PPU_PNS", "as_of": as_of, "grade": "III/a", **items})
    assert page.status_code == 200, page.text
    assert f"Rp {total:,}".replace(",", ".") in page.text
    assert "gaji pokok" in page.text and "gaji_pokok" not in page.text.split('id="sim-result"')[1]
    if left_out:
        assert "bukan bagian upah: " + left_out in page.text
    body = http.post("/api/v1/calculations/contribution",
                     json={"segment": "PPU_PNS", "as_of": as_of, "grade": "III/a",
                           "wage_components": {k: int(v.replace(".", "")) for k, v in items.items()}}).json()
    assert body["total"] == total


def test_cli_takes_salary_components_and_refuses_an_unknown_one():
    run = [sys.executable, "-m", "jkn.cli", "calc", "contribution", "--segment", "PPU_PNS", "--as-of", "2021-03-01",
           "--grade", "III/a"]
    good = subprocess.run(run + ["--component", "gaji_pokok=3.000.000", "--component", "tunjangan_keluarga=300000",
                                 "--json"], capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["total"] == 165_000
    bad = subprocess.run(run + ["--component", "bonus=5"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "gaji_pokok" in bad.stderr
