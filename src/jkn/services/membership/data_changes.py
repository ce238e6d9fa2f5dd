"""Reported data changes (guide, PERUBAHAN DATA KEPESERTAAN; Formulir Perubahan Data Peserta).

1. With a new card: card lost (CARD_LOST), card damaged (CARD_DAMAGED), wrong data on the card
   (CORRECTION). The card number is for life; the print number goes up.
2. Without: change of FKTP (FKTP, only 3 months after registering at the current one — rule
   jkn.rules.check_fktp_change), address (ADDRESS), workplace (EMPLOYER), grade/rank (GRADE, class
   recomputed), participation type (SEGMENT, e.g. active PNS → pensioner), family list (MARRIAGE,
   BIRTH, ADD_MEMBER, CHILD_REPLACEMENT), removal (DEATH, DIVORCE). WAGE (a new wage reported by
   the employer) is not in the guide's list; it recomputes the class and the contribution.
3. A wage earner's child (Anggota Keluarga 1.b): the school's letter with the end date of formal
   education (EDUCATION) makes the status last to it, at the latest to the 25th birthday; a child
   whose status has ended may stay in the family as a member with an own contribution
   (CONTINUE_MEMBER), covered again once it is paid (assumptions A-M15 to A-M17, A-M19).
4. The class a PBPU/BP family pays for (CARE_CLASS): the guide lists no such change; the family
   moves together, as it registered in one class (assumption A-P10).

Every change is checked by the rules engine as of its effective date, needs the documents of the
guide's list, carries the version the clerk read (optimistic lock → 409), and is written with
the audit history of every participant it touches in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.care import MaritalStatus, Relationship
from jkn.domain.segment import Segment, SegmentGroup
from jkn.i18n import Msg, Rp
from jkn.rules.coverage import check_fktp_change
from jkn.reference.workareas import kabkota_label, load_workareas
from jkn.rules.decision import Step, assumption, cite
from jkn.rules.segments import segment_name
from jkn.rules.family import child_status_ends
from jkn.services.billing.corrections import unbill_ended
from jkn.services.billing.cover_start import follow_head, on_registration
from jkn.services.errors import Invalid, NotFound
from jkn.services.membership import basis, cards, documents
from jkn.services.membership.common import (check_version, get_employer, get_participant, jakarta_today, rule, snapshot,
                                            status_reason)
from jkn.services.membership.registration import (
    HEAD,
    _grade_fields,
    check_pension,
    check_school,
    ensure_niks_free,
    family_member,
    get_fktp,
    head_class,
    issue_card,
    new_participant,
    parse_person,
    payer_for,
    record_change,
    record_history,
    resolve_kabkota,
    sort_family,
)
from jkn.services.membership.schemas import ChangeIn, ChangeKind, MemberIn
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import DataChangeRow, FamilyRow, ParticipantRow

ENDED = ("INACTIVE", "DECEASED")


class _Ctx:
    """What one change touches: the participant, the family, the snapshots taken before."""

    def __init__(self, session: Session, p: ParticipantRow, change: ChangeIn, actor: str):
        self.session, self.p, self.change, self.actor = session, p, change, actor
        self.on = change.effective_date
        self.recorded_on = change.recorded_on or jakarta_today()
        self.family = session.get(FamilyRow, p.family_id)
        self.members = list(session.scalars(select(ParticipantRow).where(ParticipantRow.family_id == p.family_id)
                                            .order_by(ParticipantRow.id).with_for_update()))
        self.before = {m.id: snapshot(m) for m in self.members}
        self.steps: list[Step] = []
        self.new_rows: list[ParticipantRow] = []
        self.reprint: str | None = None
        self.doc_check = None

    @property
    def head(self) -> ParticipantRow:
        head = next((m for m in self.members if m.relationship == HEAD), None)
        if head is None:
            raise Invalid(Msg("error.membership.family_no_head", family_id=str(self.p.family_id)))
        return head

    def active(self) -> list[ParticipantRow]:
        return [m for m in self.members if m.status not in ENDED and (m.end_date is None or m.end_date >= self.on)]


def apply_change(session: Session, card_number: str, change: ChangeIn, *, actor: Actor,
                 if_match: int | None = None) -> dict[str, Any]:
    """Apply a reported change to the participant with ``card_number``, with its audit row; return
    the change record."""
    expected = change.version if change.version is not None else if_match
    with unit_of_work(session):
        p = get_participant(session, card_number, for_update=True)
        check_version(p, expected, Msg("stale.participant", card=p.card_number))
        if p.status == "DECEASED":
            raise Invalid(Msg("error.membership.deceased", card_number=str(p.card_number)))
        if change.effective_date < p.tmt and change.kind not in ("CORRECTION", "CARD_LOST", "CARD_DAMAGED"):
            raise Invalid(Msg("error.membership.effective_before_cover", effective_date=change.effective_date,
                              tmt=p.tmt),
                          field="effective_date")
        ctx = _Ctx(session, p, change, actor.name)
        was = snapshot(p)
        HANDLERS[change.kind](ctx)
        _correct_bills(ctx)
        record = _record(ctx)
        before, after = audit.changed(was, snapshot(p))
        audit.record(session, actor, f"participant.change.{change.kind.lower()}", object_type="participant",
                     object_id=p.card_number, branch_code=p.branch_code, before=before,
                     after={**after, "change_id": record.id},
                     summary=Msg("audit.sum.data_change", kind=Msg(f"change.{change.kind}"), day=change.effective_date))
    return change_view(session, record)


# ---------------------------------------------------------------- helpers

def _docs(ctx: _Ctx, member: documents.Person | None = None) -> None:
    """Demand the documents of the change (documents.change_checklist, as every checklist shows them);
    ``member``: the person it concerns when the request names none (CONTINUE_MEMBER)."""
    c = ctx.change
    if member is None and c.member is not None:
        member = documents.person(c.member, ctx.recorded_on, c.member.relationship)
    check = documents.change_checklist(c.kind, ctx.head.segment, ctx.on, member=member, new_segment=c.segment)
    if check is not None:
        ctx.doc_check = documents.demand(check, c.documents_shown)
        ctx.steps += ctx.doc_check.steps


def _need(ctx: _Ctx, *names: str) -> None:
    missing = [n for n in names if getattr(ctx.change, n) in (None, "")]
    if missing:
        raise Invalid(Msg("error.membership.change_needs", kind=Msg(f"change.{ctx.change.kind}"), value=', '.join(missing)),
                      field=missing[0])


def _reclass_family(ctx: _Ctx) -> None:
    """Members who take the head's class (core, additional, PBPU/BP family) follow it."""
    head = ctx.head
    for m in ctx.members:
        if m is not head and m.member_status in ("CORE", "ADDITIONAL", "MEMBER"):
            m.care_class = head.care_class


