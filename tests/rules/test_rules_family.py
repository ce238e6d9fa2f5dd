"""Family composition: Panduan Peserta, Anggota Keluarga yang Ditanggung 1-4, Perubahan Data 2.f."""
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jkn.domain import FamilyMember as F
from jkn.domain import MaritalStatus as MS
from jkn.domain import Relationship as R
from jkn.rules import MemberStatus as S
from jkn.rules import check_family, child_eligible, monthly_contribution
from jkn.rules.family import child_status_ends, nth_birthday

AS_OF = date(2014, 6, 1)


def child(y, m=1, d=1, kind=R.CHILD_NATURAL, **kw):
    return F(kind, date(y, m, d), **kw)


@pytest.mark.parametrize("member, eligible, why", [
    (child(1994, 6, 2), True, "age 20: belum berusia 21 tahun (1.b)"),
    (child(1993, 6, 1), False, "turns 21 on as_of: no longer 'belum berusia 21' (1.b)"),
    (child(1990, 1, 1, in_school=True, education_until=date(2014, 8, 31)), True, "age 24 in formal education (1.b)"),
    (child(1990, 1, 1, in_school=True), False, "in school without the letter's end date: no extension (A-M16)"),
    (child(1990, 1, 1, in_school=True, education_until=date(2014, 5, 31)), False, "education ended before as_of"),
    (child(1989, 6, 1, in_school=True, education_until=date(2016, 1, 1)), False, "age 25 even in school (1.b)"),
    (child(1995, marital_status=MS.MARRIED), False, "married (1.a)"),
    (child(1995, marital_status=MS.DIVORCED), False, "has been married: 'belum pernah menikah' (1.a)"),
    (child(1995, has_income=True), False, "own income (1.a; A-13)"),
    (child(2000, kind=R.CHILD_STEP), True, "step child (1)"),
    (child(2000, kind=R.CHILD_ADOPTED), True, "adopted child (1)"),
])
def test_child_criteria(member, eligible, why):
    assert child_eligible(member, AS_OF).value is eligible, why


def test_wage_earner_family_core_additional_other():
    members = [
        F(R.SPOUSE, date(1975, 1, 1)),
        child(2004), child(2002, kind=R.CHILD_ADOPTED), child(2000), child(2006, kind=R.CHILD_STEP),  # 4 children
        F(R.FATHER, date(1940, 1, 1)), F(R.MOTHER_IN_LAW, date(1945, 1, 1)),
        F(R.OTHER_RELATIVE, date(1990, 1, 1)),
        child(1980, marital_status=MS.MARRIED),
        child(2020),
    ]
    v = check_family("PPU_SWASTA", AS_OF, members).value
    statuses = [m.status for m in v.members]
    assert statuses == [S.CORE, S.CORE, S.CORE, S.CORE, S.ADDITIONAL,   # eldest three eligible are core (2.f)
                        S.ADDITIONAL, S.ADDITIONAL,                     # father, mother-in-law: 1% (3)
                        S.OTHER_RELATIVE, S.OTHER_RELATIVE,             # kerabat lain (4); married child
                        S.REFUSED]                                      # not born on as_of
    assert len(v.with_status(S.CORE)) + 1 <= 5                          # "sebanyak-banyaknya 5 orang"
    assert v.additional_members == 3 and v.other_relatives == 2


def test_replacement_child_takes_the_place_of_a_married_one():
    # Perubahan Data 2.f: a child who married "dapat digantikan anak lain"
    members = [child(1992, marital_status=MS.MARRIED), child(1996), child(1998), child(2000)]
    v = check_family("PPU_PNS", AS_OF, members).value
    assert [m.status for m in v.members] == [S.OTHER_RELATIVE, S.CORE, S.CORE, S.CORE]


def test_pbpu_and_bp_family_is_unlimited():
    members = [F(R.SPOUSE, date(1975, 1, 1))] + [child(2000 + i) for i in range(8)] + [F(R.OTHER_RELATIVE, date(1960, 1, 1))]
    for seg in ("PBPU_MANDIRI", "BP_INVESTOR"):
        v = check_family(seg, AS_OF, members).value
        assert all(m.status is S.MEMBER for m in v.members)  # Anggota Keluarga 2: tidak terbatas
        assert v.persons == 11
        assert monthly_contribution(seg, AS_OF, care_class="III", persons=v.persons).value.total == 11 * 25_500


