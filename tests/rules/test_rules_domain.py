"""Domain value types: Month, Rupiah, Segment, Grade, CareClass."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jkn.domain import CareClass, FamilyMember, Grade, Month, Relationship, Rupiah, Segment, SegmentGroup, add_months

SEGMENT_CODES = [
    "PBI", "PPU_PNS", "PPU_TNI", "PPU_POLRI", "PPU_PEJABAT_NEGARA", "PPU_PPNPN", "PPU_BUMN", "PPU_BUMD",
    "PPU_SWASTA", "PPU_LAINNYA", "PBPU_MANDIRI", "PBPU_LAINNYA", "BP_INVESTOR", "BP_PEMBERI_KERJA",
    "BP_PENSIUNAN_PNS", "BP_PENSIUNAN_TNI_POLRI", "BP_PENSIUNAN_PEJABAT_NEGARA", "BP_PENSIUNAN_LAINNYA",
    "BP_JANDA_DUDA_YATIM_PENSIUNAN", "BP_VETERAN", "BP_PERINTIS", "BP_JANDA_DUDA_YATIM_VETERAN_PERINTIS",
    "BP_LAINNYA",
]


def test_segment_codes_are_exactly_the_agreed_23():
    assert [s.value for s in Segment] == SEGMENT_CODES


@pytest.mark.parametrize("code", SEGMENT_CODES)
def test_segment_group_label_and_source(code):
    s = Segment.parse(code.lower())
    assert s.group.value == code.split("_")[0]
    assert s.label and s.source.startswith("Panduan Peserta, Peserta Jaminan Kesehatan")


def test_unknown_segment_lists_valid_codes():
    with pytest.raises(ValueError, match="use one of: PBI, PPU_PNS"):
        Segment.parse("PPU")


def test_segment_groups():
    assert {s.group for s in Segment} == set(SegmentGroup)


def test_month_parse_order_and_arithmetic():
    m = Month.parse("2014-12")
    assert str(m + 1) == "2015-01" and str(m - 12) == "2013-12"
    assert Month.parse("2015-07") - Month.parse("2014-01") == 18
    assert Month.parse("2014-01") < Month.parse("2014-02")
    assert m.first_day == date(2014, 12, 1) and m.last_day == date(2014, 12, 31)
    assert m.due_date() == date(2014, 12, 10)  # Iuran 7: paling lambat tanggal 10
    assert Month.of(date(2016, 2, 29)) == Month(2016, 2)


@pytest.mark.parametrize("bad", ["2014-13", "2014-1", "14-01", "", "2014/01"])
def test_month_parse_rejects(bad):
    with pytest.raises(ValueError):
        Month.parse(bad)


@given(st.integers(2000, 2100), st.integers(1, 12), st.integers(-500, 500))
def test_month_add_sub_inverse(y, mo, n):
    m = Month(y, mo)
    assert (m + n) - n == m and (m + n) - m == n


def test_add_months_clamps_to_month_end():
    assert add_months(date(2014, 1, 31), 1) == date(2014, 2, 28)
    assert add_months(date(2014, 11, 30), 3) == date(2015, 2, 28)


def test_rupiah_is_int_and_formats():
    r = Rupiah(25500)
    assert r == 25500 and isinstance(r, int) and r.format() == "Rp 25.500"
    with pytest.raises(TypeError):
        Rupiah(1.5)
    with pytest.raises(TypeError):
        Rupiah(True)


def test_grade_and_care_class_parse():
    assert str(Grade.parse("III/a")) == "III/a" and Grade.parse("iv").number == 4
    assert Grade.parse("II c") == Grade("II", "c")
    with pytest.raises(ValueError):
        Grade.parse("V/a")
    assert CareClass.parse("kelas 1") is CareClass.I and CareClass.parse(3) is CareClass.III
    assert CareClass.I.at_least_as_good_as(CareClass.II) and not CareClass.III.at_least_as_good_as(CareClass.II)


def test_age_on_birthday():
    m = FamilyMember(Relationship.CHILD_NATURAL, date(1993, 6, 1))
    assert m.age_on(date(2014, 5, 31)) == 20 and m.age_on(date(2014, 6, 1)) == 21
