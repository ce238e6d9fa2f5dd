"""Data changes over HTTP (guide, PERUBAHAN DATA KEPESERTAAN): rules, documents, effective
dates, optimistic locking, audit history and the as-of view."""

from __future__ import annotations

import datetime as dt

from membership.membership_helpers import (
    FKTP_A,
    FKTP_B,
    change_docs,
    employer,
    pbpu_family,
    person,
    ppu_family,
    register,
)

from jkn.domain.month import Month
from jkn.services.membership.common import jakarta_today


def change(api, card, body, expect=201, headers=None):
    docs = change_docs(api, body["kind"], card, body) if "documents_shown" not in body else body["documents_shown"]
    r = api.post(f"/api/v1/participants/{card}/changes", json={**body, "documents_shown": docs}, headers=headers or {})
    assert r.status_code == expect, r.text
    return r.json()


def test_fktp_change_only_after_three_months_and_as_of_history(api):
    card = register(api, pbpu_family("II", tmt="2014-03-01"))["head_card_number"]
    r = change(api, card, {"kind": "FKTP", "effective_date": "2014-05-15", "recorded_on": "2014-05-15",
                           "fktp_code": FKTP_B}, expect=422)
    assert r["detail"] == ("Pindah FKTP belum dapat dilakukan pada 15 Mei 2014: minimal 3 bulan terdaftar di FKTP "
                           "sebelumnya, paling cepat 1 Juni 2014.")
    assert any(s["source"] == "assumption:A-25" for s in r["explanation"])
    done = change(api, card, {"kind": "FKTP", "effective_date": "2014-06-01", "recorded_on": "2014-06-03",
                              "fktp_code": FKTP_B, "version": 1})
    assert done["participants"][0]["before"]["fktp_code"] == FKTP_A
    assert done["participants"][0]["after"] == {"fktp_code": FKTP_B, "fktp_since": "2014-06-01"}
    assert {d["code"] for d in done["documents"] if d["shown"]} == {"FKTP_CHANGE/2", "FKTP_CHANGE/3"}
    # a second change within 3 months of the new FKTP is refused
    change(api, card, {"kind": "FKTP", "effective_date": "2014-07-01", "fktp_code": FKTP_A}, expect=422)
    # "what did we know on ...?"
    then = api.get(f"/api/v1/participants/{card}/as-of", params={"date": "2014-06-02"}).json()
    assert then["state"]["fktp_code"] == FKTP_A  # valid from 06-01 but only recorded on 06-03
    later = api.get(f"/api/v1/participants/{card}/as-of", params={"date": "2014-08-01"}).json()
    assert later["state"]["fktp_code"] == FKTP_B
    hindsight = api.get(f"/api/v1/participants/{card}/as-of", params={"date": "2014-06-02", "known_on": "2014-08-01"})
    assert hindsight.json()["state"]["fktp_code"] == FKTP_B
    assert api.get(f"/api/v1/participants/{card}/as-of", params={"date": "2014-02-01"}).status_code == 404
    hist = api.get(f"/api/v1/participants/{card}/history").json()["entries"]
    assert [h["kind"] for h in hist] == ["REGISTER", "FKTP"] and hist[1]["actor"] == "api"


def test_optimistic_lock_if_match_and_version(api):
    card = register(api, pbpu_family("II"))["head_card_number"]
    etag = api.get(f"/api/v1/participants/{card}").headers["etag"]
    docs = change_docs(api, "ADDRESS", card)
    body = {"kind": "ADDRESS", "effective_date": "2014-04-01", "address": "Jl. Baru 1", "documents_shown": docs}
    first = api.post(f"/api/v1/participants/{card}/changes", json=body, headers={"If-Match": etag})
    assert first.status_code == 201
    stale = api.post(f"/api/v1/participants/{card}/changes", json={**body, "address": "Jl. Lama 2"},
                     headers={"If-Match": etag})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    stale = api.post(f"/api/v1/participants/{card}/changes", json={**body, "version": 1})
    assert stale.status_code == 409
    assert api.get(f"/api/v1/participants/{card}").json()["address"] == "Jl. Baru 1"  # no lost update
    assert api.post(f"/api/v1/participants/{card}/changes", json=body, headers={"If-Match": "abc"}).status_code == 422


