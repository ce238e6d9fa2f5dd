"""Data changes a participant asks for from the portal (issue #15): a newborn (BIRTH), another family
member (ADD_MEMBER), an address (ADDRESS) or the class a PBPU/BP family pays for (CARE_CLASS), with
the documents of the guide's list uploaded as files. A branch officer of the participant's branch
approves the request, which applies it through the same service as the officer's own form
(``data_changes.apply_change``), or refuses it with a reason; the participant sees the status.

On the list of a request, the form items are the request itself and "Kartu Peserta" is the card of
the signed-in participant; every other document is a file (assumption A-P08)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.bounds import check_length
from jkn.services.errors import Forbidden, Invalid, NotFound, validation_message
from jkn.services.membership import data_changes, documents, uploads
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.schemas import ChangeIn
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.portal.auth import Scope
from jkn.services.unit_of_work import unit_of_work
from jkn.store.membership_tables import ParticipantRow
from jkn.store.request_tables import ChangeRequestFileRow, ChangeRequestRow

KINDS = ("BIRTH", "ADD_MEMBER", "ADDRESS", "CARE_CLASS")
#: kinds the family's head reports, whoever of the family asks (the data-change service wants the head)
FAMILY_KINDS = ("BIRTH", "ADD_MEMBER", "CARE_CLASS")
#: the longest refusal reason kept, refused beyond (A-S16)
REASON_SIZE = 500


def subject(session: Session, me: ParticipantRow, kind: str) -> ParticipantRow:
    """Whom the change is about: the head for a family change, else the participant who asks."""
    if kind not in FAMILY_KINDS or me.relationship == "HEAD":
        return me
    head = session.scalar(select(ParticipantRow).where(ParticipantRow.family_id == me.family_id,
                                                       ParticipantRow.relationship == "HEAD"))
    return head or me


def stands_for_itself(item: dict) -> bool:
    """A form of the list (the request is the form) or the participant's card (the signed-in account's card)."""
    return item["kind"] == "form" or "kartu peserta" in item["text"].casefold()


def next_month(today: dt.date) -> dt.date:
    """The first day of the month after ``today``: a new class is billed from the next month's bill (A-P10)."""
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def effective_date(kind: str, today: dt.date) -> dt.date:
    return next_month(today) if kind == "CARE_CLASS" else today


def checklist(session: Session, me: ParticipantRow, kind: str, member: documents.Person | None = None) -> dict:
    """The change's documents, each marked ``upload`` (a file is needed) or not (A-P08)."""
    if kind not in KINDS:
        raise Invalid(Msg("error.request.kind", kind=kind), field="kind")
    check = data_changes.change_checklist(kind, subject(session, me, kind).card_number, session, on=effective_date(kind, jakarta_today()),
                                          member=member)
    for item in check["items"]:
        item["upload"] = not stands_for_itself(item)
    return check


def _change(kind: str, data: dict, shown: Sequence[str]) -> ChangeIn:
    try:
        return ChangeIn.model_validate({**data, "kind": kind, "documents_shown": list(shown)})
    except ValidationError as exc:
        raise Invalid(validation_message(exc.errors()), field="kind") from None


def submit(session: Session, me: ParticipantRow, kind: str, data: dict[str, Any], files: Sequence[uploads.Upload], *,
           actor: Actor) -> dict:
    """Record the request with its files (each checked: size, type); refused (nothing kept in the
    database) when a field is malformed, a file is bad, or a document of the list has no file."""
    data = {**data, "effective_date": effective_date(kind, jakarta_today()).isoformat()}
    change = _change(kind, data, [])
    member = documents.person(change.member, jakarta_today(), change.member.relationship) if change.member else None
    check = checklist(session, me, kind, member)
    wanted = {i["code"] for i in check["items"] if i["upload"]}
    given = {f.document_code: f for f in files if f.content or f.file_name}
    unknown = sorted(set(given) - wanted)
    if unknown:
        raise Invalid(Msg("error.request.document_unknown", value=", ".join(unknown)), field="documents")
    missing = [i for i in check["items"] if i["upload"] and i["code"] not in given]
    if missing:
        raise Invalid(Msg("error.request.documents_missing", value="; ".join(i["text"] for i in missing)),
                      field=f"file_{missing[0]['code']}")
    kinds = {code: uploads.check(f) for code, f in given.items()}
    _rehearse(session, subject(session, me, kind), _change(kind, data, [i["code"] for i in check["items"]]), actor)
    with unit_of_work(session):
        row = ChangeRequestRow(participant_id=me.id, branch_code=me.branch_code, kind=kind,
                               data=change.model_dump(mode="json", exclude_none=True,
                                                      exclude={"kind", "documents_shown", "version"}),
                               status="SUBMITTED", submitted_by=actor.name)
        session.add(row)
        session.flush()
        for code, f in given.items():
            stored = uploads.store(f.content, kinds[code])
            session.add(ChangeRequestFileRow(request_id=row.id, document_code=code, file_name=f.file_name[:200],
                                             content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                             stored_path=stored.path))
        audit.record(session, actor, "change_request.submit", object_type="change_request", object_id=row.id,
                     branch_code=me.branch_code, summary=Msg("audit.sum.change_request", kind=Msg(f"change.{kind}"),
                                                             card=me.card_number))
    return request_view(session, row)


class _Rehearsal(Exception):
    """Ends a rehearsal: everything it wrote is rolled back."""


