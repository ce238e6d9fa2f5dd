"""Every rule set from 2014 to today, one table per regulation. Each row's numbers are worked out by
hand from the source it cites (REGS = shared/docs/regulations-2016-2025.md, section and mark)."""
from datetime import date

import pytest

from jkn.rules import RuleError, care_class, due_date, monthly_contribution, param
from jkn.rules.decision import NotAvailable

# (rule set, as_of, class I, class II, class III paid by the participant, class III paid by the government, source)
FLAT_RATES = [
    ("guide", "2014-06-01", 59_500, 42_500, 25_500, 0, "seed 001 Iuran 5 a-c"),
    ("Perpres 19/2016 + 28/2016", "2016-04-01", 80_000, 51_000, 25_500, 0, "REGS §2, Kemenkes 2016-04-11 (REG)"),
    ("Perpres 82/2018", "2019-06-01", 80_000, 51_000, 25_500, 0, "REGS §3, kabariku (NEWS)"),
    ("Perpres 75/2019 Pasal 34, January", "2020-01-01", 160_000, 110_000, 42_000, 0, "REGS §4, tribunnews 2020-03-09"),
    ("Perpres 75/2019 Pasal 34, March", "2020-03-31", 160_000, 110_000, 42_000, 0, "REGS §4, sekitarjambi (BPJS)"),
    ("Putusan MA 7 P/HUM/2020, April", "2020-04-01", 80_000, 51_000, 25_500, 0, "REGS §5, okezone 2020-04-21"),
    ("Putusan MA 7 P/HUM/2020, June", "2020-06-30", 80_000, 51_000, 25_500, 0, "REGS §5"),
    ("Perpres 64/2020 Pasal 34, 2020", "2020-07-01", 150_000, 100_000, 25_500, 16_500, "REGS §6, sekitarjambi (BPJS)"),
    ("Perpres 64/2020 Pasal 34, 2021", "2021-01-01", 150_000, 100_000, 35_000, 7_000, "REGS §6, star.grid.id (PMK)"),
    ("Perpres 59/2024: unchanged", "2024-06-01", 150_000, 100_000, 35_000, 7_000, "REGS §7, koranindopos (DJSN)"),
    ("still billed November 2025", "2025-11-01", 150_000, 100_000, 35_000, 7_000, "REGS §7, finnews 2025-11-03"),
    ("continued (no later source)", "2026-11-01", 150_000, 100_000, 35_000, 7_000, "REGS §7; A-R01"),
]


@pytest.mark.parametrize("rule_set, as_of, i, ii, iii, aid, source", FLAT_RATES, ids=[r[0] for r in FLAT_RATES])
def test_pbpu_and_bp_class_rates(rule_set, as_of, i, ii, iii, aid, source):
    for cls, participant, government in (("I", i, 0), ("II", ii, 0), ("III", iii, aid)):
        c = monthly_contribution("PBPU_MANDIRI", as_of, care_class=cls, persons=2).value
        assert (c.participant, c.government, c.total) == (2 * participant, 2 * government, 2 * (participant + government))
    bp = monthly_contribution("BP_LAINNYA", as_of, care_class="III").value
    assert (bp.participant, bp.government) == (iii, aid)


def test_the_2020_quarter_month_by_month():
    """REGS §4-§6, C11: January-March at Perpres 75/2019, April-June at the earlier rates, July on at 64/2020."""
    by_month = {m: monthly_contribution("PBPU_MANDIRI", f"2020-{m:02d}-15", care_class="I").value.total
                for m in range(1, 9)}
    assert by_month == {1: 160_000, 2: 160_000, 3: 160_000, 4: 80_000, 5: 80_000, 6: 80_000, 7: 150_000, 8: 150_000}
    # the April overpayment a participant could have made at the annulled rate (A-R08)
    assert by_month[1] - by_month[4] == 80_000


