"""Banks that collect contributions host-to-host (issue #15, docs/h2h.md). Migration 0007c.

* ``bank_client``: one bank's credentials for ``/h2h``: its code (``X-Bank-Id``), the secret that
  signs its requests (kept as issued: the server recomputes the HMAC), and the prefix of the
  virtual account numbers it collects on (assumption A-B01).
* ``payment_reversal``: a payment taken back by its bank on the day it was made (A-B03). The
  payment row stays (its reference remains used); its allocations are removed and the day is
  settled again without it, so the ledger stands as if it had never been made.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jkn.domain.timestamps import utcnow
from jkn.store.base import Base


class BankClientRow(Base):
    __tablename__ = "bank_client"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    va_prefix: Mapped[str] = mapped_column(String(8))
    secret: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PaymentReversalRow(Base):
    __tablename__ = "payment_reversal"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), unique=True)
    reference: Mapped[str] = mapped_column(String(64))  # the reversal's own reference (the bank's)
    reversed_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(60))
    reversed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("reference", name="uq_payment_reversal_reference"),)
