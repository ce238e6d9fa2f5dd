"""Who may call the REST API (docs/api-security.md), over a real server on SQLite and PostgreSQL.

The portal's world (tests/portal/portal_world.py): Medan (12.71) and Kota Bekasi (32.75) are
served by different branches; Budi's family and Siti live in Medan, Joko in Bekasi; PT Medan
Sejahtera has an administrator; facility staff work at the Medan RSUD and the Medan puskesmas.
"""

from __future__ import annotations

import datetime as dt

import pytest
from portal.portal_world import PASSWORD, build_world
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from support.api_auth import api_client, ensure_user

from jkn.services.membership.common import jakarta_today
from jkn.services.portal import accounts
from jkn.store.care_tables import SepRow
from jkn.store.membership_tables import ParticipantRow
from jkn.store.portal_tables import AuditEventRow
from jkn.store.reference_tables import BranchRow

V1 = "/api/v1"


@pytest.fixture(scope="module")
def api(server, _prepared):
    _url, engine = _prepared(server.backend)
    world = build_world(engine)
    return server, world, engine


def as_user(server, world, key: str):
    return server.client(auth=(world.users[key], PASSWORD))


def family_of(engine, card: str) -> int:
    with Session(engine) as s:
        return s.scalar(select(ParticipantRow.family_id).where(ParticipantRow.card_number == card))


def challenged(r) -> bool:
    return r.status_code == 401 and r.headers.get("www-authenticate", "").lower().startswith("basic")


def test_every_router_answers_401_with_a_basic_challenge_without_credentials(api):
    server, w, _engine = api
    today = jakarta_today().isoformat()
    requests = [
        ("GET", f"{V1}/participants/{w.medan_card}", None),  # membership
        ("GET", f"{V1}/participants/{w.medan_card}/card.pdf", None),
        ("GET", f"{V1}/families/1", None),
        ("POST", f"{V1}/participants/{w.medan_card}/changes", {"kind": "FKTP", "effective_date": today}),
        ("GET", f"{V1}/employers", None),  # employers
        ("GET", f"{V1}/employers/{w.employer_code}/employees", None),
        ("GET", f"{V1}/imports/1", None),  # collective import
        ("GET", f"{V1}/bills", None),  # billing
        ("POST", f"{V1}/payments", {"reference": "X-1", "payer_code": "F1", "amount": 1, "paid_on": today}),
        ("GET", f"{V1}/payers/F1/statement", None),
        ("GET", f"{V1}/eligibility/{w.medan_card}", None),  # care
        ("POST", f"{V1}/seps", {"card_number": w.medan_card, "sep_date": today, "facility_code": w.fktp["FKRTL"][0],
                                "service_type": "2", "diagnosis": "E11"}),
        ("GET", f"{V1}/seps/0000R0000000V000001/letter.pdf", None),
        ("POST", f"{V1}/facilities", {"name": "X", "facility_type": "RSUD", "kabkota_code": "12.71"}),
        ("GET", f"{V1}/visits", None),
        ("GET", f"{V1}/complaints", None),  # complaints (already protected)
    ]
    with server.client() as anonymous:
        for method, path, body in requests:
            r = anonymous.request(method, path, json=body)
            assert challenged(r), (method, path, r.status_code, r.text)
            assert "set-cookie" not in r.headers, path  # no anonymous session is started for an API call
    with server.client(auth=(w.users["medan"], "not-the-password")) as wrong:
        assert challenged(wrong.get(f"{V1}/participants/{w.medan_card}"))
    with server.client(headers={"Authorization": "Basic %%%not-base64"}) as garbled:
        assert challenged(garbled.get(f"{V1}/participants/{w.medan_card}"))


