"""Rank equivalence (Golongan Kepangkatan) and room class (Manfaat Akomodasi Rawat Inap)."""
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jkn.domain import CareClass as C
from jkn.domain import Grade, Segment, SegmentGroup
from jkn.rules import RuleError, care_class, grade_of, rank_table, search_ranks


@pytest.mark.parametrize("rank, grade", [
    ("Jenderal Polisi", "IV"), ("Laksamana", "IV"), ("Pembina Utama", "IV/e"), ("Marsekal Pertama", "IV/d"),
    ("Komisaris Besar Polisi", "IV/c"), ("Mayor", "IV/a"), ("Penata Tingkat I", "III/d"), ("Kapten", "III/c"),
    ("Inspektur Polisi Dua", "III/a"), ("Pembantu Letnan Satu", "II/f"), ("Brigadir Polisi Kepala", "II/d"),
    ("Sersan Dua", "II/a"), ("Kopral Kepala", "I/f"), ("Juru Tingkat I", "I/d"), ("Kelasi Kepala", "I/c"),
    ("Bhayangkara Dua", "I/a"), ("prajurit  satu", "I/b"),
])
def test_rank_table_as_in_the_guide(rank, grade):
    assert grade_of(rank).value == Grade.parse(grade)  # Golongan Kepangkatan 1


def test_table_shape_and_search():
    assert len(rank_table()) == 23
    assert [r.tni_ad for r in search_ranks("Letnan Satu")] == ["Letnan Satu", "Pembantu Letnan Satu"]  # exact first
    assert {str(r.grade) for r in search_ranks("kolonel")} == {"IV/c", "IV/b"}
    assert [r.pns for r in search_ranks("III/a")] == ["Penata Muda"]
    assert search_ranks("") == [] and search_ranks("laksamana madya")[0].polri == "Komisaris Jenderal Polisi"
    with pytest.raises(RuleError, match="tidak dikenal"):
        grade_of("Admiral")


# (case, segment, as_of, kwargs, expected)
CLASS_CASES = [
    ("PBI: class III (1.a)", "PBI", "2014-06-01", {}, C.III),
    ("PBPU paying class III (1.b)", "PBPU_MANDIRI", "2014-06-01", dict(paid_class="III"), C.III),
    ("BP paying class II (2.e)", "BP_PEMBERI_KERJA", "2014-06-01", dict(paid_class="II"), C.II),
    ("PNS II/d: class II (2.a)", "PPU_PNS", "2014-06-01", dict(grade="II/d"), C.II),
    ("PNS pensioner III/a: class I (3.b)", "BP_PENSIUNAN_PNS", "2014-06-01", dict(grade="III/a"), C.I),
    ("TNI Sersan Mayor = II/d: class II (2.b)", "PPU_TNI", "2014-06-01", dict(grade="Sersan Mayor"), C.II),
    ("Polri Inspektur Polisi Dua = III/a: class I (3.d)", "PPU_POLRI", "2014-06-01", dict(grade="Inspektur Polisi Dua"), C.I),
    ("Pejabat Negara: class I (3.a)", "PPU_PEJABAT_NEGARA", "2014-06-01", {}, C.I),
    ("pensioner of a Pejabat Negara = golongan IV: class I", "BP_PENSIUNAN_PEJABAT_NEGARA", "2014-06-01", {}, C.I),
    ("veteran: class I (3.e)", "BP_VETERAN", "2014-06-01", {}, C.I),
    ("pioneer's widow: class I (3.f)", "BP_JANDA_DUDA_YATIM_VETERAN_PERINTIS", "2014-06-01", {}, C.I),
    ("private, 1.5 x 2.362.500 = 3.543.750: class II (2.d)", "PPU_SWASTA", "2014-06-01", dict(wage=3_543_750), C.II),
    ("private, one rupiah more: class I (3.g)", "PPU_SWASTA", "2014-06-01", dict(wage=3_543_751), C.I),
    ("PPNPN at 2 x PTKP: class I (3.g)", "PPU_PPNPN", "2014-06-01", dict(wage=4_725_000), C.I),
    ("above 2 x PTKP: class I (A-03)", "PPU_BUMN", "2014-06-01", dict(wage=20_000_000), C.I),
    ("2015 PTKP 3.500.000: 4.000.000 is class II", "PPU_SWASTA", "2015-01-01", dict(wage=4_000_000), C.II),
    ("2016 PTKP 5.250.000: 7.875.000 is class II", "PPU_LAINNYA", "2016-01-01", dict(wage=7_875_000), C.II),
    ("pensioner's widow with the deceased's grade (A-18)", "BP_JANDA_DUDA_YATIM_PENSIUNAN", "2014-06-01",
     dict(grade="I/c"), C.II),
    ("pensioner's widow without grade pays for a class (A-18)", "BP_JANDA_DUDA_YATIM_PENSIUNAN", "2014-06-01",
     dict(paid_class="III"), C.III),
]


