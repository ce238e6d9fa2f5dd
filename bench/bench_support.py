"""Fresh benchmark databases (SQLite file, PostgreSQL schema) and small helpers for bench/*.py; the
bridging benchmarks' interleaved rounds against the baseline (:func:`interleaved`)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

POSTGRES_URL = os.environ.get("JKN_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
WORK = Path(os.environ.get("JKN_BENCH_DIR", "/tmp/jkn-bench"))


def fresh_database(backend: str, name: str):
    """A new, migrated database with reference data; returns (url, engine)."""
    from jkn.store.bootstrap import prepare_database

    if backend == "sqlite":
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    elif backend == "postgresql":
        import psycopg

        schema = f"jkn_bench_{name}".replace("-", "_")
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute(f"CREATE SCHEMA {schema}")
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    else:
        raise SystemExit(f"unknown backend {backend!r}")
    return url, prepare_database(url)


def drop_database(backend: str, name: str) -> None:
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS jkn_bench_{name.replace('-', '_')} CASCADE")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{WORK / name}.sqlite3{suffix}").unlink(missing_ok=True)


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def machine() -> dict:
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def emit(result: dict) -> None:
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def backends(choice: str) -> list[str]:
    return ["sqlite", "postgresql"] if choice == "both" else [choice]


def arguments(doc: str) -> argparse.ArgumentParser:
    """The options every registry benchmark takes: --n, --backend, --seed, --keep."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="participants (default 1,000,000)")
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the benchmark database")
    return ap


def finish(result: dict, engine, backend: str, name: str, *, keep: bool, population_seconds: float) -> None:
    """Print one benchmark's result with the machine, then close (and drop) its database."""
    emit({**result, "population_seconds": round(population_seconds, 1), "peak_rss_mb": peak_rss_mb(), **machine()})
    engine.dispose()
    if not keep:
        drop_database(backend, name)


class SignedHeaders:
    """Signed VClaim/Antrean headers, one per write (a write is answered once per signed header,
    A-C16): ``per`` timestamps of a new consumer of ``facility``, from ``back`` seconds ago, then
    another consumer. Calling it gives (the request's index from 0, its headers)."""

    def __init__(self, sessions, facility: str, label: str, per: int, back: int):
        self.sessions, self.facility, self.label, self.per, self.back = sessions, facility, label, per, back
        self.i, self.cred, self.start = 0, None, 0

    def __call__(self):
        from starlette.datastructures import Headers

        from jkn.bridging.core.crypto import signature
        from jkn.services.care import vclaim_consumers
        from jkn.services.portal.audit import SYSTEM

        i = self.i
        self.i += 1
        if i % self.per == 0:
            with self.sessions() as s:
                self.cred = vclaim_consumers.create_consumer(s, self.facility, label=self.label, actor=SYSTEM)
            self.start = int(time.time()) - self.back
        cred, ts = self.cred, str(self.start + i % self.per)
        return i, Headers({"x-cons-id": cred["cons_id"], "x-timestamp": ts, "user_key": cred["user_key"],
                           "x-signature": signature(cred["cons_id"], cred["secret"], ts)})


def rounds_option(ap: argparse.ArgumentParser) -> None:
    """``--rounds`` of the bridging benchmarks (:func:`interleaved`): at least 1, 3 by default."""
    def at_least_one(text: str) -> int:
        if int(text) < 1:
            raise argparse.ArgumentTypeError("at least 1")
        return int(text)

    ap.add_argument("--rounds", type=at_least_one, default=3,
                    help="measured runs of each endpoint, each after a run of the baseline (default 3)")


def pg_conninfo(url: str) -> str:
    """A benchmark's PostgreSQL URL as libpq reads it (without SQLAlchemy's driver name)."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` and its waited-for children (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def with_server_cpu(pid: int, run) -> dict:
    """``run()``'s wrk report with the CPU process ``pid`` spent per request and the load average after."""
    before = cpu_seconds(pid)
    r = run()
    r["server_cpu_ms_per_request"] = (cpu_seconds(pid) - before) * 1000 / max(r["requests"], 1)
    r["load_average_after"] = os.getloadavg()[0]
    return r


def describe(name: str, r: dict) -> str:
    """One log line of a wrk report: rate, latency, failures, the server's CPU per request (split, with its
    threads' context switches, when measured)."""
    line = (f"{name:26s} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms  "
            f"errors {r['errors']}  non-OK {r['non_ok']}  server CPU {r['server_cpu_ms_per_request']:.3f} ms/request")
    if r.get("checkpoints"):
        line += f"  ({r['checkpoints']} database checkpoint{'s' if r['checkpoints'] > 1 else ''} during the run)"
    if "commit_probe" in r:
        line += (f"  (a lone commit meanwhile: median {r['commit_probe']['median_ms']:.2f} ms, "
                 f"slowest {r['commit_probe']['max_ms']:.1f} ms)")
    if "server_user_ms_per_request" in r:
        switches = r["server_switches_per_request"]
        line += (f" (user {r['server_user_ms_per_request']:.3f}, system {r['server_system_ms_per_request']:.3f}; "
                 f"context switches {switches['voluntary']:.1f} + {switches['involuntary']:.1f} forced)")
    return line + f"  load {os.getloadavg()[0]:.1f}"


