"""Fresh benchmark databases (SQLite file, PostgreSQL schema) and small helpers for bench/*.py."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
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