def test_public_endpoints_still_answer_without_credentials(api):
    server, _w, _engine = api
    with server.client() as anonymous:
        for path in ("/health", f"{V1}/regions/12.71", f"{V1}/branches", f"{V1}/deputy-regions", f"{V1}/nik/3171014501900001",
                     f"{V1}/which-office?q=bekasi", f"{V1}/export/hierarchy.json", f"{V1}/ranks?q=Kapten", f"{V1}/segments",
                     f"{V1}/facility-types", f"{V1}/reference/poli", f"{V1}/reference/diagnoses?q=E11",
                     f"{V1}/facilities", f"{V1}/imports/template?format=csv", f"{V1}/complaints/channels"):
            r = anonymous.get(path)
            assert r.status_code == 200, (path, r.status_code, r.text)
        r = anonymous.post(f"{V1}/calculations/contribution",
                           json={"segment": "PBPU_MANDIRI", "as_of": "2014-06-01", "care_class": "II", "persons": 1})
        assert r.status_code == 200 and r.json()["total"] == 42_500, r.text
        r = anonymous.post(f"{V1}/registration/checklist", json={"head": {
            "nik": "1271011203850001", "name": "A", "segment": "PBPU_MANDIRI", "fktp_code": "X"}})
        assert r.status_code == 200, r.text


def test_openapi_shows_http_basic_on_protected_operations_only(api):
    server, _w, _engine = api
    with server.client() as anonymous:
        spec = anonymous.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBasic"] == {
        "type": "http", "scheme": "basic", "description": spec["components"]["securitySchemes"]["HTTPBasic"]["description"]}
    ops = {(m.upper(), p): op for p, item in spec["paths"].items() for m, op in item.items()}
    for key in [("GET", f"{V1}/participants/{{card_number}}"), ("POST", f"{V1}/families"),
                ("GET", f"{V1}/employers/{{code}}/employees"), ("POST", f"{V1}/imports"), ("GET", f"{V1}/bills"),
                ("POST", f"{V1}/payments"), ("POST", f"{V1}/seps"), ("GET", f"{V1}/seps/{{number}}/letter.pdf"),
                ("GET", f"{V1}/eligibility/{{card_number}}"), ("POST", f"{V1}/complaints")]:
        assert {"HTTPBasic": []} in ops[key].get("security", []), key
        assert "401" in ops[key]["responses"], key
    for key in [("GET", f"{V1}/regions"), ("POST", f"{V1}/calculations/contribution"), ("GET", f"{V1}/facility-types"),
                ("GET", f"{V1}/imports/template"), ("GET", "/health")]:
        assert not ops[key].get("security"), key


def test_branch_officer_sees_only_their_branch(api):
    server, w, engine = api
    with as_user(server, w, "bekasi") as bekasi:
        r = bekasi.get(f"{V1}/participants/{w.medan_card}")
        assert r.status_code == 403 and "wilayah kerja" in r.json()["detail"]
        assert w.medan_card not in r.text
        for path in (f"/participants/{w.medan_card}/history", f"/participants/{w.medan_card}/card.pdf",
                     f"/participants/{w.medan_card}/statement", f"/families/{family_of(engine, w.medan_card)}",
                     f"/employers/{w.employer_code}", f"/payers/F{family_of(engine, w.medan_card)}/statement"):
            assert bekasi.get(V1 + path).status_code == 403, path
        assert bekasi.get(f"{V1}/participants/{w.bekasi_card}").status_code == 200
        listed = bekasi.get(f"{V1}/participants", params={"limit": 500}).json()
        assert {p["card_number"] for p in listed["items"]} == {w.bekasi_card}
        assert bekasi.get(f"{V1}/participants", params={"q": w.medan_card}).json()["total"] == 0
        assert bekasi.get(f"{V1}/employers").json()["total"] == 0
        assert bekasi.get(f"{V1}/bills").status_code == 403  # every payer's bills: head office only
        today = jakarta_today().isoformat()
        r = bekasi.post(f"{V1}/participants/{w.medan_card}/changes", json={"kind": "CARD_LOST", "effective_date": today})
        assert r.status_code == 403
    with as_user(server, w, "medan") as medan:
        r = medan.get(f"{V1}/participants/{w.medan_card}")
        assert r.status_code == 200 and r.json()["card_number"] == w.medan_card
        assert medan.get(f"{V1}/participants/{w.bekasi_card}").status_code == 403
        assert medan.get(f"{V1}/employers/{w.employer_code}/employees").status_code == 200


