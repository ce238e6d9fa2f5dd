"""The public calculators over HTTP (guide: Iuran, Denda, Manfaat Akomodasi, Golongan Kepangkatan)."""

import pytest


@pytest.fixture(scope="module")
def http(server):
    with server.client() as client:
        yield client


def test_private_employee_2014_shares(http):
    # Iuran §3: BUMN, BUMD dan Swasta 4,5%: 4% Pemberi Kerja, 0,5% Peserta
    body = http.post("/api/v1/calculations/contribution",
                     json={"segment": "PPU_SWASTA", "as_of": "2014-06-01", "wage": 4_000_000}).json()
    assert (body["employer"], body["participant"], body["government"], body["total"]) == (160_000, 20_000, 0, 180_000)
    assert body["due_date"] == "2014-06-10"
    assert all(step["source"] for step in body["explanation"])


def test_rate_change_of_july_2015_comes_from_data(http):
    # Perpres 111/2013 Art. 16C (shared/docs/parameters.md): 4% employer / 1% worker from 2015-07-01
    body = http.post("/api/v1/calculations/contribution",
                     json={"segment": "PPU_SWASTA", "as_of": "2015-07-01", "wage": 4_000_000}).json()
    assert (body["employer"], body["participant"]) == (160_000, 40_000)


def test_independent_worker_family_at_flat_class_rate(http):
    # Iuran §5: Rp 42.500 (kelas II) per orang per bulan
    body = http.post("/api/v1/calculations/contribution",
                     json={"segment": "PBPU_MANDIRI", "as_of": "2014-06-01", "care_class": "II", "persons": 4}).json()
    assert body["total"] == body["participant"] == 4 * 42_500
    assert len(body["lines"]) == 4


def test_additional_member_costs_one_percent_of_wage(http):
    base = http.post("/api/v1/calculations/contribution",
                     json={"segment": "PPU_SWASTA", "as_of": "2014-06-01", "wage": 4_000_000}).json()
    more = http.post("/api/v1/calculations/contribution",
                     json={"segment": "PPU_SWASTA", "as_of": "2014-06-01", "wage": 4_000_000, "additional_members": 2}).json()
    assert more["total"] - base["total"] == 2 * 40_000
    assert more["participant"] - base["participant"] == 2 * 40_000


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"segment": "NOPE", "as_of": "2014-06-01"}, "segment"),
        ({"segment": "PPU_SWASTA", "as_of": "2014-06-01"}, "Upah wajib diisi"),
        ({"segment": "PPU_SWASTA", "as_of": "2014-06-01", "wage": -1}, "paling kecil 0"),
        ({"segment": "PBPU_MANDIRI", "as_of": "2013-12-31", "care_class": "I"}, "1 Januari 2014"),  # JKN began (dates read in Indonesian)
    ],
)
def test_invalid_input_is_422_saying_what_to_fix(http, body, fragment):
    response = http.post("/api/v1/calculations/contribution", json=body)
    assert response.status_code == 422
    assert fragment in response.text


def test_care_class_of_a_captain(http):
    # Golongan Kepangkatan: Kapten = III/c; Manfaat Akomodasi 3.c: golongan III and IV → class I
    body = http.post("/api/v1/calculations/care-class",
                     json={"segment": "PPU_TNI", "as_of": "2014-06-01", "rank": "Kapten"}).json()
    assert body["care_class"] == "I"
    assert any("III/c" in step["text"] for step in body["explanation"])


def test_penalty_capped_and_suspension_for_wage_earner(http):
    # Denda §1: 2% per month, at most 3 months (PPU); Penghentian §1: suspended beyond 3 months
    unpaid = [{"month": m, "amount": 200_000} for m in ("2014-06", "2014-07", "2014-08", "2014-09")]
    body = http.post("/api/v1/calculations/penalty",
                     json={"segment": "PPU_SWASTA", "as_of": "2014-12-20", "unpaid": unpaid}).json()
    assert body["months_in_arrears"] == 4 and body["months_counted"] == 3
    assert body["penalty"] == 2 * 800_000 * 3 // 100
    assert body["suspended"] is True


@pytest.mark.parametrize("segment, suspended", [("PPU_SWASTA", True), ("PBPU_MANDIRI", False)])
def test_a_january_contribution_unpaid_in_june_is_five_months_late(http, segment, suspended):
    # Penghentian 1-2: "keterlambatan pembayaran iuran lebih dari 3 (tiga) / 6 (enam) bulan" — time since
    # the due date of 10 January, not the number of unpaid months (assumption A-11)
    body = http.post("/api/v1/calculations/penalty",
                     json={"segment": segment, "as_of": "2014-06-15", "unpaid": [{"month": "2014-01", "amount": 25_500}]})
    assert body.status_code == 200, body.text
    body = body.json()
    assert body["months_in_arrears"] == 1
    assert body["lateness"] == {"since": "2014-01-10", "months": 5, "days": 5, "months_begun": 6}
    assert body["suspended"] is suspended


def test_arrears_paid_without_the_penalty_keep_cover_suspended(http):
    # Denda 2: the penalty is "dibayarkan bersamaan dengan total iuran yang tertunggak" (assumption A-12)
    body = http.post("/api/v1/calculations/penalty",
                     json={"segment": "PBPU_MANDIRI", "as_of": "2014-08-21", "unpaid": [], "penalty_owed": 24_480,
                           "suspended_since": "2014-07-11"}).json()
    assert (body["arrears"], body["penalty"], body["penalty_owed"], body["amount_due"]) == (0, 24_480, 24_480, 24_480)
    assert body["suspended"] is True


def test_ranks(http):
    rows = http.get("/api/v1/ranks", params={"q": "Kapten"}).json()
    assert rows[0]["grade"] == "III/c"
    assert rows[0]["equivalents"]["tni_ad"] == "Kapten"


def test_segments_listed(http):
    codes = {s["code"] for s in http.get("/api/v1/segments").json()}
    assert {"PBI", "PPU_PNS", "PBPU_MANDIRI", "BP_VETERAN", "BP_LAINNYA"} <= codes
    assert len(codes) == 23
