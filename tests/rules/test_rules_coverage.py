"""FKTP registration and change, covered services, exclusions (Pelayanan Dijamin / Tidak Dijamin, Tata Cara)."""
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jkn.rules import (
    RuleError,
    check_fktp_change,
    check_fktp_registration,
    check_service,
    covered_services,
    delivery_number,
    exclusions,
)


def test_seventeen_exclusions_as_data():
    xs = exclusions()
    assert [x.item for x in xs] == list(range(1, 18))
    assert len({x.code for x in xs}) == 17
    assert all(x.text_id and x.text_en and x.source.endswith(f"§{x.item}") for x in xs)
    assert xs[16].text_id == "Klaim perorangan" and xs[4].text_id == "Pelayanan kesehatan yang dilakukan di luar negeri"


def test_covered_services_by_level():
    assert len([s for s in covered_services() if s.level == "first"]) == 8       # Dijamin 1.a-h
    assert len([s for s in covered_services() if s.level == "referral"]) == 11   # Dijamin 2.a-k
    assert {s.code for s in covered_services("first")} >= {"DELIVERY", "AMBULANCE", "FKTP_INPATIENT"}


@pytest.mark.parametrize("since, as_of, allowed", [
    (date(2014, 1, 15), date(2014, 4, 14), False),
    (date(2014, 1, 15), date(2014, 4, 15), True),   # "minimal setelah 3 (tiga) bulan" (Perubahan Data 2.a)
    (date(2014, 11, 30), date(2015, 2, 28), True),  # month-end clamp
])
def test_fktp_change(since, as_of, allowed):
    assert check_fktp_change(since, as_of).value is allowed


def test_one_fktp():
    assert check_fktp_registration(["0114U001"]).value
    assert not check_fktp_registration(["0114U001", "0114U002"]).value
    assert not check_fktp_registration([]).value


# (case, service, kwargs, allowed, refusal)
CASES = [
    ("first level at own FKTP", "FKTP_EXAMINATION", {}, True, None),
    ("first level elsewhere (Tata Cara 1)", "FKTP_EXAMINATION", dict(at_registered_fktp=False), False, "NO_PROCEDURE"),
    ("hospital without referral (Tata Cara 2.a)", "FKRTL_SPECIALIST_EXAMINATION", {}, False, "NO_PROCEDURE"),
    ("hospital with referral", "FKRTL_SPECIALIST_EXAMINATION", dict(referral_letter=True), True, None),
    ("emergency anywhere (Tata Cara 3.b)", "FKRTL_INTENSIVE_CARE", dict(emergency=True, facility_contracted=False),
     True, None),
    ("non-contracted, no emergency (Tidak Dijamin 2)", "FKTP_EXAMINATION", dict(facility_contracted=False),
     False, "NON_CONTRACTED_FACILITY"),
    ("third delivery (Dijamin 3)", "DELIVERY", dict(level="first", delivery_number=3), True, None),
    ("fourth delivery (Dijamin 3)", "DELIVERY", dict(level="referral", referral_letter=True, delivery_number=4),
     False, "DELIVERY_AFTER_THIRD_CHILD"),
    ("ambulance for a life-saving transfer (Dijamin 4)", "AMBULANCE",
     dict(level="referral", inter_facility_transfer=True, life_saving=True), True, None),
    ("ambulance home (Dijamin 4)", "AMBULANCE", dict(level="first", life_saving=True), False,
     "AMBULANCE_NOT_LIFE_SAVING_TRANSFER"),
    ("orthodontics (Tidak Dijamin 8)", "FKRTL_SPECIALIST_PROCEDURE", dict(referral_letter=True, excluded=["ORTHODONTICS"]),
     False, "ORTHODONTICS"),
    ("emergency is an exception to Tidak Dijamin 2", "FKTP_EXAMINATION",
     dict(emergency=True, facility_contracted=False, excluded=["NON_CONTRACTED_FACILITY"]), True, None),
    ("suspended cover (Penghentian)", "FKTP_EXAMINATION", dict(suspended=True), False, "SUSPENDED"),
]


@pytest.mark.parametrize("case, service, kw, allowed, refusal", CASES, ids=[c[0] for c in CASES])
def test_check_service(case, service, kw, allowed, refusal):
    d = check_service(service, "2014-06-01", **kw)
    assert (d.value.allowed, d.value.refusal) == (allowed, refusal)
    assert d.explain()[-1]["source"].startswith(("guide", "assumption:"))


@pytest.mark.parametrize("service, kw, message", [
    ("XRAY", {}, "Jenis pelayanan XRAY tidak dikenal"),
    ("DELIVERY", {}, "harus tingkat pertama atau rujukan"),
    ("FKTP_LAB", dict(level="referral"), "harus tingkat pertama atau rujukan"),
    ("DELIVERY", dict(level="first"), "Persalinan anak ke- wajib diisi"),
    ("FKTP_LAB", dict(excluded=["SPA"]), "Pengecualian SPA tidak dikenal"),
])
def test_check_service_errors(service, kw, message):
    with pytest.raises(RuleError, match=message):
        check_service(service, "2014-06-01", **kw)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(st.dates(date(2015, 1, 1), date(2015, 3, 31)), st.sampled_from(["first", "referral"]),
                          st.one_of(st.none(), st.integers(1, 5))), max_size=10))
def test_at_most_three_deliveries_whatever_the_level(events):
    """Dijamin 3 at both levels: deliveries recorded at either level (one per date, A-C14) are never
    more than three, a record on a date already held is the same delivery, and the declared child
    number (A-26) is never lowered."""
    recorded: list[date] = []
    for day, level, declared in events:
        n = delivery_number(declared, recorded, day)
        assert n.value >= (declared or 1) and all(s.source for s in n.steps)
        allowed = check_service("DELIVERY", day, level=level, referral_letter=True,
                                delivery_number=n.value).value.allowed
        if declared is None and (day in recorded or len(set(recorded)) < 3):
            assert allowed, (day, recorded)
        if allowed:
            recorded.append(day)
    assert len(set(recorded)) <= 3


def test_delivery_number_names_the_other_deliveries():
    d = delivery_number(None, [date(2015, 1, 5), date(2015, 1, 5), date(2015, 2, 1), date(2015, 3, 1)], "2015-02-01")
    assert d.value == 3
    assert "5 Januari 2015, 1 Maret 2015" in str(d.steps[0].text) and "A-C14" in d.steps[0].source
    assert delivery_number(2, [], "2015-02-01").value == 2
    with pytest.raises(RuleError):
        delivery_number(0, [], "2015-02-01")
