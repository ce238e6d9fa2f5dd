"""``/h2h``: the host-to-host API banks use to collect contributions (issue #15, docs/h2h.md).

Every request is signed by one bank (jkn.api.h2h.signing); a request that is not gets 401 before
anything about it is looked at. Errors have the API's one body (jkn.api.errors.Problem). The
operations: inquiry (what a virtual account owes now), payment (idempotent by the bank's
reference), reversal (the same day), and the day's reconciliation file out (GET, CSV) and in (POST
CSV: the report of mismatches). The bank is the actor of every write (audit ``bank:<code>``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.api.errors import problem
from jkn.api.h2h.signing import BadSignature, verify
from jkn.i18n import Msg
from jkn.services.billing import h2h
from jkn.services.billing.banks import BankAuth, load_auth
from jkn.services.bounds import JknDate, PositiveRupiah
from jkn.services.errors import DomainError, Invalid
from jkn.services.portal.audit import Actor

MAX_SKEW = int(os.environ.get("JKN_H2H_MAX_SKEW", "300") or 300)  # seconds, as VClaim's window
MAX_BODY = 8 * 1024 * 1024  # a day's reconciliation file


class Unauthorized(DomainError):
    status = 401


@dataclass
class BankCall:
    bank: BankAuth
    session: Session
    body: bytes
    actor: Actor


async def _raw_body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise Invalid(Msg("error.h2h.body_too_big", max_body=MAX_BODY), field="body")
    return body


def signed_bank(request: Request, body: bytes = Depends(_raw_body), session: Session = Depends(get_session)) -> BankCall:
    """The bank that signed the request, or 401 (no more than "not valid" to who lacks the secret)."""
    code, timestamp, sig = (request.headers.get(h) for h in ("x-bank-id", "x-timestamp", "x-signature"))
    if not code or not timestamp or not sig:
        raise Unauthorized("X-Bank-Id, X-Timestamp and X-Signature headers are required")
    bank = load_auth(session, code.strip())
    if bank is None:
        raise Unauthorized("X-Bank-Id, X-Timestamp and X-Signature are not valid for this service")
    try:
        verify(bank.secret, timestamp.strip(), sig.strip(), request.method, request.url.path, body,
               now=time.time(), max_skew=MAX_SKEW)
    except BadSignature as exc:
        if exc.reason in ("stale", "future"):
            raise Unauthorized(str(exc)) from None
        raise Unauthorized("X-Bank-Id, X-Timestamp and X-Signature are not valid for this service") from None
    client = request.client.host if request.client else None
    return BankCall(bank, session, body, Actor.bank(bank.code, client))


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InquiryIn(_In):
    va_number: str = Field(min_length=6, max_length=24, pattern=r"^[0-9]+$")


class PaymentIn(_In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "va_number": "888881010000000013", "reference": "BRI20250101000123", "amount": 35000}]})
    va_number: str = Field(min_length=6, max_length=24, pattern=r"^[0-9]+$")
    reference: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$",
                           description="the bank's transaction reference: the idempotency key")
    amount: PositiveRupiah


class ReversalIn(_In):
    reference: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$",
                           description="the bank's reference of the payment to reverse")
    reversal_reference: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$",
                                    description="the bank's reference of this reversal (idempotency key)")
    reason: str | None = Field(None, max_length=200)


ERRORS = {401: problem("Not signed by a known bank"), 403: problem("Not this bank's payment"),
          404: problem("Unknown virtual account or payment"), 409: problem("Reference already used otherwise"),
          422: problem("Invalid input")}
router = APIRouter(prefix="/h2h", tags=["h2h"], responses=ERRORS)


@router.post("/inquiry", summary="What a virtual account owes now (bills, arrears, penalty, total)")
def inquiry(data: InquiryIn, call: BankCall = Depends(signed_bank)) -> dict:
    return h2h.inquiry(call.session, call.bank, data.va_number)


@router.post("/payments", status_code=201, summary="Post a payment (idempotent by the bank's reference)")
def payment(data: PaymentIn, response: Response, call: BankCall = Depends(signed_bank)) -> dict:
    answer, created = h2h.pay(call.session, call.bank, data.va_number, data.reference, data.amount, actor=call.actor)
    response.status_code = 201 if created else 200
    return answer


@router.post("/reversals", summary="Reverse a payment of today (Asia/Jakarta)")
def reversal(data: ReversalIn, call: BankCall = Depends(signed_bank)) -> dict:
    return h2h.reverse(call.session, call.bank, data.reference, data.reversal_reference, reason=data.reason,
                       actor=call.actor)


@router.get("/reconciliation/{day}", summary="The day's file out: the bank's payments as recorded (CSV)",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def file_out(day: JknDate, call: BankCall = Depends(signed_bank)) -> Response:
    return Response(h2h.statement_csv(call.session, call.bank, day), media_type="text/csv; charset=utf-8")


@router.post("/reconciliation/{day}", summary="The bank's file in (CSV): the report of mismatches")
def file_in(day: JknDate, call: BankCall = Depends(signed_bank)) -> dict:
    try:
        text = call.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(Msg("error.h2h.file_encoding"), field="file") from None
    return h2h.reconcile(call.session, call.bank, day, text)


def install(app: FastAPI) -> None:
    app.include_router(router)
