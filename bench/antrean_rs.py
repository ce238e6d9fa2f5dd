"""Benchmark: Antrean RS writes — ``antrean/add`` (jkn gives the number) and
``antrean/updatewaktu`` — on a registry of N participants on PostgreSQL, each as a ratio of a bare
Starlette hello-world on uvicorn with uvloop and httptools (bench/hello_baseline.py) measured in
the same run with the same wrk settings, in ``--rounds`` interleaved rounds
(bench_support.interleaved), plus p99 and a count of the numbers given (none lost, none given twice).

    .venv/bin/python bench/antrean_rs.py --size 1000000 --duration 20 --rounds 3 --connections 4

Steps: (1) bring the schema to N paid-up participants (bench/vclaim_eligibility.py's set-based
loader); (2) a hospital with its doctors practising all day today (the first at clinic ANA), a
referral to it for each participant of a sample (SQL), the day's earlier bench entries removed;
(3) consumers of the hospital: every write needs its own signed header (one write per X-timestamp
and consumer, A-C16), so each wrk run gets its own consumers and a header per request; (4) the
baseline and ``jkn serve``, both running throughout, ours checked with the unmodified
``bpjs-bridging`` client; (5) wrk (1 thread, Lua), each endpoint ``--rounds`` times a baseline run
then ours, so that a machine whose speed drifts over a minute moves both alike (each round its own
consumers, participants and bookings): adds, each a distinct participant with a valid referral, jkn
numbering them, all at one doctor's practice (the worst case: every add waits for the one counter),
then spread round-robin over ``--practices`` N practices (two doctors in each of four clinics for
N = 8: a hospital's day), its own line; after all the adds, task times, task 3 on every entry of the
round's share of the bookings, then 4, ... (6) the numbers checked in the database: in every
practice consecutive from 1, no repeat, as many as the adds answered 200; as many task rows as
updates answered 200. Each measured run also reports the server process's CPU (user + system, from
/proc) per request, split, with its threads' context switches per request; per endpoint, its
requests over its seconds in all rounds as a ratio of the baseline's in the same rounds (the
headline), each round's ratio and the worst round's p99. Before the runs, the time of a one-row
INSERT + COMMIT (the WAL flush an add makes while it holds its practice's counter; the disk is
shared with every database of the server). Loopback only; every loop is bounded by ``--duration``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_support import all_baseline_runs, cpu_seconds, interleaved, log, pg_conninfo, rounds_option  # noqa: E402
from vclaim_eligibility import Server, count_participants, populate_sql, schema_of, wrk_json  # noqa: E402

from jkn.bridging.core.crypto import signature  # noqa: E402
from jkn.services.portal.audit import SYSTEM  # noqa: E402
from jkn.store.bootstrap import prepare_database  # noqa: E402
from jkn.store.engine import session_factory  # noqa: E402

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Djkn_bench_antrean"
DOCTOR, POLI, HOURS = "90001", "ANA", "00:00-23:59"
#: the practices of ``--practices N``: doctor 90001 + i at the i-th clinic (four clinics, two doctors each for N = 8)
CLINICS = ("ANA", "INT", "OBG", "BED")


def practices(n: int) -> list[tuple[str, str]]:
    """(doctor code, clinic) of ``n`` practices; the first is the single-practice run's (DOCTOR at POLI)."""
    return [(str(int(DOCTOR) + i), CLINICS[i % len(CLINICS)]) for i in range(n)]
SKEW = 280  # seconds either side of now a header's X-timestamp may take (JKN_VCLAIM_MAX_SKEW is 300)

