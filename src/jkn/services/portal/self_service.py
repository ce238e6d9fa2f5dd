"""A participant opens their own portal account, and anyone resets a forgotten password, each
confirmed by a one-time code (issue #15; jkn.services.portal.one_time_codes).

Sign-up: the card number, NIK and birth date must all be those of one participant who has no account
yet, and the code goes to the e-mail address or mobile number they give; with the code they choose a
user name and password. Reset: a user name with an e-mail or number on file gets a code there. Either
way the answers do not tell a stranger whether a card or a user exists (assumption A-P11)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.errors import Conflict, Invalid
from jkn.services.portal import accounts, one_time_codes
from jkn.services.portal.accounts import PARTICIPANT, USERNAME
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.membership_tables import ParticipantRow
from jkn.store.portal_tables import UserAccountRow
from jkn.store.request_tables import OneTimeCodeRow

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")
MOBILE = re.compile(r"^(\+62|62|0)8\d{7,12}$")


def contact(text: str) -> str:
    """An e-mail address or an Indonesian mobile number (08…, +628…), as the code's destination."""
    value = (text or "").strip().replace(" ", "").replace("-", "") if "@" not in (text or "") else text.strip()
    if not (EMAIL.match(value) or MOBILE.match(value)):
        raise Invalid(Msg("error.signup.contact"), field="contact")
    return value


def start_signup(session: Session, *, card_number: str, nik: str, birth_date: dt.date | None, destination: str,
                 actor: Actor) -> int:
    """Send a sign-up code; refused with one sentence when card, NIK and birth date are not one
    participant's, and told when that participant already has an account."""
    to = contact(destination)
    p = session.scalar(select(ParticipantRow).where(ParticipantRow.card_number == (card_number or "").strip()))
    if p is None or p.nik != (nik or "").strip() or p.birth_date != birth_date or p.status == "DECEASED":
        raise Invalid(Msg("error.signup.no_match"), field="card_number")
    if session.scalar(select(UserAccountRow.id).where(UserAccountRow.participant_id == p.id)):
        raise Conflict(Msg("error.signup.has_account"))
    return one_time_codes.issue(session, "SIGNUP", to, actor=actor, participant_id=p.id, branch_code=p.branch_code,
                                about=p.card_number)


def finish_signup(session: Session, *, ticket: int | None, code: str, username: str, password: str,
                  client: str | None = None) -> UserAccountRow:
    """Create the participant's account once the code is right (the name and password are checked first,
    so a mistake there does not use the code up)."""
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise Invalid(Msg("error.account.username_format"), field="username")
    accounts.check_password_strength(password, username)
    if session.scalar(select(UserAccountRow.id).where(func.lower(UserAccountRow.username) == username.lower())):
        raise Conflict(Msg("error.account.username_taken", username=repr(username)))
    row = one_time_codes.confirm(session, "SIGNUP", ticket, code)
    with unit_of_work(session):
        p = session.get(ParticipantRow, row.participant_id)
        if session.scalar(select(UserAccountRow.id).where(UserAccountRow.participant_id == p.id)):
            raise Conflict(Msg("error.signup.has_account"))
        actor = Actor(username, role=PARTICIPANT, client=client)
        return accounts.create_user(session, actor, username=username, password=password, role=PARTICIPANT,
                                    full_name=p.name, participant=p.card_number, email=row.destination)


def start_reset(session: Session, *, username: str, actor: Actor) -> int | None:
    """Send a reset code to the contact on file; None (and nothing sent) for an unknown, inactive or
    contact-less user, which the page answers the same way."""
    user = session.scalar(select(UserAccountRow).where(
        func.lower(UserAccountRow.username) == (username or "").strip().lower()))
    if user is None or not user.active or not user.email:
        return None
    return one_time_codes.issue(session, "RESET", user.email, actor=actor, user_id=user.id,
                                branch_code=accounts.home_branch(session, user), about=user.username)


def finish_reset(session: Session, *, ticket: int | None, code: str, new_password: str,
                 client: str | None = None) -> UserAccountRow:
    """Set the new password once the code is right; every open session of the user ends."""
    pending = session.get(OneTimeCodeRow, ticket) if ticket else None
    user = session.get(UserAccountRow, pending.user_id) if pending is not None and pending.user_id else None
    if user is not None:
        accounts.check_password_strength(new_password, user.username)
    row = one_time_codes.confirm(session, "RESET", ticket, code)
    with unit_of_work(session):
        user = session.get(UserAccountRow, row.user_id)
        accounts.set_password(session, Actor(user.username, user.id, user.role, client), user, new_password)
        user.failed_logins, user.failed_since = 0, None
    return user
