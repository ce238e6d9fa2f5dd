"""The regional dashboard: head office (by deputy region), a deputy region (by branch), a branch
(by kab/kota) — participants by segment and class, contributions billed and collected, arrears,
suspended participants and open complaints, as bars a manager reads at a glance and a CSV table."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.i18n import Msg
from jkn.services.errors import Invalid
from jkn.services.portal import dashboard
from jkn.services.portal.accounts import OFFICE_ROLES
from jkn.web.security import Portal, page, role_required

router = APIRouter(include_in_schema=False)
DB = Annotated[Session, Depends(get_session)]
Office = Annotated[Portal, Depends(role_required(*OFFICE_ROLES))]


def _month(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        year, month = text.split("-")[:2]
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise Invalid(Msg("error.web.month_format"), field="month") from None


def _data(session: Session, portal: Portal, level: str, code: str, month: str) -> dict:
    """The dashboard of the unit asked for; an unknown level is refused naming the levels, not their codes."""
    try:
        return dashboard.dashboard(session, portal.scope, level=level or None, code=code or None, month=_month(month))
    except Invalid as exc:
        if exc.details.get("field") != "level":
            raise
        names = {level: Msg(f"dash.level.{level}") for level in (dashboard.NATIONAL, dashboard.DEPUTY, dashboard.BRANCH)}
        raise Invalid(Msg("error.dashboard.level_named", **names), field="level") from None


@router.get("/dasbor", response_class=HTMLResponse)
def dashboard_page(request: Request, portal: Office, session: DB, level: str = "", code: str = "", month: str = ""):
    data = _data(session, portal, level, code, month)
    peak = max([r["participants"] for r in data["rows"]] + [1])
    money_peak = max([max(t["billed"], t["collected"]) for t in data["trend"]] + [1])
    group_peak = max(list(data["by_group"].values()) + [1])
    class_peak = max(list(data["by_class"].values()) + [1])
    return page(request, portal, "dashboard/dashboard.html", d=data, peak=peak, money_peak=money_peak,
                group_peak=group_peak, class_peak=class_peak, query=request.url.query)


@router.get("/dasbor.csv")
def dashboard_csv(portal: Office, session: DB, level: str = "", code: str = "", month: str = ""):
    data = _data(session, portal, level, code, month)
    name = f"dasbor-{data['unit']['level']}-{data['unit']['code'] or 'nasional'}-{data['month']}.csv"
    return Response(dashboard.dashboard_csv(data), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
