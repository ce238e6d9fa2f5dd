"""The hospital desk's page for its own Mobile JKN web service (issue #14): register the base URL,
user and password the hospital gives BPJS, see what is registered (never the password), remove it
(jkn then keeps the participant's queue itself). The same use cases as ``jkn care mobilejkn``
(:mod:`jkn.services.care.mobile_jkn_services`); docs/antrean.md §6."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.services.care import mobile_jkn_services
from jkn.services.errors import DomainError
from jkn.web.desk_pages import _hospital
from jkn.web.facility_pages import Staff
from jkn.web.officer_pages import Form_, _text
from jkn.web.security import Portal, csrf_protect, page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]


def _page(request: Request, portal: Portal, session: Session, *, status_code: int = 200, **extra):
    return page(request, portal, "facility/mobile_jkn_service.html", status_code=status_code,
                service=mobile_jkn_services.registered(session, portal.scope.facility_code), **extra)


@router.get("/faskes/mobile-jkn", response_class=HTMLResponse)
def show(request: Request, portal: Staff, session: DB, ok: str = ""):
    _hospital(portal)
    return _page(request, portal, session, ok=ok, values={})


@router.post("/faskes/mobile-jkn", response_class=HTMLResponse)
def register(request: Request, portal: Staff, session: DB, form: Form_):
    code = _hospital(portal)
    try:
        mobile_jkn_services.register(session, code, url=_text(form, "url") or "", username=_text(form, "username") or "",
                                     password=form.get("password") or "", actor=portal.actor)
    except DomainError as exc:  # the password is never sent back into the form
        return _page(request, portal, session, status_code=exc.status, error=exc.say,
                     values={"url": _text(form, "url") or "", "username": _text(form, "username") or ""})
    return RedirectResponse("/faskes/mobile-jkn?ok=mobile_jkn_registered", status_code=303)


@router.post("/faskes/mobile-jkn/hapus", response_class=HTMLResponse)
def remove(request: Request, portal: Staff, session: DB):
    code = _hospital(portal)
    try:
        mobile_jkn_services.remove(session, code, actor=portal.actor)
    except DomainError as exc:
        return _page(request, portal, session, status_code=exc.status, error=exc.say, values={})
    return RedirectResponse("/faskes/mobile-jkn?ok=mobile_jkn_removed", status_code=303)
