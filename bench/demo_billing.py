"""Benchmark: ``jkn demo`` over the last 24 months (default 2,000 participants), against the same
demo billed by the single-case path in the same run.

    .venv/bin/python bench/demo_billing.py                     # 2,000 participants, 24 months, SQLite
    .venv/bin/python bench/demo_billing.py --n 500 --backend both

Each side runs in a fresh process on a fresh database with the same seed (the same population and
payments): first the baseline, ``build_demo(..., billing_method="single")`` — every month billed
family by family through the rules engine, which is what ``jkn demo`` did for every month from
2016-04 while the batch path refused the later rule sets —, then the real command ``jkn demo``
(batch billing). Reported: the demo's phases, the wall time of each side and the ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench_support import backends, drop_database, emit, fresh_database, machine

BASELINE = """
import json, sys
from jkn.services.demo.population import build_demo
from jkn.services.portal.audit import Actor
from jkn.store.bootstrap import prepare_database
engine = prepare_database(sys.argv[1])
summary = build_demo(engine, actor=Actor.cli(), participants=int(sys.argv[2]), seed=int(sys.argv[3]),
                     months=int(sys.argv[4]), billing_method="single")
print(json.dumps(summary.as_dict()))
"""


def _timed(cmd: list[str]) -> tuple[dict, float]:
    started = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout), time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    args = ap.parse_args()
    jkn = str(Path(sys.executable).with_name("jkn"))
    for backend in backends(args.backend):
        sides = {}
        for side in ("single", "batch"):
            name = f"demo-billing-{side}"
            url, engine = fresh_database(backend, name)
            engine.dispose()
            cmd = ([sys.executable, "-c", BASELINE, url, str(args.n), str(args.seed), str(args.months)]
                   if side == "single" else
                   [jkn, "demo", "--participants", str(args.n), "--seed", str(args.seed), "--months", str(args.months),
                    "--db", url])
            summary, wall = _timed(cmd)
            sides[side] = {"wall_seconds": round(wall, 2), "timings": summary["timings"], "bills": summary["bills"],
                           "billed": summary["billed"]}
            drop_database(backend, name)
        assert sides["single"]["billed"] == sides["batch"]["billed"], "both paths bill the same amounts"
        emit({"benchmark": "demo_billing", "backend": backend, "participants": args.n, "months": args.months,
              "baseline_single": sides["single"], "demo_batch": sides["batch"],
              "ratio_bill_and_pay": round(sides["batch"]["timings"]["bill_and_pay"]
                                          / sides["single"]["timings"]["bill_and_pay"], 3),
              "ratio_wall": round(sides["batch"]["wall_seconds"] / sides["single"]["wall_seconds"], 3), **machine()})


if __name__ == "__main__":
    main()
