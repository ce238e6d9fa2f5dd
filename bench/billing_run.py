"""Benchmark: bill one month for N participants, against a plain bulk insert of as many bill rows.

    .venv/bin/python bench/billing_run.py                      # N = 1,000,000 on SQLite and PostgreSQL
    .venv/bin/python bench/billing_run.py --n 50000 --backend sqlite

For each backend: a fresh database gets a synthetic population of N participants (the demo
generator, no months billed; not timed; PostgreSQL then checkpoints), then
``billing.run_billing`` bills one month with the set-based path (timed: participants/s). In the same run, the bill lines just written are read
back and the same number of rows is inserted again into ``bill_line`` with the plainest fast
bulk insert of the driver (sqlite3 ``executemany``; PostgreSQL ``COPY``), then rolled back:
the ratio billing / bulk insert shows what the rules cost on top of writing the rows.
"""

from __future__ import annotations

import time

from bench_support import arguments, backends, finish, fresh_database


def bulk_insert_baseline(engine, month_first_day) -> tuple[int, float]:
    """Insert again as many bill_line rows as the run wrote, with the driver's bulk path; rolled back."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SELECT bill_id, participant_id, month, kind, care_class, basis, employer_share, participant_share,"
                    " government_share, amount FROM bill_line WHERE month = %s" if engine.dialect.name == "postgresql"
                    else "SELECT bill_id, participant_id, month, kind, care_class, basis, employer_share,"
                         " participant_share, government_share, amount FROM bill_line WHERE month = ?",
                    (month_first_day if engine.dialect.name == "postgresql" else month_first_day.isoformat(),))
        rows = cur.fetchall()
        raw.commit()
        cols = ("bill_id, participant_id, month, kind, care_class, basis, employer_share, participant_share, "
                "government_share, amount")
        started = time.perf_counter()
        if engine.dialect.name == "postgresql":
            with cur.copy(f"COPY bill_line ({cols}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
        else:
            cur.executemany(f"INSERT INTO bill_line ({cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        seconds = time.perf_counter() - started
        raw.rollback()
        return len(rows), seconds
    finally:
        raw.close()


def main() -> None:
    ap = arguments(__doc__)
    ap.add_argument("--month", default="2014-03")
    ap.add_argument("--method", choices=["batch", "single"], default="batch")
    args = ap.parse_args()

    from sqlalchemy.orm import Session

    from jkn.domain.month import Month
    from jkn.services.billing import runs as billing
    from jkn.services.demo.population import build_demo
    from jkn.services.portal.audit import SYSTEM

    month = Month.parse(args.month)
    for backend in backends(args.backend):
        name = f"billing-{args.n}"
        url, engine = fresh_database(backend, name)
        started = time.perf_counter()
        build_demo(engine, participants=args.n, seed=args.seed, start=Month(2014, 1), months=0, actor=SYSTEM)
        population_s = time.perf_counter() - started
        if backend == "postgresql":
            # start the timed part from a checkpoint, not in the middle of the one the load forced
            with engine.connect() as conn:
                conn.exec_driver_sql("CHECKPOINT")
        with Session(engine) as s:
            result = billing.run_billing(s, month, method=args.method, options=billing.Options(pbi_amount=19225), actor=SYSTEM)
        rows, bulk_s = bulk_insert_baseline(engine, month.first_day)
        finish({"benchmark": "billing_run", "backend": backend, "participants": args.n, "month": str(month),
                "method": result.method, "bills": result.bills, "bill_lines": result.lines,
                "billing_seconds": round(result.seconds, 2),
                "participants_per_second": round(args.n / result.seconds),
                "bulk_insert_rows": rows, "bulk_insert_seconds": round(bulk_s, 2),
                "bulk_insert_method": "COPY" if backend == "postgresql" else "executemany",
                "ratio_billing_to_bulk_insert": round(result.seconds / bulk_s, 2) if bulk_s else None},
               engine, backend, name, keep=args.keep, population_seconds=population_s)


if __name__ == "__main__":
    main()