def _resort(ctx: _Ctx, extra: Sequence[tuple[MemberIn, Any]] = ()) -> list[tuple[str, dt.date | None]]:
    """Re-sort the active family with the rules engine (core / additional / other relative) as of
    the change's date (assumption A-M07), with the last day each status holds by age; members whose
    status has ended are left out, not turned into paying members (A-M15, A-M17). Returns (status,
    status_until) of ``extra`` (new members, in order)."""
    head = ctx.head
    current = [m for m in ctx.active() if m is not head and (m.status_until is None or m.status_until >= ctx.on)]
    proposed = [family_member(m, Relationship(m.relationship), m.birth_date) for m in current]
    proposed += [family_member(data, data.relationship, person.birth_date) for data, person in extra]
    statuses, until, steps = sort_family(Segment(head.segment), ctx.on, proposed)
    ctx.steps += steps
    for m, st, last in zip(current, statuses, until):
        if st == "OTHER_RELATIVE" and m.member_status != "OTHER_RELATIVE":
            m.care_class = m.care_class or head.care_class
        m.member_status, m.status_until = st, last
    return list(zip(statuses, until))[len(current):]


def _correct_bills(ctx: _Ctx) -> None:
    """Cover ended by this change in a month already billed: the bills of later months lose the
    lines the billing rule would not have made (jkn.services.billing.corrections, A-P15)."""
    ended = {m.id: m.end_date for m in ctx.members
             if m.end_date is not None and (ctx.before.get(m.id) or {}).get("end_date") is None}
    for c in unbill_ended(ctx.session, ended):
        key = "change.step.bill_cancelled" if c["cancelled"] else "change.step.bill_corrected"
        ctx.steps.append(Step(Msg(key, month=c["month"], payer=c["payer"], amount=Rp(c["removed"]),
                                  credit=Rp(c["credit"])), assumption("A-P15")))