def test_regional_manager_sees_their_deputy_region_and_head_office_everything(api):
    server, w, engine = api
    with Session(engine) as s:
        deputy = s.scalar(select(BranchRow.deputy_region_code).where(BranchRow.code == w.medan_branch))
    ensure_user(engine, "sumut.manager", accounts.REGIONAL_MANAGER, PASSWORD, deputy_region=deputy)
    with server.client(auth=("sumut.manager", PASSWORD)) as manager:
        assert manager.get(f"{V1}/participants/{w.medan_card}").status_code == 200
        assert manager.get(f"{V1}/participants/{w.bekasi_card}").status_code == 403
        r = manager.post(f"{V1}/participants/{w.medan_card}/changes",
                         json={"kind": "CARD_LOST", "effective_date": jakarta_today().isoformat()})
        assert r.status_code == 403 and r.json()["permission"] == ["participant.change"]  # reads, does not change
        assert "mengubah data peserta" in r.json()["detail"] and "participant.change" not in r.json()["detail"]
    with as_user(server, w, "head") as head:
        assert head.get(f"{V1}/participants/{w.bekasi_card}").status_code == 200
        assert head.get(f"{V1}/bills").status_code == 200


def test_participant_sees_their_family_and_not_another_familys_bills(api):
    server, w, engine = api
    own, other = family_of(engine, w.medan_card), family_of(engine, w.bekasi_card)
    with as_user(server, w, "budi") as budi:
        assert budi.get(f"{V1}/participants/{w.medan_spouse_card}").status_code == 200  # his wife
        assert budi.get(f"{V1}/families/{own}").status_code == 200
        assert budi.get(f"{V1}/payers/F{own}/statement").status_code == 200
        assert budi.get(f"{V1}/bills", params={"payer": f"F{own}"}).status_code == 200
        for path in (f"/payers/F{other}/statement", f"/payers/F{other}/payments", f"/families/{other}/statement",
                     f"/participants/{w.bekasi_card}/statement", f"/participants/{w.siti_card}"):
            r = budi.get(V1 + path)
            assert r.status_code == 403, (path, r.text)
        r = budi.get(f"{V1}/bills", params={"payer": f"F{other}"})
        assert r.status_code == 403 and "bukan keluarga Anda" in r.json()["detail"]
        assert budi.get(f"{V1}/bills").status_code == 403
        listed = budi.get(f"{V1}/participants").json()
        assert {p["card_number"] for p in listed["items"]} == {w.medan_card, w.medan_spouse_card}
        for card in (w.medan_card, w.medan_spouse_card):  # the family's own cards (issue #15)
            r = budi.get(f"{V1}/participants/{card}/card.pdf")
            assert r.status_code == 200 and r.content[:4] == b"%PDF"
        assert budi.get(f"{V1}/participants/{w.bekasi_card}/card.pdf").status_code == 403
        assert budi.post(f"{V1}/payments", json={"reference": "SELF-1", "payer_code": f"F{own}", "amount": 1000,
                                                 "paid_on": jakarta_today().isoformat()}).status_code == 403
        r = budi.post(f"{V1}/participants/{w.medan_spouse_card}/changes",
                      json={"kind": "FKTP", "effective_date": jakarta_today().isoformat(), "fktp_code": w.fktp["FKTP"][1]})
        assert r.status_code == 403 and "pindah FKTP sendiri" in r.json()["detail"]


