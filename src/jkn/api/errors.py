"""Domain errors → HTTP answers with a message that says what to fix."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from jkn.reference.nik import NikError
from jkn.rules.decision import RuleError
from jkn.services.portal.callers import CsrfFailed, LoginRequired
from jkn.services.errors import DomainError

#: sent with every 401 of the API (RFC 7235): log in with HTTP Basic
CHALLENGE = {"WWW-Authenticate": 'Basic realm="jkn"'}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        headers = CHALLENGE if exc.status == 401 else None
        if "retry_after" in exc.details:  # a throttled log-in (429)
            headers = {"Retry-After": str(exc.details["retry_after"])}
        return JSONResponse({"detail": exc.message, **exc.details}, status_code=exc.status, headers=headers)

    @app.exception_handler(NikError)
    async def _bad_nik(_request: Request, exc: NikError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "field": exc.field}, status_code=422)

    @app.exception_handler(RuleError)
    async def _rule_error(_request: Request, exc: RuleError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(LoginRequired)
    async def _login_required(_request: Request, _exc: LoginRequired) -> JSONResponse:
        return JSONResponse({"detail": "log in first (HTTP Basic, or the portal's session cookie)"},
                            status_code=401, headers=CHALLENGE)

    @app.exception_handler(CsrfFailed)
    async def _csrf_failed(_request: Request, _exc: CsrfFailed) -> JSONResponse:
        return JSONResponse({"detail": "missing or wrong X-CSRF-Token"}, status_code=403)
