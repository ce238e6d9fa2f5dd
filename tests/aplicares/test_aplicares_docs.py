"""The Python block docs/aplicares.md prints runs as printed (host, credentials and kodeppk put in)
against ``jkn serve`` on SQLite, and does what the page says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from support.care_world import JknServe, build_world
from support.databases import truncate_business_tables

DOC = Path(__file__).resolve().parents[2] / "docs" / "aplicares.md"


def test_the_documented_client_block_runs(_prepared):
    url, engine = _prepared("sqlite")
    truncate_business_tables(engine)
    world = build_world(engine)
    block = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    try:
        with JknServe(url) as srv:
            code = block.replace("http://127.0.0.1:8000", srv.url)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(code, {"CONS_ID": world.rs_v2["cons_id"], "SECRET": world.rs_v2["secret"], "KODEPPK": world.rsud})
        lines = out.getvalue().splitlines()
        assert len(lines) == 3
        assert "'code': 1, 'message': 'OK'" in lines[0] and "VVP" in lines[0]
        assert "Data berhasil disimpan." in lines[1]
        assert "Ruang Anggrek VIP" in lines[2] and "'rownumber': 1" in lines[2]
    finally:
        truncate_business_tables(engine)