def _end(p: ParticipantRow, status: str, reason: str, on: dt.date) -> None:
    """End ``p``'s cover; ``reason`` is a code whose words are ``status_reason.<code>`` in the catalogue."""
    p.status, p.status_reason, p.end_date = status, reason, on


def _add_members(ctx: _Ctx, new: Sequence[MemberIn]) -> None:
    head = ctx.head
    people = [parse_person(m, f"member[{i}]", ctx.recorded_on) for i, m in enumerate(new)]
    ensure_niks_free(ctx.session, [x.nik for x in people])
    for data, person in zip(new, people):
        check_school(data, data.relationship, person.where)
    statuses = _resort(ctx, list(zip(new, people)))
    numbers = cards.new_card_numbers(ctx.session, head.branch_code, len(new))
    payer_id = head.payer_id
    for data, person, (st, until), number in zip(new, people, statuses, numbers):
        if st == "OTHER_RELATIVE" and data.care_class is None:
            raise Invalid(Msg("error.membership.other_relative_class_change", where=person.where), field="member.care_class")
        fktp = get_fktp(ctx.session, data.fktp_code, "member.fktp_code") if data.fktp_code else \
            ctx.session.get(FacilityRow, head.fktp_code)
        row = new_participant(ctx.session, person, card_number=number, family=ctx.family,
                              relationship=data.relationship.value, member_status=st, segment=Segment(head.segment),
                              care_class=data.care_class if st == "OTHER_RELATIVE" else head.care_class,
                              kabkota_code=head.kabkota_code, branch_code=head.branch_code, fktp=fktp, tmt=ctx.on,
                              payer=None, address=head.address, status_until=until)
        row.payer_id = payer_id
        ctx.session.flush()
        ctx.members.append(row)
        ctx.new_rows.append(row)


#: the guide's section on data changes
CHANGES = "Perubahan Data Kepesertaan"

# ---------------------------------------------------------------- handlers

def _card(reason: str):
    def handler(ctx: _Ctx) -> None:
        _docs(ctx)
        ctx.p.card_print += 1
        ctx.reprint = reason
        ctx.steps.append(Step(Msg("change.step.card_reprinted", card=ctx.p.card_number, print=str(ctx.p.card_print)),
                              cite(CHANGES, "1")))
    return handler


def _correction(ctx: _Ctx) -> None:
    c = ctx.change
    if c.name is None and c.birth_date is None and c.sex is None:
        raise Invalid(Msg("error.membership.correction_needs"), field="name")
    _docs(ctx)
    p = ctx.p
    if c.birth_date is not None or c.sex is not None:
        from jkn.services.membership.schemas import PersonIn
        person = parse_person(PersonIn(nik=p.nik, name=c.name or p.name, sex=c.sex, birth_date=c.birth_date),
                              "correction", ctx.recorded_on)
        p.birth_date, p.sex = person.birth_date, person.sex
    if c.name is not None:
        p.name = c.name
    p.card_print += 1
    ctx.reprint = "DATA_CORRECTION"


def _fktp(ctx: _Ctx) -> None:
    _need(ctx, "fktp_code")
    p = ctx.p
    new = get_fktp(ctx.session, ctx.change.fktp_code)
    if new.code == p.fktp_code:
        raise Invalid(Msg("error.membership.fktp_same", code=str(new.code)), field="fktp_code")
    d = rule(check_fktp_change, p.fktp_since, ctx.on, field="effective_date")
    ctx.steps += d.steps
    if not d.value:
        raise Invalid(d.answer, field="effective_date", explanation=d.explain())
    _docs(ctx)
    p.fktp_code, p.fktp_since = new.code, ctx.on


