"""Employer pages: staff and wages, collective registration upload with the per-row error report,
monthly bills and their payment status. An employer administrator sees only their company."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.services.billing import statements
from jkn.services.errors import DomainError
from jkn.services.membership import collective_import, employers
from jkn.services.portal import auth
from jkn.services.portal.accounts import EMPLOYER_ADMIN
from jkn.store.membership_tables import EmployerRow
from jkn.web.rendering import request_language
from jkn.web.security import Portal, csrf_protect, page, role_required

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]
Employer = Annotated[Portal, Depends(role_required(EMPLOYER_ADMIN))]
MAX_UPLOAD = 20 * 1024 * 1024  # 20 MB


def _employer(session: Session, portal: Portal) -> EmployerRow:
    return session.get(EmployerRow, portal.scope.employer_id)


@router.get("/pemberi-kerja", response_class=HTMLResponse)
def staff_page(request: Request, portal: Employer, session: DB, offset: int = 0):
    e = _employer(session, portal)
    view = employers.employer_view(session, e)
    staff = employers.employees(session, e.code, limit=200, offset=max(0, offset),
                                where=auth.participant_filter(portal.scope))
    return page(request, portal, "employer/staff.html", employer=view, staff=staff)


@router.get("/pemberi-kerja/tagihan", response_class=HTMLResponse)
def bills_page(request: Request, portal: Employer, session: DB):
    e = _employer(session, portal)
    view = employers.employer_view(session, e)
    statement = statements.employer_statement(session, e.code)
    return page(request, portal, "employer/bills.html", employer=view, statement=statement)


@router.get("/pemberi-kerja/unggah", response_class=HTMLResponse)
def upload_form(request: Request, portal: Employer, session: DB):
    view = employers.employer_view(session, _employer(session, portal))
    return page(request, portal, "employer/upload.html", employer=view, report=None)


@router.get("/pemberi-kerja/templat.{fmt}")
def template(portal: Employer, fmt: str):
    fmt = "csv" if fmt == "csv" else "xlsx"
    media = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(collective_import.template_bytes(fmt), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="templat-pendaftaran-kolektif.{fmt}"'})


@router.post("/pemberi-kerja/unggah", response_class=HTMLResponse)
def upload(request: Request, portal: Employer, session: DB, file: Annotated[UploadFile, File()]):
    e = _employer(session, portal)
    view = employers.employer_view(session, e)
    data = file.file.read(MAX_UPLOAD + 1)
    lang = request_language(request)
    if len(data) > MAX_UPLOAD:
        return page(request, portal, "employer/upload.html", status_code=413, employer=view, report=None,
                    error_key="upload.too_big")
    try:
        result = collective_import.import_file(session, data, filename=file.filename or "upload",
                                               employer_code=e.code, actor=portal.actor)
    except DomainError as exc:
        return page(request, portal, "employer/upload.html", status_code=exc.status, employer=view, report=None,
                    error=exc.say)
    report = result.as_dict(lang)
    return page(request, portal, "employer/upload.html", status_code=200 if result.ok else 422, employer=view,
                report=report, filename=file.filename)
