"""Benchmark: ``jkn demo --participants N`` (default 1,000,000): time per phase and memory.

    .venv/bin/python bench/demo_population.py                  # 1,000,000 on SQLite and PostgreSQL
    .venv/bin/python bench/demo_population.py --n 100000 --months 8 --backend sqlite

Runs the real command (``jkn demo``) in a fresh process per backend on a fresh database and
reports its JSON summary's timings, the wall time and the process's peak memory (GNU time).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench_support import backends, drop_database, emit, fresh_database, machine


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--months", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    jkn = str(Path(sys.executable).with_name("jkn"))
    for backend in backends(args.backend):
        name = f"demo-{args.n}"
        url, engine = fresh_database(backend, name)
        engine.dispose()
        cmd = ["/usr/bin/time", "-f", "%M", jkn, "demo", "--participants", str(args.n), "--seed", str(args.seed),
               "--since", "2014-01", "--months", str(args.months), "--db", url]
        started = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - started
        summary = json.loads(out.stdout)
        peak_kib = int(out.stderr.strip().splitlines()[-1])
        emit({"benchmark": "demo_population", "backend": backend, "participants": summary["participants"],
              "families": summary["families"], "employers": summary["employers"], "months": len(summary["months"]),
              "bills": summary["bills"], "payments": summary["payments"], "suspended_payers": summary["payers_suspended"],
              "timings": summary["timings"], "wall_seconds": round(wall, 1), "peak_rss_mb": round(peak_kib / 1024, 1),
              "samples": {k: [x["card_number"] for x in v] for k, v in summary["samples"].items()
                          if k in ("active", "in_arrears", "suspended")}, **machine()})
        if not args.keep:
            drop_database(backend, name)


if __name__ == "__main__":
    main()
