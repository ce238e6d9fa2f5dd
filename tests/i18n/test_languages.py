"""Errors in the reader's language (issue 11 items 1 and 5): the API's Problem body follows
``Accept-Language`` (Indonesian by default) with a stable ``code`` and ``field``; pages answer in
Indonesian (403, 404, a failed log-in) and in English on ``?lang=en``; the simulator refuses a value
out of the API's bounds with a clear Indonesian sentence and computes nothing."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def http(server):
    with server.client() as client:
        yield client


def test_api_error_follows_accept_language_with_a_stable_code(http):
    indonesian = http.get("/api/v1/employers/00000001/statement")
    english = http.get("/api/v1/employers/00000001/statement", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert indonesian.status_code == english.status_code == 401
    assert indonesian.json()["code"] == english.json()["code"] == "login_required"
    assert indonesian.json()["detail"].startswith("Silakan masuk") and indonesian.json()["title"] == "Perlu masuk"
    assert english.json()["detail"].startswith("Log in first") and english.json()["title"] == "Log-in needed"


def test_unknown_api_path_and_bad_input_in_both_languages(http):
    r = http.get("/api/v1/tidak-ada")
    assert r.status_code == 404 and r.json()["detail"] == "Alamat ini tidak ada di API." and r.json()["code"] == "http_404"
    r = http.post("/api/v1/calculations/contribution", json={"segment": "PBPU_MANDIRI", "as_of": "kemarin"},
                  headers={"Accept-Language": "id"})
    assert r.status_code == 422 and r.json()["field"] == "as_of" and r.json()["detail"].startswith("Data tidak valid")
    en = http.post("/api/v1/calculations/contribution", json={"segment": "PBPU_MANDIRI", "as_of": "kemarin"},
                   headers={"Accept-Language": "en"})
    assert en.json()["detail"].startswith("Invalid input") and en.json()["code"] == r.json()["code"]


def test_pages_that_do_not_exist_say_so_in_indonesian_and_english(server):
    with server.client() as browser:  # ?lang=en is remembered in a cookie: a browser of its own
        r = browser.get("/halaman-yang-tidak-ada")
        assert r.status_code == 404 and "Halaman tidak ditemukan" in r.text and 'lang="id"' in r.text
        r = browser.get("/halaman-yang-tidak-ada?lang=en")
        assert r.status_code == 404 and "Page not found" in r.text


@pytest.mark.parametrize("params, said", [
    ({"persons": "999999999999999999999999"}, "Jumlah"),
    ({"additional_members": "51"}, "antara 0 dan 50"),
    ({"wage": "99999999999999999999999999999"}, "antara 0 dan 999.999.999.999.999"),
    ({"wage": "lima juta"}, "bilangan bulat"),
    ({"wage": "-5000000"}, "antara 0 dan 999.999.999.999.999"),  # a whole number, out of bounds
    ({"wage": "6.500.000,50"}, "bilangan bulat"),  # a decimal comma: refused, not read as 650.000.050
    ({"persons": "1,5", "segment": "PBPU_MANDIRI", "care_class": "III"}, "bilangan bulat"),  # not 15
    ({"persons": "-3", "segment": "PBPU_MANDIRI", "care_class": "III"}, "antara 1 dan"),
    ({"as_of": "2099-01-01"}, "isi tanggal antara 1 Januari 2014"),
])
def test_simulator_refuses_values_out_of_bounds_in_indonesian(http, params, said):
    query = {"segment": "PPU_SWASTA", "as_of": "2024-06-01", "wage": "5000000", **params}
    r = http.get("/simulasi", params=query)
    assert r.status_code == 422
    error = r.text.split('<p class="error" role="alert">', 1)[1].split("</p>", 1)[0]
    assert said in error
    assert 'class="employer"' not in r.text  # nothing was computed


def test_simulator_penalty_refuses_a_huge_amount(http):
    r = http.get("/simulasi", params={"p_segment": "PBPU_MANDIRI", "p_as_of": "2024-06-15",
                                      "unpaid": "2024-01=" + "9" * 30})
    assert r.status_code == 422 and "antara 0 dan" in r.text and 'class="penalty"' not in r.text
