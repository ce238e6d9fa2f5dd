"""Penalty, lateness and suspension: Panduan Peserta, Denda 1-2, Penghentian 1-2 and Iuran 7."""
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jkn.domain import Month, Segment, SegmentGroup
from jkn.domain.month import add_months
from jkn.rules import RuleError, assess_penalty, reactivation
from jkn.rules.penalty import DayEnd, Suspension, lateness, suspension_start, suspensions

JAN_APR = {"2014-01": 100_000, "2014-02": 100_000, "2014-03": 100_000, "2014-04": 100_000}
SEGMENTS = [s for s in Segment if s is not Segment.PBI]


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


@pytest.mark.parametrize("on, months, days, begun", [
    ("2014-01-10", 0, 0, 0),    # the due date itself (Iuran 7)
    ("2014-01-11", 0, 1, 1),    # one day late: the first month has begun
    ("2014-02-10", 1, 0, 1),
    ("2014-02-11", 1, 1, 2),
    ("2014-06-05", 4, 26, 5),
    ("2014-06-15", 5, 5, 6),
])
def test_lateness_is_time_since_the_due_date(on, months, days, begun):
    late = lateness("2014-01", on)
    assert (late.due, late.months, late.days, late.months_begun) == (date(2014, 1, 10), months, days, begun)


@pytest.mark.parametrize("on", ["2014-06-05", "2014-06-15"])
def test_a_january_contribution_unpaid_in_june_is_late_by_time_not_by_count(on):
    """One month unpaid, but 4-5 months late: more than 3 (PPU suspended), not more than 6 (PBPU)."""
    unpaid = {"2014-01": 25_500}
    pbpu, ppu = (assess_penalty(seg, on, unpaid).value for seg in ("PBPU_MANDIRI", "PPU_SWASTA"))
    assert pbpu.months_in_arrears == ppu.months_in_arrears == 1
    assert pbpu.lateness.months in (4, 5) and ppu.lateness == pbpu.lateness
    assert not pbpu.suspended and ppu.suspended
    assert ppu.months_counted == 3 and pbpu.months_counted == pbpu.lateness.months_begun
    assert ppu.penalty == round(0.02 * 25_500 * 3)
    assert suspension_start("PPU_SWASTA", "2014-01") == date(2014, 4, 11)
    assert suspension_start("PBPU_MANDIRI", "2014-01") == date(2014, 7, 11)
    assert suspension_start("PBI", "2014-01") is None


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


def test_arrears_paid_without_the_penalty_leave_cover_suspended():
    """After the arrears are paid, the penalty charged on them is still owed (Denda 2: "dibayarkan
    bersamaan") and cover stays suspended until it is paid (A-12)."""
    since = date(2014, 4, 11)
    v = assess_penalty("PPU_SWASTA", "2014-04-20", {}, penalty_owed=24_000, suspended_since=since).value
    assert (v.arrears_total, v.penalty, v.amount_due, v.suspended) == (0, 24_000, 24_000, True)
    r = reactivation("PPU_SWASTA", "2014-04-20", {}, 24_000, penalty_owed=24_000, suspended_since=since).value
    assert r.active and r.shortfall == 0
    # a payment that brings the lateness of what is left under the limit does not end the suspension
    v = assess_penalty("PPU_SWASTA", "2014-04-20", {"2014-04": 100_000}, penalty_owed=6_000, suspended_since=since).value
    assert v.lateness.months_begun == 1 and v.suspended
    assert not assess_penalty("PPU_SWASTA", "2014-04-20", {"2014-04": 100_000}).value.suspended


