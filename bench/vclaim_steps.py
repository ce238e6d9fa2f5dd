"""Cost per request of each step of a VClaim eligibility answer (``Peserta/nokartu``, v2.0), in
process, on the benchmark database of bench/vclaim_eligibility.py (run that first: it loads the
participants). Manual timers around the server's own functions, interleaved per request over random
cards, median and p90 per step; ``--profile`` adds a cProfile of the
event-loop answer (top functions).

    .venv/bin/python bench/vclaim_steps.py --requests 3000
    .venv/bin/python bench/vclaim_steps.py --requests 1000 --profile
    .venv/bin/python bench/vclaim_steps.py --tail 20000   # latency percentiles of the event-loop answer
    .venv/bin/python bench/vclaim_steps.py --sep 300      # SEP/2.0/insert instead (writes SEPs)
    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python bench/vclaim_steps.py --plain 200
    # ... and --plain 0: the difference / 200 is the instructions per answer (steady on a loaded machine)
    PYTHONHASHSEED=0 valgrind ... bench/vclaim_steps.py --plain 1000 --asgi   # and --plain 0 --asgi:
    # the whole answer as uvicorn hands it to the app (security headers, bridging front, authentication,
    # answer sent); a fixed hash seed and 1000 answers keep the difference within about 1 %

Steps, as the server answers on PostgreSQL (in the event loop, jkn.bridging.core.async_read):
``auth`` (signature headers → cached consumer, HMAC), ``route``, ``query`` (the one eligibility
statement on the async pool, executed and fetched), ``status`` (cover decided from the row),
``shape`` (the ``peserta`` dict), ``json``, ``key`` (SHA-256 of consid + secret + timestamp),
``seal`` (LZ-string, padding, AES-CBC, base64: one call, ``lzfast.compress_and_seal``), ``envelope`` (the answer's bytes); then ``fast read`` (the whole of it as the server runs
it) and ``handle`` (the worker-thread path: session and PreparedRead, as on SQLite or when the
ledger is needed), each measured on its own, and the CPU per answer of auth + fast read.
The framework's share is not measured here: it is the bare Starlette baseline of the wrk run.

``--sep N``: N SEP inserts (emergency visits of participants without an SEP, each its own signed
header, as bench/vclaim_sep_insert.py) through ``handle()``: wall and CPU per insert unprofiled, in a
worker thread's way (psycopg) and as the server writes on PostgreSQL (a greenlet on the event loop,
asyncpg: jkn.bridging.core.async_write), then under cProfile the share of each step on the first
(CPU, inflated by the profiler: read the proportions). With ``--plain M`` (M ≤ 2N): only M inserts
on the event-loop path after 20 warm-up ones, no timers — under callgrind, ``--sep 150 --plain 100``
and ``--plain 0``: the difference / 100 is the instructions per insert.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import uvloop  # noqa: E402
from starlette.datastructures import Headers  # noqa: E402

from bench_support import SignedHeaders  # noqa: E402
from vclaim_eligibility import DEFAULT_DB, sample_cards  # noqa: E402
from jkn.bridging.core import async_read, async_write, lzfast, server  # noqa: E402
from jkn.bridging.core import settings as bridging_settings  # noqa: E402
from jkn.bridging.core.crypto import answer_key, signature  # noqa: E402
from jkn.bridging.core.protocol import authenticate  # noqa: E402
from jkn.bridging.vclaim import SERVICE, shapes  # noqa: E402
from jkn.services.care import eligibility  # noqa: E402
from jkn.services.care.common import jakarta_today  # noqa: E402
from jkn.services.portal.audit import SYSTEM  # noqa: E402
from jkn.store.engine import make_engine, session_factory  # noqa: E402


def _headers(cred: dict) -> Headers:
    ts = str(int(time.time()))
    return Headers({"x-cons-id": cred["cons_id"], "x-timestamp": ts, "user_key": cred["user_key"],
                    "x-signature": signature(cred["cons_id"], cred["secret"], ts)})


SEP_STEPS = (("whole handle()", "server.py", "handle"),
             ("use case insert_sep", "sep.py", "insert_sep"),
             ("  eligibility (prepared)", "eligibility.py", "check"),
             ("  cover rules", "cover.py", "check_cover"),
             ("  number + SEP + audit row", "common.py", "insert_numbered"),
             ("  the answer (sep_view)", "sep.py", "sep_view"),
             ("seal (JSON, LZ-string, AES)", "lzfast.py", "encrypt_response"),
             ("replay record (INSERT, A-C16)", "vclaim_requests.py", "keep"),
             ("commit", "session.py", "commit"))


def sep_steps(args, sessions, read_sessions, settings) -> None:
    from sqlalchemy import select

    from jkn.store.facility_tables import FacilityRow
    from vclaim_sep_insert import fresh_cards, t_sep

    with sessions() as s:
        hospital = s.scalars(select(FacilityRow.code).where(FacilityRow.level == "FKRTL",
                                                            FacilityRow.name.like("RSUD %"))).first()
    cards = fresh_cards(args.db, 3 * args.sep + 60)
    day = jakarta_today().isoformat()
    signed = SignedHeaders(sessions, hospital, "sep steps", per=300, back=150)

    def request():
        """Each insert a new participant and its own signed header (300 timestamps per consumer, A-C16)."""
        i, headers = signed()
        return headers, authenticate(read_sessions, headers, settings.max_skew), json.dumps(
            t_sep(cards[i], hospital, day)).encode()

    def one() -> None:
        headers, consumer, body = request()
        r = server.handle(SERVICE, sessions, read_sessions, "POST", "SEP/2.0/insert", headers, consumer, body,
                          settings, "127.0.0.1")
        assert b'"code":"200"' in r.body, r.body

    def thread_runs(n: int) -> list[tuple[float, float]]:
        out = []
        for _ in range(n):
            t, c = time.perf_counter(), time.process_time()
            one()
            out.append(((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000))
        return out

    async def in_loop(n: int) -> list[tuple[float, float]]:
        """As the server writes on PostgreSQL: handle() in a greenlet on the event loop (async_write)."""
        state = SimpleNamespace(engine=sessions.kw["bind"], sessions=sessions, bridging=settings)
        out = []
        try:
            for _ in range(n):
                headers, consumer, body = request()
                t, c = time.perf_counter(), time.process_time()
                r = await async_write.run(state, partial(server.handle, SERVICE), "POST", "SEP/2.0/insert", headers,
                                          consumer, body, settings, "127.0.0.1")
                out.append(((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000))
                assert b'"code":"200"' in r.body, r.body
        finally:
            await async_write.close(state)
        return out

    if args.plain is not None:  # for valgrind: N inserts after 20 warm-up ones, no timers (the event-loop path)
        uvloop.run(in_loop(20 + args.plain))
        return
    for path, runs in (("worker-thread path (psycopg)", thread_runs), ("event-loop path (asyncpg)", in_loop)):
        wall, cpu = [], []
        for k, (w, c) in enumerate(runs(args.sep + 10) if path.startswith("worker") else uvloop.run(runs(args.sep + 10))):
            if k >= 10:
                wall.append(w)
                cpu.append(c)
        load = os.getloadavg()
        print(f"{args.sep} SEP inserts in process, {path}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print(f"per insert: wall median {statistics.median(wall):.2f} ms, CPU median {statistics.median(cpu):.2f} ms")
    print("the steps under cProfile, on the worker-thread path (the event loop's greenlet hides where its "
          "statements wait):")
    prof = cProfile.Profile(time.process_time)
    prof.enable()
    for _ in range(args.sep):
        one()
    prof.disable()
    stats = pstats.Stats(prof).stats
    total = None
    print(f"{'step (cProfile, CPU)':34s} {'ms/insert':>9s} {'share':>6s}")
    for label, file, func in SEP_STEPS:
        hits = [(v[3], v[1]) for (f, _line, name), v in stats.items() if f.endswith(file) and name == func]
        cum = sum(h[0] for h in hits) * 1000 / args.sep
        total = total or cum
        print(f"{label:34s} {cum:9.2f} {100 * cum / total:5.0f}%")


def asgi_plain(args, state, cred: dict, cards: list[str], day: str) -> None:
    """``--plain N --asgi``: N answers after 20 warm-up ones as uvicorn hands them to the app — the
    security headers middleware around the bridging front (jkn.api.app.create_app's order), the
    request's raw headers, the answer sent — in the event loop, one signed header for all."""
    from jkn.api.security_headers import SecurityHeaders
    from jkn.bridging import SERVICES
    from jkn.bridging.core.dispatch import Front

    async def no_app(scope, receive, send):  # the rest of the app: never reached by a bridging path
        raise AssertionError(scope["path"])

    app = SecurityHeaders(Front(no_app, SimpleNamespace(state=state), SERVICES))
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in _headers(cred).items()]
    raw += [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"wrk"), (b"accept", b"*/*")]

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def plain() -> None:
        sent: list[dict] = []
        send = sent.append

        async def asend(message):
            send(message)
        for i in range(20 + args.plain):
            path = f"/vclaim-rest/Peserta/nokartu/{cards[i % len(cards)]}/tglSEP/{day}"
            scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
                     "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000), "scheme": "http",
                     "method": "GET", "root_path": "", "path": path, "raw_path": path.encode(),
                     "query_string": b"", "headers": raw, "state": {}}
            sent.clear()
            await app(scope, receive, asend)
            assert sent[0]["status"] == 200 and b'"code":"200"' in sent[1]["body"], sent
    uvloop.run(plain())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=os.environ.get("JKN_BENCH_DB", DEFAULT_DB))
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--profile", action="store_true", help="also cProfile handle() and print the top functions")
    ap.add_argument("--sep", type=int, default=0, help="measure N SEP inserts instead of eligibility answers")
    ap.add_argument("--tail", type=int, default=0, help="latency percentiles of N event-loop answers, 4 at a time")
    ap.add_argument("--plain", type=int, default=None,
                    help="only run N answers (the event-loop path) after 20 warm-up ones, no timers (for valgrind)")
    ap.add_argument("--asgi", action="store_true",
                    help="with --plain: each answer through the app's ASGI stack in front of the bridging paths "
                         "(security headers, bridging front, authentication, response sent), not _fast_read alone")
    args = ap.parse_args()

    engine = make_engine(args.db)
    sessions = session_factory(engine)
    read_sessions = session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))
    from jkn.services.care import facilities, vclaim_consumers

    with sessions() as s:
        rs = facilities.create_demo_facilities(s, ["32.73"], actor=SYSTEM)["FKRTL"][0]
        s.commit()
    with sessions() as s:
        cred = vclaim_consumers.create_consumer(s, rs, label="steps", actor=SYSTEM)
    settings = bridging_settings.Settings()
    if args.sep:
        sep_steps(args, sessions, read_sessions, settings)
        engine.dispose()
        return
    cards = sample_cards(args.db, 5000)
    day = jakarta_today().isoformat()
    steps: dict[str, list[float]] = {k: [] for k in ("auth", "route", "query", "status", "shape", "json", "key",
                                                      "seal", "envelope", "fast read", "handle")}
    clock = time.perf_counter
    rnd = random.Random(7)
    state = SimpleNamespace(engine=engine, sessions=sessions, bridging=settings)
    by_card = eligibility._statements()[0]

    async def one(record: bool) -> None:
        """The event-loop path step by step (as server._fast_read runs it), then the whole of it, then
        the worker-thread path (handle()) on the same request."""
        headers = _headers(cred)
        card = rnd.choice(cards)
        path = f"Peserta/nokartu/{card}/tglSEP/{day}"
        t0 = clock()
        consumer = authenticate(read_sessions, headers, settings.max_skew)
        t1 = clock()
        route, params = SERVICE.router.resolve("GET", path)
        t2 = clock()
        p = await async_read._pool(state).first(by_card, {"key": card})
        t3 = clock()
        e = eligibility.from_row(p, jakarta_today())
        t4 = clock()
        answer = {"peserta": shapes.peserta(e, jakarta_today(), e.card_printed)}
        t5 = clock()
        text = lzfast.dumps(answer)
        t6 = clock()
        key = answer_key(consumer.cons_id, consumer.secret, headers["x-timestamp"])
        t7 = clock()
        sealed = lzfast.compress_and_seal(text, key)
        t8 = clock()
        env = SERVICE.conventions.ok(answer)
        env["response"] = sealed
        server._answer(env, "200")
        t9 = clock()
        fast = await server._fast_read(state, SERVICE, path, headers, consumer, "127.0.0.1")
        t10 = clock()
        response = server.handle(SERVICE, sessions, read_sessions, "GET", path, headers, consumer, b"", settings,
                                 "127.0.0.1")
        t11 = clock()
        assert fast.body == response.body and b'"code":"200"' in response.body, response.body
        if record:
            for name, a, b in (("auth", t0, t1), ("route", t1, t2), ("query", t2, t3), ("status", t3, t4),
                               ("shape", t4, t5), ("json", t5, t6), ("key", t6, t7), ("seal", t7, t8),
                               ("envelope", t8, t9), ("fast read", t9, t10), ("handle", t10, t11)):
                steps[name].append((b - a) * 1e6)

    async def cpu_per_answer(n: int) -> float:
        """CPU (this process: not PostgreSQL's) per answer of auth + server._fast_read, in µs."""
        headers = _headers(cred)
        c = time.process_time()
        for i in range(n):
            consumer = authenticate(read_sessions, headers, settings.max_skew)
            await server._fast_read(state, SERVICE, f"Peserta/nokartu/{cards[i % len(cards)]}/tglSEP/{day}",
                                    headers, consumer, "127.0.0.1")
        return (time.process_time() - c) / n * 1e6

    if args.plain is not None and args.asgi:
        asgi_plain(args, state, cred, cards, day)
        engine.dispose()
        return
    if args.plain is not None:
        headers = _headers(cred)
        consumer = authenticate(read_sessions, headers, settings.max_skew)

        async def plain() -> None:  # as the server answers on PostgreSQL: in the event loop
            for i in range(20 + args.plain):
                r = await server._fast_read(state, SERVICE, f"Peserta/nokartu/{cards[i % len(cards)]}/tglSEP/{day}",
                                            headers, consumer, "127.0.0.1")
                assert b'"code":"200"' in r.body, r.body
        uvloop.run(plain())
        engine.dispose()
        return

    async def tail(n: int) -> None:
        """Latency of n answers through server._fast_read from 4 concurrent tasks (as wrk's 4 connections),
        in this process: the tail the server's own path adds, without the network and wrk."""
        headers = _headers(cred)
        latencies: list[float] = []

        async def task(k: int) -> None:
            for i in range(k, n, 4):
                t = clock()
                consumer = authenticate(read_sessions, headers, settings.max_skew)
                await server._fast_read(state, SERVICE, f"Peserta/nokartu/{cards[i % len(cards)]}/tglSEP/{day}",
                                        headers, consumer, "127.0.0.1")
                latencies.append((clock() - t) * 1000)
        await asyncio.gather(*(task(k) for k in range(4)))
        latencies.sort()
        load = os.getloadavg()
        print(f"{n} answers, 4 at a time, load average {load[0]:.2f}: p50 {latencies[n // 2]:.2f} ms, "
              f"p99 {latencies[int(n * .99)]:.2f} ms, p99.9 {latencies[int(n * .999)]:.2f} ms, "
              f"max {latencies[-1]:.2f} ms; over 10 ms: {sum(x > 10 for x in latencies)}")

    if args.tail:
        uvloop.run(tail(args.tail))
        engine.dispose()
        return

    async def measure() -> float:
        for _ in range(100):
            await one(False)
        for _ in range(args.requests):
            await one(True)
        return await cpu_per_answer(args.requests)
    cpu = uvloop.run(measure())
    load = os.getloadavg()
    print(f"{args.requests} eligibility answers in process, random cards of "
          f"{len(cards)} sampled; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'step':10s} {'median µs':>10s} {'p90 µs':>8s}")
    parts = 0.0
    for name, values in steps.items():
        med = statistics.median(values)
        p90 = sorted(values)[int(len(values) * 0.9)]
        if name not in ("fast read", "handle"):
            parts += med
        print(f"{name:10s} {med:10.0f} {p90:8.0f}")
    print(f"{'sum':10s} {parts:10.0f}   (of the steps above 'fast read': the event-loop path step by step)")
    print("fast read = server._fast_read as the server runs it (query on the async pool, in the event loop); "
          "handle = the worker-thread path (session, PreparedRead), each without the framework")
    print(f"CPU per answer, auth + fast read, this process: {cpu:.0f} µs")
    if args.profile:
        async def profiled() -> None:
            for _ in range(min(args.requests, 1000)):
                headers = _headers(cred)
                consumer = authenticate(read_sessions, headers, settings.max_skew)
                await server._fast_read(state, SERVICE, f"Peserta/nokartu/{rnd.choice(cards)}/tglSEP/{day}",
                                        headers, consumer, "127.0.0.1")
        prof = cProfile.Profile()
        prof.enable()
        uvloop.run(profiled())
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    engine.dispose()


if __name__ == "__main__":
    main()
