"""/api/v1 billing: runs, bills, payments, payer statements (issue #4).

Logged-in callers only (jkn.api.security): a payer's bills, payments and statement are seen by
whoever sees the payer (jkn.services.portal.auth.check_payer: an employer by its administrator and the
offices of its branch, a family by itself and the offices that see a member, the government's
accounts by head office and administrators). Billing runs and payments are recorded by
administrators."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from jkn.api import security as sec
from jkn.api.paging import PAGED, linked
from jkn.api.security import AUTH_RESPONSES as AUTH
from jkn.api.security import Caller
from jkn.api.v1.membership import CONFLICT, INVALID, NOT_FOUND
from jkn.i18n import Msg
from jkn.services.billing import payments, statements
from jkn.services.billing import runs as billing
from jkn.services.bounds import Id, JknDate, JknMonth, Offset, PositiveRupiah
from jkn.services.errors import Forbidden, NotFound
from jkn.services.membership.schemas import PaymentIn
from jkn.store.billing_tables import BillRow, PayerRow, PaymentRow

router = APIRouter(tags=["billing"])


def select_payer_code(payer_id_column, condition):
    """The code of the payer a bill or payment belongs to (for the scope check)."""
    return select(PayerRow.code).join_from(payer_id_column.table, PayerRow, PayerRow.id == payer_id_column).where(condition)


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"month": "2014-08", "method": "batch"}]})

    month: JknMonth = Field(description="the month billed, YYYY-MM (up to the horizon, JKN_DATE_HORIZON_YEARS)")
    method: Literal["batch", "single"] = "batch"
    pbi_amount: PositiveRupiah | None = Field(None, description="PBI contribution per person (not in the guide)")
    veteran_base_salary: PositiveRupiah | None = Field(None, description="basic salary of PNS III/a, 14 years (veterans)")


class RunOut(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "month": "2014-08", "method": "batch", "run_id": 7, "bills": 1200, "lines": 3400, "participants": 3400,
        "amount": 152000000, "skipped": [], "seconds": 0.42}]})

    month: str
    method: str
    run_id: int | None
    bills: int
    lines: int
    amount: int
    skipped: list[dict]


class PaymentOut(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "id": 1, "reference": "BNI-20140812-000123", "payer": "F12", "amount": 85000, "paid_on": "2014-08-12",
        "penalty": 0, "contribution": 85000, "credit": 0, "duplicate": False,
        "allocations": [{"bill_id": 31, "month": "2014-07", "contribution": 42500, "penalty": 0}]}]})

    id: int
    reference: str
    payer: str
    amount: int
    paid_on: str
    penalty: int
    contribution: int
    credit: int
    duplicate: bool
    allocations: list[dict]


@router.post("/billing/runs", status_code=201, response_model=RunOut, responses={**AUTH, **CONFLICT, **INVALID},
             summary="Bill every payer for a month (all or nothing; payers already billed are left alone)")
def run(body: RunIn, caller: Caller) -> Any:
    sec.need(caller, "billing.run")
    opts = billing.Options(pbi_amount=body.pbi_amount, veteran_base_salary=body.veteran_base_salary)
    return billing.run_billing(caller.session, body.month, actor=caller.actor, method=body.method,
                               options=opts).as_dict()


@router.get("/billing/runs", responses=AUTH, summary="Recent billing runs (offices)")
def runs(caller: Caller, limit: int = Query(20, ge=1, le=200)) -> list[dict]:
    sec.need(caller, "billing.read")
    return billing.list_runs(caller.session, limit)["items"]


@router.get("/bills", responses={**AUTH, **NOT_FOUND, **PAGED},
            summary="Bills by payer, month and status (outside head office: name a payer you may see)")
def list_bills(request: Request, response: Response, caller: Caller,
               payer: str | None = Query(None, description="payer code (E<employer>, F<family>, G-PBI ...)"),
               month: JknMonth | None = None,
               status: Literal["OPEN", "PAID"] | None = None, limit: int = Query(50, ge=1, le=500),
               offset: Offset = 0) -> dict:
    if payer and not caller.scope.national:
        sec.payer(caller, payer)
    elif not caller.scope.national:
        raise Forbidden(Msg("error.api.bills_need_payer"))
    return linked(request, response, billing.list_bills(caller.session, payer_code=payer, month=month,
                                                        status=status, limit=limit, offset=offset))


@router.get("/bills/{bill_id}", responses={**AUTH, **NOT_FOUND}, summary="A bill with its lines")
def get_bill(bill_id: Id, caller: Caller) -> dict:
    code = caller.session.scalar(select_payer_code(BillRow.payer_id, BillRow.id == bill_id))
    if code is None:
        raise NotFound(Msg("error.billing.bill_unknown", bill_id=str(bill_id)))
    sec.payer(caller, code)
    return billing.get_bill(caller.session, bill_id)


@router.post("/payments", status_code=201, response_model=PaymentOut,
             responses={200: {"model": PaymentOut, "description": "The same payment was already recorded (idempotent)"},
                        **AUTH, **NOT_FOUND, **CONFLICT, **INVALID},
             summary="Record a payment once (idempotent by reference), oldest bill first (administrators)")
def post_payment(body: PaymentIn, caller: Caller) -> Any:
    sec.need(caller, "payment.record")
    result = payments.post_payment(caller.session, body, actor=caller.actor)
    return JSONResponse(result, status_code=200) if result["duplicate"] else result


@router.get("/payments/{reference}", response_model=PaymentOut, responses={**AUTH, **NOT_FOUND}, summary="A payment")
def get_payment(reference: str, caller: Caller) -> Any:
    code = caller.session.scalar(select_payer_code(PaymentRow.payer_id, PaymentRow.reference == reference))
    if code is None:
        raise NotFound(Msg("error.billing.payment_unknown", reference=repr(reference)))
    sec.payer(caller, code)
    return payments.get_payment(caller.session, reference)


@router.get("/payers/{code}/statement", responses={**AUTH, **NOT_FOUND},
            summary="A payer's statement: bills, payments, arrears, penalty due, suspension")
def payer_statement(code: str, caller: Caller, on: JknDate | None = None) -> dict:
    sec.payer(caller, code)
    return statements.statement_by_payer_code(caller.session, code, on)


@router.get("/payers/{code}/payments", response_model=list[PaymentOut], responses={**AUTH, **NOT_FOUND},
            summary="A payer's payments")
def payer_payments(code: str, caller: Caller) -> Any:
    sec.payer(caller, code)
    return payments.list_payments(caller.session, code)

