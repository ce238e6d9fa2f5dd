"""Benchmark: VClaim SEP insert (``SEP/2.0/insert``, v2.0 encrypted answer) against the participants of
bench/vclaim_eligibility.py's database on PostgreSQL, as a ratio of a bare Starlette hello-world on
uvicorn with uvloop and httptools (bench/hello_baseline.py) measured in the same run with the same wrk
settings, in ``--rounds`` interleaved rounds (bench_support.interleaved); then a concurrency check:
identical inserts sent at once give one SEP.

    .venv/bin/python bench/vclaim_sep_insert.py --duration 15 --rounds 3 --connections 4

Steps: (1) the database must hold the participants (run bench/vclaim_eligibility.py first, same
``--db``); (2) ``--consumers`` VClaim consumers for each round, spread over its RSUDs;
(3) ``jkn serve`` (1 worker) and the baseline as subprocesses, both running throughout; (4) ``--rounds``
times a baseline run then ours, so that a machine whose speed drifts over a minute moves both alike;
ours with wrk (1 thread): every request a different participant with no SEP yet, an emergency visit
(poli IGD, as a SIMRS sends it: no referral letter) at the consumer's hospital on today's date. A
write is answered once per signed header (A-C16: the same X-cons-id/X-timestamp/X-signature with
another body is refused), so each request carries its own header: the round's consumers'
signatures for distinct timestamps inside the accepted clock skew, prepared before each run (no
participant or header serves two rounds). Every answer whose ``metaData.code`` is not "200" is
counted. (5) The concurrency check, with real threads released together: ``--same`` identical
insert requests for one participant each signed with its own header (a SIMRS retrying on another
connection), then the same count sending one and the same header (a replay) — each must leave
exactly one live SEP for the visit and every other answer a refusal naming it (or, for the replay,
the recorded answer). The headline ratio is our requests over our seconds in all rounds, as a ratio
of the baseline's in the same rounds; each round's own ratio, the worst round's p99 and each
server's CPU per request are reported too. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_support import (all_baseline_runs, interleaved, log, pg_conninfo, rounds_option,  # noqa: E402
                           with_server_cpu)
from vclaim_eligibility import DEFAULT_DB, Server, wrk_json  # noqa: E402
from jkn.bridging.core.crypto import decrypt_response, signature  # noqa: E402
from jkn.services.care.common import jakarta_today  # noqa: E402
from jkn.services.portal.audit import SYSTEM  # noqa: E402
from jkn.store.bootstrap import prepare_database  # noqa: E402
from jkn.store.engine import session_factory  # noqa: E402

PATH = "/vclaim-rest/SEP/2.0/insert"

LUA = r"""
local reqs = {%(reqs)s}
local i = 0
local bad = 0
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  i = i + 1
  local r = reqs[((i - 1) %% #reqs) + 1]
  wrk.headers["X-cons-id"] = r[1]
  wrk.headers["X-timestamp"] = r[2]
  wrk.headers["X-signature"] = r[3]
  wrk.headers["user_key"] = r[4]
  return wrk.format("POST", "%(path)s", nil, r[5])
end
response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"code":"200"', 1, true) then bad = bad + 1 end
end
"""


def t_sep(card: str, hospital: str, day: str) -> dict:
    """An emergency visit at ``hospital`` as SIMRS clients fill ``t_sep`` (tests/vclaim's shape)."""
    return {"request": {"t_sep": {
        "noKartu": card, "tglSep": day, "ppkPelayanan": hospital, "jnsPelayanan": "2",
        "klsRawat": {"klsRawatHak": "", "klsRawatNaik": "", "pembiayaan": "", "penanggungJawab": ""},
        "noMR": "MR-" + card[-6:], "rujukan": {"asalRujukan": "1", "tglRujukan": "", "noRujukan": "", "ppkRujukan": ""},
        "catatan": "benchmark", "diagAwal": "S72", "poli": {"tujuan": "IGD", "eksekutif": "0"}, "cob": {"cob": "0"},
        "katarak": {"katarak": "0"}, "jaminan": {"lakaLantas": "0"}, "tujuanKunj": "0", "flagProcedure": "",
        "kdPenunjang": "", "assesmentPel": "", "skdp": {"noSurat": "", "kodeDPJP": ""}, "dpjpLayan": "",
        "noTelp": "08123456789", "user": "benchmark"}}}


def fresh_cards(url: str, n: int) -> list[str]:
    """``n`` active participants without any SEP, in random order."""
    with psycopg.connect(pg_conninfo(url)) as conn:
        total = conn.execute("SELECT count(*) FROM participant").fetchone()[0]
        pct = min(100.0, max(0.01, 100.0 * n * 4 / max(total, 1)))
        rows = conn.execute(f"""SELECT p.card_number FROM participant p TABLESAMPLE SYSTEM ({pct})
                                WHERE p.status = 'ACTIVE' AND NOT EXISTS (SELECT 1 FROM sep s WHERE s.participant_id = p.id)
                                LIMIT {n}""").fetchall()
    cards = [r[0] for r in rows]
    random.Random(11).shuffle(cards)
    return cards


class Requests:
    """Signed insert requests, each used once: a card per request, a (consumer, timestamp) header per request
    (a run's consumers are given to :meth:`batch`; :func:`concurrent_identical` signs with the first of ``creds``)."""

    def __init__(self, creds: list[dict], cards: list[str], day: str):
        self.creds, self.cards, self.day, self.next_card = creds, cards, day, 0
        self.used: set[tuple[str, int]] = set()

    def headers(self, cred: dict, ts: int) -> dict:
        self.used.add((cred["cons_id"], ts))
        return {"X-cons-id": cred["cons_id"], "X-timestamp": str(ts), "user_key": cred["user_key"],
                "X-signature": signature(cred["cons_id"], cred["secret"], str(ts))}

    def batch(self, creds: list[dict], n: int, skew: int = 240) -> list[tuple[dict, str]]:
        """``n`` (headers, body) pairs of ``creds``; headers not used before, timestamps within ``skew`` s of now."""
        out: list[tuple[dict, str]] = []
        now = int(time.time())
        for offset in range(-skew, skew + 1):
            for cred in creds:
                if len(out) == n:
                    return out
                if (cred["cons_id"], now + offset) in self.used or self.next_card >= len(self.cards):
                    continue
                card = self.cards[self.next_card]
                self.next_card += 1
                out.append((self.headers(cred, now + offset), json.dumps(t_sep(card, cred["facility"], self.day))))
        return out


def run_wrk(base: str, reqs: list[tuple[dict, str]], duration: int, connections: int) -> dict:
    def lua_str(s: str) -> str:
        return json.dumps(s)  # a JSON string of ASCII is a valid Lua string literal

    rows = ",".join("{%s,%s,%s,%s,%s}" % (lua_str(h["X-cons-id"]), lua_str(h["X-timestamp"]),
                                           lua_str(h["X-signature"]), lua_str(h["user_key"]), lua_str(body))
                    for h, body in reqs)
    r = wrk_json(base, LUA % {"reqs": rows, "path": PATH}, duration, connections)
    if r["requests"] > len(reqs):
        log(f"WARNING: {r['requests']} requests for {len(reqs)} prepared: the rest were replays")
    return r


def run_hello(base: str, duration: int, connections: int) -> dict:
    from vclaim_eligibility import run_wrk as eligibility_wrk

    return eligibility_wrk(base, "health", {"cons_id": "-", "secret": "-", "user_key": "-"}, ["-"], "-", duration,
                           connections)


def concurrent_identical(base: str, url: str, reqs: Requests, n: int) -> dict:
    """``n`` identical inserts at once (threads behind a barrier), first each with its own signed header, then all
    with one header: each round must leave exactly one live SEP for the visit."""
    out = {}
    for mode in ("own headers", "one header"):
        cred = reqs.creds[0]
        card = reqs.cards[reqs.next_card]
        reqs.next_card += 1
        body = json.dumps(t_sep(card, cred["facility"], reqs.day))
        now = int(time.time())
        if mode == "own headers":
            free = [t for t in range(now - 200, now + 200) if (cred["cons_id"], t) not in reqs.used][:n]
            headers = [reqs.headers(cred, t) for t in free]
        else:
            t = next(t for t in range(now - 200, now + 200) if (cred["cons_id"], t) not in reqs.used)
            headers = [reqs.headers(cred, t)] * n
        barrier = threading.Barrier(n)
        answers: list[tuple[int, dict, dict]] = []
        lock = threading.Lock()

        def send(h: dict) -> None:
            with httpx.Client(base_url=base, timeout=30) as client:
                barrier.wait()
                r = client.post(PATH, headers={**h, "Content-Type": "application/x-www-form-urlencoded"}, content=body)
            with lock:
                answers.append((r.status_code, r.json(), h))

        threads = [threading.Thread(target=send, args=(h,)) for h in headers]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        with psycopg.connect(pg_conninfo(url)) as conn:
            seps = [r[0] for r in conn.execute(
                "SELECT s.number FROM sep s JOIN participant p ON p.id = s.participant_id "
                "WHERE p.card_number = %s AND s.deleted_at IS NULL", (card,)).fetchall()]
        issued = []
        for status, env, h in answers:
            if env["metaData"]["code"] == "200":
                issued.append(decrypt_response(env["response"], cred["cons_id"], cred["secret"],
                                               h["X-timestamp"])["sep"]["noSep"])
        refused = [env["metaData"]["message"] for _s, env, _h in answers if env["metaData"]["code"] != "200"]
        ok = (len(seps) == 1 and len(answers) == n and set(issued) == set(seps)
              and (len(issued) == 1 if mode == "own headers" else len(issued) == n)
              and all(seps[0] in m for m in refused))
        out[mode] = {"requests": n, "answers": len(answers), "seps_in_database": len(seps),
                     "answered_200": len(issued), "refusals": sorted(set(refused)), "one_sep": ok}
        log(f"{n} identical inserts at once, {mode}: {len(seps)} SEP in the database, {len(issued)} answered 200 "
            f"(same number: {len(set(issued)) <= 1}), {len(refused)} refused "
            f"{sorted(set(m[:90] for m in refused))} -> {'OK' if ok else 'FAILED'}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=os.environ.get("JKN_BENCH_DB", DEFAULT_DB), help="PostgreSQL URL")
    ap.add_argument("--duration", type=int, default=15, help="seconds per measured run")
    rounds_option(ap)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--consumers", type=int, default=60,
                    help="VClaim consumers per round, spread over the RSUDs (360 requests each: more than a run sends)")
    ap.add_argument("--same", type=int, default=16, help="identical inserts sent at once in the concurrency check")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "vclaim_sep_insert.json"))
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is required (apt-get install wrk)")

    engine = prepare_database(args.db)
    from sqlalchemy import select

    from jkn.services.care import vclaim_consumers
    from jkn.store.facility_tables import FacilityRow

    with session_factory(engine)() as s:
        hospitals = s.scalars(select(FacilityRow.code).where(FacilityRow.level == "FKRTL",
                                                             FacilityRow.name.like("RSUD %"))
                              .order_by(FacilityRow.code)).all()
    if not hospitals:
        sys.exit("no RSUD in this database: run bench/vclaim_eligibility.py first with the same --db")
    creds = []
    for i in range(args.consumers * args.rounds + 1):  # the last one only for the concurrency check
        with session_factory(engine)() as s:
            cred = vclaim_consumers.create_consumer(s, hospitals[i % len(hospitals)], label=f"sep bench {i}",
                                                    actor=SYSTEM)
            creds.append({**cred, "facility": hospitals[i % len(hospitals)]})
    engine.dispose()
    day = jakarta_today().isoformat()
    per_run = args.consumers * 360  # more than a run can send on this machine (checked after each run)
    need = per_run // 4 + per_run * args.rounds + 2  # the warm-up, the rounds, the concurrency check
    cards = fresh_cards(args.db, need)
    if len(cards) < need:
        sys.exit(f"{len(cards):,} participants without an SEP found, {need:,} needed")
    log(f"{len(cards):,} participants without an SEP; {len(hospitals)} RSUDs, {len(creds)} consumers")
    reqs = Requests(creds[:-1], cards, day)  # one card cursor and one record of used headers for every run
    groups = [creds[i * args.consumers:(i + 1) * args.consumers] for i in range(args.rounds)]  # each round its own
    load_before = os.getloadavg()[0]

    def hello_run(hello: Server) -> dict:
        return with_server_cpu(hello.proc.pid, lambda: run_hello(hello.base, args.duration, args.connections))

    def inserts(srv: Server, i: int) -> dict:  # round i: its consumers, fresh participants, headers signed now
        batch = reqs.batch(groups[i], per_run)
        return with_server_cpu(srv.proc.pid, lambda: run_wrk(srv.base, batch, args.duration, args.connections))

    with Server(None, 1) as hello, Server(args.db, 1) as srv:
        run_hello(hello.base, 3, args.connections)  # warm-ups; ours: every answer must be 200 too
        run_wrk(srv.base, reqs.batch(groups[0], per_run // 4), 3, args.connections)
        sep_insert = interleaved("sep_insert", args.rounds, lambda _i: hello_run(hello), lambda i: inserts(srv, i),
                                 args.db)
        concurrency = concurrent_identical(srv.base, args.db, Requests(creds[-1:], cards[reqs.next_card:], day),
                                           args.same)
    results = {"baseline": all_baseline_runs([sep_insert]), "sep_insert": sep_insert}
    ratio = sep_insert["rps"] / sep_insert["baseline"]["rps"]
    met = (ratio >= 0.05 and results["sep_insert"]["non_ok"] == 0 and results["sep_insert"]["errors"] == 0
           and all(c["one_sep"] for c in concurrency.values()))
    summary = {"duration_s": args.duration, "rounds": args.rounds, "connections": args.connections,
               "consumers": args.consumers, "cores": os.cpu_count(), "load_average_before": load_before,
               "results": results, "ratio_to_baseline": ratio, "concurrent_identical_inserts": concurrency,
               "targets": {"sep_insert_ratio_at_least": 0.05, "one_sep_per_visit": True}, "met": met,
               "date": dt.datetime.now().isoformat()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, indent=2))
    log(f"of the bare Starlette baseline in the same rounds ({sep_insert['baseline']['rps']:.0f} req/s): SEP insert "
        f"{ratio:.3f}x, p99 {sep_insert['p99_ms']:.2f} ms (worst round); one SEP under concurrent "
        f"identical inserts: {all(c['one_sep'] for c in concurrency.values())}; targets met: {met}  -> {args.out}")


if __name__ == "__main__":
    main()
