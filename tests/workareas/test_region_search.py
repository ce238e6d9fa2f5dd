"""Names as people and the OCR'd seed write them find the right kab/kota (issue: lookups)."""

import pytest

from jkn.reference.search import best, search_branches, search_kabkota


@pytest.mark.parametrize(
    "query, code",
    [
        ("Kab. Tulung Agung", "35.04"),
        ("Kotamadya Jakarta Pusat", "31.71"),
        ("Pangkalpinang", "19.71"),
        ("kota bekasi", "32.75"),
        ("Kabupaten Bekasi", "32.16"),
        ("Kab. Pectan", "35.01"),  # OCR slip in the seed for Pacitan
        ("Toba", "12.12"),  # today's name of Toba Samosir (Kepmendagri 2025)
        ("Pasangkayu", "76.01"),  # today's name of Mamuju Utara
    ],
)
def test_first_match(query, code):
    matches = search_kabkota(query)
    assert matches, query
    assert matches[0].item.code == code, [(m.item.code, m.item.name, m.score) for m in matches[:3]]


def test_kota_prefix_prefers_the_city_over_the_regency():
    codes = [m.item.code for m in search_kabkota("Kota Bekasi", limit=2)]
    assert codes == ["32.75", "32.16"]


def test_nonsense_finds_nothing():
    assert search_kabkota("zzzzqqq") == []


def test_branch_typo_from_the_seed():
    assert search_branches("Cabang Temblahan")[0].item.name == "Tembilahan"


@pytest.mark.parametrize(
    "official, shown",
    [("KAB. SAMOSIR", "Kab. Samosir"), ("P A P U A", "Papua"), ("DKI JAKARTA", "DKI Jakarta"),
     ("KAB. TOLI-TOLI", "Kab. Toli-Toli"), ("KOTA ADM. JAKARTA PUSAT", "Kota Adm. Jakarta Pusat")],
)
def test_display_names_of_the_capitalised_official_list(official, shown):
    from jkn.reference.names import display_name

    assert display_name(official) == shown


def test_a_whole_word_ranks_above_a_near_miss():
    """"Jakarta" is the first word of five branch and city names; Surakarta and Yogyakarta only look like it."""
    branches = search_branches("Jakarta")
    assert {m.item.name for m in best(branches)} == {
        "Jakarta Pusat", "Jakarta Selatan", "Jakarta Timur", "Jakarta Barat", "Jakarta Utara"}
    assert branches[5].item.name == "Surakarta"
    assert all(m.item.name.startswith("KOTA ADM. JAKARTA") for m in best(search_kabkota("Jakarta")))


def test_which_office_for_a_name_kota_and_kabupaten_share_answers_both():
    """A Kota Bekasi resident is served by KC Bekasi, a Kab. Bekasi resident by KC Cikarang: "Bekasi" shows both."""
    from jkn.services.workareas.directory import which_office

    answer = which_office("Bekasi")
    assert answer["ambiguous"] is True
    assert {(a["region"]["code"], a["branch"]["name"]) for a in answer["answers"]} == {
        ("32.16", "Cikarang"), ("32.75", "Bekasi")}
    city = which_office("Kota Bekasi")
    assert city["ambiguous"] is False and city["branch"]["name"] == "Bekasi"
