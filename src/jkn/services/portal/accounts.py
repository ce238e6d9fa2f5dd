"""User accounts: roles, argon2 password hashes, log-in with lock-out, user administration.

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

Lock-out: after ``JKN_LOCKOUT_FAILURES`` consecutive failed log-ins (default 5) the account is
locked for ``JKN_LOCKOUT_MINUTES`` (default 15); a correct password during the lock is refused.
Unknown user names are locked the same way (counted from ``login_attempt``) so the answer does
not tell whether a name exists.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.domain.timestamps import as_utc, utcnow
from jkn.services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import EmployerRow, ParticipantRow
from jkn.store.portal_tables import LoginAttemptRow, UserAccountRow
from jkn.store.reference_tables import BranchRow, DeputyRegionRow

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


@dataclass(frozen=True)
class SecuritySettings:
    lockout_failures: int = 5
    lockout_minutes: int = 15
    min_password_length: int = 8
    session_hours: int = 8

    @classmethod
    def from_env(cls) -> "SecuritySettings":
        def num(name: str, default: int) -> int:
            raw = os.environ.get(name, "").strip()
            return int(raw) if raw.isdigit() and int(raw) > 0 else default

        return cls(num("JKN_LOCKOUT_FAILURES", 5), num("JKN_LOCKOUT_MINUTES", 15),
                   num("JKN_MIN_PASSWORD_LENGTH", 8), num("JKN_SESSION_HOURS", 8))


def settings() -> SecuritySettings:
    return SecuritySettings.from_env()


class LoginRefused(DomainError):
    """Wrong name or password, or a locked / inactive account (401). ``locked_until`` if locked."""

    status = 401




def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str, username: str = "") -> None:
    minimum = settings().min_password_length
    if len(password) < minimum:
        raise Invalid(f"the password must have at least {minimum} characters", field="password")
    if username and password.lower() == username.lower():
        raise Invalid("the password must not be the user name", field="password")


# --- creating and changing users -------------------------------------------------------------


def _resolve_place(session: Session, role: str, *, branch: str | None, deputy_region: str | None,
                   employer: str | None, participant: str | None, facility: str | None) -> dict:
    """Validate the place a role belongs to and return the columns to set."""
    place = {"branch_code": None, "deputy_region_code": None, "employer_id": None,
             "participant_id": None, "facility_code": None}
    if role == BRANCH_OFFICER:
        if not branch:
            raise Invalid("a branch officer needs a branch (kantor cabang code, e.g. 001)", field="branch")
        row = session.get(BranchRow, branch.strip().zfill(3))
        if row is None:
            raise NotFound(f"no branch with code {branch!r}")
        place["branch_code"] = row.code
    elif role == REGIONAL_MANAGER:
        if not deputy_region:
            raise Invalid("a regional manager needs a deputy region (kedeputian wilayah code, e.g. 01)",
                          field="deputy_region")
        row = session.get(DeputyRegionRow, deputy_region.strip().zfill(2))
        if row is None:
            raise NotFound(f"no deputy region with code {deputy_region!r}")
        place["deputy_region_code"] = row.code
    elif role == EMPLOYER_ADMIN:
        if not employer:
            raise Invalid("an employer administrator needs an employer code", field="employer")
        row = session.scalar(select(EmployerRow).where(EmployerRow.code == employer.strip()))
        if row is None:
            raise NotFound(f"no employer with code {employer!r}")
        place["employer_id"] = row.id
    elif role == PARTICIPANT:
        if not participant:
            raise Invalid("a participant account needs the card number or NIK", field="participant")
        key = participant.strip()
        column = ParticipantRow.nik if len(key) == 16 else ParticipantRow.card_number
        row = session.scalar(select(ParticipantRow).where(column == key))
        if row is None:
            raise NotFound(f"no participant with card number or NIK {participant!r}")
        place["participant_id"] = row.id
    elif role == FACILITY_STAFF:
        if not facility:
            raise Invalid("facility staff need a facility code", field="facility")
        row = session.get(FacilityRow, facility.strip())
        if row is None:
            raise NotFound(f"no facility with code {facility!r}")
        place["facility_code"] = row.code
    elif role not in (ADMIN, HEAD_OFFICE):
        raise Invalid(f"unknown role {role!r}; use one of: {', '.join(ROLES)}", field="role")
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
        raise Invalid("user name: 3-60 letters, digits or . _ @ -, starting with a letter or digit", field="username")
    if not (full_name or "").strip():
        raise Invalid("the full name is required", field="full_name")
    check_password_strength(password, username)
    place = _resolve_place(session, role, branch=branch, deputy_region=deputy_region, employer=employer,
                           participant=participant, facility=facility)
    if not may_create(creator, role, place):
        raise Forbidden("only an administrator can create user accounts")
    if session.scalar(select(UserAccountRow.id).where(func.lower(UserAccountRow.username) == username.lower())):
        raise Conflict(f"user name {username!r} is already taken")
    user = UserAccountRow(username=username, full_name=full_name.strip(),
                          password_hash=password_hash or hash_password(password),
                          role=role, email=(email or None), active=True, failed_logins=0, session_version=1,
                          **place)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", object_type="user", object_id=user.username,
                 branch_code=place["branch_code"], summary=f"created {role} {username}",
                 after={"role": role, **{k: v for k, v in place.items() if v is not None}})
    return user


def get_user(session: Session, user_id_or_name: int | str) -> UserAccountRow:
    if isinstance(user_id_or_name, int):
        user = session.get(UserAccountRow, user_id_or_name)
    else:
        user = session.scalar(select(UserAccountRow).where(
            func.lower(UserAccountRow.username) == str(user_id_or_name).strip().lower()))
    if user is None:
        raise NotFound(f"no user {user_id_or_name!r}")
    return user


def list_users(session: Session, *, role: str | None = None, branch_code: str | None = None) -> list[UserAccountRow]:
    stmt = select(UserAccountRow).order_by(UserAccountRow.username)
    if role:
        stmt = stmt.where(UserAccountRow.role == role)
    if branch_code:
        stmt = stmt.where(UserAccountRow.branch_code == branch_code)
    return list(session.scalars(stmt))


def set_password(session: Session, actor: Actor, user: UserAccountRow, new_password: str) -> None:
    """Set a new password; every open session of the user ends (session_version + 1)."""
    check_password_strength(new_password, user.username)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, actor, "user.password", object_type="user", object_id=user.username,
                 branch_code=user.branch_code, summary="password changed")


def change_own_password(session: Session, actor: Actor, user: UserAccountRow, current: str, new: str) -> None:
    if not verify_password(user, current):
        raise Invalid("the current password is not correct", field="current_password")
    set_password(session, actor, user, new)


def set_active(session: Session, actor: Actor, user: UserAccountRow, active: bool) -> None:
    before = user.active
    user.active = active
    if not active:
        user.session_version += 1
    audit.record(session, actor, "user.activate" if active else "user.deactivate", object_type="user",
                 object_id=user.username, branch_code=user.branch_code,
                 before={"active": before}, after={"active": active})


def unlock(session: Session, actor: Actor, user: UserAccountRow) -> None:
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, actor, "user.unlock", object_type="user", object_id=user.username,
                 branch_code=user.branch_code)


# --- logging in ------------------------------------------------------------------------------


def verify_password(user: UserAccountRow, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _recent_failures(session: Session, username: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Failures of an unknown user name since ``since``: how many, and the newest."""
    rows = session.execute(
        select(func.count(LoginAttemptRow.id), func.max(LoginAttemptRow.at))
        .where(func.lower(LoginAttemptRow.username) == username.lower(), LoginAttemptRow.success.is_(False),
               LoginAttemptRow.at >= since)
    ).one()
    return int(rows[0] or 0), as_utc(rows[1])