def test_the_days_penalty_counts_the_contributions_paid_earlier_that_day():
    """Half the arrears paid this morning: the rest carries the rest of the day's penalty, for the
    months the morning's charge counted (A-M12)."""
    whole = assess_penalty("PPU_SWASTA", "2014-04-05", {"2014-01": 100_000, "2014-02": 100_000}).value
    rest = assess_penalty("PPU_SWASTA", "2014-04-05", {"2014-02": 100_000}, paid_today={"2014-01": 100_000},
                          delays={date(2014, 4, 5): 3}, penalty_owed=6_000).value
    assert whole.months_counted == 3 and rest.lateness.months_begun == 2
    assert rest.penalty == whole.penalty == 12_000 and rest.amount_due == 100_000 + 12_000
    with pytest.raises(RuleError, match="belum tertunggak"):
        assess_penalty("PPU_SWASTA", "2014-04-05", {}, paid_today={"2014-04": 1})


@pytest.mark.parametrize("unpaid, message", [
    ({"2014-01": 0}, "bilangan bulat rupiah lebih dari nol"),
    ([("2014-01", 1), (Month(2014, 1), 2)], "tercantum dua kali"),
    ({"2013-12": 100}, "sebelum JKN dimulai"),
])
def test_invalid_unpaid(unpaid, message):
    with pytest.raises(RuleError, match=message):
        assess_penalty("PPU_SWASTA", "2014-06-01", unpaid)


def test_invalid_penalty_owed():
    with pytest.raises(RuleError, match="penalty_owed"):
        assess_penalty("PPU_SWASTA", "2014-06-01", {}, penalty_owed=-1)


@settings(max_examples=150, deadline=None)
@given(seg=st.sampled_from(SEGMENTS),
       start=st.integers(0, 30), amounts=st.lists(st.integers(1, 10_000_000), min_size=0, max_size=14),
       gaps=st.lists(st.booleans(), min_size=14, max_size=14),
       as_of=st.dates(date(2014, 1, 1), date(2017, 12, 31)))
def test_penalty_never_exceeds_its_cap(seg, start, amounts, gaps, as_of):
    unpaid = {Month(2014, 1) + start + i: a for i, a in enumerate(amounts) if not gaps[i]}
    v = assess_penalty(seg, as_of, unpaid).value
    cap = 3 if seg.group is SegmentGroup.PPU else 6
    assert v.months_counted <= cap
    assert 0 <= v.penalty <= 0.02 * cap * v.arrears_total + 0.5
    assert v.suspended == (v.lateness is not None and v.lateness.months_begun > cap)
    assert v.arrears_total == sum(unpaid[m] for m in v.overdue_months)


@settings(max_examples=200, deadline=None)
@given(seg=st.sampled_from(SEGMENTS), month=st.integers(0, 60), day=st.integers(0, 400))
def test_suspension_start_is_where_lateness_passes_the_limit(seg, month, day):
    """The batch path's first day of suspension and the single-case assessment agree on every day."""
    m = Month(2014, 1) + month
    on = m.first_day + timedelta(days=day)
    first = suspension_start(seg, m)
    assert assess_penalty(seg, on, {m: 25_500}).value.suspended == (on >= first)
    limit = 3 if seg.group is SegmentGroup.PPU else 6
    assert first == add_months(lateness(m, first).due, limit) + timedelta(days=1)


def test_suspensions_end_only_when_arrears_and_penalty_are_paid():
    jan_jul = {Month(2014, 1) + i: 25_500 for i in range(7)}
    days = [DayEnd(date(2014, 8, 5), {}, 21_420),       # the arrears, not the penalty
            DayEnd(date(2014, 8, 25), {}, 0)]           # the penalty
    periods = suspensions("PBPU_MANDIRI", jan_jul, days).value
    assert periods == [Suspension(date(2014, 7, 11), date(2014, 8, 25))]
    assert suspensions("PBPU_MANDIRI", jan_jul, days[:1]).value == [Suspension(date(2014, 7, 11), None)]
    # paid before the limit: no suspension; what is left unpaid starts the next one
    early = [DayEnd(date(2014, 7, 5), {Month(2014, 7): 25_500}, 0)]
    assert suspensions("PBPU_MANDIRI", jan_jul, early).value == [Suspension(date(2015, 1, 11), None)]
    assert suspensions("PBI", jan_jul, []).value == []
