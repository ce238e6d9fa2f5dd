"""Registration of participants and their families (guide, PENDAFTARAN MENJADI PESERTA;
PESERTA JAMINAN KESEHATAN; ANGGOTA KELUARGA YANG DITANGGUNG).

Every check is a rule of the engine (jkn.rules): eligibility of the segment (incl. foreign
nationals' 6 months), the room class, the family composition, the documents checklist. This
module validates identities (NIK), looks up work areas, facilities and employers, assigns card
numbers and payer accounts, and writes the registration with its audit history in one
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.domain.care import FamilyMember, MaritalStatus, Relationship
from jkn.domain.segment import STATE_PENSIONERS, VETERAN_SEGMENTS, Segment, SegmentGroup
from jkn.reference import nik as nik_parser
from jkn.reference.workareas import load_workareas
from jkn.rules import family as family_rules
from jkn.rules import segments as segment_rules
from jkn.rules.care_class import care_class as entitled_class
from jkn.rules.decision import Step
from jkn.rules.parameters import param_entry
from jkn.services.billing.cover_start import on_registration
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.paging import page
from jkn.services.membership import cards, documents
from jkn.services.membership.common import (
    TRACKED_FIELDS,
    diff,
    get_employer,
    get_family,
    get_participant,
    jakarta_today,
    jsonable,
    rule,
    snapshot,
)
from jkn.services.membership.schemas import FamilyIn, ParticipantIn, ParticipantRegistrationIn, PersonIn
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.billing_tables import PayerRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import (
    CardIssueRow,
    DataChangeRow,
    EmployerRow,
    FamilyRow,
    ParticipantHistoryRow,
    ParticipantRow,
)

HEAD = "HEAD"
DATE_FIELDS = frozenset({"birth_date", "work_started", "fktp_since", "tmt", "end_date", "education_until"})
GOVERNMENT_PBI = "G-PBI"
GOVERNMENT_VETERAN = "G-VETERAN"
GOVERNMENT_AID = "G-BANTUAN"
GOVERNMENT_PENSION = "G-PENSIUN"
#: the government's accounts for its share of a contribution billed apart from the family's own
GOVERNMENT_SHARE_ACCOUNTS = {GOVERNMENT_AID: "Pemerintah (bantuan iuran kelas III PBPU/BP)",
                             GOVERNMENT_PENSION: "Pemerintah (iuran pensiunan)"}


# ---------------------------------------------------------------- identity and lookups

@dataclass
class Person:
    """A person after identity checks: NIK parsed, sex and birth date agreed with it."""

    data: PersonIn
    nik: str
    sex: str
    birth_date: dt.date
    region_code: str
    where: str


def parse_person(data: PersonIn, where: str, on: dt.date) -> Person:
    """Validate the NIK (jkn.reference.nik.parse) and make sex and birth date agree with it."""
    try:
        info = nik_parser.parse(data.nik, today=on)
    except nik_parser.NikError as exc:
        raise Invalid(Msg("error.membership.nik_invalid", where=where, nik=str(data.nik), message=exc.say), field=f"{where}.nik", reason=exc.field,
                      code=f"nik_{exc.field}", value=data.nik) from None
    sex = data.sex or info.sex
    if sex != info.sex:
        raise Invalid(Msg("error.membership.sex_mismatch", where=where, sex=sex,
                          value=Msg("error.membership.nik_day_p") if info.sex == "P"
                          else Msg("error.membership.nik_day_l")),
                      field=f"{where}.sex", code="sex_mismatch")
    birth = data.birth_date or info.birth_date
    if birth.strftime("%d%m%y") != info.birth_date.strftime("%d%m%y"):
        raise Invalid(Msg("error.membership.birth_mismatch", where=where, birth=birth.isoformat(),
                          birth_date=info.birth_date.strftime('%d-%m-%y')), field=f"{where}.birth_date",
                      code="birth_mismatch")
    if birth > on:
        raise Invalid(Msg("error.membership.birth_future", where=where, birth=birth.isoformat()), field=f"{where}.birth_date",
                      code="birth_future")
    return Person(data, info.nik, sex, birth, info.region.code, where)


def ensure_niks_free(session: Session, niks: Sequence[str]) -> None:
    """Duplicate NIK: 409 naming the existing card number."""
    seen: set[str] = set()
    for n in niks:
        if n in seen:
            raise Invalid(Msg("error.membership.nik_twice", n=n), field="nik", code="nik_twice", value=n)
        seen.add(n)
    if not niks:
        return
    rows = session.execute(select(ParticipantRow.nik, ParticipantRow.card_number, ParticipantRow.name)
                           .where(ParticipantRow.nik.in_(list(niks)))).first()
    if rows is not None:
        raise Conflict(Msg("error.membership.nik_taken", nik=str(rows.nik), card_number=str(rows.card_number),
                           name=rows.name),
                       nik=rows.nik, card_number=rows.card_number, code="nik_taken")


def resolve_kabkota(code: str) -> tuple[str, str]:
    """kab/kota code → (code, branch code) through the work-area registry."""
    kabkota = load_workareas().kabkota.get(code)
    if kabkota is None:
        resolved = nik_parser.resolve_region_code(code)
        if resolved is None:
            raise Invalid(Msg("error.membership.kabkota_unknown", code=str(code)), field="kabkota_code",
                          code="kabkota_unknown", value=code)
        kabkota = resolved[0]
    return kabkota.code, kabkota.branch_code


def get_fktp(session: Session, code: str, where: str = "fktp_code") -> FacilityRow:
    row = session.get(FacilityRow, code)
    if row is None:
        raise Invalid(Msg("error.membership.fktp_unknown", where=where, code=repr(code)), field=where, code="fktp_unknown", value=code)
    if row.level != "FKTP":
        raise Invalid(Msg("error.membership.fktp_not_fktp", where=where, code=str(code), name=row.name,
                          level=row.level),
                      field=where, code="fktp_not_fktp", value=code)
    return row


# ---------------------------------------------------------------- payers

def _payer(session: Session, code: str, **values) -> PayerRow:
    row = session.scalar(select(PayerRow).where(PayerRow.code == code))
    if row is None:
        if values.get("kind") == "GOVERNMENT":
            cards.insert_ignore(session, PayerRow.__table__, {"code": code, "arrears_amount": 0, "credit": 0,
                                                              "version": 1, "updated_at": dt.datetime.now(dt.timezone.utc),
                                                              **values})
            row = session.scalar(select(PayerRow).where(PayerRow.code == code))
        else:
            row = PayerRow(code=code, **values)
            session.add(row)
            session.flush()
    return row


def government_share_payer(session: Session, code: str) -> PayerRow:
    """The government's account ``code`` (GOVERNMENT_SHARE_ACCOUNTS) for its share of a contribution,
    billed apart from the family, whose own bill, arrears and cover do not depend on it: the part of
    the class III rate of PBPU and BP participants (G-BANTUAN; Perpres 64/2020 Pasal 34, assumption
    A-R05) and the 3% of a state pensioner's pension (G-PENSIUN; Perpres 82/2018, assumption A-R14)."""
    return _payer(session, code, kind="GOVERNMENT", segment="PBI", name=GOVERNMENT_SHARE_ACCOUNTS[code])


