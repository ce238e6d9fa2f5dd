"""An employer's monthly bill per employee and its invoice (issue #15): the bill's lines grouped by
the employee they belong to (the worker's contribution, additional family members, other
relatives), with the employer's and the worker's shares, and the invoice as a PDF with the virtual
accounts to pay it at a bank (docs/h2h.md)."""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.i18n import Msg
from jkn.rules.money import fmt
from jkn.services.billing import virtual_accounts
from jkn.services.billing.payments import resolve_payer
from jkn.services.errors import NotFound
from jkn.services.membership.common import get_employer
from jkn.store.billing_tables import BillLineRow, BillRow, PayerRow
from jkn.store.membership_tables import ParticipantRow


def employer_bill(session: Session, employer_code: str, bill_id: int) -> dict[str, Any]:
    """The employer's bill ``bill_id`` with one row per employee (404 for another payer's bill)."""
    e = get_employer(session, employer_code)
    payer = resolve_payer(session, employer_code=e.code)
    bill = session.get(BillRow, bill_id)
    if bill is None or bill.payer_id != payer.id:
        raise NotFound(Msg("error.billing.bill_unknown", bill_id=str(bill_id)))
    rows = session.execute(select(BillLineRow, ParticipantRow)
                           .join(ParticipantRow, ParticipantRow.id == BillLineRow.participant_id)
                           .where(BillLineRow.bill_id == bill.id).order_by(ParticipantRow.name, BillLineRow.id)).all()
    heads: dict[int, ParticipantRow] = {}
    employees: dict[int, dict[str, Any]] = {}
    for line, p in rows:
        head = p if p.relationship == "HEAD" else heads.get(p.family_id) or session.scalar(
            select(ParticipantRow).where(ParticipantRow.family_id == p.family_id, ParticipantRow.relationship == "HEAD"))
        heads[p.family_id] = head
        e_row = employees.setdefault(head.id, {"card_number": head.card_number, "name": head.name, "wage": None,
                                               "care_class": head.care_class, "lines": [], "employer_share": 0,
                                               "participant_share": 0, "amount": 0})
        e_row["lines"].append({"kind": line.kind, "card_number": p.card_number, "care_class": line.care_class,
                               "basis": line.basis, "employer_share": line.employer_share,
                               "participant_share": line.participant_share, "amount": line.amount})
        for key in ("employer_share", "participant_share", "amount"):
            e_row[key] += getattr(line, key)
        if line.kind == "WORKER" and line.basis:
            e_row["wage"] = line.basis  # the wage the month was billed on, not today's
    return {"employer": {"code": e.code, "name": e.name, "address": e.address or ""},
            "bill": {"id": bill.id, "month": str(Month.of(bill.month)), "due_date": bill.due_date.isoformat(),
                     "amount": bill.amount, "employer_share": bill.employer_share,
                     "participant_share": bill.participant_share, "paid": bill.paid_amount, "status": bill.status},
            "employees": sorted(employees.values(), key=lambda r: r["name"]),
            "accounts": virtual_accounts.payer_accounts(session, session.get(PayerRow, payer.id))}


def invoice_pdf(view: dict[str, Any]) -> bytes:
    """The invoice (tagihan iuran) of an employer's bill as A4 PDF, in Indonesian as BPJS issues it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    width, height = A4
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    bill, employer = view["bill"], view["employer"]
    c.setTitle(f"Tagihan Iuran {employer['code']} {bill['month']}")
    c.setAuthor("jkn")

    def header() -> float:
        c.setFont("Helvetica-Bold", 13)
        c.drawString(15 * mm, height - 18 * mm, "BPJS Kesehatan - Tagihan Iuran JKN-KIS Badan Usaha")
        c.setFont("Helvetica", 10)
        y = height - 28 * mm
        for label, value in (("Badan usaha", f"{employer['code']} {employer['name']}"[:80]),
                             ("Bulan iuran", bill["month"]), ("Jatuh tempo", bill["due_date"]),
                             ("No. tagihan", str(bill["id"]))):
            c.drawString(15 * mm, y, label)
            c.drawString(50 * mm, y, f": {value}")
            y -= 6 * mm
        c.setFont("Helvetica-Bold", 8)
        for x, title in ((15, "No. Kartu"), (45, "Nama"), (110, "Upah"), (138, "Pemberi kerja"), (165, "Pekerja"),
                         (188, "Jumlah")):
            c.drawString(x * mm, y - 4 * mm, title)
        c.setFont("Helvetica", 8)
        return y - 10 * mm

    y = header()
    for row in view["employees"]:
        if y < 40 * mm:
            c.showPage()
            y = header()
        c.drawString(15 * mm, y, row["card_number"])
        c.drawString(45 * mm, y, row["name"][:36])
        c.drawRightString(133 * mm, y, fmt(row["wage"]) if row["wage"] else "-")
        c.drawRightString(160 * mm, y, fmt(row["employer_share"]))
        c.drawRightString(183 * mm, y, fmt(row["participant_share"]))
        c.drawRightString(200 * mm, y, fmt(row["amount"]))
        y -= 5 * mm
    c.setFont("Helvetica-Bold", 9)
    y -= 3 * mm
    c.drawString(15 * mm, y, f"Jumlah tagihan: {fmt(bill['amount'])}  (pemberi kerja {fmt(bill['employer_share'])}, "
                             f"pekerja {fmt(bill['participant_share'])}); sudah dibayar {fmt(bill['paid'])}")
    c.setFont("Helvetica", 9)
    for account in view["accounts"]:
        y -= 6 * mm
        c.drawString(15 * mm, y, f"Bayar melalui {account['name']}: nomor virtual account {account['va_number']}")
    c.showPage()
    c.save()
    return buf.getvalue()