def test_employer_admin_sees_their_company_only(api):
    server, w, _engine = api
    with as_user(server, w, "pt") as pt:
        r = pt.get(f"{V1}/employers")
        assert r.status_code == 200 and [e["code"] for e in r.json()["items"]] == [w.employer_code]
        assert pt.get(f"{V1}/employers/{w.employer_code}/employees").status_code == 200
        assert pt.get(f"{V1}/employers/{w.employer_code}/statement").status_code == 200
        assert pt.get(f"{V1}/payers/E{w.employer_code}/statement").status_code == 200
        assert pt.get(f"{V1}/participants/{w.medan_card}").status_code == 403  # not an employee
        assert pt.get(f"{V1}/payers/F{1}/statement").status_code in (403, 404)
        r = pt.post(f"{V1}/imports", data={"employer_code": "99999999"},
                    files={"file": ("staff.csv", b"nik,nama\n", "text/csv")})
        assert r.status_code == 403 and "perusahaannya sendiri" in r.json()["detail"]
        r = pt.patch(f"{V1}/employers/{w.employer_code}", json={"version": 1, "name": "PT Lain"})
        assert r.status_code == 403


def test_facility_staff_act_for_their_own_facility_only(api):
    server, w, engine = api
    rsud_medan, rsud_bekasi = w.fktp["FKRTL"]
    puskesmas = w.fktp["FKTP"][0]
    today = jakarta_today().isoformat()
    with as_user(server, w, "puskesmas") as pk:
        assert pk.get(f"{V1}/eligibility/{w.bekasi_card}").status_code == 200  # the desk checks any card
        assert pk.get(f"{V1}/participants/{w.medan_card}").status_code == 403  # but reads no registry record
        r = pk.post(f"{V1}/referrals", json={"card_number": w.medan_card, "from_facility": puskesmas,
                                             "to_facility": rsud_medan, "referral_date": today, "diagnosis": "E11",
                                             "poli": "INT", "created_by": "someone else"})
        assert r.status_code == 201, r.text
        referral = r.json()["number"]
        r = pk.post(f"{V1}/referrals", json={"card_number": w.bekasi_card, "from_facility": w.fktp["FKTP"][2],
                                             "to_facility": rsud_bekasi, "referral_date": today, "diagnosis": "E11"})
        assert r.status_code == 403
    with Session(engine) as s:
        seps_before = s.scalar(select(func.count()).select_from(SepRow))
    sep_body = {"card_number": w.medan_card, "sep_date": today, "service_type": "2", "diagnosis": "E11", "poli": "INT",
                "referral_number": referral}
    with as_user(server, w, "rs") as rs:
        r = rs.post(f"{V1}/seps", json={**sep_body, "facility_code": rsud_bekasi})
        assert r.status_code == 403 and "faskes Anda sendiri" in r.json()["detail"]
        with Session(engine) as s:
            assert s.scalar(select(func.count()).select_from(SepRow)) == seps_before  # nothing written
        r = rs.post(f"{V1}/seps", json={**sep_body, "facility_code": rsud_medan})
        assert r.status_code == 201, r.text
        sep = r.json()
        assert sep["created_by"] == w.users["rs"]
        assert rs.get(f"{V1}/seps/{sep['number']}/letter.pdf").status_code == 200
        assert rs.get(f"{V1}/facilities/{rsud_bekasi}/seps", params={"date": today}).status_code == 403
        assert rs.get(f"{V1}/visits", params={"facility_code": puskesmas}).status_code == 403
    with as_user(server, w, "puskesmas") as pk:
        assert pk.get(f"{V1}/seps/{sep['number']}").status_code == 403  # issued by the hospital
        assert pk.get(f"{V1}/referrals/{referral}").status_code == 200
        assert pk.delete(f"{V1}/seps/{sep['number']}").status_code == 403
    with as_user(server, w, "bekasi") as bekasi:
        assert bekasi.get(f"{V1}/seps/{sep['number']}").status_code == 403
    with as_user(server, w, "medan") as medan:
        assert medan.get(f"{V1}/seps/{sep['number']}").status_code == 200
    with as_user(server, w, "budi") as budi:
        assert budi.get(f"{V1}/seps/{sep['number']}/letter.pdf").status_code == 200  # his own SEP
    with as_user(server, w, "joko") as joko:
        assert joko.get(f"{V1}/seps/{sep['number']}").status_code == 403
    with as_user(server, w, "pt") as pt:  # an employer does not see an employee's diagnoses
        assert pt.get(f"{V1}/participants/{w.medan_card}/seps",
                      params={"date_from": today, "date_to": today}).status_code == 403
    with Session(engine) as s:
        issued = s.scalars(select(AuditEventRow).where(AuditEventRow.action == "sep.issue",
                                                       AuditEventRow.object_id == sep["number"])).one()
        assert issued.actor == w.users["rs"] and issued.role == accounts.FACILITY_STAFF


