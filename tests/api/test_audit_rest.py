"""Every REST write leaves exactly one audit row naming who authenticated (issue #10, item 7), over a
real server on SQLite and PostgreSQL.

The operations are read from the OpenAPI document: each non-GET operation is either a write
listed in ``WRITES`` (and exercised below) or a computation listed in ``PURE``; a new operation in
neither list fails :func:`test_every_non_get_operation_is_a_listed_write_or_pure`, so a new door
cannot go unaudited. World: tests/portal/portal_world.py (Medan and Bekasi branches, a user of
every role, demo facilities).
"""

from __future__ import annotations

import datetime as dt

import pytest
from membership.membership_helpers import nik
from portal.portal_world import PASSWORD, build_world, staff_csv
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.audit_trail import audited_once, not_audited

from jkn.services.membership.common import jakarta_today
from jkn.services.portal import accounts
from jkn.store.care_tables import SepRow
from jkn.store.membership_tables import ParticipantRow

V1 = "/api/v1"
TOKEN = "audit-trail-admin-token"
LOOPBACK = "127.0.0.1"
NEW = "the facility registered by the request"

#: every non-GET operation of /api/v1 that writes, with the action of its audit row
WRITES = {
    ("POST", f"{V1}/complaints"): "complaint.file",
    ("POST", f"{V1}/complaints/{{number}}/assign"): "complaint.assign",
    ("POST", f"{V1}/complaints/{{number}}/answer"): "complaint.answer",
    ("POST", f"{V1}/complaints/{{number}}/reopen"): "complaint.reopen",
    ("POST", f"{V1}/complaints/{{number}}/close"): "complaint.close",
    ("POST", f"{V1}/facilities"): "facility.register",
    ("POST", f"{V1}/facilities/{{code}}/staff"): "facility.staff.add",
    ("POST", f"{V1}/facilities/{{code}}/vclaim-consumers"): "vclaim_consumer.create",
    ("POST", f"{V1}/vclaim-consumers/{{cons_id}}/rotate"): "vclaim_consumer.rotate",
    ("DELETE", f"{V1}/vclaim-consumers/{{cons_id}}"): "vclaim_consumer.revoke",
    ("POST", f"{V1}/visits"): "visit.record",
    ("POST", f"{V1}/referrals"): "referral.issue",
    ("DELETE", f"{V1}/referrals/{{number}}"): "referral.delete",
    ("POST", f"{V1}/seps"): "sep.issue",
    ("PATCH", f"{V1}/seps/{{number}}"): "sep.update",
    ("DELETE", f"{V1}/seps/{{number}}"): "sep.delete",
    ("POST", f"{V1}/seps/{{number}}/discharge"): "sep.discharge",
    ("POST", f"{V1}/control-letters"): "control_letter.issue",
    ("DELETE", f"{V1}/control-letters/{{number}}"): "control_letter.delete",
    ("POST", f"{V1}/spri"): "spri.issue",
    ("POST", f"{V1}/emergencies"): "emergency.record",
    ("POST", f"{V1}/emergencies/{{case_id}}/transfer"): "emergency.transfer",
    ("POST", f"{V1}/ambulance-trips"): "ambulance.record",
    ("POST", f"{V1}/participants"): "participant.register",
    ("POST", f"{V1}/families"): "participant.register",
    ("POST", f"{V1}/participants/{{card_number}}/changes"): "participant.change.address",
    ("POST", f"{V1}/employers"): "employer.register",
    ("PATCH", f"{V1}/employers/{{code}}"): "employer.update",
    ("POST", f"{V1}/employers/{{code}}/employees/{{card_number}}/leaving"): "participant.change.leaver",
    ("POST", f"{V1}/employers/{{code}}/employees/{{card_number}}/transfer"): "participant.change.employer",
    ("POST", f"{V1}/imports"): "employer.upload",
    ("POST", f"{V1}/billing/runs"): "billing.run",
    ("POST", f"{V1}/payments"): "payment.record",
}
#: non-GET operations that compute an answer and write nothing
PURE = {
    ("POST", f"{V1}/calculations/contribution"): {"segment": "PBPU_MANDIRI", "as_of": "2014-06-01", "care_class": "II"},
    ("POST", f"{V1}/calculations/care-class"): {"segment": "PPU_TNI", "as_of": "2014-06-01", "rank": "Kapten"},
    ("POST", f"{V1}/calculations/penalty"): {"segment": "PBPU_MANDIRI", "as_of": "2014-08-15",
                                             "unpaid": [{"month": "2014-05", "amount": 42500}]},
    ("POST", f"{V1}/policy/compare"): {"from": "2019-12-01", "to": "2020-01-01"},
    ("POST", f"{V1}/registration/checklist"): {"head": {"nik": "1271011203850001", "name": "A",
                                                         "segment": "PBPU_MANDIRI", "fktp_code": "X"}},
}


