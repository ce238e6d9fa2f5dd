"""The public contribution simulator in a real browser."""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(_prepared):
    from support.live_server import LiveServer

    url, _engine = _prepared("sqlite")
    with LiveServer(url) as live:
        yield live.url


def test_simulate_a_family_of_three_in_class_two(page, site):
    page.goto(site + "/simulasi")
    page.get_by_label("Jenis kepesertaan").select_option("PBPU_MANDIRI")
    page.get_by_label("Kelas rawat").select_option("II")
    page.get_by_label("Jumlah jiwa (PBPU/BP)").fill("3")
    page.get_by_role("button", name="Hitung").click()
    page.wait_for_selector("#sim-result h2")
    assert "Rp 127.500" in page.locator("#sim-result h2").inner_text()
    assert page.locator("#sim-result ol.explain li").count() >= 3


def test_wage_earner_without_wage_is_told_what_to_fix(page, site):
    page.goto(site + "/simulasi")
    page.get_by_label("Jenis kepesertaan").select_option("PPU_SWASTA")
    page.get_by_role("button", name="Hitung").click()
    page.wait_for_selector("#sim-result .error")
    assert "wage is required" in page.locator("#sim-result .error").inner_text()


def test_simulator_in_english_shows_shares(page, site):
    page.goto(site + "/simulasi?lang=en&segment=PPU_SWASTA&as_of=2014-06-01&wage=4000000")
    assert page.locator("dd.employer").inner_text() == "Rp 160.000"
    assert page.locator("dd.participant").inner_text() == "Rp 20.000"