def _address(ctx: _Ctx) -> None:
    c = ctx.change
    if c.address is None and c.kabkota_code is None:
        raise Invalid(Msg("error.membership.address_needs"), field="address")
    _docs(ctx)
    p = ctx.p
    movers = [p]
    if p.relationship == HEAD:  # the family moves with its head when they shared the address (A-M10)
        movers += [m for m in ctx.active() if m is not p and m.kabkota_code == p.kabkota_code and m.address == p.address]
    kab = resolve_kabkota(c.kabkota_code) if c.kabkota_code else None
    for m in movers:
        if c.address is not None:
            m.address = c.address
        if kab:
            m.kabkota_code, m.branch_code = kab
    if kab:
        branch = load_workareas().branches.get(kab[1])
        ctx.steps.append(Step(Msg("change.step.kabkota_branch", kabkota=kabkota_label(kab[0]),
                                  branch=f"{branch.name} ({kab[1]})" if branch else kab[1]), "Perdir 19/2017, Lampiran"))


def _must_be_head(ctx: _Ctx) -> ParticipantRow:
    if ctx.p.relationship != HEAD:
        raise Invalid(Msg("error.membership.change_on_head", kind=Msg(f"change.{ctx.change.kind}"),
                          relationship=Msg(f"rel.{ctx.p.relationship}")))
    return ctx.p


def _recompute_class(ctx: _Ctx, p: ParticipantRow, *, care_class: str | None = None) -> None:
    # the class on record is what a PBPU/BP family pays for, and what a wage earner keeps where no wage
    # band is sourced for the date (A-R09); where a band or a grade decides, the rule ignores it
    cls, steps = head_class(Segment(p.segment), ctx.on, wage=p.wage, grade=p.rank or p.grade,
                            care_class=care_class or p.care_class)
    ctx.steps += steps
    p.care_class = cls
    _reclass_family(ctx)


def _employer(ctx: _Ctx) -> None:
    p = _must_be_head(ctx)
    _need(ctx, "employer_code")
    if Segment(p.segment).group is not SegmentGroup.PPU:
        raise Invalid(Msg("error.membership.employer_change_not_ppu", segment=segment_name(Segment(p.segment))))
    try:
        e = get_employer(ctx.session, ctx.change.employer_code)
    except NotFound as exc:
        raise Invalid(exc.message, field="employer_code") from None
    if e.id == p.employer_id:
        raise Invalid(Msg("error.membership.employer_same", code=str(e.code)), field="employer_code")
    if e.status != "ACTIVE":
        raise Invalid(Msg("error.membership.employer_inactive", code=str(e.code)), field="employer_code")
    _docs(ctx)
    _rejoin(ctx, Segment(p.segment))
    p.employer_id = e.id
    if ctx.change.wage is not None:
        p.wage = ctx.change.wage
    payer = payer_for(ctx.session, Segment(p.segment), ctx.family, p.name, e)
    for m in ctx.members:
        m.payer_id = payer.id
    _recompute_class(ctx, p)


def _leaver(ctx: _Ctx) -> None:
    """The employer reports that its worker left: the family's cover under the employer ends on the
    effective date, the last day of the month reported; the employer is billed through that month and
    not after. The guide has no rule for cover after leaving; the family needs another segment
    (PBPU/BP registration, or a new employer by EMPLOYER) (assumption A-P14)."""
    p = _must_be_head(ctx)
    if Segment(p.segment).group is not SegmentGroup.PPU or p.employer_id is None:
        raise Invalid(Msg("error.membership.leaver_not_ppu", segment=segment_name(Segment(p.segment))))
    if p.status in ENDED:
        raise Invalid(Msg("error.membership.not_covered", card_number=str(p.card_number),
                          value=status_reason(p.status_reason) or Msg(f"pstatus.{p.status}")), field="kind")
    if (ctx.on + dt.timedelta(days=1)).day != 1:
        raise Invalid(Msg("error.membership.leaver_month_end", on=ctx.on), field="effective_date")
    for m in ctx.active():
        _end(m, "INACTIVE", "LEFT_EMPLOYER", ctx.on)
    ctx.steps.append(Step(Msg("change.step.leaver", day=ctx.on), assumption("A-P14")))


