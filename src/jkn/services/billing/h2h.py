"""Payments through banks, host-to-host (issue #15, docs/h2h.md): what a bank asks and posts.

* ``inquiry``: what the payer behind a virtual account owes now (Asia/Jakarta today): its open
  bills, the arrears already due, the penalty paid with them (jkn.rules.penalty via the statement,
  jkn.services.billing.statements) and the total.
* ``pay``: a payment posted by the bank (jkn.services.billing.payments.post_payment, one unit of
  work, audited with the bank as actor). Idempotent by the bank's reference: the same reference
  again answers the first posting and posts nothing; with another VA or amount it is refused (409).
* ``reverse``: a payment taken back on the day it was made (jkn.services.billing.reversals).
* ``statement_csv`` / ``reconcile``: the day's file out (what we recorded for the bank) and the
  bank's file in, compared line by line (A-B04).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.billing.banks import BankAuth
from jkn.services.billing.payments import post_payment
from jkn.services.billing.reversals import reverse_payment
from jkn.services.billing.statements import payer_statement
from jkn.services.billing.virtual_accounts import payer_number, payer_of, split, va_number
from jkn.services.errors import Conflict, Forbidden, Invalid
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.schemas import PaymentIn
from jkn.services.portal.audit import Actor
from jkn.store.bank_tables import PaymentReversalRow
from jkn.store.billing_tables import PayerRow, PaymentRow

REFERENCE = re.compile(r"[A-Za-z0-9._-]{1,40}")
COLUMNS = ("date", "bank_reference", "va_number", "amount", "status")
MAX_FILE_LINES = 200_000


def _reference(value: str, field: str = "reference") -> str:
    if not isinstance(value, str) or not REFERENCE.fullmatch(value):
        raise Invalid(Msg("error.h2h.reference_format"), field=field)
    return value


def payment_reference(bank: str, reference: str) -> str:
    """The payment's reference in the ledger: the bank's, under the bank's code (unique across banks)."""
    return f"H2H:{bank}:{reference}"


def channel(bank: str) -> str:
    return f"h2h:{bank}"


def inquiry(session: Session, bank: BankAuth, va: str, on: dt.date | None = None) -> dict[str, Any]:
    """What the payer of ``va`` owes on ``on`` (today in Jakarta)."""
    on = on or jakarta_today()
    payer = payer_of(session, split(va, bank.va_prefix))
    s = payer_statement(session, payer, on)
    b = s["balance"]
    open_bills = [{"month": x["month"], "due_date": x["due_date"], "amount": x["amount"] - x["paid"]}
                  for x in s["bills"] if x["status"] == "OPEN" and x["amount"] > x["paid"]]
    not_yet_due = b["unpaid"] - b["arrears"]
    return {"va_number": va, "payer_name": payer.name, "payer_kind": payer.kind, "as_of": on.isoformat(),
            "bills": open_bills, "arrears": b["arrears"], "penalty": b["penalty"],
            "service_penalty": b["service_penalty_owed"], "not_yet_due": not_yet_due,
            "amount_due": b["amount_due"] + b["service_penalty_owed"] + not_yet_due, "suspended": b["suspended"]}


def _answer(session: Session, bank: BankAuth, pay: PaymentRow) -> dict[str, Any]:
    """The answer to a payment, the same every time it is asked for."""
    payer = session.get(PayerRow, pay.payer_id)
    reversal = session.scalar(select(PaymentReversalRow).where(PaymentReversalRow.payment_id == pay.id))
    return {"bank_reference": pay.reference.removeprefix(f"H2H:{bank.code}:"),
            "va_number": va_number(bank.va_prefix, payer_number(session, payer) or ""),
            "payer_name": payer.name, "amount": pay.amount, "paid_on": pay.paid_on.isoformat(),
            "receipt": f"JKN-{pay.id:010d}", "status": "REVERSED" if reversal else "PAID"}


def _own(bank: BankAuth, pay: PaymentRow) -> None:
    if pay.channel != channel(bank.code):
        raise Forbidden(Msg("error.h2h.not_this_bank"))


def pay(session: Session, bank: BankAuth, va: str, reference: str, amount: int, *, actor: Actor,
        on: dt.date | None = None) -> tuple[dict[str, Any], bool]:
    """Post a payment; returns (answer, created)."""
    ref = payment_reference(bank.code, _reference(reference))
    payer = payer_of(session, split(va, bank.va_prefix))
    found = session.scalar(select(PaymentRow).where(PaymentRow.reference == ref))
    if found is not None:
        if found.payer_id != payer.id or found.amount != amount:
            raise Conflict(Msg("error.h2h.reference_used", reference=reference, amount=found.amount,
                               paid_on=found.paid_on.isoformat()))
        return _answer(session, bank, found), False
    posted = post_payment(session, PaymentIn(reference=ref, payer_code=payer.code, amount=amount,
                                             paid_on=on or jakarta_today(), channel=channel(bank.code)), actor=actor)
    pay_row = session.get(PaymentRow, posted["id"])
    return _answer(session, bank, pay_row), not posted["duplicate"]


