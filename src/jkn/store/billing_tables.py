"""Billing ledger: payer accounts, monthly bills and their lines, payments and allocations.

Guide (seed 001): IURAN (who pays what, due on the 10th), DENDA (late-payment penalty),
PENGHENTIAN PELAYANAN KESEHATAN (suspension). Migration 0003.

A payer is who receives the bill: an employer (wage earners and their additional
members), a family (PBPU / BP) or the government (PBI, veterans). ``oldest_unpaid_month``,
``arrears_amount`` and ``suspended_since`` are maintained by billing and payments from the
ledger (rules engine: jkn.rules) so an eligibility check is one indexed lookup, and so is
``penalty_owed`` (penalty charged and not yet paid, migration 0006a).
Months are stored as the first day of the month (a Date), on both backends.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from jkn.domain.timestamps import utcnow
from jkn.store.base import Base


class PayerRow(Base):
    __tablename__ = "payer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)  # E<employer>, F<family>, G-PBI, G-VETERAN
    kind: Mapped[str] = mapped_column(String(12))  # EMPLOYER / FAMILY / GOVERNMENT
    # a segment of the payer's group: its group (PPU / PBPU / BP / PBI) selects the penalty and
    # suspension rules (jkn.rules.penalty); for a family it is the head's segment
    segment: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(160))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), unique=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), unique=True)
    billed_through: Mapped[dt.date | None] = mapped_column(Date)  # last month billed
    oldest_unpaid_month: Mapped[dt.date | None] = mapped_column(Date)  # first month with a bill not fully paid
    arrears_amount: Mapped[int] = mapped_column(BigInteger, default=0)  # unpaid contributions on open bills
    suspended_since: Mapped[dt.date | None] = mapped_column(Date)  # first day of suspension if nothing is paid
    penalty_owed: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # charged, not paid
    credit: Mapped[int] = mapped_column(BigInteger, default=0)  # paid in advance, not yet allocated
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class BillingRunRow(Base):
    __tablename__ = "billing_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    month: Mapped[dt.date] = mapped_column(Date, index=True)
    method: Mapped[str] = mapped_column(String(12))  # batch / single
    bills: Mapped[int] = mapped_column(Integer, default=0)
    lines: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class BillRow(Base):
    """The monthly bill of one payer (tagihan iuran), due on the 10th of the month."""

    __tablename__ = "bill"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"))
    month: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)  # contribution total = sum of the three shares
    employer_share: Mapped[int] = mapped_column(BigInteger, default=0)
    participant_share: Mapped[int] = mapped_column(BigInteger, default=0)
    government_share: Mapped[int] = mapped_column(BigInteger, default=0)
    lines: Mapped[int] = mapped_column(Integer, default=0)
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(8), default="OPEN")  # OPEN / PAID
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("billing_run.id"))

    __table_args__ = (
        UniqueConstraint("payer_id", "month", name="uq_bill_payer_id_month"),
        Index("ix_bill_payer_id_status_month", "payer_id", "status", "month"),
    )


class BillLineRow(Base):
    """What one participant contributes to a bill (kind: WORKER, ADDITIONAL, FLAT, PBI, VETERAN).

    ``bill_id`` and ``participant_id`` are indexed but deliberately not declared as foreign keys:
    lines are written only by a billing run, in the same transaction as their bill, from rows read
    from ``participant`` (which are never deleted), so the references hold by construction; the
    per-row referential checks were three quarters of the cost of writing a month's lines on
    PostgreSQL (docs/benchmarks.md). tests/billing checks the references after every run."""

    __tablename__ = "bill_line"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    bill_id: Mapped[int] = mapped_column(Integer, index=True)  # bill.id, see above
    participant_id: Mapped[int] = mapped_column(Integer, index=True)  # participant.id, see above
    month: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))
    care_class: Mapped[str] = mapped_column(String(3))
    basis: Mapped[int | None] = mapped_column(BigInteger)  # wage the percentage applies to
    employer_share: Mapped[int] = mapped_column(BigInteger, default=0)
    participant_share: Mapped[int] = mapped_column(BigInteger, default=0)
    government_share: Mapped[int] = mapped_column(BigInteger, default=0)
    amount: Mapped[int] = mapped_column(BigInteger)


class PaymentRow(Base):
    """A payment received; ``reference`` is the idempotency key (the same payment posted twice
    is recorded once)."""

    __tablename__ = "payment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    channel: Mapped[str | None] = mapped_column(String(40))
    penalty_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    contribution_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    credit_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PenaltyChargeRow(Base):
    """The penalty (denda) charged on one day on the overdue contributions the payer paid that day
    (jkn.rules.settlement, assumptions A-M11, A-M12): owed from then on, paid after them. Its
    payments are allocated to ``bill_id``, the oldest bill paid late that day. Migration 0006a."""

    __tablename__ = "penalty_charge"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"))
    bill_id: Mapped[int] = mapped_column(ForeignKey("bill.id"))
    charged_on: Mapped[dt.date] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer)  # months of lateness counted (capped)
    basis: Mapped[int] = mapped_column(BigInteger)  # overdue contributions paid that day
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (UniqueConstraint("payer_id", "charged_on", name="uq_penalty_charge_payer_id_charged_on"),)


class AllocationRow(Base):
    """The part of a payment applied to one bill: to its contribution, or (``penalty_charge_id``) to
    a penalty charged on it."""

    __tablename__ = "payment_allocation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bill.id"), index=True)
    contribution_amount: Mapped[int] = mapped_column(BigInteger)
    penalty_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_charge_id: Mapped[int | None] = mapped_column(ForeignKey("penalty_charge.id"), index=True)


class ServicePenaltyRow(Base):
    """The service penalty (denda pelayanan) of an inpatient SEP closed with its INA-CBG amount
    (jkn.rules.late_payment.service_penalty, assumption A-R12): one row per closed inpatient SEP,
    with amount 0 and the reason where none is due; billed to ``payer_id`` (the employer for wage
    earners). Migration 0007e."""

    __tablename__ = "service_penalty"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sep_number: Mapped[str] = mapped_column(ForeignKey("sep.number"), unique=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"), index=True)
    admitted_on: Mapped[dt.date] = mapped_column(Date)
    discharged_on: Mapped[dt.date] = mapped_column(Date)
    ina_cbg_amount: Mapped[int] = mapped_column(BigInteger)
    reactivated_on: Mapped[dt.date | None] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer)  # months in arrears counted (at most 12)
    rate_pct: Mapped[str | None] = mapped_column(String(8))
    amount: Mapped[int] = mapped_column(BigInteger)
    exempt: Mapped[str | None] = mapped_column(String(24))  # why none is due (regime, window, segment ...)
    unable_to_pay: Mapped[bool] = mapped_column(Boolean, default=False)
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    explanation: Mapped[list] = mapped_column(JSON, default=list)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ServicePenaltyPaymentRow(Base):
    """The part of a payment that paid a service penalty (jkn.rules.settlement, assumption A-R13).
    Migration 0008a."""

    __tablename__ = "service_penalty_payment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"))
    service_penalty_id: Mapped[int] = mapped_column(ForeignKey("service_penalty.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (UniqueConstraint("payment_id", "service_penalty_id", name="uq_service_penalty_payment"),
                      CheckConstraint("amount > 0", name="ck_service_penalty_payment_amount"))
