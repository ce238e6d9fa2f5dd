"""Benchmark: VClaim eligibility (``Peserta/nokartu``, v2.0 encrypted) against N participants on
PostgreSQL and ``/health`` on the same server, each as a ratio of a bare Starlette hello-world on
uvicorn with uvloop and httptools (bench/hello_baseline.py) measured in the same run with the same
wrk settings, in ``--rounds`` interleaved rounds (bench_support.interleaved).

    .venv/bin/python bench/vclaim_eligibility.py --size 1000000 --duration 20 --rounds 3 --connections 16

Steps: (1) bring the database to N participants — with ``jkn demo`` (the demo population
command) when ``--populate demo``, or by default with a set-based SQL loader of paid-up PBPU
participants (``jkn demo`` bills and pays every family and takes far longer at a million);
(2) issue a facility VClaim consumer (``create_consumer``); (3) start ``jkn serve`` as a
subprocess; (4) check a few answers with the unmodified ``bpjs-bridging`` client; (5) load it
from a second process on loopback: ``wrk`` when installed (Lua script signs the requests and
picks a random card per request), else an asyncio + httpx client: both servers run at once and for
``/health``, then eligibility, each ``--rounds`` times a baseline run then ours, so that a machine whose
speed drifts over a minute moves both alike; (6) print and save results: per endpoint its requests over
its seconds in all rounds, as a ratio of the baseline's in the same rounds (the headline), each
round's ratio, the worst round's p99, and the server CPU per request of each server.
Loopback only; every loop is bounded by ``--duration``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bench_support import (all_baseline_runs, interleaved, log, pg_conninfo, rounds_option,  # noqa: E402
                           with_server_cpu)
from jkn.services.portal.audit import SYSTEM  # noqa: E402
from jkn.store.bootstrap import prepare_database  # noqa: E402
from jkn.store.engine import session_factory  # noqa: E402
from jkn.bridging.core.crypto import signature  # noqa: E402

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Djkn_bench"


def schema_of(url: str) -> str | None:
    m = re.search(r"search_path%3D([A-Za-z0-9_]+)", url)
    return m.group(1) if m else None


def count_participants(url: str) -> int:
    with psycopg.connect(pg_conninfo(url)) as conn:
        return conn.execute("SELECT count(*) FROM participant").fetchone()[0]


def populate_sql(url: str, size: int) -> None:
    """Paid-up PBPU participants (covered from their first payment, 2014-01-01), one per family and payer,
    set-based (tens of seconds per million)."""
    engine = prepare_database(url)
    from jkn.services.care import facilities

    with session_factory(engine)() as s:
        fktps = facilities.create_demo_facilities(s, ["32.73", "31.71", "35.78", "12.71", "73.71"], actor=SYSTEM)
        s.commit()
    engine.dispose()
    have = count_participants(url)
    need = size - have
    if need <= 0:
        return
    fktp_list = "ARRAY[" + ",".join(f"'{c}'" for c in fktps["FKTP"]) + "]"
    log(f"inserting {need:,} participants with SQL")
    t = time.perf_counter()
    with psycopg.connect(pg_conninfo(url)) as conn:
        conn.execute("SET synchronous_commit = off")
        start = conn.execute("SELECT coalesce(max(id), 0) FROM participant").fetchone()[0]
        chunk = 200_000
        for lo in range(1, need + 1, chunk):
            hi = min(need, lo + chunk - 1)
            conn.execute(f"""
                WITH g AS (SELECT {start} + i AS n FROM generate_series({lo}, {hi}) AS i),
                fam AS (INSERT INTO family (kk_number, version, created_at, updated_at)
                        SELECT NULL, 1, now(), now() FROM g RETURNING id),
                numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM fam),
                g2 AS (SELECT n, row_number() OVER (ORDER BY n) AS k FROM g),
                pairs AS (SELECT g2.n, numbered.id AS family_id FROM g2 JOIN numbered USING (k)),
                pay AS (INSERT INTO payer (code, kind, segment, name, family_id, arrears_amount, credit, version,
                                           updated_at)
                        SELECT 'B' || n, 'FAMILY', 'PBPU_MANDIRI', 'BENCH ' || n, family_id, 0, 0, 1, now()
                        FROM pairs RETURNING id, family_id)
                INSERT INTO participant (card_number, nik, name, sex, birth_date, nationality, marital_status,
                    kabkota_code, branch_code, segment, care_class, fktp_code, fktp_since, family_id, relationship,
                    member_status, in_school, has_income, payer_id, status, tmt, covered_from, card_print, version,
                    created_at, updated_at)
                SELECT '9' || lpad(p.n::text, 12, '0'), '99' || lpad(p.n::text, 14, '0'), 'PESERTA ' || p.n,
                       CASE WHEN p.n % 2 = 0 THEN 'L' ELSE 'P' END, date '1960-01-01' + (p.n % 20000)::int,
                       'WNI', 'MARRIED', f.kabkota_code, k.branch_code, 'PBPU_MANDIRI',
                       (ARRAY['I','II','III'])[1 + p.n % 3], f.code, date '2014-01-01', p.family_id, 'HEAD',
                       'HEAD', false, false, pay.id, 'ACTIVE', date '2014-01-01', date '2014-01-01', 1, 1, now(), now()
                FROM pairs p JOIN pay ON pay.family_id = p.family_id
                JOIN facility f ON f.code = ({fktp_list})[1 + p.n % {len(fktps['FKTP'])}]
                JOIN kabkota k ON k.code = f.kabkota_code
            """)
            conn.commit()
            log(f"  {hi:,}/{need:,}")
        conn.execute("ANALYZE participant; ANALYZE payer; ANALYZE family")
        conn.commit()
    log(f"inserted in {time.perf_counter() - t:.1f} s")


def populate_demo(url: str, size: int) -> None:
    have = count_participants(url) if schema_exists(url) else 0
    if have >= size:
        return
    cmd = [str(ROOT / ".venv/bin/jkn"), "demo", "-n", str(size - have), "--db", url]
    log("running " + " ".join(cmd))
    subprocess.run(cmd, check=True)


def schema_exists(url: str) -> bool:
    try:
        count_participants(url)
        return True
    except psycopg.Error:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sample_cards(url: str, n: int) -> list[str]:
    with psycopg.connect(pg_conninfo(url)) as conn:
        total = conn.execute("SELECT count(*) FROM participant").fetchone()[0]
        pct = min(100.0, max(0.01, 100.0 * n * 3 / max(total, 1)))
        rows = conn.execute(f"SELECT card_number FROM participant TABLESAMPLE SYSTEM ({pct}) LIMIT {n}").fetchall()
    cards = [r[0] for r in rows]
    random.Random(5).shuffle(cards)
    return cards


class Server:
    """``jkn serve`` on ``url`` (``url=None``: the baseline, a bare Starlette hello-world on uvicorn
    with uvloop and httptools, bench/hello_baseline.py)."""

    def __init__(self, url: str | None, workers: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        if url is None:
            self.cmd = [sys.executable, "-m", "uvicorn", "hello_baseline:app", "--app-dir", str(ROOT / "bench"),
                        "--port", str(self.port), "--workers", str(workers), "--loop", "uvloop", "--http",
                        "httptools", "--log-level", "warning"]
        else:
            self.cmd = [str(ROOT / ".venv/bin/jkn"), "serve", "--port", str(self.port), "--db", url,
                        "--workers", str(workers)]

    def __enter__(self):
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def check_with_bridging(base: str, cred: dict, cards: list[str], day: str) -> None:
    from bpjs import Bridging

    b = Bridging({"host": base + "/vclaim-rest", "consid": cred["cons_id"], "secret": cred["secret"],
                  "user_key": cred["user_key"]}, "vclaim")
    for card in cards[:3]:
        res = b.request(f"Peserta/nokartu/{card}/tglSEP/{day}")
        assert res["metaData"]["code"] == "200", res
        assert res["response"]["peserta"]["noKartu"] == card
        assert res["response"]["peserta"]["statusPeserta"]["kode"] == "0", res
    log("bpjs-bridging decrypted 3 answers: OK")


LUA = r"""
local cards = {%(cards)s}
local day = "%(day)s"
local mode = "%(mode)s"
wrk.headers["X-cons-id"] = "%(cons)s"
wrk.headers["X-timestamp"] = "%(ts)s"
wrk.headers["X-signature"] = "%(sig)s"
wrk.headers["user_key"] = "%(ukey)s"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local bad = 0
request = function()
  if mode == "health" then return wrk.format("GET", "/health") end
  local c = cards[math.random(#cards)]
  return wrk.format("GET", "/vclaim-rest/Peserta/nokartu/" .. c .. "/tglSEP/" .. day)
end
response = function(status, headers, body)
  if status ~= 200 or (mode ~= "health" and not string.find(body, '"code":"200"', 1, true)) then bad = bad + 1 end
end
"""


#: wrk's report, appended to every benchmark's Lua script: one JSON line (``bad``: the answers its
#: ``response()`` refused)
WRK_REPORT = r"""
done = function(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"seconds\": %f, \"p50_ms\": %f, \"p99_ms\": %f, " ..
    "\"errors\": %d, \"non_ok\": %d}\n", summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout, bad))
end
"""


def wrk_json(base: str, script: str, duration: int, connections: int) -> dict:
    """wrk (1 thread) with the Lua ``script`` and :data:`WRK_REPORT`: its JSON line, with ``rps``."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script + WRK_REPORT)
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "-s", f.name,
                              base], capture_output=True, text=True, timeout=duration + 120)
    finally:
        os.unlink(f.name)
    line = next((x for x in out.stdout.splitlines() if x.startswith("JSON ")), None)
    if line is None:
        raise RuntimeError(out.stdout + out.stderr)
    r = json.loads(line[5:])
    r["rps"] = r["requests"] / r["seconds"]
    return r


