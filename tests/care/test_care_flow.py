"""Care flow over /api/v1 on a real server (SQLite and PostgreSQL): facilities and staff, first-level
visits at the registered FKTP, emergencies elsewhere and the transfer once stable, ambulance
trips, SEPs with the printable letter; and the `jkn care` CLI. Guide: FASILITAS KESEHATAN BAGI
PESERTA, TATA CARA MENDAPATKAN PELAYANAN KESEHATAN, PELAYANAN KESEHATAN YANG (TIDAK) DIJAMIN."""

from __future__ import annotations

import datetime as dt
import json

from support.care_world import count
from typer.testing import CliRunner

from jkn.cli import app as cli
from jkn.store.care_tables import AmbulanceTripRow, EmergencyCaseRow, VisitRow


def test_facility_types_come_from_the_guide(care):
    http, _w, _e = care
    types = http.get("/api/v1/facility-types").json()
    by_level = {lvl: [t for t in types if t["level"] == lvl] for lvl in ("FKTP", "FKRTL", "PENUNJANG")}
    assert len(by_level["FKTP"]) == 21 and len(by_level["FKRTL"]) == 21 and len(by_level["PENUNJANG"]) == 4
    assert all("FASILITAS KESEHATAN BAGI PESERTA" in t["source"] for t in types)
    assert {t["code"] for t in by_level["PENUNJANG"]} == {"LABORATORIUM", "APOTEK", "UNIT_TRANSFUSI_DARAH", "OPTIK"}
    assert all(t["default_partnership"] == "NETWORK" for t in by_level["PENUNJANG"])


def test_register_facilities_and_staff(care):
    http, w, _e = care
    r = http.post("/api/v1/facilities", json={"name": "Apotek Sehat", "facility_type": "APOTEK",
                                              "kabkota_code": "32.73", "network_of": w.fktp})
    assert r.status_code == 201, r.text
    f = r.json()
    assert f["partnership"] == "NETWORK" and f["network_of"] == w.fktp and f["code"].startswith("3273P")
    assert f["branch"]["code"] and f["kabkota"]["name"] == "KOTA BANDUNG"
    bad = [({"facility_type": "APOTEK"}, "jejaring"),  # a pharmacy must name its partner
           ({"facility_type": "APOTEK", "partnership": "PARTNER", "network_of": w.fktp}, "faskes penunjang"),
           ({"facility_type": "RSUD", "partnership": "NETWORK"}, "Hanya faskes penunjang"),
           ({"facility_type": "RSUD", "network_of": w.fktp}, "network_of"),
           ({"facility_type": "APOTEK", "network_of": w.rs_non_partner}, "bukan FKTP/FKRTL mitra"),
           ({"facility_type": "NO_SUCH_TYPE"}, "Jenis faskes 'NO_SUCH_TYPE' tidak dikenal")]
    for extra, words in bad:
        r = http.post("/api/v1/facilities", json={"name": "X", "kabkota_code": "32.73", **extra})
        assert r.status_code == 422 and words in r.json()["detail"], (extra, r.text)
    r = http.post("/api/v1/facilities", json={"name": "X", "facility_type": "RSUD", "kabkota_code": "99.99"})
    assert r.status_code == 404
    r = http.post("/api/v1/facilities", json={"name": "X", "facility_type": "RSUD", "kabkota_code": "32.73",
                                              "code": w.rsud})
    assert r.status_code == 409
    r = http.post(f"/api/v1/facilities/{w.rsud}/staff", json={"name": "dr. Ani, Sp.PD", "role": "SPECIALIST",
                                                                 "registration_number": "31574", "poli_code": "INT"})
    assert r.status_code == 201 and r.json()["poli"] == "INT"
    assert http.post(f"/api/v1/facilities/{w.rsud}/staff", json={"name": "x", "role": "WIZARD"}).status_code == 422
    got = http.get(f"/api/v1/facilities/{w.rsud}").json()
    assert got["staff"][0]["name"] == "dr. Ani, Sp.PD" and got["type"]["code"] == "RSUD"
    fktps = http.get("/api/v1/facilities", params={"level": "FKTP", "branch_code": f["branch"]["code"]}).json()
    assert {x["code"] for x in fktps} >= {w.fktp, w.fktp2}