def test_family_counts_feed_the_contribution():
    v = check_family("PPU_SWASTA", AS_OF, [F(R.FATHER, date(1940, 1, 1)), F(R.MOTHER, date(1942, 1, 1))]).value
    c = monthly_contribution("PPU_SWASTA", AS_OF, wage=3_000_000, additional_members=v.additional_members).value
    assert c.participant == 15_000 + 2 * 30_000  # 0,5% + 1% per person (Iuran 3-4)


def test_pbi_family_refused_with_reason():
    d = check_family("PBI", AS_OF, [F(R.SPOUSE, date(1975, 1, 1))])
    assert d.value.members[0].status is S.REFUSED and "ditetapkan" in str(d.value.members[0].reason)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(R)), st.dates(date(1930, 1, 1), date(2014, 6, 1)),
                          st.sampled_from(list(MS)), st.booleans(), st.booleans()), max_size=12))
def test_wage_earner_core_never_exceeds_limits(raw):
    members = [F(r, b, ms, inc, school) for r, b, ms, inc, school in raw]
    v = check_family("PPU_SWASTA", AS_OF, members).value
    core = v.with_status(S.CORE)
    assert len(core) <= 4                                       # 5 persons incl. the participant
    assert sum(m.member.relationship.is_child for m in core) <= 3
    for m in core:
        if m.member.relationship.is_child:
            assert child_eligible(m.member, AS_OF).value
    assert len(v.members) == len(members)


@pytest.mark.parametrize("member, ends", [
    (child(1993, 6, 15), date(2014, 6, 15)),                                     # the 21st birthday
    (child(1992, 2, 29), date(2013, 3, 1)),                                      # 29 February: 1 March
    (child(1993, 6, 15, in_school=True), date(2014, 6, 15)),                     # no end date: no extension (A-M16)
    (child(1993, 6, 15, in_school=True, education_until=date(2016, 7, 31)), date(2016, 8, 1)),
    (child(1993, 6, 15, in_school=True, education_until=date(2020, 7, 31)), date(2018, 6, 15)),  # at most 25
    (child(1993, 6, 15, in_school=True, education_until=date(2013, 7, 31)), date(2014, 6, 15)),  # ended before 21
])
def test_status_of_a_child_ends_on_a_known_day(member, ends):
    d = child_status_ends(member)
    assert d.value == ends
    assert all(s.source for s in d.steps) and "1.b" in d.steps[0].source


@settings(max_examples=200, deadline=None)
@given(birth=st.dates(date(1985, 1, 1), date(2014, 12, 31)),
       school=st.one_of(st.none(), st.dates(date(2005, 1, 1), date(2045, 12, 31))),
       offset=st.integers(min_value=0, max_value=30 * 366))
def test_child_eligible_holds_exactly_before_the_status_ends(birth, school, offset):
    """The day known in advance (kept in the registry) and the check on a date are one rule."""
    c = F(R.CHILD_NATURAL, birth, in_school=school is not None, education_until=school)
    on = max(birth, date(2014, 1, 1)) + timedelta(days=offset)  # rules are asked from JKN's start
    assert child_eligible(c, on).value is (on < child_status_ends(c).value)
    assert child_eligible(c, on).value is (c.age_on(on) < 21 or (c.age_on(on) < 25 and school is not None
                                                                and on <= school))


def test_a_wage_earners_child_carries_the_last_day_of_its_status():
    members = [child(1994, 6, 2), child(1996, 1, 1), child(1998, 1, 1), child(2000, 3, 4), F(R.SPOUSE, date(1970, 1, 1))]
    v = check_family("PPU_SWASTA", AS_OF, members).value
    assert [m.until for m in v.members] == [date(2015, 6, 1), date(2016, 12, 31), date(2018, 12, 31),
                                            date(2021, 3, 3), None]
    assert [m.status for m in v.members][:4] == [S.CORE, S.CORE, S.CORE, S.ADDITIONAL]
    assert all(m.until is None for m in check_family("PBPU_MANDIRI", AS_OF, members).value.members)
    assert nth_birthday(date(2000, 2, 29), 21) == date(2021, 3, 1)