LUA = r"""
local hc = %(cons)s
local ht = %(ts)s
local hs = %(sigs)s
local keys = %(keys)s
local hk = %(keyof)s
local a = %(a)s
local b = %(b)s
local c = %(c)s
local mode = "%(mode)s"
local run = "%(run)s"
local n = 0
local bad = 0
local host = "%(host)s"
local docs = %(docs)s
local polis = %(polis)s
request = function()
  if mode == "health" then return wrk.format("GET", "/health") end
  n = n + 1
  local h = ((n - 1) %% #hc) + 1
  local headers = {["Host"] = host, ["Content-Type"] = "application/json", ["X-cons-id"] = hc[h],
                   ["X-timestamp"] = ht[h], ["X-signature"] = hs[h], ["user_key"] = keys[hk[h]]}
  local p = ((n - 1) %% #a) + 1
  if mode == "add" then
    local k = ((n - 1) %% #docs) + 1
    local body = string.format('{"kodebooking":"%%s%%d","jenispasien":"JKN","nomorkartu":"%%s","nik":"%%s",' ..
      '"nohp":"081200000000","kodepoli":"%%s","namapoli":"Klinik","pasienbaru":0,"norm":"",' ..
      '"tanggalperiksa":"%(day)s","kodedokter":%%s,"namadokter":"dr. Bench","jampraktek":"%(hours)s",' ..
      '"jeniskunjungan":1,"nomorreferensi":"%%s","estimasidilayani":%(est)s,"sisakuotajkn":0,"kuotajkn":0,' ..
      '"sisakuotanonjkn":0,"kuotanonjkn":0,"keterangan":""}', run, n, a[p], b[p], polis[k], docs[k], c[p])
    return wrk.format("POST", "/antreanrs/antrean/add", headers, body)
  end
  local task = 3 + math.floor((n - 1) / #a)
  local body = string.format('{"kodebooking":"%%s","taskid":%%d,"waktu":%%d}', a[p], task, %(est)s + task * 60000)
  return wrk.format("POST", "/antreanrs/antrean/updatewaktu", headers, body)
end
response = function(status, headers, body)
  if status ~= 200 or (mode ~= "health" and not string.find(body, '"code":200', 1, true)) then bad = bad + 1 end
end
"""


def _lua_list(values, chunk: int = 8000) -> str:
    """A Lua expression of the list, built in chunks (a Lua function holds at most 65,536 constants)."""
    parts = [",".join(json.dumps(v) for v in values[i:i + chunk]) for i in range(0, len(values), chunk)]
    body = " ".join(f"do local t = {{{p}}} for i = 1, #t do r[#r + 1] = t[i] end end" for p in parts)
    return f"(function() local r = {{}} {body} return r end)()"


def signed_headers(consumers: list[dict]) -> tuple[list, list, list, list[int]]:
    """One header per consumer and second of [now-SKEW, now+SKEW], ordered by second: each used once."""
    now = int(time.time())
    cons, stamps, sigs, keyof = [], [], [], []
    for ts in range(now - SKEW, now + SKEW + 1):
        for i, c in enumerate(consumers):
            cons.append(c["cons_id"])
            stamps.append(str(ts))
            sigs.append(signature(c["cons_id"], c["secret"], str(ts)))
            keyof.append(i + 1)
    return cons, stamps, sigs, keyof