def authenticate(session: Session, username: str, password: str, *, client: str | None = None,
                 now: dt.datetime | None = None, audit_success: bool = True) -> UserAccountRow:
    """Check a log-in (inside the caller's transaction) and record the attempt.

    Returns the user, or raises :class:`LoginRefused` with the same message for an unknown
    name and a wrong password; a locked account says until when.
    """
    cfg = settings()
    now = now or utcnow()
    name = (username or "").strip()[:60]
    user = session.scalar(select(UserAccountRow).where(func.lower(UserAccountRow.username) == name.lower())) if name else None
    generic = "wrong user name or password"

    def attempt(success: bool, reason: str | None) -> None:
        session.add(LoginAttemptRow(username=name or "-", at=now, success=success, reason=reason, client=client))

    def locked(until: dt.datetime) -> LoginRefused:
        local = until.astimezone(dt.timezone(dt.timedelta(hours=7)))
        return LoginRefused(f"too many failed log-ins: the account is locked until {local:%H:%M} WIB",
                            locked_until=until.isoformat())

    if user is None:
        try:  # spend the time a real check takes
            _hasher.verify(_dummy_hash(), password or "")
        except VerificationError:
            pass
        window = now - dt.timedelta(minutes=cfg.lockout_minutes)
        count, newest = _recent_failures(session, name, window)
        attempt(False, "UNKNOWN_USER")
        if count + 1 >= cfg.lockout_failures:
            raise locked((newest or now) + dt.timedelta(minutes=cfg.lockout_minutes))
        raise LoginRefused(generic)

    locked_until = as_utc(user.locked_until)
    if locked_until is not None and locked_until > now:
        attempt(False, "LOCKED")
        raise locked(locked_until)
    if locked_until is not None:  # the lock has run out: start counting again
        user.locked_until = None
        user.failed_logins = 0
    if not verify_password(user, password or ""):
        user.failed_logins = (user.failed_logins or 0) + 1
        attempt(False, "BAD_PASSWORD")
        if user.failed_logins >= cfg.lockout_failures:
            user.locked_until = now + dt.timedelta(minutes=cfg.lockout_minutes)
            audit.record(session, Actor(user.username, user.id, user.role, client), "login.locked",
                         object_type="user", object_id=user.username, branch_code=user.branch_code,
                         summary=f"{user.failed_logins} failed log-ins: locked for {cfg.lockout_minutes} minutes")
            raise locked(user.locked_until)
        raise LoginRefused(generic)
    if not user.active:
        attempt(False, "INACTIVE")
        raise LoginRefused("this account is not active; ask your administrator")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.last_login_at = now
    attempt(True, None)
    if audit_success:
        audit.record(session, Actor(user.username, user.id, user.role, client), "login", object_type="user",
                     object_id=user.username, branch_code=user.branch_code)
    return user