@pytest.mark.parametrize("case, seg, as_of, kw, expected", CLASS_CASES, ids=[c[0] for c in CLASS_CASES])
def test_class_cases(case, seg, as_of, kw, expected):
    d = care_class(seg, as_of, **kw)
    assert d.value is expected
    assert any("Manfaat Akomodasi Rawat Inap" in s["source"] or "assumption" in s["source"] for s in d.explain())


@pytest.mark.parametrize("seg, kw, message", [
    ("PPU_SWASTA", {}, "Upah wajib diisi untuk segmen PPU Pegawai Swasta"),
    ("PPU_PNS", {}, "Golongan wajib diisi untuk segmen "),
    ("BP_LAINNYA", {}, "Kelas iuran .* wajib diisi"),
    ("PPU_TNI", dict(grade="Admiral"), "tidak dikenal"),
])
def test_class_input_errors(seg, kw, message):
    with pytest.raises(RuleError, match=message):
        care_class(seg, "2014-06-01", **kw)


PTKP = {2014: 2_362_500, 2015: 3_500_000, 2016: 5_250_000}


def _class_ii_up_to(as_of: date) -> int | None:
    """Top of the class II band by hand: 1.5 x PTKP K/1 (guide 2.d), Rp 4.000.000 (Perpres 19/2016),
    none sourced from Perpres 82/2018 (regulations-2016-2025.md §3)."""
    if as_of < date(2016, 4, 1):
        return 3 * PTKP[as_of.year] // 2
    return 4_000_000 if as_of < date(2018, 9, 1) else None


@settings(max_examples=200, deadline=None)
@given(seg=st.sampled_from(list(Segment)), wage=st.integers(1, 50_000_000),
       grade=st.sampled_from(["I/a", "I/f", "II/a", "II/f", "III/a", "III/d", "IV/a", "IV/e", "IV"]),
       paid=st.sampled_from(list(C)), as_of=st.dates(date(2014, 1, 1), date(2026, 12, 31)))
def test_class_never_better_than_the_rule_allows(seg, wage, grade, paid, as_of):
    c = care_class(seg, as_of, wage=wage, grade=grade, paid_class=paid).value
    g = Grade.parse(grade)
    if seg is Segment.PBI:
        assert c is C.III
    elif seg in (Segment.PPU_PNS, Segment.PPU_TNI, Segment.PPU_POLRI, Segment.BP_PENSIUNAN_PNS,
                 Segment.BP_PENSIUNAN_TNI_POLRI, Segment.BP_JANDA_DUDA_YATIM_PENSIUNAN):
        assert c is (C.II if g.number <= 2 else C.I)
    elif seg.group is SegmentGroup.PPU and seg is not Segment.PPU_PEJABAT_NEGARA:
        top = _class_ii_up_to(as_of)
        if top is None:
            assert c is paid  # no sourced bands: the class given (A-R09)
        elif wage <= top:
            assert c is C.II
    elif seg.group in (SegmentGroup.PBPU, SegmentGroup.BP) and seg.value in (
            "PBPU_MANDIRI", "PBPU_LAINNYA", "BP_INVESTOR", "BP_PEMBERI_KERJA", "BP_PENSIUNAN_LAINNYA", "BP_LAINNYA"):
        assert c is paid
