"""The late-payment regimes, one table row per regulation (values from
shared/docs/regulations-2016-2025.md, "REGS", each row citing its section)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules.regimes import REGIMES, day_in

from jkn.domain import Segment, SegmentGroup
from jkn.domain.month import Month
from jkn.rules.contribution import due_date
from jkn.rules.late_payment import assess, demanded, regime, service_penalty, suspension_start, suspensions
from jkn.rules.parameters import param_entry
from jkn.rules.penalty import DayEnd


@pytest.mark.parametrize("segment, month, first_day_suspended, source", [
    ("PPU_SWASTA", "2015-01", date(2015, 4, 11), "guide PENGHENTIAN §1: more than 3 months"),
    ("PBPU_MANDIRI", "2015-01", date(2015, 7, 11), "guide PENGHENTIAN §2: more than 6 months"),
    ("PBPU_MANDIRI", "2016-08", date(2016, 9, 11), "Perpres 19/2016 Pasal 17: more than a month late (REGS §2)"),
    ("PPU_SWASTA", "2017-03", date(2017, 4, 11), "Perpres 19/2016 Pasal 17 (REGS §2)"),
    ("PBPU_MANDIRI", "2018-11", date(2018, 12, 1), "Perpres 82/2018 Pasal 42 ayat 1 (REGS §3)"),
    ("PPU_SWASTA", "2024-06", date(2024, 7, 1), "Perpres 64/2020 Pasal 42 ayat 1 (REGS §6)"),
    ("PBI", "2024-06", None, "A-23: PBI is never suspended"),
])
def test_first_day_of_suspension_by_regime(segment, month, first_day_suspended, source):
    assert suspension_start(segment, month) == first_day_suspended, source


def test_the_2_percent_ends_on_1_july_2016():
    unpaid = {"2016-01": 25_500}
    assert regime(date(2016, 6, 30)) == "arrears_penalty" and regime(date(2016, 7, 1)) == "service_penalty"
    assert assess("PBPU_MANDIRI", date(2016, 6, 30), unpaid).value.penalty > 0
    assert assess("PBPU_MANDIRI", date(2016, 7, 1), unpaid).value.penalty == 0


@pytest.mark.parametrize("on, oldest_demanded, source", [
    (date(2017, 12, 5), Month(2016, 12), "Perpres 19/2016: at most 12 months (REGS §2)"),
    (date(2019, 12, 5), Month(2017, 12), "Perpres 82/2018 Pasal 42 ayat 3: at most 24 months (REGS §3)"),
    (date(2020, 12, 5), Month(2020, 6), "Perpres 64/2020 Pasal 42 ayat 3a: in 2020 at most 6 months (REGS §6)"),
    (date(2022, 12, 5), Month(2020, 12), "Perpres 64/2020 Pasal 42 ayat 3: at most 24 months (REGS §6)"),
])
def test_reactivation_demands_at_most_n_months_of_arrears(on, oldest_demanded, source):
    assert demanded(oldest_demanded, on) and not demanded(oldest_demanded - 1, on), source
    months = {Month.of(on) - k: 42_000 for k in range(1, 40) if (Month.of(on) - k).first_day >= date(2014, 1, 1)}
    a = assess("PBPU_MANDIRI", on, months).value
    assert min(a.overdue_months) == oldest_demanded and a.suspended
    assert a.amount_due == 42_000 * len(a.overdue_months)  # the current month is not billed here


def test_the_2020_relief_defers_the_rest_to_the_end_of_2021():
    """Perpres 64/2020 Pasal 42 ayat 3b (REGS §6, A-R11): left out in 2020, owed in 2021, suspending from 2022."""
    assert not assess("PBPU_MANDIRI", date(2021, 6, 15), {"2020-03": 42_000}).value.suspended
    assert assess("PBPU_MANDIRI", date(2022, 1, 1), {"2020-03": 42_000}).value.suspended


def test_a_suspension_ends_with_the_payment_of_the_window_and_the_current_month():
    billed = {Month(2019, m): 42_000 for m in range(1, 5)}
    paid = DayEnd(date(2019, 4, 20), {}, 0)
    [period] = suspensions("PBPU_MANDIRI", billed, [paid]).value
    assert (period.start, period.end, period.months_in_arrears) == (date(2019, 2, 1), date(2019, 4, 20), 4)


@pytest.mark.parametrize("segment, admitted, basis, months, amount, kind, source", [
    ("PBPU_MANDIRI", date(2017, 3, 1), 10_000_000, 3, 750_000, "service_cost", "Perpres 19/2016: 2.5% (REGS §2)"),
    ("PPU_SWASTA", date(2019, 3, 1), 10_000_000, 3, 750_000, "ina_cbg_estimate", "Perpres 82/2018 (REGS §3)"),
    ("PPU_SWASTA", date(2021, 3, 1), 10_000_000, 14, 6_000_000, "ina_cbg_estimate",
     "Perpres 64/2020 Pasal 42 ayat 6: 5%, at most 12 months (REGS §6)"),
    ("PPU_SWASTA", date(2021, 3, 1), 100_000_000, 12, 30_000_000, "ina_cbg_estimate", "at most Rp 30.000.000"),
])
def test_service_penalty_by_regulation(segment, admitted, basis, months, amount, kind, source):
    v = service_penalty(segment, admitted, basis, reactivated_on=admitted.replace(day=1) if admitted.day > 1 else
                        admitted, months_in_arrears=months).value
    assert (v.amount, v.basis_kind) == (amount, kind), source
    assert v.payer == ("employer" if segment.startswith("PPU") else "participant")


def test_service_penalty_window_exemptions_and_once_per_window():
    r = date(2024, 6, 1)
    assert service_penalty("PBPU_MANDIRI", date(2024, 7, 16), 1_000_000, reactivated_on=r,
                           months_in_arrears=2).value.amount > 0                     # day 45: in the window
    assert service_penalty("PBPU_MANDIRI", date(2024, 7, 17), 1_000_000, reactivated_on=r,
                           months_in_arrears=2).value.exempt == "outside_window"
    assert service_penalty("PBI", date(2024, 6, 2), 1_000_000, reactivated_on=r,
                           months_in_arrears=2).value.exempt == "segment"
    assert service_penalty("PBPU_MANDIRI", date(2024, 6, 2), 1_000_000, reactivated_on=r, months_in_arrears=2,
                           unable_to_pay=True).value.exempt == "unable_to_pay"
    # Perpres 59/2024: once per window from 2024-05-08; before it, each stay
    assert service_penalty("PBPU_MANDIRI", date(2024, 6, 2), 1_000_000, reactivated_on=r, months_in_arrears=2,
                           charged_in_window=1).value.exempt == "once_per_window"
    assert service_penalty("PBPU_MANDIRI", date(2023, 6, 2), 1_000_000, reactivated_on=date(2023, 6, 1),
                           months_in_arrears=2, charged_in_window=1).value.amount > 0


@pytest.mark.parametrize("name", sorted(REGIMES))
def test_the_regimes_the_property_tests_draw_are_the_engines(name):
    """tests/rules/regimes.py: each regime's days, kind and window are those of the parameters, and
    the day before its first is another regime's (or before JKN)."""
    first, last, kind, window = REGIMES[name]
    for d in (first, last):
        assert regime(d) == kind
        assert window is None or param_entry("reactivation_max_arrears_months", d).value == window
    before = first - timedelta(days=1)
    if name != "2014":
        assert (regime(before), param_entry("reactivation_max_arrears_months", before).value) != (kind, window)


