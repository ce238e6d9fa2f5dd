"""Requests for an SEP outside the usual conditions (issue #13; VClaim ``Sep/pengajuanSEP``,
``Sep/aprovalSEP``, ``Sep/persetujuanSEP/list``): the hospital desk asks for a backdated SEP or an
SEP without the fingerprint validation and sees its requests of a month; the branch office's
officer sees the requests of the facilities in its work area and approves them (assumption A-V10).
Over the same service as the VClaim adapter and the CLI (``jkn care sep-request``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.i18n import Msg
from jkn.services.care import sep_requests
from jkn.services.care.common import jakarta_today
from jkn.services.errors import DomainError, Invalid
from jkn.services.portal.accounts import ADMIN, BRANCH_OFFICER
from jkn.web.desk_pages import _hospital
from jkn.web.facility_pages import Staff
from jkn.web.officer_pages import Form_, _text
from jkn.web.security import Portal, csrf_protect, page, role_required

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]
Approver = Annotated[Portal, Depends(role_required(BRANCH_OFFICER, ADMIN))]


def _month(value: str) -> tuple[str, str, str]:
    """``YYYY-MM`` (this month if empty) as (text, year, month)."""
    text = (value or "").strip() or jakarta_today().strftime("%Y-%m")
    year, _, month = text.partition("-")
    if not (len(year) == 4 and year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        raise Invalid(Msg("error.care.month_year"), field="bulan")
    return text, year, month


def _desk_page(request: Request, portal: Portal, session: Session, bulan: str, *, status_code: int = 200,
               error=None, values: dict | None = None, ok: str = ""):
    rows = []
    try:
        bulan, year, month = _month(bulan)
        rows = sep_requests.requests_in_month(session, portal.scope.facility_code, year, month)
    except DomainError as exc:
        error, status_code = error or exc.message, exc.status
    return page(request, portal, "facility/sep_requests.html", status_code=status_code, rows=rows, bulan=bulan,
                error=error, ok=ok, values=values or {"sep_date": jakarta_today().isoformat()})


@router.get("/faskes/pengajuan-sep", response_class=HTMLResponse)
def desk_requests(request: Request, portal: Staff, session: DB, bulan: str = "", ok: str = ""):
    _hospital(portal)
    return _desk_page(request, portal, session, bulan, ok=ok)


@router.post("/faskes/pengajuan-sep", response_class=HTMLResponse)
def submit(request: Request, portal: Staff, session: DB, form: Form_):
    code = _hospital(portal)
    try:
        r = sep_requests.submit_request(
            session, actor=portal.actor, facility_code=code, card_number=_text(form, "card_number") or "",
            sep_date=_text(form, "sep_date") or "", service_type=_text(form, "service_type") or "",
            kind=_text(form, "kind") or "", reason=_text(form, "reason"))
    except DomainError as exc:
        values = {k: v for k, v in form.items() if k != "csrf_token"}
        return _desk_page(request, portal, session, "", status_code=exc.status, error=exc.message, values=values)
    return RedirectResponse(f"/faskes/pengajuan-sep?bulan={r['sep_date'][:7]}&ok=request_submitted", status_code=303)


def _office_page(request: Request, portal: Portal, session: Session, bulan: str, status: str, *,
                 status_code: int = 200, error=None, ok: str = ""):
    rows = []
    try:
        bulan, year, month = _month(bulan)
        rows = sep_requests.requests_in_month(session, None, year, month, status=status or None,
                                              kabkota_codes=portal.scope.kabkota_codes)
    except DomainError as exc:
        error, status_code = error or exc.message, exc.status
    return page(request, portal, "officer/sep_requests.html", status_code=status_code, rows=rows, bulan=bulan,
                status=status, error=error, ok=ok)


@router.get("/petugas/pengajuan-sep", response_class=HTMLResponse)
def office_requests(request: Request, portal: Approver, session: DB, bulan: str = "", status: str = "PENDING",
                    ok: str = ""):
    return _office_page(request, portal, session, bulan, status, ok=ok)


@router.post("/petugas/pengajuan-sep/{request_id}/setujui", response_class=HTMLResponse)
def approve(request: Request, portal: Approver, session: DB, request_id: int, form: Form_):
    try:
        r = sep_requests.approve_by_branch(session, request_id, actor=portal.actor, note=_text(form, "note"),
                                           kabkota_codes=portal.scope.kabkota_codes)
    except DomainError as exc:
        return _office_page(request, portal, session, _text(form, "bulan") or "", "PENDING", status_code=exc.status,
                            error=exc.message)
    return RedirectResponse(f"/petugas/pengajuan-sep?bulan={r['sep_date'][:7]}&ok=sep_request_approved", status_code=303)
