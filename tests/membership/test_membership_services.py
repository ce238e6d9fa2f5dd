"""Service-level guarantees: card numbers, no partial writes, no lost updates, concurrent
registrations, the as-of replay."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from membership.membership_helpers import FKTP_B, luhn_ok, pbpu_family
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.services.errors import Conflict, Invalid
from jkn.services.membership import cards, data_changes, documents, history, registration
from jkn.services.membership.schemas import ChangeIn, FamilyIn
from jkn.services.portal.audit import SYSTEM, Actor
from jkn.store.membership_tables import DataChangeRow, FamilyRow, ParticipantHistoryRow, ParticipantRow


def _register(engine, body: dict) -> dict:
    fam = FamilyIn(**body)
    fam = fam.model_copy(update={"documents_shown": [i.code for i in documents.form_checklist(fam).items]})
    with Session(engine) as s:
        return registration.register(s, fam, actor=SYSTEM)


def _counts(engine) -> tuple:
    with Session(engine) as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in
                     (ParticipantRow, FamilyRow, DataChangeRow, ParticipantHistoryRow))


def test_card_number_format():
    assert cards.card_number("031", 1) == "0310000000011"
    assert all(luhn_ok(cards.card_number("127", n)) for n in (1, 7, 99, 123456789))
    assert cards.valid_card_number("0310000000011") and not cards.valid_card_number("0310000000012")
    with pytest.raises(ValueError):
        cards.card_number("31", 1)


def test_failed_registration_writes_nothing(fdb):
    before = _counts(fdb)
    body = pbpu_family("II", members=3)
    body["members"][-1]["nik"] = body["head"]["nik"]  # the same person twice
    with pytest.raises(Invalid):
        _register(fdb, body)
    body = pbpu_family("II", members=2)
    body["members"][0]["fktp_code"] = "NOPE"  # fails after the head passed every check
    with pytest.raises(Invalid):
        _register(fdb, body)
    assert _counts(fdb) == before


def test_no_lost_update_between_two_clerks(fdb):
    card = _register(fdb, pbpu_family("II"))["head_card_number"]
    # both clerks read version 1; the first wins, the second gets 409 instead of overwriting
    with Session(fdb) as a:
        data_changes.apply_change(a, card, ChangeIn(kind="ADDRESS", effective_date=dt.date(2014, 4, 1), version=1,
                                                    address="Jl. A", documents_shown=["ADDRESS/1", "ADDRESS/2", "ADDRESS/3"]),
                                  actor=Actor("a"))
    with Session(fdb) as b, pytest.raises(Conflict):
        data_changes.apply_change(b, card, ChangeIn(kind="ADDRESS", effective_date=dt.date(2014, 4, 1), version=1,
                                                    address="Jl. B", documents_shown=["ADDRESS/1", "ADDRESS/2", "ADDRESS/3"]),
                                  actor=Actor("b"))
    with Session(fdb) as s:
        p = s.scalar(select(ParticipantRow).where(ParticipantRow.card_number == card))
        assert (p.address, p.version) == ("Jl. A", 2)


def test_stale_row_detected_at_flush(fdb):
    """Two sessions hold the same row; the version column refuses the second write."""
    card = _register(fdb, pbpu_family("II"))["head_card_number"]
    from sqlalchemy.orm.exc import StaleDataError

    with Session(fdb) as a, Session(fdb) as b:
        pa = a.scalar(select(ParticipantRow).where(ParticipantRow.card_number == card))
        pb = b.scalar(select(ParticipantRow).where(ParticipantRow.card_number == card))
        pa.address = "Jl. A"
        a.commit()
        pb.address = "Jl. B"
        with pytest.raises(StaleDataError):
            b.commit()


def test_concurrent_registrations_get_distinct_cards(fdb, backend):
    bodies = [pbpu_family("III") for _ in range(8)]
    cards_seen, errors = [], []

    def work(body):
        try:
            cards_seen.append(_register(fdb, body)["head_card_number"])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(set(cards_seen)) == 8


def test_as_of_replays_effective_and_recorded_dates(fdb):
    card = _register(fdb, pbpu_family("II", tmt="2014-03-01"))["head_card_number"]
    with Session(fdb) as s:
        # reported late: effective 2014-06-01, recorded 2014-08-15
        data_changes.apply_change(s, card, ChangeIn(kind="FKTP", effective_date=dt.date(2014, 6, 1),
                                                    recorded_on=dt.date(2014, 8, 15), fktp_code=FKTP_B,
                                                    documents_shown=["FKTP_CHANGE/2", "FKTP_CHANGE/3"]), actor=SYSTEM)
        known_aug1 = history.participant_as_of(s, card, dt.date(2014, 8, 1))
        known_sep = history.participant_as_of(s, card, dt.date(2014, 7, 1), dt.date(2014, 9, 1))
        assert known_aug1["state"]["fktp_code"] != FKTP_B
        assert known_sep["state"]["fktp_code"] == FKTP_B
        assert [c["kind"] for c in known_sep["changes_applied"]] == ["REGISTER", "FKTP"]
