"""Every portal form that writes leaves exactly one audit row naming the logged-in user (issue #10,
item 7), over a real server on SQLite and PostgreSQL.

The forms are read from the application's routes: every non-GET page route is a write listed in
``PAGE_WRITES`` (exercised below) or in ``NO_DATA_CHANGE``; a new form in neither fails
:func:`test_every_page_form_is_listed`.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.routing import APIRoute
from membership.membership_helpers import nik
from portal_world import PASSWORD, build_world, staff_csv
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from support.audit_trail import audited_once, not_audited
from support.databases import truncate_business_tables
from support.otp_outbox import last_code
from support.portal_login import login, token

from jkn.api.app import create_app
from jkn.services.care import facilities, fktp_queue, internal_referrals, queues, referrals, visit_items
from jkn.services.care import sep as sep_service
from jkn.services.membership import data_changes, documents, employers
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.schemas import EmployerIn, FamilyIn, ParticipantIn
from jkn.services.portal import accounts
from jkn.services.portal.audit import SYSTEM
from jkn.store.care_tables import SepRequestRow
from jkn.store.membership_tables import ParticipantRow
from jkn.store.request_tables import ChangeRequestRow

LOOPBACK = "127.0.0.1"

#: every page form that changes data, with the action of its audit row
PAGE_WRITES = {
    "/masuk": "login",
    "/keluar": "logout",
    "/akun/sandi": "user.password",
    "/admin/pengguna": "user.create",
    "/admin/pengguna/{username}/{action}": "user.deactivate",
    "/pengaduan/baru": "complaint.file",
    "/pengaduan/{number}/tugaskan": "complaint.assign",
    "/pengaduan/{number}/jawab": "complaint.answer",
    "/pengaduan/{number}/buka-kembali": "complaint.reopen",
    "/pengaduan/{number}/tutup": "complaint.close",
    "/peserta/pengaduan": "complaint.file",
    "/petugas/daftar": "participant.register",
    "/petugas/peserta/{card}/ubah": "participant.change.address",
    "/peserta/fktp": "participant.change.fktp",
    "/pemberi-kerja/unggah": "employer.upload",
    "/faskes/rujukan": "referral.issue",
    "/faskes/sep": "sep.issue",
    "/faskes/sep/{number}/pulang": "sep.update",
    "/faskes/sep/{number}/ubah": "sep.update",
    "/faskes/sep/{number}/surat-kontrol": "control_letter.issue",
    "/faskes/surat-kontrol/{number}/hapus": "control_letter.delete",
    "/faskes/sep/{number}/batal": "sep.delete",
    "/faskes/sep/{number}/internal/{letter}/hapus": "sep.delete",
    "/faskes/spri": "spri.issue",
    "/faskes/pengajuan-sep": "sep_request.submit",
    "/faskes/mobile-jkn": "mobile_jkn.register",
    "/faskes/mobile-jkn/hapus": "mobile_jkn.remove",
    "/petugas/pengajuan-sep/{request_id}/setujui": "sep_request.approve",
    "/faskes/antrean": "fktp_queue.register",
    "/faskes/antrean/{registration}/{action}": "fktp_queue.call",
    "/faskes/kunjungan": "visit.record",
    "/faskes/kunjungan/{visit_id}/{item}": "visit.drug.add",
    "/faskes/kunjungan/{visit_id}/{item}/{item_id}/hapus": "visit.drug.delete",
    "/peserta/antrean": "fktp_queue.register",
    "/peserta/antrean/{registration}/{action}": "fktp_queue.cancel",
    "/peserta/antrean/rumah-sakit": "queue.add",
    "/peserta/antrean/rumah-sakit/{booking}/{action}": "queue.cancel",
    "/petugas/loket": "payment.record",
    "/peserta/perubahan/baru": "change_request.submit",
    "/pemberi-kerja/pekerja/{card}/gaji": "participant.change.wage",
    "/pemberi-kerja/pekerja/{card}/keluar": "participant.change.leaver",
    "/pemberi-kerja/pekerja/{card}/pindah": "participant.change.employer",
    "/masuk/daftar": "otp.signup",
    "/masuk/daftar/kode": "user.create",
    "/masuk/lupa-sandi": "otp.reset",
    "/masuk/lupa-sandi/kode": "user.password",
    "/petugas/permohonan/{request_id}/setujui": "participant.change.birth",
    "/petugas/permohonan/{request_id}/tolak": "change_request.refuse",
}
#: forms that change no record: the owner dismisses the notice of failed log-ins (their own session's state);
#: a policy what-if and a bank reconciliation only compare
NO_DATA_CHANGE = {"/akun/pemberitahuan", "/kebijakan", "/petugas/rekonsiliasi"}


def _routes(routes, prefix: str = ""):
    """Every APIRoute of the app, through included routers."""
    for r in routes:
        if hasattr(r, "original_router"):
            yield from _routes(r.original_router.routes, prefix + (getattr(r.include_context, "prefix", "") or ""))
        elif isinstance(r, APIRoute):
            yield prefix + r.path, r.methods


def test_every_page_form_is_listed():
    app = create_app("sqlite://")  # not started: only its routes are read
    forms = {path for path, methods in _routes(app.router.routes) if methods - {"GET", "HEAD"}
             and not path.startswith(("/api/", "/vclaim-rest", "/h2h/"))}  # /h2h: tests/billing/test_h2h_bank_day.py
    assert forms == set(PAGE_WRITES) | NO_DATA_CHANGE


@pytest.fixture(scope="module")
def site(server, _prepared):
    _url, engine = _prepared(server.backend)
    truncate_business_tables(engine)  # the world's people are other modules' too
    return server, build_world(engine), engine


class Pages:
    """Posts the portal's forms as users of the world and checks the one audit row each leaves."""

    def __init__(self, server, world, engine):
        self.server, self.world, self.engine = server, world, engine
        self.browsers: dict[str, object] = {}
        self.done: set[str] = set()

    def browser(self, who: str):
        if who not in self.browsers:
            self.browsers[who], r = login(self.server, self.world.users.get(who, who), PASSWORD)
            assert r.status_code == 303, r.text
        return self.browsers[who]

    def post(self, who: str, template: str, *, role: str, branch: str | None, facility: str | None = None,
             expect: int = 303, params: dict | None = None, data=None, **request):
        client = self.browser(who)
        form: dict[str, list[str]] = {"csrf_token": [token(client.get("/akun").text)]}
        for key, value in (data.items() if isinstance(data, dict) else data or []):
            form.setdefault(key, []).append(value)
        with audited_once(self.engine, action=PAGE_WRITES[template], actor=self.world.users.get(who, who), role=role,
                          branch_code=branch, facility_code=facility, client=LOOPBACK):
            r = client.post(template.format(**(params or {})), data=form, **request)
            assert r.status_code == expect, (template, r.status_code, r.text[:2000])
        self.done.add(template)
        return r

    def close(self) -> None:
        for b in self.browsers.values():
            b.close()


