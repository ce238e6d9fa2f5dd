"""The bridging server: every request under a service's base path (:class:`Service`) is answered
here — limits, authentication, body, call, seal — in the service's envelope.

Limits before work (docs/vclaim.md "Limits", A-C18): a declared body over ``max_body`` is refused
before anything else, the signature headers are checked before the body is read, the body is
read only up to ``max_body`` and its nesting measured before it is parsed. Writes are answered
once per signed header (:mod:`jkn.services.care.vclaim_requests`, assumption A-C16). Requests
arrive from the ASGI front (:mod:`jkn.bridging.core.dispatch`), never through the pages' middleware.
"""

from __future__ import annotations

import asyncio
import logging
import time
from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from jkn.bridging.core import async_read, async_write, envelope, lzfast
from jkn.bridging.core import settings as bridging_settings
from jkn.bridging.core.protocol import (Call, NeedsSession, ProtocolError, Route, authenticate, check_signed,
                                        consumer_cached, domain_error, keep_consumer, load_consumer, parse_body,
                                        refresh_due, refreshed, signed_cons_id, squash)
from jkn.bridging.core.service import Service
from jkn.domain.json_text import ascii_bytes
from jkn.i18n import Msg
from jkn.services.care import vclaim_consumers, vclaim_requests
from jkn.services.care.vclaim_consumers import ConsumerAuth
from jkn.services.errors import Conflict, DomainError
from jkn.services.unit_of_work import unit_of_work
from jkn.store.engine import session_factory

log = logging.getLogger("jkn.bridging")
BODY_METHODS = ("POST", "PUT", "DELETE")
#: attempts at a write whose headers were recorded and then forgotten as expired in between
WRITE_ATTEMPTS = 3


class _Json(Response):
    """A JSON answer: Starlette's ``Response(body, status_code, media_type="application/json")``, the
    same headers, without building them through its general ``init_headers`` per answer."""

    media_type = "application/json"

    def __init__(self, body: bytes, status_code: int):
        self.status_code, self.body, self.background = status_code, body, None
        self.raw_headers = [(b"content-length", str(len(body)).encode("latin-1")), _JSON_TYPE]


_JSON_TYPE = (b"content-type", b"application/json")


def _answer(env: dict, code: str) -> Response:
    return _Json(ascii_bytes(env), envelope.http_status(code))


def error_answer(service: Service, code: envelope.Code, message: str | None = None) -> Response:
    return _answer(service.conventions.error(code.code, message or code.message), code.code)


def _attempt(service: Service, route: Route, call: Call, headers) -> tuple[Response, bool]:
    """Run one handler: its answer, and whether it was done (False: a refusal, answered in the
    envelope; the caller of a write rolls it back). Unexpected errors propagate."""
    try:
        result = route.handler(call)
    except (DomainError, ProtocolError) as exc:
        return refusal(service, exc), False
    return sealed_answer(service, route, call, result, headers), True


def refusal(service: Service, exc: "DomainError | ProtocolError") -> Response:
    """A handler's refusal, in the envelope."""
    if isinstance(exc, ProtocolError):
        return error_answer(service, exc.code, exc.message)
    code, message = domain_error(exc)
    return _answer(service.conventions.error(code, message), code)


def sealed_answer(service: Service, route: Route, call: Call, result, headers) -> Response:
    """A handler's result in the success envelope, ``response`` sealed for a v2.0 consumer."""
    conv = service.conventions
    if isinstance(result, envelope.Answer):
        env = conv.ok(result.response, result.message, result.meta)
        result = result.response
    else:
        env = conv.ok(result)
    if conv.seals and call.consumer.api_version == "2.0" and not route.plain and result is not None:
        # envelope.seal's rule (plain paths and null answers stay plain), with the fast compressor
        return _sealed(env, lzfast.encrypt_response(result, call.consumer.cons_id, call.consumer.secret,
                                                    headers.get("x-timestamp", "").strip()))
    return _answer(env, envelope.OK.code)


def _sealed(env: dict, sealed: str) -> Response:
    """The success envelope ``env`` (``response`` its last key, as :meth:`envelope.Conventions.ok` puts
    it) with ``response`` the sealed text: base64, which JSON writes as it is between quotes, so it is
    put there, not scanned by the encoder (5 µs of a 1.4 KB answer). The same bytes as :func:`_answer`."""
    env["response"] = None
    text = ascii_bytes(env)  # ... ,"response":null}
    body = b'%s"%s"}' % (text[:-5], sealed.encode("ascii"))
    return _Json(body, envelope.OK.http_status)


class _Undo(Exception):
    """Roll a write's transaction back (its use case refused, or its headers were recorded first)."""

    def __init__(self, response: Response, refused: bool):
        super().__init__()
        self.response, self.refused = response, refused


