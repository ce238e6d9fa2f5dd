"""VClaim writes remembered under their signed headers: the replay defence the protocol leaves
room for (assumption A-C16, docs/api-security.md).

The signature covers only the consumer id and ``X-timestamp``, so a captured header signs any
request until the clock-skew window closes. Each write is kept with a digest of the request and
the answer sent, by one INSERT at the end of the write's own transaction: headers recorded first
(by an earlier or a concurrent call) make it insert nothing, and the caller rolls the write back.
The same headers with the same request then get the recorded answer, and nothing is written twice (a
retry); with any other request they are refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jkn.domain.timestamps import utcnow
from jkn.services.care.common import insert_if_new
from jkn.store.care_tables import VClaimRequestRow
from jkn.store.prepared import commit_with

#: a process forgets expired requests at most this often (seconds), at most this many at a time, the
#: oldest first: a small, bounded piece of one write's transaction. Once a minute without a bound, a
#: minute's requests went at once — under 900 writes a second some 50,000 rows in the transaction of
#: the write that happened to come then. 1,000 every 2 s keeps up with 500 writes a second per process,
#: far beyond a hospital's, and a longer burst is forgotten after it.
FORGET_EVERY, FORGET_AT_MOST = 2.0, 1000
_forgot = {"at": float("-inf")}
_forget_lock = threading.Lock()


@dataclass(frozen=True)
class Signed:
    """The headers a write was signed with, as sent."""

    cons_id: str
    x_timestamp: str
    signature: str


@dataclass(frozen=True)
class Recorded:
    """What was kept under a signed header: the request's digest and the answer sent."""

    request_sha256: str
    status: int
    answer: str


_TABLE = VClaimRequestRow.__table__
_RECORDED = select(_TABLE.c.request_sha256, _TABLE.c.status, _TABLE.c.answer).where(
    _TABLE.c.cons_id == bindparam("cons_id"), _TABLE.c.x_timestamp == bindparam("x_timestamp"),
    _TABLE.c.signature == bindparam("signature"))


def digest(method: str, path: str, body: bytes) -> str:
    """What makes two requests the same: method, service path and body, byte for byte."""
    return hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()


def recorded(session: Session, signed: Signed) -> Recorded | None:
    """The request and answer kept under ``signed``, if any (one indexed read)."""
    row = session.execute(_RECORDED, vars(signed)).first()
    return Recorded(*row) if row else None


def keep(session: Session, signed: Signed, request_sha256: str, status: int, answer: str) -> bool:
    """Record a write's answer under ``signed`` in the caller's transaction (one INSERT) and commit it;
    False if the headers were recorded first — the caller then rolls back (PostgreSQL waits for a
    concurrent writer of the same headers to end first). On the event loop's asyncpg the INSERT and
    the COMMIT go as one round trip (:func:`jkn.store.prepared.commit_with`); elsewhere the caller's
    unit of work commits."""
    values = {**vars(signed), "request_sha256": request_sha256, "status": status, "answer": answer,
              "received_at": utcnow()}
    try:
        if commit_with(session, _insert_sql(values)):
            return True
    except IntegrityError as error:
        if getattr(error.orig, "pgcode", None) == UNIQUE_VIOLATION:
            return False
        raise
    return insert_if_new(session, _TABLE, values)


#: PostgreSQL's SQLSTATE of a unique key already held
UNIQUE_VIOLATION = "23505"


def _insert_sql(values: dict) -> str:
    """The INSERT of a request's record with its values as literals (:func:`_literal`)."""
    names = ", ".join(values)
    return f"INSERT INTO {_TABLE.name} ({names}) VALUES ({', '.join(map(_literal, values.values()))})"


def _literal(value) -> str:
    """A record's value as a PostgreSQL literal: text as an escape string constant (``E'…'``, its
    backslashes and quotes doubled: read back as sent whatever ``standard_conforming_strings`` says),
    a whole number as digits, the time as ``timestamptz``. psycopg's ``sql.quote`` gives the same for
    these types at ten times the cost (20 µs a record, 4-5 % of an Antrean RS add; docs/benchmarks.md
    "sixth pass"). Text holding NUL cannot be stored and is refused."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text holding NUL")
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
    if isinstance(value, int):
        return str(int(value))
    return f"'{value.isoformat()}'::timestamptz"


def forget_expired(session: Session, keep_seconds: int) -> None:
    """Drop requests older than ``keep_seconds`` (their headers are refused as stale by then), the
    oldest ``FORGET_AT_MOST``, at most once every ``FORGET_EVERY`` seconds per process, in the caller's
    unit of work."""
    with _forget_lock:
        now = time.monotonic()
        if now - _forgot["at"] < FORGET_EVERY:
            return
        _forgot["at"] = now
    cutoff = utcnow() - dt.timedelta(seconds=keep_seconds)
    key = (VClaimRequestRow.cons_id, VClaimRequestRow.x_timestamp, VClaimRequestRow.signature)
    oldest = (select(*key).where(VClaimRequestRow.received_at < cutoff)
              .order_by(VClaimRequestRow.received_at).limit(FORGET_AT_MOST))
    session.execute(delete(VClaimRequestRow).where(tuple_(*key).in_(oldest)),
                    execution_options={"synchronize_session": False})