@pytest.fixture(scope="module")
def api(server, _prepared):
    _url, engine = _prepared(server.backend)
    return server, build_world(engine), engine


class Doors:
    """Calls the REST API as a user of the world (or the admin-token holder) and checks the one
    audit row each write leaves: the caller, their role, the branch and facility, the client."""

    def __init__(self, server, world, engine):
        self.server, self.world, self.engine = server, world, engine
        self.clients: dict[str, object] = {}
        self.done: set[tuple[str, str]] = set()

    def client(self, who: str):
        if who not in self.clients:
            self.clients[who] = self.server.client(auth=(self.world.users[who], PASSWORD))
        return self.clients[who]

    def write(self, who: str, method: str, template: str, expect: int, *, branch: str | None,
              facility: str | None = None, action: str | None = None, **request) -> dict:
        params = request.pop("params", {})
        if "query" in request:  # the query string (``params`` fills the path's template)
            request["params"] = request.pop("query")
        if who == "token":
            client, actor, role = self.server.client(), "admin-token", "ADMIN_TOKEN"
            request["headers"] = {"X-JKN-Admin-Token": TOKEN}
        else:
            client, actor = self.client(who), self.world.users[who]
            role = {"admin": accounts.ADMIN, "medan": accounts.BRANCH_OFFICER, "budi": accounts.PARTICIPANT,
                    "pt": accounts.EMPLOYER_ADMIN, "rs": accounts.FACILITY_STAFF,
                    "puskesmas": accounts.FACILITY_STAFF}[who]
        with audited_once(self.engine, action=action or WRITES[(method, template)], actor=actor, role=role,
                          branch_code=branch, facility_code=facility, client=LOOPBACK) as row:
            r = client.request(method, template.format(**params), **request)
            assert r.status_code == expect, (method, template, r.status_code, r.text)
            if facility == NEW:
                row["facility_code"] = r.json()["code"]
        self.done.add((method, template))
        return r.json()

    def close(self) -> None:
        for c in self.clients.values():
            c.close()


def test_every_non_get_operation_is_a_listed_write_or_pure(api):
    server, _w, _engine = api
    with server.client() as anonymous:
        spec = anonymous.get("/openapi.json").json()
    operations = {(m.upper(), p) for p, item in spec["paths"].items() for m in item if m != "get" and p.startswith(V1)}
    assert operations == set(WRITES) | set(PURE)


def test_computations_write_nothing(api):
    server, world, engine = api
    with server.client() as anonymous, server.client(auth=(world.users["admin"], PASSWORD)) as admin:
        for (method, path), body in PURE.items():
            with not_audited(engine):  # the policy what-if is for head office and admins only
                r = (admin if path.endswith("/policy/compare") else anonymous).request(method, path, json=body)
                assert r.status_code == 200, (path, r.text)


def _checklist_codes(client, kind: str, card: str) -> list[str]:
    r = client.get(f"{V1}/changes/checklist", params={"kind": kind, "card_number": card})
    assert r.status_code == 200, r.text
    return [i["code"] for i in r.json()["items"]]


def _with_documents(client, body: dict) -> dict:
    r = client.post(f"{V1}/registration/checklist", json=body)
    assert r.status_code == 200, r.text
    return {**body, "documents_shown": [i["code"] for i in r.json()["items"]]}


