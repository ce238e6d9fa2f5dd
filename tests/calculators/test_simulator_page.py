"""The public simulator (contribution; penalty and suspension) in a real browser."""

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
    assert "Upah wajib diisi" in page.locator("#sim-result .error").inner_text()


def test_simulator_in_english_shows_shares(page, site):
    page.goto(site + "/simulasi?lang=en&segment=PPU_SWASTA&as_of=2014-06-01&wage=4000000")
    assert page.locator("dd.employer").inner_text() == "Rp 160,000"
    assert page.locator("dd.participant").inner_text() == "Rp 20,000"


def test_penalty_of_a_january_contribution_unpaid_in_june(page, site):
    """One month unpaid but 5 months late: a wage earner's cover is suspended (Penghentian 1)."""
    page.goto(site + "/simulasi?lang=en")
    page.get_by_label("Segment of the participant in arrears").select_option("PPU_SWASTA")
    page.get_by_label("On the date").fill("2014-06-15")
    page.get_by_label("Unpaid months").fill("2014-01=25500")
    page.get_by_role("button", name="Calculate penalty").click()
    page.wait_for_selector("#penalty-result h3")
    assert page.locator("#penalty-result dd.lateness").inner_text() == "5 month(s) and 5 day(s) since January 10, 2014"
    assert page.locator("#penalty-result dd.penalty").inner_text() == "Rp 1,530"  # 2% x 25,500 x 3, in English formats (Denda 1)
    assert page.locator("#penalty-result dd.cover").inner_text() == "Suspended"
    assert "Rp 27,030" in page.locator("#penalty-result h3").inner_text()
