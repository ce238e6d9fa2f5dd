"""What ``jkn demo`` prints works when a newcomer types it (issue #9 point 8): the demo's VClaim
credentials answer ``Peserta/nokartu`` through the unmodified ``bpjs-bridging`` and ``pybpjs``
clients, against ``jkn serve`` started as a subprocess on the same database."""

from __future__ import annotations

import json
import subprocess
import sys

from bpjs import Bridging
from pybpjs import bpjs as pybpjs
from support.care_world import JKN, JknServe


def run_demo(db_url: str) -> dict:
    cmd = [str(JKN)] if JKN.exists() else [sys.executable, "-m", "jkn.cli"]
    out = subprocess.run(cmd + ["demo", "--participants", "120", "--seed", "5", "--months", "2", "--db", db_url],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout[out.stdout.index("{"):])


def test_printed_vclaim_credentials_answer_through_both_real_clients(db, db_url):
    summary = run_demo(db_url)
    cred = summary["samples"]["vclaim_consumer"][0]
    sample = summary["samples"]["active"][0]
    path = cred["try"]
    assert path == f"Peserta/nokartu/{sample['card_number']}/tglSEP/{sample['on']}"
    with JknServe(db_url) as srv:
        host = cred["base_url"].replace("http://127.0.0.1:8000", srv.url)
        res = Bridging({"host": host, "consid": cred["cons_id"], "secret": cred["secret"],
                        "user_key": cred["user_key"]}, "vclaim").request(path)
        assert res["metaData"]["code"] == "200", res
        assert res["response"]["peserta"]["noKartu"] == sample["card_number"]
        res = pybpjs.bridging({"host": host, "consid": cred["cons_id"], "secret": cred["secret"],
                               "user_key": cred["user_key"], "is_encrypt": 1}, path, "get")
        assert str(res["metaData"]["code"]) == "200", res
        assert res["response"]["peserta"]["noKartu"] == sample["card_number"]
        assert res["response"]["peserta"]["statusPeserta"]["keterangan"] == "AKTIF"

        wrong = pybpjs.bridging({"host": host, "consid": cred["cons_id"], "secret": cred["secret"][::-1],
                                 "user_key": cred["user_key"], "is_encrypt": 1}, path, "get")
        assert str(wrong["metaData"]["code"]) != "200", wrong