def _rejoin(ctx: _Ctx, segment: Segment) -> None:
    """A family whose cover under its employer ended (LEAVER) is covered again in its new segment or
    with its new employer from the change's date: after a gap, cover starts as a new registration of
    that segment would (A-P14)."""
    left = [m for m in ctx.members if m.status_reason == "LEFT_EMPLOYER"]
    if not left:
        return
    ended = max(m.end_date for m in left)
    if ctx.on <= ended:
        raise Invalid(Msg("error.membership.rejoin_after", day=ended + dt.timedelta(days=1)), field="effective_date")
    for m in left:
        m.status, m.status_reason, m.end_date = "ACTIVE", None, None
        if ctx.on > ended + dt.timedelta(days=1):
            m.covered_from = on_registration(segment, ctx.on)
    ctx.steps.append(Step(Msg("change.step.rejoin", day=ctx.on), assumption("A-P14")))


def _pension(ctx: _Ctx) -> None:
    """A state pensioner's pension, the basis of the 5% from 2018-10 (Perpres 82/2018; A-R06)."""
    p = _must_be_head(ctx)
    _need(ctx, "pension")
    check_pension(Segment(p.segment), ctx.on, ctx.change.pension, "pension")
    p.pension = ctx.change.pension
    ctx.steps.append(Step(Msg("membership.pension_changed", amount=Rp(ctx.change.pension)),
                          "Perpres 82/2018 (REGS §3); A-R06"))


def _wage(ctx: _Ctx) -> None:
    p = _must_be_head(ctx)
    _need(ctx, "wage")
    if Segment(p.segment).group is not SegmentGroup.PPU:
        raise Invalid(Msg("error.membership.wage_not_ppu", segment=segment_name(Segment(p.segment))))
    p.wage = ctx.change.wage
    ctx.steps.append(Step(Msg("change.step.wage", wage=Rp(ctx.change.wage)), cite("Iuran", "2-3")))
    _recompute_class(ctx, p)


def _grade(ctx: _Ctx) -> None:
    p = _must_be_head(ctx)
    _need(ctx, "grade")
    _docs(ctx)
    p.grade, p.rank = _grade_fields(ctx.change.grade)
    _recompute_class(ctx, p)


def _segment(ctx: _Ctx) -> None:
    p = _must_be_head(ctx)
    _need(ctx, "segment")
    new = Segment(ctx.change.segment)
    if new.value == p.segment:
        raise Invalid(Msg("error.membership.segment_same", new=segment_name(new)), field="segment")
    from jkn.rules.segments import check_eligibility
    d = rule(check_eligibility, new, ctx.on, foreign=p.nationality == "WNA", work_started=p.work_started,
             pbi_designated=True if new is Segment.PBI else None, field="segment")
    ctx.steps += d.steps
    if not d.value:
        raise Invalid(Msg("error.membership.segment_not_eligible_on", new=segment_name(new), on=ctx.on), field="segment",
                      explanation=d.explain())
    _docs(ctx)
    _rejoin(ctx, new)
    employer = None
    if new.group is SegmentGroup.PPU:
        _need(ctx, "employer_code", "wage")
        employer = get_employer(ctx.session, ctx.change.employer_code)
        p.employer_id, p.wage = employer.id, ctx.change.wage
    else:
        p.employer_id, p.wage = None, None
    if ctx.change.grade:
        p.grade, p.rank = _grade_fields(ctx.change.grade)
    for m in ctx.members:
        m.segment = new.value
        m.covered_from = m.covered_from or on_registration(new, ctx.on)  # cover once begun goes on (A-M19)
    payer = payer_for(ctx.session, new, ctx.family, p.name, employer)
    for m in ctx.members:
        m.payer_id = payer.id
    _recompute_class(ctx, p, care_class=ctx.change.care_class)
    _resort(ctx)
    _reclass_family(ctx)


