"""The VClaim protocol at the HTTP edge (shared/docs/vclaim-protocol.md, docs/vclaim.md).

- Authentication: ``X-cons-id``, ``X-timestamp``, ``X-signature`` (HMAC-SHA256 of
  ``"{consid}&{timestamp}"`` with the consumer's secret), checked with a clock-skew tolerance;
  ``user_key`` required for version-2.0 consumers. Every failure gets the same envelope with
  code "401" before anything about the request (card, SEP, path) is looked at.
- Version: chosen by the consumer record (``api_version``): 2.0 encrypts ``response`` with
  the client's own ``X-timestamp``; 1.1 answers plain.
- Paths: case-insensitive literal segments, ``//`` tolerated, no redirects.
- Bodies: JSON whatever the ``Content-Type``; DELETE carries one; nested at most
  ``Settings.max_depth`` levels (checked before parsing).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from jkn.services.care.vclaim_consumers import ConsumerAuth, load_auth
from jkn.services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from jkn.services.portal.audit import Actor
from jkn.bridging.core import envelope
from jkn.bridging.core.crypto import SignatureError, verify
from jkn.bridging.core.nesting import deeper_than

log = logging.getLogger("jkn.bridging")

UNAUTHORIZED_MESSAGE = "Unauthorized: X-cons-id, X-timestamp and X-signature are not valid for this service"


class ProtocolError(Exception):
    """An answer decided before or outside the business layer: (code, message)."""

    def __init__(self, code: envelope.Code, message: str | None = None):
        super().__init__(message or code.message)
        self.code = code
        self.message = message or code.message


@dataclass
class Call:
    """One authenticated request, as a handler sees it; ``client`` is the caller's address, ``extra``
    the request's ``host`` (for answers that are links back to this server, iCare)."""

    consumer: ConsumerAuth
    params: dict[str, str]
    body: Any
    session: Any
    client: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        """Who writes: the consumer that signed the request, at its facility (never the body's ``user``)."""
        return Actor.vclaim(self.consumer.cons_id, self.consumer.facility_code, self.client)


Handler = Callable[[Call], Any]


class NeedsSession(Exception):
    """Raised by a fast read's answer when its row alone does not decide (eligibility that needs the
    payer's ledger): the request is answered by the route's handler, in a worker thread."""


#: A read answered in the event loop on PostgreSQL (:mod:`jkn.bridging.core.async_read`): ``fast(call)``
#: -> (PreparedRead, its parameters, ``answer(row)``); both pure, both may raise a DomainError, and
#: ``answer`` NeedsSession. It must give the handler's answer.
FastRead = Callable[[Call], "tuple[Any, dict, Callable[[Any], Any]]"]


@dataclass(frozen=True)
class Route:
    method: str
    segments: tuple[str, ...]  # lower-case literals, or "{name}"
    handler: Handler
    plain: bool = False  # answered unencrypted even in v2.0 (SEP update/delete)
    write: bool = False  # changes data: runs in its own transaction
    fast: FastRead | None = None  # the same read without a thread or session, on PostgreSQL

    def match(self, method: str, parts: list[str]) -> dict[str, str] | None:
        if method != self.method or len(parts) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for want, got in zip(self.segments, parts):
            if want.startswith("{"):
                params[want[1:-1]] = got
            elif want != got.lower():
                return None
        return params


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._shapes: dict | None = None  # see _candidates

    def add(self, method: str, pattern: str, plain: bool = False, write: bool | None = None,
            fast: FastRead | None = None):
        """``write`` defaults to "not GET"; a read sent as POST (Antrean's ``getlisttask``) says ``write=False``;
        ``fast``: the read's event-loop form (:data:`FastRead`)."""
        segments = tuple(s if s.startswith("{") else s.lower() for s in pattern.strip("/").split("/"))

        def deco(fn: Handler) -> Handler:
            self.routes.append(Route(method, segments, fn, plain, write=method != "GET" if write is None else write,
                                     fast=fast))
            self._shapes = None
            return fn
        return deco

    def _candidates(self, parts: list[str]) -> "list[Route] | tuple":
        """The routes that may match ``parts``, in the order added: those with as many segments and the same
        first literal (or a parameter first). VClaim has about 90 routes; trying each, twice, cost 25 µs a
        request (docs/benchmarks.md "sixth pass")."""
        if self._shapes is None:
            shapes: dict = {}
            for route in self.routes:
                first = route.segments[0]
                shapes.setdefault((len(route.segments), None if first.startswith("{") else first), []).append(route)
            self._shapes = shapes
        literal = self._shapes.get((len(parts), parts[0].lower() if parts else None), ())
        any_first = self._shapes.get((len(parts), None), ())
        return sorted((*literal, *any_first), key=self.routes.index) if any_first else literal

    def resolve(self, method: str, service_path: str) -> tuple[Route, dict[str, str]]:
        parts = [p for p in service_path.split("/") if p]
        known_path = False
        for route in self._candidates(parts):
            params = route.match(method, parts)
            if params is not None:
                return route, params
            if route.match(route.method, parts) is not None:
                known_path = True
        if known_path:
            raise ProtocolError(envelope.UNKNOWN_PATH, f"{method} is not a method of this service path")
        raise ProtocolError(envelope.UNKNOWN_PATH)


#: Consumers read from the database are reused for this many seconds (per process): a revoked or
#: rotated consumer stops working within this time (at once in the process that changed it).
CONSUMER_CACHE_SECONDS = float(os.environ.get("JKN_VCLAIM_CONSUMER_CACHE", "5") or 5)
_consumers: dict[str, tuple[float, ConsumerAuth | None]] = {}
_refreshing: set[str] = set()  # cons-ids being read again ahead of time


def forget_consumers() -> None:
    _consumers.clear()