def employer_payer(session: Session, employer: EmployerRow) -> PayerRow:
    seg = {"GOVERNMENT": "PPU_PNS", "BUMN": "PPU_BUMN", "BUMD": "PPU_BUMD", "SWASTA": "PPU_SWASTA"}.get(
        employer.sector, "PPU_LAINNYA")
    return _payer(session, f"E{employer.code}", kind="EMPLOYER", segment=seg, name=employer.name,
                  employer_id=employer.id)


def payer_for(session: Session, segment: Segment, family: FamilyRow, head_name: str,
              employer: EmployerRow | None) -> PayerRow:
    """Who is billed (IURAN): the employer for wage earners, the government for PBI and
    veterans (§1, §6), the family itself for PBPU and Bukan Pekerja (§5)."""
    if segment.group is SegmentGroup.PPU:
        return employer_payer(session, employer)
    if segment is Segment.PBI:
        return _payer(session, GOVERNMENT_PBI, kind="GOVERNMENT", segment="PBI", name="Pemerintah (PBI)")
    if segment in VETERAN_SEGMENTS:
        return _payer(session, GOVERNMENT_VETERAN, kind="GOVERNMENT", segment="BP_VETERAN",
                      name="Pemerintah (Veteran / Perintis Kemerdekaan)")
    row = session.scalar(select(PayerRow).where(PayerRow.family_id == family.id))
    if row is None:
        row = _payer(session, f"F{family.id}", kind="FAMILY", segment=segment.value,
                     name=f"Keluarga {head_name}", family_id=family.id)
    else:
        row.segment = segment.value
    return row


