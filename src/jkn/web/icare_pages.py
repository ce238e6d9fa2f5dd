"""The iCare history page (``/icare/{link}``): what a treating doctor opens from the link iCare's
``validate`` answered (docs/icare.md). The signed, short-lived link is the only key: no login, never
cached, never sent on as a referrer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.services.care import icare
from jkn.services.errors import Forbidden
from jkn.web.rendering import render

router = APIRouter(include_in_schema=False)
DB = Annotated[Session, Depends(get_session)]


@router.get("/icare/{token}", response_class=HTMLResponse)
def history_page(request: Request, session: DB, token: str):
    try:
        response = render(request, "icare/history.html", h=icare.history(session, token))
    except Forbidden as exc:
        response = render(request, "icare/history.html", status_code=403, h=None, error=exc.message)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
