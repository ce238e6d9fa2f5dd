"""``/vclaim-rest/``: a VClaim-compatible bridging API for hospital and clinic systems (SIMRS).

Mounted by ``install(app)``: an outermost ASGI middleware answers every request under the
prefix (any case, ``//`` tolerated, never a redirect); a catch-all route documents the same. Protocol: :mod:`jkn.api.vclaim.protocol`;
service paths: :mod:`jkn.api.vclaim.handlers`; how to configure a client: docs/vclaim.md.

Limits before work (docs/vclaim.md "Limits", A-C18): a declared body over ``max_body`` is refused
before anything else, the signature headers are checked before the body is read, the body is
read only up to ``max_body`` and its nesting measured before it is parsed. Writes are answered
once per signed header (:mod:`jkn.services.care.vclaim_requests`, assumption A-C16).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from jkn.api.vclaim import settings as vclaim_settings
from jkn.api.vclaim.handlers import router as service_router
from jkn.api.vclaim.protocol import Call, ProtocolError, Route, authenticate, domain_error, parse_body, squash
from jkn.services.care import vclaim_requests
from jkn.services.care.vclaim_consumers import ConsumerAuth
from jkn.services.errors import Conflict, DomainError
from jkn.services.unit_of_work import unit_of_work
from jkn.store.engine import session_factory
from jkn.vclaim import envelope, lzfast

log = logging.getLogger("jkn.vclaim")
PREFIX = "/vclaim-rest"
BODY_METHODS = ("POST", "PUT", "DELETE")
#: attempts at a write whose headers a concurrent call recorded and then rolled back
WRITE_ATTEMPTS = 3
router = APIRouter(include_in_schema=False)


def _answer(env: dict, code: str) -> Response:
    body = json.dumps(env, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return Response(body, status_code=envelope.http_status(code), media_type="application/json")


def _error(code: envelope.Code, message: str) -> Response:
    return _answer(envelope.error(code.code, message), code.code)


def _attempt(route: Route, call: Call, headers) -> Response:
    """Run one handler; a refusal is an answer in the envelope. A write runs in a savepoint, so a
    refusal leaves nothing of it behind (unexpected errors propagate)."""
    atomic = call.session.begin_nested() if route.write else contextlib.nullcontext()
    try:
        with atomic:
            result = route.handler(call)
    except DomainError as exc:
        code, message = domain_error(exc)
        return _answer(envelope.error(code, message), code)
    except ProtocolError as exc:
        return _error(exc.code, exc.message)
    env = envelope.ok(result)
    if call.consumer.api_version == "2.0" and not route.plain and result is not None:
        # envelope.seal's rule (plain paths and null answers stay plain), with the fast compressor
        env["response"] = lzfast.encrypt_response(result, call.consumer.cons_id, call.consumer.secret,
                                                  headers.get("x-timestamp", "").strip())
    return _answer(env, envelope.OK.code)


def _write_once(session, route: Route, call: Call, headers, request_sha256: str, keep_seconds: int) -> Response:
    """A write answered once per signed header (A-C16): the request, its effects and its answer
    are committed together; the same headers again get the recorded answer, with another request
    a refusal."""
    signed = vclaim_requests.Signed(call.consumer.cons_id, headers.get("x-timestamp", "").strip(),
                                    headers.get("x-signature", "").strip())
    for _ in range(WRITE_ATTEMPTS):
        seen = vclaim_requests.recorded(session, signed)
        if seen is not None:
            if seen.request_sha256 != request_sha256:
                raise ProtocolError(envelope.UNAUTHORIZED, "Unauthorized: this X-timestamp and X-signature were "
                                    "already used for another request; nothing was written, sign it again")
            return Response(seen.answer.encode("ascii"), status_code=seen.status, media_type="application/json")
        try:
            with unit_of_work(session):
                vclaim_requests.forget_expired(session, keep_seconds)
                row = vclaim_requests.claim(session, signed, request_sha256)
                response = _attempt(route, call, headers)
                row.status, row.answer = response.status_code, response.body.decode("ascii")
            return response
        except vclaim_requests.Claimed:
            continue
    raise Conflict("the same request is being answered right now; send it again")


def handle(sessions, read_sessions, method: str, service_path: str, headers, consumer: ConsumerAuth,
           raw_body: bytes, settings: vclaim_settings.Settings, client: str | None = None) -> Response:
    """An authenticated request from ``client`` (its address, for the audit trail), synchronously
    (run in a worker thread): route, parse, call, seal.

    Reads (GET) run on ``read_sessions`` (autocommit: no BEGIN/ROLLBACK round trips); writes in one
    transaction with their record (:func:`_write_once`).
    """
    try:
        route, params = service_router.resolve(method, service_path)
        body = parse_body(raw_body, settings.max_depth) if method in BODY_METHODS else None
        if not route.write:
            with read_sessions() as session:
                return _attempt(route, Call(consumer=consumer, params=params, body=body, session=session,
                                            client=client), headers)
        with sessions() as session:
            call = Call(consumer=consumer, params=params, body=body, session=session, client=client)
            return _write_once(session, route, call, headers,
                               vclaim_requests.digest(method, squash(service_path), raw_body), settings.keep_requests)
    except ProtocolError as exc:
        return _error(exc.code, exc.message)
    except DomainError as exc:  # a conflict with a concurrent write: nothing was written
        code, message = domain_error(exc)
        return _answer(envelope.error(code, message), code)
    except Exception:  # pragma: no cover - logged, answered in the envelope
        log.exception("VClaim %s %s failed", method, service_path)
        return _error(envelope.INTERNAL, envelope.INTERNAL.message)


def _read_sessions(state):
    """An autocommit session factory over the app's engine (created on first use)."""
    factory = getattr(state, "vclaim_read_sessions", None)
    if factory is None:
        engine = state.engine.execution_options(isolation_level="AUTOCOMMIT")
        factory = state.vclaim_read_sessions = session_factory(engine)
    return factory


