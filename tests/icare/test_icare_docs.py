"""The Python block docs/icare.md prints runs as printed (host, credentials, card, doctor put in)
against ``jkn serve`` on SQLite and answers a link that opens the history."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import httpx
from support.care_world import JknServe, build_world
from support.databases import truncate_business_tables

from jkn.services.care import facilities, sep
from jkn.services.portal.audit import SYSTEM
from jkn.store.engine import session_factory

DOC = Path(__file__).resolve().parents[2] / "docs" / "icare.md"


def test_the_documented_client_block_runs(_prepared):
    url, engine = _prepared("sqlite")
    truncate_business_tables(engine)
    w = build_world(engine)
    with session_factory(engine)() as s:
        facilities.add_staff(s, w.rsud, actor=SYSTEM, name="dr. Budi", role="DOCTOR", registration_number="1001")
    block = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    try:
        with JknServe(url) as srv:
            # a patient in care: an emergency SEP of today (no letter needed, TATA CARA §3)
            with session_factory(engine)() as s:
                sep.insert_sep(s, actor=SYSTEM, card_number=w.active, sep_date=w.today,
                               facility_code=w.rsud, service_type="2", diagnosis="I10", poli="IGD", emergency=True)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(block.replace("http://127.0.0.1:8000", srv.url),
                     {"CONS_ID": w.rs_v2["cons_id"], "SECRET": w.rs_v2["secret"], "USER_KEY": w.rs_v2["user_key"],
                      "CARD": w.active, "KODEDOKTER": 1001})
            link = re.search(r"'url': '([^']+)'", out.getvalue()).group(1)
            assert "'code': 200" in out.getvalue() and "SITI AMINAH" in httpx.get(link).text
    finally:
        truncate_business_tables(engine)
