"""A medical check-up recorded at a first-level visit (P-Care ``MCU``): the results the clinic
sends (blood pressure, blood, lipids, sugar, liver, kidney, heart, radiology ...), kept as sent
under P-Care's field names; only numbers or short texts, and only the clinic's own visit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.care import primary_care
from jkn.services.care.common import facility, parse_date
from jkn.services.errors import Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.primary_care_tables import VisitMcuRow

KEYS = ("kdMCU", "noKunjungan", "kdProvider", "tglPelayanan")  # the record's own fields, not results
MAX_RESULTS = 80


def _results(body: dict) -> dict:
    out = {}
    for key, value in body.items():
        if key in KEYS or value is None or value == "":
            continue
        if not (isinstance(key, str) and key.isascii() and key.isalnum() and len(key) <= 40) or len(out) >= MAX_RESULTS:
            raise Invalid(Msg("error.mcu.result", field=str(key)[:40]), field=str(key)[:40])
        if isinstance(value, bool) or not isinstance(value, (int, float, str)) or len(str(value)) > 60:
            raise Invalid(Msg("error.mcu.result", field=key), field=key)
        out[key] = value
    return out


def view(m: VisitMcuRow, facility_code: str) -> dict:
    return {"kdMCU": m.id, "noKunjungan": str(m.visit_id), "kdProvider": facility_code,
            "tglPelayanan": m.service_date.strftime("%d-%m-%Y"), **m.results}


def save(session: Session, body: dict, day, *, actor: Actor, facility_code: str, mcu_id=None) -> dict:
    """Add (``mcu_id`` None) or replace the results of a check-up of the clinic's visit."""
    when = parse_date(day, "tglPelayanan")
    results = _results(body)
    with unit_of_work(session):
        visit = primary_care.get_visit(session, body.get("noKunjungan") or "", facility_code=facility_code)
        if mcu_id is None:
            row = VisitMcuRow(visit_id=visit["id"], service_date=when, results=results)
            session.add(row)
        else:
            row = _own(session, mcu_id, visit["id"])
            row.service_date, row.results = when, results
        session.flush()
        audit.record_at_facility(session, actor, "visit.mcu.save", facility(session, facility_code),
                                 object_type="visit", object_id=visit["id"],
                                 summary=Msg("audit.summary.visit_item", visit=visit["id"], item=f"MCU {row.id}"))
        return view(row, facility_code)


def _own(session: Session, mcu_id, visit_id: int) -> VisitMcuRow:
    try:
        row = session.get(VisitMcuRow, int(str(mcu_id).strip()))
    except ValueError:
        row = None
    if row is None or row.visit_id != visit_id:
        raise NotFound(Msg("error.visit.item_unknown", number=str(mcu_id)), field="kdMCU")
    return row


def of_visit(session: Session, visit_id, *, facility_code: str) -> list[dict]:
    visit = primary_care.get_visit(session, visit_id, facility_code=facility_code)
    rows = session.scalars(select(VisitMcuRow).where(VisitMcuRow.visit_id == visit["id"]).order_by(VisitMcuRow.id))
    return [view(m, facility_code) for m in rows]


def remove(session: Session, mcu_id, visit_id, *, actor: Actor, facility_code: str) -> None:
    with unit_of_work(session):
        visit = primary_care.get_visit(session, visit_id, facility_code=facility_code)
        row = _own(session, mcu_id, visit["id"])
        session.delete(row)
        audit.record_at_facility(session, actor, "visit.mcu.delete", facility(session, facility_code),
                                 object_type="visit", object_id=visit["id"],
                                 summary=Msg("audit.summary.visit_item", visit=visit["id"], item=f"MCU {row.id}"))
