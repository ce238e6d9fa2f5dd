"""Demo log-ins for the portal, one per role, picked from whatever population the database holds
(``jkn demo`` builds one). Idempotent: existing user names are kept and reported again.

``create_demo_users(session, actor=...)`` (inside the caller's transaction) returns the accounts
with the place each one belongs to; docs/portal.md lists them. The accounts and the demo
complaints are audited as ``actor`` (the CLI user running ``jkn demo``). All share ``DEMO_PASSWORD`` — a demo only.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.services.portal import accounts, complaints
from jkn.services.portal.audit import Actor
from jkn.services.portal.auth import scope_for
from jkn.store.billing_tables import PayerRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import EmployerRow, ParticipantRow
from jkn.store.portal_tables import ComplaintRow, UserAccountRow
from jkn.store.reference_tables import BranchRow

DEMO_PASSWORD = "demo-jkn-2014"


def _busiest_branches(session: Session, limit: int = 2) -> list[str]:
    return list(session.scalars(
        select(ParticipantRow.branch_code).where(ParticipantRow.status == "ACTIVE")
        .group_by(ParticipantRow.branch_code).order_by(func.count().desc(), ParticipantRow.branch_code).limit(limit)))


def _family_head(session: Session, branch: str, *, suspended: bool) -> ParticipantRow | None:
    stmt = (select(ParticipantRow).join(PayerRow, PayerRow.id == ParticipantRow.payer_id)
            .where(ParticipantRow.branch_code == branch, ParticipantRow.relationship == "HEAD",
                   ParticipantRow.status == "ACTIVE", PayerRow.kind == "FAMILY")
            .order_by(ParticipantRow.id).limit(1))
    stmt = stmt.where(PayerRow.suspended_since.isnot(None)) if suspended else stmt.where(PayerRow.suspended_since.is_(None))
    row = session.scalar(stmt)
    if row is None and suspended:  # none suspended here: any branch
        row = session.scalar(select(ParticipantRow).join(PayerRow, PayerRow.id == ParticipantRow.payer_id)
                             .where(ParticipantRow.relationship == "HEAD", PayerRow.kind == "FAMILY",
                                    PayerRow.suspended_since.isnot(None)).order_by(ParticipantRow.id).limit(1))
    return row


def create_demo_users(session: Session, *, actor: Actor, password: str = DEMO_PASSWORD,
                      with_complaints: bool = True) -> list[dict]:
    """One account per role over the demo population (plus a few complaints in the demo branch)."""
    out: list[dict] = []
    pw_hash = accounts.hash_password(password)  # one hash for all demo accounts

    def add(username: str, role: str, full_name: str, note: str, **place) -> None:
        existing = session.scalar(select(UserAccountRow).where(UserAccountRow.username == username))
        if existing is None:
            accounts.create_user(session, actor, username=username, password=password, role=role,
                                 full_name=full_name, password_hash=pw_hash, **{k: v for k, v in place.items() if v})
        out.append({"username": username, "role": role, "note": note,
                    **{k: v for k, v in place.items() if v}})

    add("admin", accounts.ADMIN, "Administrator Demo", "manages users; sees every region")
    add("pusat", accounts.HEAD_OFFICE, "Kantor Pusat Demo", "national dashboard and complaints")
    branches = _busiest_branches(session)
    if branches:
        main = session.get(BranchRow, branches[0])
        add("cabang", accounts.BRANCH_OFFICER, f"Petugas KC {main.name}", "branch with the most participants",
            branch=main.code)
        add("cabang2", accounts.BRANCH_OFFICER, f"Petugas 2 KC {main.name}", "second officer of the same branch",
            branch=main.code)
        add("wilayah", accounts.REGIONAL_MANAGER, "Kedeputian Wilayah Demo", "the branch's deputy region",
            deputy_region=main.deputy_region_code)
        if len(branches) > 1:
            other = session.get(BranchRow, branches[1])
            add("cabang.lain", accounts.BRANCH_OFFICER, f"Petugas KC {other.name}",
                "another branch: cannot open the first branch's participants", branch=other.code)
        employer = session.scalar(
            select(EmployerRow).join(ParticipantRow, ParticipantRow.employer_id == EmployerRow.id)
            .group_by(EmployerRow.id).order_by(func.count().desc(), EmployerRow.id).limit(1))
        if employer is not None:
            add("pemberi.kerja", accounts.EMPLOYER_ADMIN, f"Admin {employer.name}"[:120],
                "employer with the most employees", employer=employer.code)
        head = _family_head(session, main.code, suspended=False)
        if head is not None:
            add("peserta", accounts.PARTICIPANT, head.name, "PBPU/BP family head, cover active",
                participant=head.card_number)
            add("puskesmas", accounts.FACILITY_STAFF, "Petugas FKTP Demo", "the participant's FKTP",
                facility=head.fktp_code)
            hospital = session.scalar(select(FacilityRow.code).where(
                FacilityRow.level == "FKRTL", FacilityRow.partnership == "PARTNER",
                FacilityRow.kabkota_code == head.kabkota_code).order_by(FacilityRow.code).limit(1)) or session.scalar(
                select(FacilityRow.code).where(FacilityRow.level == "FKRTL", FacilityRow.partnership == "PARTNER")
                .order_by(FacilityRow.code).limit(1))
            if hospital:
                add("rumahsakit", accounts.FACILITY_STAFF, "Petugas BPJS Center RS Demo",
                    "a partner hospital near the participant", facility=hospital)
        late = _family_head(session, main.code, suspended=True)
        if late is not None:
            add("peserta.tunggak", accounts.PARTICIPANT, late.name, "family in arrears, cover suspended",
                participant=late.card_number)
        session.flush()
        if with_complaints:
            _demo_complaints(session, actor, main.code)
    return out


def _demo_complaints(session: Session, actor: Actor, branch: str) -> None:
    """Three complaints in the demo branch (once): one new, one assigned, one answered."""
    if session.scalar(select(func.count()).select_from(ComplaintRow).where(ComplaintRow.branch_code == branch)):
        return
    officer = session.scalar(select(UserAccountRow).where(UserAccountRow.username == "cabang"))
    people = list(session.scalars(select(ParticipantRow).where(ParticipantRow.branch_code == branch,
                                                               ParticipantRow.relationship == "HEAD")
                                  .order_by(ParticipantRow.id).limit(3)))
    if officer is None or not people:
        return
    scope = scope_for(session, officer)
    texts = [("CALL_CENTRE", "INFORMATION", "Cara pindah FKTP", "Peserta menanyakan syarat pindah FKTP."),
             ("BRANCH_OFFICE", "COMPLAINT", "Kartu belum diterima", "Kartu peserta belum diterima setelah 2 minggu."),
             ("FACILITY_STAFF", "COMPLAINT", "Antrean obat lama", "Menunggu obat di apotek rumah sakit 3 jam.")]
    for i, (channel, category, subject, description) in enumerate(texts):
        person = people[i % len(people)]
        facility = person.fktp_code if channel == "FACILITY_STAFF" else None
        row = complaints.file_complaint(session, actor, scope, channel=channel, category=category, subject=subject,
                                        description=description, participant=person.card_number,
                                        facility_code=facility)
        if i >= 1:
            complaints.assign(session, actor, scope, row.number, officer.username)
        if i == 0:
            continue
        if i == 2:
            complaints.answer(session, actor, scope, row.number,
                              "Apotek menambah petugas; peserta dapat menghubungi 500 400 bila terulang.")