def test_address_change_moves_the_family_and_the_branch(api):
    fam = register(api, pbpu_family("III", members=2))
    card = fam["head_card_number"]
    done = change(api, card, {"kind": "ADDRESS", "effective_date": "2014-04-01", "address": "Jl. Asia Afrika 8",
                              "kabkota_code": "32.73"})
    assert len(done["participants"]) == 3  # head, spouse and child move together
    view = api.get(f"/api/v1/participants/{card}").json()
    assert view["kabkota_code"] == "32.73" and view["branch"]["name"] == "Bandung"
    assert view["card_number"] == card  # the card number is for life


def test_card_lost_and_correction_reprint_the_card(api):
    card = register(api, pbpu_family("II"))["head_card_number"]
    change(api, card, {"kind": "CARD_LOST", "effective_date": "2014-05-01"})
    done = change(api, card, {"kind": "CORRECTION", "effective_date": "2014-05-02", "name": "Siti Aminah Binti Umar"})
    assert done["participants"][0]["after"]["card_print"] == 3
    assert api.get(f"/api/v1/participants/{card}").json()["name"] == "Siti Aminah Binti Umar"
    r = api.post(f"/api/v1/participants/{card}/changes",
                 json={"kind": "CARD_LOST", "effective_date": "2014-05-03", "documents_shown": []})
    assert r.status_code == 422 and "CARD_LOST/1" in r.text


def test_employer_wage_grade_and_segment_changes(api):
    emp1, emp2 = employer(api, "PT Satu"), employer(api, "Dinas Kesehatan", "GOVERNMENT")
    fam = register(api, ppu_family(emp1["code"], wage=3_000_000, children=1))
    card = fam["head_card_number"]
    assert fam["members"][0]["care_class"] == "II"  # up to 1.5 x PTKP K/1
    done = change(api, card, {"kind": "WAGE", "effective_date": "2014-05-01", "wage": 4_500_000})
    assert {p["after"].get("care_class") for p in done["participants"]} == {"I"}  # the family follows
    change(api, card, {"kind": "EMPLOYER", "effective_date": "2014-06-01", "employer_code": emp2["code"],
                       "wage": 4_500_000})
    members = api.get("/api/v1/participants", params={"family_id": fam["id"]}).json()["items"]
    assert {m["payer"]["code"] for m in members} == {emp2["payer_code"]}
    # become a civil servant, then a rank change, then retire
    change(api, card, {"kind": "SEGMENT", "effective_date": "2014-07-01", "segment": "PPU_PNS",
                       "employer_code": emp2["code"], "wage": 2_500_000, "grade": "II/c"})
    assert api.get(f"/api/v1/participants/{card}").json()["care_class"] == "II"
    change(api, card, {"kind": "GRADE", "effective_date": "2014-08-01", "grade": "III/a"})
    assert api.get(f"/api/v1/participants/{card}").json()["care_class"] == "I"
    retired = change(api, card, {"kind": "SEGMENT", "effective_date": "2014-09-01", "segment": "BP_PENSIUNAN_PNS"})
    view = api.get(f"/api/v1/participants/{card}").json()
    assert view["segment"] == "BP_PENSIUNAN_PNS" and view["payer"]["kind"] == "FAMILY" and view["wage"] is None
    assert view["care_class"] == "I" and view["employer"] is None
    members = api.get("/api/v1/participants", params={"family_id": fam["id"]}).json()["items"]
    assert {m["segment"] for m in members} == {"BP_PENSIUNAN_PNS"}
    assert {m["member_status"] for m in members if m["relationship"] != "HEAD"} == {"MEMBER"}
    assert any("SK Pensiun" in d["text"] for d in retired["documents"])
    # grade changes are for the participant's card, not a member's
    spouse = next(m for m in members if m["relationship"] == "SPOUSE")["card_number"]
    change(api, spouse, {"kind": "GRADE", "effective_date": "2014-10-01", "grade": "III/b"}, expect=422)


