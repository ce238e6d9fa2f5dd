"""Sessions, CSRF and the logged-in user for the portal pages.

* The session cookie lives in jkn.api.session_cookie and the caller (user + scope) in
  jkn.services.portal.callers: the REST API (jkn.api.security) reads the same cookie and builds the
  same caller, so pages and API apply the same scope. The names are re-exported here.
* CSRF: every POST to a portal page must carry the session's token in the form field
  ``csrf_token`` (or the ``X-CSRF-Token`` header); otherwise 403 and nothing happens.
* The user and their server-side session are re-read from the database on each portal request:
  log-out, a password change, deactivation and the idle and absolute timeouts end a session
  (jkn.services.portal.sessions).
"""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.api.session_cookie import (  # noqa: F401
    COOKIE,
    PortalSession,
    client_of,
    end_session,
    known_device,
    load_user,
    new_session,
    read_session,
    serializer,
    start_session,
    write_cookie,
)
from jkn.domain.timestamps import as_utc
from jkn.i18n import Msg
from jkn.services.errors import DomainError
from jkn.services.membership.common import JAKARTA
from jkn.services.portal.callers import CsrfFailed, LoginRequired, Portal, caller_for  # noqa: F401

#: Path prefixes served by the portal's HTML pages (errors there are pages, not JSON).
PAGE_PREFIXES = ("/masuk", "/keluar", "/akun", "/portal", "/petugas", "/pemberi-kerja", "/peserta", "/faskes",
                 "/pengaduan", "/dasbor", "/admin", "/kebijakan")


#: paths answered for machines (JSON), not people
_MACHINE_PATHS = ("/api/", "/vclaim", "/static/", "/openapi", "/health")


# --- CSRF --------------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    return read_session(request).csrf


def csrf_input(request: Request) -> Markup:
    """The hidden form field every portal form carries."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(csrf_token(request))


async def csrf_protect(request: Request) -> None:
    """Router dependency: a POST must carry the session's CSRF token (form field or header)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = read_session(request).csrf
    sent = request.headers.get("x-csrf-token")
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            sent = form.get("csrf_token")
    if not sent or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise CsrfFailed()


# --- the logged-in user ------------------------------------------------------------------------


def optional_portal(request: Request, session: Annotated[Session, Depends(get_session)]) -> Portal | None:
    user = load_user(request, session)
    if user is None:
        return None
    portal = caller_for(session, user, client_of(request))
    request.state.user = user
    request.state.scope = portal.scope
    return portal


def require_portal(portal: Annotated[Portal | None, Depends(optional_portal)]) -> Portal:
    if portal is None:
        raise LoginRequired()
    return portal


CurrentPortal = Annotated[Portal, Depends(require_portal)]
MaybePortal = Annotated[Portal | None, Depends(optional_portal)]


def role_required(*roles: str):
    """Dependency factory: the user must have one of ``roles`` (else a 403 page)."""

    def check(portal: CurrentPortal) -> Portal:
        if portal.user.role not in roles:
            from jkn.services.errors import Forbidden

            raise Forbidden(Msg("error.role", roles=[Msg(f"role.{r}") for r in roles],
                                role=Msg(f"role.{portal.user.role}")))
        return portal

    return check


# --- installation ------------------------------------------------------------------------------


def is_page(request: Request) -> bool:
    path = request.url.path
    return any(path == p or path.startswith(p + "/") or path.startswith(p + ".") for p in PAGE_PREFIXES)


