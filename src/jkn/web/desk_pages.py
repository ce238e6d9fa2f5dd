"""The hospital desk (issue #13), for the staff of a referral-level facility: the SEP list with
search, the discharge date of an inpatient SEP, and a participant's referrals by card (from the SEP
form too). Over the same care services as the VClaim adapter; the facility is the logged-in
user's, never one typed in a form; an FKTP's staff are refused (its menu does not show these)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.i18n import Msg
from jkn.services.care import desk, sep
from jkn.services.care.common import jakarta_today
from jkn.services.errors import DomainError, Forbidden
from jkn.web.facility_pages import Staff, _own_sep
from jkn.web.officer_pages import Form_, _text
from jkn.web.security import Portal, csrf_protect, page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]


def _hospital(portal: Portal) -> str:
    if portal.scope.facility_level != "FKRTL":
        raise Forbidden(Msg("error.web.desk_fkrtl_only"))
    return portal.scope.facility_code


@router.get("/faskes/daftar-sep", response_class=HTMLResponse)
def sep_list(request: Request, portal: Staff, session: DB, q: str = "", dari: str = "", sampai: str = ""):
    code = _hospital(portal)
    today = jakarta_today()
    dari, sampai = dari or (today - dt.timedelta(days=30)).isoformat(), sampai or today.isoformat()
    seps, error = [], None
    try:
        seps = desk.search_seps(session, code, query=q, start=dari, end=sampai)
    except DomainError as exc:
        error = exc.message
    return page(request, portal, "facility/sep_list.html", status_code=422 if error else 200, seps=seps, q=q,
                dari=dari, sampai=sampai, error=error)


@router.post("/faskes/sep/{number}/pulang", response_class=HTMLResponse)
def discharge(request: Request, portal: Staff, session: DB, number: str, form: Form_):
    code = _hospital(portal)
    s = _own_sep(session, portal, number)
    try:
        sep.update_sep(session, number, actor=portal.actor, facility_code=code,
                       discharge_date=_text(form, "discharge_date") or "")
    except DomainError as exc:
        return page(request, portal, "facility/sep_detail.html", status_code=exc.status, s=s, error=exc.message)
    return RedirectResponse(f"/faskes/sep/{number}?ok=sep_discharged", status_code=303)


@router.get("/faskes/rujukan-peserta", response_class=HTMLResponse)
def referral_lookup(request: Request, portal: Staff, session: DB, card: str = ""):
    code = _hospital(portal)
    found, error = None, None
    if card.strip():
        try:
            found = desk.referrals_for_desk(session, code, card.strip())
        except DomainError as exc:
            error = exc.message
    return page(request, portal, "facility/referral_lookup.html", status_code=422 if error else 200, card=card,
                found=found, error=error)
