"""Registration over HTTP on SQLite and PostgreSQL: participants, families, rules, documents,
card numbers, duplicate NIK, the card PDF."""

from __future__ import annotations

import datetime as dt

from membership.membership_helpers import (
    FKRTL,
    FKTP_A,
    employer,
    luhn_ok,
    nik,
    pbpu_family,
    person,
    ppu_family,
    register,
    with_documents,
)


def test_register_participant_gets_a_13_digit_luhn_card_in_the_branch_of_the_address(api):
    fam = register(api, pbpu_family("II"))
    head = fam["members"][0]
    card = head["card_number"]
    assert len(card) == 13 and card.isdigit() and luhn_ok(card)
    assert card[:3] == "031" == head["branch"]["code"]  # Kota Jakarta Pusat → KC Jakarta Pusat
    assert head["care_class"] == "II" and head["segment_group"] == "PBPU" and head["payer"]["kind"] == "FAMILY"
    r = api.get(f"/api/v1/participants/{card}")
    assert r.status_code == 200 and r.headers["etag"] == '"1"'
    assert r.json()["fktp"] == {"code": FKTP_A, "name": "Puskesmas Gambir"}
    # by NIK too
    assert api.get(f"/api/v1/participants/{head['nik']}").json()["card_number"] == card


def test_single_participant_endpoint_and_documents_recorded(api):
    head = pbpu_family("III")["head"]
    body = head | {"tmt": "2014-04-01", "registered_on": "2014-04-01"}
    check = api.post("/api/v1/registration/checklist", json={"head": head, "tmt": "2014-04-01"}).json()
    codes = [i["code"] for i in check["items"]]
    r = api.post("/api/v1/participants", json={**body, "documents_shown": codes})
    assert r.status_code == 201, r.text
    card = r.json()["head_card_number"]
    changes = api.get(f"/api/v1/participants/{card}/changes").json()
    assert changes[0]["kind"] == "REGISTER"
    shown = {d["code"]: d["shown"] for d in changes[0]["documents"]}
    assert shown == dict.fromkeys(codes, True)
    assert not any("nikah" in d["text"] for d in changes[0]["documents"])  # not married: no marriage certificate


def test_missing_documents_are_refused_with_the_codes_to_send(api):
    body = pbpu_family("II")
    r = api.post("/api/v1/families", json=body)
    assert r.status_code == 422
    assert "PBPU.MANDIRI/1" in r.json()["detail"] and r.json()["checklist"]["missing"]
    r = api.post("/api/v1/families", json={**body, "documents_shown": ["NOPE/1"]})
    assert r.status_code == 422 and "Kode dokumen NOPE/1 tidak dikenal" in r.json()["detail"]


def test_duplicate_nik_is_409_naming_the_existing_card(api):
    fam = register(api, pbpu_family("I"))
    existing = fam["members"][0]
    again = pbpu_family("I")
    again["head"]["nik"] = existing["nik"]
    r = api.post("/api/v1/families", json=with_documents(api, again))
    assert r.status_code == 409
    assert r.json()["card_number"] == existing["card_number"] and existing["card_number"] in r.json()["detail"]


def test_bad_input_is_422_with_a_useful_message(api):
    body = pbpu_family("II")
    bad_nik = {**body, "head": {**body["head"], "nik": "3171014513900001"}}  # day 45 - 40 = 5, month 13
    r = api.post("/api/v1/families", json=with_documents(api, body) | {"head": bad_nik["head"]})
    assert r.status_code == 422 and "NIK" in r.json()["detail"]
    wrong_birth = {**body["head"], "birth_date": "1980-05-18"}
    r = api.post("/api/v1/families", json=with_documents(api, body) | {"head": wrong_birth})
    assert r.status_code == 422 and "tidak sesuai dengan NIK" in r.json()["detail"]
    assert r.json()["code"] == "birth_mismatch"
    r = api.post("/api/v1/families", json=with_documents(api, body) | {"head": {**body["head"], "fktp_code": FKRTL}})
    assert r.status_code == 422 and "bukan fasilitas kesehatan tingkat pertama" in r.json()["detail"]
    r = api.post("/api/v1/families", json=with_documents(api, body) | {"head": {**body["head"], "fktp_code": "NOPE"}})
    assert r.status_code == 422
    r = api.post("/api/v1/families", json={**body, "head": {**body["head"], "segment": "ASTRONAUT"}})
    assert r.status_code == 422 and r.json()["field"] == "head.segment"  # pydantic at the edge
    r = api.post("/api/v1/families", json=with_documents(api, body) | {"head": {**body["head"], "care_class": None}})
    assert r.status_code == 422 and "Kelas iuran" in r.json()["detail"]
    r = api.post("/api/v1/families", json=with_documents(api, body) | {"tmt": "2013-12-01"})
    assert r.status_code == 422 and "sebelum JKN dimulai" in r.json()["detail"]


