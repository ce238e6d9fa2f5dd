"""BPJS's P-Care code lists (kesadaran, prognosa, status pulang, alergi, DPHO, tindakan, spesialis,
sarana, khusus), loaded by the operator from the lists BPJS publishes to P-Care clients
(``jkn care pcare-reference load KIND FILE.csv``) and answered as loaded; jkn makes up none of
them (assumption A-Q08). A code is checked against its list once the list is loaded."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.services.care.common import check_poli
from jkn.services.errors import Invalid
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.primary_care_tables import PCareCodeRow

#: the lists P-Care clients read (path in docs/pcare.md), by the name the CLI takes
KINDS = ("poli-fktp", "kesadaran", "prognosa", "statuspulang-rj", "statuspulang-ri", "alergi-01", "alergi-02", "alergi-03",
         "dpho", "tindakan-10", "tindakan-20", "tindakan-50", "spesialis", "subspesialis", "sarana", "khusus")
_CODE = re.compile(r"[0-9A-Za-z._-]{1,20}")


def _kind(kind: str) -> str:
    kind = (kind or "").strip().lower()
    if kind not in KINDS:
        raise Invalid(Msg("error.pcare.code_kind", kinds=", ".join(KINDS)), field="kind")
    return kind


def load(session: Session, kind: str, text: str, *, actor: Actor) -> int:
    """Replace the ``kind`` list by the rows of a CSV (``kode,nama`` and, for sub-specialties,
    ``induk``: the specialty, and ``poli``: the hospital clinic, kdPoliRujuk; for special referrals
    ``poli`` too, A-Q13); the whole file or nothing. Returns the number of codes loaded."""
    kind = _kind(kind)
    rows = list(csv.DictReader(io.StringIO(text)))
    seen: dict[str, PCareCodeRow] = {}
    for n, row in enumerate(rows, start=2):
        code, name = (row.get("kode") or "").strip(), (row.get("nama") or "").strip()
        if not _CODE.fullmatch(code) or not name or len(name) > 200 or code in seen:
            raise Invalid(Msg("error.pcare.code_row", line=n), field="file")
        poli = (row.get("poli") or "").strip().upper() or None
        if poli is not None and poli not in care_codes.polis():
            raise Invalid(Msg("error.pcare.code_row", line=n), field="file")
        seen[code] = PCareCodeRow(kind=kind, code=code, name=name, parent=(row.get("induk") or "").strip() or None,
                                  poli_code=poli)
    if not seen:
        raise Invalid(Msg("error.pcare.code_empty"), field="file")
    with unit_of_work(session):
        session.execute(delete(PCareCodeRow).where(PCareCodeRow.kind == kind))
        session.add_all(seen.values())
        audit.record(session, actor, "pcare_code.load", object_type="pcare_code", object_id=kind,
                     summary=Msg("audit.sum.codes_loaded", n=len(seen)))
    return len(seen)


def codes(session: Session, kind: str, *, parent: str | None = None, query: str | None = None) -> list[dict]:
    """The loaded ``kind`` list in code order (empty when not loaded); ``query`` a code or part of a name."""
    stmt = select(PCareCodeRow).where(PCareCodeRow.kind == _kind(kind))
    if parent is not None:
        stmt = stmt.where(PCareCodeRow.parent == parent)
    rows = session.scalars(stmt.order_by(PCareCodeRow.code)).all()
    q = (query or "").strip().lower()
    return [{"code": r.code, "name": r.name, "parent": r.parent, "poli": r.poli_code} for r in rows
            if not q or r.code.lower() == q or q in r.name.lower()]


def check(session: Session, kind: str, code: str | None, field: str) -> str | None:
    """``code`` as given (None when empty); refused when the ``kind`` list is loaded and lacks it."""
    code = (str(code).strip() if code is not None else "") or None
    if code is None:
        return None
    loaded = session.scalars(select(PCareCodeRow.code).where(PCareCodeRow.kind == _kind(kind))).all()
    if loaded and code not in loaded:
        raise Invalid(Msg("error.pcare.code_unknown", code=code, field=field), field=field)
    return code


def name(session: Session, kind: str, code: str | None) -> str | None:
    """The name of a loaded code (None when not loaded or no code)."""
    if not code:
        return None
    return session.scalar(select(PCareCodeRow.name).where(PCareCodeRow.kind == kind, PCareCodeRow.code == code))


#: Units of jkn's poli reference that only a hospital runs (intensive care, dialysis, radiology
#: procedures, radiotherapy, chemotherapy, anaesthesiology): never an FKTP's clinic (A-Q26).
HOSPITAL_ONLY_UNITS = frozenset({"ICU", "HDL", "IVP", "RDT", "KEM", "ANT"})


def fktp_polis(session: Session) -> list[dict]:
    """The clinics (poli) of an FKTP: BPJS's ``poli/fktp`` list once loaded, else jkn's poli reference
    less the units only a hospital runs (A-Q07, A-Q26)."""
    loaded = codes(session, "poli-fktp")
    return loaded or [{"code": p.code, "name": p.name, "parent": None, "poli": None}
                      for p in sorted(care_codes.polis().values(), key=lambda p: p.name)
                      if p.code not in HOSPITAL_ONLY_UNITS]


def fktp_poli(session: Session, code: str | None, field: str, *, required: bool = True) -> dict | None:
    """A clinic of an FKTP by code (``{code, name}``), checked as :func:`fktp_polis` lists them."""
    code = (code or "").strip().upper() or None
    if code is None and not required:
        return None
    if codes(session, "poli-fktp"):
        found = name(session, "poli-fktp", code)
        if found is None:
            raise Invalid(Msg("error.care.poli_unknown", code=repr(code)), field=field)
        return {"code": code, "name": found}
    p = check_poli(code, field, required=required)
    if p is not None and p.code in HOSPITAL_ONLY_UNITS:
        raise Invalid(Msg("error.queue.poli_not_fktp", code=p.code, name=p.name), field=field)
    return {"code": p.code, "name": p.name} if p else None


def fktp_poli_name(session: Session, code: str | None) -> str:
    known = name(session, "poli-fktp", code)
    poli = care_codes.polis().get(code or "")
    return known or (poli.name if poli else "")
