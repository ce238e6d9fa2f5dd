"""Who is asking: a logged-in user with their scope, for the portal pages and the REST API alike.

Framework-neutral (a SQLAlchemy session, no HTTP): jkn.web.security (pages) and
jkn.api.security (REST) both build a :class:`Portal` here, so both apply the same scope
(jkn.services.portal.auth) to the same user.

HTTP Basic sends the password with every request. Checking it is an argon2 verification
(a tenth of a second or more, on purpose) and a write (the log-in attempt), so a successful
check is remembered in this process for ``JKN_BASIC_CACHE_SECONDS`` (default 300; 0 turns it
off), keyed by an HMAC of name and password under a random per-process key (no password is
kept). A remembered check still reads the user on every request and is only used while the
account is active and still has the same password hash and session version; anything else goes
through the full check (throttling and the attempt log included). A stranger's failed guesses
do not stop a remembered caller: the password it sends is known to be right.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jkn.services.portal import accounts
from jkn.services.portal.accounts import LoginRefused
from jkn.services.portal.audit import Actor
from jkn.services.portal.auth import Scope, scope_for
from jkn.services.unit_of_work import unit_of_work
from jkn.store.portal_tables import UserAccountRow


class LoginRequired(Exception):
    """Nobody is logged in: a page redirects to /masuk, the API answers 401 (WWW-Authenticate: Basic)."""


class CsrfFailed(Exception):
    """A write with a session cookie but without the session's CSRF token (403)."""


@dataclass
class Portal:
    """Who is asking (a page or an API call): the user, their scope, the audit actor, the DB session."""

    user: UserAccountRow
    scope: Scope
    actor: Actor
    session: Session

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def username(self) -> str:
        return self.user.username


def caller_for(session: Session, user: UserAccountRow, client: str | None) -> Portal:
    """The :class:`Portal` of ``user`` (scope read from the work-area tables); the read transaction is ended."""
    scope = scope_for(session, user)
    return Portal(user, scope, Actor.of(user, client), session)


# --- HTTP Basic: name and password on every request ------------------------------------------


@dataclass(frozen=True)
class _Checked:
    user_id: int
    password_hash: str
    session_version: int
    until: float


_KEY = secrets.token_bytes(32)
_LOCK = threading.Lock()
_CHECKED: OrderedDict[bytes, _Checked] = OrderedDict()
_MAX_ENTRIES = 4096


def cache_seconds() -> int:
    raw = os.environ.get("JKN_BASIC_CACHE_SECONDS", "").strip()
    return int(raw) if raw.isdigit() else 300


def _digest(database: str, username: str, password: str) -> bytes:
    """The key of a remembered check: per database, as user ids are (a process may serve several)."""
    return hmac.new(_KEY, f"{database}\0{username.strip().lower()}\0{password}".encode(), hashlib.sha256).digest()


def forget_checked_credentials() -> None:
    """Drop every remembered check (tests; an administrator's tool after a breach)."""
    with _LOCK:
        _CHECKED.clear()


def _still_good(user: UserAccountRow | None, seen: _Checked) -> bool:
    return (user is not None and user.active and user.password_hash == seen.password_hash
            and user.session_version == seen.session_version)


def check_credentials(session: Session, username: str, password: str, *, client: str | None = None) -> UserAccountRow:
    """The user whose name and password these are, or :class:`LoginRefused` (401; 429 when
    throttled), as a log-in would decide; successful log-ins are not written to the audit log."""
    key = _digest(str(session.get_bind().url), username or "", password or "")
    now = time.monotonic()
    with _LOCK:
        seen = _CHECKED.get(key)
    if seen is not None and seen.until > now:
        user = session.get(UserAccountRow, seen.user_id)
        if _still_good(user, seen):
            return user
    with _LOCK:
        _CHECKED.pop(key, None)
    refused = None
    with unit_of_work(session):
        try:
            user = accounts.authenticate(session, username, password, client=client, audit_success=False)
        except LoginRefused as exc:
            refused = exc
    if refused is not None:
        raise refused
    ttl = cache_seconds()
    if ttl > 0:
        with _LOCK:
            _CHECKED[key] = _Checked(user.id, user.password_hash, user.session_version, now + ttl)
            _CHECKED.move_to_end(key)
            while len(_CHECKED) > _MAX_ENTRIES:
                _CHECKED.popitem(last=False)
    return user