def _keep(session, signed: vclaim_requests.Signed, request_sha256: str, response: Response,
          keep_seconds: int) -> bool:
    vclaim_requests.forget_expired(session, keep_seconds)
    return vclaim_requests.keep(session, signed, request_sha256, response.status_code, response.body.decode("ascii"))


def _write_once(service: Service, session, route: Route, call: Call, headers, request_sha256: str,
                keep_seconds: int) -> Response:
    """A write answered once per signed header (A-C16): the use case, then its answer recorded
    under the headers, committed together (no look-up before, no savepoint). A refusal rolls the use
    case back and records only its answer. Headers recorded first — by an earlier or a concurrent
    call — roll everything back: the same request gets the recorded answer, another a refusal."""
    signed = vclaim_requests.Signed(call.consumer.cons_id, headers.get("x-timestamp", "").strip(),
                                    headers.get("x-signature", "").strip())
    for _ in range(WRITE_ATTEMPTS):
        try:
            with unit_of_work(session):
                response, done = _attempt(service, route, call, headers)
                if not done:
                    raise _Undo(response, refused=True)
                if _keep(session, signed, request_sha256, response, keep_seconds):
                    return response
                raise _Undo(response, refused=False)
        except _Undo as undo:
            if undo.refused:
                with unit_of_work(session):
                    kept = _keep(session, signed, request_sha256, undo.response, keep_seconds)
                if kept:
                    return undo.response
        seen = vclaim_requests.recorded(session, signed)
        if seen is None:  # recorded, then forgot as expired in between: try again
            continue
        if seen.request_sha256 != request_sha256:
            raise ProtocolError(envelope.UNAUTHORIZED, "Unauthorized: this X-timestamp and X-signature were "
                                "already used for another request; nothing was written, sign it again")
        return Response(seen.answer.encode("ascii"), status_code=seen.status, media_type="application/json")
    raise Conflict(Msg("error.bridging.same_request_running"))


def handle(service: Service, sessions, read_sessions, method: str, service_path: str, headers,
           consumer: ConsumerAuth, raw_body: bytes, settings: bridging_settings.Settings,
           client: str | None = None) -> Response:
    """An authenticated request from ``client`` (its address, for the audit trail), synchronously
    (run in a worker thread): route, parse, call, seal.

    Reads (GET) run on ``read_sessions`` (autocommit: no BEGIN/ROLLBACK round trips); writes in one
    transaction with their record (:func:`_write_once`).
    """
    try:
        if service.admit is not None:
            service.admit(read_sessions, headers, consumer)
        route, params = service.router.resolve(method, service_path)
        body = parse_body(raw_body, settings.max_depth) if method in BODY_METHODS else None
        if not route.write:
            with read_sessions() as session:
                return _attempt(service, route, Call(consumer=consumer, params=params, body=body, session=session,
                                                     client=client, extra={"host": headers.get("host")}), headers)[0]
        with sessions() as session:
            call = Call(consumer=consumer, params=params, body=body, session=session, client=client,
                        extra={"host": headers.get("host")})
            return _write_once(service, session, route, call, headers,
                               vclaim_requests.digest(method, squash(service_path), raw_body), settings.keep_requests)
    except ProtocolError as exc:
        return error_answer(service, exc.code, exc.message)
    except DomainError as exc:  # a conflict with a concurrent write: nothing was written
        code, message = domain_error(exc)
        return _answer(service.conventions.error(code, message), code)
    except Exception:  # pragma: no cover - logged, answered in the envelope
        log.exception("%s %s %s failed", service.name, method, service_path)
        return error_answer(service, envelope.INTERNAL)


def _read_sessions(state):
    """An autocommit session factory over the app's engine (created on first use)."""
    factory = getattr(state, "bridging_read_sessions", None)
    if factory is None:
        engine = state.engine.execution_options(isolation_level="AUTOCOMMIT")
        factory = state.bridging_read_sessions = session_factory(engine)
    return factory


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


async def _fast_read(state, service: Service, service_path: str, headers, consumer: ConsumerAuth,
                     client: str | None) -> Response | None:
    """A GET whose route has a fast form (``Route.fast``), answered in the event loop on PostgreSQL
    (:mod:`jkn.bridging.core.async_read`); None: it goes to :func:`handle` in a worker thread."""
    if service.admit is not None or not async_read.available(state):
        return None
    try:
        route, params = service.router.resolve("GET", service_path)
    except ProtocolError:
        return None
    if route.fast is None:
        return None
    call = Call(consumer=consumer, params=params, body=None, session=None, client=client,
                extra={"host": headers.get("host")})
    try:
        result = await async_read.run(state, route.fast, call)
    except NeedsSession:
        return None
    except (DomainError, ProtocolError) as exc:
        return refusal(service, exc)
    except async_read.Unavailable:
        return error_answer(service, envelope.INTERNAL)
    return sealed_answer(service, route, call, result, headers)