def _authenticated(read_sessions, headers, max_skew: int) -> ConsumerAuth:
    with read_sessions() as session:
        return authenticate(session, headers, max_skew)


def _declared_length(headers) -> int:
    raw = headers.get("content-length", "")
    return int(raw) if raw.isascii() and raw.isdigit() else 0


async def _read_body(receive, limit: int) -> bytes:
    """The body, read chunk by chunk and joined once; ProtocolError(413) past ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise ProtocolError(envelope.TOO_LARGE, f"Request body larger than {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _unread(response: Response, headers) -> Response:
    """An answer given before the body was read: if one is coming, the connection closes and the
    rest of it is never read."""
    if _declared_length(headers) or headers.get("transfer-encoding"):
        response.headers["connection"] = "close"
    return response


async def serve(state, method: str, service_path: str, headers, receive, client: str | None = None) -> Response:
    """One request under the prefix (from the address ``client``): limits, authentication, then the
    body and the call."""
    settings: vclaim_settings.Settings = state.vclaim
    if _declared_length(headers) > settings.max_body:
        return _unread(_error(envelope.TOO_LARGE, f"Request body larger than {settings.max_body} bytes"), headers)
    read_sessions = _read_sessions(state)
    try:
        consumer = await run_in_threadpool(_authenticated, read_sessions, headers, settings.max_skew)
    except ProtocolError as exc:
        return _unread(_error(exc.code, exc.message), headers)
    try:
        raw = await _read_body(receive, settings.max_body)
    except ProtocolError as exc:
        return _unread(_error(exc.code, exc.message), headers)
    return await run_in_threadpool(handle, state.sessions, read_sessions, method, service_path, headers, consumer,
                                   raw, settings, client)


@router.api_route(PREFIX + "/{service_path:path}", methods=["GET", "POST", "PUT", "DELETE"])
async def vclaim(request: Request, service_path: str) -> Response:
    return await serve(request.app.state, request.method, service_path, request.headers, request.receive,
                       request.client.host if request.client else None)


@router.api_route(PREFIX, methods=["GET", "POST", "PUT", "DELETE"])
async def vclaim_root() -> Response:
    return _error(envelope.UNKNOWN_PATH, envelope.UNKNOWN_PATH.message)


_DOUBLE = re.compile(r"/{2,}")


class VClaimBridge:
    """Outermost ASGI middleware for ``/vclaim-rest``: ``//`` collapsed and the prefix matched in
    any case, then answered here directly (:func:`serve`), without going through the web pages'
    middleware and routing; every other path goes on to the app untouched."""

    def __init__(self, app, fastapi_app: FastAPI):
        self.app = app
        self.fastapi_app = fastapi_app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        squashed = _DOUBLE.sub("/", path) if "//" in path else path
        head = squashed[:len(PREFIX) + 1].lower()
        if head != PREFIX + "/":
            if head == PREFIX and squashed != path:
                scope = dict(scope, path=PREFIX + squashed[len(PREFIX):])
            return await self.app(scope, receive, send)
        state = self.fastapi_app.state
        if not hasattr(state, "sessions"):  # lifespan not run (yet): let the app answer
            return await self.app(dict(scope, path=PREFIX + squashed[len(PREFIX):]), receive, send)
        client = scope.get("client")
        response = await serve(state, scope["method"], squashed[len(PREFIX) + 1:], Headers(scope=scope), receive,
                               client[0] if client else None)
        await response(scope, receive, send)


def install(app: FastAPI) -> None:
    """Mount ``/vclaim-rest`` on ``app`` (bridge middleware + documented route + settings)."""
    app.state.vclaim = vclaim_settings.from_env()
    app.include_router(router)
    app.add_middleware(VClaimBridge, fastapi_app=app)