def _rehearse(session: Session, target: ParticipantRow, change: ChangeIn, actor: Actor) -> None:
    """Run the change as the officer would apply it (documents taken as shown) and roll it back, so
    that a change the rules refuse today (same class, not the head, a NIK already registered...) is
    refused when asked, not days later at the branch."""
    try:
        with unit_of_work(session):
            data_changes.apply_change(session, target.card_number, change, actor=actor)
            raise _Rehearsal
    except _Rehearsal:
        session.expire_all()


def request_view(session: Session, row: ChangeRequestRow) -> dict:
    p = session.get(ParticipantRow, row.participant_id)
    files = session.scalars(select(ChangeRequestFileRow).where(ChangeRequestFileRow.request_id == row.id)
                            .order_by(ChangeRequestFileRow.document_code)).all()
    return {"id": row.id, "kind": row.kind, "status": row.status, "data": row.data,
            "card_number": p.card_number, "name": p.name, "branch_code": row.branch_code,
            "submitted_by": row.submitted_by, "submitted_at": row.submitted_at,
            "decided_by": row.decided_by, "decided_at": row.decided_at, "refusal_reason": row.refusal_reason,
            "change_id": row.change_id,
            "files": [{"id": f.id, "document_code": f.document_code, "file_name": f.file_name,
                       "content_type": f.content_type, "size": f.size, "sha256": f.sha256} for f in files]}


def for_family(session: Session, family_id: int) -> list[dict]:
    """The requests of a family, newest first (what the participant sees)."""
    rows = session.scalars(select(ChangeRequestRow).join(ParticipantRow, ParticipantRow.id == ChangeRequestRow.participant_id)
                           .where(ParticipantRow.family_id == family_id)
                           .order_by(ChangeRequestRow.id.desc())).all()
    return [request_view(session, r) for r in rows]


def for_office(session: Session, scope: Scope, *, status: str = "SUBMITTED", limit: int = 200) -> list[dict]:
    """The requests of the branches an officer sees, oldest first (a queue)."""
    stmt = select(ChangeRequestRow).where(ChangeRequestRow.status == status)
    if scope.branch_codes is not None:
        stmt = stmt.where(ChangeRequestRow.branch_code.in_(scope.branch_codes))
    return [request_view(session, r) for r in session.scalars(stmt.order_by(ChangeRequestRow.id).limit(limit))]


def get(session: Session, request_id: int, scope: Scope, *, for_update: bool = False) -> ChangeRequestRow:
    """A request an officer of its branch (or the participant's family) may read; 404/403 otherwise."""
    stmt = select(ChangeRequestRow).where(ChangeRequestRow.id == request_id)
    row = session.scalar(stmt.with_for_update() if for_update else stmt)
    if row is None:
        raise NotFound(Msg("error.request.unknown", number=str(request_id)))
    if scope.is_office:
        if not scope.sees_branch(row.branch_code):
            raise Forbidden(Msg("error.request.other_branch"))
    elif session.get(ParticipantRow, row.participant_id).family_id != scope.family_id:
        raise Forbidden(Msg("error.request.not_yours"))
    return row


def file_content(session: Session, request_id: int, file_id: int, scope: Scope) -> tuple[ChangeRequestFileRow, bytes]:
    get(session, request_id, scope)
    f = session.get(ChangeRequestFileRow, file_id)
    if f is None or f.request_id != request_id:
        raise NotFound(Msg("error.upload.missing"))
    return f, uploads.read(f.stored_path, f.sha256)


def _pending(row: ChangeRequestRow) -> None:
    if row.status != "SUBMITTED":
        raise Invalid(Msg("error.request.decided", number=str(row.id)), field="status")


def approve(session: Session, request_id: int, scope: Scope, *, actor: Actor, documents_seen: Sequence[str]) -> dict:
    """Apply the request through ``data_changes.apply_change`` with the documents the officer has
    seen (the items that stand for themselves and the files they ticked); the rules decide as on
    the officer's own form, and a refusal leaves the request waiting. The change's own audit row
    (``participant.change.<kind>``, naming the officer) is the approval's record; the request keeps
    the change's id."""
    with unit_of_work(session):
        row = get(session, request_id, scope, for_update=True)
        _pending(row)
        p = session.get(ParticipantRow, row.participant_id)
        change = _change(row.kind, row.data, [])
        member = documents.person(change.member, jakarta_today(), change.member.relationship) if change.member else None
        check = checklist(session, p, row.kind, member)
        files = {f["document_code"] for f in request_view(session, row)["files"]}
        shown = [i["code"] for i in check["items"]
                 if not i["upload"] or (i["code"] in files and i["code"] in set(documents_seen))]
        target = subject(session, p, row.kind)
        made = data_changes.apply_change(session, target.card_number, _change(row.kind, row.data, shown), actor=actor)
        row.status, row.change_id = "APPROVED", made["id"]
        row.decided_by, row.decided_at = actor.name, dt.datetime.now(dt.timezone.utc)
    return request_view(session, row)


def refuse(session: Session, request_id: int, scope: Scope, *, actor: Actor, reason: str) -> dict:
    """Refuse the request with the reason the participant will read."""
    reason = check_length(reason, "reason", REASON_SIZE, Msg("request.reason"))
    if not reason:
        raise Invalid(Msg("error.request.reason_required"), field="reason")
    with unit_of_work(session):
        row = get(session, request_id, scope, for_update=True)
        _pending(row)
        row.status, row.refusal_reason = "REFUSED", reason
        row.decided_by, row.decided_at = actor.name, dt.datetime.now(dt.timezone.utc)
        audit.record(session, actor, "change_request.refuse", object_type="change_request", object_id=row.id,
                     branch_code=row.branch_code, after={"status": "REFUSED", "reason": row.refusal_reason})
    return request_view(session, row)