def server_counters(pid: int) -> tuple[float, float, int, int]:
    """User and system CPU seconds of process ``pid`` and the voluntary and involuntary context switches
    of its threads (Linux /proc): where a request's server CPU goes when adds wait for one counter."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    switches = [0, 0]
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        for line in status.read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                switches[line.startswith("non")] += int(line.split()[1])
    return int(fields[11]) / tick, int(fields[12]) / tick, switches[0], switches[1]


def run_wrk(base: str, mode: str, consumers: list[dict], a: list, b: list, c: list, day: str, run: str,
            duration: int, connections: int, est: int, pid: int | None = None, spread: int = 1) -> dict:
    """wrk's report; with ``pid``, also the CPU (user + system) that process spent per request. Adds
    go round-robin to the first ``spread`` practices of :func:`practices`."""
    cons, stamps, sigs, keyof = signed_headers(consumers) if consumers else ([], [], [], [])
    script = LUA % {"cons": _lua_list(cons), "ts": _lua_list(stamps), "sigs": _lua_list(sigs),
                    "keys": _lua_list([x["user_key"] for x in consumers]), "keyof": _lua_list(keyof),
                    "a": _lua_list(a), "b": _lua_list(b), "c": _lua_list(c), "mode": mode, "run": run,
                    "host": base.split("//")[1], "day": day, "hours": HOURS, "est": est,
                    "docs": _lua_list([d for d, _ in practices(spread)]),
                    "polis": _lua_list([p for _, p in practices(spread)])}
    cpu, counted = (cpu_seconds(pid), server_counters(pid)) if pid else (None, None)
    r = wrk_json(base, script, duration, connections)
    if pid:
        n = max(r["requests"], 1)
        r["server_cpu_ms_per_request"] = (cpu_seconds(pid) - cpu) * 1000 / n
        user, system, voluntary, involuntary = (b - a for a, b in zip(counted, server_counters(pid)))
        r["server_user_ms_per_request"], r["server_system_ms_per_request"] = user * 1000 / n, system * 1000 / n
        r["server_switches_per_request"] = {"voluntary": voluntary / n, "involuntary": involuntary / n}
    r["ok"] = r["requests"] - r["non_ok"]
    if cons and r["requests"] > len(cons):  # a header used twice: a replay, refused or answered from the record
        log(f"WARNING: {r['requests']} requests for {len(cons)} signed headers: the rest were replays")
    if mode == "add" and r["requests"] > len(a):  # a participant booked twice the same day: refused
        log(f"WARNING: {r['requests']} adds for {len(a)} participants: the rest were repeats")
    return r


def prepare_hospital(url: str, sample: int, groups: int, per_group: int, spread: int = 1):
    """The hospital, its ``spread`` doctors' all-day practices today (:func:`practices`), referrals for a
    sample of participants, consumers."""
    from jkn.services.care import facilities, queues, vclaim_consumers
    from jkn.services.care.common import jakarta_today

    engine = prepare_database(url)
    today = jakarta_today()
    with session_factory(engine)() as s:
        rs = facilities.create_demo_facilities(s, ["32.73"], actor=SYSTEM)["FKRTL"][0]
        s.commit()
    with session_factory(engine)() as s:
        known = {d["code"] for d in queues.doctors(s, rs)}
        for doctor, poli in practices(spread):
            if doctor not in known:
                facilities.add_staff(s, rs, actor=SYSTEM, name=f"dr. Bench {doctor}", role="SPECIALIST",
                                     registration_number=doctor, poli_code=poli)
            queues.set_schedule(s, rs, actor=SYSTEM, poli=poli, subspecialist=poli, doctor_code=doctor,
                                windows=[queues.window(d, "00:00", "23:59") for d in range(1, 9)])
    t = time.perf_counter()
    with session_factory(engine)() as s:
        consumers = [[vclaim_consumers.create_consumer(s, rs, label=f"bench-{g}-{i}", actor=SYSTEM)
                      for i in range(per_group)] for g in range(groups)]
        sanity = vclaim_consumers.create_consumer(s, rs, label="bench-check", actor=SYSTEM)
    engine.dispose()
    log(f"{groups * per_group + 1} consumers issued in {time.perf_counter() - t:.1f} s")
    with psycopg.connect(pg_conninfo(url)) as conn:
        conn.execute("DELETE FROM hospital_queue_task WHERE queue_id IN (SELECT id FROM hospital_queue WHERE "
                     "facility_code = %s)", (rs,))
        conn.execute("DELETE FROM hospital_queue WHERE facility_code = %s", (rs,))
        conn.execute("DELETE FROM care_serial WHERE prefix LIKE %s", (f"Q{rs}%",))
        total = conn.execute("SELECT count(*) FROM participant").fetchone()[0]
        pct = min(100.0, 100.0 * sample * 3 / max(total, 1))
        rows = conn.execute(f"SELECT id, card_number, nik, fktp_code FROM participant TABLESAMPLE SYSTEM ({pct}) "
                            f"LIMIT {sample}").fetchall()
        conn.execute("""INSERT INTO referral (number, participant_id, origin_level, from_facility, to_facility,
                            referral_date, valid_until, service_type, referral_type, poli_code, diagnosis_code,
                            created_at)
                        SELECT 'BR' || lpad(x.id::text, 17, '0'), x.id, '1', x.fktp, %s, %s, %s, '2', '0', %s,
                               'J06', now()
                        FROM unnest(%s::int[], %s::text[]) AS x(id, fktp)
                        ON CONFLICT (number) DO UPDATE SET referral_date = excluded.referral_date,
                            valid_until = excluded.valid_until, to_facility = excluded.to_facility""",
                     (rs, today, today + dt.timedelta(days=89), POLI, [r[0] for r in rows], [r[3] for r in rows]))
        conn.commit()
    people = [(r[1], r[2], "BR" + str(r[0]).zfill(17)) for r in rows]
    return rs, today, consumers, sanity, people


def check_with_bridging(base: str, cred: dict, person: tuple, day: str, est: int) -> None:
    from bpjs import Bridging

    b = Bridging({"host": base + "/antreanrs", "consid": cred["cons_id"], "secret": cred["secret"],
                  "user_key": cred["user_key"]}, "antrean")
    res = b.request("antrean/add", "POST", {
        "kodebooking": "BENCHCHECK", "jenispasien": "JKN", "nomorkartu": person[0], "nik": person[1],
        "nohp": "081200000000", "kodepoli": POLI, "namapoli": "Anak", "pasienbaru": 0, "norm": "",
        "tanggalperiksa": day, "kodedokter": int(DOCTOR), "namadokter": "dr. Bench", "jampraktek": HOURS,
        "jeniskunjungan": 1, "nomorreferensi": person[2], "estimasidilayani": est, "sisakuotajkn": 0, "kuotajkn": 0,
        "sisakuotanonjkn": 0, "kuotanonjkn": 0, "keterangan": ""})
    assert res["metaData"]["code"] == 200 and res["response"]["angkaantrean"] == 1, res  # the client's metaData
    time.sleep(1.1)  # one write per signed second
    res = b.request("antrean/updatewaktu", "POST", {"kodebooking": "BENCHCHECK", "taskid": 3, "waktu": est + 180000})
    assert res["metaData"]["code"] == 200, res
    log("bpjs-bridging: antrean/add numbered ANA-1, updatewaktu accepted: OK")


def count_numbers(url: str, rs: str, day: dt.date, doctor: str = DOCTOR) -> dict:
    """The numbers ``doctor``'s practice gave today, the task rows and the bookings of the hospital."""
    with psycopg.connect(pg_conninfo(url)) as conn:
        n, distinct, low, high = conn.execute(
            "SELECT count(*), count(DISTINCT queue_seq), min(queue_seq), max(queue_seq) FROM hospital_queue "
            "WHERE facility_code = %s AND service_date = %s AND doctor_code = %s", (rs, day, doctor)).fetchone()
        tasks = conn.execute("SELECT count(*) FROM hospital_queue_task t JOIN hospital_queue q ON q.id = t.queue_id "
                             "WHERE q.facility_code = %s", (rs,)).fetchone()[0]
        bookings = [r[0] for r in conn.execute(
            "SELECT booking_code FROM hospital_queue WHERE facility_code = %s AND service_date = %s AND booking_code "
            "<> 'BENCHCHECK' ORDER BY id", (rs, day))]
    return {"entries": n, "distinct_numbers": distinct, "lowest": low, "highest": high, "task_rows": tasks,
            "bookings": bookings}


