"""P-Care users of a clinic (FKTP): what its system sends in ``X-Authorization`` (docs/pcare.md).
The password is shown once, at creation; only its argon2 hash is kept."""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.care.common import facility
from jkn.services.errors import Conflict, Invalid
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.pcare_tables import PCareUserRow

_NAME = re.compile(r"[A-Za-z0-9._-]{3,40}")
_APP = re.compile(r"[0-9A-Za-z]{1,10}")
_hasher = PasswordHasher()


def create_user(session: Session, facility_code: str, *, actor: Actor, username: str, app_code: str,
                password: str | None = None) -> dict:
    """A P-Care user of a partner FKTP; returns the password (random unless given) — the only time it is shown."""
    if not _NAME.fullmatch(username or ""):
        raise Invalid(Msg("error.pcare.username_format"), field="username")
    if not _APP.fullmatch(app_code or ""):
        raise Invalid(Msg("error.pcare.app_code_format"), field="app_code")
    if password is not None and not (8 <= len(password) <= 64 and ":" not in password):
        raise Invalid(Msg("error.pcare.password_format"),
                      field="password")
    password = password or secrets.token_urlsafe(12).replace(":", "")
    with unit_of_work(session):
        fac = facility(session, facility_code, "facility_code")
        if fac.level != "FKTP" or fac.partnership != "PARTNER":
            raise Invalid(Msg("error.pcare.not_partner_fktp", code=str(fac.code)), field="facility_code")
        if session.scalar(select(PCareUserRow.id).where(PCareUserRow.facility_code == fac.code,
                                                        PCareUserRow.username == username)):
            raise Conflict(Msg("error.pcare.user_taken", username=username, code=str(fac.code)), field="username")
        row = PCareUserRow(facility_code=fac.code, username=username, password_hash=_hasher.hash(password),
                           app_code=app_code, active=True)
        session.add(row)
        session.flush()
        audit.record_at_facility(session, actor, "pcare_user.create", fac, object_type="pcare_user", object_id=row.id,
                                 summary=Msg("audit.sum.pcare_user", user=username, facility=fac.code))
    return {"facility_code": fac.code, "facility_name": fac.name, "username": username, "password": password,
            "app_code": app_code}


def authenticate(session: Session, facility_code: str, username: str, password: str, app_code: str) -> bool:
    """True if ``username`` is an active P-Care user of the facility with this password and application code."""
    row = session.scalars(select(PCareUserRow).where(PCareUserRow.facility_code == facility_code,
                                                     PCareUserRow.username == username,
                                                     PCareUserRow.active.is_(True))).first()
    if row is None or row.app_code != app_code:
        return False
    try:
        return _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
