"""/api/v1 employers (Pemberi Kerja / Badan Usaha) and collective registration imports (issue #4).

Logged-in callers only (jkn.api.security): offices see the employers of their branches,
branch officers and administrators register and update them; an employer administrator sees
their own company and imports its staff. The blank import template stays public."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import false, true

from jkn.api import security as sec
from jkn.api.errors import Problem
from jkn.api.paging import PAGED, linked
from jkn.api.security import AUTH_RESPONSES as AUTH
from jkn.api.security import Caller
from jkn.api.v1.membership import CONFLICT, INVALID, NOT_FOUND, if_match_version
from jkn.i18n import Msg
from jkn.services.billing import statements
from jkn.services.bounds import Id, JknDate, Offset, Positive
from jkn.services.errors import Forbidden, NotFound
from jkn.services.membership import collective_import, employers
from jkn.services.membership.schemas import EmployerIn, EmployerUpdate
from jkn.services.portal import auth
from jkn.services.portal.accounts import EMPLOYER_ADMIN
from jkn.store.membership_tables import EmployerRow, ImportBatchRow

router = APIRouter(tags=["employers"])
imports = APIRouter(tags=["collective import"])


class EmployerOut(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "code": "00000001", "name": "PT Sehat Sentosa", "sector": "SWASTA", "kabkota_code": "31.71",
        "branch_code": "031", "status": "ACTIVE", "version": 1, "payer_code": "E00000001", "employees": 120}]})

    code: str
    name: str
    sector: str
    kabkota_code: str
    branch_code: str
    status: str
    version: int
    payer_code: str | None


class ImportRowError(BaseModel):
    """A cell (or row) of the file that is wrong, in the report's language."""

    row: int = Field(description="row of the file (the header is row 1)")
    column: str | None = Field(description="the template's column name, or none for the whole row")
    code: str = Field(description="what kind of error (birth_mismatch, nik_taken, bad_file ...)")
    message: str


class ImportReport(BaseModel):
    """Outcome of a collective import: all rows written, or the errors (nothing written)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "ok": False, "rows": 3, "families": 2, "participants": 0, "batch_id": None, "sample_cards": [],
        "error_count": 1, "errors": [{"row": 4, "column": "tanggal_lahir", "code": "birth_mismatch",
                                      "message": "tanggal lahir tidak sesuai NIK"}], "seconds": 0.12}]})

    ok: bool
    rows: int
    families: int
    participants: int
    batch_id: int | None
    sample_cards: list[str] = Field(description="card numbers of the first heads of family registered")
    error_count: int
    errors: list[ImportRowError]
    seconds: float


def _visible_employers(scope: auth.Scope):
    if scope.role == EMPLOYER_ADMIN:
        return EmployerRow.id == scope.employer_id if scope.employer_id is not None else false()
    if not scope.is_office:
        return false()
    return true() if scope.branch_codes is None else EmployerRow.branch_code.in_(scope.branch_codes)


@router.post("/employers", status_code=201, response_model=EmployerOut, responses={**AUTH, **CONFLICT, **INVALID},
             summary="Register an employer (in your work area)")
def register_employer(body: EmployerIn, caller: Caller) -> Any:
    sec.need(caller, "employer.register")
    sec.in_kabkota(caller, body.kabkota_code, "employer registration")
    return employers.register_employer(caller.session, body, actor=caller.actor)


@router.get("/employers", responses={**AUTH, **PAGED}, summary="Search employers by name or code (those you may see)")
def list_employers(request: Request, response: Response, caller: Caller, q: str | None = None,
                   limit: int = Query(50, ge=1, le=500), offset: Offset = 0) -> dict:
    sec.need(caller, "employer.read", "employer.self")
    return linked(request, response, employers.list_employers(caller.session, q=q, limit=limit, offset=offset,
                                                              where=_visible_employers(caller.scope)))


@router.get("/employers/{code}", response_model=EmployerOut, responses={**AUTH, **NOT_FOUND}, summary="An employer")
def get_employer(code: str, response: Response, caller: Caller) -> Any:
    e = sec.employer(caller, code)
    view = employers.employer_view(caller.session, e)
    response.headers["ETag"] = f'"{view["version"]}"'
    return view


@router.patch("/employers/{code}", response_model=EmployerOut, responses={**AUTH, **NOT_FOUND, **CONFLICT, **INVALID},
              summary="Update an employer's details (optimistic lock: version or If-Match)")
def update_employer(code: str, body: EmployerUpdate, caller: Caller, if_match: str | None = Header(None)) -> Any:
    sec.need(caller, "employer.change")
    e = sec.employer(caller, code)
    expected = if_match_version(if_match)
    if expected is not None and expected != body.version:
        body = body.model_copy(update={"version": expected})
    return employers.update_employer(caller.session, e.code, body, actor=caller.actor)


@router.get("/employers/{code}/employees", responses={**AUTH, **NOT_FOUND, **PAGED}, summary="The employer's employees and wages")
def list_employees(request: Request, response: Response, code: str, caller: Caller, include_inactive: bool = False,
                   limit: int = Query(100, ge=1, le=1000), offset: Offset = 0) -> dict:
    e = sec.employer(caller, code)
    return linked(request, response, employers.employees(caller.session, e.code, limit=limit, offset=offset,
                                                         include_inactive=include_inactive,
                                                         where=auth.participant_filter(caller.scope)))


@router.get("/employers/{code}/statement", responses={**AUTH, **NOT_FOUND}, summary="The employer's contribution statement")
def employer_statement(code: str, caller: Caller, on: JknDate | None = None) -> dict:
    e = sec.employer(caller, code)
    return statements.employer_statement(caller.session, e.code, on)


class LeaverIn(BaseModel):
    """The employer reports that its worker left (A-P14)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"month": "2026-11", "version": 3}]})
    month: str = Field(description="the last month worked (YYYY-MM, not before this month): cover under the "
                       "employer ends on its last day, the last month billed to the employer")
    version: Positive | None = Field(None, description="the participant's version you read")