@settings(max_examples=60, deadline=None)
@pytest.mark.parametrize("name", sorted(REGIMES))
@given(data=st.data())
def test_the_first_day_of_suspension_is_where_the_assessment_turns(name, data):
    """Under each regime, a month left unpaid: the day suspension_start gives (the batch path's
    first day of suspension) is the first the single-case assessment says suspended."""
    seg = data.draw(st.sampled_from([s for s in Segment if s is not Segment.PBI]))
    on = data.draw(day_in(name))
    month = max(Month(2014, 1), Month.of(on) - data.draw(st.integers(0, 8)))
    first = suspension_start(seg, month)
    assert first is not None and first > due_date(month).value
    assert assess(seg, first, {month: 25_500}).value.suspended
    day_before = first - timedelta(days=1)
    assert not assess(seg, day_before, {month: 25_500}).value.suspended
    if on < first:
        assert not assess(seg, on, {month: 25_500}).value.suspended


@settings(max_examples=60, deadline=None)
@pytest.mark.parametrize("name", sorted(REGIMES))
@given(data=st.data())
def test_arrears_hold_the_months_the_regime_demands(name, data):
    """Under each regime: a penalty on the arrears only under the guide's (at most 2% a month for 3 /
    6 months), none from 2016-07-01 (A-R10); the arrears are the overdue months demanded — all of
    them in 2014, the last N months after (12, 24, 6 in 2020, 24: A-R11) — the rest set aside."""
    seg = data.draw(st.sampled_from([s for s in Segment if s is not Segment.PBI]))
    on = data.draw(day_in(name))
    _, _, kind, window = REGIMES[name]
    oldest = max(Month(2014, 1), Month.of(on) - data.draw(st.integers(0, 30)))
    span = Month.of(on) - oldest + 1
    unpaid = {oldest + i: data.draw(st.integers(1, 3_000_000)) for i in range(span) if data.draw(st.booleans())}
    v = assess(seg, on, unpaid).value
    overdue = [m for m in unpaid if due_date(m).value < on]
    assert sorted(v.overdue_months + tuple(v.set_aside)) == overdue
    assert v.arrears_total == sum(unpaid[m] for m in v.overdue_months)
    if kind == "arrears_penalty":
        cap = 3 if seg.group is SegmentGroup.PPU else 6
        assert not v.set_aside and 0 <= v.penalty <= 0.02 * cap * v.arrears_total + 0.5
    else:
        assert v.penalty == 0
        assert all(m >= Month.of(on) - window for m in v.overdue_months)
        assert all(m < Month.of(on) - window for m in v.set_aside)
