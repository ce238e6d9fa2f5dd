"""Antrean RS ``antrean/add`` under real concurrency (issue #14: "no lost or duplicated queue numbers
under concurrent takes"): hospital desks send entries at the same moment from real threads, each an
unmodified ``bpjs-bridging`` client with its own consumer, to ``jkn serve`` on SQLite and
PostgreSQL. Entries the hospital leaves unnumbered get the clinic's next number (A-Q14): distinct,
consecutive, no gap or repeat; the same patient twice at once gets one entry; a number the hospital
gives twice at once is stored once."""

from __future__ import annotations

import threading
import time

import pytest
from bpjs import Bridging
from sqlalchemy import select
from support.care_world import JknServe, build_world
from support.databases import BACKENDS, truncate_business_tables

from jkn.services.care import facilities, vclaim_consumers
from jkn.services.portal.audit import SYSTEM, summary_text
from jkn.store.portal_tables import AuditEventRow
from jkn.store.engine import session_factory
from jkn.store.queue_tables import HospitalQueueRow

DOCTOR, N = "33690", 8


@pytest.fixture(scope="module", params=BACKENDS)
def hospital(request, _prepared):
    url, engine = _prepared(request.param)
    truncate_business_tables(engine)
    world = build_world(engine)
    with session_factory(engine)() as s:
        facilities.add_staff(s, world.rsud, actor=SYSTEM, name="DR. OKTORA, SP.A", role="SPECIALIST",
                             registration_number=DOCTOR, poli_code="ANA")
    with JknServe(url, env={"JKN_VCLAIM_CONSUMER_CACHE": "0"}) as srv:
        srv.world, srv.engine = world, engine
        srv.clients = [Bridging({"host": srv.url + "/antreanrs", "consid": c["cons_id"], "secret": c["secret"],
                                 "user_key": c["user_key"]}, "antrean") for c in _consumers(engine, world.rsud, N)]
        res = srv.clients[0].request("jadwaldokter/updatejadwaldokter", "POST", {
            "kodepoli": "ANA", "kodesubspesialis": "ANA", "kodedokter": int(DOCTOR),
            "jadwal": [{"hari": str(d), "buka": "08:00", "tutup": "12:00"} for d in range(1, 8)]})
        assert res["metaData"]["code"] == 200, res
        yield srv
    truncate_business_tables(engine)


def _consumers(engine, facility: str, n: int) -> list[dict]:
    with session_factory(engine)() as s:
        return [vclaim_consumers.create_consumer(s, facility, actor=SYSTEM) for _ in range(n)]


def _entry(w, booking: str, nik: str, **kw) -> dict:
    return {"kodebooking": booking, "jenispasien": "NON JKN", "nik": nik, "nohp": "085635228888", "kodepoli": "ANA",
            "namapoli": "Anak", "pasienbaru": 1, "norm": "", "tanggalperiksa": w.today.isoformat(),
            "kodedokter": int(DOCTOR), "namadokter": "DR. OKTORA, SP.A", "jampraktek": "08:00-12:00",
            "jeniskunjungan": 1, "nomorreferensi": "", "estimasidilayani": 1_700_000_000_000, "keterangan": "", **kw}