def install_security(app: FastAPI) -> None:
    """Cookie refresh, the ``csrf_input`` template global, and HTML answers for page errors."""
    from jkn.web.rendering import render, templates

    templates.env.globals["csrf_input"] = csrf_input

    @app.middleware("http")
    async def _portal_cookie(request: Request, call_next):
        path = request.url.path
        if not path.startswith(("/api/", "/static/", "/vclaim", "/health", "/docs", "/openapi")):
            read_session(request)  # every page knows whether someone is logged in (the menu shows it)
        response = await call_next(request)
        portal = getattr(request.state, "portal", None)
        if portal is not None and portal.fresh and COOKIE not in response.headers.get("set-cookie", ""):
            write_cookie(request, response, portal)
        return response

    previous = app.exception_handlers.get(DomainError)

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError):
        if is_page(request) or previous is None:
            return render(request, "portal/error.html", status_code=exc.status, error=exc.say)
        return await previous(request, exc)

    from starlette.exceptions import HTTPException

    previous_http = app.exception_handlers.get(HTTPException)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        """Pages that do not exist answer with an Indonesian page; the API keeps its Problem body."""
        if exc.status_code == 404 and not request.url.path.startswith(_MACHINE_PATHS):
            return render(request, "portal/error.html", status_code=404, error_key="error.not_found")
        return await previous_http(request, exc)

    from fastapi.exceptions import RequestValidationError

    previous_invalid = app.exception_handlers.get(RequestValidationError)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError):
        """A page's address with a value of the wrong type: no such page (a path: ``/faskes/kunjungan/abc``) or
        the input named in the page's language (a query: ``?days=abc``), not FastAPI's English JSON."""
        if not is_page(request):
            return await previous_invalid(request, exc)
        refused = exc.errors()
        if any(e["loc"][:1] == ("path",) for e in refused):
            return render(request, "portal/error.html", status_code=404, error_key="error.not_found")
        from jkn.services.errors import validation_message

        named = [{**e, "loc": e["loc"][1:] or e["loc"]} for e in refused]
        return render(request, "portal/error.html", status_code=422,
                      error=Msg("problem.invalid_input", what=validation_message(named)))

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception):
        """An unexpected error: a page that says nothing was changed (the unit of work rolled back)."""
        if request.url.path.startswith("/api/"):
            from fastapi.responses import JSONResponse

            from jkn.api.errors import body

            return JSONResponse(body(request, 500, "server_error", Msg("error.server")), status_code=500)
        if request.url.path.startswith(_MACHINE_PATHS):
            from fastapi.responses import PlainTextResponse

            return PlainTextResponse("Internal Server Error", status_code=500)
        return render(request, "portal/error.html", status_code=500, error_key="error.server")

    api_login_required = app.exception_handlers.get(LoginRequired)  # JSON 401 (jkn.api.errors)
    api_csrf_failed = app.exception_handlers.get(CsrfFailed)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired):
        if request.url.path.startswith("/api/") and api_login_required is not None:
            return await api_login_required(request, exc)
        target = request.url.path + (("?" + request.url.query) if request.url.query else "")
        return RedirectResponse("/masuk?next=" + quote(target, safe=""), status_code=303)

    @app.exception_handler(CsrfFailed)
    async def _csrf_failed(request: Request, exc: CsrfFailed):
        if request.url.path.startswith("/api/") and api_csrf_failed is not None:
            return await api_csrf_failed(request, exc)
        return render(request, "portal/error.html", status_code=403, error_key="error.csrf")


# --- rendering a portal page -------------------------------------------------------------------


def failed_logins_notice(request: Request) -> dict | None:
    """The failed log-ins on the account since its owner was last told (A-S04), for the banner of
    every page of the session until dismissed: how many, and since when (WIB)."""
    row = getattr(request.state, "login_session", None)
    if row is None or not row.failed_logins:
        return None
    since = as_utc(row.failed_since)
    return {"count": row.failed_logins, "since": since.astimezone(JAKARTA).strftime("%d-%m-%Y %H:%M") if since else ""}


def page(request: Request, portal: Portal | None, template: str, status_code: int = 200, **context) -> Response:
    """Render a portal template with the user (``me``), their ``scope`` and the failed log-ins notice."""
    from jkn.web.rendering import render

    return render(request, template, status_code=status_code, me=portal.user if portal else None,
                  scope=portal.scope if portal else None,
                  failed_notice=failed_logins_notice(request) if portal else None, **context)


def safe_next(target: str | None, default: str) -> str:
    """Only a local path is a valid place to go after log-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
