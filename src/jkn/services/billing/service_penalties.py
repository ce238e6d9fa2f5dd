"""The service penalty (denda pelayanan) of an inpatient stay within 45 days of reactivation.

Until claims exist, the hospital (or an officer) closes an inpatient SEP with its discharge date
and its INA-CBG amount (``record_discharge``); the rules engine (jkn.rules.late_payment.
service_penalty) decides the penalty from the payer's ledger: the last day cover resumed on or
before the admission and the months in arrears paid then (jkn.services.billing.ledger). The row is
kept whether a penalty is due or not (with the reason), billed to the payer whose arrears were paid
(the employer for wage earners) and shown on its statement. Assumption A-R12.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg, Rp
from jkn.rules.late_payment import service_penalty
from jkn.services.billing.ledger import suspension_periods
from jkn.services.billing.payments import payer_branch
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.billing_tables import PayerRow, PaymentRow, ServicePenaltyPaymentRow, ServicePenaltyRow
from jkn.store.care_tables import SepRow
from jkn.store.membership_tables import ParticipantRow


def view(session: Session, row: ServicePenaltyRow) -> dict[str, Any]:
    payer = session.get(PayerRow, row.payer_id)
    card = session.scalar(select(ParticipantRow.card_number).where(ParticipantRow.id == row.participant_id))
    return {"sep_number": row.sep_number, "card_number": card, "payer": payer.code,
            "admitted_on": row.admitted_on.isoformat(), "discharged_on": row.discharged_on.isoformat(),
            "ina_cbg_amount": row.ina_cbg_amount,
            "reactivated_on": row.reactivated_on.isoformat() if row.reactivated_on else None,
            "months_counted": row.months, "rate_pct": row.rate_pct, "amount": row.amount, "exempt": row.exempt,
            "unable_to_pay": row.unable_to_pay, "paid": row.paid_amount, "explanation": row.explanation}


def record_discharge(session: Session, sep_number: str, *, discharged_on: dt.date, ina_cbg_amount: int,
                     unable_to_pay: bool = False, actor: Actor, facility_code: str | None = None) -> dict[str, Any]:
    """Close the inpatient SEP ``sep_number`` on ``discharged_on`` with its INA-CBG amount, and charge
    the service penalty the rules engine finds due (once per SEP)."""
    if isinstance(ina_cbg_amount, bool) or not isinstance(ina_cbg_amount, int) or ina_cbg_amount <= 0:
        raise Invalid(Msg("error.billing.ina_cbg_amount"), field="ina_cbg_amount")
    with unit_of_work(session):
        sep = session.get(SepRow, sep_number, with_for_update=True)
        if sep is None or sep.deleted_at is not None or (facility_code and sep.facility_code != facility_code):
            raise NotFound(Msg("error.billing.sep_unknown", sep_number=repr(sep_number)))
        if sep.service_type != "1":
            raise Invalid(Msg("error.billing.sep_not_inpatient", sep_number=str(sep_number)), field="sep_number")
        if discharged_on < sep.sep_date:
            raise Invalid(Msg("error.billing.discharge_before_sep", discharged_on=discharged_on,
                              sep_date=sep.sep_date),
                          field="discharged_on")
        if sep.discharge_date is not None and sep.discharge_date != discharged_on:
            raise Conflict(Msg("error.billing.sep_closed_other_day", sep_number=str(sep_number),
                               discharge_date=sep.discharge_date, discharged_on=discharged_on))
        if session.scalar(select(ServicePenaltyRow.id).where(ServicePenaltyRow.sep_number == sep_number)):
            raise Conflict(Msg("error.billing.sep_closed", sep_number=str(sep_number)))
        person = session.get(ParticipantRow, sep.participant_id)
        if person.payer_id is None:
            raise Invalid(Msg("error.billing.no_payer_account", card_number=str(person.card_number)), field="sep_number")
        payer = session.get(PayerRow, person.payer_id)
        resumed = [p for p in suspension_periods(session, payer.id, payer.segment, sep.sep_date)
                   if p.end is not None and p.end <= sep.sep_date]
        last = resumed[-1] if resumed else None
        charged = 0 if last is None else session.scalar(
            select(func.count()).select_from(ServicePenaltyRow).where(
                ServicePenaltyRow.participant_id == person.id, ServicePenaltyRow.reactivated_on == last.end,
                ServicePenaltyRow.amount > 0))
        decision = service_penalty(payer.segment, sep.sep_date, ina_cbg_amount,
                                   reactivated_on=last.end if last else None,
                                   months_in_arrears=last.months_in_arrears if last else 0,
                                   unable_to_pay=unable_to_pay, charged_in_window=charged)
        v = decision.value
        sep.discharge_date = discharged_on
        row = ServicePenaltyRow(sep_number=sep_number, participant_id=person.id, payer_id=payer.id,
                                admitted_on=sep.sep_date, discharged_on=discharged_on, ina_cbg_amount=ina_cbg_amount,
                                reactivated_on=last.end if last else None, months=v.months_counted,
                                rate_pct=v.rate_pct, amount=int(v.amount), exempt=v.exempt,
                                unable_to_pay=unable_to_pay, paid_amount=0, explanation=decision.explain())
        session.add(row)
        session.flush()
        audit.record(session, actor, "sep.discharge", object_type="sep", object_id=sep_number,
                     branch_code=payer_branch(session, payer), facility_code=sep.facility_code,
                     summary=Msg("audit.sum.service_penalty", day=discharged_on, ina_cbg=Rp(ina_cbg_amount),
                                 penalty=Rp(int(v.amount)), payer=payer.code),
                     after={"ina_cbg_amount": ina_cbg_amount, "service_penalty": int(v.amount), "payer": payer.code,
                            "exempt": v.exempt})
        return view(session, row)


def of_payer(session: Session, payer_id: int) -> list[dict[str, Any]]:
    """The service penalties billed to a payer (for its statement)."""
    rows = session.scalars(select(ServicePenaltyRow).where(ServicePenaltyRow.payer_id == payer_id,
                                                           ServicePenaltyRow.amount > 0)
                           .order_by(ServicePenaltyRow.admitted_on, ServicePenaltyRow.id)).all()
    return [view(session, r) for r in rows]


def owed_on(session: Session, payer_id: int, on: dt.date) -> int:
    """The service penalties of stays closed by ``on`` less what payments made by ``on`` paid of them
    (A-R13: owed from the day the stay is closed until paid)."""
    charged = session.scalar(select(func.coalesce(func.sum(ServicePenaltyRow.amount), 0)).where(
        ServicePenaltyRow.payer_id == payer_id, ServicePenaltyRow.discharged_on <= on))
    paid = session.scalar(select(func.coalesce(func.sum(ServicePenaltyPaymentRow.amount), 0))
                          .join(PaymentRow, PaymentRow.id == ServicePenaltyPaymentRow.payment_id)
                          .where(PaymentRow.payer_id == payer_id, PaymentRow.paid_on <= on))
    return int(charged) - int(paid)


def closed_on(session: Session, facility_code: str, day: dt.date) -> list[tuple[ServicePenaltyRow, SepRow]]:
    """The inpatient SEPs of a facility closed with their INA-CBG amount on one discharge date (the
    claims the hospital has submitted, VClaim ``Monitoring/Klaim``), by SEP number."""
    return list(session.execute(
        select(ServicePenaltyRow, SepRow).join(SepRow, SepRow.number == ServicePenaltyRow.sep_number)
        .where(SepRow.facility_code == facility_code, ServicePenaltyRow.discharged_on == day,
               SepRow.deleted_at.is_(None)).order_by(SepRow.number)).tuples())