def test_other_relative_of_a_wage_earner_pays_the_whole_class_iii_rate():
    # Perpres 64/2020 Pasal 34: the aid is for PBPU and BP participants (A-R05)
    c = monthly_contribution("PPU_SWASTA", "2021-03-01", wage=5_000_000, other_relatives=["III"]).value
    assert (c.employer, c.participant, c.government) == (200_000, 50_000 + 42_000, 0)


# (as_of, PBI per person, source)
PBI = [
    ("2014-06-01", 19_225, "REGS §1, Perpres 111/2013 (NEWS, 3 sources)"),
    ("2016-03-31", 19_225, "REGS §1"),
    ("2016-04-01", 23_000, "REGS §2, Perpres 19/2016 (NEWS)"),
    ("2019-07-31", 23_000, "REGS §3"),
    ("2019-08-01", 42_000, "REGS §4, Perpres 75/2019 Pasal 29 ayat 2, retroactive"),
    ("2020-05-01", 42_000, "REGS §5, C5: not touched by the court ruling"),
    ("2026-11-01", 42_000, "REGS §6, §7"),
]


@pytest.mark.parametrize("as_of, amount, source", PBI, ids=[r[0] for r in PBI])
def test_pbi_amount(as_of, amount, source):
    c = monthly_contribution("PBI", as_of, persons=3).value
    assert (c.government, c.total, c.participant + c.employer) == (3 * amount, 3 * amount, 0)


# (case, segment, as_of, kwargs, employer, participant, government, source)
WAGE_EARNERS = [
    ("2014 private, no cap", "PPU_SWASTA", "2014-06-01", dict(wage=20_000_000), 800_000, 100_000, 0,
     "seed 001 Iuran 3; A-07"),
    ("Perpres 19/2016: private capped at Rp 8.000.000", "PPU_SWASTA", "2016-04-01", dict(wage=10_000_000),
     320_000, 80_000, 0, "REGS §2 (NEWS)"),
    ("Perpres 19/2016: a PNS is not capped", "PPU_PNS", "2016-04-01", dict(wage=10_000_000, grade="III/a"),
     300_000, 200_000, 0, "REGS §2-§3, A-R02"),
    ("Perpres 82/2018: PNS 3/2 on basic salary + family allowance", "PPU_PNS", "2019-01-01",
     dict(grade="III/a", wage_components={"gaji_pokok": 3_000_000, "tunjangan_keluarga": 300_000,
                                          "tunjangan_kinerja_atau_tambahan_penghasilan": 2_000_000}),
     99_000, 66_000, 0, "REGS §3, tribunnews 2020-03-10"),
    ("Perpres 75/2019 Pasal 30: PNS 4/1 on the broader wage", "PPU_PNS", "2020-02-01",
     dict(grade="III/a", wage_components={"gaji_pokok": 3_000_000, "tunjangan_keluarga": 300_000,
                                          "tunjangan_kinerja_atau_tambahan_penghasilan": 2_000_000}),
     212_000, 53_000, 0, "REGS §4, periferiako (Pasal 30 ayat 2)"),
    ("Perpres 75/2019 Pasal 32 ayat 1: cap Rp 12.000.000 for all PPU", "PPU_POLRI", "2020-01-01",
     dict(wage=15_000_000, grade="III/a"), 480_000, 120_000, 0, "REGS §4, BPJS letter (REG)"),
    ("Pasal 32 ayat 2: floor at the UMK given", "PPU_SWASTA", "2020-01-01",
     dict(wage=3_000_000, minimum_wage=4_200_479), 168_019, 42_005, 0, "REGS §4, BPJS KCU Surabaya letter (REG)"),
    ("floor: UMK not given, the wage as reported", "PPU_BUMN", "2021-01-01", dict(wage=3_000_000),
     120_000, 30_000, 0, "A-R03"),
    ("government employees have no UMK floor", "PPU_PPNPN", "2021-01-01", dict(wage=1_000_000),
     40_000, 10_000, 0, "REGS §4: private employees"),
    ("1% per additional member of the capped wage", "PPU_SWASTA", "2022-01-01",
     dict(wage=20_000_000, additional_members=1), 480_000, 120_000 + 120_000, 0, "REGS §3 (NEWS 2018-2025)"),
    ("Perpres 82/2018: a PNS pensioner pays 5% of the pension, 3/2", "BP_PENSIUNAN_PNS", "2018-10-01",
     dict(grade="III/a", pension=4_000_000), 0, 80_000, 120_000, "REGS §3, tribunnews 2023-05-24"),
    ("2014: a PNS pensioner pays the class rate (A-04)", "BP_PENSIUNAN_PNS", "2014-06-01",
     dict(grade="III/a", persons=2), 0, 119_000, 0, "seed 001 Iuran 5; A-04"),
    ("veteran, base salary given", "BP_VETERAN", "2024-06-01", dict(veteran_base_salary=3_000_000), 0, 0, 67_500,
     "seed 001 Iuran 6: 2.25% of the base given"),
]