def _care_class(ctx: _Ctx) -> None:
    """The class a PBPU/BP family pays for: the head asks, the whole family moves (A-P10)."""
    p = _must_be_head(ctx)
    _need(ctx, "care_class")
    if Segment(p.segment).group not in (SegmentGroup.PBPU, SegmentGroup.BP):
        raise Invalid(Msg("error.membership.class_follows_segment", segment=p.segment), field="care_class")
    if ctx.change.care_class == p.care_class:
        raise Invalid(Msg("error.membership.class_same", care_class=p.care_class), field="care_class")
    _docs(ctx)
    _recompute_class(ctx, p, care_class=ctx.change.care_class)


def _marriage(ctx: _Ctx) -> None:
    head = _must_be_head(ctx)
    _need(ctx, "member")
    member = ctx.change.member
    if member.relationship is not Relationship.SPOUSE:
        raise Invalid(Msg("error.membership.marriage_needs_spouse"), field="member.relationship")
    _docs(ctx)
    head.marital_status = MaritalStatus.MARRIED.value
    _add_members(ctx, [member.model_copy(update={"marital_status": MaritalStatus.MARRIED})])


def _birth(ctx: _Ctx) -> None:
    _must_be_head(ctx)
    _need(ctx, "member")
    if not ctx.change.member.relationship.is_child:
        raise Invalid(Msg("error.membership.birth_needs_child"),
                      field="member.relationship")
    _docs(ctx)
    _add_members(ctx, [ctx.change.member])


def _add_member(ctx: _Ctx) -> None:
    _must_be_head(ctx)
    _need(ctx, "member")
    m = ctx.change.member
    if m.relationship is Relationship.SPOUSE or m.relationship.is_child:
        raise Invalid(Msg("error.membership.add_member_kind"), field="member.relationship")
    _docs(ctx)
    _add_members(ctx, [m])


def _wage_earners_child(ctx: _Ctx) -> ParticipantRow:
    p = ctx.p
    if p.relationship == HEAD or not Relationship(p.relationship).is_child \
            or Segment(ctx.head.segment).group is not SegmentGroup.PPU:
        raise Invalid(Msg("error.membership.child_of_ppu_only", kind=Msg(f"change.{ctx.change.kind}")),
                      field="kind")
    if p.status in ENDED:
        raise Invalid(Msg("error.membership.not_covered", card_number=str(p.card_number),
                          value=status_reason(p.status_reason) or Msg(f"pstatus.{p.status}")), field="kind")
    return p


def _education(ctx: _Ctx) -> None:
    """The school's letter: the child's status lasts to the end of formal education, at the latest
    to the 25th birthday (Anggota Keluarga 1.b; A-M16)."""
    p = _wage_earners_child(ctx)
    _need(ctx, "education_until")
    if p.member_status not in ("CORE", "ADDITIONAL"):
        raise Invalid(Msg("error.membership.own_contribution", card_number=str(p.card_number),
                          member_status=p.member_status), field="kind")
    _docs(ctx)  # the school's letter of the family's segment (documents.change_checklist)
    p.in_school, p.education_until = True, ctx.change.education_until
    ends = child_status_ends(family_member(p, Relationship(p.relationship), p.birth_date))
    ctx.steps += ends.steps
    p.status_until = ends.value - dt.timedelta(days=1)


def _continue_member(ctx: _Ctx) -> None:
    """A child whose status has ended stays in the family as a member with an own contribution, as
    the rules engine sorts them (A-14: kerabat lain, the flat rate of a class), covered again once
    that contribution is paid (A-M17, A-M19)."""
    p = _wage_earners_child(ctx)
    if p.status_until is None or p.status_until >= ctx.on:
        raise Invalid(Msg("error.membership.child_status_holds", card_number=str(p.card_number),
                          status_until=p.status_until), field="effective_date")
    _need(ctx, "care_class")
    statuses, _until, steps = sort_family(Segment(ctx.head.segment), ctx.on,
                                          [family_member(p, Relationship(p.relationship), p.birth_date)])
    ctx.steps += steps
    _docs(ctx, _continuing(p))  # "Anggota Keluarga Lain"
    p.member_status, p.care_class, p.status_until, p.covered_from = statuses[0], ctx.change.care_class, None, None


def _continuing(p: ParticipantRow) -> documents.Person:
    """The child of a CONTINUE_MEMBER as the documents' conditions ask about them."""
    return documents.Person(Relationship(p.relationship), p.birth_date, p.nationality,
                            MaritalStatus(p.marital_status), bool(p.in_school), bool(p.has_income))


