"""A participant's own sign-up and a password reset, confirmed by one-time codes (issue #15), on
SQLite and PostgreSQL: codes are hashed at rest, expire, allow a few attempts, are used once, a new
one ends the old, few are sent per hour; a stranger learns nothing about who has an account."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from support.otp_outbox import last_code, outbox

from jkn.services.errors import Conflict, Invalid
from jkn.services.portal import accounts, one_time_codes, self_service
from jkn.services.portal.audit import Actor
from jkn.store.membership_tables import ParticipantRow
from jkn.store.request_tables import OneTimeCodeRow

STRANGER = Actor("anonymous", client="127.0.0.1")


def _spouse(session: Session, world) -> ParticipantRow:
    return session.scalar(select(ParticipantRow).where(ParticipantRow.card_number == world.medan_spouse_card))


def _start(session: Session, p: ParticipantRow, to: str) -> int:
    return self_service.start_signup(session, card_number=p.card_number, nik=p.nik, birth_date=p.birth_date,
                                     destination=to, actor=STRANGER)


def test_sign_up_needs_card_nik_and_birth_date_of_one_participant_and_the_code(world, db):
    to = f"maya.{db.dialect.name}@contoh.id"
    with Session(db) as s:
        p = _spouse(s, world)
        for wrong in ({"nik": "1271015506870003"}, {"birth_date": p.birth_date + dt.timedelta(days=1)},
                      {"card_number": world.bekasi_card}):
            data = {"card_number": p.card_number, "nik": p.nik, "birth_date": p.birth_date, **wrong}
            with pytest.raises(Invalid, match="tidak cocok"):
                self_service.start_signup(s, destination=to, actor=STRANGER, **data)
        with pytest.raises(Invalid):
            _start(s, p, "bukan-kontak")
        with pytest.raises(Conflict):  # Budi has an account already
            me = s.scalar(select(ParticipantRow).where(ParticipantRow.card_number == world.medan_card))
            _start(s, me, to)
        assert outbox() == [] or all(m["to"] != to for m in outbox())

        ticket = _start(s, p, to)
        code = last_code(to)
        row = s.get(OneTimeCodeRow, ticket)
        assert code not in row.code_hash and row.code_hash.startswith("$argon2")  # hashed at rest
        # a bad password is refused before the code is tried: the code stays usable
        with pytest.raises(Invalid):
            self_service.finish_signup(s, ticket=ticket, code=code, username="maya.s", password="123")
        with pytest.raises(Invalid, match="Kode verifikasi salah"):
            self_service.finish_signup(s, ticket=ticket, code="000000" if code != "000000" else "111111",
                                       username="maya.s", password="sandi-maya-123")
        user = self_service.finish_signup(s, ticket=ticket, code=code, username="maya.s", password="sandi-maya-123")
        assert user.role == accounts.PARTICIPANT and user.participant_id == p.id and user.email == to
        with pytest.raises(Invalid):  # used once
            self_service.finish_signup(s, ticket=ticket, code=code, username="maya.t", password="sandi-maya-123")


def test_codes_expire_allow_few_attempts_a_new_one_ends_the_old_and_few_are_sent(world, db):
    to = "0812345678" + ("1" if db.dialect.name == "sqlite" else "2")
    with Session(db) as s:
        p = _spouse(s, world)
        first = _start(s, p, to)
        first_code = last_code(to)
        second = _start(s, p, to)
        with pytest.raises(Invalid):  # the new code ended the first
            one_time_codes.confirm(s, "SIGNUP", first, first_code)
        code = last_code(to)
        for _ in range(one_time_codes.attempts_allowed()):
            with pytest.raises(Invalid):
                one_time_codes.confirm(s, "SIGNUP", second, "999999" if code != "999999" else "888888")
        with pytest.raises(Invalid):  # attempts spent: even the right code fails
            one_time_codes.confirm(s, "SIGNUP", second, code)
        third = _start(s, p, to)
        s.execute(update(OneTimeCodeRow).where(OneTimeCodeRow.id == third)
                  .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
        s.commit()
        with pytest.raises(Invalid):  # expired
            one_time_codes.confirm(s, "SIGNUP", third, last_code(to))
        _start(s, p, to), _start(s, p, to)
        with pytest.raises(Invalid, match="dalam satu jam"):  # the sixth code within the hour
            _start(s, p, to)


def test_reset_answers_alike_for_unknown_users_and_ends_open_sessions(world, db):
    with Session(db) as s:
        sent_before = len(outbox())
        assert self_service.start_reset(s, username="tidak.ada", actor=STRANGER) is None
        assert self_service.start_reset(s, username=world.users["siti"], actor=STRANGER) is None  # no contact on file
        assert len(outbox()) == sent_before
        user = accounts.get_user(s, world.users["siti"])
        user.email = f"siti.{db.dialect.name}@contoh.id"
        s.commit()
        ticket = self_service.start_reset(s, username=world.users["siti"], actor=STRANGER)
        version = accounts.get_user(s, world.users["siti"]).session_version
        self_service.finish_reset(s, ticket=ticket, code=last_code(user.email), new_password="sandi-baru-siti-9")
        s.expire_all()
        user = accounts.get_user(s, world.users["siti"])
        assert accounts.verify_password(user, "sandi-baru-siti-9") and user.session_version == version + 1