# ---------------------------------------------------------------- rules

def check_pension(segment: Segment, as_of: dt.date, pension: int | None, field: str) -> None:
    """A pension is on record only for state pensioners, and required when the rule in force on
    ``as_of`` takes their contribution as a percentage of it (Perpres 82/2018; A-R06, A-R14)."""
    if segment not in STATE_PENSIONERS:
        if pension is not None:
            raise Invalid(Msg("error.membership.pension_not_pensioner", segment=segment.value), field=field,
                          code="pension_not_pensioner")
        return
    if pension is None and isinstance(param_entry("pensioner_contribution_basis", as_of).value, dict):
        raise Invalid(Msg("error.membership.pension_required", segment=segment.value, day=as_of), field=field,
                      code="pension_required")


def head_class(segment: Segment, as_of: dt.date, *, wage, grade, care_class) -> tuple[str, list[Step]]:
    """Room class of the participant (jkn.rules.care_class)."""
    d = rule(entitled_class, segment, as_of, wage=wage, grade=grade, paid_class=care_class, field="care_class")
    return d.value.value, list(d.steps)


def family_member(p: PersonIn | ParticipantRow, relationship: Relationship, birth_date: dt.date) -> FamilyMember:
    return FamilyMember(relationship=relationship, birth_date=birth_date,
                        marital_status=MaritalStatus(p.marital_status), has_income=bool(p.has_income),
                        in_school=bool(p.in_school), name=p.name, education_until=p.education_until)


def check_school(data: PersonIn, relationship: Relationship, where: str) -> None:
    """A child declared in formal education brings the end date on the school's letter: only with it
    does the status last beyond 21 (Anggota Keluarga 1.b; assumption A-M16)."""
    if relationship.is_child and data.in_school and data.education_until is None:
        raise Invalid(Msg("error.membership.education_until_required", where=where),
                      field=f"{where}.education_until", code="education_until_required")


def sort_family(segment: Segment, as_of: dt.date,
                members: Sequence[FamilyMember]) -> tuple[list[str], list[dt.date | None], list[Step]]:
    """Member statuses from the rules engine (jkn.rules.family.check_family) with the last day each
    holds by age (``status_until``, A-M15); refused → 422."""
    d = rule(family_rules.check_family, segment, as_of, list(members), field="members")
    refused = [m for m in d.value.members if m.status is family_rules.MemberStatus.REFUSED]
    if refused:
        reasons = [Msg("family.refused_member", n=m.index + 1,
                       who=m.member.name or Msg(f"rel.{m.member.relationship.value}"), reason=m.reason) for m in refused]
        raise Invalid(Msg("error.membership.family_refused", reasons=reasons), field="members",
                      explanation=d.explain(), refused=[m.index for m in refused], code="family_refused")
    return [m.status.value for m in d.value.members], [m.until for m in d.value.members], list(d.steps)


def check_segment(segment: Segment, as_of: dt.date, person: Person, data: ParticipantIn) -> list[Step]:
    foreign = person.data.nationality == "WNA"
    d = rule(segment_rules.check_eligibility, segment, as_of, foreign=foreign, work_started=data.work_started,
             pbi_designated=data.pbi_designated, field="segment")
    if not d.value:
        raise Invalid(Msg("error.membership.segment_not_eligible", segment=segment_rules.segment_name(segment), as_of=as_of,
                          value=[s.text for s in d.steps if s.decisive]), field="segment", explanation=d.explain(),
                      code="segment_not_eligible")
    return list(d.steps)


