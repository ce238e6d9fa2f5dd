"""Employer pages: staff and wages (a new wage reported from the next month), collective registration
upload with the per-row error report (or the whole result as XLSX), monthly bills and their payment
status. An employer administrator sees only their company."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.domain.month import Month
from jkn.services.billing import invoices, statements
from jkn.i18n import Msg
from jkn.services.errors import DomainError, Forbidden, Invalid, validation_message
from jkn.services.membership import collective_import, data_changes, employers, registration
from jkn.services.membership.change_requests import next_month
from jkn.services.membership.common import get_participant, jakarta_today
from jkn.services.membership.schemas import ChangeIn
from jkn.services.portal import auth
from jkn.services.portal.accounts import EMPLOYER_ADMIN
from jkn.store.membership_tables import EmployerRow, ParticipantRow
from jkn.web.form_values import read_version, whole_number
from jkn.web.rendering import request_language
from jkn.web.security import Portal, csrf_protect, page, role_required

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]
Employer = Annotated[Portal, Depends(role_required(EMPLOYER_ADMIN))]
MAX_UPLOAD = 20 * 1024 * 1024  # 20 MB


def _employer(session: Session, portal: Portal) -> EmployerRow:
    return session.get(EmployerRow, portal.scope.employer_id)


@router.get("/pemberi-kerja", response_class=HTMLResponse)
def staff_page(request: Request, portal: Employer, session: DB, offset: int = 0, ok: str = ""):
    e = _employer(session, portal)
    view = employers.employer_view(session, e)
    staff = employers.employees(session, e.code, limit=200, offset=max(0, offset),
                                where=auth.participant_filter(portal.scope))
    return page(request, portal, "employer/staff.html", employer=view, staff=staff, ok=ok)


@router.get("/pemberi-kerja/tagihan", response_class=HTMLResponse)
def bills_page(request: Request, portal: Employer, session: DB):
    e = _employer(session, portal)
    view = employers.employer_view(session, e)
    statement = statements.employer_statement(session, e.code)
    return page(request, portal, "employer/bills.html", employer=view, statement=statement)


@router.get("/pemberi-kerja/unggah", response_class=HTMLResponse)
def upload_form(request: Request, portal: Employer, session: DB):
    view = employers.employer_view(session, _employer(session, portal))
    return page(request, portal, "employer/upload.html", employer=view, report=None)


@router.get("/pemberi-kerja/templat.{fmt}")
def template(portal: Employer, session: DB, fmt: str):
    """The template with sample rows made for this employer (its kab/kota, a partner FKTP there): they import."""
    fmt = "csv" if fmt == "csv" else "xlsx"
    media = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    examples = collective_import.examples_for(session, _employer(session, portal).code)
    return Response(collective_import.template_bytes(fmt, examples), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="templat-pendaftaran-kolektif.{fmt}"'})


@router.post("/pemberi-kerja/unggah", response_class=HTMLResponse)
def upload(request: Request, portal: Employer, session: DB, file: Annotated[UploadFile, File()],
           result_format: Annotated[str, Form(alias="result")] = ""):
    """Check and register the file; with ``result=xlsx`` the answer is the whole result as XLSX (every
    row with its card number or all its errors) instead of the page."""
    e = _employer(session, portal)
    view = employers.employer_view(session, e)
    data = file.file.read(MAX_UPLOAD + 1)
    lang = request_language(request)
    if len(data) > MAX_UPLOAD:
        return page(request, portal, "employer/upload.html", status_code=413, employer=view, report=None,
                    error_key="upload.too_big")
    try:
        outcome = collective_import.import_file(session, data, filename=file.filename or "upload",
                                               employer_code=e.code, actor=portal.actor)
    except DomainError as exc:
        return page(request, portal, "employer/upload.html", status_code=exc.status, employer=view, report=None,
                    error=exc.say)
    if result_format == "xlsx":
        return Response(collective_import.result_workbook(session, outcome, lang),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": 'attachment; filename="hasil-pendaftaran-kolektif.xlsx"'})
    report = outcome.as_dict(lang)
    return page(request, portal, "employer/upload.html", status_code=200 if outcome.ok else 422, employer=view,
                report=report, filename=file.filename)


def _employee(session: Session, portal: Portal, card: str) -> ParticipantRow:
    """An employee of the administrator's company (403 for anyone else)."""
    return auth.check_participant(portal.scope, get_participant(session, card))