def _at_once(srv, bodies: list[dict]) -> list[dict]:
    """Each body sent by its own client from its own thread, all released together (in a new second:
    a client's signed header serves one write, A-C16)."""
    time.sleep(1.05 - time.time() % 1)
    answers: list[dict] = [{}] * len(bodies)
    start = threading.Barrier(len(bodies))

    def send(i: int) -> None:
        start.wait()
        answers[i] = srv.clients[i].request("antrean/add", "POST", bodies[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def _stored(engine) -> list[HospitalQueueRow]:
    with session_factory(engine)() as s:
        return s.scalars(select(HospitalQueueRow).order_by(HospitalQueueRow.queue_seq)).all()


def _audited(engine, prefix: str) -> dict[str, list[str]]:
    """The summaries of the ``queue.add`` audit rows of bookings starting with ``prefix``, by booking, in English."""
    with session_factory(engine)() as s:
        found = s.execute(select(AuditEventRow.object_id, AuditEventRow.summary).where(
            AuditEventRow.action == "queue.add", AuditEventRow.object_id.startswith(prefix))).all()
    out: dict[str, list[str]] = {}
    for booking, summary in found:
        out.setdefault(booking, []).append(summary_text(summary, "en"))
    return out


def test_concurrent_takes_get_consecutive_numbers_and_one_entry_per_patient(hospital):
    w, engine = hospital.world, hospital.engine
    niks = [f"32730112038{i:03d}01" for i in range(N + 1)]
    answers = _at_once(hospital, [_entry(w, f"CC{i:03d}", niks[i]) for i in range(N)])
    assert all(a["metaData"]["code"] == 200 for a in answers), answers
    got = sorted(a["response"]["angkaantrean"] for a in answers)
    assert got == list(range(1, N + 1))
    assert sorted(a["response"]["nomorantrean"] for a in answers) == sorted(f"ANA-{n}" for n in range(1, N + 1))
    assert [r.queue_seq for r in _stored(engine)] == list(range(1, N + 1))
    # each entry's audit row, written with the entry, names the number it got
    audited = _audited(engine, "CC")
    assert sorted(audited) == [f"CC{i:03d}" for i in range(N)]
    for i in range(N):
        [summary] = audited[f"CC{i:03d}"]
        assert summary.startswith(f"NON JKN queue {answers[i]['response']['nomorantrean']} at ANA on "), summary

    # the same patient from two desks at once: one entry, the other refused; no number lost to the refusal
    same = _at_once(hospital, [_entry(w, "SAME1", niks[N]), _entry(w, "SAME2", niks[N])])
    assert sorted(a["metaData"]["code"] for a in same) == [200, 201], same
    lost = next(a for a in same if a["metaData"]["code"] == 201)
    assert "sudah memiliki antrean aktif" in lost["metaData"]["message"]
    assert next(a for a in same if a["metaData"]["code"] == 200)["response"]["angkaantrean"] == N + 1
    assert [r.nik for r in _stored(engine)].count(niks[N]) == 1

    # a number the hospital gives, sent twice at once for two patients: stored once
    given = _at_once(hospital, [_entry(w, f"GV{i}", f"32730112039{i:03d}01", nomorantrean="B-1", angkaantrean=1)
                                for i in range(2)])
    assert sorted(a["metaData"]["code"] for a in given)[0] == 200 and [a["response"] for a in given].count(None) == 2
    assert sum(a["metaData"]["code"] == 200 for a in given) == 1, given
    assert [r.queue_number for r in _stored(engine)].count("B-1") == 1
    nxt = _at_once(hospital, [_entry(w, "NEXT", "3273011203999901")])[0]
    assert nxt["response"]["angkaantrean"] == N + 2, nxt


def test_concurrent_takes_past_the_capacity_are_refused_and_take_no_number(hospital):
    """The doctor's capacity holds under concurrent takes, and a take it refuses leaves no gap in the
    numbers (the number and the entry commit, or roll back, together)."""
    from jkn.services.care import queues

    w, engine = hospital.world, hospital.engine
    stored = [r for r in _stored(engine) if r.status != "CANCELLED"]
    highest = max([r.queue_seq for r in stored if r.queue_number.startswith("ANA-")], default=0)

    def capacity(n: int) -> None:
        with session_factory(engine)() as s:
            queues.set_schedule(s, w.rsud, actor=SYSTEM, poli="ANA", subspecialist="ANA", doctor_code=DOCTOR,
                                windows=[queues.window(w.today.isoweekday(), "08:00", "12:00", capacity=n)])

    capacity(len(stored) + 2)
    answers = _at_once(hospital, [_entry(w, f"CAP{i}", f"32730112040{i:03d}01") for i in range(4)])
    assert sorted(a["metaData"]["code"] for a in answers) == [200, 200, 201, 201], answers
    assert all("penuh" in a["metaData"]["message"] for a in answers if a["metaData"]["code"] == 201)
    assert sorted(a["response"]["angkaantrean"] for a in answers if a["metaData"]["code"] == 200) == [
        highest + 1, highest + 2]
    # the refused takes' audit rows rolled back with their entries
    assert sorted(_audited(engine, "CAP")) == sorted(f"CAP{i}" for i, a in enumerate(answers)
                                                     if a["metaData"]["code"] == 200)
    capacity(len(stored) + 3)
    nxt = _at_once(hospital, [_entry(w, "CAPNEXT", "3273011204099901")])[0]
    assert nxt["response"]["angkaantrean"] == highest + 3, nxt