@pytest.mark.parametrize("case, seg, as_of, kw, employer, participant, government, source", WAGE_EARNERS,
                         ids=[r[0] for r in WAGE_EARNERS])
def test_percentage_contributions(case, seg, as_of, kw, employer, participant, government, source):
    d = monthly_contribution(seg, as_of, **kw)
    assert (d.value.employer, d.value.participant, d.value.government) == (employer, participant, government)
    assert all(s["source"] for s in d.explain())


# (case, segment, as_of, kwargs, what the message says)
NOT_AVAILABLE = [
    ("PPU-P October 2019: day of Perpres 75/2019 Pasal 30 unverified (C9)", "PPU_PNS", "2019-10-01",
     dict(wage=5_000_000, grade="III/a"), "Tarif iuran pekerja penerima upah instansi pemerintah: .* tidak tersedia"),
    ("PPU-P December 2019", "PPU_TNI", "2019-12-31", dict(wage=5_000_000, grade="III/a"), "tidak tersedia"),
    ("pensioners September 2018: day of Perpres 82/2018 unverified", "BP_PENSIUNAN_PNS", "2018-09-15",
     dict(grade="III/a", pension=4_000_000), "state pensioners: .* tidak tersedia"),
]


@pytest.mark.parametrize("case, seg, as_of, kw, message", NOT_AVAILABLE, ids=[r[0] for r in NOT_AVAILABLE])
def test_unverified_values_are_not_available(case, seg, as_of, kw, message):
    with pytest.raises(NotAvailable, match=message):
        monthly_contribution(seg, as_of, **kw)


@pytest.mark.parametrize("as_of", ["2014-06-01", "2019-02-01", "2024-06-01", "2026-11-01"])
def test_veterans_base_salary_is_required_input_on_every_date(as_of):
    # REGS §9: only the ranges of the PNS III/a rows are sourced
    with pytest.raises(RuleError, match="wajib diisi untuk segmen Veteran"):
        monthly_contribution("BP_VETERAN", as_of)


def test_private_employee_2019_private_sector_is_unaffected_by_the_government_gap():
    c = monthly_contribution("PPU_SWASTA", "2019-11-01", wage=10_000_000).value
    assert (c.employer, c.participant) == (320_000, 80_000)  # cap Rp 8.000.000 until 2019-12-31


def test_wage_components_only_where_the_regulation_names_them():
    with pytest.raises(RuleError, match="belum ada susunan upah yang bersumber"):
        monthly_contribution("PPU_PNS", "2017-01-01", grade="III/a", wage_components={"gaji_pokok": 3_000_000})
    with pytest.raises(RuleError, match="Upah minimum tidak dipakai"):
        monthly_contribution("PPU_SWASTA", "2017-01-01", wage=3_000_000, minimum_wage=2_000_000)