def test_wage_earner_family_sorted_by_the_rules_engine(api):
    emp = employer(api)
    body = ppu_family(emp["code"], wage=4_000_000, children=4, parents=1)
    fam = register(api, body)
    statuses = {m["name"]: m["member_status"] for m in fam["members"]}
    assert statuses["Budi Santoso"] == "HEAD" and statuses["Ani"] == "CORE"
    assert [statuses[f"Anak {i}"] for i in (1, 2, 3, 4)] == ["CORE", "CORE", "CORE", "ADDITIONAL"]  # eldest 3
    assert statuses["Ibu 1"] == "ADDITIONAL"
    # 4.000.000 in 2014: above 1.5 x PTKP K/1 (3.543.750), up to 2 x: class I for the whole family
    assert {m["care_class"] for m in fam["members"]} == {"I"}
    assert {m["payer"]["code"] for m in fam["members"]} == {emp["payer_code"]}
    r = api.get(f"/api/v1/employers/{emp['code']}/employees").json()
    assert r["total"] == 1 and r["items"][0]["wage"] == 4_000_000 and r["total_wages"] == 4_000_000


def test_child_criteria_and_other_relatives(api):
    emp = employer(api)
    body = ppu_family(emp["code"], children=0)
    old_child = {**person("Anak Besar", dt.date(1991, 1, 10), "L"), "relationship": "CHILD_NATURAL"}
    body["members"].append(old_child)  # 23 in 2014, not in school: not a core child
    r = api.post("/api/v1/families", json=with_documents(api, body))
    assert r.status_code == 422 and "care_class" in r.json()["detail"]
    body["members"][-1] = {**old_child, "nik": nik(dt.date(1991, 1, 10)), "in_school": True}
    r = api.post("/api/v1/families", json=with_documents(api, body))  # school, but no end date on the letter
    assert r.status_code == 422 and r.json()["field"] == "members[1].education_until", r.text
    body["members"][-1]["education_until"] = "2015-08-31"
    fam = register(api, body)
    child = {m["name"]: m for m in fam["members"]}["Anak Besar"]
    assert child["member_status"] == "CORE" and child["status_until"] == "2015-08-31"  # end of education (A-M16)


def test_family_limit_refused_for_wage_earners(api):
    emp = employer(api)
    body = ppu_family(emp["code"], children=0)
    body["members"].append({**person("Istri Kedua", dt.date(1980, 1, 1), "P"), "relationship": "SPOUSE",
                            "marital_status": "MARRIED"})
    for i in range(3):
        body["members"].append({**person(f"Anak {i}", dt.date(2004 + i, 2, 2)), "relationship": "CHILD_NATURAL"})
    body["members"].append({**person("Istri Ketiga", dt.date(1981, 1, 1), "P"), "relationship": "SPOUSE",
                            "marital_status": "MARRIED"})
    body["members"].append({**person("Istri Keempat", dt.date(1982, 1, 1), "P"), "relationship": "SPOUSE",
                            "marital_status": "MARRIED"})
    body["members"].append({**person("Istri Kelima", dt.date(1983, 1, 1), "P"), "relationship": "SPOUSE",
                            "marital_status": "MARRIED"})
    r = api.post("/api/v1/families", json=with_documents(api, body))
    assert r.status_code == 422 and "Anggota keluarga ditolak" in r.json()["detail"] and r.json()["explanation"]


def test_foreign_national_needs_six_months_of_work(api):
    body = pbpu_family("I")
    body["head"] |= {"nationality": "WNA", "stay_permit": "KITAS-123", "work_started": "2014-01-15"}
    r = api.post("/api/v1/families", json=with_documents(api, body))
    assert r.status_code == 422 and "belum 6 bulan bekerja" in r.json()["detail"]
    body["head"]["work_started"] = "2013-08-01"
    fam = register(api, body)
    assert fam["members"][0]["nationality"] == "WNA"


def test_pbi_needs_designation_and_gets_class_iii(api):
    head = person("Warga", dt.date(1970, 7, 7), "L", segment="PBI", fktp_code=FKTP_A)
    r = api.post("/api/v1/families", json=with_documents(api, {"head": head, "tmt": "2014-01-01"}))
    assert r.status_code == 422 and "Penetapan PBI wajib diisi" in r.json()["detail"]
    fam = register(api, {"head": {**head, "pbi_designated": True}, "tmt": "2014-01-01"})
    m = fam["members"][0]
    assert m["care_class"] == "III" and m["payer"] == {"code": "G-PBI", "kind": "GOVERNMENT"}


def test_card_pdf(api):
    card = register(api, pbpu_family("II"))["head_card_number"]
    r = api.get(f"/api/v1/participants/{card}/card.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and len(r.content) > 1000
    assert api.get("/api/v1/participants/0000000000000/card.pdf").status_code == 404


def test_search_and_family_view(api):
    fam = register(api, pbpu_family("III", members=3))
    r = api.get("/api/v1/participants", params={"family_id": fam["id"]}).json()
    assert r["total"] == 4
    assert api.get(f"/api/v1/families/{fam['id']}").json()["head_card_number"] == fam["head_card_number"]
    hits = api.get("/api/v1/participants", params={"q": fam["head_card_number"]}).json()
    assert hits["items"][0]["card_number"] == fam["head_card_number"]
    assert api.get("/api/v1/families/999999").status_code == 404
