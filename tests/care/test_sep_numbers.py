"""SEP numbers: facility code + MMYY + "V" + a serial per facility and month, the same on SQLite and
PostgreSQL (where the counter, the SEP and its audit row are one statement); a refused SEP leaves
no number used, no SEP and no audit row; past 999,999 a month's SEPs are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from support.care_world import build_world

from jkn.services.care import sep
from jkn.services.errors import Conflict, Invalid
from jkn.services.portal.audit import SYSTEM
from jkn.store.care_tables import CareSerialRow, SepRow
from jkn.store.engine import session_factory
from jkn.store.portal_tables import AuditEventRow


@pytest.fixture
def world(db):
    return build_world(db), session_factory(db)


def _emergency(sessions, w, card: str) -> dict:
    with sessions() as s:
        return sep.insert_sep(s, actor=SYSTEM, card_number=card, sep_date=w.today, facility_code=w.rsud,
                              service_type="2", diagnosis="A09", poli="IGD")


def _issued(sessions) -> list[tuple]:
    with sessions() as s:
        return s.execute(select(AuditEventRow.object_id, AuditEventRow.facility_code, AuditEventRow.branch_code)
                         .where(AuditEventRow.action == "sep.issue").order_by(AuditEventRow.id)).all()


def test_numbers_count_per_facility_and_month_with_their_audit_rows(world):
    w, sessions = world
    prefix = f"{w.rsud}{w.today:%m%y}V"
    first = _emergency(sessions, w, w.active)
    with pytest.raises(Conflict):  # the same visit again: refused, and its serial goes with it
        _emergency(sessions, w, w.active)
    second = _emergency(sessions, w, w.other)
    assert (first["number"], second["number"]) == (f"{prefix}000001", f"{prefix}000002")
    issued = _issued(sessions)
    assert [i.object_id for i in issued] == [first["number"], second["number"]]
    assert {(i.facility_code, i.branch_code is not None) for i in issued} == {(w.rsud, True)}


def test_past_999999_a_months_seps_are_refused_and_nothing_is_written(world):
    w, sessions = world
    prefix = f"{w.rsud}{w.today:%m%y}V"
    _emergency(sessions, w, w.other)
    with sessions() as s, s.begin():
        s.execute(update(CareSerialRow).where(CareSerialRow.prefix == prefix).values(last=999_999))
    with pytest.raises(Invalid) as refused:
        _emergency(sessions, w, w.active)
    assert refused.value.code == "error.care.numbers_exhausted" and prefix in refused.value.message
    with sessions() as s:
        assert s.scalars(select(SepRow.number)).all() == [f"{prefix}000001"]
        assert s.scalar(select(CareSerialRow.last).where(CareSerialRow.prefix == prefix)) == 999_999
    assert len(_issued(sessions)) == 1
