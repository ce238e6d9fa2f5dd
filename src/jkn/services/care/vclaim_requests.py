"""VClaim writes remembered under their signed headers: the replay defence the protocol leaves
room for (assumption A-C16, docs/api-security.md).

The signature covers only the consumer id and ``X-timestamp``, so a captured header signs any
request until the clock-skew window closes. Each write is kept with a digest of the request and
the answer sent. The same headers with the same request get that answer again, and nothing is
written twice (a retry); with any other request they are refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jkn.domain.timestamps import utcnow
from jkn.store.care_tables import VClaimRequestRow

#: a process forgets expired requests at most this often (seconds)
FORGET_EVERY = 60.0
_forgot = {"at": float("-inf")}
_forget_lock = threading.Lock()


@dataclass(frozen=True)
class Signed:
    """The headers a write was signed with, as sent."""

    cons_id: str
    x_timestamp: str
    signature: str


class Claimed(Exception):
    """A request with the same headers was recorded first (by a concurrent call)."""


def digest(method: str, path: str, body: bytes) -> str:
    """What makes two requests the same: method, service path and body, byte for byte."""
    return hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()


def recorded(session: Session, signed: Signed) -> VClaimRequestRow | None:
    return session.get(VClaimRequestRow, (signed.cons_id, signed.x_timestamp, signed.signature))


def claim(session: Session, signed: Signed, request_sha256: str) -> VClaimRequestRow:
    """Record a write under ``signed`` in the caller's unit of work; its answer is set before the
    commit. ``Claimed`` if the headers were recorded first (PostgreSQL waits for that writer)."""
    row = VClaimRequestRow(cons_id=signed.cons_id, x_timestamp=signed.x_timestamp, signature=signed.signature,
                           request_sha256=request_sha256, status=0, answer="")
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise Claimed() from None
    return row


def forget_expired(session: Session, keep_seconds: int) -> None:
    """Drop requests older than ``keep_seconds`` (their headers are refused as stale by then), at
    most once a minute per process, in the caller's unit of work."""
    with _forget_lock:
        now = time.monotonic()
        if now - _forgot["at"] < FORGET_EVERY:
            return
        _forgot["at"] = now
    cutoff = utcnow() - dt.timedelta(seconds=keep_seconds)
    session.execute(delete(VClaimRequestRow).where(VClaimRequestRow.received_at < cutoff))
