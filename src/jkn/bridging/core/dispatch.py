"""The ASGI front of the application: bridging base paths and the fast paths (``/health``) are
answered here, before Starlette's middleware, the pages' session/CSRF middleware and routing;
every other request goes on to the app untouched.

A bridging path is matched in any case with ``//`` collapsed and never redirected
(shared/docs/vclaim-protocol.md "Requests"); the base path alone is an unknown service path.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Callable

from starlette.responses import Response

from jkn.bridging.core import envelope
from jkn.bridging.core.server import error_answer, serve
from jkn.bridging.core.service import Service

log = logging.getLogger("jkn.bridging")
_DOUBLE = re.compile(r"/{2,}")


def request_headers(scope) -> dict[str, str]:
    """The request's headers by lower-case name, the first of a repeated one (as Starlette's
    ``Headers.get``), read once: a request looks up about eight."""
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return headers


class Front:
    """``Front(app, state_holder, services, fast_paths)``: ``state_holder.state`` carries the engine,
    sessions and bridging settings (set by the app's lifespan); ``fast_paths`` maps an exact path to
    a function whose answer is sent as JSON (GET only)."""

    def __init__(self, app, state_holder, services: tuple[Service, ...],
                 fast_paths: dict[str, Callable[[], object]] | None = None):
        self.app = app
        self.state_holder = state_holder
        self.prefixes = sorted(((p, s) for s in services for p in s.prefixes), key=lambda ps: -len(ps[0]))
        self.fast = {path: json.dumps(fn(), separators=(",", ":")).encode() for path, fn in (fast_paths or {}).items()}

    def _service(self, path: str) -> tuple[Service, str] | None:
        """(service, the rest of the path after its base) for a bridging path."""
        if not path.startswith("/") or len(path) < 2:
            return None
        lower = path.lower()
        for prefix, service in self.prefixes:
            if lower.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/"):
                return service, path[len(prefix) + 1:]
        return None

    def _bridged(self, path: str) -> tuple[Service, str] | None:
        """:meth:`_service` of the path with ``//`` collapsed."""
        return self._service(_DOUBLE.sub("/", path) if "//" in path else path)

    def answers(self, path: str) -> bool:
        """True for a path this front answers itself (a bridging path or a fast path), whatever the method."""
        return path in self.fast or self._bridged(path) is not None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        fast = self.fast.get(path)
        if fast is not None and scope["method"] in ("GET", "HEAD"):
            return await Response(fast, media_type="application/json")(scope, receive, send)
        hit = self._bridged(path)
        if hit is None:
            return await self.app(scope, receive, send)
        service, rest = hit
        state = self.state_holder.state
        try:
            if not rest.strip("/"):
                response = error_answer(service, envelope.UNKNOWN_PATH)
            elif not hasattr(state, "sessions"):  # lifespan not run: nothing to answer with
                response = error_answer(service, envelope.INTERNAL)
            else:
                client = scope.get("client")
                response = await serve(state, service, scope["method"], rest, request_headers(scope), receive,
                                       client[0] if client else None)
        except Exception:  # answered in the envelope, logged
            log.exception("%s %s %s failed", service.name, scope["method"], path)
            response = error_answer(service, envelope.INTERNAL)
        await response(scope, receive, send)