def test_visits_only_at_the_registered_fktp_unless_emergency(care):
    http, w, engine = care
    before = count(engine, VisitRow)
    ok = http.post("/api/v1/visits", json={"card_number": w.active, "facility_code": w.fktp,
                                           "visit_date": str(w.today), "diagnosis": "J06"})
    assert ok.status_code == 201, ok.text
    assert any("Tata Cara" in s["source"] for s in ok.json()["explanation"])
    elsewhere = http.post("/api/v1/visits", json={"card_number": w.active, "facility_code": w.fktp2,
                                                  "visit_date": str(w.today)})
    assert elsewhere.status_code == 422 and elsewhere.json()["rule"] == "NOT_REGISTERED_FKTP"
    assert elsewhere.json()["detail"] == (
        f"Tidak dijamin: peserta {w.active} terdaftar di FKTP {w.fktp}, bukan {w.fktp2}; pelayanan tingkat pertama "
        "diperoleh di FKTP tempat peserta terdaftar, kecuali gawat darurat.")
    decided = elsewhere.json()["explanation"][0]
    assert decided["decisive"] and decided["source"] == "guide:Tata Cara Mendapatkan Pelayanan Kesehatan:1"
    emergency = http.post("/api/v1/visits", json={"card_number": w.active, "facility_code": w.fktp2,
                                                  "visit_date": str(w.today), "emergency": True})
    assert emergency.status_code == 201 and emergency.json()["emergency"] is True
    susp = http.post("/api/v1/visits", json={"card_number": w.suspended, "facility_code": w.fktp,
                                             "visit_date": str(w.today)})
    assert susp.status_code == 422 and susp.json()["rule"] == "SUSPENDED"
    at_hospital = http.post("/api/v1/visits", json={"card_number": w.active, "facility_code": w.rsud,
                                                    "visit_date": str(w.today)})
    assert at_hospital.status_code == 422 and "SEP" in at_hospital.json()["detail"]
    unknown = http.post("/api/v1/visits", json={"card_number": "0009999999999", "facility_code": w.fktp,
                                                "visit_date": str(w.today)})
    assert unknown.status_code == 404
    assert count(engine, VisitRow) == before + 2
    listed = http.get("/api/v1/visits", params={"card_number": w.active}).json()
    assert [v["facility_code"] for v in listed] == [w.fktp, w.fktp2]


def test_emergency_at_non_partner_then_transfer_once_stable(care):
    http, w, engine = care
    r = http.post("/api/v1/emergencies", json={"card_number": w.other, "facility_code": w.rs_non_partner,
                                               "admitted_on": str(w.today), "diagnosis": "I21"})
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["transfer_pending"] and case["facility"]["partnership"] == "NON_PARTNER"
    assert any("3.c" in s["source"] for s in case["explanation"])
    pending = http.get("/api/v1/emergencies", params={"pending": True}).json()
    assert case["id"] in [c["id"] for c in pending]
    tomorrow = str(w.today + dt.timedelta(days=1))
    # not to a supporting facility, not before the patient is stable, not to a non-partner
    partner = "Pasien tidak dapat dirujuk: Tujuan rujukan harus faskes yang bekerja sama dengan BPJS Kesehatan."
    for body, words in (({"to_facility": w.lab}, partner), ({"to_facility": w.rs_non_partner}, partner),
                        ({"to_facility": w.rsud, "stabilised_on": str(w.today - dt.timedelta(days=1))},
                         "Pasien tidak dapat dirujuk: Urutan tanggal tidak sesuai: masuk ")):
        payload = {"stabilised_on": tomorrow, "transferred_on": tomorrow, **body}
        t = http.post(f"/api/v1/emergencies/{case['id']}/transfer", json=payload)
        assert t.status_code == 422 and t.json()["detail"].startswith(words), t.text
        decided = t.json()["explanation"][0]
        assert decided["decisive"] and decided["source"] == "guide:Tata Cara Mendapatkan Pelayanan Kesehatan:3.c"
    # an ambulance that is not saving a life is not paid: the transfer is refused as a whole
    t = http.post(f"/api/v1/emergencies/{case['id']}/transfer", json={
        "to_facility": w.rsud, "stabilised_on": tomorrow, "transferred_on": tomorrow, "by_ambulance": True})
    assert t.status_code == 422 and t.json()["rule"] == "AMBULANCE_NOT_LIFE_SAVING_TRANSFER"
    assert count(engine, AmbulanceTripRow) == 0
    t = http.post(f"/api/v1/emergencies/{case['id']}/transfer", json={
        "to_facility": w.rsud, "stabilised_on": tomorrow, "transferred_on": tomorrow, "by_ambulance": True,
        "life_saving": True})
    assert t.status_code == 200, t.text
    assert t.json()["transfer_to"] == w.rsud and not t.json()["transfer_pending"]
    assert count(engine, AmbulanceTripRow) == 1
    again = http.post(f"/api/v1/emergencies/{case['id']}/transfer", json={
        "to_facility": w.rsud, "stabilised_on": tomorrow, "transferred_on": tomorrow})
    assert again.status_code == 422
    assert count(engine, EmergencyCaseRow) >= 1