def test_every_rest_write_leaves_one_audit_row_naming_the_caller(api, monkeypatch):
    server, w, engine = api
    monkeypatch.setenv("JKN_ADMIN_TOKEN", TOKEN)
    doors = Doors(server, w, engine)
    medan, rsud, puskesmas = w.medan_branch, w.fktp["FKRTL"][0], w.fktp["FKTP"][0]
    today, tomorrow = jakarta_today(), jakarta_today() + dt.timedelta(days=1)
    try:
        # complaints: filed and handled by the branch, reopened and closed by the participant
        c = doors.write("medan", "POST", f"{V1}/complaints", 201, branch=medan,
                        json={"channel": "BRANCH_OFFICE", "subject": "Antrean", "description": "Tiga jam.",
                              "participant": w.medan_card})
        number = {"number": c["number"]}
        doors.write("medan", "POST", f"{V1}/complaints/{{number}}/assign", 200, branch=medan, params=number, json={})
        doors.write("medan", "POST", f"{V1}/complaints/{{number}}/answer", 200, branch=medan, params=number,
                    json={"answer": "Sudah ditegur."})
        doors.write("budi", "POST", f"{V1}/complaints/{{number}}/reopen", 200, branch=medan, params=number,
                    json={"note": "Masih lama."})
        doors.write("medan", "POST", f"{V1}/complaints/{{number}}/answer", 200, branch=medan, params=number,
                    json={"answer": "Petugas ditambah."})
        doors.write("budi", "POST", f"{V1}/complaints/{{number}}/close", 200, branch=medan, params=number, json={})

        # facilities, staff and VClaim consumers (the latter with the admin token)
        np = doors.write("medan", "POST", f"{V1}/facilities", 201, branch=medan, facility=NEW,
                         json={"name": "RS SWASTA TANPA KERJA SAMA", "facility_type": "RSU_SWASTA",
                               "kabkota_code": "12.71", "partnership": "NON_PARTNER"})["code"]
        doors.write("medan", "POST", f"{V1}/facilities/{{code}}/staff", 201, branch=medan, facility=np,
                    params={"code": np}, json={"name": "dr. Rina", "role": "DOCTOR"})
        cons = doors.write("token", "POST", f"{V1}/facilities/{{code}}/vclaim-consumers", 201, branch=medan,
                           facility=rsud, params={"code": rsud}, json={"label": "SIMRS"})["cons_id"]
        doors.write("token", "POST", f"{V1}/vclaim-consumers/{{cons_id}}/rotate", 200, branch=medan, facility=rsud,
                    params={"cons_id": cons})
        doors.write("token", "DELETE", f"{V1}/vclaim-consumers/{{cons_id}}", 200, branch=medan, facility=rsud,
                    params={"cons_id": cons})

        # care at the puskesmas and the hospital, each filed under the facility's branch
        doors.write("puskesmas", "POST", f"{V1}/visits", 201, branch=medan, facility=puskesmas,
                    json={"card_number": w.medan_card, "facility_code": puskesmas, "visit_date": str(today),
                          "diagnosis": "I10"})
        referral = {"card_number": w.medan_card, "from_facility": puskesmas, "to_facility": rsud,
                    "referral_date": str(today), "diagnosis": "I10", "poli": "INT", "created_by": "somebody else"}
        used = doors.write("puskesmas", "POST", f"{V1}/referrals", 201, branch=medan, facility=puskesmas,
                           json=referral)["number"]
        spare = doors.write("puskesmas", "POST", f"{V1}/referrals", 201, branch=medan, facility=puskesmas,
                            json={**referral, "card_number": w.medan_spouse_card})["number"]
        doors.write("puskesmas", "DELETE", f"{V1}/referrals/{{number}}", 200, branch=medan, facility=puskesmas,
                    params={"number": spare})
        outpatient = doors.write("rs", "POST", f"{V1}/seps", 201, branch=medan, facility=rsud,
                                 json={"card_number": w.medan_card, "sep_date": str(today), "facility_code": rsud,
                                       "service_type": "2", "diagnosis": "I10", "poli": "INT",
                                       "referral_number": used, "created_by": "somebody else"})["number"]
        doors.write("rs", "PATCH", f"{V1}/seps/{{number}}", 200, branch=medan, facility=rsud,
                    params={"number": outpatient}, json={"notes": "kontrol gula darah", "user": "somebody else"})
        inpatient = doors.write("rs", "POST", f"{V1}/seps", 201, branch=medan, facility=rsud,
                                json={"card_number": w.medan_spouse_card, "sep_date": str(today),
                                      "facility_code": rsud, "service_type": "1", "diagnosis": "S72",
                                      "emergency": True})["number"]
        doors.write("rs", "POST", f"{V1}/control-letters", 201, branch=medan, facility=rsud,
                    json={"sep_number": inpatient, "control_date": str(tomorrow), "poli": "BED"})
        doors.write("rs", "POST", f"{V1}/seps/{{number}}/discharge", 200, branch=medan, facility=rsud,
                    params={"number": inpatient}, json={"discharged_on": str(today), "ina_cbg_amount": 4_500_000})
        spri = doors.write("rs", "POST", f"{V1}/spri", 201, branch=medan, facility=rsud,
                           json={"card_number": w.siti_card, "facility_code": rsud, "control_date": str(tomorrow),
                                 "poli": "BED"})["number"]
        printed = doors.client("rs").get(f"{V1}/control-letters/{spri}/letter.pdf")
        assert printed.status_code == 200 and printed.content[:4] == b"%PDF"
        doors.write("rs", "DELETE", f"{V1}/control-letters/{{number}}", 200, branch=medan, facility=rsud,
                    params={"number": spri})
        doors.write("rs", "DELETE", f"{V1}/seps/{{number}}", 200, branch=medan, facility=rsud,
                    params={"number": outpatient}, query={"reason": "Salah input"})
        case = doors.write("medan", "POST", f"{V1}/emergencies", 201, branch=medan, facility=np,
                           json={"card_number": w.medan_card, "facility_code": np, "admitted_on": str(today)})["id"]
        doors.write("medan", "POST", f"{V1}/emergencies/{{case_id}}/transfer", 200, branch=medan, facility=np,
                    params={"case_id": case},
                    json={"to_facility": rsud, "stabilised_on": str(today), "transferred_on": str(today)})
        doors.write("rs", "POST", f"{V1}/ambulance-trips", 201, branch=medan, facility=rsud,
                    json={"card_number": w.medan_card, "from_facility": rsud, "to_facility": puskesmas,
                          "trip_date": str(today), "life_saving": True})

        # membership: registrations, a change, employers, a collective import
        officer = doors.client("medan")
        head = {"nik": nik(dt.date(1990, 3, 4), "L", "1271"), "name": "Hendra", "segment": "PBPU_MANDIRI",
                "care_class": "III", "fktp_code": puskesmas, "kabkota_code": "12.71"}
        doors.write("medan", "POST", f"{V1}/participants", 201, branch=medan,
                    json={**head, "documents_shown": _with_documents(officer, {"head": head})["documents_shown"]})
        family = {"head": {**head, "nik": nik(dt.date(1988, 7, 9), "L", "1271"), "marital_status": "MARRIED"},
                  "members": [{"nik": nik(dt.date(1990, 1, 2), "P", "1271"), "name": "Maya",
                               "relationship": "SPOUSE", "marital_status": "MARRIED"}]}
        doors.write("medan", "POST", f"{V1}/families", 201, branch=medan, json=_with_documents(officer, family))
        doors.write("medan", "POST", f"{V1}/participants/{{card_number}}/changes", 201, branch=medan,
                    params={"card_number": w.siti_card}, headers={"X-Actor": "somebody else"},
                    json={"kind": "ADDRESS", "effective_date": str(today), "address": "Jl. Baru 1",
                          "documents_shown": _checklist_codes(officer, "ADDRESS", w.siti_card)})
        employer = doors.write("medan", "POST", f"{V1}/employers", 201, branch=medan,
                               json={"name": "PT Audit", "sector": "SWASTA", "kabkota_code": "12.71"})
        doors.write("medan", "PATCH", f"{V1}/employers/{{code}}", 200, branch=medan, params={"code": employer["code"]},
                    json={"version": employer["version"], "phone": "061-123"})
        doors.write("pt", "POST", f"{V1}/imports", 422, branch=medan, action="employer.upload.refused",
                    files={"file": ("staff.csv", staff_csv(w, bad_row=True), "text/csv")})
        doors.write("pt", "POST", f"{V1}/imports", 201, branch=medan,
                    files={"file": ("staff.csv", staff_csv(w, bad_row=False), "text/csv")})
        # the employer reports a leaver and a transfer to PT Audit
        with Session(engine) as s:
            andi, eko = (s.scalar(select(ParticipantRow.card_number).where(ParticipantRow.nik == n))
                         for n in ("1271012008880006", "1271011511870007"))
        doors.write("pt", "POST", f"{V1}/employers/{{code}}/employees/{{card_number}}/leaving", 201, branch=medan,
                    params={"code": w.employer_code, "card_number": andi}, json={"month": f"{today:%Y-%m}"})
        doors.write("pt", "POST", f"{V1}/employers/{{code}}/employees/{{card_number}}/transfer", 201, branch=medan,
                    params={"code": w.employer_code, "card_number": eko},
                    json={"employer_code": employer["code"],
                          "documents_shown": _checklist_codes(officer, "EMPLOYER", eko)})

        # billing: a run (national), payments (the payer's branch), a repeat writes nothing
        doors.write("admin", "POST", f"{V1}/billing/runs", 201, branch=None,
                    json={"month": f"{today:%Y-%m}", "pbi_amount": 19225})
        payment = {"reference": "AUDIT-1", "card_number": w.medan_card, "amount": 50_000, "paid_on": str(today)}
        doors.write("admin", "POST", f"{V1}/payments", 201, branch=medan, json=payment)
        with not_audited(engine):
            assert doors.client("admin").post(f"{V1}/payments", json=payment).json()["duplicate"] is True
        doors.write("admin", "POST", f"{V1}/payments", 201, branch=medan,
                    json={"reference": "AUDIT-2", "employer_code": w.employer_code, "amount": 75_000,
                          "paid_on": str(today)})
    finally:
        doors.close()
    assert doors.done == set(WRITES)
    with Session(engine) as s:  # the records name the caller, not what the body or X-Actor said
        sep = s.get(SepRow, outpatient)
        assert (sep.created_by, sep.deleted_by) == (w.users["rs"], w.users["rs"])
        assert sep.deleted_reason == "Salah input"
        assert "somebody else" not in str(sep.explanation)


