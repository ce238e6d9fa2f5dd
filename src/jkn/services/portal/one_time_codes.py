"""One-time codes that confirm a participant's sign-up or a password reset (issue #15).

A code is six digits, sent through a pluggable sender, kept only as an argon2 hash, valid for
``JKN_OTP_MINUTES`` (10), for ``JKN_OTP_ATTEMPTS`` (5) wrong tries, used once; a new code ends the
ones sent before, and at most ``JKN_OTP_PER_HOUR`` (5) are sent to one person in an hour
(assumption A-P11).

Senders (``JKN_OTP_SENDER``):

* ``file`` (default): one JSON line per message appended to ``JKN_OTP_OUTBOX`` (default
  ``jkn-otp-outbox.jsonl`` in the working directory), for a test, a demo or a gateway that reads it;
* ``console``: the message on standard error of the server;
* ``package.module:factory``: a callable returning an object with ``send(message)`` (an SMS or
  e-mail gateway of the operator's choice).

docs/portal.md ("Sign-up and password reset") shows how to read the codes.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import secrets
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jkn.i18n import DEFAULT_LANGUAGE, Msg, render
from jkn.services.errors import Invalid
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.portal.settings import positive_number
from jkn.services.unit_of_work import unit_of_work
from jkn.store.request_tables import OneTimeCodeRow

PURPOSES = ("SIGNUP", "RESET")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class Message:
    """What a sender delivers: the code, to whom, what for, until when, and the text to show."""

    to: str
    purpose: str
    code: str
    expires_at: str
    text: str


class Sender(Protocol):
    def send(self, message: Message) -> None: ...


class FileSender:
    """Appends each message as one JSON line to a file."""

    def __init__(self, path: str | Path | None = None):
        configured = os.environ.get("JKN_OTP_OUTBOX", "").strip()
        self.path = Path(path or configured or Path.cwd() / "jkn-otp-outbox.jsonl")

    def send(self, message: Message) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(message), ensure_ascii=False) + "\n")


class ConsoleSender:
    """Writes each message on standard error."""

    def send(self, message: Message) -> None:
        print(f"[jkn otp] {message.to}: {message.text}", file=sys.stderr, flush=True)


def sender() -> Sender:
    """The sender ``JKN_OTP_SENDER`` names (default: the file sender)."""
    name = os.environ.get("JKN_OTP_SENDER", "").strip() or "file"
    if name == "file":
        return FileSender()
    if name == "console":
        return ConsoleSender()
    module, _, factory = name.partition(":")
    return getattr(importlib.import_module(module), factory or "sender")()


def _setting(name: str, default: int) -> int:
    return int(positive_number(name, default))


def minutes() -> int:
    return _setting("JKN_OTP_MINUTES", 10)


def attempts_allowed() -> int:
    return _setting("JKN_OTP_ATTEMPTS", 5)


def per_hour() -> int:
    return _setting("JKN_OTP_PER_HOUR", 5)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def issue(session: Session, purpose: str, destination: str, *, actor: Actor, participant_id: int | None = None,
          user_id: int | None = None, branch_code: str | None = None, about: str = "") -> int:
    """Send a new code (ending the person's earlier ones), audited as ``otp.signup``/``otp.reset`` about
    ``about`` (a card number or user name), and return the id the confirmation names."""
    subject = (OneTimeCodeRow.participant_id == participant_id) if participant_id is not None \
        else (OneTimeCodeRow.user_id == user_id)
    now = _now()
    with unit_of_work(session):
        recent = session.scalar(select(func.count()).select_from(OneTimeCodeRow).where(
            OneTimeCodeRow.purpose == purpose, subject, OneTimeCodeRow.created_at > now - dt.timedelta(hours=1)))
        if recent >= per_hour():
            raise Invalid(Msg("error.otp.too_many", count=per_hour()), field="code")
        session.execute(update(OneTimeCodeRow).where(OneTimeCodeRow.purpose == purpose, subject,
                                                     OneTimeCodeRow.used_at.is_(None)).values(used_at=now))
        code = f"{secrets.randbelow(10 ** 6):06d}"
        expires = now + dt.timedelta(minutes=minutes())
        row = OneTimeCodeRow(purpose=purpose, participant_id=participant_id, user_id=user_id,
                             destination=destination, code_hash=_hasher.hash(code), expires_at=expires, attempts=0,
                             created_at=now)
        session.add(row)
        session.flush()
        text = render(Msg(f"otp.message.{purpose}", code=code, minutes=minutes()), DEFAULT_LANGUAGE)
        audit.record(session, actor, f"otp.{purpose.lower()}", object_type="one_time_code", object_id=about,
                     branch_code=branch_code, after={"destination": masked(destination)})
        sender().send(Message(destination, purpose, code, expires.isoformat(), text))
        return row.id


def masked(destination: str) -> str:
    """``bu***@mail.id`` / ``0812****789``: enough for the owner to recognise, not to copy."""
    if "@" in destination:
        name, _, host = destination.partition("@")
        return f"{name[:2]}***@{host}"
    return destination[:4] + "*" * max(len(destination) - 7, 0) + destination[-3:]


def confirm(session: Session, purpose: str, code_id: int | None, code: str) -> OneTimeCodeRow:
    """The code row if ``code`` is right, unused, unexpired and within its attempts; a wrong code
    counts one attempt (kept even though the caller's step fails). One answer for every failure."""
    wrong = Invalid(Msg("error.otp.wrong"), field="code")
    with unit_of_work(session):
        row = session.get(OneTimeCodeRow, code_id, with_for_update=True) if code_id else None
        if row is None or row.purpose != purpose or row.used_at is not None or _aware(row.expires_at) <= _now() \
                or row.attempts >= attempts_allowed():
            raise wrong
        try:
            right = _hasher.verify(row.code_hash, (code or "").strip())
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            right = False
        if not right:
            row.attempts += 1
            failed = True
        else:
            row.used_at = _now()
            failed = False
    if failed:
        raise wrong
    return row