# (case, segment, as_of, kwargs, class, source)
CLASSES = [
    ("guide: 1.5 x PTKP K/1 (2015) = 5.250.000", "PPU_SWASTA", "2015-06-01", dict(wage=5_250_000), "II",
     "seed 001 Manfaat Akomodasi 2.d"),
    ("Perpres 19/2016: up to Rp 4.000.000 class II", "PPU_SWASTA", "2016-04-01", dict(wage=4_000_000), "II",
     "REGS §2 (NEWS)"),
    ("Perpres 19/2016: above Rp 4.000.000 class I", "PPU_SWASTA", "2016-04-01", dict(wage=4_000_001), "I",
     "REGS §2 (NEWS)"),
    ("Perpres 19/2016: above Rp 8.000.000 class I (A-03)", "PPU_BUMN", "2017-01-01", dict(wage=9_000_000), "I",
     "A-03"),
    ("Perpres 82/2018: no sourced bands, the class given", "PPU_SWASTA", "2021-01-01",
     dict(wage=5_000_000, paid_class="II"), "II", "REGS §3, §12.5; A-R09"),
    ("grades are not wage bands", "PPU_PNS", "2021-01-01", dict(grade="II/a"), "II", "seed 001 2.a"),
]


@pytest.mark.parametrize("case, seg, as_of, kw, expected, source", CLASSES, ids=[r[0] for r in CLASSES])
def test_room_class(case, seg, as_of, kw, expected, source):
    assert care_class(seg, as_of, **kw).value.value == expected


def test_room_class_of_a_wage_earner_after_2018_is_required_input():
    with pytest.raises(NotAvailable, match="Batas upah kelas rawat .* tidak tersedia .* wajib diisi"):
        care_class("PPU_SWASTA", "2019-01-01", wage=5_000_000)
    # the contribution does not need the class: it is computed, the class left open
    c = monthly_contribution("PPU_SWASTA", "2019-01-01", wage=5_000_000).value
    assert c.care_class is None and c.total == 250_000


# (as_of month, holidays given, due date, source)
DUE_DATES = [
    ("2014-08", (), date(2014, 8, 10), "seed 001 Iuran 7; A-10: a Sunday, not shifted"),
    ("2016-03", (), date(2016, 3, 10), "guide rule until Perpres 19/2016's rates"),
    ("2016-04", (), date(2016, 4, 11), "Perpres 19/2016 Pasal 17: Sunday 10th -> Monday"),
    ("2017-06", (), date(2017, 6, 12), "Saturday 10th -> Monday (A-R07)"),
    ("2024-04", (date(2024, 4, 10), date(2024, 4, 11)), date(2024, 4, 12), "holidays given as input (A-R07)"),
    ("2026-05", (), date(2026, 5, 11), "REGS §7: still the 10th"),
]


@pytest.mark.parametrize("month, holidays, expected, source", DUE_DATES, ids=[r[0] for r in DUE_DATES])
def test_due_date(month, holidays, expected, source):
    assert due_date(month, holidays).value == expected


def test_bills_of_a_month_fall_due_on_the_shifted_day():
    assert monthly_contribution("PBPU_MANDIRI", "2020-05-20", care_class="III").value.due_date == date(2020, 5, 11)


# (parameter, as_of, value, source)
WINDOWS = [
    ("newborn_registration_days", "2018-10-01", 28, "REGS §3: Perpres 82/2018 Pasal 16, not 14 (C3)"),
    ("new_registration_waiting_days", "2025-07-21", 14, "REGS §3: Perpres 82/2018 Pasal 15"),
]


@pytest.mark.parametrize("name, as_of, value, source", WINDOWS, ids=[r[0] for r in WINDOWS])
def test_registration_windows(name, as_of, value, source):
    assert param(name, as_of) == value
    with pytest.raises(NotAvailable, match="tidak tersedia"):
        param(name, "2018-09-30")  # no sourced window before Perpres 82/2018 is wholly in force (A-R01)


@pytest.mark.parametrize("as_of, name", [
    ("2014-01-01", "Perpres 12/2013"), ("2016-04-01", "Perpres 19/2016"), ("2020-04-15", "7 P/HUM/2020"),
    ("2021-06-01", "Perpres 64/2020"), ("2024-05-08", "59/2024"), ("2026-11-29", "belum ada sumber setelah November 2025"),
])
def test_explanations_name_the_rule_set(as_of, name):
    d = monthly_contribution("PBPU_MANDIRI", as_of, care_class="II")
    assert name in str(d.steps[0].text)