# ---------------------------------------------------------------- writing

def record_change(session: Session, *, kind: str, effective_date: dt.date, recorded_on: dt.date, actor: str,
                  request: dict, steps: Sequence[Step], family_id: int | None = None,
                  employer_id: int | None = None) -> DataChangeRow:
    row = DataChangeRow(kind=kind, family_id=family_id, employer_id=employer_id, effective_date=effective_date,
                        recorded_on=recorded_on, actor=actor, request=request,
                        explanation=[s.as_dict() for s in steps])
    session.add(row)
    session.flush()
    return row


def record_history(session: Session, p: ParticipantRow, change: DataChangeRow, before: dict | None,
                   after: dict | None = None) -> None:
    after = after if after is not None else snapshot(p)
    if before is not None:
        before, after = diff(before, after)
        if not after:
            return
    session.add(ParticipantHistoryRow(participant_id=p.id, change_id=change.id, kind=change.kind,
                                      effective_date=change.effective_date, recorded_on=change.recorded_on,
                                      actor=change.actor, before=before, after=after))


def issue_card(session: Session, p: ParticipantRow, reason: str, on: dt.date, change: DataChangeRow | None) -> None:
    session.add(CardIssueRow(participant_id=p.id, print_number=p.card_print, reason=reason, issued_on=on,
                             change_id=change.id if change else None))


def new_participant(session: Session, person: Person, *, card_number: str, family: FamilyRow, relationship: str,
                    member_status: str, segment: Segment, care_class: str, kabkota_code: str, branch_code: str,
                    fktp: FacilityRow, tmt: dt.date, payer: PayerRow | None, address: str | None = None,
                    employer: EmployerRow | None = None, wage: int | None = None, grade: str | None = None,
                    work_started: dt.date | None = None, status_until: dt.date | None = None) -> ParticipantRow:
    d = person.data
    p = ParticipantRow(
        card_number=card_number, nik=person.nik, name=d.name, sex=person.sex, birth_date=person.birth_date,
        nationality=d.nationality, stay_permit=d.stay_permit, work_started=work_started,
        marital_status=MaritalStatus(d.marital_status).value, address=address, kabkota_code=kabkota_code,
        branch_code=branch_code, segment=segment.value, employer_id=employer.id if employer else None, wage=wage,
        grade=grade, rank=None, care_class=care_class, fktp_code=fktp.code, fktp_since=tmt, family_id=family.id,
        relationship=relationship, member_status=member_status, in_school=d.in_school, has_income=d.has_income,
        education_until=d.education_until, status_until=status_until, payer_id=payer.id if payer else None,
        status="ACTIVE", tmt=tmt, covered_from=on_registration(segment, tmt), card_print=1)
    session.add(p)
    return p


def _grade_fields(grade: str | None) -> tuple[str | None, str | None]:
    """Split input into (golongan/ruang, rank name) — a rank name is kept verbatim in ``rank``."""
    if not grade:
        return None, None
    from jkn.domain.care import Grade
    try:
        return str(Grade.parse(grade)), None
    except ValueError:
        from jkn.rules.ranks import grade_of
        g = rule(grade_of, grade, field="grade")
        return str(g.value), grade


def register(session: Session, data: FamilyIn | ParticipantRegistrationIn, *, actor: Actor) -> dict[str, Any]:
    """Register a participant (and family members), with its audit row. Returns the family view
    with card numbers."""
    if isinstance(data, ParticipantRegistrationIn):
        data = data.as_family()
    with unit_of_work(session):
        plan = plan_family(session, data, Lookups(session))
        family = write_family(session, plan, actor=actor.name)
        cards_issued = session.scalars(select(ParticipantRow.card_number).where(ParticipantRow.family_id == family.id)
                                       .order_by(ParticipantRow.id)).all()
        audit.record(session, actor, "participant.register", object_type="family", object_id=family.id,
                     branch_code=plan.branch_code, after={"cards": list(cards_issued)},
                     summary=Msg("audit.sum.registered", segment=Msg(f"segment.{plan.segment.value}"),
                                 n=len(cards_issued), head=cards_issued[0]))
    return family_view(session, family.id)