def summed(runs: list[dict]) -> dict:
    """wrk reports of several runs as one: requests, seconds and failures summed, ``rps`` their quotient,
    ``p99_ms`` the worst run's, ``p50_ms`` the runs' median, the server's ``*_per_request`` counters over all
    the requests; the rest (tool, load) the last run's."""
    out = dict(runs[-1])
    for key in ("requests", "seconds", "errors", "non_ok", "ok", "checkpoints"):
        if key in out:
            out[key] = sum(r[key] for r in runs)
    out["rps"] = out["requests"] / out["seconds"]
    out["p50_ms"] = statistics.median(r["p50_ms"] for r in runs)
    out["p99_ms"] = max(r["p99_ms"] for r in runs)
    if "commit_probe" in out:
        probes = [r["commit_probe"] for r in runs]
        out["commit_probe"] = {"commits": sum(p["commits"] for p in probes),
                               "median_ms": statistics.median(p["median_ms"] for p in probes),
                               "max_ms": max(p["max_ms"] for p in probes)}
    n = max(out["requests"], 1)
    for key in [k for k in out if k.endswith("_per_request")]:
        if isinstance(out[key], dict):
            out[key] = {x: sum(r[key][x] * r["requests"] for r in runs) / n for x in out[key]}
        else:
            out[key] = sum(r[key] * r["requests"] for r in runs) / n
    return out


def checkpoints(url: str) -> int:
    """PostgreSQL's checkpoints since its statistics were reset (timed and requested)."""
    import psycopg

    with psycopg.connect(pg_conninfo(url), autocommit=True) as conn:
        return sum(conn.execute("SELECT checkpoints_timed, checkpoints_req FROM pg_stat_bgwriter").fetchone())


def checkpoint_now(url: str) -> None:
    """``CHECKPOINT`` before a round (not measured): the dirty pages of the runs before it written now, not
    in the middle of the next run, whose commits a checkpoint's writes and fsyncs slow down (as pgbench's
    documentation advises). Needs a superuser (the benchmark's ``postgres``); logged and skipped otherwise."""
    import psycopg

    try:
        with psycopg.connect(pg_conninfo(url), autocommit=True) as conn:
            conn.execute("CHECKPOINT")
    except psycopg.Error as exc:
        log(f"no CHECKPOINT before the round: {exc}")


class CommitProbe:
    """``with CommitProbe(url) as probe:`` one tiny transaction (a row into a temporary table, COMMIT) every
    50 ms on a connection of its own, timed: the disk's commit latency while a run goes on, which no change
    of ours moves (``probe.summary()``: count, median and slowest, in ms)."""

    def __init__(self, url: str):
        self.url, self.times, self.stop = pg_conninfo(url), [], None

    def __enter__(self):
        import threading

        import psycopg

        self.conn = psycopg.connect(self.url)
        self.conn.execute("CREATE TEMPORARY TABLE commit_probe (at double precision)")
        self.conn.commit()
        self.stop = threading.Event()

        def probe():
            while not self.stop.wait(0.05):
                t = time.perf_counter()
                self.conn.execute("INSERT INTO commit_probe VALUES (%s)", (t,))
                self.conn.commit()
                self.times.append((time.perf_counter() - t) * 1000)

        self.thread = threading.Thread(target=probe, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.conn.close()

    def summary(self) -> dict:
        t = self.times or [0.0]
        return {"commits": len(self.times), "median_ms": round(statistics.median(t), 2), "max_ms": round(max(t), 2)}


def interleaved(name: str, rounds: int, baseline, ours, database: str | None = None) -> dict:
    """``rounds`` rounds of a run of the baseline then one of ours (``baseline(i)``, ``ours(i)``: round i's
    wrk report with the server's CPU per request), so that a machine whose speed drifts over a minute
    moves both alike. With the ``database`` our server writes to, each round starts with
    :func:`checkpoint_now` and our run's report counts the checkpoints during it (``checkpoints``) and times
    a lone commit every 50 ms meanwhile (``commit_probe``, :class:`CommitProbe`). Returns
    ours :func:`summed` over the rounds, with the baseline's runs summed under ``baseline`` (the headline
    ratio is ``rps / baseline.rps``) and each round's reports and own ratio under ``rounds``."""
    pairs = []
    for i in range(rounds):
        if database:
            checkpoint_now(database)
        b = baseline(i)
        log(describe(f"baseline {i + 1}/{rounds}", b))
        if database:
            before = checkpoints(database)
            with CommitProbe(database) as probe:
                o = ours(i)
            o["checkpoints"], o["commit_probe"] = checkpoints(database) - before, probe.summary()
        else:
            o = ours(i)
        log(describe(f"{name} {i + 1}/{rounds}", o))
        pairs.append((b, o))
    out = summed([o for _b, o in pairs])
    out["baseline"] = summed([b for b, _o in pairs])
    out["rounds"] = [{"ratio": o["rps"] / b["rps"], "ours": o, "baseline": b} for b, o in pairs]
    each = ", ".join(f"{x['ratio']:.3f}" for x in out["rounds"])
    log(describe(f"{name}, {rounds} rounds", out) + f"  {out['rps'] / out['baseline']['rps']:.3f}x the baseline's "
        f"{out['baseline']['rps']:.0f} req/s (rounds: {each})")
    return out


def all_baseline_runs(measured) -> dict:
    """Every baseline run of the :func:`interleaved` results ``measured``, :func:`summed`."""
    return summed([x["baseline"] for r in measured for x in r["rounds"]])
