"""Monthly contributions, computed by hand from Panduan Peserta, Iuran 1-7."""
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jkn.domain import STATE_PENSIONERS, VETERAN_SEGMENTS, Segment, SegmentGroup
from jkn.rules import RuleError, due_date, monthly_contribution
from jkn.rules.decision import NotAvailable
from jkn.rules.parameters import ParamEntry, use_params

GOV = ["PPU_PNS", "PPU_TNI", "PPU_POLRI", "PPU_PEJABAT_NEGARA", "PPU_PPNPN"]
NON_GOV = ["PPU_BUMN", "PPU_BUMD", "PPU_SWASTA", "PPU_LAINNYA"]

# (case, segment, as_of, kwargs, employer, participant, government, cite)
CASES = [
    ("PNS 5%: 3% employer, 2% worker", "PPU_PNS", "2014-03-01", dict(wage=3_000_000, grade="III/a"),
     90_000, 60_000, 0, "Iuran 2"),
    ("PPNPN is a government institution", "PPU_PPNPN", "2014-03-01", dict(wage=2_000_000), 60_000, 40_000, 0, "Iuran 2"),
    ("private 4.5%: 4% employer, 0.5% worker", "PPU_SWASTA", "2014-06-01", dict(wage=4_000_000),
     160_000, 20_000, 0, "Iuran 3"),
    ("BUMN, last day of 4.5%", "PPU_BUMN", "2015-06-30", dict(wage=4_000_000), 160_000, 20_000, 0, "Iuran 3"),
    ("BUMD from 1 July 2015: 4% + 1%", "PPU_BUMD", "2015-07-01", dict(wage=4_000_000), 160_000, 40_000, 0,
     "Perpres 111/2013 Art. 16C"),
    ("government rate unchanged on 2015-07-01", "PPU_TNI", "2015-07-01", dict(wage=4_000_000), 120_000, 80_000, 0,
     "Iuran 2"),
    ("half a rupiah rounds up (A-01)", "PPU_SWASTA", "2014-06-01", dict(wage=2_500_100), 100_004, 12_501, 0,
     "Iuran 3; A-01"),
    ("2 additional members at 1% each, paid by the worker", "PPU_SWASTA", "2014-06-01",
     dict(wage=4_000_000, additional_members=2), 160_000, 20_000 + 80_000, 0, "Iuran 4"),
    ("other relative of a wage earner at the class III rate", "PPU_SWASTA", "2014-06-01",
     dict(wage=4_000_000, other_relatives=["III"]), 160_000, 20_000 + 25_500, 0, "Iuran 5.a"),
    ("PBPU class III, 4 persons", "PBPU_MANDIRI", "2014-06-01", dict(care_class="III", persons=4), 0, 102_000, 0,
     "Iuran 5.a"),
    ("PBPU class II", "PBPU_LAINNYA", "2014-06-01", dict(care_class="II"), 0, 42_500, 0, "Iuran 5.b"),
    ("investor class I", "BP_INVESTOR", "2014-06-01", dict(care_class="I", persons=2), 0, 119_000, 0, "Iuran 5.c"),
    ("PNS pensioner III/b pays the class I rate (A-04)", "BP_PENSIUNAN_PNS", "2014-06-01",
     dict(grade="III/b", persons=2), 0, 119_000, 0, "Iuran 5.c; Manfaat Akomodasi 3.b"),
    ("TNI pensioner Sersan Dua: class II rate (A-04)", "BP_PENSIUNAN_TNI_POLRI", "2014-06-01",
     dict(grade="Sersan Dua"), 0, 42_500, 0, "Iuran 5.b; Golongan Kepangkatan 1"),
    ("veteran 2019, base salary given: 5% of 45% of Rp 3.204.700 = 72.105,75", "BP_VETERAN", "2019-02-01",
     dict(veteran_base_salary=3_204_700), 0, 0, 72_106, "Iuran 6; A-01"),
    ("pioneer 2014 with base salary given", "BP_PERINTIS", "2014-06-01", dict(veteran_base_salary=2_000_000),
     0, 0, 45_000, "Iuran 6"),
    ("PBI paid by the government, amount given", "PBI", "2014-06-01", dict(pbi_amount=19_225, persons=3),
     0, 0, 57_675, "Iuran 1"),
    ("PBI amount of Perpres 111/2013 from the parameter", "PBI", "2014-06-01", dict(persons=3), 0, 0, 57_675,
     "Iuran 1; regulations-2016-2025.md §1"),
]