def test_officers_see_the_payments_of_their_branch(api):
    """A payment's branch is the payer's: the family head's kab/kota branch; Bekasi's officers do
    not see a Medan family's payment, Medan's do (with the actor and the client)."""
    server, w, engine = api
    with Session(engine) as s:
        joko_family = s.scalar(select(ParticipantRow.family_id).where(ParticipantRow.card_number == w.bekasi_card))
    with server.client(auth=(w.users["admin"], PASSWORD)) as admin:
        for reference, payer in (("SEEN-MEDAN", {"card_number": w.medan_spouse_card}),
                                 ("SEEN-BEKASI", {"payer_code": f"F{joko_family}"})):
            r = admin.post(f"{V1}/payments", json={"reference": reference, "amount": 10_000,
                                                   "paid_on": str(jakarta_today()), **payer})
            assert r.status_code == 201, r.text
    from support.portal_login import login

    for who, sees, hidden in (("medan", "SEEN-MEDAN", "SEEN-BEKASI"), ("bekasi", "SEEN-BEKASI", "SEEN-MEDAN")):
        officer, _ = login(server, w.users[who], PASSWORD)
        page = officer.get("/petugas/audit", params={"action": "payment.record"}).text
        officer.close()
        assert sees in page and hidden not in page and w.users["admin"] in page and LOOPBACK in page
