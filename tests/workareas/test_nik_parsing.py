"""NIK = region (6) + DDMMYY (+40 for women) + serial (shared/docs/data-notes.md, "Identifiers")."""

import datetime as dt

import pytest

from jkn.reference.nik import NikError, parse

TODAY = dt.date(2026, 11, 23)


def test_man_born_in_kota_bekasi():
    info = parse("3275011201850003", today=TODAY)
    assert info.birth_date == dt.date(1985, 1, 12)
    assert info.sex == "L"
    assert info.region.code == "32.75" and info.resolved_via == "2017"


def test_woman_adds_forty_to_the_day():
    info = parse("3275015203910001", today=TODAY)
    assert (info.birth_date, info.sex) == (dt.date(1991, 3, 12), "P")


def test_papua_nik_issued_with_2025_code_resolves_through_crosswalk():
    # 93.01 = Kabupaten Merauke in Papua Selatan since 2022; it was 91.01 in 2017.
    info = parse("9301010101800001", today=TODAY)
    assert info.region.code == "91.01"
    assert info.resolved_via == "2025+papua-crosswalk"
    assert info.region_code_in_nik == "93.01"


def test_old_papua_nik_resolves_directly():
    assert parse("9101010101800001", today=TODAY).region.code == "91.01"


def test_spaces_are_ignored():
    assert parse("3275 0112 0185 0003", today=TODAY).nik == "3275011201850003"


@pytest.mark.parametrize(
    "nik, field",
    [
        ("327501120185000", "length"),
        ("32750112018500031", "length"),
        ("32750112018500AB", "digits"),
        ("3275013201850003", "date"),  # day 32
        ("3275017201850003", "date"),  # woman, day 72-40 = 32
        ("3275011213850003", "date"),  # month 13
        ("3275011201850000", "serial"),
        ("9999011201850003", "region"),
        ("3299011201850003", "region"),
    ],
)
def test_malformed_nik_names_what_is_wrong(nik, field):
    with pytest.raises(NikError) as caught:
        parse(nik, today=TODAY)
    assert caught.value.field == field
    assert caught.value.message