def test_family_changes_marriage_birth_replacement_death_divorce(api):
    emp = employer(api)
    body = ppu_family(emp["code"], children=3)
    body["members"] = [m for m in body["members"] if m["relationship"] != "SPOUSE"]
    body["head"]["marital_status"] = "NEVER_MARRIED"
    fam = register(api, body)
    card = fam["head_card_number"]
    wife = {**person("Rina", dt.date(1985, 4, 4), "P"), "relationship": "SPOUSE"}
    married = change(api, card, {"kind": "MARRIAGE", "effective_date": "2014-05-01", "member": wife})
    assert any(p["before"] is None for p in married["participants"])
    assert api.get(f"/api/v1/participants/{card}").json()["marital_status"] == "MARRIED"
    baby = {**person("Bayi", dt.date(2014, 6, 1), "L"), "relationship": "CHILD_NATURAL"}
    born = change(api, card, {"kind": "BIRTH", "effective_date": "2014-06-01", "member": baby})
    new = next(p for p in born["participants"] if p["before"] is None)
    assert new["after"]["member_status"] == "ADDITIONAL"  # the 4th child
    members = {m["name"]: m for m in api.get("/api/v1/participants", params={"family_id": fam["id"]}).json()["items"]}
    eldest = members["Anak 1"]["card_number"]
    change(api, card, {"kind": "CHILD_REPLACEMENT", "effective_date": "2014-07-01", "replaced_card_number": eldest,
                       "replaced_reason": "MARRIED"})
    members = {m["name"]: m for m in api.get("/api/v1/participants", params={"family_id": fam["id"]}).json()["items"]}
    assert members["Anak 1"]["status"] == "INACTIVE" and members["Bayi"]["member_status"] == "CORE"
    change(api, members["Anak 2"]["card_number"], {"kind": "DEATH", "effective_date": "2014-08-01"})
    cov = api.get(f"/api/v1/participants/{members['Anak 2']['card_number']}/coverage", params={"on": "2014-08-02"})
    assert cov.json()["reason"] == "DECEASED" and cov.json()["active"] is False
    assert api.get(f"/api/v1/participants/{members['Anak 2']['card_number']}/coverage",
                   params={"on": "2014-07-15"}).json()["reason"] != "DECEASED"
    change(api, card, {"kind": "DIVORCE", "effective_date": "2014-09-01"}, expect=422)  # reported on the spouse's card
    change(api, members["Rina"]["card_number"], {"kind": "DIVORCE", "effective_date": "2014-09-01"})
    assert api.get(f"/api/v1/participants/{card}").json()["marital_status"] == "DIVORCED"
    # no more changes for the deceased
    change(api, members["Anak 2"]["card_number"], {"kind": "CARD_LOST", "effective_date": "2014-09-02"}, expect=422)


def test_change_checklists(api):
    r = api.get("/api/v1/changes/checklist", params={"kind": "DEATH", "segment": "PBPU_MANDIRI"}).json()
    assert r["title"].startswith("Pengurangan peserta") and len(r["items"]) == 2
    nope = api.get("/api/v1/changes/checklist", params={"kind": "NOPE", "segment": "PBPU_MANDIRI"})
    assert nope.status_code in (200, 422)
    r = api.get("/api/v1/changes/checklist", params={"kind": "DEATH"})
    assert r.status_code == 422 and "segment" in r.json()["detail"]  # the list depends on the participant


def test_change_steps_and_ended_cover_read_in_the_callers_language(api):
    """Issue 11: a data change explains itself in Accept-Language, citing the guide by name; why a cover
    ended is kept as a code (``status_reason``) and read from the catalogue."""
    emp = employer(api)
    fam = register(api, ppu_family(emp["code"], children=3))
    members = {m["name"]: m for m in api.get("/api/v1/participants", params={"family_id": fam["id"]}).json()["items"]}
    eldest, second = members["Anak 1"]["card_number"], members["Anak 2"]["card_number"]
    replaced = change(api, fam["head_card_number"], {"kind": "CHILD_REPLACEMENT", "effective_date": "2014-07-01",
                                                     "replaced_card_number": eldest, "replaced_reason": "MARRIED"},
                      headers={"Accept-Language": "en"})
    step = next(s for s in replaced["explanation"] if s["text"].startswith("Child "))
    assert step["text"] == f"Child Anak 1 ({eldest}) leaves the covered children (married); another child may take the place."
    assert step["source"] == "guide:Perubahan Data Kepesertaan:2.f"
    assert step["source_name"] == "Participant Guide, Perubahan Data Kepesertaan, item 2.f"
    died = change(api, second, {"kind": "DEATH", "effective_date": "2014-08-01"})
    assert all("member #" not in s["text"] and "child " not in s["text"] for s in died["explanation"])
    assert api.get(f"/api/v1/participants/{eldest}").json()["status_reason"] == "REPLACED_MARRIED"
    refused = change(api, eldest, {"kind": "EDUCATION", "effective_date": "2014-09-01", "education_until": "2016-06-30",
                                   "documents_shown": []}, expect=422)
    assert refused["detail"] == f"Peserta {eldest} tidak lagi dijamin (digantikan anak lain: sudah menikah)"


