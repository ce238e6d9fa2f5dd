"""User accounts: roles, argon2 password hashes, log-in (throttled, never locked), user administration.

Roles and where each one belongs (the column of ``user_account`` that must be set):

=================  ==========================================================
ADMIN              system administrator: everything, and manages users
HEAD_OFFICE        Kantor Pusat: every region, read and act nationally
REGIONAL_MANAGER   a Kedeputian Wilayah (``deputy_region_code``)
BRANCH_OFFICER     a Kantor Cabang (``branch_code``): only its kab/kota
EMPLOYER_ADMIN     a Pemberi Kerja (``employer_id``): its staff and bills
PARTICIPANT        a Peserta (``participant_id``): their family
FACILITY_STAFF     a Faskes (``facility_code``): eligibility, referral, SEP
=================  ==========================================================

Log-in: no lock-out that a stranger could trigger. Failed guesses slow the next attempts of the
same client, account or known device (jkn.services.portal.throttle, A-S01/A-S02); every failure
on an account is counted for its owner, told at their next log-in on the portal, and audited for
the officers of the account's branch (A-S04). Settings: jkn.services.portal.settings.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jkn.domain.timestamps import utcnow
from jkn.i18n import Msg
from jkn.services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from jkn.services.paging import page
from jkn.services.portal import audit, sessions, throttle
from jkn.services.portal.audit import Actor
from jkn.services.portal.settings import settings
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import EmployerRow, ParticipantRow
from jkn.store.portal_tables import LoginAttemptRow, UserAccountRow
from jkn.store.reference_tables import BranchRow, DeputyRegionRow, KabKotaRow

ADMIN = "ADMIN"
HEAD_OFFICE = "HEAD_OFFICE"
REGIONAL_MANAGER = "REGIONAL_MANAGER"
BRANCH_OFFICER = "BRANCH_OFFICER"
EMPLOYER_ADMIN = "EMPLOYER_ADMIN"
PARTICIPANT = "PARTICIPANT"
FACILITY_STAFF = "FACILITY_STAFF"
ROLES = (ADMIN, HEAD_OFFICE, REGIONAL_MANAGER, BRANCH_OFFICER, EMPLOYER_ADMIN, PARTICIPANT, FACILITY_STAFF)
OFFICE_ROLES = frozenset({ADMIN, HEAD_OFFICE, REGIONAL_MANAGER, BRANCH_OFFICER})

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{2,59}$")

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash to verify against for an unknown name, so such a log-in takes as long as a real one."""
    return _hasher.hash("not a password: evens out the time of a log-in with an unknown name")


class LoginRefused(DomainError):
    """Wrong name or password, or an inactive account (401)."""

    status = 401


class LoginThrottled(LoginRefused):
    """Too many failed log-ins from here or on this account: nothing was checked; try again after
    ``retry_after`` seconds (429)."""

    status = 429

    def __init__(self, seconds: float):
        wait = max(1, math.ceil(seconds))
        super().__init__(Msg("login.throttled", seconds=wait), retry_after=wait)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str, username: str = "") -> None:
    minimum = settings().min_password_length
    if len(password) < minimum:
        raise Invalid(Msg("error.account.password_short", minimum=minimum), field="password")
    if username and password.lower() == username.lower():
        raise Invalid(Msg("error.account.password_is_username"), field="password")


# --- creating and changing users -------------------------------------------------------------


def _resolve_place(session: Session, role: str, *, branch: str | None, deputy_region: str | None,
                   employer: str | None, participant: str | None, facility: str | None) -> dict:
    """Validate the place a role belongs to and return the columns to set."""
    place = {"branch_code": None, "deputy_region_code": None, "employer_id": None,
             "participant_id": None, "facility_code": None}
    if role == BRANCH_OFFICER:
        if not branch:
            raise Invalid(Msg("error.account.branch_required"), field="branch")
        row = session.get(BranchRow, branch.strip().zfill(3))
        if row is None:
            raise NotFound(Msg("error.account.branch_unknown", branch=repr(branch)))
        place["branch_code"] = row.code
    elif role == REGIONAL_MANAGER:
        if not deputy_region:
            raise Invalid(Msg("error.account.deputy_required"),
                          field="deputy_region")
        row = session.get(DeputyRegionRow, deputy_region.strip().zfill(2))
        if row is None:
            raise NotFound(Msg("error.account.deputy_unknown", deputy_region=repr(deputy_region)))
        place["deputy_region_code"] = row.code
    elif role == EMPLOYER_ADMIN:
        if not employer:
            raise Invalid(Msg("error.account.employer_required"), field="employer")
        row = session.scalar(select(EmployerRow).where(EmployerRow.code == employer.strip()))
        if row is None:
            raise NotFound(Msg("error.account.employer_unknown", employer=repr(employer)))
        place["employer_id"] = row.id
    elif role == PARTICIPANT:
        if not participant:
            raise Invalid(Msg("error.account.participant_required"), field="participant")
        key = participant.strip()
        column = ParticipantRow.nik if len(key) == 16 else ParticipantRow.card_number
        row = session.scalar(select(ParticipantRow).where(column == key))
        if row is None:
            raise NotFound(Msg("error.account.participant_unknown", participant=repr(participant)))
        place["participant_id"] = row.id
    elif role == FACILITY_STAFF:
        if not facility:
            raise Invalid(Msg("error.account.facility_required"), field="facility")
        row = session.get(FacilityRow, facility.strip())
        if row is None:
            raise NotFound(Msg("error.account.facility_unknown", facility=repr(facility)))
        place["facility_code"] = row.code
    elif role not in (ADMIN, HEAD_OFFICE):
        raise Invalid(Msg("error.account.role_unknown", role=repr(role), value=', '.join(ROLES)), field="role")
    return place


