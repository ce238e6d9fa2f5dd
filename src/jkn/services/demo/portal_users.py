"""Demo log-ins for the portal, one per role, picked from whatever population the database holds
(``jkn demo`` builds one). Idempotent: existing user names are kept and reported again.

``create_demo_users(session, actor=...)`` (inside the caller's transaction) returns the accounts
with the place each one belongs to; docs/portal.md lists them. The accounts and the demo
complaints are audited as ``actor`` (the CLI user running ``jkn demo``). All share ``DEMO_PASSWORD`` — a demo only.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.services.demo.population import DEMO_HOME_KABKOTA
from jkn.services.portal import accounts, complaints
from jkn.services.portal.audit import Actor
from jkn.services.portal.auth import scope_for
from jkn.store.billing_tables import PayerRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import EmployerRow, ParticipantRow
from jkn.store.portal_tables import ComplaintRow, UserAccountRow
from jkn.store.reference_tables import BranchRow, KabKotaRow

DEMO_PASSWORD = "demo-jkn-2014"


def _demo_branches(session: Session) -> list[str]:
    """The demo branch (the one of ``DEMO_HOME_KABKOTA``, where ``jkn demo`` puts its employers and a quarter
    of its families) first when it has participants, then the busiest other one."""
    busiest = list(session.scalars(
        select(ParticipantRow.branch_code).where(ParticipantRow.status == "ACTIVE")
        .group_by(ParticipantRow.branch_code).order_by(func.count().desc(), ParticipantRow.branch_code).limit(2)))
    home = session.scalar(select(KabKotaRow.branch_code).where(KabKotaRow.code == DEMO_HOME_KABKOTA))
    if home in busiest or (home and session.scalar(select(func.count()).select_from(ParticipantRow).where(
            ParticipantRow.branch_code == home, ParticipantRow.status == "ACTIVE"))):
        return [home] + [b for b in busiest if b != home][:1]
    return busiest


def _employer(session: Session, branch: str) -> EmployerRow | None:
    """The employer with the most employees, of ``branch`` if it has any."""
    most = (select(EmployerRow).join(ParticipantRow, ParticipantRow.employer_id == EmployerRow.id)
            .group_by(EmployerRow.id).order_by(func.count().desc(), EmployerRow.id).limit(1))
    return session.scalar(most.where(EmployerRow.branch_code == branch)) or session.scalar(most)


def _hospital(session: Session, head: ParticipantRow) -> str | None:
    """A partner hospital in the participant's kab/kota, else in its branch, else anywhere."""
    partner = select(FacilityRow.code).where(FacilityRow.level == "FKRTL", FacilityRow.partnership == "PARTNER") \
        .order_by(FacilityRow.code).limit(1)
    branch_kabs = select(KabKotaRow.code).where(KabKotaRow.branch_code == head.branch_code)
    return (session.scalar(partner.where(FacilityRow.kabkota_code == head.kabkota_code))
            or session.scalar(partner.where(FacilityRow.kabkota_code.in_(branch_kabs))) or session.scalar(partner))


def _family_head(session: Session, branch: str, *, suspended: bool) -> ParticipantRow | None:
    stmt = (select(ParticipantRow).join(PayerRow, PayerRow.id == ParticipantRow.payer_id)
            .where(ParticipantRow.branch_code == branch, ParticipantRow.relationship == "HEAD",
                   ParticipantRow.status == "ACTIVE", PayerRow.kind == "FAMILY")
            .order_by(ParticipantRow.id).limit(1))
    row = session.scalar(stmt.where(PayerRow.suspended_since.isnot(None)) if suspended
                         else stmt.where(PayerRow.suspended_since.is_(None)))
    if row is None and suspended:  # none suspended in the branch (a short history): one in arrears there
        row = session.scalar(stmt.where(PayerRow.arrears_amount > 0))
    if row is None and suspended:  # none in arrears here: any branch
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
    branches = _demo_branches(session)
    if branches:
        main = session.get(BranchRow, branches[0])
        add("cabang", accounts.BRANCH_OFFICER, f"Petugas KC {main.name}",
            "the demo branch: its employers, FKTPs, hospital and participants are the other log-ins", branch=main.code)
        add("cabang2", accounts.BRANCH_OFFICER, f"Petugas 2 KC {main.name}", "second officer of the same branch",
            branch=main.code)
        add("wilayah", accounts.REGIONAL_MANAGER, "Kedeputian Wilayah Demo", "the branch's deputy region",
            deputy_region=main.deputy_region_code)
        if len(branches) > 1:
            other = session.get(BranchRow, branches[1])
            add("cabang.lain", accounts.BRANCH_OFFICER, f"Petugas KC {other.name}",
                "another branch: cannot open the first branch's participants", branch=other.code)
        employer = _employer(session, main.code)
        if employer is not None:
            add("pemberi.kerja", accounts.EMPLOYER_ADMIN, f"Admin {employer.name}"[:120],
                "the demo branch's employer with the most employees", employer=employer.code)
        head = _family_head(session, main.code, suspended=False)
        if head is not None:
            add("peserta", accounts.PARTICIPANT, head.name, "PBPU/BP family head, cover active",
                participant=head.card_number)
            add("puskesmas", accounts.FACILITY_STAFF, "Petugas FKTP Demo", "the participant's FKTP",
                facility=head.fktp_code)
            hospital = _hospital(session, head)
            if hospital:
                add("rumahsakit", accounts.FACILITY_STAFF, "Petugas BPJS Center RS Demo",
                    "a partner hospital near the participant", facility=hospital)
        late = _family_head(session, main.code, suspended=True)
        if late is not None:
            add("peserta.tunggak", accounts.PARTICIPANT, late.name, "family in arrears (cover suspended, if any is)",
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