def test_writes_are_recorded_as_the_caller(api):
    server, w, engine = api
    with as_user(server, w, "medan") as medan:
        r = medan.post(f"{V1}/participants/{w.siti_card}/changes",
                       json={"kind": "CARD_LOST", "effective_date": jakarta_today().isoformat(),
                             "documents_shown": ["FPDP", "POLICE_REPORT"]},
                       headers={"X-Actor": "somebody-else"})
        if r.status_code == 422:  # the documents the rules want for a lost card
            docs = medan.get(f"{V1}/changes/checklist", params={"kind": "CARD_LOST", "card_number": w.siti_card}).json()
            r = medan.post(f"{V1}/participants/{w.siti_card}/changes",
                           json={"kind": "CARD_LOST", "effective_date": jakarta_today().isoformat(),
                                 "documents_shown": [i["code"] for i in docs["items"] if i["required"]]})
        assert r.status_code == 201, r.text
        assert r.json()["actor"] == w.users["medan"]
        changes = medan.get(f"{V1}/participants/{w.siti_card}/changes").json()
        assert changes[-1]["actor"] == w.users["medan"]
    with Session(engine) as s:
        row = s.scalars(select(AuditEventRow).where(AuditEventRow.action == "participant.change.card_lost",
                                                    AuditEventRow.object_id == w.siti_card)).one()
        assert row.actor == w.users["medan"] and row.branch_code == w.medan_branch


def test_cookie_session_needs_the_csrf_token_on_writes(api):
    server, w, _engine = api
    with server.client() as browser:
        token = browser.get("/masuk").text.split('name="csrf_token" value="')[1].split('"')[0]
        r = browser.post("/masuk", data={"username": w.users["medan"], "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 303
        assert browser.get(f"{V1}/participants/{w.medan_card}").status_code == 200
        body = {"kind": "CARD_LOST", "effective_date": jakarta_today().isoformat()}
        r = browser.post(f"{V1}/participants/{w.medan_card}/changes", json=body)
        assert r.status_code == 403 and "CSRF" in r.json()["detail"]
        assert browser.get(f"{V1}/participants/{w.bekasi_card}").status_code == 403


def test_admin_helper_and_consumer_management_token(api):
    server, w, engine = api
    with api_client(server, engine) as admin:
        assert admin.get(f"{V1}/participants/{w.bekasi_card}").status_code == 200
        r = admin.get(f"{V1}/vclaim-consumers")  # the admin role does not replace JKN_ADMIN_TOKEN
        assert r.status_code == 403 and "JKN_ADMIN_TOKEN" in r.json()["detail"]
    last_week = (jakarta_today() - dt.timedelta(days=7)).isoformat()
    with server.client() as anonymous:
        assert challenged(anonymous.get(f"{V1}/participants/{w.medan_card}/seps",
                                        params={"date_from": last_week, "date_to": last_week}))


def test_the_api_does_not_import_the_web_pages():
    import subprocess
    import sys

    code = ("import sys, jkn.api.security, jkn.api.v1; "
            "print(sorted(m for m in sys.modules if m.startswith('jkn.web')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