def reverse(session: Session, bank: BankAuth, reference: str, reversal_reference: str, *, actor: Actor,
            reason: str | None = None, on: dt.date | None = None) -> dict[str, Any]:
    """Reverse this bank's payment ``reference`` today; the same reversal again answers the first."""
    reverse_payment(session, payment_reference(bank.code, _reference(reference)),
                    reference=payment_reference(bank.code, _reference(reversal_reference, "reversal_reference")),
                    reason=reason, actor=actor, on=on, allowed=lambda p: _own(bank, p))
    return _answer(session, bank, session.scalar(select(PaymentRow).where(
        PaymentRow.reference == payment_reference(bank.code, reference))))


def day_records(session: Session, bank: BankAuth, day: dt.date) -> list[dict[str, Any]]:
    """The bank's payments of ``day`` as we recorded them."""
    rows = session.scalars(select(PaymentRow).where(PaymentRow.channel == channel(bank.code),
                                                     PaymentRow.paid_on == day).order_by(PaymentRow.id)).all()
    return [{"date": day.isoformat(), **{k: v for k, v in _answer(session, bank, p).items()
                                          if k in COLUMNS}} for p in rows]


def statement_csv(session: Session, bank: BankAuth, day: dt.date) -> str:
    """The file out: one line per payment the bank made on ``day`` (columns ``COLUMNS``)."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in day_records(session, bank, day):
        w.writerow({k: r[k] for k in COLUMNS})
    return out.getvalue()


def parse_file(text: str, day: dt.date) -> dict[str, dict[str, Any]]:
    """The bank's file in: the same columns; every line of ``day``; each reference once."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != list(COLUMNS):
        raise Invalid(Msg("error.h2h.file_header", value=','.join(COLUMNS)), field="file")
    lines: dict[str, dict[str, Any]] = {}
    for n, row in enumerate(reader, start=2):
        if n > MAX_FILE_LINES:
            raise Invalid(Msg("error.h2h.file_too_long", max_file_lines=MAX_FILE_LINES), field="file")
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        where = f"line {n}"
        if row["date"] != day.isoformat():
            raise Invalid(Msg("error.h2h.row_date", where=where, row=repr(row['date']), day=day.isoformat()), field="file")
        _reference(row["bank_reference"], "file")
        if not row["amount"].isdigit() or int(row["amount"]) <= 0:
            raise Invalid(Msg("error.h2h.row_amount", where=where, row=repr(row['amount'])), field="file")
        if row["status"] not in ("PAID", "REVERSED"):
            raise Invalid(Msg("error.h2h.row_status", where=where), field="file")
        if row["bank_reference"] in lines:
            raise Invalid(Msg("error.h2h.row_reference_twice", where=where, row=row['bank_reference']), field="file")
        lines[row["bank_reference"]] = {**row, "amount": int(row["amount"])}
    return lines


def reconcile(session: Session, bank: BankAuth, day: dt.date, text: str) -> dict[str, Any]:
    """Compare the bank's file of ``day`` with what we recorded: every line that differs, and why."""
    theirs = parse_file(text, day)
    ours = {r["bank_reference"]: r for r in day_records(session, bank, day)}
    mismatches = []
    for ref in sorted(set(theirs) | set(ours)):
        t, o = theirs.get(ref), ours.get(ref)
        if o is None:
            problem = "not_recorded"  # the bank has it, we do not
        elif t is None:
            problem = "not_in_bank_file"
        else:
            problem = next((f"{k}_differs" for k in ("va_number", "amount", "status") if t[k] != o[k]), None)
        if problem:
            mismatches.append({"bank_reference": ref, "problem": problem, "bank": t, "ours": o})

    def total(lines):
        return sum(x["amount"] for x in lines.values() if x["status"] == "PAID")
    return {"bank": bank.code, "date": day.isoformat(), "lines": {"bank": len(theirs), "ours": len(ours)},
            "paid": {"bank": total(theirs), "ours": total(ours)},
            "matched": len(set(theirs) & set(ours)) - sum(1 for m in mismatches if m["bank"] and m["ours"]),
            "mismatches": mismatches}
