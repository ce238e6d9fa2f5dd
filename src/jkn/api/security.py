"""Who may call the REST API (docs/api-security.md).

Every /api/v1 endpoint that shows or changes personal data needs a logged-in caller:

* **HTTP Basic** with the user name and password of a portal account (the portal's log-in
  throttling applies: 429 with Retry-After, never a lock-out), or
* the **portal's session cookie** (``jkn_session``); a write with the cookie must also send the
  session's CSRF token in ``X-CSRF-Token``.

Nobody logged in → 401 with ``WWW-Authenticate: Basic``; outside the caller's scope or role →
403. The scope is the portal's (jkn.services.portal.auth): a branch officer the kab/kota of their
branch, a regional manager their deputy region, head office and administrators everything, an
employer administrator their company, a participant their family, facility staff their
facility. The checks below translate a URL (card number, family, employer, payer, facility,
SEP ...) into the row the rule is about; the routers call them before the service.

This module must not import jkn.web: the cookie lives in jkn.api.session_cookie and the
caller in jkn.services.portal.callers, which the portal pages use too.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPBasic
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.api.errors import problem
from jkn.api.session_cookie import COOKIE, client_of, load_user, read_session
from jkn.i18n import Msg
from jkn.services.errors import Forbidden, NotFound
from jkn.services.membership.common import get_employer, get_family, get_participant
from jkn.services.portal import auth
from jkn.services.portal.accounts import (  # noqa: F401
    ADMIN,
    BRANCH_OFFICER,
    EMPLOYER_ADMIN,
    FACILITY_STAFF,
    HEAD_OFFICE,
    OFFICE_ROLES,
    PARTICIPANT,
    REGIONAL_MANAGER,
)
from jkn.services.portal.callers import CsrfFailed, LoginRequired, Portal, caller_for, check_credentials
from jkn.store.billing_tables import PayerRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import EmployerRow, ParticipantRow

#: OpenAPI ``responses`` of every protected operation.
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: problem("Not logged in: HTTP Basic (portal account) or the portal session cookie"),
    403: problem("Outside your scope or role, or a cookie session without X-CSRF-Token"),
}

_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _BasicScheme(HTTPBasic):
    """Declares HTTP Basic in the OpenAPI document; :func:`api_caller` reads the header itself
    (UTF-8 like browsers send it, where FastAPI's HTTPBasic only takes ASCII)."""

    async def __call__(self, request: Request) -> None:  # type: ignore[override]
        return None


basic_scheme = _BasicScheme(scheme_name="HTTPBasic", auto_error=False,
                            description="User name and password of a portal account (throttled like the log-in "
                                        "page: 429 with Retry-After). Answers 401 with WWW-Authenticate: Basic "
                                        "without it.")
cookie_scheme = APIKeyCookie(name=COOKIE, scheme_name="PortalSession", auto_error=False,
                             description="The portal's session cookie after logging in at /masuk; a POST, "
                                         "PATCH or DELETE must also send the session's X-CSRF-Token.")


def _basic_credentials(header: str) -> tuple[str, str]:
    try:
        name, sep, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise LoginRequired() from None
    if not sep:
        raise LoginRequired()
    return name, password


def api_caller(request: Request, session: Annotated[Session, Depends(get_session)],
               _basic: Annotated[None, Depends(basic_scheme)],
               _cookie: Annotated[str | None, Depends(cookie_scheme)]) -> Portal:
    """The caller: HTTP Basic credentials, or the portal session (+ X-CSRF-Token on writes)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        name, password = _basic_credentials(header)
        user = check_credentials(session, name, password, client=client_of(request))
    else:
        user = load_user(request, session) if COOKIE in request.cookies else None
        if user is None:
            raise LoginRequired()
        if request.method not in _SAFE_METHODS:
            sent = request.headers.get("x-csrf-token", "")
            if not sent or not hmac.compare_digest(sent, read_session(request).csrf):
                raise CsrfFailed()
    return caller_for(session, user, client_of(request))


#: Any logged-in user (every role); the endpoint applies the scope.
Caller = Annotated[Portal, Depends(api_caller)]


def require_roles(*roles: str):
    """Dependency factory: a logged-in caller with one of ``roles`` (else 403)."""

    def check(caller: Caller) -> Portal:
        if caller.role not in roles:
            raise Forbidden(Msg("error.api.role_required", value=[Msg(f"role.{r}") for r in roles],
                                role=Msg(f"role.{caller.role}")))
        return caller

    return check


def require_capability(*capabilities: str):
    """Dependency factory: a logged-in caller whose role has one of ``capabilities``
    (jkn.services.portal.auth.CAPABILITIES), else 403."""

    def check(caller: Caller) -> Portal:
        if not any(caller.scope.can(c) for c in capabilities):
            raise auth.may_not(caller.role, *capabilities)
        return caller

    return check


Office = Annotated[Portal, Depends(require_roles(*sorted(OFFICE_ROLES)))]
Admin = Annotated[Portal, Depends(require_roles(ADMIN))]


def need(caller: Portal, *capabilities: str) -> None:
    """403 unless the caller's role has one of ``capabilities``."""
    if not any(caller.scope.can(c) for c in capabilities):
        raise auth.may_not(caller.role, *capabilities)


# --- checks: the row a URL names, inside the caller's scope ---------------------------------------


def participant(caller: Portal, card_or_nik: str) -> ParticipantRow:
    """The participant (404 unknown) if the caller may see them (403 otherwise), as on the portal."""
    session = caller.session
    p = auth.check_participant(caller.scope, get_participant(session, card_or_nik))
    return p


def family(caller: Portal, family_id: int) -> None:
    """The family (404 unknown) if the caller sees one of its members, or it is theirs (403 otherwise)."""
    get_family(caller.session, family_id)
    auth.check_family(caller.session, caller.scope, family_id)
    caller.session


def employer(caller: Portal, code: str) -> EmployerRow:
    e = auth.check_employer(caller.scope, get_employer(caller.session, code))
    caller.session
    return e


def payer(caller: Portal, code: str) -> PayerRow:
    row = caller.session.scalar(select(PayerRow).where(PayerRow.code == code))
    if row is None:
        raise NotFound(Msg("error.api.payer_unknown", code=repr(code)))
    auth.check_payer(caller.session, caller.scope, row)
    caller.session
    return row


def facility_row(session: Session, code: str | None, field: str = "facility_code") -> FacilityRow:
    row = session.get(FacilityRow, (code or "").strip().upper()) if code else None
    if row is None:
        raise NotFound(Msg("error.facility.unknown", code=repr(code)), field=field)
    return row


def at_facility(caller: Portal, code: str | None, field: str = "facility_code") -> FacilityRow:
    """Acting at a facility: its own staff, or an office whose work area holds it (403 otherwise)."""
    row = facility_row(caller.session, code, field)
    if caller.role == FACILITY_STAFF and caller.scope.facility_code != row.code:
        raise Forbidden(Msg("error.api.own_facility_only", facility_code=str(caller.scope.facility_code)))
    auth.check_facility(caller.scope, row)
    caller.session
    return row


def care_record(caller: Portal, facility_codes: Iterable[str | None], participant_id: int | None) -> None:
    """A care record (visit, referral, SEP ...) at ``facility_codes`` about a participant."""
    session = caller.session
    p = session.get(ParticipantRow, participant_id) if participant_id is not None else None
    auth.check_care_record(session, caller.scope, facility_codes, p)


def care_participant(caller: Portal, card_or_nik: str) -> ParticipantRow:
    """A participant whose care records (visits, referrals, SEPs) the caller asks for: offices of
    their work area and their own family; not their employer (diagnoses are not the company's)."""
    session = caller.session
    p = get_participant(session, card_or_nik)
    auth.check_care_record(session, caller.scope, (), p)
    return p


def in_kabkota(caller: Portal, kabkota_code: str | None, what: str) -> None:
    """A registration or move into ``kabkota_code`` must stay in the caller's work area."""
    if caller.scope.national:
        return
    if not kabkota_code or not caller.scope.sees_kabkota(kabkota_code.strip()):
        raise Forbidden(Msg("error.api.kabkota_own_area", what=what))


__all__ = ["AUTH_RESPONSES", "Admin", "Caller", "Office", "Portal", "api_caller", "at_facility", "basic_scheme",
           "care_participant", "care_record", "cookie_scheme", "employer", "family", "in_kabkota", "need", "participant", "payer",
           "require_capability", "require_roles"]