def may_create(creator: UserAccountRow | None, role: str, place: dict) -> bool:
    """ADMIN (and the CLI, creator None) create anyone; a branch officer creates participant,
    employer and facility accounts of their own branch only when the place lies in it
    (checked by the caller through jkn.services.portal.auth)."""
    if creator is None or creator.role == ADMIN:
        return True
    return False


def create_user(session: Session, actor: Actor, *, username: str, password: str, role: str, full_name: str,
                branch: str | None = None, deputy_region: str | None = None, employer: str | None = None,
                participant: str | None = None, facility: str | None = None, email: str | None = None,
                creator: UserAccountRow | None = None, password_hash: str | None = None) -> UserAccountRow:
    """Create a user (inside the caller's transaction); the audit row records who did it.
    ``password_hash`` is an argon2 hash of ``password`` made earlier (many demo users, one hash)."""
    username = (username or "").strip()
    role = (role or "").strip().upper()
    if not USERNAME.match(username):
        raise Invalid(Msg("error.account.username_format"), field="username")
    if not (full_name or "").strip():
        raise Invalid(Msg("error.account.full_name_required"), field="full_name")
    check_password_strength(password, username)
    place = _resolve_place(session, role, branch=branch, deputy_region=deputy_region, employer=employer,
                           participant=participant, facility=facility)
    if not may_create(creator, role, place):
        raise Forbidden(Msg("error.account.admin_only"))
    if session.scalar(select(UserAccountRow.id).where(func.lower(UserAccountRow.username) == username.lower())):
        raise Conflict(Msg("error.account.username_taken", username=repr(username)))
    user = UserAccountRow(username=username, full_name=full_name.strip(),
                          password_hash=password_hash or hash_password(password),
                          role=role, email=(email or None), active=True, failed_logins=0, session_version=1,
                          **place)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", object_type="user", object_id=user.username,
                 branch_code=place["branch_code"],
                 summary=Msg("audit.sum.user_created", role=Msg(f"role.{role}"), user=username),
                 after={"role": role, **{k: v for k, v in place.items() if v is not None}})
    return user


def get_user(session: Session, user_id_or_name: int | str) -> UserAccountRow:
    if isinstance(user_id_or_name, int):
        user = session.get(UserAccountRow, user_id_or_name)
    else:
        user = session.scalar(select(UserAccountRow).where(
            func.lower(UserAccountRow.username) == str(user_id_or_name).strip().lower()))
    if user is None:
        raise NotFound(Msg("error.account.user_unknown", user_id_or_name=repr(user_id_or_name)))
    return user


def _users(role: str | None, branch_code: str | None):
    stmt = select(UserAccountRow).order_by(UserAccountRow.username)
    if role:
        stmt = stmt.where(UserAccountRow.role == role)
    if branch_code:
        stmt = stmt.where(UserAccountRow.branch_code == branch_code)
    return stmt


def list_users(session: Session, *, role: str | None = None, branch_code: str | None = None) -> list[UserAccountRow]:
    return list(session.scalars(_users(role, branch_code)))


def users_page(session: Session, *, role: str | None = None, limit: int, offset: int = 0) -> dict:
    """One page of :func:`list_users`, the rows themselves as items (jkn.services.paging)."""
    return page(session, _users(role, None), limit, offset)


def set_password(session: Session, actor: Actor, user: UserAccountRow, new_password: str) -> None:
    """Set a new password; every open session of the user ends (session_version + 1)."""
    check_password_strength(new_password, user.username)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    sessions.end_all(session, user.id, sessions.PASSWORD)
    audit.record(session, actor, "user.password", object_type="user", object_id=user.username,
                 branch_code=user.branch_code, summary=Msg("audit.sum.password"))