register_participant = register
register_family = register


class Lookups:
    """Facilities and employers looked up once per request or import."""

    def __init__(self, session: Session):
        self.session = session
        self.fktp: dict[str, FacilityRow] = {}
        self.employers: dict[str, EmployerRow] = {}

    def facility(self, code: str, where: str) -> FacilityRow:
        if code not in self.fktp:
            self.fktp[code] = get_fktp(self.session, code, where)
        return self.fktp[code]

    def employer(self, code: str, where: str) -> EmployerRow:
        if code not in self.employers:
            try:
                e = get_employer(self.session, code)
            except NotFound as exc:
                raise Invalid(exc.message, field=where, code="employer_unknown", value=code) from None
            if e.status != "ACTIVE":
                raise Invalid(Msg("error.membership.employer_inactive", code=str(e.code)), field=where, code="employer_inactive", value=code)
            self.employers[code] = e
        return self.employers[code]


@dataclass
class FamilyPlan:
    """A registration checked by every rule, ready to be written."""

    data: FamilyIn
    segment: Segment
    registered_on: dt.date
    tmt: dt.date
    head: Person
    members: list[Person]
    statuses: list[str]
    status_until: list[dt.date | None]
    cls: str
    member_classes: list[str]
    kabkota_code: str
    branch_code: str
    fktp: FacilityRow
    member_fktps: list[FacilityRow]
    employer: EmployerRow | None
    grade: str | None
    rank: str | None
    steps: list[Step]
    doc_check: Any = None


def plan_family(session: Session, data: FamilyIn, lookups: Lookups, *, check_niks: bool = True,
                documents_mode: str | None = "individual") -> FamilyPlan:
    """Every check of a registration, no writes: identities (NIK), duplicate NIK, work area,
    FKTP, employer, and the rules engine (segment eligibility, class, family, documents)."""
    registered_on = data.registered_on or jakarta_today()
    tmt = data.tmt or registered_on
    h = data.head
    segment = Segment(h.segment)
    head = parse_person(h, "head", registered_on)
    members = [parse_person(m, f"members[{i}]", registered_on) for i, m in enumerate(data.members)]
    if check_niks:
        ensure_niks_free(session, [head.nik] + [m.nik for m in members])
    steps: list[Step] = []
    steps += check_segment(segment, tmt, head, h)
    kabkota_code, branch_code = resolve_kabkota(h.kabkota_code or head.region_code)
    fktp = lookups.facility(h.fktp_code, "head.fktp_code")
    employer = None
    if segment.group is SegmentGroup.PPU:
        if not h.employer_code:
            raise Invalid(Msg("error.membership.employer_required", segment=segment.value), field="head.employer_code",
                          code="employer_required")
        if h.wage is None:
            raise Invalid(Msg("error.membership.wage_required", segment=segment.value), field="head.wage", code="wage_required")
        employer = lookups.employer(h.employer_code, "head.employer_code")
    elif h.employer_code or h.wage is not None:
        raise Invalid(Msg("error.membership.employer_not_ppu", segment=segment.value),
                      field="head.employer_code", code="employer_not_ppu")
    check_pension(segment, tmt, h.pension, "head.pension")
    grade, rank = _grade_fields(h.grade)
    cls, cls_steps = head_class(segment, tmt, wage=h.wage, grade=h.grade, care_class=h.care_class)
    steps += cls_steps
    for m in members:
        check_school(m.data, m.data.relationship, m.where)
    statuses, until, fam_steps = sort_family(segment, tmt, [family_member(m.data, m.data.relationship, m.birth_date)
                                                            for m in members])
    steps += fam_steps if members else []
    member_classes = []
    for m, st in zip(members, statuses):
        if st == "OTHER_RELATIVE":
            if m.data.care_class is None:
                raise Invalid(Msg("error.membership.other_relative_class", where=m.where), field=f"{m.where}.care_class",
                              code="care_class_required")
            member_classes.append(m.data.care_class)
        else:
            member_classes.append(cls)
    fktps = [lookups.facility(m.data.fktp_code, f"{m.where}.fktp_code") if m.data.fktp_code else fktp
             for m in members]
    doc_check = None
    if documents_mode is not None:
        doc_check = documents.demand(documents.form_checklist(data, mode=documents_mode), data.documents_shown)
        steps += doc_check.steps
    return FamilyPlan(data, segment, registered_on, tmt, head, members, statuses, until, cls, member_classes, kabkota_code,
                      branch_code, fktp, fktps, employer, grade, rank, steps, doc_check)