def _employee_page(request: Request, portal: Portal, session: Session, card: str, status_code: int = 200,
                   error=None, ok: str = "") -> Response:
    p = _employee(session, portal, card)
    today = jakarta_today()
    changes = data_changes.list_changes(session, p.card_number)
    return page(request, portal, "employer/employee.html", status_code=status_code, error=error, ok=ok,
                leaver=next((c for c in reversed(changes) if c["kind"] == "LEAVER"), None),
                first_month=str(Month.of(p.tmt)),
                p=registration.participant_view(session, p), effective=next_month(today).isoformat(),
                this_month=str(Month.of(today)), month_end=Month.of(today).last_day.isoformat(),
                transfer_docs=data_changes.change_checklist("EMPLOYER", p.card_number, session)["items"],
                wages=[c for c in changes if c["kind"] == "WAGE"])


@router.get("/pemberi-kerja/pekerja/{card}", response_class=HTMLResponse)
def employee_page(request: Request, portal: Employer, session: DB, card: str, ok: str = ""):
    return _employee_page(request, portal, session, card, ok=ok)


@router.post("/pemberi-kerja/pekerja/{card}/gaji", response_class=HTMLResponse)
def update_wage(request: Request, portal: Employer, session: DB, card: str, wage: Annotated[str, Form()] = "",
                version: Annotated[str, Form()] = ""):
    """A new wage reported by the employer, in force from the 1st of next month: the next month's bill is
    the first computed on it (data change WAGE; assumption A-P12)."""
    p = _employee(session, portal, card)

    def write():
        amount = whole_number({"wage": wage}, "wage", Msg("register.wage"))
        if amount is None:
            raise Invalid(Msg("error.membership.change_needs", kind="WAGE", value="wage"), field="wage")
        change = ChangeIn(kind="WAGE", effective_date=next_month(jakarta_today()), wage=amount,
                          version=read_version(version))
        data_changes.apply_change(session, p.card_number, change, actor=portal.actor)
    return _report(request, portal, session, card, write, f"/pemberi-kerja/pekerja/{card}?ok=wage_changed")


def _report(request: Request, portal: Portal, session: Session, card: str, write, done: str) -> Response:
    """Run one of the employer's reports on its worker: the page again with the error, or on to ``done``."""
    try:
        write()
    except ValidationError as exc:
        return _employee_page(request, portal, session, card, 422, validation_message(exc.errors()))
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        return _employee_page(request, portal, session, card, exc.status, exc.say)
    return RedirectResponse(done, status_code=303)


@router.post("/pemberi-kerja/pekerja/{card}/keluar", response_class=HTMLResponse)
def report_leaver(request: Request, portal: Employer, session: DB, card: str, month: Annotated[str, Form()] = "",
                  version: Annotated[str, Form()] = ""):
    """The worker left in ``month`` (YYYY-MM): cover under this employer ends on its last day (A-P14); a
    past month corrects the later bills already made (A-P15)."""
    p = _employee(session, portal, card)

    return _report(request, portal, session, card, lambda: employers.report_leaver(
        session, _employer(session, portal).code, p.card_number, month, actor=portal.actor,
        version=read_version(version)), f"/pemberi-kerja/pekerja/{card}?ok=leaver_reported")


@router.post("/pemberi-kerja/pekerja/{card}/pindah", response_class=HTMLResponse)
def report_transfer(request: Request, portal: Employer, session: DB, card: str,
                    employer_code: Annotated[str, Form()] = "", documents: Annotated[list[str], Form()] = [],
                    version: Annotated[str, Form()] = ""):
    """The worker moves to another employer from the 1st of next month (data change EMPLOYER)."""
    p = _employee(session, portal, card)
    return _report(request, portal, session, card, lambda: employers.report_transfer(
        session, _employer(session, portal).code, p.card_number, employer_code.strip(), actor=portal.actor,
        documents_shown=documents, version=read_version(version)), "/pemberi-kerja?ok=transfer_reported")


@router.get("/pemberi-kerja/tagihan/{bill_id}", response_class=HTMLResponse)
def bill_page(request: Request, portal: Employer, session: DB, bill_id: int):
    """A month's bill per employee: what each employee's lines cost the employer and the worker."""
    view = invoices.employer_bill(session, _employer(session, portal).code, bill_id)
    return page(request, portal, "employer/bill.html", view=view)


@router.get("/pemberi-kerja/tagihan/{bill_id}/faktur.pdf")
def invoice(portal: Employer, session: DB, bill_id: int):
    view = invoices.employer_bill(session, _employer(session, portal).code, bill_id)
    return Response(invoices.invoice_pdf(view), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="tagihan-{view["employer"]["code"]}-'
                                                    f'{view["bill"]["month"]}.pdf"'})