def change_own_password(session: Session, actor: Actor, user: UserAccountRow, current: str, new: str) -> None:
    if not verify_password(user, current):
        raise Invalid(Msg("error.account.password_wrong"), field="current_password")
    set_password(session, actor, user, new)


def set_active(session: Session, actor: Actor, user: UserAccountRow, active: bool) -> None:
    before = user.active
    user.active = active
    if not active:
        user.session_version += 1
        sessions.end_all(session, user.id, sessions.DEACTIVATED)
    audit.record(session, actor, "user.activate" if active else "user.deactivate", object_type="user",
                 object_id=user.username, branch_code=user.branch_code,
                 before={"active": before}, after={"active": active})


# --- logging in ------------------------------------------------------------------------------


def verify_password(user: UserAccountRow, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def home_branch(session: Session, user: UserAccountRow) -> str | None:
    """The branch whose officers look after an account: a branch officer's own, or the branch
    serving the kab/kota of the participant, employer or facility; None for national and
    regional accounts (head office and administrators see those)."""
    if user.role == BRANCH_OFFICER:
        return user.branch_code
    if user.role == EMPLOYER_ADMIN and user.employer_id is not None:
        return session.scalar(select(EmployerRow.branch_code).where(EmployerRow.id == user.employer_id))
    if user.role == PARTICIPANT and user.participant_id is not None:
        kabkota = select(ParticipantRow.kabkota_code).where(ParticipantRow.id == user.participant_id)
    elif user.role == FACILITY_STAFF and user.facility_code is not None:
        kabkota = select(FacilityRow.kabkota_code).where(FacilityRow.code == user.facility_code)
    else:
        return None
    return session.scalar(select(KabKotaRow.branch_code).where(KabKotaRow.code == kabkota.scalar_subquery()))


def _failed(session: Session, user: UserAccountRow, client: str | None, now: dt.datetime) -> None:
    """A wrong password on ``user``: counted for the owner's notice (one UPDATE, safe under
    concurrent failures) and audited for the officers of the account's branch."""
    session.execute(update(UserAccountRow).where(UserAccountRow.id == user.id).values(
        failed_logins=UserAccountRow.failed_logins + 1,
        failed_since=func.coalesce(UserAccountRow.failed_since, now)))
    audit.record(session, Actor("anonymous", client=client), "login.failed", object_type="user",
                 object_id=user.username, branch_code=home_branch(session, user),
                 summary=Msg("audit.sum.login_failed", user=user.username))


def authenticate(session: Session, username: str, password: str, *, client: str | None = None,
                 device: throttle.KnownDevice | None = None, now: dt.datetime | None = None,
                 audit_success: bool = True) -> UserAccountRow:
    """Check a log-in (inside the caller's transaction) and record the attempt.

    Returns the user, or raises :class:`LoginRefused` with the same message for an unknown
    name and a wrong password, or :class:`LoginThrottled` (nothing checked) when the attempt
    comes before the delay its client, account or device has earned (jkn.services.portal.throttle).
    ``device`` is the browser's device cookie, if it has one.
    """
    cfg = settings()
    now = now or utcnow()
    name = (username or "").strip()[:60].lower()
    user = session.scalar(select(UserAccountRow).where(func.lower(UserAccountRow.username) == name)) if name else None
    trusted = device is not None and user is not None and device[:2] == (user.id, user.session_version)
    known = device.id if trusted else None
    wait = throttle.wait_seconds(session, name=name or "-", client=client, device=known, now=now, cfg=cfg)
    if wait > 0:
        raise LoginThrottled(wait)

    def attempt(success: bool, reason: str | None) -> None:
        session.add(LoginAttemptRow(username=name or "-", at=now, success=success, reason=reason, client=client,
                                    device=known))

    if user is None:
        try:  # spend the time a real check takes
            _hasher.verify(_dummy_hash(), password or "")
        except VerificationError:
            pass
        attempt(False, "UNKNOWN_USER")
        raise LoginRefused(Msg("login.wrong"))
    if not verify_password(user, password or ""):
        attempt(False, "BAD_PASSWORD")
        _failed(session, user, client, now)
        raise LoginRefused(Msg("login.wrong"))
    if not user.active:
        attempt(False, "INACTIVE")
        raise LoginRefused(Msg("login.inactive"))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    attempt(True, None)
    if audit_success:
        audit.record(session, Actor.of(user, client), "login", object_type="user",
                     object_id=user.username, branch_code=user.branch_code)
    return user
