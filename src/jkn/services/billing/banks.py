"""Banks that collect contributions host-to-host: their credentials for ``/h2h`` (docs/h2h.md).

A bank has a code (sent as ``X-Bank-Id``), a secret that signs its requests (shown once, at
creation and on rotation) and the code its virtual account numbers begin with
(jkn.services.billing.virtual_accounts). Adding, rotating and revoking are audited.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.paging import page
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.bank_tables import BankClientRow

CODE = re.compile(r"[A-Z0-9]{2,16}")
PREFIX = re.compile(r"[0-9]{3,8}")


@dataclass(frozen=True, slots=True)
class BankAuth:
    """What the ``/h2h`` edge needs to check a request."""

    code: str
    secret: str
    va_prefix: str


def _view(row: BankClientRow) -> dict:
    return {"code": row.code, "name": row.name, "va_prefix": row.va_prefix, "active": row.active,
            "created_at": row.created_at.isoformat() if row.created_at else None,
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None}


def _get(session: Session, code: str) -> BankClientRow:
    row = session.get(BankClientRow, code)
    if row is None:
        raise NotFound(Msg("error.bank.unknown", code=repr(code)))
    return row


def add_bank(session: Session, code: str, name: str, va_prefix: str, *, actor: Actor) -> dict:
    """Issue credentials to a bank; the answer carries the secret, shown this once."""
    if not CODE.fullmatch(code or ""):
        raise Invalid(Msg("error.bank.code_format"), field="code")
    if not PREFIX.fullmatch(va_prefix or ""):
        raise Invalid(Msg("error.bank.va_prefix_format"), field="va_prefix")
    if not (name or "").strip() or len(name) > 120:
        raise Invalid(Msg("error.bank.name_required"), field="name")
    with unit_of_work(session):
        if session.get(BankClientRow, code) is not None:
            raise Conflict(Msg("error.bank.has_credentials", code=str(code)))
        row = BankClientRow(code=code, name=name.strip(), va_prefix=va_prefix, secret=secrets.token_urlsafe(32),
                            active=True)
        session.add(row)
        session.flush()
        audit.record(session, actor, "bank.add", object_type="bank", object_id=code,
                     summary=Msg("audit.sum.bank_credentials", name=name.strip(), va_prefix=va_prefix),
                     after={"name": row.name, "va_prefix": va_prefix})
    return {**_view(row), "secret": row.secret}


def rotate_secret(session: Session, code: str, *, actor: Actor) -> dict:
    with unit_of_work(session):
        row = _get(session, code)
        row.secret = secrets.token_urlsafe(32)
        audit.record(session, actor, "bank.rotate", object_type="bank", object_id=code,
                     summary=Msg("audit.sum.secret_rotated"))
    return {**_view(row), "secret": row.secret}


def revoke_bank(session: Session, code: str, *, actor: Actor) -> dict:
    with unit_of_work(session):
        row = _get(session, code)
        if row.active:
            row.active, row.revoked_at = False, dt.datetime.now(dt.timezone.utc)
            audit.record(session, actor, "bank.revoke", object_type="bank", object_id=code,
                         summary=Msg("audit.sum.revoked"))
    return _view(row)


def list_banks(session: Session) -> list[dict]:
    return [_view(r) for r in session.scalars(select(BankClientRow).order_by(BankClientRow.code))]


def banks_page(session: Session, *, limit: int, offset: int = 0) -> dict:
    """One page of :func:`list_banks` (jkn.services.paging)."""
    return page(session, select(BankClientRow).order_by(BankClientRow.code), limit, offset, _view)


def load_auth(session: Session, code: str) -> BankAuth | None:
    """The active bank with ``code``, or None."""
    row = session.get(BankClientRow, code)
    if row is None or not row.active:
        return None
    return BankAuth(row.code, row.secret, row.va_prefix)
