"""Complaint pages: the branch queue, recording a complaint from any channel, the complaint with
its history and the workflow buttons; the participant's own complaints and form."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.i18n import Msg
from jkn.reference.names import display_name
from jkn.services.errors import DomainError, Forbidden
from jkn.services.portal import complaints
from jkn.services.portal.accounts import PARTICIPANT
from jkn.services.portal.auth import require, visible_branches
from jkn.services.unit_of_work import unit_of_work
from jkn.store.membership_tables import ParticipantRow
from jkn.store.reference_tables import KabKotaRow
from jkn.web.form_values import read_version
from jkn.web.security import CurrentPortal, Portal, csrf_protect, page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]
JAKARTA = ZoneInfo("Asia/Jakarta")


def _form_choices(session: Session, portal: Portal) -> dict:
    regions = [{"code": code, "name": display_name(name), "province": display_name(province)}
               for code, name, province in session.execute(select(KabKotaRow.code, KabKotaRow.name, KabKotaRow.province)
                                                           .order_by(KabKotaRow.province, KabKotaRow.name))]
    return {"channels": [c for c in complaints.CHANNELS if c != "PORTAL"], "categories": list(complaints.CATEGORIES),
            "regions": regions}


def _received(date_text: str, time_text: str) -> dt.datetime | None:
    if not date_text:
        return None
    try:
        day = dt.date.fromisoformat(date_text)
        clock = dt.time.fromisoformat(time_text) if time_text else dt.time(0, 0)
    except ValueError:
        from jkn.services.errors import Invalid

        raise Invalid(Msg("error.web.received_format"), field="received_at") from None
    return dt.datetime.combine(day, clock, JAKARTA).astimezone(dt.timezone.utc)


# --- the queue (office) ------------------------------------------------------------------------


@router.get("/pengaduan", response_class=HTMLResponse)
def queue(request: Request, portal: CurrentPortal, session: DB, status: str = "", branch: str = "",
          all: str = "", ok: str = ""):
    if portal.role == PARTICIPANT:
        return RedirectResponse("/peserta/pengaduan", status_code=303)
    require(portal.scope, "complaint.handle")
    rows = complaints.list_complaints(session, portal.scope, status=status or None, branch_code=branch or None,
                                      open_only=not all and not status)
    items = [complaints.view(session, r) for r in rows]
    counts = complaints.counts_by_status(session, portal.scope)
    branches = visible_branches(session, portal.scope) if portal.scope.branch_code is None else []
    return page(request, portal, "complaints/queue.html", items=items, counts=counts, status=status,
                branch=branch, show_all=bool(all), branches=branches, ok=ok)


@router.get("/pengaduan/baru", response_class=HTMLResponse)
def record_form(request: Request, portal: CurrentPortal, session: DB, participant: str = ""):
    require(portal.scope, "complaint.record")
    return page(request, portal, "complaints/record.html", form={"participant": participant},
                **_form_choices(session, portal))


@router.post("/pengaduan/baru", response_class=HTMLResponse)
def record(request: Request, portal: CurrentPortal, session: DB, channel: Annotated[str, Form()] = "",
           category: Annotated[str, Form()] = "", subject: Annotated[str, Form()] = "",
           description: Annotated[str, Form()] = "", participant: Annotated[str, Form()] = "",
           complainant_name: Annotated[str, Form()] = "", contact: Annotated[str, Form()] = "",
           kabkota_code: Annotated[str, Form()] = "", facility_code: Annotated[str, Form()] = "",
           received_date: Annotated[str, Form()] = "", received_time: Annotated[str, Form()] = ""):
    require(portal.scope, "complaint.record")
    form = dict(channel=channel, category=category, subject=subject, description=description, participant=participant,
                complainant_name=complainant_name, contact=contact, kabkota_code=kabkota_code,
                facility_code=facility_code, received_date=received_date, received_time=received_time)
    try:
        with unit_of_work(session):
            row = complaints.file_complaint(
                session, portal.actor, portal.scope, channel=channel, category=category, subject=subject,
                description=description, participant=participant or None, complainant_name=complainant_name or None,
                contact=contact or None, kabkota_code=kabkota_code or None, facility_code=facility_code or None,
                received_at=_received(received_date, received_time))
            number, branch_code = row.number, row.branch_code
    except DomainError as exc:
        return page(request, portal, "complaints/record.html", status_code=exc.status, error=exc.say, form=form,
                    **_form_choices(session, portal))
    if portal.scope.sees_branch(branch_code):
        return RedirectResponse(f"/pengaduan/{number}?ok=filed", status_code=303)
    # recorded for another branch's participant: the officer gets the number, not the file
    return page(request, portal, "complaints/routed.html", number=number, branch_code=branch_code)


# --- one complaint -----------------------------------------------------------------------------


@router.get("/pengaduan/{number}", response_class=HTMLResponse)
def detail(request: Request, portal: CurrentPortal, session: DB, number: str, ok: str = ""):
    row = complaints.get_complaint(session, portal.scope, number)
    data = complaints.view(session, row, with_events=True)
    officers = complaints.assignable_officers(session, row) if portal.scope.is_office else []
    may_handle = portal.scope.can("complaint.handle") and portal.scope.sees_branch(row.branch_code)
    return page(request, portal, "complaints/detail.html", c=data, officers=officers, may_handle=may_handle, ok=ok)


def _act(request: Request, portal: Portal, session: Session, number: str, ok: str, call) -> HTMLResponse:
    try:
        with unit_of_work(session):
            call()
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        row = complaints.get_complaint(session, portal.scope, number)
        data = complaints.view(session, row, with_events=True)
        officers = complaints.assignable_officers(session, row) if portal.scope.is_office else []
        may_handle = portal.scope.can("complaint.handle") and portal.scope.sees_branch(row.branch_code)
        return page(request, portal, "complaints/detail.html", status_code=exc.status, c=data, officers=officers,
                    may_handle=may_handle, error=exc.say)
    back = "/peserta/pengaduan" if portal.role == PARTICIPANT and ok in ("closed",) else f"/pengaduan/{number}"
    return RedirectResponse(f"{back}?ok={ok}", status_code=303)


@router.post("/pengaduan/{number}/tugaskan", response_class=HTMLResponse)
def assign(request: Request, portal: CurrentPortal, session: DB, number: str,
           assignee: Annotated[str, Form()] = "", version: Annotated[str, Form()] = ""):
    return _act(request, portal, session, number, "assigned", lambda: complaints.assign(
        session, portal.actor, portal.scope, number, assignee or None, version=read_version(version)))


@router.post("/pengaduan/{number}/jawab", response_class=HTMLResponse)
def answer(request: Request, portal: CurrentPortal, session: DB, number: str,
           answer: Annotated[str, Form()] = "", version: Annotated[str, Form()] = ""):
    return _act(request, portal, session, number, "answered", lambda: complaints.answer(
        session, portal.actor, portal.scope, number, answer, version=read_version(version)))


@router.post("/pengaduan/{number}/tutup", response_class=HTMLResponse)
def close(request: Request, portal: CurrentPortal, session: DB, number: str,
          note: Annotated[str, Form()] = "", version: Annotated[str, Form()] = ""):
    return _act(request, portal, session, number, "closed", lambda: complaints.close(
        session, portal.actor, portal.scope, number, note or None, version=read_version(version)))


@router.post("/pengaduan/{number}/buka-kembali", response_class=HTMLResponse)
def reopen(request: Request, portal: CurrentPortal, session: DB, number: str,
           note: Annotated[str, Form()] = "", version: Annotated[str, Form()] = ""):
    return _act(request, portal, session, number, "reopened", lambda: complaints.reopen(
        session, portal.actor, portal.scope, number, note, version=read_version(version)))


# --- the participant's complaints --------------------------------------------------------------


def _family(session: Session, portal: Portal) -> list[ParticipantRow]:
    return list(session.scalars(select(ParticipantRow).where(ParticipantRow.family_id == portal.scope.family_id)
                                .order_by(ParticipantRow.id)))


@router.get("/peserta/pengaduan", response_class=HTMLResponse)
def my_complaints(request: Request, portal: CurrentPortal, session: DB, ok: str = ""):
    require(portal.scope, "complaint.file")
    items = [complaints.view(session, r) for r in complaints.list_complaints(session, portal.scope)]
    family = _family(session, portal)
    return page(request, portal, "complaints/mine.html", items=items, family=family,
                categories=list(complaints.CATEGORIES), ok=ok, form={})


@router.post("/peserta/pengaduan", response_class=HTMLResponse)
def file_mine(request: Request, portal: CurrentPortal, session: DB, category: Annotated[str, Form()] = "",
              subject: Annotated[str, Form()] = "", description: Annotated[str, Form()] = "",
              participant: Annotated[str, Form()] = "", contact: Annotated[str, Form()] = ""):
    require(portal.scope, "complaint.file")
    try:
        with unit_of_work(session):
            row = complaints.file_complaint(session, portal.actor, portal.scope, channel="PORTAL", category=category,
                                            subject=subject, description=description,
                                            participant=participant or None, contact=contact or None)
            number = row.number
    except DomainError as exc:
        items = [complaints.view(session, r) for r in complaints.list_complaints(session, portal.scope)]
        family = _family(session, portal)
        return page(request, portal, "complaints/mine.html", status_code=exc.status, error=exc.say, items=items,
                    family=family, categories=list(complaints.CATEGORIES),
                    form={"category": category, "subject": subject, "description": description,
                          "participant": participant, "contact": contact})
    return RedirectResponse(f"/pengaduan/{number}?ok=filed", status_code=303)