def commit_latency(url: str, n: int = 200) -> dict:
    """Median and p90 ms of a one-row INSERT and its COMMIT on its own connection: the WAL flush an add
    makes while it holds its practice's counter (the disk is shared with every database of the server)."""
    times = []
    with psycopg.connect(pg_conninfo(url)) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_commit_probe (a int)")
        conn.commit()
        for _ in range(n):
            t = time.perf_counter()
            conn.execute("INSERT INTO bench_commit_probe VALUES (1)")
            conn.commit()
            times.append((time.perf_counter() - t) * 1000)
        conn.execute("DROP TABLE bench_commit_probe")
        conn.commit()
    times.sort()
    return {"median_ms": times[n // 2], "p90_ms": times[int(n * 0.9)]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=os.environ.get("JKN_BENCH_DB", DEFAULT_DB), help="PostgreSQL URL")
    ap.add_argument("--size", type=int, default=1_000_000, help="participants in the database")
    ap.add_argument("--duration", type=int, default=20, help="seconds per measured run")
    rounds_option(ap)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--workers", type=int, default=1, help="server worker processes")
    ap.add_argument("--practices", type=int, default=8,
                    help="practices of the realistic run (its own line; the single-practice run is the worst case)")
    ap.add_argument("--sample", type=int, default=None,
                    help="participants with a referral, one add each (default 60,000 per round)")
    ap.add_argument("--consumers", type=int, default=100, help="consumers per wrk run (headers: 561 per consumer)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "antrean_rs.json"))
    args = ap.parse_args()

    schema = schema_of(args.db)
    if schema:
        with psycopg.connect(pg_conninfo(args.db.split("?")[0]), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    prepare_database(args.db).dispose()
    populate_sql(args.db, args.size)
    total = count_participants(args.db)
    log(f"participants in the database: {total:,}")
    rounds = args.rounds
    # consumers: the two warm-ups' (add, task), then each round's of add, the spread adds and updatewaktu
    rs, today, consumers, sanity, people = prepare_hospital(args.db, args.sample or 60_000 * rounds, 2 + 3 * rounds,
                                                            args.consumers, args.practices)
    add_cons, spread_cons, task_cons = (consumers[2 + k * rounds:2 + (k + 1) * rounds] for k in range(3))
    day = today.isoformat()
    est = int(dt.datetime.combine(today, dt.time(8), dt.timezone(dt.timedelta(hours=7))).timestamp() * 1000)
    check_person, warm_people, people = people[0], people[1:2001], people[2001:]
    share = len(people) // (2 * rounds)  # each add its own participant: a share per round of each add run
    add_people = [people[i * share:(i + 1) * share] for i in range(rounds)]
    spread_people = [people[(rounds + i) * share:(rounds + i + 1) * share] for i in range(rounds)]
    load_before = os.getloadavg()
    commit = commit_latency(args.db)
    log(f"INSERT + COMMIT on this server: median {commit['median_ms']:.2f} ms, p90 {commit['p90_ms']:.2f} ms")
    wc, d, spread = args.connections, args.duration, f"add, {args.practices} practices"

    with Server(None, args.workers) as baseline, Server(args.db, args.workers) as srv:
        def hello(_i: int) -> dict:
            return run_wrk(baseline.base, "health", [], [], [], [], day, "", d, wc, est, baseline.proc.pid)

        def adds(i: int) -> dict:  # the worst case: every add at one practice
            return run_wrk(srv.base, "add", add_cons[i], *zip(*add_people[i]), day, f"BM{i}-", d, wc, est,
                           srv.proc.pid)

        def spread_adds(i: int) -> dict:
            return run_wrk(srv.base, "add", spread_cons[i], *zip(*spread_people[i]), day, f"BS{i}-", d, wc, est,
                           srv.proc.pid, spread=args.practices)

        check_with_bridging(srv.base, sanity, check_person, day, est)
        run_wrk(baseline.base, "health", [], [], [], [], day, "", 3, wc, est)  # warm-ups: the baseline once
        run_wrk(srv.base, "add", consumers[0], *zip(*warm_people), day, "BW", 3, wc, est)
        measured = {"add": interleaved("add", rounds, hello, adds, args.db),
                    spread: interleaved(spread, rounds, hello, spread_adds, args.db)}
        per_practice = {doctor: count_numbers(args.db, rs, today, doctor) for doctor, _ in practices(args.practices)}
        counted = count_numbers(args.db, rs, today)
        bookings = counted.pop("bookings")
        warm_b, main_b = bookings[: len(bookings) // 10], bookings[len(bookings) // 10:]
        task_share = len(main_b) // rounds  # each round its own bookings: no (booking, task) updated twice
        task_b = [main_b[i * task_share:(i + 1) * task_share] for i in range(rounds)]

        def updates(i: int) -> dict:
            return run_wrk(srv.base, "task", task_cons[i], task_b[i], [""] * len(task_b[i]), [""] * len(task_b[i]),
                           day, "", d, wc, est, srv.proc.pid)

        run_wrk(srv.base, "task", consumers[1], warm_b, [""] * len(warm_b), [""] * len(warm_b), day, "", 3, wc, est)
        measured["updatewaktu"] = interleaved("updatewaktu", rounds, hello, updates, args.db)
        c = count_numbers(args.db, rs, today)
        c.pop("bookings")
    results = {"baseline": all_baseline_runs(measured.values()), **measured}
    ratios = {k: r["rps"] / r["baseline"]["rps"] for k, r in measured.items()}
    numbers_ok = all(n["entries"] == n["distinct_numbers"] == n["highest"] and n["lowest"] == 1
                     for n in per_practice.values())
    met = {k: ratios[k] >= 0.05 and results[k]["p99_ms"] < 25 and numbers_ok for k in ratios}
    summary = {"participants": total, "duration_s": d, "rounds": rounds, "connections": wc,
               "server_workers": args.workers, "tool": "wrk 1 thread", "cores": os.cpu_count(),
               "load_average_before": load_before, "load_average_after": os.getloadavg(),
               "insert_commit_before": commit, "results": results, "ratio_to_baseline": ratios,
               "numbers_after_adds": counted, "numbers_per_practice": {k: {x: v for x, v in n.items() if x != "bookings"}
                                                                      for k, n in per_practice.items()},
               "after_updates": c, "numbers_consecutive_no_repeat": numbers_ok,
               "targets": {"ratio_at_least": 0.05, "p99_below_ms": 25}, "met": met,
               "date": dt.datetime.now().isoformat()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, indent=2))
    log(f"of the bare Starlette baseline in the same rounds ({results['baseline']['rps']:.0f} req/s): antrean/add "
        f"{ratios['add']:.3f}x (one practice, the "
        f"worst case), {ratios[spread]:.3f}x ({args.practices} practices), updatewaktu {ratios['updatewaktu']:.3f}x; "
        f"numbers consecutive from 1, no repeat, in every practice: {numbers_ok}; tasks {c}; targets met: {met}  "
        f"-> {args.out}")


if __name__ == "__main__":
    main()
