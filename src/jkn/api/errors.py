"""Domain errors → HTTP answers with a message that says what to fix.

Every error of /api/v1 has one body, :class:`Problem` (``detail`` is always a sentence), and the
OpenAPI document says so: the routers document their 4xx answers with :func:`problem`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from jkn.reference.nik import NikError
from jkn.i18n.catalogue import DEFAULT_LANGUAGE, accept_language
from jkn.rules.decision import RuleError, answer_text, localize
from jkn.services.errors import DomainError, validation_message
from jkn.services.portal.callers import CsrfFailed, LoginRequired

#: sent with every 401 of the API (RFC 7235): log in with HTTP Basic
CHALLENGE = {"WWW-Authenticate": 'Basic realm="jkn"'}
#: where a request's part sits, dropped from the ``field`` it names
_PLACES = ("body", "query", "path", "header", "cookie")


class FieldError(BaseModel):
    """One input pydantic refused: where (``loc``), what is wrong (``msg``) and pydantic's ``type``."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """The body of every error of /api/v1."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "detail": "paid_on: Value error, 9999-12-31 is after the last date accepted, 2027-11-29 (today + 1 "
                  "year(s), setting JKN_DATE_HORIZON_YEARS)", "field": "paid_on",
        "errors": [{"loc": ["body", "paid_on"], "msg": "Value error, 9999-12-31 is after ...", "type": "value_error"}]}]})

    detail: str = Field(description="what is wrong and what to fix")
    field: str | None = Field(None, description="the input concerned, when there is one")
    errors: list[FieldError] | None = Field(None, description="request validation: every input refused")
    suggestions: list[dict[str, Any]] | None = Field(None, description="404: the closest known codes or names")
    rule: str | None = Field(None, description="care flow: the refusal code")
    answer: str | None = Field(None, description="a refusal in one sentence: the outcome and the reason that decided it")
    explanation: list[dict[str, Any]] | None = Field(None, description="the cited steps of the rule that refused, "
                                                     "the deciding ones first (text, source, source_name, decisive)")


def problem(description: str) -> dict[str, Any]:
    """An OpenAPI ``responses`` entry whose body is a :class:`Problem`."""
    return {"model": Problem, "description": description}


def _request_problem(exc: RequestValidationError) -> dict[str, Any]:
    errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
    named = [{**e, "loc": e["loc"][1:] if len(e["loc"]) > 1 and e["loc"][0] in _PLACES else e["loc"]} for e in errors]
    field = ".".join(map(str, named[0]["loc"])) if named else None
    return {"detail": validation_message(named) or "invalid request", "field": field, "errors": errors}


def reader_language(request: Request) -> str:
    """The caller's language (``Accept-Language``), Indonesian by default."""
    return accept_language(request.headers.get("accept-language")) or DEFAULT_LANGUAGE


def explained(body: dict[str, Any], request: Request) -> dict[str, Any]:
    """An ``answer`` (the sentence; a refusal's ``detail`` too) and an ``explanation`` in the caller's language."""
    lang = reader_language(request)
    if body.get("answer") is not None:
        body["answer"] = answer_text(body["answer"], lang)
        if "detail" in body:
            body["detail"] = body["answer"]
    if body.get("explanation"):
        body["explanation"] = localize(body["explanation"], lang)
    return body


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        if not request.url.path.startswith(("/api/", "/h2h/")):  # pages and the VClaim bridge keep FastAPI's answer
            return await request_validation_exception_handler(request, exc)
        return JSONResponse(_request_problem(exc), status_code=422)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        if not request.url.path.startswith(("/api/", "/h2h/")):
            return await http_exception_handler(request, exc)
        if exc.status_code == 400:  # FastAPI could not read the body (not UTF-8): invalid input, as bad JSON is
            return JSONResponse({"detail": "the request body cannot be read: send UTF-8 JSON (or a multipart form)",
                                 "field": "body"}, status_code=422)
        return JSONResponse({"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        headers = CHALLENGE if exc.status == 401 else None
        if "retry_after" in exc.details:  # a throttled log-in (429)
            headers = {"Retry-After": str(exc.details["retry_after"])}
        return JSONResponse(explained({"detail": exc.message, **exc.details}, request), status_code=exc.status,
                            headers=headers)

    @app.exception_handler(NikError)
    async def _bad_nik(_request: Request, exc: NikError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "field": exc.field}, status_code=422)

    @app.exception_handler(RuleError)
    async def _rule_error(request: Request, exc: RuleError) -> JSONResponse:
        return JSONResponse({"detail": exc.msg.render(reader_language(request)) if exc.msg else str(exc)},
                            status_code=422)

    @app.exception_handler(LoginRequired)
    async def _login_required(_request: Request, _exc: LoginRequired) -> JSONResponse:
        return JSONResponse({"detail": "log in first (HTTP Basic, or the portal's session cookie)"},
                            status_code=401, headers=CHALLENGE)

    @app.exception_handler(CsrfFailed)
    async def _csrf_failed(_request: Request, _exc: CsrfFailed) -> JSONResponse:
        return JSONResponse({"detail": "missing or wrong X-CSRF-Token"}, status_code=403)