@pytest.mark.parametrize("case, seg, as_of, kw, employer, participant, government, cite", CASES,
                         ids=[c[0] for c in CASES])
def test_contribution_cases(case, seg, as_of, kw, employer, participant, government, cite):
    d = monthly_contribution(seg, as_of, **kw)
    c = d.value
    assert (c.employer, c.participant, c.government) == (employer, participant, government)
    assert c.total == employer + participant + government
    assert sum(line.amount for line in c.lines) == c.total
    assert all(s["source"] for s in d.explain())


def test_rate_change_is_data_only():
    before = monthly_contribution("PPU_SWASTA", date(2015, 6, 30), wage=5_000_000).value
    after = monthly_contribution("PPU_SWASTA", date(2015, 7, 1), wage=5_000_000).value
    assert (before.employer, before.participant) == (200_000, 25_000)
    assert (after.employer, after.participant) == (200_000, 50_000)
    assert any("Perpres 111/2013" in line.source for line in after.lines)


def test_explanation_cites_the_guide_and_rounding_rule():
    d = monthly_contribution("PPU_SWASTA", "2014-06-01", wage=4_000_000)
    sources = " | ".join(s["source"] for s in d.explain())
    assert "guide:Iuran:3" in sources and "assumption:A-01" in sources and "guide:Iuran:7" in sources
    names = " | ".join(s["source_name"] for s in d.explain())
    assert "Panduan Peserta, Iuran, butir 3" in names and "A-01" not in names


def test_due_date_is_the_tenth():
    assert due_date("2014-02").value == date(2014, 2, 10)  # Iuran 7
    assert monthly_contribution("PBPU_MANDIRI", "2014-02-20", care_class="I").value.due_date == date(2014, 2, 10)


@pytest.mark.parametrize("seg, kw, message", [
    ("PPU_SWASTA", {}, "Upah wajib diisi untuk segmen PPU Pegawai Swasta"),
    ("PBPU_MANDIRI", {}, "Kelas iuran .* wajib diisi untuk segmen PBPU Pekerja Mandiri"),
    ("BP_VETERAN", {}, "wajib diisi untuk segmen Veteran pada 1 Juni 2014"),
    ("BP_PENSIUNAN_PNS", {}, "Golongan wajib diisi untuk segmen "),
    ("BP_PENSIUNAN_PNS", dict(grade="III/a", care_class="III"), "tidak sesuai dengan hak Kelas I"),
    ("PPU_SWASTA", dict(wage=-1), "Upah harus bilangan bulat"),
    ("PPU_SWASTA", dict(wage=4_000_000, persons=3), "isi anggota keluarga tambahan"),
    ("PBPU_MANDIRI", dict(care_class="III", additional_members=1), "hanya ada pada segmen PPU"),
])
def test_invalid_input_says_what_to_fix(seg, kw, message):
    with pytest.raises(RuleError, match=message):
        monthly_contribution(seg, "2014-06-01", **kw)


def test_before_jkn_refused():
    with pytest.raises(RuleError, match="sebelum JKN dimulai pada 1 Januari 2014"):
        monthly_contribution("PBPU_MANDIRI", date(2013, 12, 31), care_class="III")


