"""Benchmark: collective import of an XLSX file (default 100,000 rows), time and memory.

    .venv/bin/python bench/import_xlsx.py                      # 100,000 rows, SQLite and PostgreSQL
    .venv/bin/python bench/import_xlsx.py --rows 10000 --backend sqlite

The file (made first, not timed) has families of three rows — a private-sector wage earner, the
spouse and a child — over every kab/kota, in the published template's columns. Each import runs
in a fresh process on a fresh database (facilities and the employer created beforehand), so the
peak resident memory reported is the import's own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import time
from pathlib import Path

from bench_support import WORK, backends, drop_database, emit, fresh_database, machine, peak_rss_mb

COLUMNS = ["nik", "nama", "hubungan", "nik_peserta", "segmen", "gaji", "kode_faskes", "kabkota", "status_kawin", "tmt"]


def make_file(rows: int, path: Path, seed: int = 1) -> None:
    from openpyxl import Workbook

    from jkn.reference.workareas import load_workareas
    from jkn.services.demo.population import _Nik

    rng = random.Random(seed)
    nik = _Nik()
    kab = [k for k in sorted(load_workareas().kabkota.values(), key=lambda k: k.code)]
    wb = Workbook()  # shared strings, as spreadsheet programs write them
    ws = wb.active
    ws.title = "peserta"
    ws.append(COLUMNS)
    written = 0
    while written < rows:
        k = kab[written // 3 % len(kab)]
        fktp = f"9{k.branch_code}P00{1 + written % 4}"
        hb = dt.date(1960 + rng.randint(0, 35), rng.randint(1, 12), rng.randint(1, 28))
        head = nik.make(k.code, hb, "L", rng)
        family = [
            [head, f"Pekerja {written}", "PESERTA", None, "PPU_SWASTA", rng.randint(40, 160) * 50_000, fktp, k.code,
             "KAWIN", "2014-02-01"],
            [nik.make(k.code, dt.date(1970, 5, 5), "P", rng), f"Istri {written}", "SUAMI_ISTRI", head, None, None, None,
             None, "KAWIN", None],
            [nik.make(k.code, dt.date(2005, 6, 6), "L", rng), f"Anak {written}", "ANAK_KANDUNG", head, None, None, None,
             None, None, None],
        ]
        for row in family[:rows - written]:
            ws.append(row)
            written += 1
    wb.save(path)


def child(args) -> None:
    """Import the file into the prepared database; print the timing and memory as JSON."""
    from sqlalchemy.orm import Session

    from jkn.services.membership.collective_import import import_file
    from jkn.services.portal.audit import SYSTEM
    from jkn.store.engine import make_engine

    engine = make_engine(args.url)
    data = Path(args.file).read_bytes()
    started = time.perf_counter()
    with Session(engine) as s:
        result = import_file(s, data, filename=Path(args.file).name, employer_code=args.employer,
                             registered_on=dt.date(2014, 2, 1), actor=SYSTEM)
    seconds = time.perf_counter() - started
    print(json.dumps({"ok": result.ok, "errors": result.as_dict("en", 5)["errors"], "participants": result.participants,
                      "families": result.families, "seconds": round(seconds, 2), "peak_rss_mb": peak_rss_mb()}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument("--employer", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)

    from sqlalchemy.orm import Session

    from jkn.services.demo.population import ensure_facilities
    from jkn.services.membership import employers
    from jkn.services.membership.schemas import EmployerIn
    from jkn.services.portal.audit import SYSTEM

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"import-{args.rows}.xlsx"
    started = time.perf_counter()
    make_file(args.rows, path)
    make_s = time.perf_counter() - started
    for backend in backends(args.backend):
        name = f"import-{args.rows}"
        url, engine = fresh_database(backend, name)
        with Session(engine) as s:
            with s.begin():
                ensure_facilities(s)
            code = employers.register_employer(s, EmployerIn(name="PT Benchmark", sector="SWASTA", kabkota_code="31.71",
                                                             registered_on=dt.date(2014, 1, 2)), actor=SYSTEM)["code"]
        engine.dispose()
        out = subprocess.run([sys.executable, __file__, "--child", "--url", url, "--file", str(path), "--employer", code],
                             capture_output=True, text=True, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        emit({"benchmark": "import_xlsx", "backend": backend, "rows": args.rows, "file_mb": round(path.stat().st_size / 2**20, 1),
              "file_seconds": round(make_s, 1), **result, "rows_per_second": round(args.rows / result["seconds"]),
              **machine()})
        drop_database(backend, name)


if __name__ == "__main__":
    main()