def write_family(session: Session, plan: FamilyPlan, *, actor: str) -> FamilyRow:
    """Write one planned registration (ORM)."""
    h = plan.data.head
    family = FamilyRow(kk_number=plan.data.kk_number)
    session.add(family)
    session.flush()
    payer = payer_for(session, plan.segment, family, h.name, plan.employer)
    numbers = cards.new_card_numbers(session, plan.branch_code, 1 + len(plan.members))
    head_row = new_participant(session, plan.head, card_number=numbers[0], family=family, relationship=HEAD,
                               member_status=HEAD, segment=plan.segment, care_class=plan.cls,
                               kabkota_code=plan.kabkota_code, branch_code=plan.branch_code, fktp=plan.fktp,
                               tmt=plan.tmt, payer=payer, address=h.address, employer=plan.employer, wage=h.wage,
                               grade=plan.grade, work_started=h.work_started)
    head_row.rank, head_row.pension = plan.rank, h.pension
    rows = [head_row]
    for m, st, until, mcls, mf, number in zip(plan.members, plan.statuses, plan.status_until, plan.member_classes,
                                              plan.member_fktps, numbers[1:]):
        rows.append(new_participant(session, m, card_number=number, family=family,
                                    relationship=m.data.relationship.value, member_status=st, segment=plan.segment,
                                    care_class=mcls, kabkota_code=plan.kabkota_code, branch_code=plan.branch_code,
                                    fktp=mf, tmt=plan.tmt, payer=payer, address=h.address, status_until=until))
    session.flush()
    change = record_change(session, kind="REGISTER", effective_date=plan.tmt, recorded_on=plan.registered_on,
                           actor=actor, request=plan.data.model_dump(mode="json"), steps=plan.steps,
                           family_id=family.id, employer_id=plan.employer.id if plan.employer else None)
    for p in rows:
        record_history(session, p, change, None)
        issue_card(session, p, "NEW", plan.registered_on, change)
    documents.record(session, change, plan.doc_check, head_row.id)
    return family


