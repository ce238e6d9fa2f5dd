"""Jinja2 environment and the page-rendering helper shared by every web router."""

from __future__ import annotations

from importlib.resources import files
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from jkn.web.i18n import pick_language, translator

templates = Jinja2Templates(directory=str(files("jkn.web") / "templates"))


def rupiah(amount: int | None) -> str:
    """Rp 1.234.567 — Indonesian thousands separator."""
    if amount is None:
        return "-"
    return "Rp " + f"{amount:,}".replace(",", ".")


templates.env.filters["rupiah"] = rupiah


def request_language(request: Request) -> str:
    return pick_language(request.query_params.get("lang"), request.cookies.get("lang"))


def switch_language_url(request: Request, lang: str) -> str:
    """The current page (path and query) in another language."""
    query = {k: v for k, v in request.query_params.items() if k != "lang"}
    return str(request.url.path) + "?" + urlencode({**query, "lang": lang})


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """Render ``template`` in the request's language; a ``?lang=`` choice is remembered in a cookie."""
    lang = request_language(request)
    response = templates.TemplateResponse(
        request,
        template,
        {"lang": lang, "t": translator(lang), "switch_language_url": lambda other: switch_language_url(request, other),
         **context},
        status_code=status_code,
    )
    if request.query_params.get("lang") == lang:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax")
    return response
