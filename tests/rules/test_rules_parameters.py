"""Dated parameters: lookups, sources, and a new regulation added as data only."""
from datetime import date

import pytest

from jkn.rules import RuleError, param, param_entry, parameters
from jkn.rules.parameters import ParamEntry, all_params, as_date


def test_every_parameter_entry_has_a_source_and_a_baseline_from_jkn_start():
    for name, entries in all_params().items():
        assert entries[0].since <= date(2014, 1, 1), name
        for e in entries:
            assert e.source.strip(), name


def test_before_jkn_is_an_error_that_says_so():
    with pytest.raises(RuleError, match="31 Desember 2013 sebelum JKN dimulai pada 1 Januari 2014"):
        param("flat_class_rate", date(2013, 12, 31))


def test_as_date_accepts_month_and_iso_text():
    assert as_date("2015-07") == date(2015, 7, 1) and as_date("2015-07-15") == date(2015, 7, 15)
    with pytest.raises(RuleError, match="TTTT-BB-HH"):
        as_date("15/07/2015")


@pytest.mark.parametrize("as_of, employer, participant", [
    ("2014-01-01", "4", "0.5"),   # Iuran 3: 4% Pemberi Kerja, 0,5% Peserta
    ("2015-06-30", "4", "0.5"),
    ("2015-07-01", "4", "1"),     # Perpres 111/2013 Art. 16C (parameters.md)
])
def test_non_government_wage_earner_rate_by_date(as_of, employer, participant):
    assert param("ppu_non_government_rate", as_of) == {"employer_pct": employer, "participant_pct": participant}


@pytest.mark.parametrize("as_of, value", [
    ("2014-06-01", 2_362_500), ("2014-12-31", 2_362_500),   # PMK 162/PMK.011/2012
    ("2015-01-01", 3_500_000), ("2016-01-01", 5_250_000),   # PMK 122/2015, PMK 101/2016
])
def test_ptkp_k1_monthly(as_of, value):
    assert param("ptkp_k1_monthly", as_of) == value
    assert value * 12 in (28_350_000, 42_000_000, 63_000_000)


@pytest.mark.parametrize("as_of", ["2014-01-01", "2018-12-31", "2019-01-01", "2024-01-01", "2026-11-01"])
def test_veteran_base_salary_has_no_sourced_value_on_any_date(as_of):
    # regulations-2016-2025.md §9: only ranges of the PNS III/a salary rows are sourced
    assert param_entry("veteran_base_salary", as_of).value is None
    with pytest.raises(RuleError, match="belum ada nilai bersumber .* tidak tersedia"):
        param("veteran_base_salary", as_of)


def test_pbi_amount_from_the_baseline_on():
    # regulations-2016-2025.md §1: Rp 19.225 (Perpres 111/2013, three press sources agree)
    assert param("pbi_contribution", "2014-01-01") == 19_225


def test_flat_class_rates_from_the_guide():
    # Iuran 5 a-c: Rp 25.500 (III), Rp 42.500 (II), Rp 59.500 (I)
    assert param("flat_class_rate", "2014-01-01") == {"I": 59500, "II": 42500, "III": 25500}


def test_adding_an_entry_changes_the_answer_without_code(monkeypatch):
    table = dict(all_params())
    table["flat_class_rate"] = table["flat_class_rate"] + [
        ParamEntry("flat_class_rate", date(2016, 4, 1), {"I": 80000, "II": 51000, "III": 25500}, "test regulation")]
    monkeypatch.setattr(parameters, "all_params", lambda: table)
    assert param("flat_class_rate", "2016-03-31")["I"] == 59500
    assert param("flat_class_rate", "2016-04-01")["I"] == 80000
