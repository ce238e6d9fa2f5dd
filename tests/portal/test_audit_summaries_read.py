"""An audit row's summary reads in the reader's language, with rupiah and dates in its formats, on
both databases (issue 11 item 4: "audit summaries shown by name"); the officers' audit page and
``jkn users audit`` read it through :func:`jkn.services.portal.audit.summary_text`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jkn.cli import app
from jkn.services.billing import banks
from jkn.services.portal.audit import SYSTEM, summary_text
from jkn.store.portal_tables import AuditEventRow


def _summaries(engine, action: str, code: str) -> list[str | None]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditEventRow.summary).where(AuditEventRow.action == action,
                                                                  AuditEventRow.object_id == code)))


def test_a_summary_is_read_in_the_readers_language(db):
    with Session(db) as s:
        banks.add_bank(s, "BANKX", "Bank Contoh", "8899", actor=SYSTEM)
        banks.rotate_secret(s, "BANKX", actor=SYSTEM)
    (added,), (rotated,) = _summaries(db, "bank.add", "BANKX"), _summaries(db, "bank.rotate", "BANKX")
    assert summary_text(added, "id") == "kredensial H2H untuk Bank Contoh (awalan VA 8899)"
    assert summary_text(added, "en") == "host-to-host credentials for Bank Contoh (VA prefix 8899)"
    assert (summary_text(rotated, "id"), summary_text(rotated, "en")) == ("kunci rahasia diganti", "secret rotated")


def test_the_cli_audit_listing_reads_summaries_not_their_keys(db, db_url, monkeypatch):
    with Session(db) as s:
        banks.add_bank(s, "BANKY", "Bank Lain", "7788", actor=SYSTEM)
    monkeypatch.setenv("JKN_LANG", "id")
    out = CliRunner().invoke(app, ["users", "audit", "--json", "--db", db_url])
    assert out.exit_code == 0, out.output
    assert "kredensial H2H untuk Bank Lain (awalan VA 7788)" in out.output and "audit.sum." not in out.output
