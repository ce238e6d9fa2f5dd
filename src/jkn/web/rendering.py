"""Jinja2 environment and the page-rendering helper shared by every web router."""

from __future__ import annotations

from importlib.resources import files
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from jkn.i18n import format_date, format_month, format_number, format_rupiah, pick_language, render as render_value
from jkn.i18n import translator
from jkn.rules.decision import answer_text, localize
from jkn.web import labels

templates = Jinja2Templates(directory=str(files("jkn.web") / "templates"))


def _in_page_language(format_value):
    """A Jinja filter that formats in the page's language (``{{ amount|rupiah }}``, ``{{ day|date }}``)."""

    @pass_context
    def page_filter(context, value):
        return format_value(value, context.get("lang", "id"))

    return page_filter


templates.env.filters.update(
    rupiah=_in_page_language(format_rupiah),
    date=_in_page_language(format_date),
    month=_in_page_language(format_month),
    number=_in_page_language(format_number),
    say=_in_page_language(render_value),
    steps=_in_page_language(lambda steps, lang: localize(steps, lang)),
    answer=_in_page_language(lambda answer, lang: answer_text(answer, lang)),
)
labels.install(templates.env)


def request_language(request: Request) -> str:
    """``?lang=``, then the ``lang`` cookie; Indonesian otherwise, whatever the browser's language (pages
    are read at Indonesian counters on browsers set to English; assumption A-L01)."""
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
