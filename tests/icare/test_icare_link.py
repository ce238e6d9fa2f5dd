"""An iCare link opens the history only while it is fresh and only as signed (in process, SQLite and
PostgreSQL)."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner

from jkn.services.care import icare
from jkn.services.errors import Forbidden
from jkn.store.engine import session_factory


def test_an_expired_or_altered_link_opens_nothing(db, monkeypatch):
    with session_factory(db)() as s:
        serializer = icare._serializer(s)
        s.commit()
        then = int(time.time()) - icare.link_seconds() - 5
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: then)
        old = serializer.dumps({"c": "0001234567890", "f": "X", "d": "", "n": ""})
        monkeypatch.undo()
        with pytest.raises(Forbidden, match="kedaluwarsa"):
            icare.history(s, old)
        with pytest.raises(Forbidden, match="bukan tautan iCare"):
            icare.history(s, "abc.def.ghi")
