"""The public work-area pages in a real browser (Debian chromium via playwright)."""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=["sqlite"])
def site(request, _prepared):
    from support.live_server import LiveServer

    url, _engine = _prepared(request.param)
    with LiveServer(url) as live:
        yield live.url


def test_hierarchy_lists_13_deputy_regions_and_opens_a_branch(page, site):
    page.goto(site + "/wilayah")
    assert page.locator("details.deputy").count() == 13
    page.get_by_role("link", name="Kantor Cabang Medan").first.click()
    assert page.locator("h1").inner_text().startswith("Kantor Cabang Medan")
    assert page.get_by_role("link", name="12.71").count() == 1


def test_search_box_finds_tulungagung(page, site):
    page.goto(site + "/")
    page.get_by_label("Nama kabupaten/kota").fill("Kab. Tulung Agung")
    page.get_by_role("button", name="Cari").click()
    page.wait_for_selector("#search-results table")
    assert "Kab. Tulungagung" in page.locator("#search-results").inner_text()


def test_which_office_from_nik(page, site):
    page.goto(site + "/kantor")
    page.get_by_label("Kabupaten/kota tempat tinggal atau NIK").fill("3275015203910001")
    page.get_by_role("button", name="Temukan kantor").click()
    answer = page.locator("#answer").inner_text()
    assert "Bekasi" in answer and "1991-03-12" in answer and "perempuan" in answer


def test_branch_without_address_and_english_switch(page, site):
    page.goto(site + "/wilayah/cabang/Depok")  # by name: 404 page with suggestions
    page.goto(site + "/kantor?q=Kota+Depok")
    assert "Belum ada alamat" in page.locator("#answer").inner_text()
    page.get_by_role("link", name="English").click()
    assert "No published address" in page.locator("#answer").inner_text()
    page.goto(site + "/wilayah")  # the choice is remembered
    assert page.locator("h1").inner_text() == "BPJS Kesehatan work areas"


def test_unknown_branch_page_is_404_with_suggestion(page, site):
    response = page.goto(site + "/wilayah/cabang/Temblahan")
    assert response.status == 404
    assert page.get_by_role("link", name="Tembilahan").count() == 1 or "Tembilahan" in page.content()


def test_which_office_shows_kota_and_kabupaten_of_the_same_name_side_by_side(page, site):
    page.goto(site + "/kantor")
    page.get_by_label("Kabupaten/kota tempat tinggal atau NIK").fill("Bekasi")
    page.get_by_role("button", name="Temukan kantor").click()
    assert "2 kabupaten/kota" in page.locator("#which-ambiguous").inner_text()
    assert "Kantor Cabang Bekasi" in page.locator("#office-32\\.75").inner_text()
    assert "Kantor Cabang Cikarang" in page.locator("#office-32\\.16").inner_text()
