"""Data-change requests (issue #15): the participant asks for a change with the documents as files
and follows its status (``/peserta/perubahan``); a branch officer reads the request and its files,
approves it (the change is applied by the same service as the officer's own form) or refuses it
with a reason (``/petugas/permohonan``). jkn.services.membership.change_requests decides."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from jkn.api.deps import get_session
from jkn.domain.care import Relationship
from jkn.services.errors import DomainError, Forbidden
from jkn.services.membership import change_requests, registration
from jkn.services.membership.uploads import Upload
from jkn.services.portal import auth
from jkn.services.portal.accounts import OFFICE_ROLES, PARTICIPANT
from jkn.store.membership_tables import ParticipantRow
from jkn.web.officer_pages import Form_, change_fields
from jkn.web.participant_pages import _me
from jkn.web.security import Portal, csrf_protect, page, role_required

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]
Participant = Annotated[Portal, Depends(role_required(PARTICIPANT))]
Office = Annotated[Portal, Depends(role_required(*OFFICE_ROLES))]
#: the inputs each request kind shows
FIELDS = {"BIRTH": ("member",), "ADD_MEMBER": ("member",), "ADDRESS": ("address",), "CARE_CLASS": ("care_class",)}
RELATIONSHIPS = {"BIRTH": [r for r in Relationship if r.is_child],
                 "ADD_MEMBER": [r for r in Relationship if not r.is_child and r is not Relationship.SPOUSE]}


def _kind(kind: str) -> str:
    kind = (kind or "").upper()
    return kind if kind in change_requests.KINDS else "BIRTH"


# --- the participant ---------------------------------------------------------------------------


@router.get("/peserta/perubahan", response_class=HTMLResponse)
def my_requests(request: Request, portal: Participant, session: DB, ok: str = ""):
    me = _me(session, portal)
    return page(request, portal, "participant/requests.html", ok=ok, kinds=change_requests.KINDS,
                requests=change_requests.for_family(session, me.family_id))


def _request_form(request: Request, portal: Portal, session: Session, kind: str, values: dict,
                  status_code: int = 200, error=None) -> Response:
    me = _me(session, portal)
    return page(request, portal, "participant/request_form.html", status_code=status_code, error=error, kind=kind,
                kinds=change_requests.KINDS, fields=FIELDS[kind], values=values,
                relationships=RELATIONSHIPS.get(kind, []), p=registration.participant_view(session, me),
                checklist=change_requests.checklist(session, me, kind))


@router.get("/peserta/perubahan/baru", response_class=HTMLResponse)
def request_form(request: Request, portal: Participant, session: DB, kind: str = "BIRTH"):
    return _request_form(request, portal, session, _kind(kind), {})


@router.post("/peserta/perubahan/baru", response_class=HTMLResponse)
async def send_request(request: Request, portal: Participant, session: DB, form: Form_):
    kind = _kind(str(form.get("kind") or ""))
    files = []
    for name, value in form.multi_items():
        if name.startswith("file_") and isinstance(value, UploadFile) and value.filename:
            files.append(Upload(name[len("file_"):], value.filename, await value.read()))
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        change_requests.submit(session, _me(session, portal), kind, change_fields(form), files, actor=portal.actor)
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        return _request_form(request, portal, session, kind, values, exc.status, exc.say)
    return RedirectResponse("/peserta/perubahan?ok=request_sent", status_code=303)


def _file(session: Session, portal: Portal, request_id: int, file_id: int) -> Response:
    f, content = change_requests.file_content(session, request_id, file_id, portal.scope)
    return Response(content, media_type=f.content_type,
                    headers={"Content-Disposition": f'inline; filename="{f.document_code.replace("/", "-")}'
                                                    f'{"." + f.stored_path.rsplit(".", 1)[-1]}"',
                             "X-Content-Type-Options": "nosniff"})


@router.get("/peserta/perubahan/{request_id}/berkas/{file_id}")
def my_file(portal: Participant, session: DB, request_id: int, file_id: int):
    return _file(session, portal, request_id, file_id)


# --- the branch officer ------------------------------------------------------------------------


@router.get("/petugas/permohonan", response_class=HTMLResponse)
def queue(request: Request, portal: Office, session: DB, status: str = "SUBMITTED", ok: str = ""):
    status = status if status in ("SUBMITTED", "APPROVED", "REFUSED") else "SUBMITTED"
    return page(request, portal, "officer/requests.html", ok=ok, status=status,
                requests=change_requests.for_office(session, portal.scope, status=status))


def _detail(request: Request, portal: Portal, session: Session, request_id: int, status_code: int = 200,
            error=None, ok: str = "") -> Response:
    row = change_requests.get(session, request_id, portal.scope)
    view = change_requests.request_view(session, row)
    p = session.get(ParticipantRow, row.participant_id)
    checklist = change_requests.checklist(session, p, row.kind) if row.status == "SUBMITTED" else None
    files = {f["document_code"]: f for f in view["files"]}
    return page(request, portal, "officer/request.html", status_code=status_code, error=error, ok=ok, r=view,
                checklist=checklist, files=files)


@router.get("/petugas/permohonan/{request_id}", response_class=HTMLResponse)
def request_detail(request: Request, portal: Office, session: DB, request_id: int, ok: str = ""):
    return _detail(request, portal, session, request_id, ok=ok)


@router.post("/petugas/permohonan/{request_id}/setujui", response_class=HTMLResponse)
def approve(request: Request, portal: Office, session: DB, request_id: int, form: Form_):
    auth.require(portal.scope, "participant.change")
    try:
        change_requests.approve(session, request_id, portal.scope, actor=portal.actor,
                                documents_seen=form.getlist("documents"))
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        return _detail(request, portal, session, request_id, exc.status, exc.say)
    return RedirectResponse(f"/petugas/permohonan/{request_id}?ok=request_approved", status_code=303)


@router.post("/petugas/permohonan/{request_id}/tolak", response_class=HTMLResponse)
def refuse(request: Request, portal: Office, session: DB, request_id: int, form: Form_):
    auth.require(portal.scope, "participant.change")
    try:
        change_requests.refuse(session, request_id, portal.scope, actor=portal.actor,
                               reason=str(form.get("reason") or ""))
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        return _detail(request, portal, session, request_id, exc.status, exc.say)
    return RedirectResponse(f"/petugas/permohonan/{request_id}?ok=request_refused", status_code=303)


@router.get("/petugas/permohonan/{request_id}/berkas/{file_id}")
def officer_file(portal: Office, session: DB, request_id: int, file_id: int):
    return _file(session, portal, request_id, file_id)
