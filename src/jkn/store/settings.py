"""Where the database lives: ``JKN_DATABASE_URL`` or an SQLite file in the working directory."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SQLITE_FILE = "jkn.sqlite3"


def database_url() -> str:
    """The configured database URL; PostgreSQL when ``JKN_DATABASE_URL`` says so (architecture.md)."""
    url = os.environ.get("JKN_DATABASE_URL", "").strip()
    if url:
        return normalise_url(url)
    return f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_FILE}"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
