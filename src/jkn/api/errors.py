"""Domain errors → HTTP answers with a message that says what to fix.

Every error of /api/v1 has one body, :class:`Problem` (``detail`` is always a sentence), and the
OpenAPI document says so: the routers document their 4xx answers with :func:`problem`. ``title`` and
``detail`` are in the caller's language (``Accept-Language``; Indonesian by default, issue 11); ``code``
and ``field`` are for machines and do not change with the language.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from jkn.i18n import DEFAULT_LANGUAGE, Msg, render
from jkn.i18n.catalogue import accept_language
from jkn.reference.nik import NikError
from jkn.rules.decision import RuleError, answer_text, localize
from jkn.services.errors import DomainError, error_text, validation_message
from jkn.services.portal.callers import CsrfFailed, LoginRequired

#: sent with every 401 of the API (RFC 7235): log in with HTTP Basic
CHALLENGE = {"WWW-Authenticate": 'Basic realm="jkn"'}
#: where a request's part sits, dropped from the ``field`` it names
_PLACES = ("body", "query", "path", "header", "cookie")


class FieldError(BaseModel):
    """One input pydantic refused: where (``loc``), what is wrong (``msg``, in the Accept-Language) and
    pydantic's ``type`` (a stable machine code)."""

    loc: list[str | int] = Field(description="where the input is: body, query, path... then the field's path")
    msg: str = Field(description="what is wrong, in the Accept-Language (default Indonesian)")
    type: str = Field(description="pydantic's error type (does not change with the language)")


class Problem(BaseModel):
    """The body of every error of /api/v1."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "title": "Data tidak valid", "code": "less_than_equal", "detail": "Data tidak valid: amount: paling besar "
                  "999.999.999.999.999", "field": "amount",
        "errors": [{"loc": ["body", "amount"], "msg": "paling besar 999.999.999.999.999", "type": "less_than_equal"}]}]})

    detail: str = Field(description="what is wrong and what to fix, in the Accept-Language (default Indonesian)")
    title: str | None = Field(None, description="the kind of error in a few words, in the Accept-Language")
    code: str | None = Field(None, description="a stable machine code of the error (does not change with the language)")
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


def language(request: Request) -> str:
    """The caller's language: ``Accept-Language`` when it names a catalogue, else Indonesian."""
    return accept_language(request.headers.get("accept-language")) or DEFAULT_LANGUAGE


def body(request: Request, status: int, code: str, detail: str | Msg, **extra) -> dict[str, Any]:
    """A :class:`Problem` body in the caller's language."""
    lang = language(request)
    said = detail.render(lang) if isinstance(detail, Msg) else detail
    title = Msg(f"problem.{status}") if status in _TITLED else Msg("problem.other")
    return {"title": title.render(lang), "code": code, "detail": said, **extra}


#: the statuses that have a title of their own in the catalogue (``problem.<status>``)
_TITLED = {400, 401, 403, 404, 409, 413, 422, 429}


def _request_problem(request: Request, exc: RequestValidationError) -> dict[str, Any]:
    """Every input refused, each with pydantic's ``loc`` and ``type`` and its ``msg`` in the caller's language;
    a body that is not JSON said as such, with where the mistake is (not the JSON parser's English)."""
    lang = language(request)
    refused = exc.errors()
    errors = [{"loc": list(e["loc"]), "msg": str(render(error_text(e), lang)), "type": e["type"]} for e in refused]
    if refused and refused[0]["type"] == "json_invalid":
        position = refused[0]["loc"][-1] + 1 if isinstance(refused[0]["loc"][-1], int) else 1
        return body(request, 422, "json_invalid", Msg("problem.json_invalid", position=position), field="body",
                    errors=errors)
    named = [{**e, "loc": e["loc"][1:] if len(e["loc"]) > 1 and e["loc"][0] in _PLACES else e["loc"]} for e in refused]
    field = ".".join(map(str, named[0]["loc"])) if named else None
    detail = Msg("problem.invalid_input", what=validation_message(named)) if named else Msg("problem.invalid_request")
    return body(request, 422, named[0]["type"] if named else "invalid", detail, field=field, errors=errors)


def explained(body: dict[str, Any], request: Request) -> dict[str, Any]:
    """An ``answer`` (the sentence; a refusal's ``detail`` too) and an ``explanation`` in the caller's language."""
    lang = language(request)
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
        return JSONResponse(_request_problem(request, exc), status_code=422)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        if not request.url.path.startswith(("/api/", "/h2h/")):
            return await http_exception_handler(request, exc)
        if exc.status_code == 400:  # FastAPI could not read the body (not UTF-8): invalid input, as bad JSON is
            return JSONResponse(body(request, 422, "body_unreadable", Msg("problem.body_unreadable"), field="body"),
                                status_code=422)
        known = {404: "problem.no_such_path", 405: "problem.method_not_allowed"}
        detail = Msg(known[exc.status_code]) if exc.status_code in known else Msg("problem.http_other",
                                                                                   status=str(exc.status_code))
        return JSONResponse(body(request, exc.status_code, f"http_{exc.status_code}", detail),
                            status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        headers = CHALLENGE if exc.status == 401 else None
        if "retry_after" in exc.details:  # a throttled log-in (429)
            headers = {"Retry-After": str(exc.details["retry_after"])}
        extra = {k: v for k, v in exc.details.items() if k != "code"}
        return JSONResponse(explained(body(request, exc.status, exc.code, exc.say, **extra), request), status_code=exc.status,
                            headers=headers)

    @app.exception_handler(NikError)
    async def _bad_nik(request: Request, exc: NikError) -> JSONResponse:
        return JSONResponse(body(request, 422, f"nik_{exc.field}", exc.say, field=exc.field),
                            status_code=422)

    @app.exception_handler(RuleError)
    async def _rule_error(request: Request, exc: RuleError) -> JSONResponse:
        said = exc.msg or str(exc)
        return JSONResponse(body(request, 422, said.key if isinstance(said, Msg) else "rule", said), status_code=422)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, _exc: LoginRequired) -> JSONResponse:
        return JSONResponse(body(request, 401, "login_required", Msg("problem.login_required")),
                            status_code=401, headers=CHALLENGE)

    @app.exception_handler(CsrfFailed)
    async def _csrf_failed(request: Request, _exc: CsrfFailed) -> JSONResponse:
        return JSONResponse(body(request, 403, "csrf_failed", Msg("problem.csrf")), status_code=403)
