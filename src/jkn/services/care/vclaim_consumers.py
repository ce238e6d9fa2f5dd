"""VClaim bridging consumers: the cons-id / secret / user key a facility's SIMRS is issued.

A consumer belongs to one partner facility (FKTP or FKRTL) and speaks one protocol version:
"2.0" (``user_key`` required, responses encrypted) or "1.1" (no user key, plain responses).
See docs/vclaim.md. The secret is shown once, at creation (and on rotation).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.care.common import BRIEF_COLUMNS, brief_from, brief_of, facility
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.paging import page
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import VClaimConsumerRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.prepared import PreparedRead

VERSIONS = ("2.0", "1.1")
BASE_PATH = "/vclaim-rest/"
_ALNUM = string.ascii_letters + string.digits


@dataclass(frozen=True, slots=True)
class ConsumerAuth:
    """What the protocol layer needs to check a request and seal its answer."""

    cons_id: str
    secret: str
    user_key_sha256: str | None
    api_version: str
    #: its facility's light row (as ``jkn.services.care.common.facility(brief=True)`` gives it), read with the
    #: consumer (:data:`AUTH`) and as old as the protocol's cached copy of it (at most ``CONSUMER_CACHE_SECONDS``,
    #: assumption A-V54)
    facility: Any

    @property
    def facility_code(self) -> str:
        return self.facility.code

    @property
    def facility_level(self) -> str:
        return self.facility.level

    @property
    def facility_name(self) -> str:
        return self.facility.name

    def user_key_ok(self, user_key: str | None) -> bool:
        if self.api_version != "2.0":
            return True
        if not user_key or not self.user_key_sha256:
            return False
        return hmac.compare_digest(hash_user_key(user_key), self.user_key_sha256)


def hash_user_key(user_key: str) -> str:
    return hashlib.sha256(user_key.encode("utf-8")).hexdigest()


def _view(row: VClaimConsumerRow) -> dict:
    return {"cons_id": row.cons_id, "facility_code": row.facility_code, "api_version": row.api_version,
            "label": row.label, "active": row.active, "created_at": row.created_at.isoformat() if row.created_at else None,
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None}


def create_consumer(session: Session, facility_code: str, *, actor: Actor, api_version: str = "2.0",
                    label: str | None = None,
                    cons_id: str | None = None, secret: str | None = None, user_key: str | None = None) -> dict:
    """Issue credentials to a partner facility; returns them (the only time the secret is shown).

    ``{"cons_id", "secret", "user_key" (None for 1.1), "facility_code", "api_version", "base_path"}``.
    ``cons_id``/``secret``/``user_key`` may be given (e.g. to reproduce a test set-up); otherwise random.
    """
    if api_version not in VERSIONS:
        raise Invalid(Msg("error.vclaim.api_version", value=', '.join(VERSIONS)), field="api_version")
    if cons_id is not None and not (cons_id.isascii() and cons_id.isdigit() and 3 <= len(cons_id) <= 16):
        raise Invalid(Msg("error.vclaim.cons_id_format"), field="cons_id")
    if secret is not None and not (8 <= len(secret) <= 64 and secret.isascii() and secret.isprintable()):
        raise Invalid(Msg("error.vclaim.secret_format"), field="secret")
    if user_key is not None and api_version == "1.1":
        raise Invalid(Msg("error.vclaim.no_user_key"), field="user_key")
    with unit_of_work(session):
        fac = facility(session, facility_code, "facility_code")
        if fac.partnership != "PARTNER" or fac.level not in ("FKTP", "FKRTL"):
            raise Invalid(Msg("error.vclaim.not_partner", code=str(fac.code)), field="facility_code")
        if cons_id is None:
            while True:
                cons_id = str(secrets.randbelow(90_000_000) + 10_000_000)
                if session.get(VClaimConsumerRow, cons_id) is None:
                    break
        elif session.get(VClaimConsumerRow, cons_id) is not None:
            raise Conflict(Msg("error.vclaim.cons_id_taken", cons_id=str(cons_id)), field="cons_id")
        secret = secret or "".join(secrets.choice(_ALNUM) for _ in range(16))
        if api_version == "2.0":
            user_key = user_key or secrets.token_hex(16)
        row = VClaimConsumerRow(cons_id=cons_id, facility_code=fac.code, secret=secret,
                                user_key_sha256=hash_user_key(user_key) if user_key else None,
                                api_version=api_version, label=label, active=True)
        session.add(row)
        session.flush()
        audit.record_at_facility(session, actor, "vclaim_consumer.create", fac, object_type="vclaim_consumer",
                                 object_id=cons_id,
                                 summary=Msg("audit.sum.vclaim_credentials", version=api_version, facility=fac.code),
                                 after={"api_version": api_version, "label": label})
    return {"cons_id": cons_id, "secret": secret, "user_key": user_key, "facility_code": fac.code,
            "facility_name": fac.name, "facility_level": fac.level, "api_version": api_version, "base_path": BASE_PATH}


def _consumers(facility_code: str | None):
    stmt = select(VClaimConsumerRow).order_by(VClaimConsumerRow.created_at, VClaimConsumerRow.cons_id)
    if facility_code:
        stmt = stmt.where(VClaimConsumerRow.facility_code == facility_code.upper())
    return stmt


def list_consumers(session: Session, facility_code: str | None = None) -> list[dict]:
    return [_view(r) for r in session.scalars(_consumers(facility_code))]


def consumers_page(session: Session, facility_code: str | None = None, *, limit: int, offset: int = 0) -> dict:
    """One page of :func:`list_consumers` (jkn.services.paging)."""
    return page(session, _consumers(facility_code), limit, offset, _view)


def revoke_consumer(session: Session, cons_id: str, *, actor: Actor) -> dict:
    with unit_of_work(session):
        row = session.get(VClaimConsumerRow, cons_id)
        if row is None:
            raise NotFound(Msg("error.vclaim.consumer_unknown", cons_id=str(cons_id)), field="cons_id")
        before = row.active
        row.active = False
        row.revoked_at = dt.datetime.now(dt.timezone.utc)
        session.flush()
        audit.record_at_facility(session, actor, "vclaim_consumer.revoke", facility(session, row.facility_code),
                                 object_type="vclaim_consumer", object_id=row.cons_id, summary=Msg("audit.sum.revoked"),
                                 before={"active": before}, after={"active": False})
        return _view(row)


def rotate_credentials(session: Session, cons_id: str, *, actor: Actor) -> dict:
    """New secret (and user key for 2.0); the old ones stop working at once."""
    with unit_of_work(session):
        row = session.get(VClaimConsumerRow, cons_id)
        if row is None or not row.active:
            raise NotFound(Msg("error.vclaim.consumer_inactive", cons_id=str(cons_id)), field="cons_id")
        row.secret = "".join(secrets.choice(_ALNUM) for _ in range(16))
        user_key = secrets.token_hex(16) if row.api_version == "2.0" else None
        row.user_key_sha256 = hash_user_key(user_key) if user_key else None
        session.flush()
        audit.record_at_facility(session, actor, "vclaim_consumer.rotate", facility(session, row.facility_code),
                                 object_type="vclaim_consumer", object_id=row.cons_id,
                                 summary=Msg("audit.sum.vclaim_rotated"))
        return {"cons_id": row.cons_id, "secret": row.secret, "user_key": user_key, "facility_code": row.facility_code,
                "api_version": row.api_version, "base_path": BASE_PATH}


_CONSUMER = VClaimConsumerRow.__table__
#: The active consumer and its facility's brief columns in one round trip (issue #13; docs/benchmarks.md
#: "sixth pass"): run on a session by :func:`load_auth`, and on PostgreSQL in the
#: bridging server's event loop (``jkn.bridging.core.server``). A consumer without its facility is not read.
AUTH = PreparedRead(select(_CONSUMER.c.cons_id, _CONSUMER.c.secret, _CONSUMER.c.user_key_sha256,
                           _CONSUMER.c.api_version, *BRIEF_COLUMNS)
                    .select_from(brief_from(_CONSUMER.c.facility_code))
                    .where(_CONSUMER.c.cons_id == bindparam("cons_id"), _CONSUMER.c.active.is_(True)))


def auth_params(cons_id: str) -> dict | None:
    """The parameters of :data:`AUTH` for ``cons_id``, or None for a malformed one (nothing to read)."""
    if not cons_id or not cons_id.isascii() or not cons_id.isdigit() or len(cons_id) > 16:
        return None
    return {"cons_id": cons_id}


def auth_of(row) -> ConsumerAuth | None:
    """The consumer of a row of :data:`AUTH`; None for no row."""
    if row is None:
        return None
    return ConsumerAuth(row.cons_id, row.secret, row.user_key_sha256, row.api_version, brief_of(row))


def load_auth(session: Session, cons_id: str) -> ConsumerAuth | None:
    """The active consumer ``cons_id`` with its facility, or None (unknown, revoked, malformed, or its
    facility gone), in one round trip."""
    params = auth_params(cons_id)
    return None if params is None else auth_of(AUTH.first(session, params))


def demo_consumer(engine, sample: dict | None = None, *, actor: Actor) -> dict:
    """For ``jkn demo``: VClaim credentials for the first partner hospital (FKRTL), printed with the
    demo summary so a SIMRS or ``bpjs-bridging`` can connect at once (docs/vclaim.md)."""
    from sqlalchemy.orm import Session as _Session

    with _Session(engine) as session:
        code = session.scalar(select(FacilityRow.code).where(FacilityRow.level == "FKRTL",
                                                             FacilityRow.partnership == "PARTNER")
                              .order_by(FacilityRow.code).limit(1))
        if code is None:
            return {"note": "no partner hospital to issue VClaim credentials to"}
        cred = create_consumer(session, code, actor=actor, label="jkn demo")
    return {**cred, "base_url": "http://127.0.0.1:8000" + BASE_PATH.rstrip("/"),
            "try": (f"Peserta/nokartu/{sample['card_number']}/tglSEP/{sample['on']}" if sample
                    else "Peserta/nokartu/<a sample card>/tglSEP/<YYYY-MM-DD>")}
