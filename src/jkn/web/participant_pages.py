"""Participant pages: membership and family (with a notice, in advance, for a child whose status
ends within 30 days, and for cover that waits for the first contribution), the room class with its
reason, the FKTP and the change form (the 3-month rule of the rules engine), bills, arrears, penalty, suspension and what
to pay to reactivate, with the virtual account numbers to pay at a bank (docs/h2h.md); the digital
card of each family member, printable (issue #15). A participant sees their own family only. The FKTP
form is the FPDP of Perubahan Data 2.a (assumption A-P05, docs/assumptions.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.i18n import Msg
from jkn.rules.coverage import check_fktp_change
from jkn.services.billing import coverage, virtual_accounts
from jkn.services.care import facilities
from jkn.services.care.service_history import service_history
from jkn.services.errors import DomainError, Forbidden, NotFound, validation_message
from jkn.services.membership import cards, data_changes, registration, status_endings
from jkn.services.membership.change_requests import stands_for_itself
from jkn.services.membership.common import jakarta_today, rule
from jkn.services.membership.schemas import ChangeIn
from jkn.services.portal.accounts import PARTICIPANT
from jkn.store.billing_tables import PayerRow
from jkn.store.membership_tables import ParticipantRow
from jkn.web.form_values import read_version
from jkn.web.officer_pages import own_statement, payer_kind, room_class_reason
from jkn.web.security import Portal, csrf_protect, page, role_required

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]
Participant = Annotated[Portal, Depends(role_required(PARTICIPANT))]


def _me(session: Session, portal: Portal) -> ParticipantRow:
    p = session.get(ParticipantRow, portal.scope.participant_id)
    if p is None:
        raise NotFound(Msg("error.web.participant_record_missing"))
    return p


@router.get("/peserta", response_class=HTMLResponse)
def membership(request: Request, portal: Participant, session: DB):
    me = _me(session, portal)
    family = registration.family_view(session, me.family_id)
    head = next((m for m in family["members"] if m["relationship"] == "HEAD"), family["members"][0])
    status = coverage.coverage_status(session, me.card_number)
    reason = room_class_reason(head)
    endings = status_endings.status_endings(session, where=ParticipantRow.family_id == me.family_id)
    return page(request, portal, "participant/home.html", p=registration.participant_view(session, me),
                family=family, head=head, status=status, reason=reason, endings=endings["items"])


def _fktp_context(session: Session, me: ParticipantRow) -> dict:
    view = registration.participant_view(session, me)
    options = [f for f in facilities.list_facilities(session, level="FKTP", kabkota_code=me.kabkota_code, limit=500)
               if f["partnership"] == "PARTNER"]
    today = jakarta_today()
    rule_check = rule(check_fktp_change, me.fktp_since, max(today, me.fktp_since))
    return {"p": view, "options": options, "today": today.isoformat(), "allowed": rule_check.value,
            "explanation": rule_check.explain()}


@router.get("/peserta/fktp", response_class=HTMLResponse)
def fktp_page(request: Request, portal: Participant, session: DB, ok: str = ""):
    me = _me(session, portal)
    return page(request, portal, "participant/fktp.html", ok=ok, **_fktp_context(session, me))


@router.post("/peserta/fktp", response_class=HTMLResponse)
def change_fktp(request: Request, portal: Participant, session: DB, fktp_code: Annotated[str, Form()] = "",
                version: Annotated[str, Form()] = ""):
    """The participant's own FKTP change: the online form is the FPDP and the card is the signed-in
    participant's, so nothing is ticked as shown (an officer's control; assumption A-P07)."""
    me = _me(session, portal)
    try:
        shown = [i["code"] for i in data_changes.change_checklist("FKTP", me.card_number, session)["items"]
                 if stands_for_itself(i)]
        change = ChangeIn(kind="FKTP", effective_date=jakarta_today(), fktp_code=fktp_code or None,
                          version=read_version(version), documents_shown=shown)
        data_changes.apply_change(session, me.card_number, change, actor=portal.actor)
    except ValidationError as exc:
        return page(request, portal, "participant/fktp.html", status_code=422, error=validation_message(exc.errors()),
                    **_fktp_context(session, me))
    except DomainError as exc:
        ctx = _fktp_context(session, _me(session, portal))
        if exc.details.get("explanation"):
            ctx["explanation"] = exc.details["explanation"]
        return page(request, portal, "participant/fktp.html", status_code=exc.status, error=exc.say,
                    refused=True, **ctx)
    return RedirectResponse("/peserta/fktp?ok=fktp_changed", status_code=303)


@router.get("/peserta/tagihan", response_class=HTMLResponse)
def bills(request: Request, portal: Participant, session: DB):
    me = _me(session, portal)
    statement = own_statement(session, me)
    kind = payer_kind(session, me)
    status = coverage.coverage_status(session, me.card_number)
    view = registration.participant_view(session, me)
    accounts = virtual_accounts.payer_accounts(session, session.get(PayerRow, me.payer_id)) \
        if statement and me.payer_id else []
    return page(request, portal, "participant/bills.html", statement=statement, status=status, p=view,
                payer_kind=kind, accounts=accounts)


def _family_card(session: Session, me: ParticipantRow, card: str) -> ParticipantRow:
    """``card`` if it is a member of the participant's own family (403 otherwise; A-S11's family rule)."""
    if not card or card == me.card_number:
        return me
    other = session.scalar(select(ParticipantRow).where(ParticipantRow.card_number == card))
    if other is None or other.family_id != me.family_id:
        raise Forbidden(Msg("error.web.not_in_family"))
    return other


def _family(session: Session, me: ParticipantRow) -> list[ParticipantRow]:
    """The participant's family, the head first."""
    return list(session.scalars(select(ParticipantRow).where(ParticipantRow.family_id == me.family_id)
                                .order_by(ParticipantRow.relationship != "HEAD", ParticipantRow.id)))


@router.get("/peserta/kartu", response_class=HTMLResponse)
def card_page(request: Request, portal: Participant, session: DB):
    """The digital card of every member of the participant's family, as the printed card carries it."""
    me = _me(session, portal)
    members = _family(session, me)
    return page(request, portal, "participant/card.html",
                cards=[registration.participant_view(session, m) for m in members], own_card=me.card_number)


@router.get("/peserta/kartu.pdf")
def card_pdf(portal: Participant, session: DB, card: str = ""):
    """The printable card (PDF) of the participant or of a member of their family; the print is audited."""
    p = _family_card(session, _me(session, portal), card)
    pdf = cards.print_card(session, registration.participant_view(session, p), actor=portal.actor)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="kartu-{p.card_number}.pdf"'})


@router.get("/peserta/riwayat", response_class=HTMLResponse)
def history_page(request: Request, portal: Participant, session: DB, card: str = ""):
    """Service history (visits, referrals, SEPs) of the participant or of a member of their family."""
    me = _me(session, portal)
    p = _family_card(session, me, card)
    members = _family(session, me)
    return page(request, portal, "participant/history.html", history=service_history(session, p.card_number),
                members=members, chosen=p.card_number)
