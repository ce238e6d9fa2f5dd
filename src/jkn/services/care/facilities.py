"""Facility registry (guide: FASILITAS KESEHATAN BAGI PESERTA): register, list, look up, staff.

A facility has a code (8 characters: Kemendagri kab/kota digits + a level letter + serial,
e.g. ``3273R001``), a kind from ``reference/data/facility_types.csv``, a kab/kota (hence a
branch) and a partnership status: PARTNER (bekerjasama), NETWORK (a supporting facility in the
network of a partner) or NON_PARTNER (seen only in emergencies).
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.services.care.common import FACILITY_CODE_RE, facility
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.paging import page
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import FacilityStaffRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.reference_tables import BranchRow, KabKotaRow

LEVEL_LETTER = {"FKTP": "U", "FKRTL": "R", "PENUNJANG": "P"}
STAFF_ROLES = ("DOCTOR", "SPECIALIST", "DENTIST", "MIDWIFE", "NURSE", "PHARMACIST", "BPJS_CENTER", "ADMIN")
SECTION = "Panduan Peserta, FASILITAS KESEHATAN BAGI PESERTA"


def list_facility_types(level: str | None = None) -> list[dict]:
    if level and level.upper() not in care_codes.LEVELS:
        raise Invalid(Msg("error.facility.level_choice", value=', '.join(care_codes.LEVELS)), field="level")
    return [type_view(t) for t in care_codes.facility_types().values() if not level or t.level == level.upper()]


def type_view(t: care_codes.FacilityType) -> dict:
    return {"code": t.code, "name": t.name, "level": t.level, "group": t.group,
            "default_partnership": t.partnership, "source": t.source}


def view(session: Session, row: FacilityRow, *, with_staff: bool = False) -> dict:
    kab = session.get(KabKotaRow, row.kabkota_code)
    branch = session.get(BranchRow, kab.branch_code) if kab else None
    kind = care_codes.facility_types().get(row.facility_type)
    out = {
        "code": row.code, "name": row.name, "level": row.level,
        "type": type_view(kind) if kind else {"code": row.facility_type},
        "partnership": row.partnership, "network_of": row.network_of,
        "kabkota": {"code": row.kabkota_code, "name": kab.name if kab else None,
                    "province": kab.province if kab else None},
        "branch": {"code": branch.code, "name": branch.name} if branch else None,
        "address": row.address, "phone": row.phone,
    }
    if with_staff:
        out["staff"] = [staff_view(s) for s in session.scalars(
            select(FacilityStaffRow).where(FacilityStaffRow.facility_code == row.code).order_by(FacilityStaffRow.id))]
    return out


def staff_view(s: FacilityStaffRow) -> dict:
    return {"id": s.id, "facility_code": s.facility_code, "name": s.name, "role": s.role,
            "registration_number": s.registration_number, "poli": s.poli_code, "active": s.active}


def _new_code(session: Session, kabkota_code: str, level: str) -> str:
    prefix = kabkota_code.replace(".", "") + LEVEL_LETTER[level]
    taken = session.scalars(select(FacilityRow.code).where(FacilityRow.code.like(prefix + "%"))).all()
    serials = [int(c[5:]) for c in taken if len(c) == 8 and c[5:].isdigit()]
    n = max(serials, default=0) + 1
    if n > 999:
        raise Conflict(Msg("error.facility.codes_exhausted", prefix=prefix))
    return f"{prefix}{n:03d}"


def register_facility(session: Session, *, actor: Actor, name: str, facility_type: str, kabkota_code: str,
                      code: str | None = None, partnership: str | None = None, network_of: str | None = None,
                      address: str | None = None, phone: str | None = None) -> dict:
    """Register a facility; validates kind, kab/kota, partnership and network (nothing written on error)."""
    kinds = care_codes.facility_types()
    kind = kinds.get((facility_type or "").strip().upper())
    if kind is None:
        raise Invalid(Msg("error.facility.type_unknown", facility_type=repr(facility_type),
                          value=', '.join(kinds)), field="facility_type")
    name = (name or "").strip()
    if not name or len(name) > 160:
        raise Invalid(Msg("error.facility.name_required"), field="name")
    partnership = (partnership or kind.partnership).strip().upper()
    if partnership not in care_codes.PARTNERSHIPS:
        raise Invalid(Msg("error.facility.partnership_choice", value=', '.join(care_codes.PARTNERSHIPS)), field="partnership")
    if kind.level == "PENUNJANG" and partnership != "NETWORK":
        raise Invalid(Msg("error.facility.network_required", name=kind.name, section=SECTION), field="partnership")
    if kind.level != "PENUNJANG" and partnership == "NETWORK":
        raise Invalid(Msg("error.facility.network_only_supporting", level=kind.level, section=SECTION), field="partnership")
    with unit_of_work(session):
        kab = session.get(KabKotaRow, (kabkota_code or "").strip())
        if kab is None:
            raise NotFound(Msg("error.facility.kabkota_unknown", kabkota_code=repr(kabkota_code)),
                           field="kabkota_code")
        if partnership == "NETWORK":
            if not network_of:
                raise Invalid(Msg("error.facility.network_of_required", name=kind.name, section=SECTION), field="network_of")
            partner = facility(session, network_of, "network_of")
            if partner.partnership != "PARTNER" or partner.level == "PENUNJANG":
                raise Invalid(Msg("error.facility.not_partner", code=str(partner.code)), field="network_of")
            network_of = partner.code
        elif network_of:
            raise Invalid(Msg("error.facility.network_of_supporting_only"), field="network_of")
        if code:
            code = code.strip().upper()
            if not FACILITY_CODE_RE.fullmatch(code):
                raise Invalid(Msg("error.facility.code_format"), field="code")
            if session.get(FacilityRow, code) is not None:
                raise Conflict(Msg("error.facility.code_taken", code=str(code)), field="code")
        else:
            code = _new_code(session, kab.code, kind.level)
        row = FacilityRow(code=code, name=name, level=kind.level, facility_type=kind.code, kabkota_code=kab.code,
                          partnership=partnership, network_of=network_of, address=address, phone=phone)
        session.add(row)
        session.flush()
        audit.record_at_facility(session, actor, "facility.register", row, object_type="facility", object_id=row.code,
                                 summary=Msg("audit.sum.facility", name=row.name,
                                             partnership=Msg(f"partnership.{row.partnership}")))
        return view(session, row)


def get_facility(session: Session, code: str) -> dict:
    return view(session, facility(session, code), with_staff=True)


def list_facilities(session: Session, *, level: str | None = None, kabkota_code: str | None = None,
                    branch_code: str | None = None, partnership: str | None = None, q: str | None = None,
                    limit: int = 100, offset: int = 0) -> list[dict]:
    stmt = _facilities(level=level, kabkota_code=kabkota_code, branch_code=branch_code, partnership=partnership, q=q)
    rows = session.scalars(stmt.limit(min(limit, 1000)).offset(offset)).all()
    return [view(session, r) for r in rows]


def facilities_page(session: Session, *, level: str | None = None, kabkota_code: str | None = None,
                    branch_code: str | None = None, q: str | None = None, limit: int, offset: int = 0) -> dict:
    """One page of :func:`list_facilities` with the count of every facility found (jkn.services.paging)."""
    stmt = _facilities(level=level, kabkota_code=kabkota_code, branch_code=branch_code, partnership=None, q=q)
    return page(session, stmt, limit, offset, lambda r: view(session, r))


def _facilities(*, level: str | None, kabkota_code: str | None, branch_code: str | None, partnership: str | None,
                q: str | None):
    stmt = select(FacilityRow)
    if level:
        stmt = stmt.where(FacilityRow.level == level.upper())
    if kabkota_code:
        stmt = stmt.where(FacilityRow.kabkota_code == kabkota_code)
    if branch_code:
        stmt = stmt.join(KabKotaRow, KabKotaRow.code == FacilityRow.kabkota_code).where(
            KabKotaRow.branch_code == branch_code)
    if partnership:
        stmt = stmt.where(FacilityRow.partnership == partnership.upper())
    if q:
        stmt = stmt.where(or_(FacilityRow.code == q.upper(), func.lower(FacilityRow.name).contains(q.lower())))
    return stmt.order_by(FacilityRow.code)


def search_faskes(session: Session, query: str, level_code: str) -> list[dict]:
    """VClaim ``referensi/faskes/{q}/{1|2}``: 1 = FKTP, 2 = FKRTL; name or code; partners only."""
    level = {"1": "FKTP", "2": "FKRTL"}.get(level_code)
    if level is None:
        raise Invalid(Msg("error.facility.kind_choice"), field="jenisFaskes")
    q = (query or "").strip()
    stmt = (select(FacilityRow.code, FacilityRow.name, KabKotaRow.name)
            .join(KabKotaRow, KabKotaRow.code == FacilityRow.kabkota_code)
            .where(FacilityRow.level == level, FacilityRow.partnership == "PARTNER")
            .where(or_(FacilityRow.code == q.upper(), func.lower(FacilityRow.name).contains(q.lower())))
            .order_by(FacilityRow.code).limit(100))
    return [{"kode": c, "nama": f"{n} - {k.upper()}"} for c, n, k in session.execute(stmt)]


def add_staff(session: Session, facility_code: str, *, actor: Actor, name: str, role: str,
              registration_number: str | None = None, poli_code: str | None = None) -> dict:
    role = (role or "").strip().upper()
    if role not in STAFF_ROLES:
        raise Invalid(Msg("error.facility.staff_role_choice", value=', '.join(STAFF_ROLES)), field="role")
    if not (name or "").strip():
        raise Invalid(Msg("error.facility.staff_name_required"), field="name")
    if poli_code and poli_code.upper() not in care_codes.polis():
        raise Invalid(Msg("error.facility.poli_unknown", poli_code=repr(poli_code)), field="poli_code")
    with unit_of_work(session):
        fac = facility(session, facility_code)
        row = FacilityStaffRow(facility_code=fac.code, name=name.strip(), role=role,
                               registration_number=registration_number, poli_code=poli_code.upper() if poli_code else None)
        session.add(row)
        session.flush()
        audit.record_at_facility(session, actor, "facility.staff.add", fac, object_type="facility", object_id=fac.code,
                                 summary=Msg("audit.sum.staff", name=row.name, role=Msg(f"staff_role.{row.role}")))
        return staff_view(row)


def list_staff(session: Session, facility_code: str) -> list[dict]:
    facility(session, facility_code)
    rows = session.scalars(select(FacilityStaffRow).where(FacilityStaffRow.facility_code == facility_code.upper())
                           .order_by(FacilityStaffRow.id))
    return [staff_view(r) for r in rows]


def create_demo_facilities(session: Session, kabkota_codes: list[str], *, actor: Actor) -> dict[str, list[str]]:
    """One puskesmas, one klinik pratama and one RSUD per kab/kota (for ``jkn demo``); returns codes by level.

    Existing demo facilities are kept (idempotent by name)."""
    out: dict[str, list[str]] = {"FKTP": [], "FKRTL": []}
    for kab_code in kabkota_codes:
        kab = session.get(KabKotaRow, kab_code)
        if kab is None:
            raise NotFound(Msg("error.facility.kab_unknown", kab_code=repr(kab_code)), field="kabkota_code")
        short = kab.name.replace("Kabupaten ", "").replace("Kota ", "").replace("Kab. ", "")
        for kind, name, level in (("PUSKESMAS_PERAWATAN", f"PUSKESMAS {short.upper()}", "FKTP"),
                                  ("KLINIK_PRATAMA", f"KLINIK PRATAMA SEHAT {short.upper()}", "FKTP"),
                                  ("RSUD", f"RSUD {short.upper()}", "FKRTL")):
            existing = session.scalar(select(FacilityRow.code).where(FacilityRow.name == name,
                                                                     FacilityRow.kabkota_code == kab_code))
            code = existing or register_facility(session, actor=actor, name=name, facility_type=kind,
                                                 kabkota_code=kab_code)["code"]
            out[level].append(code)
    return out


def facility_name(session: Session, code: str | None) -> str | None:
    """A facility's name by its code (None for no code or an unknown one)."""
    row = session.get(FacilityRow, code) if code else None
    return row.name if row else None
