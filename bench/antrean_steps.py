"""Cost per request of each phase of an Antrean RS write (``antrean/add``, ``antrean/updatewaktu``),
in process, without HTTP: the server's own ``handle()`` called in a loop on the benchmark schema of
bench/antrean_rs.py (run that first: it loads the participants, the hospital, its doctor's all-day
practice and the referrals). Each request has its own signed header (A-C16) and, for adds, its own
participant with a referral.

    .venv/bin/python bench/antrean_steps.py --requests 300

Reported per request (median over the requests): SQL round trips by kind — every statement sent,
the prepared reads of ``jkn.store.prepared`` included, each ``BEGIN``/``COMMIT`` and savepoint — with
their wall time, the use case's CPU time (of its thread), and the wall time of each phase
(timers around the server's own functions): signature/auth, the replay record (look up, claim,
record the answer), the use case and inside it facility, doctor, schedule, participant + cover (or
the cover alone, the participant read with the practice), referral, the number counter and the
insert, the audit row; the seal; the commit. ``lock`` is the
time from the counter's increment (from the start of the statement that makes it) to the end of the
commit: how long the practice's counter row stays locked, which bounds the adds per second of one
practice (1 / lock).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import psycopg  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench_support import SignedHeaders  # noqa: E402
from antrean_rs import DEFAULT_DB, DOCTOR, HOURS, POLI  # noqa: E402
from bench_support import pg_conninfo  # noqa: E402
from jkn.bridging.antrean import SERVICE  # noqa: E402
from jkn.bridging.core import lzfast, server  # noqa: E402
from jkn.bridging.core import settings as bridging_settings  # noqa: E402
from jkn.bridging.core.protocol import authenticate  # noqa: E402
from jkn.services.care import common, eligibility, queues, vclaim_requests  # noqa: E402
from jkn.services.care.common import jakarta_today  # noqa: E402
from jkn.services.portal import audit  # noqa: E402
from jkn.store.engine import make_engine, session_factory  # noqa: E402
from jkn.store.prepared import PreparedRead, PreparedWrite  # noqa: E402

#: (phase, module, function name): wall time inside each call, per request
PHASES = (("replay: look up", vclaim_requests, "recorded"), ("replay: claim", vclaim_requests, "claim"),
          ("use case", queues, "add_queue"), ("use case", queues, "update_task"),
          ("  facility", common, "facility"), ("  facility", queues, "facility"),
          ("  facility, doctor, window, booking code, letter", queues, "_practice"),
          ("  entry locked, with its facility's branch", queues, "_entry_locked"),
          ("  doctor", queues, "_doctor"), ("  participant + cover", eligibility, "check"),
          ("  cover (participant read with the practice)", eligibility, "of_row"),
          ("  referral", queues, "_check_reference"), ("  counter", common, "next_serial"),
          ("  counter", queues, "next_serial"), ("  counter + insert", queues, "_add_entry"),
          ("  entry by booking code", queues, "_booking"),
          ("  task times", queues, "_tasks"), ("  audit row", audit, "record_at_facility"),
          ("  audit row", queues.audit, "record_at_facility"), ("seal", lzfast, "encrypt_response"),
          ("seal", server.lzfast, "encrypt_response"))


class Meter:
    """Timers and statement counts of the request being measured."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = collections.defaultdict(float)
        self.sql: dict[str, list] = collections.defaultdict(lambda: [0, 0.0])
        self.lock_from: float | None = None
        self.commit_from: float | None = None

    def wrap(self, name: str, owner, attr: str) -> None:
        fn = getattr(owner, attr, None)
        if fn is None or getattr(fn, "_metered", False):
            return

        def timed(*args, **kwargs):
            t, cpu = time.perf_counter(), time.thread_time()
            if attr in ("next_serial", "_add_entry") and self.lock_from is None:  # from the counter's increment
                self.lock_from = t
            try:
                return fn(*args, **kwargs)
            finally:
                self.phases[name] += time.perf_counter() - t
                if name == "use case":
                    self.phases["use case, CPU"] += time.thread_time() - cpu
        timed._metered = True
        setattr(owner, attr, timed)

    def hook(self, engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def before(conn, cursor, statement, params, context, many):
            conn.info["t0"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn, cursor, statement, params, context, many):
            kind = " ".join(statement.split()[:4])[:60]
            if kind.startswith("SELECT"):
                kind = "SELECT ... FROM " + statement.split(" FROM ", 1)[1].split()[0] if " FROM " in statement else kind
            s = self.sql[kind]
            s[0] += 1
            s[1] += time.perf_counter() - conn.info.pop("t0")

        names: dict[int, str] = {}

        def prepared(run):  # jkn.store.prepared sends its statements on the driver's cursor, past these events
            def counted(read, *args):
                t = time.perf_counter()
                try:
                    return run(read, *args)
                finally:
                    took = time.perf_counter() - t
                    if id(read) not in names:
                        names[id(read)] = "prepared SELECT " + ", ".join(list(read.row._fields)[:3])[:45]
                    s = self.sql[names[id(read)]]
                    s[0] += 1
                    s[1] += took
            return counted
        attr = "_run" if hasattr(PreparedRead, "_run") else "first"  # "first": before PreparedRead.all
        if not getattr(getattr(PreparedRead, attr), "_metered", False):
            setattr(PreparedRead, attr, prepared(getattr(PreparedRead, attr)))
            getattr(PreparedRead, attr)._metered = True
        if not getattr(PreparedWrite.first, "_metered", False):
            write = PreparedWrite.first

            def written(session, stmt, values):
                t = time.perf_counter()
                try:
                    return write(session, stmt, values)
                finally:
                    took = time.perf_counter() - t
                    if id(stmt) not in names:
                        names[id(stmt)] = "prepared " + " ".join(str(stmt).split()[:3])[:45]
                    s = self.sql[names[id(stmt)]]
                    s[0] += 1
                    s[1] += took
            written._metered = True
            PreparedWrite.first = written

        def count(name):
            def counted(*_a):
                self.sql[name][0] += 1
            return counted
        for name in ("begin",):  # psycopg sends BEGIN itself; savepoints are statements (counted above)
            event.listen(engine, name, count(name.upper()))

        @event.listens_for(engine, "commit")
        def commit(conn):
            self.commit_from = time.perf_counter()

        @event.listens_for(Session, "after_commit")
        def committed(_session):
            if self.commit_from is not None:
                s = self.sql["COMMIT"]
                s[0] += 1
                s[1] += time.perf_counter() - self.commit_from
                self.commit_from = None

    def start(self) -> None:
        self.phases.clear()
        self.sql.clear()
        self.lock_from = None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=os.environ.get("JKN_BENCH_DB", DEFAULT_DB))
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "antrean_steps.json"))
    args = ap.parse_args()
    engine = make_engine(args.db)
    sessions = session_factory(engine)
    read_sessions = session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))
    settings = bridging_settings.from_env()
    today = jakarta_today()
    with psycopg.connect(pg_conninfo(args.db)) as conn:
        rs = conn.execute("SELECT facility_code FROM doctor_schedule WHERE doctor_code = %s AND poli_code = %s "
                          "LIMIT 1", (DOCTOR, POLI)).fetchone()[0]
        people = conn.execute(
            "SELECT p.card_number, p.nik, r.number FROM referral r JOIN participant p ON p.id = r.participant_id "
            "WHERE r.to_facility = %s AND r.number LIKE 'BR%%' AND %s BETWEEN r.referral_date AND r.valid_until "
            "AND NOT EXISTS (SELECT 1 FROM hospital_queue q WHERE q.facility_code = %s AND q.service_date = %s "
            "AND q.poli_code = %s AND q.nik = p.nik) LIMIT %s",
            (rs, today, rs, today, POLI, args.requests + 20)).fetchall()
    if len(people) < args.requests + 20:
        raise SystemExit(f"only {len(people)} participants with a referral and no entry today: run "
                         "bench/antrean_rs.py first (it removes the day's bench entries)")
    est = int(dt.datetime.combine(today, dt.time(8), dt.timezone(dt.timedelta(hours=7))).timestamp() * 1000)
    meter = Meter()
    for name, owner, attr in PHASES:
        meter.wrap(name, owner, attr)
    meter.hook(engine)
    headers = SignedHeaders(sessions, rs, "antrean steps", per=500, back=250)  # each write its own header (A-C16)

    def add_body(k: int) -> bytes:
        card, nik, ref = people[k]
        return json.dumps({
            "kodebooking": f"ST{time.time_ns() % 10**12}{k}", "jenispasien": "JKN", "nomorkartu": card, "nik": nik,
            "nohp": "081200000000", "kodepoli": POLI, "namapoli": "Anak", "pasienbaru": 0, "norm": "",
            "tanggalperiksa": today.isoformat(), "kodedokter": int(DOCTOR), "namadokter": "dr. Bench",
            "jampraktek": HOURS, "jeniskunjungan": 1, "nomorreferensi": ref, "estimasidilayani": est,
            "sisakuotajkn": 0, "kuotajkn": 0, "sisakuotanonjkn": 0, "kuotanonjkn": 0, "keterangan": ""}).encode()

    def one(path: str, body: bytes) -> tuple[float, dict, dict, float]:
        _i, h = headers()
        meter.start()
        t, cpu = time.perf_counter(), time.process_time()
        consumer = authenticate(read_sessions, h, settings.max_skew, user_key=SERVICE.user_key)
        auth = time.perf_counter() - t
        r = server.handle(SERVICE, sessions, read_sessions, "POST", path, h, consumer, body, settings, "127.0.0.1")
        end = time.perf_counter()
        assert b'"code":200' in r.body, r.body
        phases = dict(meter.phases)
        phases["signature/auth"] = auth
        phases["whole request"] = end - t
        phases["whole request, CPU of this process"] = time.process_time() - cpu
        lock = end - meter.lock_from if meter.lock_from is not None else 0.0
        return end - t, phases, {k: tuple(v) for k, v in meter.sql.items()}, lock

    results = {}
    bookings = []
    for kind in ("add", "updatewaktu"):
        walls, phases, sqls, locks = [], collections.defaultdict(list), collections.defaultdict(list), []
        for k in range(args.requests + 10):
            if kind == "add":
                body = add_body(k)
                bookings.append(json.loads(body)["kodebooking"])
                wall, ph, sq, lock = one("antrean/add", body)
            else:
                body = json.dumps({"kodebooking": bookings[k], "taskid": 3, "waktu": est + 180000}).encode()
                wall, ph, sq, lock = one("antrean/updatewaktu", body)
            if k < 10:
                continue  # warm-up
            walls.append(wall)
            locks.append(lock)
            for name, v in ph.items():
                phases[name].append(v)
            for name, (n, sec) in sq.items():
                sqls[name].append((n, sec))
        n = len(walls)
        med = {name: statistics.median(v + [0.0] * (n - len(v))) * 1000 for name, v in phases.items()}
        sql = {name: {"per_request": sum(x[0] for x in v) / n, "ms_per_request": sum(x[1] for x in v) / n * 1000}
               for name, v in sqls.items()}
        trips = sum(s["per_request"] for s in sql.values())
        results[kind] = {"requests": n, "wall_median_ms": statistics.median(walls) * 1000,
                         "wall_p90_ms": sorted(walls)[int(n * 0.9)] * 1000, "phases_median_ms": med,
                         "round_trips_per_request": trips, "sql": sql,
                         "counter_lock_median_ms": statistics.median(locks) * 1000 if any(locks) else None}
    load = os.getloadavg()
    out = {"load_average": load, "date": dt.datetime.now().isoformat(), "results": results}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2))
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for kind, r in results.items():
        lock = r["counter_lock_median_ms"]
        print(f"\n{kind}: {r['requests']} requests, wall median {r['wall_median_ms']:.2f} ms, p90 "
              f"{r['wall_p90_ms']:.2f} ms, {r['round_trips_per_request']:.1f} round trips"
              + (f", counter locked {lock:.2f} ms" if lock else ""))
        for name, v in sorted(r["phases_median_ms"].items(), key=lambda kv: -kv[1]):
            print(f"  {name:28s} {v:7.2f} ms")
        print("  round trips:")
        for name, s in sorted(r["sql"].items(), key=lambda kv: -kv[1]["per_request"]):
            print(f"    {s['per_request']:5.2f} x {name:62s} {s['ms_per_request']:6.2f} ms")
    with contextlib.suppress(Exception):
        engine.dispose()


if __name__ == "__main__":
    main()
