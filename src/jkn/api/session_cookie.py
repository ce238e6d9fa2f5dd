"""The portal's session cookie, read by the portal pages (jkn.web.security) and the REST API
(jkn.api.security) alike.

* The session is a signed cookie (itsdangerous): ``{"u": user id or None, "s": the session's
  token or None, "c": CSRF token, "i": issued at}``; HttpOnly, SameSite=Lax, Secure when the
  request came over https. Every visitor of a page gets one (anonymous until log-in) so the
  log-in form has a CSRF token too; log-in issues a new one.
* A logged-in cookie is only as good as its server-side session (jkn.services.portal.sessions):
  log-out, a password change, deactivation, the idle and the absolute timeout end it, and the
  user is re-read from the database on each request.
* The device cookie ``jkn_device`` (``{"u": user id, "v": session version, "d": device id}``,
  path ``/masuk``, ``JKN_DEVICE_DAYS`` long) marks a browser that logged in to that account, so
  a stranger's failed guesses never slow its owner there (jkn.services.portal.throttle).
* The signing key is ``JKN_SECRET_KEY`` or, when unset, a random key kept in ``jkn_meta``
  (so every worker and restart shares it).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from jkn.services.portal import sessions
from jkn.services.portal.settings import settings
from jkn.services.portal.throttle import KnownDevice
from jkn.services.secret_key import server_secret
from jkn.services.unit_of_work import unit_of_work
from jkn.store.portal_tables import UserAccountRow

COOKIE = "jkn_session"
DEVICE_COOKIE = "jkn_device"
SECRET_META_KEY = "portal.secret_key"
SALT = "jkn.portal.session"
DEVICE_SALT = "jkn.portal.device"


def _load_secret(app: FastAPI) -> str:
    with app.state.sessions() as session, unit_of_work(session):
        return server_secret(session, SECRET_META_KEY)


def serializer(app: FastAPI, salt: str = SALT) -> URLSafeTimedSerializer:
    cached = getattr(app.state, "portal_serializers", None)
    if cached is None:
        secret = _load_secret(app)
        cached = {name: URLSafeTimedSerializer(secret, salt=name) for name in (SALT, DEVICE_SALT)}
        app.state.portal_serializers = cached
    return cached[salt]


@dataclass
class PortalSession:
    user_id: int | None
    token: str | None
    csrf: str
    issued: int
    fresh: bool = False  # must be (re)written to the cookie

    def payload(self) -> dict:
        return {"u": self.user_id, "s": self.token, "c": self.csrf, "i": self.issued}


def new_session(user: UserAccountRow | None = None, token: str | None = None) -> PortalSession:
    return PortalSession(user.id if user else None, token, secrets.token_urlsafe(32), int(time.time()), fresh=True)


def _signed(request: Request, name: str, salt: str, max_age: float) -> dict | None:
    raw = request.cookies.get(name)
    if not raw:
        return None
    try:
        data = serializer(request.app, salt).loads(raw, max_age=max_age)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None


def read_session(request: Request) -> PortalSession:
    """The request's session (cached on ``request.state``); a new anonymous one if none is valid."""
    cached = getattr(request.state, "portal", None)
    if cached is not None:
        return cached
    data = _signed(request, COOKIE, SALT, settings().session_seconds)
    try:
        found = PortalSession(data.get("u"), data.get("s"), str(data["c"]), int(data.get("i", 0))) if data else None
    except (KeyError, TypeError, ValueError):
        found = None
    request.state.portal = found or new_session()
    return request.state.portal


def write_cookie(request: Request, response: Response, portal: PortalSession) -> None:
    response.set_cookie(
        COOKIE, serializer(request.app).dumps(portal.payload()),
        max_age=int(settings().session_seconds), httponly=True, samesite="lax",
        secure=request.url.scheme == "https", path="/",
    )


def start_session(request: Request, response: Response, user: UserAccountRow, token: str) -> PortalSession:
    """After a successful log-in: a new cookie (new CSRF token) for the server-side session ``token``,
    and this browser is remembered as one of the user's devices."""
    portal = new_session(user, token)
    request.state.portal = portal
    write_cookie(request, response, portal)
    known = known_device(request)
    device_id = known.id if known and known.user_id == user.id else secrets.token_hex(16)
    response.set_cookie(
        DEVICE_COOKIE, serializer(request.app, DEVICE_SALT).dumps({"u": user.id, "v": user.session_version,
                                                                   "d": device_id}),
        max_age=int(settings().device_seconds), httponly=True, samesite="strict",
        secure=request.url.scheme == "https", path="/masuk",
    )
    return portal


def end_session(request: Request, response: Response) -> None:
    portal = new_session()
    request.state.portal = portal
    write_cookie(request, response, portal)


def known_device(request: Request) -> KnownDevice | None:
    """The browser's device cookie, if it has a valid one."""
    data = _signed(request, DEVICE_COOKIE, DEVICE_SALT, settings().device_seconds)
    try:
        return KnownDevice(int(data["u"]), int(data["v"]), str(data["d"])) if data else None
    except (KeyError, TypeError, ValueError):
        return None


def client_of(request: Request) -> str | None:
    return request.client.host if request.client else None


def load_user(request: Request, session: Session) -> UserAccountRow | None:
    """The user of the request's session cookie while its server-side session is open and the
    user active; otherwise None, and the browser gets a new anonymous cookie."""
    portal = read_session(request)
    if portal.user_id is None:
        return None
    row = sessions.current(session, portal.token) if portal.token else None
    user = session.get(UserAccountRow, row.user_id) if row is not None and row.user_id == portal.user_id else None
    if user is None or not user.active:
        request.state.portal = new_session()
        return None
    request.state.login_session = row
    return user
