"""The printable SEP letter (PDF, reportlab): what the BPJS Center hands the participant
(TATA CARA MENDAPATKAN PELAYANAN KESEHATAN §2.b), with the clauses the SEP rests on."""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from jkn.services.care import sep as sep_service
from jkn.services.care.common import JAKARTA, facility
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work

CLASS_NAME = {"I": "Kelas 1", "II": "Kelas 2", "III": "Kelas 3"}


def _esc(text) -> str:
    return (str(text) if text is not None else "-").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def print_sep_letter(session: Session, number: str, *, actor: Actor) -> bytes:
    """The SEP letter, the print audited (``sep.print``) for the branch of the SEP's facility."""
    pdf = render_sep_pdf(session, number)
    s = sep_service.get_sep(session, number)
    with unit_of_work(session):
        audit.record_at_facility(session, actor, "sep.print", facility(session, s["facility"]["code"]),
                                 object_type="sep", object_id=s["number"],
                                 summary=f"letter printed for {s['participant']['card_number']}")
    return pdf


def render_sep_pdf(session: Session, number: str, *, printed_at: dt.datetime | None = None) -> bytes:
    """The SEP ``number`` as a one-page A5 landscape PDF."""
    s = sep_service.get_sep(session, number)
    p = s["participant"]
    printed = (printed_at or dt.datetime.now(JAKARTA)).astimezone(JAKARTA)
    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=7, leading=8.5)
    cell = ParagraphStyle("cell", parent=styles["Normal"], fontSize=8.5, leading=10)
    title = ParagraphStyle("title", parent=styles["Title"], fontSize=13, leading=15, spaceAfter=2)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A5), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=8 * mm, bottomMargin=8 * mm, title=f"SEP {s['number']}",
                            author="jkn", subject="Surat Eligibilitas Peserta")
    referral = s["referral"]["number"] or s["control_letter_number"] or ("Gawat darurat" if s["emergency"] else "-")
    klass = CLASS_NAME.get(s["class_entitled"], s["class_entitled"])
    left = [("No. SEP", s["number"]), ("Tgl. SEP", s["sep_date"]),
            ("No. Kartu", f"{p['card_number']} (MR: {s['mr_number'] or '-'})"), ("Nama Peserta", p["name"]),
            ("Tgl. Lahir", f"{p['birth_date']}  Kelamin: {'Laki-laki' if p['sex'] == 'L' else 'Perempuan'}"),
            ("No. Telepon", s["phone"] or "-"),
            ("Poli Tujuan", f"{s['poli']['code']} {s['poli']['name']}".strip() or "-"),
            ("Faskes Perujuk", s["referral"]["facility"] or "-"), ("No. Rujukan / Kontrol", referral),
            ("Diagnosa Awal", f"{s['diagnosis']['code']} - {s['diagnosis']['name']}"), ("Catatan", s["notes"] or "-")]
    right = [("Peserta", p["segment_label"]), ("Jns. Rawat", s["service_type_name"]),
             ("Kls. Hak", klass), ("Kls. Rawat", klass if not s["class_upgrade"] else f"naik (kode {s['class_upgrade']})"),
             ("Penjamin", s["accident_name"] if s["accident"] != "0" else "-"),
             ("Faskes", f"{s['facility']['code']} {s['facility']['name']}")]
    rows = []
    for i in range(max(len(left), len(right))):
        lk, lv = left[i] if i < len(left) else ("", "")
        rk, rv = right[i] if i < len(right) else ("", "")
        rows.append([Paragraph(_esc(lk), cell), Paragraph(": " + _esc(lv), cell) if lk else "",
                     Paragraph(_esc(rk), cell), Paragraph(": " + _esc(rv), cell) if rk else ""])
    table = Table(rows, colWidths=[32 * mm, 78 * mm, 22 * mm, 58 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    basis = "; ".join(dict.fromkeys(step["source"].split(":")[0].split(" (")[0]
                                    for step in s["explanation"] if step.get("source")))
    signatures = Table([["Pasien/Keluarga Pasien", "Petugas BPJS Kesehatan"], ["", ""], ["_" * 26, "_" * 26]],
                       colWidths=[95 * mm, 95 * mm], rowHeights=[4 * mm, 10 * mm, 4 * mm])
    signatures.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTSIZE", (0, 0), (-1, -1), 8)]))
    story = [
        Paragraph("BPJS KESEHATAN — SURAT ELIGIBILITAS PESERTA", title),
        Paragraph(_esc(f"{s['facility']['name']} ({s['facility']['code']})"), ParagraphStyle(
            "sub", parent=cell, alignment=1, textColor=colors.HexColor("#333333"))),
        Spacer(1, 3 * mm), table, Spacer(1, 2 * mm),
        Paragraph("* Saya menyetujui BPJS Kesehatan menggunakan informasi medis pasien jika diperlukan. "
                  "* SEP bukan bukti penjaminan: pelayanan yang tidak dijamin (Panduan Peserta, Pelayanan Kesehatan "
                  "yang Tidak Dijamin) menjadi tanggungan peserta.", small),
        Paragraph(_esc(f"Dasar: {basis}") if basis else "", small), Spacer(1, 2 * mm), signatures,
        Paragraph(_esc(f"Dicetak {printed:%Y-%m-%d %H:%M} WIB — jkn (implementasi terbuka, bukan dokumen resmi "
                       "BPJS Kesehatan)"), small),
    ]
    doc.build(story)
    return buf.getvalue()
