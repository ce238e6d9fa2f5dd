"""How a payment settles what a payer owes: Denda 1-2 ("dibayarkan bersamaan dengan total iuran yang
tertunggak"), Penghentian 1-2; assumptions A-12, A-M11, A-M12."""
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules.regimes import REGIMES, SERVICE_REGIMES, day_in

from jkn.domain import Month, Segment
from jkn.rules import RuleError, assess_penalty
from jkn.rules.settlement import Position, settle

JAN_AUG = {Month(2014, 1) + i: 25_500 for i in range(8)}
AUG_20 = date(2014, 8, 20)


def after(position: Position, paid_on: date, s) -> Position:
    """The position once the settlement ``s`` of a payment made on ``paid_on`` is booked."""
    bills = {m: a - s.contributions.get(m, 0) for m, a in position.bills.items()}
    penalties = dict(position.penalties)
    if s.charged_today > position.charged_today:
        penalties[paid_on] = penalties.get(paid_on, 0) + s.charged_today - position.charged_today
    for day, paid in s.penalties.items():
        penalties[day] -= paid
    service = {k: a - s.service_penalties.get(k, 0) for k, a in position.service_penalties.items()}
    delays = {**position.delays, paid_on: position.delays.get(paid_on, s.months_counted)} if s.charged_today \
        else position.delays
    return replace(position, bills={m: a for m, a in bills.items() if a}, charged_today=s.charged_today,
                   penalties={d: a for d, a in penalties.items() if a}, paid_today=s.paid_late_today, delays=delays,
                   service_penalties={k: a for k, a in service.items() if a})


def pay_all(segment: str, position: Position, payments: list[tuple[date, int]]):
    """Make ``payments`` (day, amount) one after the other; the position after, what was paid to what
    and the penalty charged."""
    contributions, penalties, credit, charged = {}, 0, 0, 0
    for i, (day, amount) in enumerate(payments):
        if i and day != payments[i - 1][0]:
            position = replace(position, paid_today={}, charged_today=0)
        s = settle(segment, day, amount, position).value
        charged += s.charged_today - position.charged_today
        position = after(position, day, s)
        for m, a in s.contributions.items():
            contributions[m] = contributions.get(m, 0) + a
        penalties, credit = penalties + sum(s.penalties.values()) + sum(s.service_penalties.values()), credit + s.credit
        assert sum(s.contributions.values()) + sum(s.penalties.values()) + sum(s.service_penalties.values()) \
            + s.credit == amount  # no rupiah lost
    return position, contributions, penalties, credit, charged


def test_arrears_paid_without_the_penalty_leave_it_owed_and_cover_suspended():
    """The defect of issue #9: paying exactly the arrears reactivated cover and the penalty vanished."""
    arrears = sum(JAN_AUG.values())
    owed = assess_penalty("PBPU_MANDIRI", AUG_20, JAN_AUG).value
    s = settle("PBPU_MANDIRI", AUG_20, arrears, Position(JAN_AUG)).value
    assert s.contributions == JAN_AUG and s.penalties == {} and s.credit == 0
    assert s.charged_today == owed.penalty == 24_480  # 2% x 204.000 x 6 (Denda 2, A-02)
    assert s.reactivation.was_suspended and not s.reactivation.active and s.reactivation.shortfall == 24_480
    left = after(Position(JAN_AUG, suspended_since=date(2014, 7, 11)), AUG_20, s)
    v = assess_penalty("PBPU_MANDIRI", AUG_20 + timedelta(days=3), left.bills, penalty_owed=24_480,
                       suspended_since=left.suspended_since).value
    assert v.suspended and v.amount_due == 24_480
    done = settle("PBPU_MANDIRI", AUG_20 + timedelta(days=3), 24_480, left).value
    assert done.penalties == {AUG_20: 24_480} and done.reactivation.active


def test_instalments_are_charged_the_penalty_as_they_pay_the_arrears():
    """Paying the arrears in parts, on other days, does not avoid the penalty (Denda 2)."""
    days = [(AUG_20 + timedelta(days=i), 51_000) for i in range(4)]
    position, _, paid, _, charged = pay_all("PBPU_MANDIRI", Position(JAN_AUG), days)
    assert position.bills == {} and paid == 0  # the penalty comes after the overdue contributions
    # every part counted for the 6 months the arrears had reached on 20 August, as if paid at once
    assert sum(position.penalties.values()) == charged == 24_480


def test_order_overdue_then_penalty_then_not_yet_due_then_credit():
    bills = {Month(2014, 7): 25_500, Month(2014, 8): 25_500}
    s = settle("PBPU_MANDIRI", date(2014, 8, 5), 60_000, Position(bills, penalties={date(2014, 3, 1): 1_000})).value
    assert s.contributions == {Month(2014, 7): 25_500, Month(2014, 8): 25_500}
    assert s.charged_today == 510 and s.penalties == {date(2014, 3, 1): 1_000, date(2014, 8, 5): 510}
    assert s.credit == 60_000 - 51_000 - 1_510
    short = settle("PBPU_MANDIRI", date(2014, 8, 5), 26_000, Position(bills)).value
    assert short.contributions == {Month(2014, 7): 25_500} and short.penalties == {date(2014, 8, 5): 500}


def test_invalid_payment():
    with pytest.raises(RuleError, match="bilangan bulat rupiah yang positif"):
        settle("PBPU_MANDIRI", AUG_20, 0, Position(JAN_AUG))


def _open_months(draw, day: date) -> dict[Month, int]:
    """Open months up to 30 months before ``day``'s (not before JKN began), some of them not yet due."""
    first = max(Month(2014, 1), Month.of(day) - draw(st.integers(0, 30)))
    return {first + i: draw(st.integers(1, 3_000_000)) for i in range(draw(st.integers(1, 12)))
            if draw(st.booleans())}