def run_wrk(base: str, mode: str, cred: dict, cards: list[str], day: str, duration: int, connections: int) -> dict:
    ts = str(int(time.time()))
    r = wrk_json(base, LUA % {"cards": ",".join(f'"{c}"' for c in cards), "day": day, "mode": mode,
                              "cons": cred["cons_id"], "ts": ts, "sig": signature(cred["cons_id"], cred["secret"], ts),
                              "ukey": cred["user_key"]}, duration, connections)
    r["tool"] = "wrk 1 thread"
    if r["non_ok"] != 0:  # wrk's Lua response() sees every answer: all must be metaData 200
        log(f"WARNING: {r['non_ok']} answers were not metaData 200")
    return r


async def _httpx_load(base: str, mode: str, cred: dict, cards: list[str], day: str, duration: int,
                      connections: int) -> dict:
    lat: list[float] = []
    bad = 0
    stop = time.monotonic() + duration
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=5) as client:
        async def worker(wid: int):
            nonlocal bad
            rnd = random.Random(wid)
            while time.monotonic() < stop:
                ts = str(int(time.time()))
                if mode == "health":
                    path, headers = "/health", None
                else:
                    path = f"/vclaim-rest/Peserta/nokartu/{rnd.choice(cards)}/tglSEP/{day}"
                    headers = {"X-cons-id": cred["cons_id"], "X-timestamp": ts, "user_key": cred["user_key"],
                               "X-signature": signature(cred["cons_id"], cred["secret"], ts)}
                t0 = time.perf_counter()
                r = await client.get(path, headers=headers)
                lat.append(time.perf_counter() - t0)
                if r.status_code != 200 or (mode != "health" and r.json()["metaData"]["code"] != "200"):
                    bad += 1
        t = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(connections)))
        seconds = time.perf_counter() - t
    lat.sort()
    return {"requests": len(lat), "seconds": seconds, "rps": len(lat) / seconds,
            "p50_ms": statistics.median(lat) * 1000, "p99_ms": lat[int(len(lat) * 0.99) - 1] * 1000,
            "errors": 0, "non_ok": bad, "tool": "asyncio+httpx"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=os.environ.get("JKN_BENCH_DB", DEFAULT_DB), help="PostgreSQL URL")
    ap.add_argument("--size", type=int, default=1_000_000, help="participants in the database")
    ap.add_argument("--populate", choices=("sql", "demo"), default="sql")
    ap.add_argument("--duration", type=int, default=20, help="seconds per measured run")
    rounds_option(ap)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=1, help="server worker processes")
    ap.add_argument("--tool", choices=("auto", "wrk", "httpx"), default="auto")
    ap.add_argument("--wait-quiet", type=float, default=0.0,
                    help="before measuring, wait (up to 15 min) until the 1-minute load average is below this")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "vclaim_eligibility.json"))
    args = ap.parse_args()

    schema = schema_of(args.db)
    if schema:
        with psycopg.connect(pg_conninfo(args.db.split("?")[0]), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    prepare_database(args.db).dispose()
    (populate_demo if args.populate == "demo" else populate_sql)(args.db, args.size)
    total = count_participants(args.db)
    log(f"participants in the database: {total:,}")

    engine = prepare_database(args.db)
    from jkn.services.care import facilities, vclaim_consumers

    with session_factory(engine)() as s:
        rs = facilities.create_demo_facilities(s, ["32.73"], actor=SYSTEM)["FKRTL"][0]
        s.commit()
    with session_factory(engine)() as s:
        cred = vclaim_consumers.create_consumer(s, rs, label="benchmark", actor=SYSTEM)
    engine.dispose()
    cards = sample_cards(args.db, 5000)
    from jkn.services.care.common import jakarta_today

    day = jakarta_today().isoformat()  # service dates are Jakarta dates
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "httpx")
    if args.wait_quiet:
        deadline = time.monotonic() + 900
        while os.getloadavg()[0] >= args.wait_quiet and time.monotonic() < deadline:
            log(f"load average {os.getloadavg()[0]:.2f}: waiting for < {args.wait_quiet}")
            time.sleep(20)
    load_before = os.getloadavg()[0]
    measured = {}

    def load(server: Server, mode: str, duration: int) -> dict:  # one run, with the server's CPU per request
        if tool == "wrk":
            return with_server_cpu(server.proc.pid, lambda: run_wrk(server.base, mode, cred, cards, day, duration,
                                                                     args.connections))
        return with_server_cpu(server.proc.pid, lambda: asyncio.run(_httpx_load(server.base, mode, cred, cards, day,
                                                                                duration, args.connections)))

    with Server(None, args.workers) as baseline, Server(args.db, args.workers) as srv:
        check_with_bridging(srv.base, cred, cards, day)
        load(baseline, "health", 3)  # warm-ups: the baseline once, each endpoint before its first round
        for mode in ("health", "peserta"):
            load(srv, mode, 3)
            measured[mode] = interleaved(mode, args.rounds, lambda _i: load(baseline, "health", args.duration),
                                         lambda _i, mode=mode: load(srv, mode, args.duration))
    results = {"baseline": all_baseline_runs(measured.values()), **measured}
    ratios = {k: r["rps"] / r["baseline"]["rps"] for k, r in measured.items()}
    peserta = results["peserta"]
    met = (ratios["health"] >= 0.5 and ratios["peserta"] >= 0.2 and peserta["p99_ms"] < 10
           and peserta["non_ok"] == 0 and peserta["errors"] == 0)
    summary = {"participants": total, "duration_s": args.duration, "rounds": args.rounds,
               "connections": args.connections, "server_workers": args.workers, "tool": tool, "cores": os.cpu_count(),
               "load_average_before": load_before, "results": results, "ratio_to_baseline": ratios,
               "targets": {"health_ratio_at_least": 0.5, "peserta_ratio_at_least": 0.2, "peserta_p99_below_ms": 10},
               "met": met, "date": dt.datetime.now().isoformat()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, indent=2))
    log(f"of the bare Starlette baseline in the same rounds ({results['baseline']['rps']:.0f} req/s over "
        f"{args.rounds} x 2 runs): /health {ratios['health']:.2f}x, eligibility {ratios['peserta']:.3f}x; eligibility "
        f"p99 {peserta['p99_ms']:.2f} ms (worst round); targets met: {met}  -> {args.out}")


if __name__ == "__main__":
    main()
