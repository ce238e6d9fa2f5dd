"""Complaints (penyampaian informasi dan keluhan): filing, routing, the status workflow, answers.

Guide (seed 001): HAK DAN KEWAJIBAN PESERTA, Hak 4 — a participant may bring complaints,
criticism and suggestions, orally or in writing, to a BPJS Kesehatan office; PENYAMPAIAN
INFORMASI DAN KELUHAN — the local office and its hotline, BPJS staff at a partner facility,
the information centre 500 400. A complaint is routed to the branch that serves the
participant's kab/kota (Perdir 19/2017 work areas) and moves NEW → ASSIGNED → ANSWERED →
CLOSED (assumption A-P02); the answer is due ``complaint_answer_days`` after receipt
(assumption A-P01). Every step is a ``complaint_event`` and an audit row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.domain.timestamps import as_utc, utcnow
from jkn.reference.names import display_name
from jkn.reference.offices import contact_centre
from jkn.rules.parameters import ParamEntry, entry_in_force, load_param_file
from jkn.services.bounds import check_length
from jkn.services.errors import Conflict, Forbidden, Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.accounts import BRANCH_OFFICER, OFFICE_ROLES
from jkn.services.portal.audit import Actor
from jkn.services.portal.auth import PARTICIPANT, Scope
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import ParticipantRow
from jkn.store.portal_tables import ComplaintEventRow, ComplaintRow, UserAccountRow
from jkn.store.reference_tables import BranchRow, KabKotaRow

JAKARTA = ZoneInfo("Asia/Jakarta")
GUIDE = "seeds/001_d5e14434fcbc8e18.txt"

NEW, ASSIGNED, ANSWERED, CLOSED = "NEW", "ASSIGNED", "ANSWERED", "CLOSED"
OPEN_STATUSES = (NEW, ASSIGNED, ANSWERED)
#: the longest complainant name and contact kept (their columns), refused beyond (A-S16)
NAME_SIZE = 120


@dataclass(frozen=True)
class Channel:
    code: str
    guide_kind: str | None  # the kind in reference/data/contact_centre.toml, None if not in the guide
    source: str


#: How a complaint reached BPJS Kesehatan. Each maps to a channel the guide names
#: (``contact_centre().channels``); PORTAL (this web portal) is not in the guide (A-P03).
CHANNELS: dict[str, Channel] = {c.code: c for c in (
    Channel("BRANCH_OFFICE", "branch_office_and_hotline",
            f"{GUIDE}, PENYAMPAIAN INFORMASI DAN KELUHAN 1 (Kantor BPJS Kesehatan setempat)"),
    Channel("HOTLINE", "branch_office_and_hotline",
            f"{GUIDE}, PENYAMPAIAN INFORMASI DAN KELUHAN 1 (Hot Line Service)"),
    Channel("FACILITY_STAFF", "staff_at_facility",
            f"{GUIDE}, PENYAMPAIAN INFORMASI DAN KELUHAN 2 (Petugas BPJS Kesehatan di Fasilitas Kesehatan)"),
    Channel("CALL_CENTRE", "call_centre",
            f"{GUIDE}, PENYAMPAIAN INFORMASI DAN KELUHAN 3 (Pusat Layanan Informasi 500 400)"),
    Channel("WRITTEN", "written_or_oral_to_office",
            f"{GUIDE}, HAK DAN KEWAJIBAN PESERTA, Hak 4 (secara lisan atau tertulis ke Kantor BPJS Kesehatan)"),
    Channel("PORTAL", None, "assumption A-P03: filed by the participant on this portal (docs/assumptions.md)"),
)}

#: What is brought: a complaint, a request for information, criticism or a suggestion (Hak 4 and
#: the section title "Penyampaian Informasi dan Keluhan").
CATEGORIES: dict[str, str] = {
    "COMPLAINT": f"{GUIDE}, HAK DAN KEWAJIBAN PESERTA, Hak 4 (keluhan/pengaduan)",
    "INFORMATION": f"{GUIDE}, PENYAMPAIAN INFORMASI DAN KELUHAN (informasi)",
    "SUGGESTION": f"{GUIDE}, HAK DAN KEWAJIBAN PESERTA, Hak 4 (kritik dan saran)",
}


@lru_cache(maxsize=1)
def _params() -> dict[str, list[ParamEntry]]:
    return load_param_file("complaints")


def parameter(name: str, on: dt.date) -> ParamEntry:
    """The complaint parameter in force on ``on`` (dated like the rules' parameters)."""
    return entry_in_force(_params(), name, on)


def answer_due(received_at: dt.datetime) -> tuple[dt.datetime, ParamEntry]:
    entry = parameter("complaint_answer_days", received_at.astimezone(JAKARTA).date())
    return received_at + dt.timedelta(days=int(entry.value)), entry




def check_channels_match_guide() -> list[str]:
    """Channel kinds used here that the shipped contact-centre data does not know (should be [])."""
    kinds = {c.kind for c in contact_centre().channels}
    return [c.code for c in CHANNELS.values() if c.guide_kind is not None and c.guide_kind not in kinds]


# --- filing ----------------------------------------------------------------------------------


def _find_participant(session: Session, key: str) -> ParticipantRow:
    key = key.strip()
    column = ParticipantRow.nik if len(key) == 16 else ParticipantRow.card_number
    row = session.scalar(select(ParticipantRow).where(column == key))
    if row is None:
        raise NotFound(Msg("error.complaint.participant_unknown", participant=repr(key)), field="participant")
    return row


def _event(session: Session, complaint: ComplaintRow, actor: Actor, action: str, from_status: str | None,
           note: str | None = None, at: dt.datetime | None = None) -> None:
    session.add(ComplaintEventRow(complaint_id=complaint.id, at=at or utcnow(), actor=actor.name, action=action,
                                  from_status=from_status, to_status=complaint.status, note=note))


def file_complaint(session: Session, actor: Actor, scope: Scope | None, *, channel: str, category: str,
                   subject: str, description: str, participant: str | None = None,
                   complainant_name: str | None = None, contact: str | None = None,
                   kabkota_code: str | None = None, facility_code: str | None = None,
                   received_at: dt.datetime | None = None, now: dt.datetime | None = None) -> ComplaintRow:
    """Record a complaint (inside the caller's transaction) and route it to the branch of the
    participant's kab/kota, or of the complainant's when not a participant (assumption A-P04).

    A participant (``scope.role == PARTICIPANT``) files for themselves or a family member over
    the PORTAL channel; an office user records one received over any channel, for a participant
    (card number or NIK) or for someone not (yet) registered (then ``kabkota_code`` and the
    name are required).
    """
    now = now or utcnow()
    channel = (channel or "").strip().upper()
    category = (category or "").strip().upper()
    if channel not in CHANNELS:
        raise Invalid(Msg("error.complaint.channel_unknown", channel=repr(channel), value=', '.join(CHANNELS)), field="channel")
    if category not in CATEGORIES:
        raise Invalid(Msg("error.complaint.category_unknown", category=repr(category),
                          value=', '.join(CATEGORIES)), field="category")
    subject, description = (subject or "").strip(), (description or "").strip()
    if not subject:
        raise Invalid(Msg("error.complaint.subject_required"), field="subject")
    if len(subject) > 160:
        raise Invalid(Msg("error.complaint.subject_long"), field="subject")
    if not description:
        raise Invalid(Msg("error.complaint.description_required"), field="description")
    if len(description) > 5000:
        raise Invalid(Msg("error.complaint.description_long"), field="description")

    person: ParticipantRow | None = None
    if scope is not None and scope.role == PARTICIPANT:
        if channel != "PORTAL":
            raise Invalid(Msg("error.complaint.participant_portal"), field="channel")
        person = _find_participant(session, participant) if participant else session.get(ParticipantRow, scope.participant_id)
        if person is None or person.family_id != scope.family_id:
            raise Forbidden(Msg("error.complaint.own_family"))
    elif scope is not None and not scope.can("complaint.record"):
        raise Forbidden(Msg("error.complaint.role_may_not"))
    elif participant:
        person = _find_participant(session, participant)

    if person is not None:
        region_code = person.kabkota_code
        name = check_length(complainant_name, "complainant_name", NAME_SIZE, Msg("complaint.complainant")) or person.name
    else:
        if not kabkota_code:
            raise Invalid(Msg("error.complaint.kabkota_required"), field="kabkota_code")
        region_code = kabkota_code.strip()
        name = check_length(complainant_name, "complainant_name", NAME_SIZE, Msg("complaint.complainant"))
        if not name:
            raise Invalid(Msg("error.complaint.name_required"), field="complainant_name")
    region = session.get(KabKotaRow, region_code)
    if region is None:
        raise NotFound(Msg("error.complaint.kabkota_unknown", region_code=repr(region_code)), field="kabkota_code")
    if facility_code:
        if session.get(FacilityRow, facility_code.strip()) is None:
            raise NotFound(Msg("error.complaint.facility_unknown", facility_code=repr(facility_code)), field="facility_code")
        facility_code = facility_code.strip()
    elif channel == "FACILITY_STAFF":
        raise Invalid(Msg("error.complaint.facility_required"), field="facility_code")

    received = as_utc(received_at) or now
    if received > now + dt.timedelta(minutes=5):
        raise Invalid(Msg("error.complaint.received_future"), field="received_at")
    due, _entry = answer_due(received)
    row = ComplaintRow(
        number="tmp-" + uuid.uuid4().hex[:20], channel=channel, category=category, subject=subject,
        description=description, participant_id=person.id if person else None, complainant_name=name,
        complainant_contact=check_length(contact, "contact", NAME_SIZE, Msg("complaint.contact")), kabkota_code=region.code,
        branch_code=region.branch_code, facility_code=facility_code or None, status=NEW,
        filed_by_id=actor.user_id, received_at=received, due_at=due,
    )
    session.add(row)
    session.flush()
    row.number = f"{region.branch_code}-{received.astimezone(JAKARTA):%Y}-{row.id:06d}"
    session.flush()
    _event(session, row, actor, "FILED", None, f"{channel} / {category}", at=now)
    audit.record(session, actor, "complaint.file", object_type="complaint", object_id=row.number,
                 branch_code=row.branch_code,
                 summary=Msg("audit.sum.complaint_filed", channel=Msg(f"complaint.channel.{channel}"),
                             category=Msg(f"complaint.category.{category}"), subject=subject),
                 after={"status": NEW, "branch": row.branch_code, "kabkota": row.kabkota_code,
                        "participant": person.card_number if person else None})
    return row


# --- reading ---------------------------------------------------------------------------------


def visible_filter(session: Session, scope: Scope):
    """WHERE clause: the complaints ``scope`` may see."""
    if scope.is_office:
        return ComplaintRow.id.isnot(None) if scope.branch_codes is None else ComplaintRow.branch_code.in_(scope.branch_codes)
    if scope.role == PARTICIPANT and scope.family_id is not None:
        family = select(ParticipantRow.id).where(ParticipantRow.family_id == scope.family_id)
        return or_(ComplaintRow.participant_id.in_(family), ComplaintRow.filed_by_id == scope.user_id)
    return ComplaintRow.id.is_(None)


def get_complaint(session: Session, scope: Scope, number: str, *, for_update: bool = False) -> ComplaintRow:
    stmt = select(ComplaintRow).where(ComplaintRow.number == number.strip())
    if for_update:
        stmt = stmt.with_for_update()
    row = session.scalar(stmt)
    if row is None:
        raise NotFound(Msg("error.complaint.unknown", number=repr(number)))
    if session.scalar(select(ComplaintRow.id).where(ComplaintRow.id == row.id, visible_filter(session, scope))) is None:
        raise Forbidden(Msg("error.scope.complaint_other_branch") if scope.is_office else Msg("error.scope.complaint_not_yours"))
    return row


def list_complaints(session: Session, scope: Scope, *, status: str | None = None, branch_code: str | None = None,
                    open_only: bool = False, limit: int = 200) -> list[ComplaintRow]:
    stmt = (select(ComplaintRow).where(visible_filter(session, scope))
            .order_by(ComplaintRow.received_at.desc(), ComplaintRow.id.desc()).limit(limit))
    if status:
        stmt = stmt.where(ComplaintRow.status == status.upper())
    if open_only:
        stmt = stmt.where(ComplaintRow.status != CLOSED)
    if branch_code:
        stmt = stmt.where(ComplaintRow.branch_code == branch_code)
    return list(session.scalars(stmt))


def events(session: Session, complaint: ComplaintRow) -> list[ComplaintEventRow]:
    return list(session.scalars(select(ComplaintEventRow).where(ComplaintEventRow.complaint_id == complaint.id)
                                .order_by(ComplaintEventRow.at, ComplaintEventRow.id)))


def time_taken(row: ComplaintRow) -> dt.timedelta | None:
    answered = as_utc(row.answered_at)
    return answered - as_utc(row.received_at) if answered else None


def is_overdue(row: ComplaintRow, now: dt.datetime | None = None) -> bool:
    """Not answered by its due time (answered late counts as overdue too)."""
    now = now or utcnow()
    due, answered = as_utc(row.due_at), as_utc(row.answered_at)
    if answered is not None:
        return answered > due
    return row.status != CLOSED and now > due


def format_duration(delta: dt.timedelta | None) -> str | None:
    """'2 d 3 h' / '5 h 12 min' — days, hours, minutes."""
    if delta is None:
        return None
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


def view(session: Session, row: ComplaintRow, *, now: dt.datetime | None = None, with_events: bool = False) -> dict:
    """A complaint as plain data (API and pages); times in UTC ISO plus Jakarta display strings."""
    now = now or utcnow()
    person = session.get(ParticipantRow, row.participant_id) if row.participant_id else None
    assignee = session.get(UserAccountRow, row.assigned_to_id) if row.assigned_to_id else None
    branch = session.get(BranchRow, row.branch_code)
    region = session.get(KabKotaRow, row.kabkota_code)
    taken = time_taken(row)

    def iso(v):
        v = as_utc(v)
        return v.isoformat() if v else None

    def local(v):
        v = as_utc(v)
        return v.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M") if v else None

    data = {
        "number": row.number, "status": row.status, "channel": row.channel, "channel_source": CHANNELS[row.channel].source,
        "category": row.category, "subject": row.subject, "description": row.description,
        "participant": {"card_number": person.card_number, "name": person.name} if person else None,
        "complainant_name": row.complainant_name, "complainant_contact": row.complainant_contact,
        "kabkota": {"code": row.kabkota_code, "name": display_name(region.name) if region else None},
        "branch": {"code": row.branch_code, "name": branch.name if branch else None},
        "facility_code": row.facility_code,
        "assigned_to": assignee.username if assignee else None,
        "assigned_to_name": assignee.full_name if assignee else None,
        "received_at": iso(row.received_at), "due_at": iso(row.due_at), "assigned_at": iso(row.assigned_at),
        "answered_at": iso(row.answered_at), "closed_at": iso(row.closed_at),
        "received_local": local(row.received_at), "due_local": local(row.due_at),
        "answered_local": local(row.answered_at), "closed_local": local(row.closed_at),
        "answer": row.answer,
        "time_taken_minutes": int(taken.total_seconds() // 60) if taken else None,
        "time_taken": format_duration(taken),
        "age": format_duration(now - as_utc(row.received_at)),
        "age_minutes": int((now - as_utc(row.received_at)).total_seconds() // 60),
        "overdue": is_overdue(row, now),
        "sla_source": parameter("complaint_answer_days", as_utc(row.received_at).astimezone(JAKARTA).date()).source,
        "version": row.version,
    }
    if with_events:
        data["events"] = [{"at": iso(e.at), "at_local": local(e.at), "actor": e.actor, "action": e.action,
                           "from_status": e.from_status, "to_status": e.to_status, "note": e.note}
                          for e in events(session, row)]
    return data


# --- the workflow ----------------------------------------------------------------------------


def _check_version(row: ComplaintRow, expected: int | None) -> None:
    if expected is not None and row.version != expected:
        raise Conflict(Msg("error.complaint.stale", number=str(row.number)),
                       current_version=row.version)


def _require_handler(scope: Scope, row: ComplaintRow) -> None:
    if not scope.can("complaint.handle") or not scope.sees_branch(row.branch_code):
        raise Forbidden(Msg("error.complaint.branch_only"))


def assignable_officers(session: Session, row: ComplaintRow) -> list[UserAccountRow]:
    """Active branch officers of the complaint's branch."""
    return list(session.scalars(select(UserAccountRow).where(
        UserAccountRow.role == BRANCH_OFFICER, UserAccountRow.branch_code == row.branch_code,
        UserAccountRow.active.is_(True)).order_by(UserAccountRow.username)))


def assign(session: Session, actor: Actor, scope: Scope, number: str, assignee: str | None = None, *,
           version: int | None = None, now: dt.datetime | None = None) -> ComplaintRow:
    """NEW or ASSIGNED → ASSIGNED to ``assignee`` (a user name; default: the actor)."""
    now = now or utcnow()
    row = get_complaint(session, scope, number, for_update=True)
    _require_handler(scope, row)
    _check_version(row, version)
    if row.status not in (NEW, ASSIGNED):
        raise Conflict(Msg("error.complaint.assign_state", number=str(row.number), status=row.status))
    target_name = (assignee or "").strip() or actor.name
    target = session.scalar(select(UserAccountRow).where(func.lower(UserAccountRow.username) == target_name.lower()))
    if target is None or not target.active:
        raise NotFound(Msg("error.complaint.user_unknown", target_name=repr(target_name)), field="assignee")
    if target.role not in OFFICE_ROLES or (target.role == BRANCH_OFFICER and target.branch_code != row.branch_code):
        raise Invalid(Msg("error.complaint.not_branch_officer", username=target.username,
                          branch_code=str(row.branch_code)), field="assignee")
    before = {"status": row.status, "assigned_to": row.assigned_to_id}
    previous = row.status
    row.status, row.assigned_to_id, row.assigned_at = ASSIGNED, target.id, now
    _event(session, row, actor, "ASSIGNED", previous, f"to {target.username}", at=now)
    audit.record(session, actor, "complaint.assign", object_type="complaint", object_id=row.number,
                 branch_code=row.branch_code, summary=Msg("audit.sum.complaint_assigned", user=target.username),
                 before=before, after={"status": ASSIGNED, "assigned_to": target.id})
    session.flush()
    return row


def answer(session: Session, actor: Actor, scope: Scope, number: str, text: str, *, version: int | None = None,
           now: dt.datetime | None = None) -> ComplaintRow:
    """ASSIGNED → ANSWERED (a NEW complaint is first assigned to whoever answers it)."""
    now = now or utcnow()
    text = (text or "").strip()
    if not text:
        raise Invalid(Msg("error.complaint.answer_required"), field="answer")
    row = get_complaint(session, scope, number, for_update=True)
    _require_handler(scope, row)
    _check_version(row, version)
    if row.status == NEW:
        assign(session, actor, scope, number, actor.name, now=now)
    if row.status != ASSIGNED:
        raise Conflict(Msg("error.complaint.answer_state", number=str(row.number), status=row.status))
    row.status, row.answer, row.answered_at = ANSWERED, text, now
    _event(session, row, actor, "ANSWERED", ASSIGNED, text, at=now)
    minutes = int(time_taken(row).total_seconds() // 60)
    audit.record(session, actor, "complaint.answer", object_type="complaint", object_id=row.number,
                 branch_code=row.branch_code, summary=Msg("audit.sum.complaint_answered", minutes=minutes),
                 before={"status": ASSIGNED}, after={"status": ANSWERED})
    session.flush()
    return row


def close(session: Session, actor: Actor, scope: Scope, number: str, note: str | None = None, *,
          version: int | None = None, now: dt.datetime | None = None) -> ComplaintRow:
    """ANSWERED → CLOSED, by the participant's family or by an officer of the branch."""
    now = now or utcnow()
    row = get_complaint(session, scope, number, for_update=True)
    if scope.is_office:
        _require_handler(scope, row)
    _check_version(row, version)
    if row.status != ANSWERED:
        raise Conflict(Msg("error.complaint.close_state", number=str(row.number), status=row.status))
    row.status, row.closed_at = CLOSED, now
    _event(session, row, actor, "CLOSED", ANSWERED, (note or "").strip() or None, at=now)
    audit.record(session, actor, "complaint.close", object_type="complaint", object_id=row.number,
                 branch_code=row.branch_code, before={"status": ANSWERED}, after={"status": CLOSED})
    session.flush()
    return row


def reopen(session: Session, actor: Actor, scope: Scope, number: str, note: str, *, version: int | None = None,
           now: dt.datetime | None = None) -> ComplaintRow:
    """ANSWERED → ASSIGNED (to the same officer): the answer did not resolve it; ``note`` says why."""
    now = now or utcnow()
    note = (note or "").strip()
    if not note:
        raise Invalid(Msg("error.complaint.reopen_reason"), field="note")
    row = get_complaint(session, scope, number, for_update=True)
    if scope.is_office:
        _require_handler(scope, row)
    _check_version(row, version)
    if row.status != ANSWERED:
        raise Conflict(Msg("error.complaint.reopen_state", number=str(row.number), status=row.status))
    row.status, row.answered_at = ASSIGNED, None
    _event(session, row, actor, "REOPENED", ANSWERED, note, at=now)
    audit.record(session, actor, "complaint.reopen", object_type="complaint", object_id=row.number,
                 branch_code=row.branch_code, summary=note, before={"status": ANSWERED}, after={"status": ASSIGNED})
    session.flush()
    return row


def counts_by_status(session: Session, scope: Scope) -> dict[str, int]:
    rows = session.execute(select(ComplaintRow.status, func.count()).where(visible_filter(session, scope))
                           .group_by(ComplaintRow.status)).all()
    out = {s: 0 for s in (NEW, ASSIGNED, ANSWERED, CLOSED)}
    out.update({s: int(n) for s, n in rows})
    return out

