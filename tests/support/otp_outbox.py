"""Read the one-time codes the file sender wrote (JKN_OTP_OUTBOX, a temporary file in tests)."""

from __future__ import annotations

import json
import os
from pathlib import Path


def outbox() -> list[dict]:
    path = Path(os.environ["JKN_OTP_OUTBOX"])
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def last_code(to: str) -> str:
    """The newest code sent to ``to``."""
    return [m for m in outbox() if m["to"] == to][-1]["code"]