def write_plans(session: Session, plans: Sequence[FamilyPlan], *, actor: str, change: DataChangeRow,
                chunk: int = 5000) -> list[str]:
    """Write many planned registrations with bulk INSERTs (collective import, demo data); one
    ``data_change`` (``change``) stands for the whole batch; each person's history and first card are
    dated on the family's own registration day, as :func:`register` dates them. Returns the heads' card numbers."""
    from sqlalchemy import insert

    now = dt.datetime.now(dt.timezone.utc)
    heads: list[str] = []
    session.info.pop("jkn_payer_ids", None)
    conn = session.connection()
    for start in range(0, len(plans), chunk):
        part = plans[start:start + chunk]
        # card numbers first: the counter UPDATE also takes SQLite's write lock before ids are reserved
        need: dict[str, int] = {}
        for pl in part:
            need[pl.branch_code] = need.get(pl.branch_code, 0) + 1 + len(pl.members)
        pools = {b: iter(cards.new_card_numbers(session, b, n)) for b, n in need.items()}
        shared = [_shared_payer_id(session, pl) if pl.segment.group is SegmentGroup.PPU or pl.segment is Segment.PBI
                  or pl.segment in VETERAN_SEGMENTS else None for pl in part]
        fam_ids = reserve_ids(conn, "family", len(part))
        conn.execute(insert(FamilyRow.__table__), [
            {"id": fid, "kk_number": pl.data.kk_number, "version": 1, "created_at": now, "updated_at": now}
            for pl, fid in zip(part, fam_ids)])
        # payers: employers' and the government's are shared; PBPU / BP families get their own
        own = [i for i, sp in enumerate(shared) if sp is None]
        payer_ids: list[int | None] = list(shared)
        for i, pid in zip(own, reserve_ids(conn, "payer", len(own))):
            payer_ids[i] = pid
        if own:
            conn.execute(insert(PayerRow.__table__), [
                {"id": payer_ids[i], "code": f"F{fam_ids[i]}", "kind": "FAMILY", "segment": part[i].segment.value,
                 "name": f"Keluarga {part[i].data.head.name}"[:160], "family_id": fam_ids[i], "arrears_amount": 0,
                 "credit": 0, "version": 1, "updated_at": now} for i in own])
        rows, days = [], []  # days: each row's registration day, as a single registration records it
        for pl, fid, pid in zip(part, fam_ids, payer_ids):
            h = pl.data.head
            people = [(pl.head, HEAD, HEAD, None, pl.cls, pl.fktp)] + [
                (m, m.data.relationship.value, st, until, c, f)
                for m, st, until, c, f in zip(pl.members, pl.statuses, pl.status_until, pl.member_classes,
                                              pl.member_fktps)]
            for person, rel, st, until, c, f in people:
                d = person.data
                is_head = rel == HEAD
                rows.append({
                    "card_number": next(pools[pl.branch_code]), "nik": person.nik, "name": d.name, "sex": person.sex,
                    "birth_date": person.birth_date, "nationality": d.nationality, "stay_permit": d.stay_permit,
                    "work_started": h.work_started if is_head else None,
                    "marital_status": MaritalStatus(d.marital_status).value, "address": h.address,
                    "kabkota_code": pl.kabkota_code, "branch_code": pl.branch_code, "segment": pl.segment.value,
                    "employer_id": pl.employer.id if (is_head and pl.employer) else None,
                    "wage": h.wage if is_head else None, "pension": h.pension if is_head else None,
                    "grade": pl.grade if is_head else None,
                    "rank": pl.rank if is_head else None, "care_class": c, "fktp_code": f.code, "fktp_since": pl.tmt,
                    "family_id": fid, "relationship": rel, "member_status": st, "in_school": d.in_school,
                    "education_until": d.education_until, "status_until": until, "has_income": d.has_income,
                    "payer_id": pid, "status": "ACTIVE", "status_reason": None, "tmt": pl.tmt,
                    "covered_from": on_registration(pl.segment, pl.tmt), "end_date": None, "card_print": 1,
                    "version": 1, "created_at": now, "updated_at": now})
                days.append(pl.registered_on)
                if is_head:
                    heads.append(rows[-1]["card_number"])
        for row, pid_ in zip(rows, reserve_ids(conn, "participant", len(rows))):
            row["id"] = pid_
        conn.execute(insert(ParticipantRow.__table__), rows)
        hist, issues = [], []
        for row, day in zip(rows, days):
            after = {k: (v.isoformat() if k in DATE_FIELDS and v is not None else v)
                     for k in TRACKED_FIELDS for v in (row.get(k),)}
            hist.append({"participant_id": row["id"], "change_id": change.id, "kind": change.kind,
                         "effective_date": row["tmt"], "recorded_on": day, "recorded_at": now,
                         "actor": actor, "before": None, "after": after})
            issues.append({"participant_id": row["id"], "print_number": 1, "reason": "NEW",
                           "issued_on": day, "change_id": change.id})
        conn.execute(insert(ParticipantHistoryRow.__table__), hist)
        conn.execute(insert(CardIssueRow.__table__), issues)
    return heads