def test_ambulance_trips(care):
    http, w, engine = care
    before = count(engine, AmbulanceTripRow)
    home = http.post("/api/v1/ambulance-trips", json={"card_number": w.active, "from_facility": w.fktp,
                                                      "to_facility": w.fktp, "trip_date": str(w.today),
                                                      "life_saving": True})
    assert home.status_code == 422 and home.json()["detail"] == (
        "Tidak dijamin: ambulan hanya untuk pasien rujukan antar-faskes dengan tujuan menyelamatkan nyawa pasien.")
    assert home.json()["explanation"][0]["source"] == "guide:Pelayanan Kesehatan yang Dijamin:4"
    routine = http.post("/api/v1/ambulance-trips", json={"card_number": w.active, "from_facility": w.fktp,
                                                         "to_facility": w.rsud, "trip_date": str(w.today),
                                                         "life_saving": False})
    assert routine.status_code == 422 and routine.json()["rule"] == "AMBULANCE_NOT_LIFE_SAVING_TRANSFER"
    ok = http.post("/api/v1/ambulance-trips", json={"card_number": w.active, "from_facility": w.fktp,
                                                    "to_facility": w.rsud, "trip_date": str(w.today),
                                                    "life_saving": True})
    assert ok.status_code == 201
    assert count(engine, AmbulanceTripRow) == before + 1


