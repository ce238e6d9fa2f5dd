"""``/vclaim-rest/``: a VClaim-compatible bridging API for hospital and clinic systems (SIMRS).

Mounted by ``install(app)``: an outermost ASGI middleware answers every request under the
prefix (any case, ``//`` tolerated, never a redirect); a catch-all route documents the same. Protocol: :mod:`jkn.api.vclaim.protocol`;
service paths: :mod:`jkn.api.vclaim.handlers`; how to configure a client: docs/vclaim.md.
"""

from __future__ import annotations

import json
import logging
import re

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from jkn.api.vclaim.handlers import router as service_router
from jkn.api.vclaim.protocol import Call, ProtocolError, authenticate, domain_error, max_skew_from_env, parse_body
from jkn.services.errors import DomainError
from jkn.store.engine import session_factory
from jkn.vclaim import envelope, lzfast

log = logging.getLogger("jkn.vclaim")
PREFIX = "/vclaim-rest"
router = APIRouter(include_in_schema=False)


def _answer(env: dict, code: str) -> Response:
    body = json.dumps(env, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return Response(body, status_code=envelope.http_status(code), media_type="application/json")


def _error(code: envelope.Code, message: str) -> Response:
    return _answer(envelope.error(code.code, message), code.code)


def handle(sessions, method: str, service_path: str, headers, raw_body: bytes, max_skew: int,
           read_sessions=None) -> Response:
    """The whole request, synchronously (run in a worker thread): authenticate, route, call, seal.

    Reads (GET) run on ``read_sessions`` (autocommit: no BEGIN/ROLLBACK round trips) when given;
    writes open their own transaction in the use case.
    """
    try:
        route, params = service_router.resolve(method, service_path)
    except ProtocolError as exc:
        route, params, unknown = None, {}, exc
    factory = sessions if route is None or route.write or read_sessions is None else read_sessions
    with factory() as session:
        try:
            consumer = authenticate(session, headers, max_skew)
            if route is None:
                raise unknown
            body = parse_body(raw_body) if method in ("POST", "PUT", "DELETE") else None
        except ProtocolError as exc:
            return _error(exc.code, exc.message)
        if session.in_transaction():
            session.rollback()  # end the look-ups' transaction: each use case opens its own
        call = Call(consumer=consumer, params=params, body=body, session=session)
        try:
            result = route.handler(call)
        except DomainError as exc:
            session.rollback()
            code, message = domain_error(exc)
            return _answer(envelope.error(code, message), code)
        except ProtocolError as exc:
            session.rollback()
            return _error(exc.code, exc.message)
        except Exception:  # pragma: no cover - logged, answered in the envelope
            session.rollback()
            log.exception("VClaim %s %s failed", method, service_path)
            return _error(envelope.INTERNAL, envelope.INTERNAL.message)
        finally:
            if session.in_transaction():
                session.rollback()
        env = envelope.ok(result)
        if consumer.api_version == "2.0" and not route.plain and result is not None:
            # envelope.seal's rule (plain paths and null answers stay plain), with the fast compressor
            env["response"] = lzfast.encrypt_response(result, consumer.cons_id, consumer.secret,
                                                      headers.get("x-timestamp", "").strip())
        return _answer(env, envelope.OK.code)


def _read_sessions(state):
    """An autocommit session factory over the app's engine (created on first use)."""
    factory = getattr(state, "vclaim_read_sessions", None)
    if factory is None:
        engine = state.engine.execution_options(isolation_level="AUTOCOMMIT")
        factory = state.vclaim_read_sessions = session_factory(engine)
    return factory


@router.api_route(PREFIX + "/{service_path:path}", methods=["GET", "POST", "PUT", "DELETE"])
async def vclaim(request: Request, service_path: str) -> Response:
    raw = await request.body()
    state = request.app.state
    return await run_in_threadpool(handle, state.sessions, request.method, service_path, request.headers, raw,
                                   state.vclaim_max_skew, _read_sessions(state))


@router.api_route(PREFIX, methods=["GET", "POST", "PUT", "DELETE"])
async def vclaim_root() -> Response:
    return _error(envelope.UNKNOWN_PATH, envelope.UNKNOWN_PATH.message)


_DOUBLE = re.compile(r"/{2,}")


class VClaimBridge:
    """Outermost ASGI middleware for ``/vclaim-rest``: ``//`` collapsed and the prefix matched in
    any case, then answered here directly (in a worker thread), without going through the web
    pages' middleware and routing; every other path goes on to the app untouched."""

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
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = Headers(scope=scope)
        response = await run_in_threadpool(handle, state.sessions, scope["method"], squashed[len(PREFIX) + 1:],
                                           headers, body, state.vclaim_max_skew, _read_sessions(state))
        await response(scope, receive, send)


def install(app: FastAPI) -> None:
    """Mount ``/vclaim-rest`` on ``app`` (bridge middleware + documented route + clock-skew setting)."""
    app.state.vclaim_max_skew = max_skew_from_env()
    app.include_router(router)
    app.add_middleware(VClaimBridge, fastapi_app=app)
