"""The Mobile JKN web service a hospital registers (issue #14): its base URL and the user and
password it gives BPJS for it (catalogue, Token: "User dan password yang diberikan ke BPJS
Kesehatan untuk mengakses WS yang dibuat oleh RS"). While one is registered, the participant's
queue at that hospital is taken, cancelled and checked in through it
(:mod:`jkn.services.care.mobile_jkn`); otherwise jkn keeps the queue itself.

The password must be sent back to the hospital, so it cannot be hashed: it is sealed with AES-GCM
under a key derived from ``JKN_SECRET_KEY`` (or, when unset, a random key kept in ``jkn_meta`` —
set ``JKN_SECRET_KEY`` to keep the key out of the database). It is never shown again.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session

from jkn.domain.timestamps import utcnow
from jkn.i18n import Msg
from jkn.services.care.common import facility
from jkn.services.care.mobile_jkn_remote import Service
from jkn.services.errors import Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.secret_key import server_secret
from jkn.services.unit_of_work import unit_of_work
from jkn.store.queue_tables import MobileJknServiceRow

SECRET_META_KEY = "mobile_jkn.secret_key"
_CONTEXT = b"jkn.mobile_jkn.password"


def _key(session: Session) -> bytes:
    secret = server_secret(session, SECRET_META_KEY)
    return hashlib.sha256(_CONTEXT + b"\0" + secret.encode()).digest()


def _seal(session: Session, password: str, facility_code: str) -> str:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(session)).encrypt(nonce, password.encode(), facility_code.encode())
    return "v1:" + base64.b64encode(nonce + sealed).decode()


def _open(session: Session, row: MobileJknServiceRow) -> str:
    try:
        raw = base64.b64decode(row.password_sealed.removeprefix("v1:"))
        return AESGCM(_key(session)).decrypt(raw[:12], raw[12:], row.facility_code.encode()).decode()
    except (InvalidTag, ValueError):
        raise Invalid(Msg("error.mjkn.password_unreadable", code=row.facility_code), field="password") from None


def service_url(value: str | None) -> str:
    """A base URL a service may have: http(s), a host, no query or fragment, at most 300 characters."""
    text = (value or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > 300 or parts.query or parts.fragment:
        raise Invalid(Msg("error.mjkn.url_format", text=text), field="url")
    return text.rstrip("/")


def _credential(value: str | None, field: str) -> str:
    text = value or ""
    if not text.strip() or len(text) > 100 or not text.isprintable():
        raise Invalid(Msg("error.mjkn.credential_format", field=field), field=field)
    return text


def register(session: Session, facility_code: str, *, url: str, username: str, password: str, actor: Actor) -> dict:
    """Register (or replace) a hospital's Mobile JKN service; returns it without the password."""
    base, user, secret = service_url(url), _credential(username, "username"), _credential(password, "password")
    with unit_of_work(session):
        fac = facility(session, facility_code, "facility_code")
        if fac.level != "FKRTL":
            raise Invalid(Msg("error.mjkn.not_hospital", code=fac.code), field="facility_code")
        sealed = _seal(session, secret, fac.code)
        row = session.get(MobileJknServiceRow, fac.code)
        if row is None:
            row = MobileJknServiceRow(facility_code=fac.code)
            session.add(row)
        row.base_url, row.username, row.password_sealed, row.updated_at = base, user, sealed, utcnow()
        session.flush()
        audit.record_at_facility(session, actor, "mobile_jkn.register", fac, object_type="mobile_jkn_service",
                                 object_id=fac.code, summary=Msg("audit.sum.mobile_jkn_register", url=base, user=user))
        return view(row)


def remove(session: Session, facility_code: str, *, actor: Actor) -> dict:
    """Stop calling the hospital's service: jkn keeps its Mobile JKN queue itself from now on."""
    with unit_of_work(session):
        fac = facility(session, facility_code, "facility_code")
        row = session.get(MobileJknServiceRow, fac.code)
        if row is None:
            raise NotFound(Msg("error.mjkn.no_service", code=fac.code), field="facility_code")
        session.delete(row)
        audit.record_at_facility(session, actor, "mobile_jkn.remove", fac, object_type="mobile_jkn_service",
                                 object_id=fac.code, summary=Msg("audit.sum.mobile_jkn_remove", url=row.base_url))
        return {"facility_code": fac.code}


def view(row: MobileJknServiceRow) -> dict:
    return {"facility_code": row.facility_code, "url": row.base_url, "username": row.username,
            "updated_at": row.updated_at.isoformat() if row.updated_at else None}


def registered(session: Session, facility_code: str) -> dict | None:
    row = session.get(MobileJknServiceRow, facility_code)
    return view(row) if row else None


def service_for(session: Session, facility_code: str, hospital_name: str = "") -> Service | None:
    """The hospital's service ready to call (password opened), or None when jkn keeps its queue."""
    row = session.get(MobileJknServiceRow, facility_code)
    if row is None:
        return None
    return Service(row.base_url, row.username, _open(session, row), hospital_name or row.facility_code)
