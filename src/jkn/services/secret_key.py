"""The server's secret for one purpose: ``JKN_SECRET_KEY`` when the operator sets it, otherwise a
random key made on first use and kept in ``jkn_meta`` under that purpose's name (so signed links,
session cookies and sealed passwords survive a restart without any set-up step)."""

from __future__ import annotations

import os
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jkn.store.reference_tables import MetaRow


def server_secret(session: Session, meta_key: str) -> str:
    """``JKN_SECRET_KEY``, or the random key kept under ``meta_key`` (made in a savepoint on first use;
    a concurrent first use by another request or worker wins and is read back)."""
    env = os.environ.get("JKN_SECRET_KEY", "").strip()
    if env:
        return env
    value = session.scalar(select(MetaRow.value).where(MetaRow.key == meta_key))
    if value:
        return value
    try:
        with session.begin_nested():
            session.add(MetaRow(key=meta_key, value=secrets.token_hex(32)))
    except IntegrityError:
        pass
    return session.scalar(select(MetaRow.value).where(MetaRow.key == meta_key))
