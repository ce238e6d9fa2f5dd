"""On PostgreSQL, ``Peserta`` is answered in the event loop (jkn.bridging.core.async_read): its answer is
the handler's answer in a worker thread, byte for byte (same consumer and X-timestamp, so the same
ciphertext), for participants in every state; those whose cover needs the payer's ledger (arrears,
a past date) are answered by the handler."""

from __future__ import annotations

import datetime as dt
import json
import time
import asyncio
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, select, text, update
from starlette.datastructures import Headers
from support import event_loop
from support.care_world import _register, build_world
from support.databases import truncate_business_tables
from support.first_payment import pay_first_contribution

from jkn.bridging.core import async_read, envelope, server
from jkn.bridging.core.crypto import decrypt_response, signature
from jkn.bridging.core.protocol import authenticate
from jkn.bridging.core.settings import Settings
from jkn.bridging.vclaim import SERVICE
from jkn.store.engine import session_factory
from jkn.store.membership_tables import CardIssueRow, ParticipantRow


@pytest.fixture(scope="module")
def world(_prepared):
    url, engine = _prepared("postgresql")
    truncate_business_tables(engine)
    w = build_world(engine)
    today = w.today
    S = session_factory(engine)
    extra = {}
    with S() as s:
        for i, name in enumerate(("ENDED", "DECEASED", "CHILD", "NO_PAYER", "NOT_YET_PAID")):
            card = _register(s, f"327301550190{i + 11:04d}", f"PESERTA {name}", w.fktp, "III", today - dt.timedelta(days=400))
            pay_first_contribution(s, card, today - dt.timedelta(days=398))
            extra[name] = card
        changes = {"ENDED": {"end_date": today - dt.timedelta(days=10)},
                   "DECEASED": {"status": "DECEASED", "end_date": today - dt.timedelta(days=3)},
                   "CHILD": {"relationship": "CHILD_NATURAL", "birth_date": dt.date(today.year - 22, 1, 5),
                             "status_until": today - dt.timedelta(days=30)},
                   "NO_PAYER": {"payer_id": None},
                   "NOT_YET_PAID": {"covered_from": None}}
        for name, values in changes.items():
            s.execute(update(ParticipantRow).where(ParticipantRow.card_number == extra[name]).values(**values))
        for card in (*extra.values(), w.ended, w.active, w.suspended):  # a card printed: tglCetakKartu is its day, not tglTMT
            pid = s.scalar(select(ParticipantRow.id).where(ParticipantRow.card_number == card))
            s.add(CardIssueRow(participant_id=pid, print_number=1, reason="NEW", issued_on=today - dt.timedelta(days=99)))
        s.commit()
    w.extra = extra
    state = SimpleNamespace(engine=engine, sessions=S, bridging=Settings())
    yield w, state
    truncate_business_tables(engine)


def _headers(cred: dict) -> Headers:
    ts = str(int(time.time()))
    return Headers({"x-cons-id": cred["cons_id"], "x-timestamp": ts, "user_key": cred["user_key"],
                    "x-signature": signature(cred["cons_id"], cred["secret"], ts)})


async def _both(state, cred: dict, path: str):
    """(fast answer or None, the answer ``serve`` gives, the handler's answer) to the same signed request."""
    headers = _headers(cred)
    read_sessions = server._read_sessions(state)
    consumer = authenticate(read_sessions, headers, 300)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    try:
        fast = await server._fast_read(state, SERVICE, path, headers, consumer, "127.0.0.1")
        served = await server.serve(state, SERVICE, "GET", path, headers, receive, "127.0.0.1")
    finally:
        await async_read.close(state)
    slow = server.handle(SERVICE, state.sessions, read_sessions, "GET", path, headers, consumer, b"", state.bridging,
                         "127.0.0.1")
    return fast, served, slow, headers


def _peserta(response, cred, headers) -> dict:
    env = json.loads(response.body)
    if env["response"] is None:
        return env["metaData"]
    return decrypt_response(env["response"], cred["cons_id"], cred["secret"], headers["x-timestamp"])["peserta"]


CASES = [  # (name, path from the world, answered in the event loop, expected statusPeserta.kode or metaData.code)
    ("active", lambda w: f"Peserta/nokartu/{w.active}/tglSEP/{w.today}", True, "0"),
    ("by NIK", lambda w: f"Peserta/nik/{w.active_nik}/tglSEP/{w.today}", True, "0"),
    ("not yet covered", lambda w: f"Peserta/nokartu/{w.active}/tglSEP/2000-01-01", True, "1"),
    ("inactive in the registry", lambda w: f"Peserta/nokartu/{w.ended}/tglSEP/{w.today}", True, "1"),
    ("cover ended", lambda w: f"Peserta/nokartu/{w.extra['ENDED']}/tglSEP/{w.today}", True, "1"),
    ("deceased", lambda w: f"Peserta/nokartu/{w.extra['DECEASED']}/tglSEP/{w.today}", True, "1"),
    ("child past status", lambda w: f"Peserta/nokartu/{w.extra['CHILD']}/tglSEP/{w.today}", True, "1"),
    ("no payer", lambda w: f"Peserta/nokartu/{w.extra['NO_PAYER']}/tglSEP/{w.today}", True, "1"),
    ("not yet paid", lambda w: f"Peserta/nokartu/{w.extra['NOT_YET_PAID']}/tglSEP/{w.today}", True, "1"),
    ("arrears: suspended", lambda w: f"Peserta/nokartu/{w.suspended}/tglSEP/{w.today}", False, "2"),
    ("a past date", lambda w: f"Peserta/nokartu/{w.active}/tglSEP/{w.today - dt.timedelta(days=1)}", False, "0"),
    ("unknown card", lambda w: "Peserta/nokartu/0009999999999/tglSEP/2025-01-01", True, "201"),
    ("malformed card", lambda w: "Peserta/nokartu/12ab/tglSEP/2025-01-01", True, "400"),
    ("bad date", lambda w: f"Peserta/nokartu/{w.active}/tglSEP/2025-13-45", True, "400"),
]


