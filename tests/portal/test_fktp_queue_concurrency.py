"""Queue numbers of a clinic's day taken at the same moment (issue #14, "no lost or duplicated
queue numbers under concurrent takes"): eight participants of one puskesmas register at once from
eight threads, each with its own session, on SQLite and PostgreSQL; every one gets a number, the
numbers are 1..8 without a gap or a repeat, and the same participant twice at once gets one."""

from __future__ import annotations

import threading

from portal_world import register_family
from sqlalchemy.orm import Session

from jkn.services.care import facilities, fktp_queue
from jkn.services.care.common import jakarta_today
from jkn.services.errors import DomainError
from jkn.services.portal.audit import SYSTEM
from jkn.store.engine import session_factory

N = 8


def _take_at_once(engine, fktp: str, cards: list[str]) -> tuple[list[str], list[str]]:
    numbers, errors, start = [], [], threading.Barrier(len(cards))

    def take(card: str) -> None:
        with session_factory(engine)() as s:
            start.wait()
            try:
                numbers.append(fktp_queue.register(s, actor=SYSTEM, facility_code=fktp, card_number=card,
                                                   day=jakarta_today(), poli="ANA", source="MOBILE_JKN")["queue_number"])
            except DomainError as exc:
                errors.append(exc.message)

    threads = [threading.Thread(target=take, args=(c,)) for c in cards]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return numbers, errors


def test_concurrent_takes_get_distinct_consecutive_numbers(db):
    with Session(db) as s:
        fktp = facilities.create_demo_facilities(s, ["12.71"], actor=SYSTEM)["FKTP"][0]
        cards = [register_family(s, head_nik=f"12710112038{i:02d}001", name=f"Peserta {i}", kabkota="12.71",
                                 fktp=fktp)["head_card_number"] for i in range(N + 2)]
        s.commit()
    cards, pair = cards[:N], cards[N:]
    numbers, errors = _take_at_once(db, fktp, cards)
    assert errors == [] and sorted(numbers, key=int) == [str(n) for n in range(1, N + 1)]
    again, refused = _take_at_once(db, fktp, [cards[0]] * 2 + [cards[1]] * 2)
    assert again == [] and len(refused) == 4 and all("sudah terdaftar" in m for m in refused)
    # two who were not waiting, each twice at the same moment: one number each, the other take refused
    won, lost = _take_at_once(db, fktp, [pair[0], pair[1], pair[0], pair[1]])
    assert sorted(won, key=int) == [str(N + 1), str(N + 2)], won
    assert len(lost) == 2 and all("sudah terdaftar" in m for m in lost), lost
    with Session(db) as s:
        assert len(fktp_queue.day_list(s, fktp, jakarta_today())) == N + 2

