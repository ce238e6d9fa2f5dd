"""The hospital desk in a real browser (Debian chromium via playwright, issue #13): the FKTP's menu
has no SEP pages and they refuse it; the hospital finds the participant's referral by card from
the SEP form, issues an inpatient SEP from it, records the discharge date and finds the SEP in its
list by card."""

from __future__ import annotations

import pytest

from jkn.services.care.common import jakarta_today

pytestmark = pytest.mark.browser


def test_hospital_desk_referral_lookup_sep_discharge_and_list(login, site):
    base, world = site.url, site.world
    card = world.medan_spouse_card
    puskesmas = login(world.users["puskesmas"])
    assert puskesmas.get_by_role("link", name="Daftar SEP").count() == 0
    assert puskesmas.goto(base + "/faskes/daftar-sep").status == 403
    puskesmas.goto(base + "/faskes")
    puskesmas.get_by_label("Nomor kartu atau NIK").fill(card)
    puskesmas.get_by_role("button", name="Cek").click()
    puskesmas.get_by_role("link", name="Buat rujukan").click()
    puskesmas.locator("#to_facility").select_option(world.fktp["FKRTL"][0])
    puskesmas.locator("#poli").select_option("INT")
    puskesmas.get_by_label("Diagnosa (ICD-10)").fill("I10")
    puskesmas.get_by_role("button", name="Buat rujukan").click()
    referral = puskesmas.locator("#referral-number").inner_text().strip()

    rs = login(world.users["rs"])
    rs.goto(base + f"/faskes/sep?card={card}")
    rs.locator("#find-referral").click()
    assert rs.get_by_label("Nomor kartu").input_value() == card
    row = rs.locator("#referrals tbody tr", has_text=referral)
    assert row.count() == 1
    row.get_by_role("link", name="Terbitkan SEP").click()
    assert rs.get_by_label("Nomor rujukan").input_value() == referral
    rs.locator("#service_type").select_option("1")
    rs.locator("#poli").select_option("INT")
    rs.get_by_label("Diagnosa (ICD-10)").fill("I10")
    rs.get_by_role("button", name="Terbitkan SEP").click()
    assert "/faskes/sep/" in rs.url, rs.locator('[role="alert"]').all_inner_texts()
    number = rs.locator("#sep-number").inner_text()
    today = jakarta_today().isoformat()
    rs.locator("#discharge-form input[name=discharge_date]").fill(today)
    rs.get_by_role("button", name="Simpan tanggal pulang").click()
    assert rs.get_by_role("status").inner_text() == "Tanggal pulang tersimpan."
    assert rs.locator("#discharge-date").inner_text() == today
    # the referral now shows the SEP it opened
    rs.goto(base + f"/faskes/rujukan-peserta?card={card}")
    assert f"SEP {number}" in rs.locator("#referrals").inner_text()

    rs.get_by_role("link", name="Daftar SEP").click()
    rs.get_by_label("Nomor kartu, nomor SEP atau nama").fill(card)
    rs.get_by_role("button", name="Cari").click()
    rows = rs.locator("#seps tbody tr")
    assert rows.count() == 1 and number in rows.inner_text() and today in rows.inner_text()
    rs.get_by_label("Nomor kartu, nomor SEP atau nama").fill("0000000000000")
    rs.get_by_role("button", name="Cari").click()
    assert rs.locator("#seps").count() == 0 and "Tidak ada SEP" in rs.content()
    # another facility cannot record a discharge on it
    assert puskesmas.goto(base + f"/faskes/sep/{number}").status == 403