def _version(engine, card: str) -> str:
    with Session(engine) as s:
        return str(s.scalar(select(ParticipantRow.version).where(ParticipantRow.card_number == card)))


def test_every_page_form_leaves_one_audit_row_naming_the_user(site):
    server, w, engine = site
    pages = Pages(server, w, engine)
    medan, rsud, puskesmas = w.medan_branch, w.fktp["FKRTL"][0], w.fktp["FKTP"][0]
    today = jakarta_today()
    officer, participant = accounts.BRANCH_OFFICER, accounts.PARTICIPANT
    try:
        # log-in and log-out
        fresh = server.client()
        with audited_once(engine, action="login", actor=w.users["medan2"], role=officer, branch_code=medan,
                          facility_code=None, client=LOOPBACK):
            r = fresh.post("/masuk", data={"username": w.users["medan2"], "password": PASSWORD,
                                           "csrf_token": token(fresh.get("/masuk").text)})
            assert r.status_code == 303
        pages.done.add("/masuk")
        pages.browsers["medan2"] = fresh
        pages.post("medan2", "/keluar", role=officer, branch=medan)

        # user administration, and a user changing their own password
        pages.post("admin", "/admin/pengguna", role=accounts.ADMIN, branch=w.bekasi_branch,
                   data={"username": "audit.pw", "full_name": "Petugas Sandi", "password": PASSWORD,
                         "role": officer, "branch": w.bekasi_branch})
        pages.post("audit.pw", "/akun/sandi", role=officer, branch=w.bekasi_branch,
                   data={"current_password": PASSWORD, "new_password": "sandi-baru-123",
                         "repeat_password": "sandi-baru-123"})
        pages.post("admin", "/admin/pengguna/{username}/{action}", role=accounts.ADMIN, branch=w.bekasi_branch,
                   params={"username": "audit.pw", "action": "nonaktif"})

        # complaints: recorded and handled by the branch, reopened and closed by the participant
        r = pages.post("medan", "/pengaduan/baru", role=officer, branch=medan,
                       data={"channel": "BRANCH_OFFICE", "category": "COMPLAINT", "subject": "Antrean",
                             "description": "Tiga jam.", "participant": w.medan_card})
        number = {"number": r.headers["location"].split("/")[2].split("?")[0]}
        pages.post("medan", "/pengaduan/{number}/tugaskan", role=officer, branch=medan, params=number)
        pages.post("medan", "/pengaduan/{number}/jawab", role=officer, branch=medan, params=number,
                   data={"answer": "Sudah ditegur."})
        pages.post("budi", "/pengaduan/{number}/buka-kembali", role=participant, branch=medan, params=number,
                   data={"note": "Masih lama."})
        pages.post("medan", "/pengaduan/{number}/jawab", role=officer, branch=medan, params=number,
                   data={"answer": "Petugas ditambah."})
        pages.post("budi", "/pengaduan/{number}/tutup", role=participant, branch=medan, params=number)
        pages.post("budi", "/peserta/pengaduan", role=participant, branch=medan,
                   data={"category": "COMPLAINT", "subject": "Obat", "description": "Habis."})

        # registration and data changes at the branch, the participant's own FKTP change
        head = ParticipantIn(nik=nik(dt.date(1991, 7, 17), "L", "1271"), name="Hendra Siregar", segment="PBPU_MANDIRI",
                             care_class="II", fktp_code=puskesmas, kabkota_code="12.71")
        shown = [("documents", i.code) for i in documents.form_checklist(FamilyIn(head=head)).items]
        pages.post("medan", "/petugas/daftar", role=officer, branch=medan,
                   data=[("members", "0"), ("segment", head.segment.value), ("nik", head.nik), ("name", head.name),
                         ("care_class", "II"), ("kabkota_code", "12.71"), ("fktp_code", puskesmas)] + shown)
        docs = [("documents", i["code"]) for i in data_changes.change_checklist("ADDRESS", segment="PBPU_MANDIRI")["items"]]
        pages.post("medan", "/petugas/peserta/{card}/ubah", role=officer, branch=medan, params={"card": w.siti_card},
                   data=[("kind", "ADDRESS"), ("effective_date", str(today)), ("address", "Jl. Baru 1"),
                         ("version", _version(engine, w.siti_card))] + docs)
        pages.post("budi", "/peserta/fktp", role=participant, branch=medan,
                   data=[("fktp_code", w.fktp["FKTP"][1]), ("version", _version(engine, w.medan_card))])

        # the participant's data-change requests, approved and refused at the branch
        born = today - dt.timedelta(days=4)
        for kind, fields, then, action in (
                ("BIRTH", {"member_nik": nik(born, "P", "1271"), "member_name": "Bayi Santoso",
                           "member_relationship": "CHILD_NATURAL", "member_birth_date": str(born)},
                 "/petugas/permohonan/{request_id}/setujui", {"documents": "BIRTH/3"}),
                ("ADDRESS", {"address": "Jl. Lain 2"}, "/petugas/permohonan/{request_id}/tolak",
                 {"reason": "KTP tidak terbaca"})):
            with Session(engine) as s:
                wanted = [i["code"] for i in data_changes.change_checklist(kind, w.medan_card, s)["items"]
                          if i["kind"] != "form" and "Kartu Peserta" not in i["text"]]
            pages.post("budi", "/peserta/perubahan/baru", role=participant, branch=medan, data={"kind": kind, **fields},
                       files=[(f"file_{code}", ("dok.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")) for code in wanted])
            with Session(engine) as s:
                request_id = s.scalar(select(func.max(ChangeRequestRow.id)))
            pages.post("medan", then, role=officer, branch=medan, params={"request_id": request_id}, data=action)

        # the employer's collective registration
        pages.post("pt", "/pemberi-kerja/unggah", role=accounts.EMPLOYER_ADMIN, branch=medan, expect=200,
                   files={"file": ("pekerja.csv", staff_csv(w, bad_row=False), "text/csv")})
        with Session(engine) as s:
            andi = s.scalar(select(ParticipantRow.card_number).where(ParticipantRow.nik == "1271012008880006"))
        pages.post("pt", "/pemberi-kerja/pekerja/{card}/gaji", role=accounts.EMPLOYER_ADMIN, branch=medan,
                   params={"card": andi}, data={"wage": "4750000"})
        # ... reports Andi as leaving this month, and Eko as moving to another company
        pages.post("pt", "/pemberi-kerja/pekerja/{card}/keluar", role=accounts.EMPLOYER_ADMIN, branch=medan,
                   params={"card": andi}, data={"month": today.strftime("%Y-%m")})
        with Session(engine) as s:
            eko = s.scalar(select(ParticipantRow.card_number).where(ParticipantRow.nik == "1271011511870007"))
            other = employers.register_employer(s, EmployerIn(name="PT Deli Jaya", sector="SWASTA", kabkota_code="12.71",
                                                              registered_on=today), actor=SYSTEM)["code"]
            s.commit()
            shown = [("documents", i["code"]) for i in data_changes.change_checklist("EMPLOYER", eko, s)["items"]]
        pages.post("pt", "/pemberi-kerja/pekerja/{card}/pindah", role=accounts.EMPLOYER_ADMIN, branch=medan,
                   params={"card": eko}, data=[("employer_code", other), *shown])

        # the facility desks: a referral at the puskesmas, an SEP at the hospital
        pages.post("puskesmas", "/faskes/rujukan", role=accounts.FACILITY_STAFF, branch=medan, facility=puskesmas,
                   expect=200, data={"card_number": w.medan_spouse_card, "to_facility": rsud, "diagnosis": "I10",
                                     "poli": "INT", "referral_date": str(today)})
        pages.post("rs", "/faskes/sep", role=accounts.FACILITY_STAFF, branch=medan, facility=rsud,
                   data={"card_number": w.medan_card, "sep_date": str(today), "service_type": "2", "poli": "IGD",
                         "diagnosis": "S72", "emergency": "on"})
        # the hospital desk records the discharge date of an inpatient SEP
        with Session(engine) as s:
            inpatient = sep_service.insert_sep(s, actor=SYSTEM, card_number=w.siti_card,
                                               sep_date=today, facility_code=rsud, service_type="1", diagnosis="S72",
                                               poli="IGD", emergency=True)["number"]
        pages.post("rs", "/faskes/sep/{number}/pulang", role=accounts.FACILITY_STAFF, branch=medan, facility=rsud,
                   params={"number": inpatient}, data={"discharge_date": str(today)})
        # ... changes it, writes a control letter, withdraws it and cancels the SEP with a reason
        staff = dict(role=accounts.FACILITY_STAFF, branch=medan, facility=rsud, params={"number": inpatient})
        pages.post("rs", "/faskes/sep/{number}/ubah", **staff, data={"notes": "Pindah bangsal", "mr_number": "RM-1"})
        r = pages.post("rs", "/faskes/sep/{number}/surat-kontrol", **staff,
                       data={"control_date": str(today), "control_poli": "INT"})
        letter = r.headers["location"].split("/")[-1].split("?")[0]
        pages.post("rs", "/faskes/surat-kontrol/{number}/hapus", **{**staff, "params": {"number": letter}})
        pages.post("rs", "/faskes/sep/{number}/batal", **staff, data={"reason": "Salah input"})
        pages.post("rs", "/faskes/spri", role=accounts.FACILITY_STAFF, branch=medan, facility=rsud,
                   data={"card_number": w.medan_spouse_card, "control_date": str(today), "poli": "BED"})
        # the hospital's own Mobile JKN service registered, then removed (jkn keeps the queue again)
        pages.post("rs", "/faskes/mobile-jkn", role=accounts.FACILITY_STAFF, branch=medan, facility=rsud,
                   data={"url": "https://simrs.rsud.example/api-bpjsfktl", "username": "jkn-mobile",
                         "password": "rahasia-rs"})
        pages.post("rs", "/faskes/mobile-jkn/hapus", role=accounts.FACILITY_STAFF, branch=medan, facility=rsud)
        # an internal referral (a consult SEP at another clinic on the same referral, A-V50), withdrawn
        with Session(engine) as s:
            fktp = s.scalar(select(ParticipantRow.fktp_code).where(ParticipantRow.card_number == w.medan_card))
            ref = referrals.create_referral(s, actor=SYSTEM, card_number=w.medan_card, from_facility=fktp,
                                            referral_date=today, diagnosis="I10", poli="INT", to_facility=rsud)["number"]
        numbers = []
        for poli, purpose in (("INT", "0"), ("JAN", "2")):
            with Session(engine) as s:
                numbers.append(sep_service.insert_sep(
                    s, actor=SYSTEM, card_number=w.medan_card, sep_date=today,
                    facility_code=rsud, service_type="2", diagnosis="I10", poli=poli, referral_number=ref,
                    purpose=internal_referrals.Purpose(visit=purpose))["number"])
        with Session(engine) as s:
            letter = internal_referrals.of_sep(s, numbers[0])[0]["number"]
        pages.post("rs", "/faskes/sep/{number}/internal/{letter}/hapus", role=accounts.FACILITY_STAFF, branch=medan,
                   facility=rsud, params={"number": numbers[0], "letter": letter})
        # a backdate request from the desk, approved by the branch officer
        pages.post("rs", "/faskes/pengajuan-sep", role=accounts.FACILITY_STAFF, branch=medan, facility=rsud,
                   data={"card_number": w.siti_card, "sep_date": str(today - dt.timedelta(days=1)),
                         "service_type": "2", "kind": "1", "reason": "Hari libur"})
        with Session(engine) as s:
            request_id = s.scalar(select(SepRequestRow.id).where(SepRequestRow.facility_code == rsud))
        pages.post("medan", "/petugas/pengajuan-sep/{request_id}/setujui", role=officer, branch=medan, facility=rsud,
                   params={"request_id": request_id}, data={"note": "Libur nasional"})
        # the FKTP desk: a registration called, a visit recorded, a drug added then removed
        pages.post("puskesmas", "/faskes/antrean", role=accounts.FACILITY_STAFF, branch=medan, facility=puskesmas,
                   data={"card_number": w.siti_card, "poli": "ANA"})
        with Session(engine) as s:
            queued = fktp_queue.day_list(s, puskesmas, today)[-1]["id"]
        pages.post("puskesmas", "/faskes/antrean/{registration}/{action}", role=accounts.FACILITY_STAFF, branch=medan,
                   facility=puskesmas, params={"registration": queued, "action": "panggil"})
        r = pages.post("puskesmas", "/faskes/kunjungan", role=accounts.FACILITY_STAFF, branch=medan, facility=puskesmas,
                       data={"card_number": w.siti_card, "visit_date": str(today), "diagnosis": "J06",
                             "registration": str(queued)})
        visit = r.headers["location"].split("/")[-1].split("?")[0]
        pages.post("puskesmas", "/faskes/kunjungan/{visit_id}/{item}", role=accounts.FACILITY_STAFF, branch=medan,
                   facility=puskesmas, params={"visit_id": visit, "item": "obat"}, data={"name": "Parasetamol",
                                                                                         "quantity": "10"})
        with Session(engine) as s:
            drug = visit_items.drugs(s, visit, facility_code=puskesmas)[0]["id"]
        pages.post("puskesmas", "/faskes/kunjungan/{visit_id}/{item}/{item_id}/hapus", role=accounts.FACILITY_STAFF,
                   branch=medan, facility=puskesmas, params={"visit_id": visit, "item": "obat", "item_id": drug})
        # the participant's Mobile JKN queue: a number taken, then cancelled
        pages.post("siti", "/peserta/antrean", role=participant, branch=medan, facility=puskesmas,
                   data={"poli": "GIG", "date": str(today)})
        with Session(engine) as s:
            mine = [r for r in fktp_queue.day_list(s, puskesmas, today, poli="GIG") if r["card_number"] == w.siti_card]
        pages.post("siti", "/peserta/antrean/{registration}/{action}", role=participant, branch=medan,
                   facility=puskesmas, params={"registration": mine[0]["id"], "action": "batal"})
        # ... and at the hospital of her referral
        with Session(engine) as s:
            facilities.add_staff(s, rsud, actor=SYSTEM, name="dr. Ani", role="SPECIALIST", registration_number="33690",
                                 poli_code="ANA")
            queues.set_schedule(s, rsud, actor=SYSTEM, poli="ANA", subspecialist="ANA", doctor_code="33690",
                                windows=[queues.window(today.isoweekday(), "07:00", "14:00")])
            letter = referrals.create_referral(s, actor=SYSTEM, card_number=w.siti_card, from_facility=puskesmas,
                                               to_facility=rsud, referral_date=today, diagnosis="J06", poli="ANA")
        pages.post("siti", "/peserta/antrean/rumah-sakit", role=participant, branch=medan, facility=rsud,
                   data={"letter": letter["number"], "date": str(today)})
        with Session(engine) as s:
            booking = queues.queues(s, rsud, on=today)[0]["booking_code"]
        pages.post("siti", "/peserta/antrean/rumah-sakit/{booking}/{action}", role=participant, branch=medan,
                   facility=rsud, params={"booking": booking, "action": "batal"})
        pages.post("medan", "/petugas/loket", role=officer, branch=medan,
                   data={"payer": w.siti_card, "amount": "25000", "reference": "LOKET-AUDIT-1"})

        # a participant's own sign-up and a password reset, each step confirmed by a one-time code
        stranger = server.client()
        with Session(engine) as s:
            spouse = s.scalar(select(ParticipantRow).where(ParticipantRow.card_number == w.medan_spouse_card))
            card, spouse_nik, born = spouse.card_number, spouse.nik, spouse.birth_date.isoformat()
        to = f"audit.{server.backend}@contoh.id"
        for path, action, actor, role, branch, data in (
                ("/masuk/daftar", "otp.signup", "anonymous", None, medan,
                 {"card_number": card, "nik": spouse_nik, "birth_date": born, "contact": to}),
                ("/masuk/daftar/kode", "user.create", "audit.maya", participant, None,
                 {"username": "audit.maya", "password": "sandi-maya-123", "repeat_password": "sandi-maya-123"}),
                ("/masuk/lupa-sandi", "otp.reset", "anonymous", None, medan, {"username": "audit.maya"}),
                ("/masuk/lupa-sandi/kode", "user.password", "audit.maya", participant, None,
                 {"new_password": "sandi-maya-456", "repeat_password": "sandi-maya-456"})):
            if path.endswith("/kode"):
                data = {**data, "ticket": ticket, "code": last_code(to)}
            with audited_once(engine, action=action, actor=actor, role=role, branch_code=branch, client=LOOPBACK):
                r = stranger.post(path, data={**data, "csrf_token": token(stranger.get("/masuk").text)})
                assert r.status_code in (200, 303), (path, r.text[:1000])
            ticket = re.search(r'name="ticket" value="(\d+)"', r.text).group(1) if r.status_code == 200 else None
            pages.done.add(path)
        stranger.close()

        # dismissing the notice of failed log-ins changes only the owner's session
        with not_audited(engine):
            client = pages.browser("budi")
            r = client.post("/akun/pemberitahuan", data={"csrf_token": token(client.get("/akun").text)})
            assert r.status_code == 303
    finally:
        pages.close()
    assert pages.done == set(PAGE_WRITES)