def _write_in_loop(state, service: Service, method: str, service_path: str) -> bool:
    """True for a write route of a service whose writes may run in the event loop, on PostgreSQL
    (:mod:`jkn.bridging.core.async_write`)."""
    if not service.loop_writes or not async_read.available(state):
        return False
    try:
        route, _params = service.router.resolve(method, service_path)
    except ProtocolError:
        return False
    return route.write


async def _read_consumer(state, read_sessions, cons_id: str) -> ConsumerAuth | None:
    """Read the consumer ``cons_id`` from the database and cache it (``protocol.keep_consumer``): on
    PostgreSQL in the event loop on the read pool (``async_read.first``: its time limit, Unavailable),
    one statement (``vclaim_consumers.AUTH``), no worker thread — a worker thread's read was 7-9% of the
    server's CPU under the Antrean RS writes (issue #13; docs/benchmarks.md "sixth
    pass"); elsewhere (SQLite) in a worker thread, on ``read_sessions``."""
    if not async_read.available(state):
        return await run_in_threadpool(load_consumer, read_sessions, cons_id)
    read_at = time.monotonic()
    params = vclaim_consumers.auth_params(cons_id)
    row = None if params is None else await async_read.first(state, vclaim_consumers.AUTH, params)
    return keep_consumer(cons_id, vclaim_consumers.auth_of(row), read_at)


_refreshes: set[asyncio.Task] = set()  # running reads of consumers ahead of time (kept until done)


def _refresh_ahead(state, read_sessions, cons_id: str | None) -> None:
    """Read the consumer again (:func:`_read_consumer`) when its cached copy is past half its time
    (:func:`jkn.bridging.core.protocol.refresh_due`); the request does not wait for it, and a failed
    read is only logged (the cached copy serves until its time)."""
    key = refresh_due(cons_id)
    if key is None:
        return

    async def refresh():
        try:
            await _read_consumer(state, read_sessions, key)
        except async_read.Unavailable:  # the read logged why; no traceback: the cached copy serves until its time
            log.warning("reading consumer %s ahead of time failed: the database did not answer", key)
        except Exception:  # the next request after the cached copy's time reads it itself
            log.exception("reading consumer %s ahead of time failed", key)
        finally:
            refreshed(key)

    task = asyncio.get_running_loop().create_task(refresh())
    _refreshes.add(task)
    task.add_done_callback(_refreshes.discard)


async def _authenticate(state, read_sessions, headers, settings: bridging_settings.Settings,
                        service: Service) -> ConsumerAuth:
    """:func:`jkn.bridging.core.protocol.authenticate`: a cached consumer at once (then read again ahead of
    time when due), another read first (:func:`_read_consumer`)."""
    if consumer_cached(headers.get("x-cons-id")):  # no database
        consumer = authenticate(read_sessions, headers, settings.max_skew, user_key=service.user_key)
        _refresh_ahead(state, read_sessions, headers.get("x-cons-id"))
        return consumer
    consumer = await _read_consumer(state, read_sessions, signed_cons_id(headers))
    return check_signed(consumer, headers, settings.max_skew, user_key=service.user_key)


async def serve(state, service: Service, method: str, service_path: str, headers, receive,
                client: str | None = None) -> Response:
    """One request under ``service``'s base path (from the address ``client``): limits,
    authentication, then the body and the call."""
    settings: bridging_settings.Settings = state.bridging
    if _declared_length(headers) > settings.max_body:
        return _unread(error_answer(service, envelope.TOO_LARGE, f"Request body larger than {settings.max_body} bytes"),
                       headers)
    read_sessions = _read_sessions(state)
    try:
        consumer = await _authenticate(state, read_sessions, headers, settings, service)
    except ProtocolError as exc:
        return _unread(error_answer(service, exc.code, exc.message), headers)
    except async_read.Unavailable:
        return _unread(error_answer(service, envelope.INTERNAL), headers)
    try:
        raw = await _read_body(receive, settings.max_body)
    except ProtocolError as exc:
        return _unread(error_answer(service, exc.code, exc.message), headers)
    if method == "GET":
        response = await _fast_read(state, service, service_path, headers, consumer, client)
        if response is not None:
            return response
    elif _write_in_loop(state, service, method, service_path):
        return await async_write.run(state, partial(handle, service), method, service_path, headers, consumer, raw,
                                     settings, client)
    return await run_in_threadpool(handle, service, state.sessions, read_sessions, method, service_path, headers,
                                   consumer, raw, settings, client)