def _child_replacement(ctx: _Ctx) -> None:
    head = ctx.head
    if Segment(head.segment).group is not SegmentGroup.PPU:
        raise Invalid(Msg("error.membership.child_replacement_ppu"))
    _need(ctx, "replaced_card_number", "replaced_reason")
    old = next((m for m in ctx.members if m.card_number == ctx.change.replaced_card_number), None)
    if old is None or old.relationship == HEAD or not Relationship(old.relationship).is_child:
        raise Invalid(Msg("error.membership.not_a_child_here",
                          replaced_card_number=str(ctx.change.replaced_card_number)), field="replaced_card_number")
    if old.status in ENDED:
        raise Invalid(Msg("error.membership.child_not_covered", card_number=str(old.card_number)), field="replaced_card_number")
    _docs(ctx)
    reason = ctx.change.replaced_reason
    if reason == "DECEASED":
        _end(old, "DECEASED", "CHILD_DECEASED_REPLACED", ctx.on)
    else:
        if reason == "MARRIED":
            old.marital_status = MaritalStatus.MARRIED.value
        elif reason == "HAS_INCOME":
            old.has_income = True
        _end(old, "INACTIVE", f"REPLACED_{reason}", ctx.on)
    ctx.steps.append(Step(Msg("change.step.child_leaves", card=old.card_number, name=old.name,
                              reason=Msg(f"change.replaced.{reason}")), cite(CHANGES, "2.f")))
    if ctx.change.member is not None:
        if not ctx.change.member.relationship.is_child:
            raise Invalid(Msg("error.membership.replacing_must_be_child"), field="member.relationship")
        _add_members(ctx, [ctx.change.member])
    else:
        _resort(ctx)


def _death(ctx: _Ctx) -> None:
    _docs(ctx)
    _end(ctx.p, "DECEASED", "DECEASED", ctx.on)
    if ctx.p.relationship == HEAD:
        ctx.steps.append(Step(Msg("change.step.head_died", segment=segment_name(Segment(ctx.p.segment))),
                              assumption("A-M06")))
    else:
        _resort(ctx)


def _divorce(ctx: _Ctx) -> None:
    p = ctx.p
    if p.relationship != Relationship.SPOUSE.value:
        raise Invalid(Msg("error.membership.divorce_on_spouse"), field="kind")
    _docs(ctx)
    _end(p, "INACTIVE", "DIVORCED", ctx.on)
    p.marital_status = MaritalStatus.DIVORCED.value
    head = ctx.head
    if not any(m for m in ctx.active() if m.relationship == Relationship.SPOUSE.value):
        head.marital_status = MaritalStatus.DIVORCED.value


HANDLERS = {
    "CARD_LOST": _card("LOST"), "CARD_DAMAGED": _card("DAMAGED"), "CORRECTION": _correction, "FKTP": _fktp,
    "ADDRESS": _address, "EMPLOYER": _employer, "WAGE": _wage, "PENSION": _pension, "GRADE": _grade, "SEGMENT": _segment,
    "MARRIAGE": _marriage, "BIRTH": _birth, "ADD_MEMBER": _add_member, "CHILD_REPLACEMENT": _child_replacement,
    "DEATH": _death, "DIVORCE": _divorce, "EDUCATION": _education, "CONTINUE_MEMBER": _continue_member,
    "CARE_CLASS": _care_class, "LEAVER": _leaver,
}


def _record(ctx: _Ctx) -> DataChangeRow:
    s = ctx.session
    s.flush()
    follow_head(s, "participant.family_id = :fam", {"fam": ctx.family.id}, ctx.on)  # new or re-sorted core (A-M19)
    for m in ctx.members:
        s.expire(m, ["covered_from"])
    change = record_change(s, kind=ctx.change.kind, effective_date=ctx.on, recorded_on=ctx.recorded_on,
                           actor=ctx.actor, request={"card_number": ctx.p.card_number,
                                                      **ctx.change.model_dump(mode="json", exclude_none=True)},
                           steps=ctx.steps, family_id=ctx.family.id,
                           employer_id=ctx.head.employer_id)
    basis.record(s, change, ctx.members, ctx.before)  # what bills read until the change takes effect (A-P12)
    for m in ctx.members:
        before = ctx.before.get(m.id)
        record_history(s, m, change, before)
        if before is None:
            issue_card(s, m, "NEW", ctx.recorded_on, change)
    if ctx.reprint:
        issue_card(s, ctx.p, ctx.reprint, ctx.recorded_on, change)
    documents.record(s, change, ctx.doc_check, ctx.p.id)
    s.flush()
    return change


