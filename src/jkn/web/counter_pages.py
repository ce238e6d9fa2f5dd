"""The cashier's counter (loket) of a branch office (issue #15): a payment taken at the counter for a
family (any member's card) or an employer in the officer's work area, posted by the ledger's
payment use case (jkn.services.billing.payments.post_payment: one unit of work, audited with the
officer as actor under the payer's branch), and its receipt printed (PDF). The form carries a
reference made when it is shown, so a form sent twice records the payment once."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.i18n import Msg
from jkn.services.billing import payments, receipts
from jkn.services.billing.statements import payer_statement
from jkn.services.errors import DomainError, Forbidden, Invalid, NotFound, validation_message
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.schemas import PaymentIn
from jkn.services.portal import auth
from jkn.services.portal.accounts import OFFICE_ROLES
from jkn.store.billing_tables import PayerRow, PaymentRow
from jkn.web.rendering import request_language
from jkn.web.security import Portal, csrf_protect, page, role_required

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]
Office = Annotated[Portal, Depends(role_required(*OFFICE_ROLES))]
CHANNEL = "counter"


def _payer(session: Session, portal: Portal, payer_id: str) -> PayerRow:
    """The payer named by a card number (13 digits) or an employer code (8 digits), in the officer's area."""
    key = payer_id.strip()
    if len(key) == 13 and key.isdigit():
        payer = payments.resolve_payer(session, card_number=key)
    elif len(key) == 8 and key.isdigit():
        payer = payments.resolve_payer(session, employer_code=key)
    else:
        raise Invalid(Msg("error.web.counter_payer_format"), field="payer")
    if payer.kind == "GOVERNMENT":
        raise Invalid(Msg("error.web.government_not_at_counter"), field="payer")
    if not portal.scope.sees_branch(payments.payer_branch(session, payer)):
        raise Forbidden(Msg("error.web.payer_outside"))
    return payer


def _form(request: Request, portal: Portal, status_code: int = 200, **ctx) -> HTMLResponse:
    reference = f"LOKET-{jakarta_today():%Y%m%d}-{secrets.token_hex(4).upper()}"
    return page(request, portal, "officer/counter.html", status_code=status_code, reference=reference,
                today=jakarta_today().isoformat(), **ctx)

#: the counter form's inputs by their labels, for the errors PaymentIn finds in them
FIELD_LABELS = {"amount": Msg("counter.amount"), "reference": Msg("counter.reference_field")}

@router.get("/petugas/loket", response_class=HTMLResponse)
def counter(request: Request, portal: Office, session: DB, payer: str = ""):
    auth.require(portal.scope, "payment.counter")
    if not payer:
        return _form(request, portal)
    try:
        row = _payer(session, portal, payer)
        return _form(request, portal, payer_id=payer, statement=payer_statement(session, row))
    except DomainError as exc:
        return _form(request, portal, status_code=exc.status, payer_id=payer, error=exc.message)


@router.post("/petugas/loket", response_class=HTMLResponse)
def post(request: Request, portal: Office, session: DB, payer: Annotated[str, Form()] = "",
         amount: Annotated[str, Form()] = "", reference: Annotated[str, Form()] = ""):
    auth.require(portal.scope, "payment.counter")
    try:
        row = _payer(session, portal, payer)
        data = PaymentIn(reference=reference, payer_code=row.code, amount=amount, paid_on=jakarta_today(),
                         channel=CHANNEL)
        done = payments.post_payment(session, data, actor=portal.actor)
    except ValidationError as exc:
        lang = request_language(request)  # the form's own labels, not PaymentIn's field names
        named = [{**e, "loc": (FIELD_LABELS[e["loc"][-1]].render(lang),) if e["loc"] and e["loc"][-1] in FIELD_LABELS
                  else e["loc"]} for e in exc.errors()]
        return _form(request, portal, status_code=422, payer_id=payer, error=validation_message(named))
    except DomainError as exc:
        return _form(request, portal, status_code=exc.status, payer_id=payer, error=exc.message)
    return RedirectResponse(f"/petugas/loket/{done['reference']}", status_code=303)


def _counter_payment(session: Session, portal: Portal, reference: str) -> tuple[dict, PayerRow]:
    pay = session.scalar(select(PaymentRow).where(PaymentRow.reference == reference, PaymentRow.channel == CHANNEL))
    if pay is None:
        raise NotFound(Msg("error.web.counter_payment_unknown", reference=repr(reference)))
    payer = session.get(PayerRow, pay.payer_id)
    if not portal.scope.sees_branch(payments.payer_branch(session, payer)):
        raise Forbidden(Msg("error.web.payer_outside"))
    return payments.get_payment(session, reference), payer


@router.get("/petugas/loket/{reference}", response_class=HTMLResponse)
def receipt_page(request: Request, portal: Office, session: DB, reference: str):
    auth.require(portal.scope, "payment.counter")
    view, payer = _counter_payment(session, portal, reference)
    return page(request, portal, "officer/receipt.html", pay=view, payer_name=payer.name)


@router.get("/petugas/loket/{reference}/kuitansi.pdf")
def receipt_pdf(portal: Office, session: DB, reference: str):
    auth.require(portal.scope, "payment.counter")
    view, payer = _counter_payment(session, portal, reference)
    pdf = receipts.receipt_pdf(view, payer_name=payer.name, branch=payments.payer_branch(session, payer),
                               cashier=portal.actor.name)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="kuitansi-{reference}.pdf"'})