def _fresh(cons_id: str, now: float) -> tuple[float, ConsumerAuth | None] | None:
    """The cached (read at, consumer) of ``cons_id`` while younger than ``CONSUMER_CACHE_SECONDS``."""
    hit = _consumers.get(cons_id)
    return hit if hit is not None and now - hit[0] < CONSUMER_CACHE_SECONDS else None


def consumer_cached(cons_id: str | None) -> bool:
    """True if :func:`authenticate` needs no database for this cons-id (it can run in the event loop)."""
    return _fresh((cons_id or "").strip(), time.monotonic()) is not None


def refresh_due(cons_id: str | None) -> str | None:
    """The cons-id to read again ahead of time, or None: a cached consumer past half its time, not
    already being read (until :func:`refreshed`). Read in the background while requests go on with
    the cached one, a busy consumer's requests never wait for the database, and a revoked consumer
    still stops within ``CONSUMER_CACHE_SECONDS``."""
    key = (cons_id or "").strip()
    hit = _consumers.get(key)
    if hit is None or key in _refreshing or time.monotonic() - hit[0] < CONSUMER_CACHE_SECONDS / 2:
        return None
    _refreshing.add(key)
    return key


def refreshed(cons_id: str) -> None:
    """The read ahead of time of ``cons_id`` (:func:`refresh_due`) is over, done or failed."""
    _refreshing.discard(cons_id)


def keep_consumer(cons_id: str, consumer: ConsumerAuth | None, read_at: float) -> ConsumerAuth | None:
    """Cache and return ``consumer`` (None: ``cons_id`` is not authenticated), whose read from the database
    began at ``read_at`` (``time.monotonic()``), in a worker thread (:func:`load_consumer`) or in the event
    loop (``jkn.bridging.core.server``)."""
    if len(_consumers) > 10_000:
        _consumers.clear()
    _consumers[cons_id] = (read_at, consumer)
    return consumer


def load_consumer(sessions, cons_id: str) -> ConsumerAuth | None:
    """Read ``cons_id`` from the database on a session of ``sessions`` and cache it (blocks: a worker thread)."""
    read_at = time.monotonic()
    with sessions() as session:
        consumer = load_auth(session, cons_id)
    return keep_consumer(cons_id, consumer, read_at)


def _consumer(sessions, cons_id: str) -> ConsumerAuth | None:
    hit = _fresh(cons_id, time.monotonic())
    return hit[1] if hit is not None else load_consumer(sessions, cons_id)


def signed_cons_id(headers) -> str:
    """The request's ``X-cons-id``; ProtocolError(401) unless it comes with ``X-timestamp`` and ``X-signature``."""
    cons_id = headers.get("x-cons-id")
    if not cons_id or not headers.get("x-timestamp") or not headers.get("x-signature"):
        raise ProtocolError(envelope.UNAUTHORIZED, "X-cons-id, X-timestamp and X-signature headers are required")
    return cons_id.strip()


def authenticate(sessions, headers, max_skew: int, now: float | None = None,
                 user_key: str = "required") -> ConsumerAuth:
    """The consumer behind a request's headers, or ProtocolError(401) — never anything more specific
    than "not valid" to a caller who does not hold the secret. ``sessions`` (a session factory) is
    opened only when the consumer is not cached. ``user_key``: "required" (a 2.0 consumer must send
    it) or "if sent" (services whose clients send none, Aplicares: checked only when present)."""
    return check_signed(_consumer(sessions, signed_cons_id(headers)), headers, max_skew, now, user_key)


def check_signed(consumer: ConsumerAuth | None, headers, max_skew: int, now: float | None = None,
                 user_key: str = "required") -> ConsumerAuth:
    """:func:`authenticate` with the consumer of the request's ``X-cons-id`` (:func:`signed_cons_id`) as read."""
    if consumer is None:
        raise ProtocolError(envelope.UNAUTHORIZED, UNAUTHORIZED_MESSAGE)
    try:
        verify(consumer.cons_id, consumer.secret, headers.get("x-timestamp").strip(),
               headers.get("x-signature").strip(), now=time.time() if now is None else now,
               max_skew_seconds=max_skew)
    except SignatureError as exc:
        if exc.reason in ("stale", "future"):  # only a holder of the secret learns this
            raise ProtocolError(envelope.UNAUTHORIZED, f"Unauthorized: {exc}") from None
        raise ProtocolError(envelope.UNAUTHORIZED, UNAUTHORIZED_MESSAGE) from None
    sent = headers.get("user_key") or headers.get("user-key")
    if (sent or user_key == "required") and not consumer.user_key_ok(sent):
        raise ProtocolError(envelope.UNAUTHORIZED, "Unauthorized: user_key is missing or not valid for this consumer")
    return consumer


def parse_body(raw: bytes, max_depth: int) -> Any:
    """JSON whatever the Content-Type says (clients send JSON as x-www-form-urlencoded), refused
    unparsed when it nests deeper than ``max_depth``."""
    if not raw or not raw.strip():
        return None
    if deeper_than(raw, max_depth):
        raise ProtocolError(envelope.BAD_REQUEST, f"Request body nests deeper than {max_depth} levels")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError(envelope.BAD_REQUEST, "Request body must be JSON") from None


def domain_error(exc: DomainError) -> tuple[str, str]:
    """(metaData.code, message) for a business answer."""
    if isinstance(exc, Invalid):
        return envelope.BAD_REQUEST.code, exc.message
    if isinstance(exc, (NotFound, Conflict, Forbidden)):
        return envelope.NOT_FOUND.code, exc.message
    return envelope.REJECTED.code, exc.message  # Refused and any other rule refusal


def squash(path: str) -> str:
    return re.sub(r"/+", "/", path).strip("/")
