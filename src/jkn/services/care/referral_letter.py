"""The printable referral letter of an FKTP (PDF, reportlab): what the participant takes to the
hospital (TATA CARA MENDAPATKAN PELAYANAN KESEHATAN §1-2), with the visit's examination, the
reason for a hospital outside the kab/kota, and the letter's validity."""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from jkn.services.care import primary_care, referrals
from jkn.services.care.common import JAKARTA, facility
from jkn.services.care.sep_letter import _esc
from jkn.services.errors import Forbidden
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.i18n import Msg
from jkn.store.membership_tables import ParticipantRow


def print_referral_letter(session: Session, number: str, *, actor: Actor, facility_code: str) -> bytes:
    """The letter of a referral the facility wrote, the print audited (``referral.print``)."""
    r = referrals.get_referral(session, number)
    if r["from_facility"]["code"] != facility_code:
        raise Forbidden(Msg("error.scope.record_other_facility"))
    pdf = render_referral_pdf(session, r)
    with unit_of_work(session):
        audit.record_at_facility(session, actor, "referral.print", facility(session, facility_code),
                                 object_type="referral", object_id=r["number"],
                                 summary=Msg("audit.summary.referral_print", card=r["card_number"]))
    return pdf


def render_referral_pdf(session: Session, r: dict, *, printed_at: dt.datetime | None = None) -> bytes:
    """One A5 portrait page."""
    p = session.get(ParticipantRow, r["participant_id"])
    visit = primary_care.get_visit(session, r["visit_id"]) if r.get("visit_id") else None
    printed = (printed_at or dt.datetime.now(JAKARTA)).astimezone(JAKARTA)
    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["Normal"], fontSize=9, leading=11)
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=7, leading=8.5)
    title = ParagraphStyle("title", parent=styles["Title"], fontSize=13, leading=15, spaceAfter=2)
    lines = [("No. Rujukan", r["number"]), ("Tgl. Rujukan", r["referral_date"]),
             ("Berlaku s.d.", r["valid_until"]), ("Dari (FKTP)", f"{r['from_facility']['name']} ({r['from_facility']['code']})"),
             ("Kepada (FKRTL)", f"{r['to_facility']['name']} ({r['to_facility']['code']})"),
             ("Poli tujuan", f"{r['poli']['name']} ({r['poli']['code']})" if r["poli"]["code"] else "-"),
             ("No. Kartu", r["card_number"]), ("Nama", r["name"]),
             ("Tgl. Lahir / Kelamin", f"{p.birth_date.isoformat()} / {'Laki-laki' if p.sex == 'L' else 'Perempuan'}"),
             ("Keluhan", r["complaint"] or "-"),
             ("Diagnosa", f"{r['diagnosis']['code']} - {r['diagnosis']['name']}"),
             ("Jenis pelayanan", r["service_type_name"]), ("Catatan", r["notes"] or "-")]
    if r.get("outside_reason"):
        lines.append(("Alasan di luar kab/kota", r["outside_reason"]))
    if visit:
        vit = visit["vitals"]
        lines += [("Tanda vital", ", ".join(f"{k} {v}" for k, v in vit.items()) or "-"),
                  ("Terapi", visit["therapy"] or "-")]
    table = Table([[Paragraph(_esc(k), cell), Paragraph(": " + _esc(v), cell)] for k, v in lines],
                  colWidths=[38 * mm, 90 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A5, leftMargin=10 * mm, rightMargin=10 * mm, topMargin=10 * mm,
                            bottomMargin=10 * mm, title=f"Rujukan {r['number']}", author="jkn",
                            subject="Surat Rujukan FKTP")
    story = [Paragraph("SURAT RUJUKAN FKTP", title), Spacer(1, 3 * mm), table, Spacer(1, 4 * mm),
             Paragraph("Mohon pemeriksaan dan penanganan lebih lanjut. Rujukan berlaku sampai tanggal di atas "
                       "(Panduan Peserta, Tata Cara Mendapatkan Pelayanan Kesehatan).", cell), Spacer(1, 14 * mm),
             Paragraph("Dokter pemeriksa: ____________________", cell), Spacer(1, 6 * mm),
             Paragraph(_esc(f"Dicetak {printed:%Y-%m-%d %H:%M} WIB — jkn (implementasi terbuka, bukan dokumen resmi "
                            "BPJS Kesehatan)"), small)]
    doc.build(story)
    return buf.getvalue()