def test_rest_referral_sep_and_printable_letter(care):
    http, w, _e = care
    r = http.post("/api/v1/referrals", json={"card_number": w.active, "from_facility": w.fktp, "to_facility": w.rsud,
                                             "referral_date": str(w.today), "diagnosis": "E11", "poli": "INT"})
    assert r.status_code == 201, r.text
    ref = r.json()
    assert ref["valid_until"] == str(w.today + dt.timedelta(days=90))
    assert any("A-C01" in s["source"] for s in ref["explanation"])
    bad = http.post("/api/v1/referrals", json={"card_number": w.active, "from_facility": w.fktp, "to_facility": w.fktp2,
                                               "referral_date": str(w.today), "diagnosis": "E11", "poli": "INT"})
    assert bad.status_code == 422 and bad.json()["rule"] == "REFERRAL_ROUTE"
    s = http.post("/api/v1/seps", json={"card_number": w.active, "sep_date": str(w.today), "facility_code": w.rsud,
                                        "service_type": "2", "diagnosis": "E11", "poli": "INT",
                                        "referral_number": ref["number"]})
    assert s.status_code == 201, s.text
    sep = s.json()
    assert sep["class_entitled"] == "II" and len(sep["number"]) == 19
    assert any("Manfaat Akomodasi" in x["source"] for x in sep["explanation"])
    pdf = http.get(f"/api/v1/seps/{sep['number']}/letter.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 1500
    assert http.get("/api/v1/seps/3273R0011126V999999/letter.pdf").status_code == 404
    upd = http.patch(f"/api/v1/seps/{sep['number']}", json={"notes": "kontrol gula darah", "user": "desk"})
    assert upd.status_code == 200 and upd.json()["notes"] == "kontrol gula darah"
    abroad = http.post("/api/v1/seps", json={"card_number": w.active, "sep_date": str(w.today),
                                             "facility_code": w.rsud, "service_type": "2", "diagnosis": "E11",
                                             "poli": "MAT", "referral_number": ref["number"], "excluded": ["ABROAD"]})
    assert abroad.status_code == 422 and abroad.json()["rule"] == "ABROAD"
    elig = http.get(f"/api/v1/eligibility/{w.suspended}").json()
    assert elig["active"] is False and "PENGHENTIAN SEMENTARA" in elig["status"]
    # an accident SEP needs its accident's date; with it, the details are kept (A-V47)
    accident = {"card_number": w.active, "sep_date": str(w.today), "facility_code": w.rsud, "service_type": "2",
                "diagnosis": "S72", "poli": "BED", "referral_number": ref["number"], "accident": "1"}
    no_date = http.post("/api/v1/seps", json=accident)
    assert no_date.status_code == 422 and "tglKejadian" in no_date.text
    kept = http.post("/api/v1/seps", json={**accident, "accident_details": {
        "accident_date": str(w.today), "note": "tabrakan", "province": "32", "regency": "3273"}})
    assert kept.status_code == 201, kept.text
    assert kept.json()["accident_details"]["accident_date"] == str(w.today)
    assert kept.json()["accident_details"]["regency_code"] == "3273"


MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def test_no_sep_before_the_first_contribution_is_paid(care):
    """Issue #9: registered yesterday, nothing paid: not a participant "yang telah membayar iuran"
    (PESERTA JAMINAN KESEHATAN) — not even an emergency SEP; the first payment opens it."""
    http, w, engine = care
    from sqlalchemy.orm import Session
    from support.care_world import _register
    from support.first_payment import pay_first_contribution

    with Session(engine) as s:
        card = _register(s, "3273016508920005", "NINA BARU", w.fktp, "III", w.today - dt.timedelta(days=1))
    elig = http.get(f"/api/v1/eligibility/{card}").json()
    assert elig["active"] is False and elig["status"] == "NON AKTIF: terdaftar, belum membayar iuran pertama"
    sep = {"card_number": card, "sep_date": str(w.today), "facility_code": w.rsud, "service_type": "2",
           "diagnosis": "I21", "poli": "IGD", "emergency": True}
    refused = http.post("/api/v1/seps", json=sep)
    assert refused.status_code == 422 and refused.json()["rule"] == "NOT_YET_PAID"
    assert refused.json()["detail"] == (f"SEP tidak dapat diterbitkan: kepesertaan {card} pada "
                                        f"{w.today.day} {MONTHS[w.today.month - 1]} {w.today.year} berstatus "
                                        "NON AKTIF: terdaftar, belum membayar iuran pertama.")
    decided = refused.json()["explanation"][0]
    assert decided["decisive"] and decided["source"] == "guide:Peserta Jaminan Kesehatan"
    with Session(engine) as s:
        pay_first_contribution(s, card, w.today)
    assert http.post("/api/v1/seps", json=sep).status_code == 201


def test_consumer_management_over_http_is_closed_without_admin_token(care):
    http, w, _e = care
    r = http.post(f"/api/v1/facilities/{w.rsud}/vclaim-consumers", json={})
    assert r.status_code == 403 and "JKN_ADMIN_TOKEN" in r.json()["detail"]
    assert http.get("/api/v1/vclaim-consumers").status_code == 403


def test_cli_facilities_consumers_and_sep_letter(tmp_path, monkeypatch):
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    run = CliRunner().invoke
    r = run(cli, ["care", "facility", "types", "--level", "PENUNJANG", "--json"])
    assert r.exit_code == 0 and len(json.loads(r.stdout)) == 4
    r = run(cli, ["care", "facility", "add", "--name", "RSUD CIMAHI", "--type", "RSUD", "--kabkota", "32.77",
                  "--db", db, "--json"])
    assert r.exit_code == 0, r.output
    code = json.loads(r.stdout)["code"]
    r = run(cli, ["care", "consumer", "create", code, "--db", db, "--json"])
    assert r.exit_code == 0, r.output
    cred = json.loads(r.stdout)
    assert cred["secret"] and cred["user_key"] and cred["api_version"] == "2.0"
    r = run(cli, ["care", "consumer", "list", "--db", db])
    assert cred["cons_id"] in r.stdout and cred["secret"] not in r.stdout
    r = run(cli, ["care", "consumer", "revoke", cred["cons_id"], "--db", db])
    assert r.exit_code == 0 and '"active": false' in r.stdout
    r = run(cli, ["care", "facility", "add", "--name", "X", "--type", "APOTEK", "--kabkota", "32.77", "--db", db])
    assert r.exit_code == 2 and "jejaring" in r.output
    r = run(cli, ["care", "sep-letter", "3277R0011126V000001", "--db", db, "-o", str(tmp_path / "x.pdf")])
    assert r.exit_code == 2 and "Tidak ada SEP" in r.output


def test_care_explanations_are_read_in_the_callers_language(care):
    """Issue 11: the steps of a care answer in Accept-Language (Indonesian by default), the deciding one first,
    each naming its text; the machine source id is the same in both languages."""
    http, w, _engine = care
    body = {"card_number": w.active, "facility_code": w.fktp, "visit_date": str(w.today), "diagnosis": "J06"}
    seen = {}
    for lang, covered, guide in (("id", "Dijamin: ", "Panduan Peserta, "), ("en", "Covered: ", "Participant Guide, ")):
        out = http.post("/api/v1/visits", json=body, headers={"Accept-Language": lang})
        assert out.status_code == 201, out.text
        first = out.json()["explanation"][0]
        assert first["decisive"] and first["text"].startswith(covered), first
        assert first["source_name"].startswith(guide) and "msg" not in first
        seen[lang] = [s["source"] for s in out.json()["explanation"]]
    assert seen["id"] == seen["en"]