def test_an_ended_cover_written_before_codes_is_still_read():
    from jkn.i18n import Msg
    from jkn.services.membership.common import status_reason

    assert status_reason("DECEASED") == Msg("status_reason.DECEASED")
    assert status_reason("replaced: has income").render("id") == "digantikan anak lain: sudah berpenghasilan sendiri"
    assert status_reason("kartu dicabut oleh pengadilan") == "kartu dicabut oleh pengadilan"  # free text as written
    assert status_reason(None) is None


def test_a_leaver_ends_the_familys_cover_at_the_month_end_and_a_new_segment_takes_it_up(api):
    emp1, emp2 = employer(api, "PT Lama"), employer(api, "PT Baru")
    fam = register(api, ppu_family(emp1["code"], children=1))
    card = fam["head_card_number"]
    this = Month.of(jakarta_today())
    leaving = f"/api/v1/employers/{emp1['code']}/employees/{card}/leaving"
    assert api.post(leaving, json={"month": "2014-02"}).status_code == 422  # before the cover began
    assert api.post(f"/api/v1/employers/{emp2['code']}/employees/{card}/leaving",
                    json={"month": str(this)}).status_code == 422  # not PT Baru's worker
    r = api.post(leaving, json={"month": str(this)})
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "LEAVER"
    members = api.get("/api/v1/participants", params={"family_id": fam["id"]}).json()["items"]
    assert {(m["status"], m["end_date"]) for m in members} == {("INACTIVE", this.last_day.isoformat())}
    cover = api.get(f"/api/v1/participants/{card}/coverage", params={"on": (this + 1).first_day.isoformat()}).json()
    assert cover["active"] is False
    # reported once; a change before the end is refused; a PBPU/BP registration from the next month covers again
    assert api.post(leaving, json={"month": str(this)}).status_code == 422
    change(api, card, {"kind": "SEGMENT", "effective_date": this.last_day.isoformat(), "segment": "PBPU_MANDIRI",
                       "care_class": "III"}, expect=422)
    change(api, card, {"kind": "SEGMENT", "effective_date": (this + 1).first_day.isoformat(),
                       "segment": "PBPU_MANDIRI", "care_class": "III"})
    members = api.get("/api/v1/participants", params={"family_id": fam["id"]}).json()["items"]
    assert {(m["status"], m["end_date"], m["segment"]) for m in members} == {("ACTIVE", None, "PBPU_MANDIRI")}


def test_an_employer_reports_a_transfer_to_another_employer_from_next_month(api):
    emp1, emp2 = employer(api, "PT Asal"), employer(api, "PT Tujuan")
    fam = register(api, ppu_family(emp1["code"], children=0))
    card = fam["head_card_number"]
    url = f"/api/v1/employers/{emp1['code']}/employees/{card}/transfer"
    assert api.post(url, json={"employer_code": emp2["code"]}).status_code == 422  # no SK mutasi shown
    r = api.post(url, json={"employer_code": emp2["code"], "documents_shown": change_docs(api, "EMPLOYER", card)})
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "EMPLOYER"
    assert r.json()["effective_date"] == (Month.of(jakarta_today()) + 1).first_day.isoformat()
    members = api.get("/api/v1/participants", params={"family_id": fam["id"]}).json()["items"]
    assert {m["payer"]["code"] for m in members} == {emp2["payer_code"]}