def _kwargs(seg: Segment, wage, cls, persons, extra, grade):
    if seg is Segment.PBI:
        return dict(pbi_amount=wage // 100 or 1, persons=persons)
    if seg.group is SegmentGroup.PPU:
        return dict(wage=wage, additional_members=extra, grade=grade, care_class=cls)
    if seg in VETERAN_SEGMENTS:
        return dict(veteran_base_salary=wage)
    if seg in STATE_PENSIONERS:
        return dict(grade=grade, persons=persons, pension=wage)
    return dict(care_class=cls, persons=persons)


#: Employer percentage and wage cap of each group, by hand from the regulations (not read from
#: the parameter files): (since, {group: (employer %, cap)}); None = not available (A-R02).
WAGE_RULES = [
    (date(2014, 1, 1), {"gov": (3, None), "non": (4, None)}),           # Iuran 2-3
    (date(2016, 4, 1), {"gov": (3, None), "non": (4, 8_000_000)}),      # Perpres 19/2016
    (date(2019, 10, 1), {"gov": None, "non": (4, 8_000_000)}),          # Perpres 75/2019 Pasal 30, day unverified
    (date(2020, 1, 1), {"gov": (4, 12_000_000), "non": (4, 12_000_000)}),  # Perpres 75/2019 Pasal 30, 32
]


def _wage_rule(group: str, as_of: date):
    return [rule for since, rule in WAGE_RULES if since <= as_of][-1][group]


@settings(max_examples=300, deadline=None)
@given(seg=st.sampled_from(list(Segment)), wage=st.integers(1, 200_000_000), cls=st.sampled_from(["I", "II", "III"]),
       persons=st.integers(1, 8), extra=st.integers(0, 4), grade=st.sampled_from(["I/a", "II/d", "III/a", "IV/e"]),
       as_of=st.dates(date(2014, 1, 1), date(2026, 12, 31)))
def test_shares_always_sum_to_total(seg, wage, cls, persons, extra, grade, as_of):
    """On every rule set: shares add up, the government alone pays PBI and veterans, a wage earner's
    employer pays its percentage of the wage up to the cap; where a rule has no sourced value the
    answer is "not available" and nothing else."""
    group = "gov" if seg.value in GOV else "non"
    unavailable = ((seg.group is SegmentGroup.PPU and _wage_rule(group, as_of) is None)
                   or (seg in STATE_PENSIONERS and date(2018, 9, 1) <= as_of < date(2018, 10, 1)))
    if unavailable:
        with pytest.raises(NotAvailable, match="tidak tersedia"):
            monthly_contribution(seg, as_of, **_kwargs(seg, wage, cls, persons, extra, grade))
        return
    c = monthly_contribution(seg, as_of, **_kwargs(seg, wage, cls, persons, extra, grade)).value
    assert c.employer + c.participant + c.government == c.total == sum(l.amount for l in c.lines)
    assert min(c.employer, c.participant, c.government) >= 0
    if seg is Segment.PBI or seg in VETERAN_SEGMENTS:
        assert c.total == c.government  # Iuran 1 and 6: dibayar oleh Pemerintah
    if seg.group is SegmentGroup.PPU:
        rate, cap = _wage_rule(group, as_of)
        assert abs(c.employer - min(wage, cap or wage) * rate / 100) <= 0.5


@settings(max_examples=60, deadline=None)
@given(wage=st.integers(1, 12_000_000), pct=st.sampled_from(["1.5", "2", "3"]),
       as_of=st.dates(date(2027, 1, 1), date(2030, 1, 1)))
def test_a_new_rate_entry_is_picked_up_by_the_same_code(wage, pct, as_of):
    table = {"ppu_non_government_rate": [
        ParamEntry("ppu_non_government_rate", date(2027, 1, 1), {"employer_pct": "4", "participant_pct": pct}, "test")]}
    with use_params(table):
        c = monthly_contribution("PPU_SWASTA", as_of, wage=wage).value
    from decimal import ROUND_HALF_UP, Decimal
    expect = int((Decimal(wage) * Decimal(pct) / 100).quantize(Decimal(1), ROUND_HALF_UP))
    assert c.participant == expect
