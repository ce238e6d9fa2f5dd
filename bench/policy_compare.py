"""Benchmark: the policy comparison over N participants, against a plain SELECT SUM() over the same rows.

    .venv/bin/python bench/policy_compare.py                       # N = 1,000,000 on SQLite and PostgreSQL
    .venv/bin/python bench/policy_compare.py --n 100000 --backend sqlite

For each backend: a fresh database gets N active participants in families (not timed): PBI singles,
wage earners of every employer group with continuous wages (so no two wage earners need share a
wage), their spouses, children and parents (1%), PBPU and Bukan Pekerja families at each class,
state pensioners with a grade, spread over every kab/kota; written with the driver's bulk path
(sqlite3 ``executemany``, PostgreSQL ``COPY``), then analysed. Timed: ``policy.compare`` for the
whole registry with three columns (the rules of 2019-12-01 and of 2026-11-01, and a what-if file
raising class III) — and, in the same run, ``SELECT COUNT(*), SUM(wage) FROM participant WHERE
status = 'ACTIVE'``: the ratio shows what the comparison costs on top of reading the rows once.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from bench_support import arguments, backends, finish, fresh_database

from jkn.services.portal.audit import SYSTEM

WHAT_IF = ('[[flat_class_rate]]\nsince = 2026-01-01\nvalue = { I = 150000, II = 100000, III = 50000 }\n'
           'source = "what-if: class III Rp 50.000"\n')
COLS = ("id, card_number, nik, name, sex, birth_date, nationality, marital_status, kabkota_code, branch_code, "
        "segment, wage, grade, care_class, fktp_code, fktp_since, family_id, relationship, member_status, in_school, "
        "has_income, status, tmt, card_print, version, created_at, updated_at")
PPU = [("PPU_PNS", 0.25), ("PPU_TNI", 0.05), ("PPU_POLRI", 0.05), ("PPU_PPNPN", 0.05), ("PPU_BUMN", 0.08),
       ("PPU_BUMD", 0.04), ("PPU_SWASTA", 0.45), ("PPU_LAINNYA", 0.03)]
GRADES = ["I/c", "II/a", "II/c", "III/a", "III/b", "III/d", "IV/a", "IV/b"]


def population(n: int, seed: int, places: list[tuple[str, str, str]]):
    """(family rows, participant rows): families until n persons; places are (kab/kota, branch, FKTP)."""
    rng, now, tmt = random.Random(seed), dt.datetime.now(dt.timezone.utc), dt.date(2014, 1, 1)
    families, people = [], []
    while len(people) < n:
        fid = len(families) + 1
        families.append((fid, None, 1, now, now))
        kab, branch, fktp = places[fid % len(places)]
        r = rng.random()
        group = "PBI" if r < 0.55 else "PPU" if r < 0.80 else "PBPU" if r < 0.95 else "BP"
        wage = grade = None
        members: list[tuple[str, str]] = []
        if group == "PBI":
            seg, cls = "PBI", "III"
        elif group == "PPU":
            seg = rng.choices([s for s, _ in PPU], [w for _, w in PPU])[0]
            wage = rng.randint(1_500_000, 30_000_000)
            grade = rng.choice(GRADES) if seg in ("PPU_PNS", "PPU_TNI", "PPU_POLRI") else None
            cls = ("II" if grade and grade < "III" else "I") if grade else ("II" if wage <= 3_543_750 else "I")
            members = [("SPOUSE", "CORE")] + [("CHILD_NATURAL", "CORE")] * rng.randint(0, 3)
            members += [("MOTHER", "ADDITIONAL")] * (rng.random() < 0.05)
        elif group == "PBPU":
            seg, cls = rng.choice(["PBPU_MANDIRI", "PBPU_LAINNYA"]), rng.choice(["I", "II", "III"])
            members = [("SPOUSE", "MEMBER")] + [("CHILD_NATURAL", "MEMBER")] * rng.randint(0, 3)
        else:
            seg = rng.choice(["BP_PENSIUNAN_PNS", "BP_LAINNYA", "BP_INVESTOR"])
            grade = rng.choice(GRADES) if seg == "BP_PENSIUNAN_PNS" else None
            cls = ("II" if grade < "III" else "I") if grade else rng.choice(["I", "II", "III"])
            members = [("SPOUSE", "MEMBER")]
        for rel, status in [("HEAD", "HEAD")] + members:
            pid = len(people) + 1
            people.append((pid, f"8{pid:012d}", f"88{pid:014d}", f"PESERTA {pid}", "LP"[pid % 2],
                           dt.date(1950, 1, 1) + dt.timedelta(days=pid % 20000), "WNI", "MARRIED", kab, branch, seg,
                           wage if rel == "HEAD" else None, grade if rel == "HEAD" else None, cls, fktp, tmt, fid,
                           rel, status, False, False, "ACTIVE", tmt, 1, 1, now, now))
    return families, people


def load(engine, families, people) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cur.copy("COPY family (id, kk_number, version, created_at, updated_at) FROM STDIN") as copy:
                for row in families:
                    copy.write_row(row)
            with cur.copy(f"COPY participant ({COLS}) FROM STDIN") as copy:
                for row in people:
                    copy.write_row(row)
            raw.commit()
            cur.execute("ANALYZE participant")
        else:
            cur.executemany("INSERT INTO family (id, kk_number, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                            families)
            cur.executemany(f"INSERT INTO participant ({COLS}) VALUES ({', '.join('?' * 27)})", people)
            cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def plain_sum(engine) -> tuple[int, float]:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        started = time.perf_counter()
        cur.execute("SELECT COUNT(*), SUM(wage) FROM participant WHERE status = 'ACTIVE'")
        count = cur.fetchone()[0]
        return count, time.perf_counter() - started
    finally:
        raw.close()


def main() -> None:
    args = arguments(__doc__).parse_args()

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from jkn.services.care.facilities import create_demo_facilities
    from jkn.services.policy.compare import compare
    from jkn.store.reference_tables import KabKotaRow

    for backend in backends(args.backend):
        name = f"policy-{args.n}"
        url, engine = fresh_database(backend, name)
        started = time.perf_counter()
        with Session(engine) as s:
            kabs = list(s.execute(select(KabKotaRow.code, KabKotaRow.branch_code).order_by(KabKotaRow.code)))
            fktp = create_demo_facilities(s, [k for k, _ in kabs], actor=SYSTEM)["FKTP"]
            s.commit()
        places = [(k, b, fktp[2 * i]) for i, (k, b) in enumerate(kabs)]
        families, people = population(args.n, args.seed, places)
        load(engine, families, people)
        del families, people
        population_s = time.perf_counter() - started
        if backend == "postgresql":
            with engine.connect() as conn:
                conn.exec_driver_sql("CHECKPOINT")
        rows, sum_s = plain_sum(engine)
        with Session(engine) as s:
            t = time.perf_counter()
            data = compare(s, None, date_from=dt.date(2019, 12, 1), date_to=dt.date(2026, 11, 1),
                           what_ifs=[("kelas-3.toml", WHAT_IF)])
            compare_s = time.perf_counter() - t
        rows_again, sum_again_s = plain_sum(engine)
        baseline = min(sum_s, sum_again_s)
        finish({"benchmark": "policy_compare", "backend": backend, "participants": data["totals"]["participants"],
                "columns": len(data["columns"]), "compare_seconds": round(compare_s, 2),
                "plain_sum_rows": rows, "plain_sum_seconds": round(baseline, 3),
                "ratio_compare_to_plain_sum": round(compare_s / baseline, 1) if baseline else None,
                "revenue": [c["revenue"] for c in data["totals"]["cells"]]},
               engine, backend, name, keep=args.keep, population_seconds=population_s)


if __name__ == "__main__":
    main()