def reserve_ids(conn, table: str, n: int) -> list[int]:
    """``n`` primary keys for rows inserted right after, without RETURNING (bulk inserts stay
    batched): PostgreSQL draws them from the table's sequence; on SQLite the transaction already
    holds the write lock, so the next ids after the largest are free."""
    from sqlalchemy import text

    if n <= 0:
        return []
    if conn.dialect.name == "postgresql":
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar_one()
        return list(conn.execute(text("SELECT nextval(:s) FROM generate_series(1, :n)"), {"s": seq, "n": n}).scalars())
    first = conn.execute(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")).scalar_one()
    return list(range(first, first + n))


def _shared_payer_id(session: Session, plan: FamilyPlan) -> int:
    cache = session.info.setdefault("jkn_payer_ids", {})
    key = (plan.segment.group, plan.employer.id if plan.employer else None, plan.segment in VETERAN_SEGMENTS)
    if key not in cache:
        cache[key] = payer_for(session, plan.segment, None, plan.data.head.name, plan.employer).id
    return cache[key]


# ---------------------------------------------------------------- views

def participant_view(session: Session, p: ParticipantRow, *, fktp: FacilityRow | None = None,
                     employer: EmployerRow | None = None) -> dict[str, Any]:
    fktp = fktp or session.get(FacilityRow, p.fktp_code)
    employer = employer or (session.get(EmployerRow, p.employer_id) if p.employer_id else None)
    payer = session.get(PayerRow, p.payer_id) if p.payer_id else None
    seg = Segment(p.segment)
    view = {k: jsonable(getattr(p, k)) for k in (
        "card_number", "nik", "name", "sex", "birth_date", "nationality", "stay_permit", "work_started",
        "marital_status", "address", "kabkota_code", "branch_code", "segment", "wage", "pension", "grade", "rank",
        "care_class", "fktp_since", "family_id", "relationship", "member_status", "in_school", "education_until",
        "status_until", "has_income", "status", "status_reason", "tmt", "covered_from", "end_date", "card_print",
        "version")}
    view["id"] = p.id
    view["segment_label"] = seg.label
    view["segment_group"] = seg.group.value
    view["fktp"] = {"code": p.fktp_code, "name": fktp.name if fktp else None}
    view["employer"] = {"code": employer.code, "name": employer.name} if employer else None
    view["payer"] = {"code": payer.code, "kind": payer.kind} if payer else None
    branch = load_workareas().branches.get(p.branch_code)
    view["branch"] = {"code": p.branch_code, "name": branch.name if branch else None}
    return view


def get_participant_view(session: Session, card_or_nik: str) -> dict[str, Any]:
    return participant_view(session, get_participant(session, card_or_nik))


def family_view(session: Session, family_id: int, *, where: Any = None) -> dict[str, Any]:
    """A family with its members; ``where`` (jkn.services.portal.auth.participant_filter) keeps only
    the members a caller may open one by one (an employer sees its employee, not the dependants)."""
    family = get_family(session, family_id)
    stmt = select(ParticipantRow).where(ParticipantRow.family_id == family_id)
    if where is not None:
        stmt = stmt.where(where)
    rows = session.scalars(stmt.order_by(ParticipantRow.id)).all()
    head = next((p for p in rows if p.relationship == HEAD), None)
    return {
        "id": family.id, "kk_number": family.kk_number, "version": family.version,
        "head_card_number": head.card_number if head else None,
        "members": [participant_view(session, p) for p in rows],
    }


def list_participants(session: Session, *, q: str | None = None, segment: str | None = None,
                      employer_code: str | None = None, kabkota_code: str | None = None, status: str | None = None,
                      family_id: int | None = None, limit: int = 50, offset: int = 0,
                      where: Any = None) -> dict[str, Any]:
    """Search participants; ``where`` (e.g. jkn.services.portal.auth.participant_filter) limits it to a scope."""
    stmt = select(ParticipantRow)
    if where is not None:
        stmt = stmt.where(where)
    if q:
        q = q.strip()
        if q.isdigit():
            stmt = stmt.where((ParticipantRow.card_number == q) | (ParticipantRow.nik == q))
        else:
            stmt = stmt.where(func.lower(ParticipantRow.name).like(f"%{q.lower()}%"))
    if segment:
        stmt = stmt.where(ParticipantRow.segment == segment)
    if employer_code:
        stmt = stmt.where(ParticipantRow.employer_id == get_employer(session, employer_code).id)
    if kabkota_code:
        stmt = stmt.where(ParticipantRow.kabkota_code == kabkota_code)
    if status:
        stmt = stmt.where(ParticipantRow.status == status)
    if family_id is not None:
        stmt = stmt.where(ParticipantRow.family_id == family_id)
    return page(session, stmt.order_by(ParticipantRow.id), limit, offset, lambda p: participant_view(session, p))
