"""Security headers on every response: pages, REST, VClaim, static files and errors (issue #10,
assumption A-S05 in docs/assumptions.md).

A pure ASGI middleware around the whole application (outside Starlette's error middleware, so a
500 carries them too). It adds, when the response starts, each header the response has not set
itself; it never reads or copies a body, except on the API documentation pages.

* ``Content-Security-Policy``: an HTML page may load scripts, styles, images, requests and form
  posts from this origin only: no inline script or style, no plugins, no ``<base>``, no framing.
  Any other answer gets ``default-src 'none'; frame-ancestors 'none'`` (a PDF only the framing
  part, which browsers' PDF viewers need). The documentation pages (``/docs``, ``/redoc``) load
  Swagger UI and ReDoc from the app itself (fastapi-offline): their policy allows inline styles and
  the SHA-256 of the start-up script they carry, and nothing inline else; no other host.
* ``X-Frame-Options: DENY`` (browsers without ``frame-ancestors``), ``X-Content-Type-Options:
  nosniff``, ``Referrer-Policy: same-origin`` (card numbers in page addresses never leave the site).
* ``Cache-Control: no-store`` on everything but ``/static/``: pages carry the session's CSRF token
  and personal data, the API and VClaim answer personal data.
* ``Strict-Transport-Security: max-age=31536000`` when the request came over https (directly,
  or through a proxy that uvicorn trusts, ``FORWARDED_ALLOW_IPS``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
PDF_POLICY = "frame-ancestors 'none'"
DOCS_POLICY = ("default-src 'self'; script-src 'self'{hashes}; "
               "style-src 'self' 'unsafe-inline'; "
               "font-src 'self'; img-src 'self' data:; worker-src 'self' blob:; "
               "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")
HSTS = b"max-age=31536000"

_ALWAYS = ((b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"same-origin"))
_NO_STORE = (b"cache-control", b"no-store")
_HSTS = (b"strict-transport-security", HSTS)
_CSP = b"content-security-policy"
_POLICIES = ((b"text/html", PAGE_POLICY.encode()), (b"application/pdf", PDF_POLICY.encode()))
_DATA_POLICY = DATA_POLICY.encode()
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def _policy(content_type: bytes) -> bytes:
    for kind, policy in _POLICIES:
        if content_type.startswith(kind):
            return policy
    return _DATA_POLICY


def docs_policy(body: bytes) -> bytes:
    """The documentation page's policy: its inline start-up scripts by their SHA-256."""
    hashes = "".join(" 'sha256-%s'" % base64.b64encode(hashlib.sha256(script).digest()).decode()
                     for script in _INLINE_SCRIPT.findall(body))
    return DOCS_POLICY.format(hashes=hashes).encode()


class SecurityHeaders:
    """Pure ASGI middleware: the headers above on every HTTP response of ``app``."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        https = scope.get("scheme") == "https"
        cacheable = path.startswith("/static/")
        if path in DOCS_PATHS or path.startswith("/docs/"):
            return await self._documentation(scope, receive, send, https)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = _with_headers(message.get("headers", []), None, https, cacheable)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _documentation(self, scope, receive, send, https: bool):
        """The docs pages are small: hold the body back to hash its inline script."""
        started: dict = {}
        chunks: list[bytes] = []

        async def hold(message):
            if message["type"] == "http.response.start":
                started.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = _with_headers(started.get("headers", []), docs_policy(body), https, False)
            await send({**started, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, hold)


def _with_headers(headers, policy: bytes | None, https: bool, cacheable: bool) -> list:
    """``headers`` and, after them, each of ours the response has not set itself (a bridging answer
    sets none: its ``content-type`` and ``content-length`` only)."""
    headers = list(headers)
    present = {name.lower(): value for name, value in headers}  # a repeated name: its last value
    extra = _extra(policy or _policy(present.get(b"content-type", b"")), https, cacheable)
    if present.keys().isdisjoint(_NAMES):
        headers += extra
    else:
        headers += [item for item in extra if item[0] not in present]
    return headers


_NAMES = frozenset((*(name for name, _ in _ALWAYS), _CSP, _NO_STORE[0], _HSTS[0]))


@lru_cache(maxsize=64)
def _extra(policy: bytes, https: bool, cacheable: bool) -> tuple:
    """Our headers for a response with ``policy`` (a few: one per kind of response and scheme)."""
    return (*_ALWAYS, (_CSP, policy), *(() if cacheable else (_NO_STORE,)), *((_HSTS,) if https else ()))


def install(app) -> None:
    """Wrap the whole of ``app`` (a Starlette/FastAPI app) in :class:`SecurityHeaders`, outside
    Starlette's own error middleware (``add_middleware`` would put it inside, so a 500 would
    go out without the headers)."""
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build())
