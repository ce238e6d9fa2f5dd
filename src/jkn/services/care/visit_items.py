"""The drugs and procedures of a first-level visit (P-Care ``obat/kunjungan`` and ``tindakan``;
the FKTP desk's visit page): a DPHO drug by its code (checked against BPJS's DPHO list once it is
loaded) or another drug by name, with signa and quantity; a procedure by its code with the cost
and notes the clinic gives. Only the clinic that recorded the visit adds or removes them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.bounds import check_length
from jkn.services.care import pcare_codes, primary_care
from jkn.services.care.common import facility
from jkn.services.errors import Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.primary_care_tables import VisitDrugRow, VisitProcedureRow

TKP = {"RJTP": "10", "RITP": "20"}


def _count(value, field: str, *, required: bool = False, low: int = 0) -> int | None:
    if value is None or str(value).strip() == "":
        if required:
            raise Invalid(Msg("error.visit.count", field=field), field=field)
        return None
    try:
        n = int(str(value).strip())
    except ValueError:
        raise Invalid(Msg("error.visit.count", field=field), field=field) from None
    if not low <= n < 1_000_000:
        raise Invalid(Msg("error.visit.count", field=field), field=field)
    return n


def _audit(session: Session, actor: Actor, action: str, visit_id: int, facility_code: str, item: str | None,
           **change) -> None:
    audit.record_at_facility(session, actor, action, facility(session, facility_code), object_type="visit",
                             object_id=visit_id, summary=Msg("audit.summary.visit_item", visit=visit_id, item=item or ""),
                             **change)


def drug_view(session: Session, d: VisitDrugRow) -> dict:
    return {"id": d.id, "visit_id": d.visit_id, "code": d.drug_code,
            "name": d.drug_name or pcare_codes.name(session, "dpho", d.drug_code), "compounded": d.compounded,
            "compound_code": d.compound_code, "signa1": d.signa1, "signa2": d.signa2, "quantity": d.quantity,
            "requested": d.requested}


def add_drug(session: Session, visit_id, *, actor: Actor, facility_code: str, code: str | None = None,
             name: str | None = None, signa1=None, signa2=None, quantity=None, requested=None,
             compounded: bool = False, compound_code: str | None = None) -> dict:
    code, name = (code or "").strip() or None, (name or "").strip() or None
    if not code and not name:
        raise Invalid(Msg("error.visit.drug_named"), field="kdObat")
    if name and len(name) > 200:
        raise Invalid(Msg("error.visit.drug_named"), field="nmObatNonDPHO")
    values = {"signa1": _count(signa1, "signa1"), "signa2": _count(signa2, "signa2"),
              "quantity": _count(quantity, "jmlObat", required=True, low=1), "requested": _count(requested, "jmlPermintaan")}
    with unit_of_work(session):
        visit = primary_care.get_visit(session, visit_id, facility_code=facility_code)
        row = VisitDrugRow(visit_id=visit["id"], drug_code=pcare_codes.check(session, "dpho", code, "kdObat"),
                           drug_name=name, compounded=bool(compounded), compound_code=(compound_code or None), **values)
        session.add(row)
        session.flush()
        _audit(session, actor, "visit.drug.add", visit["id"], facility_code, code or name, after={
            "kdObatSK": row.id, "kdObat": code, "nama": name})
        return drug_view(session, row)


def drugs(session: Session, visit_id, *, facility_code: str) -> list[dict]:
    visit = primary_care.get_visit(session, visit_id, facility_code=facility_code)
    rows = session.scalars(select(VisitDrugRow).where(VisitDrugRow.visit_id == visit["id"]).order_by(VisitDrugRow.id))
    return [drug_view(session, d) for d in rows]


def _item(session: Session, table, item_id, visit_id, facility_code: str, field: str):
    visit = primary_care.get_visit(session, visit_id, facility_code=facility_code)
    try:
        row = session.get(table, int(str(item_id).strip()), with_for_update=True)
    except ValueError:
        row = None
    if row is None or row.visit_id != visit["id"]:
        raise NotFound(Msg("error.visit.item_unknown", number=str(item_id)), field=field)
    return row


def delete_drug(session: Session, drug_id, visit_id, *, actor: Actor, facility_code: str) -> dict:
    with unit_of_work(session):
        row = _item(session, VisitDrugRow, drug_id, visit_id, facility_code, "kdObatSK")
        session.delete(row)
        _audit(session, actor, "visit.drug.delete", row.visit_id, facility_code, row.drug_code or row.drug_name,
               before={"kdObatSK": row.id})
        return {"id": row.id, "deleted": True}


def procedure_view(session: Session, t: VisitProcedureRow, care_type: str = "RJTP") -> dict:
    return {"id": t.id, "visit_id": t.visit_id, "code": t.procedure_code,
            "name": pcare_codes.name(session, f"tindakan-{TKP.get(care_type, '10')}", t.procedure_code),
            "fee": t.fee, "notes": t.notes, "result": t.result}


#: the longest procedure result kept (its column, P-Care ``hasil``), refused beyond (A-S16)
RESULT_SIZE = 40


def _procedure_values(session: Session, visit: dict, code: str, fee, notes, result) -> dict:
    """A procedure's fields checked: its code (against the loaded list of the visit's care type),
    the cost the clinic gives, notes and result."""
    code = (code or "").strip()
    if not code or len(code) > 20:
        raise Invalid(Msg("error.visit.procedure_code"), field="kdTindakan")
    kind = f"tindakan-{TKP.get(visit['care_type'], '10')}"
    return {"procedure_code": pcare_codes.check(session, kind, code, "kdTindakan"), "fee": _count(fee, "biaya"),
            "notes": (notes or "").strip() or None,
            "result": check_length(None if result is None else str(result), "hasil", RESULT_SIZE, Msg("visit.result"))}


def add_procedure(session: Session, visit_id, *, actor: Actor, facility_code: str, code: str, fee=None,
                  notes: str | None = None, result=None) -> dict:
    with unit_of_work(session):
        visit = primary_care.get_visit(session, visit_id, facility_code=facility_code)
        row = VisitProcedureRow(visit_id=visit["id"], **_procedure_values(session, visit, code, fee, notes, result))
        session.add(row)
        session.flush()
        _audit(session, actor, "visit.procedure.add", visit["id"], facility_code, code,
               after={"kdTindakanSK": row.id, "kdTindakan": row.procedure_code, "biaya": row.fee})
        return procedure_view(session, row, visit["care_type"])


def update_procedure(session: Session, procedure_id, visit_id, *, actor: Actor, facility_code: str, code: str,
                     fee=None, notes: str | None = None, result=None) -> dict:
    """Correct a procedure of the visit (P-Care ``PUT tindakan``): its code, cost, notes and result
    are replaced by those sent."""
    with unit_of_work(session):
        visit = primary_care.get_visit(session, visit_id, facility_code=facility_code)
        row = _item(session, VisitProcedureRow, procedure_id, visit_id, facility_code, "kdTindakanSK")
        values = _procedure_values(session, visit, code, fee, notes, result)
        before = {"kdTindakan": row.procedure_code, "biaya": row.fee, "keterangan": row.notes, "hasil": row.result}
        for key, value in values.items():
            setattr(row, key, value)
        _audit(session, actor, "visit.procedure.update", visit["id"], facility_code, row.procedure_code,
               before=before, after={"kdTindakan": row.procedure_code, "biaya": row.fee, "keterangan": row.notes,
                                     "hasil": row.result})
        return procedure_view(session, row, visit["care_type"])


def procedures(session: Session, visit_id, *, facility_code: str) -> list[dict]:
    visit = primary_care.get_visit(session, visit_id, facility_code=facility_code)
    rows = session.scalars(select(VisitProcedureRow).where(VisitProcedureRow.visit_id == visit["id"])
                           .order_by(VisitProcedureRow.id))
    return [procedure_view(session, t, visit["care_type"]) for t in rows]


def delete_procedure(session: Session, procedure_id, visit_id, *, actor: Actor, facility_code: str) -> dict:
    with unit_of_work(session):
        row = _item(session, VisitProcedureRow, procedure_id, visit_id, facility_code, "kdTindakanSK")
        session.delete(row)
        _audit(session, actor, "visit.procedure.delete", row.visit_id, facility_code, row.procedure_code,
               before={"kdTindakanSK": row.id})
        return {"id": row.id, "deleted": True}
