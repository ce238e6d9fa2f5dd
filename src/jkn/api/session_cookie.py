"""The portal's session cookie, read by the portal pages (jkn.web.security) and the REST API
(jkn.api.security) alike.

* The session is a signed cookie (itsdangerous): ``{"u": user id or None, "v": the user's
  session_version, "c": CSRF token, "i": issued at}``; HttpOnly, SameSite=Lax, Secure when the
  request came over https; it expires after ``JKN_SESSION_HOURS`` (8). Every visitor of a page
  gets one (anonymous until log-in) so the log-in form has a CSRF token too; log-in issues a
  new one.
* The signing key is ``JKN_SECRET_KEY`` or, when unset, a random key kept in ``jkn_meta``
  (so every worker and restart shares it).
* The user is re-read from the database on each request: a deactivated user, or one whose
  password changed since (``session_version``), is logged out.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jkn.services.portal import accounts
from jkn.store.portal_tables import UserAccountRow
from jkn.store.reference_tables import MetaRow
from jkn.services.unit_of_work import unit_of_work

COOKIE = "jkn_session"
SECRET_META_KEY = "portal.secret_key"
SALT = "jkn.portal.session"


def _load_secret(app: FastAPI) -> str:
    env = os.environ.get("JKN_SECRET_KEY", "").strip()
    if env:
        return env
    sessions = app.state.sessions
    with sessions() as session:
        value = session.scalar(select(MetaRow.value).where(MetaRow.key == SECRET_META_KEY))
    if value:
        return value
    try:
        with sessions() as session, unit_of_work(session):
            session.add(MetaRow(key=SECRET_META_KEY, value=secrets.token_hex(32)))
    except IntegrityError:  # another worker created it first
        pass
    with sessions() as session:
        return session.scalar(select(MetaRow.value).where(MetaRow.key == SECRET_META_KEY))


def serializer(app: FastAPI) -> URLSafeTimedSerializer:
    cached = getattr(app.state, "portal_serializer", None)
    if cached is None:
        cached = URLSafeTimedSerializer(_load_secret(app), salt=SALT)
        app.state.portal_serializer = cached
    return cached


@dataclass
class PortalSession:
    user_id: int | None
    version: int
    csrf: str
    issued: int
    fresh: bool = False  # must be (re)written to the cookie

    def payload(self) -> dict:
        return {"u": self.user_id, "v": self.version, "c": self.csrf, "i": self.issued}


def new_session(user: UserAccountRow | None = None) -> PortalSession:
    return PortalSession(user.id if user else None, user.session_version if user else 0,
                         secrets.token_urlsafe(32), int(time.time()), fresh=True)


def read_session(request: Request) -> PortalSession:
    """The request's session (cached on ``request.state``); a new anonymous one if none is valid."""
    cached = getattr(request.state, "portal", None)
    if cached is not None:
        return cached
    raw = request.cookies.get(COOKIE)
    found = None
    if raw:
        try:
            data = serializer(request.app).loads(raw, max_age=accounts.settings().session_hours * 3600)
            found = PortalSession(data.get("u"), int(data.get("v", 0)), str(data["c"]), int(data.get("i", 0)))
        except (BadSignature, KeyError, TypeError, ValueError):
            found = None
    if found is None:
        found = new_session()
    request.state.portal = found
    return found


def write_cookie(request: Request, response: Response, portal: PortalSession) -> None:
    response.set_cookie(
        COOKIE, serializer(request.app).dumps(portal.payload()),
        max_age=accounts.settings().session_hours * 3600, httponly=True, samesite="lax",
        secure=request.url.scheme == "https", path="/",
    )


def start_session(request: Request, response: Response, user: UserAccountRow) -> PortalSession:
    """After a successful log-in: a new session (new CSRF token) bound to ``user``."""
    portal = new_session(user)
    request.state.portal = portal
    write_cookie(request, response, portal)
    return portal


def end_session(request: Request, response: Response) -> None:
    portal = new_session()
    request.state.portal = portal
    write_cookie(request, response, portal)


def client_of(request: Request) -> str | None:
    return request.client.host if request.client else None


def load_user(request: Request, session: Session) -> UserAccountRow | None:
    """The user of the request's session cookie, if still valid (active, same session version)."""
    portal = read_session(request)
    if portal.user_id is None:
        return None
    user = session.get(UserAccountRow, portal.user_id)
    if user is None or not user.active or user.session_version != portal.version:
        return None
    return user