@st.composite
def histories(draw, regime: str):
    """A payer's open months and a payment on a day of ``regime`` (tests/rules/regimes.py), with
    the parts it may be split into."""
    seg = draw(st.sampled_from([Segment.PPU_SWASTA, Segment.PBPU_MANDIRI, Segment.BP_INVESTOR, Segment.PBI]))
    day = draw(day_in(regime))
    bills = _open_months(draw, day)
    total = draw(st.integers(1, sum(bills.values(), 1) * 2))
    cuts = sorted(draw(st.lists(st.integers(1, max(1, total - 1)), max_size=4, unique=True)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total]) if b > a]
    return seg, bills, day, total, draw(st.permutations(parts))


@settings(max_examples=80, deadline=None)
@pytest.mark.parametrize("regime", sorted(REGIMES))
@given(data=st.data())
def test_the_penalty_does_not_depend_on_how_a_days_total_is_split_or_ordered(regime, data):
    """Under each late-payment regime (tests/rules/regimes.py)."""
    _split_or_ordered(data.draw(histories(regime)))


# found by this test: the oldest month paid first, then a younger one the same day, was counted
# for the younger one's lateness only
@pytest.mark.parametrize("history", [
    (Segment.PBPU_MANDIRI, {Month(2014, 1): 1, Month(2014, 2): 4}, date(2014, 5, 11), 5, [1, 4])])
def test_the_penalty_split_found_once(history):
    _split_or_ordered(history)


def _split_or_ordered(history) -> None:
    seg, bills, day, total, parts = history
    start = Position(bills, penalties={date(2014, 1, 2): 700}, service_penalties={7: 1_250, 3: 400})
    one = pay_all(seg, start, [(day, total)])
    many = pay_all(seg, start, [(day, part) for part in parts])
    assert many[1:] == one[1:]
    assert many[0].penalties == one[0].penalties and many[0].bills == one[0].bills
    assert many[0].service_penalties == one[0].service_penalties


@settings(max_examples=80, deadline=None)
@pytest.mark.parametrize("regime", sorted(REGIMES))
@given(data=st.data(), gaps=st.lists(st.integers(0, 90), min_size=5, max_size=5))
def test_paying_in_parts_on_later_days_never_costs_less_penalty(regime, data, gaps):
    """Instalments after the first day are charged at least what the whole paid that day is: each
    rupiah for at least the months the arrears had reached (rounding aside: at most half a rupiah a
    day) — under the guide's regime; from 2016-07-01 neither is charged a penalty (A-R10). The
    instalments stay in the regime of the first."""
    seg, bills, day, total, parts = data.draw(histories(regime))
    _, last, kind, _ = REGIMES[regime]
    days = [min(day + timedelta(days=sum(gaps[:i])), last) for i in range(len(parts))]
    lump = pay_all(seg, Position(bills), [(day, total)])[-1]
    spread = pay_all(seg, Position(bills), list(zip(days, parts)))[-1]
    assert spread >= lump - len(set(days)) + 1
    if kind != "arrears_penalty":
        assert spread == lump == 0


@st.composite
def with_service_penalties(draw, regime: str):
    """A payer on a day of a service-penalty ``regime`` (2016-07 on): open months, some overdue, and
    service penalties of stays in a window after reactivation, unpaid or partly paid."""
    seg = draw(st.sampled_from([Segment.PPU_SWASTA, Segment.PBPU_MANDIRI, Segment.BP_INVESTOR]))
    day = draw(day_in(regime))
    bills = _open_months(draw, day)
    service = {i: draw(st.integers(1, 30_000_000)) for i in range(draw(st.integers(0, 3)))}
    owed = sum(bills.values()) + sum(service.values())
    return seg, bills, service, day, draw(st.integers(1, max(1, owed * 2)))


@settings(max_examples=100, deadline=None)
@pytest.mark.parametrize("regime", SERVICE_REGIMES)
@given(data=st.data())
def test_a_service_penalty_is_paid_after_the_arrears_before_what_is_not_yet_due(regime, data):
    """A-R13, under each service-penalty regime: a payment goes to the overdue contributions first,
    then to the service penalties in the order of the stays, then to the contributions not yet due,
    then credit; no rupiah is lost; whether cover resumes does not depend on the service penalty."""
    seg, bills, service, day, amount = data.draw(with_service_penalties(regime))
    s = settle(seg, day, amount, Position(bills, service_penalties=service)).value
    without = settle(seg, day, amount, Position(bills)).value
    overdue = [m for m in bills if m in s.reactivation.assessment.overdue_months]
    assert sum(s.contributions.values()) + sum(s.service_penalties.values()) + s.credit == amount
    paid_overdue = sum(s.contributions.get(m, 0) for m in overdue)
    assert paid_overdue == min(amount, sum(bills[m] for m in overdue))
    if sum(s.service_penalties.values()):
        assert paid_overdue == sum(bills[m] for m in overdue)  # the arrears come first
    later = sum(a for m, a in s.contributions.items() if m not in overdue)
    if later:  # contributions not yet due only once every service penalty is paid
        assert s.service_penalties == {k: v for k, v in service.items()}
    keys = list(service)
    for i, k in enumerate(keys):  # in the order of the stays: a later one only once the earlier is paid
        if s.service_penalties.get(k) and i:
            assert s.service_penalties.get(keys[i - 1]) == service[keys[i - 1]]
    assert s.reactivation.active == without.reactivation.active
    assert {m: s.contributions.get(m, 0) for m in overdue} == {m: without.contributions.get(m, 0) for m in overdue}
