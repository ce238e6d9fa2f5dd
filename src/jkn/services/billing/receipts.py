"""The receipt (kuitansi / bukti bayar) of a payment, printable (PDF, reportlab as the card:
jkn.services.membership.cards). Labels in Indonesian, as the counter hands it over."""

from __future__ import annotations

import io

from jkn.rules.money import fmt


def receipt_pdf(payment: dict, *, payer_name: str, branch: str | None, cashier: str) -> bytes:
    """A5 receipt of a payment view (jkn.services.billing.payments._payment_view)."""
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    width, height = A5
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5)
    c.setTitle(f"Bukti Pembayaran {payment['reference']}")
    c.setAuthor("jkn")
    c.setFont("Helvetica-Bold", 13)
    c.drawString(15 * mm, height - 20 * mm, "BPJS Kesehatan")
    c.setFont("Helvetica", 10)
    c.drawString(15 * mm, height - 26 * mm, "Bukti Pembayaran Iuran JKN-KIS" + (f" - {branch}" if branch else ""))
    rows = [("No. Referensi", payment["reference"]), ("Tanggal Bayar", payment["paid_on"]),
            ("Pembayar", f"{payment['payer']} {payer_name}"[:60]), ("Jumlah", fmt(payment["amount"])),
            ("Untuk Iuran", fmt(payment["contribution"])), ("Untuk Denda", fmt(payment["penalty"])),
            ("Sisa (Kredit)", fmt(payment["credit"])), ("Tunggakan Setelah Bayar", fmt(payment["payer_status"]["arrears"])),
            ("Petugas", cashier)]
    y = height - 40 * mm
    for label, value in rows:
        c.drawString(15 * mm, y, label)
        c.drawString(65 * mm, y, f": {value}")
        y -= 7 * mm
    y -= 3 * mm
    c.setFont("Helvetica", 8)
    for a in payment["allocations"]:
        what = "denda" if a["penalty"] else "iuran"
        c.drawString(15 * mm, y, f"{a['month']}  {what}  {fmt(a['contribution'] + a['penalty'])}")
        y -= 5 * mm
    c.showPage()
    c.save()
    return buf.getvalue()
