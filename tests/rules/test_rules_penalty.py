"""Penalty and suspension: Panduan Peserta, Denda 1-2 and Penghentian 1-2."""
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from jkn.domain import Month, Segment, SegmentGroup
from jkn.rules import RuleError, assess_penalty, reactivation

JAN_APR = {"2014-01": 100_000, "2014-02": 100_000, "2014-03": 100_000, "2014-04": 100_000}


# (case, segment, as_of, months_in_arrears, counted, arrears, penalty, suspended)
CASES = [
    ("paid by the 10th is not late (Iuran 7)", "PPU_SWASTA", "2014-01-10", 0, 0, 0, 0, False),
    ("one day late: one month, 2%", "PPU_SWASTA", "2014-01-11", 1, 1, 100_000, 2_000, False),
    ("3 months: 2% x 300.000 x 3 (A-02)", "PPU_SWASTA", "2014-04-10", 3, 3, 300_000, 18_000, False),
    ("PPU: 4 months late, counted for 3, suspended (Denda 1, Penghentian 1)", "PPU_PNS", "2014-04-11",
     4, 3, 400_000, 24_000, True),
    ("PBPU: 4 months late, not suspended (Penghentian 2)", "PBPU_MANDIRI", "2014-04-11", 4, 4, 400_000, 32_000, False),
    ("BP: 4 months counted", "BP_INVESTOR", "2014-04-11", 4, 4, 400_000, 32_000, False),
]


@pytest.mark.parametrize("case, seg, as_of, n, counted, arrears, penalty, suspended", CASES, ids=[c[0] for c in CASES])
def test_penalty_cases(case, seg, as_of, n, counted, arrears, penalty, suspended):
    v = assess_penalty(seg, as_of, JAN_APR).value
    assert (v.months_in_arrears, v.months_counted, v.arrears_total, v.penalty, v.suspended) == \
           (n, counted, arrears, penalty, suspended)
    assert v.amount_due == arrears + penalty


def test_pbpu_seven_months_suspended_and_capped_at_six():
    unpaid = {str(Month(2014, 1) + i): 25_500 for i in range(7)}
    v = assess_penalty("PBPU_MANDIRI", "2014-07-11", unpaid).value
    assert v.months_in_arrears == 7 and v.months_counted == 6 and v.suspended  # "lebih dari 6 bulan"
    assert v.penalty == round(0.02 * 7 * 25_500 * 6)  # 21.420


def test_payer():
    assert assess_penalty("PPU_SWASTA", "2014-02-11", JAN_APR).value.payer == "employer"  # "oleh Pemberi Kerja"
    assert assess_penalty("PBPU_MANDIRI", "2014-02-11", JAN_APR).value.payer == "participant"


def test_pbi_has_no_penalty():
    v = assess_penalty("PBI", "2014-06-11", JAN_APR).value
    assert v.penalty == 0 and not v.suspended


def test_reactivation_needs_arrears_and_penalty():
    r = reactivation("PPU_SWASTA", "2014-04-11", JAN_APR, 400_000).value
    assert r.was_suspended and not r.active and r.shortfall == 24_000
    r = reactivation("PPU_SWASTA", "2014-04-11", JAN_APR, 424_000).value
    assert r.active and r.shortfall == 0


@pytest.mark.parametrize("unpaid, message", [
    ({"2014-01": 0}, "whole positive"),
    ([("2014-01", 1), (Month(2014, 1), 2)], "listed twice"),
    ({"2013-12": 100}, "before JKN"),
])
def test_invalid_unpaid(unpaid, message):
    with pytest.raises(RuleError, match=message):
        assess_penalty("PPU_SWASTA", "2014-06-01", unpaid)


@settings(max_examples=150, deadline=None)
@given(seg=st.sampled_from([s for s in Segment if s is not Segment.PBI]),
       start=st.integers(0, 30), amounts=st.lists(st.integers(1, 10_000_000), min_size=0, max_size=14),
       as_of=st.dates(date(2014, 1, 1), date(2017, 12, 31)))
def test_penalty_never_exceeds_its_cap(seg, start, amounts, as_of):
    unpaid = {Month(2014, 1) + start + i: a for i, a in enumerate(amounts)}
    v = assess_penalty(seg, as_of, unpaid).value
    cap = 3 if seg.group is SegmentGroup.PPU else 6
    assert v.months_counted <= cap
    assert 0 <= v.penalty <= 0.02 * cap * v.arrears_total + 0.5
    assert v.suspended == (v.months_in_arrears > cap)
    assert v.arrears_total == sum(unpaid[m] for m in v.overdue_months)