# ---------------------------------------------------------------- reading

def change_view(session: Session, change: DataChangeRow, *, where: Any = None) -> dict[str, Any]:
    """A change with what it did to each participant; ``where`` (jkn.services.portal.auth.participant_filter)
    keeps the participants a caller may open one by one."""
    from jkn.store.membership_tables import DocumentShownRow, ParticipantHistoryRow
    stmt = select(ParticipantHistoryRow).where(ParticipantHistoryRow.change_id == change.id)
    if where is not None:
        stmt = stmt.where(ParticipantHistoryRow.participant_id.in_(select(ParticipantRow.id).where(where)))
    hist = session.scalars(stmt.order_by(ParticipantHistoryRow.id)).all()
    cards_by_id = dict(session.execute(select(ParticipantRow.id, ParticipantRow.card_number).where(
        ParticipantRow.id.in_([h.participant_id for h in hist]))).all()) if hist else {}
    docs = session.scalars(select(DocumentShownRow).where(DocumentShownRow.change_id == change.id)
                           .order_by(DocumentShownRow.id)).all()
    return {
        "id": change.id, "kind": change.kind, "effective_date": change.effective_date.isoformat(),
        "recorded_on": change.recorded_on.isoformat(), "recorded_at": change.recorded_at.isoformat(),
        "actor": change.actor, "family_id": change.family_id,
        "participants": [{"card_number": cards_by_id.get(h.participant_id), "before": h.before, "after": h.after}
                         for h in hist],
        "documents": [{"code": d.code, "text": d.label, "required": d.required, "shown": d.shown} for d in docs],
        "explanation": change.explanation,
    }


def list_changes(session: Session, card_number: str, *, where: Any = None) -> list[dict[str, Any]]:
    """Every change that touched the participant (``where``: as in :func:`change_view`)."""
    from jkn.store.membership_tables import ParticipantHistoryRow
    p = get_participant(session, card_number)
    ids = session.scalars(select(ParticipantHistoryRow.change_id).where(ParticipantHistoryRow.participant_id == p.id)
                          .order_by(ParticipantHistoryRow.id)).all()
    rows = session.scalars(select(DataChangeRow).where(DataChangeRow.id.in_(ids)).order_by(DataChangeRow.id)).all()
    return [change_view(session, r, where=where) for r in rows]


def change_checklist(kind: str, card_number: str | None = None, session: Session | None = None, *,
                     segment: Segment | str | None = None, on: dt.date | None = None,
                     member: documents.Person | None = None,
                     new_segment: Segment | str | None = None) -> dict[str, Any]:
    """The documents a change needs, as ``apply_change`` demands them: for the participant with
    ``card_number`` (or a participant of ``segment``), effective ``on`` (default today), adding
    ``member`` or moving to ``new_segment`` (documents.change_checklist)."""
    if kind not in get_args(ChangeKind):
        raise Invalid(Msg("error.membership.change_kind_unknown", kind=repr(kind),
                          value=', '.join(get_args(ChangeKind))), field="kind")
    if card_number and session is not None:
        p = get_participant(session, card_number)
        segment = p.segment
        if kind == "CONTINUE_MEMBER" and member is None:  # the child who stays, as apply_change demands
            member = _continuing(p)
    if segment is None:
        raise Invalid(Msg("error.membership.change_list_needs"), field="segment")
    check = documents.change_checklist(kind, segment, on or jakarta_today(), member=member, new_segment=new_segment)
    if check is None:
        return {"title": kind, "items": [], "missing": [], "explanation": []}
    return check.as_dict()