@pytest.mark.postgres
@pytest.mark.parametrize("name, path, in_loop, expected", CASES, ids=[c[0] for c in CASES])
def test_fast_answer_is_the_handlers_answer(world, name, path, in_loop, expected):
    w, state = world
    cred = w.rs_v2
    fast, served, slow, headers = event_loop.run(_both(state, cred, path(w)))
    assert (fast is not None) == in_loop
    assert (served.status_code, served.body) == (slow.status_code, slow.body)
    if fast is not None:
        assert (fast.status_code, fast.body) == (slow.status_code, slow.body)
    answer = _peserta(served, cred, headers)
    assert answer.get("statusPeserta", {}).get("kode", answer.get("code")) == expected
    env = json.loads(served.body)
    if env["response"] is not None:  # the bytes the protocol's reference steps give (crypto.encrypt_response)
        plain = decrypt_response(env["response"], cred["cons_id"], cred["secret"], headers["x-timestamp"])
        sealed = envelope.seal(envelope.ok(plain), path(w), cred["cons_id"], cred["secret"], headers["x-timestamp"])
        assert served.body == json.dumps(sealed, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    if "tglCetakKartu" in answer:
        assert answer["tglCetakKartu"] == str(w.today - dt.timedelta(days=99))


@pytest.mark.postgres
def test_a_broken_connection_is_replaced_and_a_dead_server_answered_with_an_error(world):
    """A pooled connection the server dropped (a restart) is replaced without failing the request; a
    database that cannot be reached is an error in the envelope, not a hang."""
    w, state = world
    path = f"Peserta/nokartu/{w.active}/tglSEP/{w.today}"

    async def go():
        headers = _headers(w.rs_v2)
        consumer = authenticate(server._read_sessions(state), headers, 300)
        first = await server._fast_read(state, SERVICE, path, headers, consumer, None)
        pool = async_read._pool(state)
        (conn,) = pool._idle
        with state.engine.connect() as other:  # what a restart does to it
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": conn.get_server_pid()})
        again = await server._fast_read(state, SERVICE, path, headers, consumer, None)
        assert pool._idle and pool._idle[0] is not conn
        await async_read.close(state)
        dead = SimpleNamespace(engine=create_engine(state.engine.url.set(port=1)), sessions=state.sessions,
                               bridging=state.bridging)
        started = time.monotonic()
        down = await server._fast_read(dead, SERVICE, path, headers, consumer, None)
        return first, again, down, time.monotonic() - started
    first, again, down, seconds = event_loop.run(go())
    assert first.body == again.body and b'"code":"200"' in again.body
    assert down.status_code == 500 and b'"code":"500"' in down.body and seconds < async_read.TIMEOUT_SECONDS + 1


class _Sleep:
    """A statement that takes ``seconds`` on the database."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    async def first_async(self, conn, params):
        return await conn.fetchval("SELECT $1::int FROM pg_sleep($2)", params["n"], self.seconds)


@pytest.mark.postgres
def test_a_read_past_the_time_limit_is_an_error_and_others_are_answered(world, monkeypatch):
    """A read that takes longer than ``TIMEOUT_SECONDS`` (waiting for a connection included) is an error,
    in about that time, while quicker reads beside it are answered; a read cancelled for another
    reason (the server stopping) stays cancelled."""
    _w, state = world
    monkeypatch.setattr(async_read, "TIMEOUT_SECONDS", 0.5)

    async def read(seconds: float, n: int):
        started = time.monotonic()
        try:
            return await async_read.run(state, lambda call: (_Sleep(seconds), {"n": n}, lambda row: row), None)
        except async_read.Unavailable:
            return "unavailable", time.monotonic() - started

    async def go():
        slow = [asyncio.ensure_future(read(3, n)) for n in range(2)]
        await asyncio.sleep(0.1)
        quick = await asyncio.gather(*(read(0, n) for n in range(3)))
        stopped = asyncio.ensure_future(read(3, 9))
        await asyncio.sleep(0.1)
        stopped.cancel()
        results = await asyncio.gather(*slow)
        with pytest.raises(asyncio.CancelledError):
            await stopped
        after = await read(0, 7)
        await async_read.close(state)
        return quick, results, after
    quick, results, after = event_loop.run(go())
    assert quick == [0, 1, 2] and after == 7
    assert [r[0] for r in results] == ["unavailable", "unavailable"] and all(0.4 < r[1] < 1.5 for r in results)