class TransferIn(BaseModel):
    """The employer reports that its worker moves to another employer from the 1st of next month."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "employer_code": "00000002", "documents_shown": ["WORKPLACE/2", "WORKPLACE/3"], "version": 3}]})
    employer_code: str = Field(max_length=12)
    documents_shown: list[str] = Field(default_factory=list, description="checklist codes of the change EMPLOYER")
    version: Positive | None = Field(None, description="the participant's version you read")


def _reporting(caller: Caller, code: str) -> EmployerRow:
    """The employer that reports on its worker: its administrator, or an office that may change data."""
    sec.need(caller, "employer.self", "participant.change")
    return sec.employer(caller, code)


@router.post("/employers/{code}/employees/{card_number}/leaving", status_code=201,
             responses={**AUTH, **NOT_FOUND, **CONFLICT, **INVALID},
             summary="Report that a worker left: cover under the employer ends at the end of the month reported")
def report_leaver(code: str, card_number: str, body: LeaverIn, caller: Caller) -> Any:
    e = _reporting(caller, code)
    p = sec.participant(caller, card_number)
    return employers.report_leaver(caller.session, e.code, p.card_number, body.month, actor=caller.actor,
                                   version=body.version)


@router.post("/employers/{code}/employees/{card_number}/transfer", status_code=201,
             responses={**AUTH, **NOT_FOUND, **CONFLICT, **INVALID},
             summary="Report that a worker moves to another employer from the 1st of next month (change EMPLOYER)")
def report_transfer(code: str, card_number: str, body: TransferIn, caller: Caller) -> Any:
    e = _reporting(caller, code)
    p = sec.participant(caller, card_number)
    return employers.report_transfer(caller.session, e.code, p.card_number, body.employer_code, actor=caller.actor,
                                     documents_shown=body.documents_shown, version=body.version)


@imports.get("/imports/template", response_class=Response,
             responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                                          "text/csv": {}}}},
             summary="The published collective-registration template (XLSX or CSV); public, no personal data")
def template(format: Literal["xlsx", "csv"] = "xlsx") -> Response:
    media = "text/csv; charset=utf-8" if format == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(collective_import.template_bytes(format), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="template-pendaftaran-kolektif.{format}"'})


def _import_employer(caller: Caller, employer_code: str | None) -> EmployerRow | None:
    """Whose staff the file registers: an employer administrator only their own company's; an
    office an employer of its branches; a file without an employer only national offices."""
    if caller.role == EMPLOYER_ADMIN:
        sec.need(caller, "employer.upload")
        own = caller.session.get(EmployerRow, caller.scope.employer_id)
        if own is None or (employer_code and employer_code.strip() != own.code):
            raise Forbidden(Msg("error.api.import_own_company"))
        return own
    sec.need(caller, "participant.register")
    if employer_code:
        return sec.employer(caller, employer_code)
    if not caller.scope.national:
        raise Forbidden(Msg("error.api.import_needs_employer"))
    return None


@imports.post("/imports", response_model=ImportReport, status_code=201,
              responses={**AUTH, **NOT_FOUND, 422: {"model": ImportReport | Problem,
                                                    "description": "Rows with errors (the report; nothing was written), "
                                                                   "or an invalid request"}},
              summary="Collective registration from a CSV or XLSX file (all or nothing)")
def import_file(caller: Caller, file: UploadFile = File(..., description="CSV or XLSX in the published template"),
                employer_code: str | None = Form(None, description="employer of the wage earners in the file "
                                                 "(an employer administrator: their own, the default)"),
                lang: Literal["id", "en"] = Form("id", description="language of the error report"),
                registered_on: JknDate | None = Form(None, description="date of the forms (default today)"),
                documents_shown: str | None = Form(None, description="comma-separated checklist codes handed in "
                                                   "(default: the whole collective checklist)")) -> Any:
    e = _import_employer(caller, employer_code)
    shown = [c.strip() for c in documents_shown.split(",") if c.strip()] if documents_shown else None
    result = collective_import.import_file(caller.session, file.file.read(), filename=file.filename or "upload",
                                           employer_code=e.code if e else None, actor=caller.actor,
                                           registered_on=registered_on, documents_shown=shown)
    body = result.as_dict(lang)
    return body if result.ok else JSONResponse(body, status_code=422)


@imports.get("/imports/{batch_id}", responses={**AUTH, **NOT_FOUND}, summary="A collective import that was written")
def get_import(batch_id: Id, caller: Caller) -> dict:
    session = caller.session
    batch = session.get(ImportBatchRow, batch_id)
    if batch is None:
        raise NotFound(Msg("error.membership.import_batch_unknown", batch_id=str(batch_id)))
    if batch.employer_id is not None:
        e = session.get(EmployerRow, batch.employer_id)
        auth.check_employer(caller.scope, e)
    elif not caller.scope.national and batch.actor != caller.username:
        raise Forbidden(Msg("error.api.import_outside"))
    return collective_import.batch_view(session, batch_id)
