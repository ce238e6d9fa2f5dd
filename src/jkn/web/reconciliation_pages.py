"""The daily reconciliation of a bank's payments, for head office (issue #15): the bank's CSV file of
a day is compared with what the bank posted through ``/h2h`` (jkn.services.billing.h2h.reconcile),
and every line that differs is shown with the reason. Nothing is written. Banks settle with head
office, so the page is for head office and administrators (a branch sees its payments on the payers'
statements and its audit page)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.i18n import Msg
from jkn.services.billing import banks, h2h
from jkn.services.errors import DomainError, Invalid, NotFound
from jkn.services.membership.common import jakarta_today
from jkn.services.portal.accounts import ADMIN, HEAD_OFFICE
from jkn.web.security import Portal, csrf_protect, page, role_required

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]
HeadOffice = Annotated[Portal, Depends(role_required(ADMIN, HEAD_OFFICE))]
MAX_FILE = 10 * 1024 * 1024


def _form(request: Request, portal: Portal, session: Session, status_code: int = 200, **context):
    return page(request, portal, "officer/reconciliation.html", status_code=status_code,
                banks=[b for b in banks.list_banks(session) if b["active"]],
                today=jakarta_today().isoformat(), **context)


@router.get("/petugas/rekonsiliasi", response_class=HTMLResponse)
def reconciliation_form(request: Request, portal: HeadOffice, session: DB):
    return _form(request, portal, session)


@router.post("/petugas/rekonsiliasi", response_class=HTMLResponse)
def reconcile(request: Request, portal: HeadOffice, session: DB, file: Annotated[UploadFile, File()],
              bank: Annotated[str, Form()] = "", day: Annotated[str, Form()] = ""):
    values = {"bank": bank, "day": day}
    try:
        auth = banks.load_auth(session, bank)
        if auth is None:
            raise NotFound(Msg("error.reconcile.bank_unknown", bank=bank))
        try:
            on = dt.date.fromisoformat(day)
        except ValueError:
            raise Invalid(Msg("error.web.date_format"), field="day") from None
        try:
            text = file.file.read(MAX_FILE).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid(Msg("error.h2h.file_encoding"), field="file") from None
        report = h2h.reconcile(session, auth, on, text)
    except DomainError as exc:
        return _form(request, portal, session, exc.status, error=exc.say, values=values)
    return _form(request, portal, session, report=report, values=values)
