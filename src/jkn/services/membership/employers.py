"""Employers (Pemberi Kerja / Badan Usaha): registration, details, employees and wages
(guide, PENDAFTARAN I: wage earners register through their employer; IURAN §2-4: the employer
pays its share and collects the worker's)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.i18n import Msg
from jkn.services.errors import Invalid
from jkn.services.paging import page
from jkn.services.membership import cards, data_changes
from jkn.services.membership.change_requests import next_month
from jkn.services.membership.common import check_version, get_employer, get_participant, jakarta_today, jsonable
from jkn.services.membership.registration import employer_payer, resolve_kabkota
from jkn.services.membership.schemas import ChangeIn, EmployerIn, EmployerUpdate
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.billing_tables import PayerRow
from jkn.store.membership_tables import EmployerRow, ParticipantRow


def employer_view(session: Session, e: EmployerRow, *, counts: bool = True) -> dict[str, Any]:
    view = {k: jsonable(getattr(e, k)) for k in ("code", "name", "sector", "npwp", "kabkota_code", "branch_code",
                                                   "address", "email", "phone", "registered_on", "status", "version")}
    payer = session.scalar(select(PayerRow.code).where(PayerRow.employer_id == e.id))
    view["payer_code"] = payer
    if counts:
        view["employees"] = session.scalar(select(func.count()).select_from(ParticipantRow).where(
            ParticipantRow.employer_id == e.id, ParticipantRow.status == "ACTIVE"))
    return view


def new_employer_code(session: Session) -> str:
    return f"{cards.allocate(session, 'employer'):08d}"


def register_employer(session: Session, data: EmployerIn, *, actor: Actor) -> dict[str, Any]:
    kabkota_code, branch_code = resolve_kabkota(data.kabkota_code)
    with unit_of_work(session):
        e = EmployerRow(code=new_employer_code(session), name=data.name, sector=data.sector, npwp=data.npwp,
                        kabkota_code=kabkota_code, branch_code=branch_code, address=data.address, email=data.email,
                        phone=data.phone, registered_on=data.registered_on or jakarta_today(), status="ACTIVE")
        session.add(e)
        session.flush()
        employer_payer(session, e)
        audit.record(session, actor, "employer.register", object_type="employer", object_id=e.code,
                     branch_code=e.branch_code, summary=Msg("audit.sum.employer_registered", name=e.name),
                     after={"kabkota_code": kabkota_code})
    return employer_view(session, e)


def get_employer_view(session: Session, code: str) -> dict[str, Any]:
    return employer_view(session, get_employer(session, code))


def update_employer(session: Session, code: str, data: EmployerUpdate, *, actor: Actor) -> dict[str, Any]:
    fields = ("name", "address", "email", "phone", "status")
    with unit_of_work(session):
        e = get_employer(session, code, for_update=True)
        check_version(e, data.version, Msg("stale.employer", code=code))
        was = {k: getattr(e, k) for k in fields}
        for k in fields:
            v = getattr(data, k)
            if v is not None:
                setattr(e, k, v)
        session.flush()
        before, after = audit.changed(was, {k: getattr(e, k) for k in fields})
        audit.record(session, actor, "employer.update", object_type="employer", object_id=e.code,
                     branch_code=e.branch_code, summary=audit.changed_summary(after),
                     before=before, after=after)
    return employer_view(session, e)


def list_employers(session: Session, *, q: str | None = None, limit: int = 50, offset: int = 0,
                   where: Any = None) -> dict[str, Any]:
    """Search employers; ``where`` (a clause on ``employer``) limits it to a caller's scope."""
    stmt = select(EmployerRow)
    if where is not None:
        stmt = stmt.where(where)
    if q:
        stmt = stmt.where(func.lower(EmployerRow.name).like(f"%{q.strip().lower()}%") | (EmployerRow.code == q.strip()))
    return page(session, stmt.order_by(EmployerRow.id), limit, offset, lambda e: employer_view(session, e, counts=False))


def employees(session: Session, code: str, *, limit: int = 100, offset: int = 0,
              include_inactive: bool = False, where: Any = None) -> dict[str, Any]:
    """The employer's wage earners (family heads) with wage, grade and class; ``where``
    (jkn.services.portal.auth.participant_filter) keeps those a caller may open one by one
    (``total_wages`` stays the company's payroll)."""
    e = get_employer(session, code)
    stmt = select(ParticipantRow).where(ParticipantRow.employer_id == e.id)
    if where is not None:
        stmt = stmt.where(where)
    if not include_inactive:
        stmt = stmt.where(ParticipantRow.status == "ACTIVE")
    found = page(session, stmt.order_by(ParticipantRow.id), limit, offset, lambda p: {
        "card_number": p.card_number, "nik": p.nik, "name": p.name, "segment": p.segment, "wage": p.wage,
        "grade": p.grade, "care_class": p.care_class, "status": p.status, "family_id": p.family_id,
        "version": p.version})
    payroll = session.scalar(select(func.coalesce(func.sum(ParticipantRow.wage), 0)).where(
        ParticipantRow.employer_id == e.id, ParticipantRow.status == "ACTIVE"))
    return {"employer": {"code": e.code, "name": e.name}, "total_wages": int(payroll or 0), **found}


def _own_worker(session: Session, code: str, card_number: str) -> ParticipantRow:
    """A head of family who works for the employer ``code`` (the one who reports)."""
    e = get_employer(session, code)
    p = get_participant(session, card_number)
    if p.employer_id != e.id or p.relationship != "HEAD":
        raise Invalid(Msg("error.membership.not_this_employers_worker", card_number=str(p.card_number),
                          code=str(e.code)), field="card_number")
    return p


def report_leaver(session: Session, code: str, card_number: str, month: str, *, actor: Actor,
                  version: int | None = None) -> dict[str, Any]:
    """The employer ``code`` reports that its worker left in ``month``: cover under the employer ends
    on the last day of ``month`` (YYYY-MM), the last month it is billed (data change LEAVER, A-P14). A past
    month corrects the bills already made for the months after it (A-P15)."""
    p = _own_worker(session, code, card_number)
    try:
        reported = Month.parse(month)
    except ValueError:
        raise Invalid(Msg("error.membership.leaver_month", value=month), field="month") from None
    change = ChangeIn(kind="LEAVER", effective_date=reported.last_day, version=version)
    return data_changes.apply_change(session, p.card_number, change, actor=actor)


def report_transfer(session: Session, code: str, card_number: str, new_employer_code: str, *, actor: Actor,
                    documents_shown: list[str], version: int | None = None) -> dict[str, Any]:
    """The employer ``code`` reports that its worker moves to ``new_employer_code`` from the 1st of next
    month (guide, Perubahan Data Kepesertaan 2.c, Pindah Tempat Bekerja: data change EMPLOYER); the old
    employer is billed through this month, the new one from the next."""
    p = _own_worker(session, code, card_number)
    change = ChangeIn(kind="EMPLOYER", effective_date=next_month(jakarta_today()), employer_code=new_employer_code,
                      documents_shown=documents_shown, version=version)
    return data_changes.apply_change(session, p.card_number, change, actor=actor)
