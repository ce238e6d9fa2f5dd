"""The printable letters (PDF, reportlab) a hospital desk hands the participant: the SEP (TATA CARA
MENDAPATKAN PELAYANAN KESEHATAN §2.b), with the clauses it rests on; the control letter (surat
rencana kontrol, §2.a) and the SPRI (surat perintah rawat inap), laid out as VClaim prints them
(number, "Kepada Yth", the participant, the planned date, the DPJP's signature); the referral a
facility wrote (surat rujukan, §1-2)."""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.care import primary_care, referrals
from jkn.services.care import sep as sep_service
from jkn.services.care.common import JAKARTA, facility
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.membership_tables import ParticipantRow

CLASS_NAME = {"I": "Kelas 1", "II": "Kelas 2", "III": "Kelas 3"}


def _esc(text) -> str:
    return (str(text) if text is not None else "-").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _audited(session: Session, pdf: bytes, actor: Actor, action: str, *, facility_code: str, object_type: str,
             object_id: str, card_number: str) -> bytes:
    """``pdf``, its print recorded (``action``) for the branch of the facility that keeps the record."""
    with unit_of_work(session):
        audit.record_at_facility(session, actor, action, facility(session, facility_code), object_type=object_type,
                                 object_id=object_id, summary=Msg("audit.sum.letter_printed", card=card_number))
    return pdf


def print_sep_letter(session: Session, number: str, *, actor: Actor) -> bytes:
    """The SEP letter, the print audited (``sep.print``) for the branch of the SEP's facility."""
    pdf = render_sep_pdf(session, number)
    s = sep_service.get_sep(session, number)
    return _audited(session, pdf, actor, "sep.print", facility_code=s["facility"]["code"], object_type="sep",
                    object_id=s["number"], card_number=s["participant"]["card_number"])


def _styles() -> dict:
    styles = getSampleStyleSheet()
    return {"small": ParagraphStyle("small", parent=styles["Normal"], fontSize=7, leading=8.5),
            "cell": ParagraphStyle("cell", parent=styles["Normal"], fontSize=8.5, leading=10),
            "title": ParagraphStyle("title", parent=styles["Title"], fontSize=13, leading=15, spaceAfter=2)}


def _pairs(left: list[tuple[str, str]], right: list[tuple[str, str]], widths: list[float], cell) -> Table:
    """Two columns of "label : value" rows side by side."""
    rows = []
    for i in range(max(len(left), len(right))):
        lk, lv = left[i] if i < len(left) else ("", "")
        rk, rv = right[i] if i < len(right) else ("", "")
        rows.append([Paragraph(_esc(lk), cell), Paragraph(": " + _esc(lv), cell) if lk else "",
                     Paragraph(_esc(rk), cell), Paragraph(": " + _esc(rv), cell) if rk else ""])
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _signatures(left: str, right: str) -> Table:
    table = Table([[left, right], ["", ""], ["_" * 26, "_" * 26]], colWidths=[95 * mm, 95 * mm],
                  rowHeights=[4 * mm, 10 * mm, 4 * mm])
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTSIZE", (0, 0), (-1, -1), 8)]))
    return table


def _build(*, title: str, subject: str, heading: str, facility_line: str, story: list, printed: dt.datetime) -> bytes:
    """An A5 landscape page: heading, the facility, ``story``, the printed-at line."""
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A5), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=8 * mm, bottomMargin=8 * mm, title=title, author="jkn", subject=subject)
    doc.build([Paragraph(_esc(heading), st["title"]),
               Paragraph(_esc(facility_line), ParagraphStyle("sub", parent=st["cell"], alignment=1,
                                                             textColor=colors.HexColor("#333333"))),
               Spacer(1, 3 * mm), *story,
               Paragraph(_esc(f"Dicetak {printed.astimezone(JAKARTA):%Y-%m-%d %H:%M} WIB — jkn (implementasi "
                              "terbuka, bukan dokumen resmi BPJS Kesehatan)"), st["small"])])
    return buf.getvalue()


def render_sep_pdf(session: Session, number: str, *, printed_at: dt.datetime | None = None) -> bytes:
    """The SEP ``number`` as a one-page A5 landscape PDF."""
    s = sep_service.get_sep(session, number)
    p = s["participant"]
    st = _styles()
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
    basis = "; ".join(dict.fromkeys(step["source"].split(":")[0].split(" (")[0]
                                    for step in s["explanation"] if step.get("source")))
    story = [_pairs(left, right, [32 * mm, 78 * mm, 22 * mm, 58 * mm], st["cell"]), Spacer(1, 2 * mm),
             Paragraph("* Saya menyetujui BPJS Kesehatan menggunakan informasi medis pasien jika diperlukan. "
                       "* SEP bukan bukti penjaminan: pelayanan yang tidak dijamin (Panduan Peserta, Pelayanan "
                       "Kesehatan yang Tidak Dijamin) menjadi tanggungan peserta.", st["small"]),
             Paragraph(_esc(f"Dasar: {basis}") if basis else "", st["small"]), Spacer(1, 2 * mm),
             _signatures("Pasien/Keluarga Pasien", "Petugas BPJS Kesehatan")]
    return _build(title=f"SEP {s['number']}", subject="Surat Eligibilitas Peserta",
                  heading="BPJS KESEHATAN — SURAT ELIGIBILITAS PESERTA",
                  facility_line=f"{s['facility']['name']} ({s['facility']['code']})", story=story,
                  printed=printed_at or dt.datetime.now(JAKARTA))


def render_control_letter_pdf(session: Session, number: str, *, printed_at: dt.datetime | None = None) -> bytes:
    """A control letter (``kind`` "2") or an SPRI ("1") as a one-page A5 landscape PDF, worded as VClaim's."""
    c = referrals.get_control_letter(session, number)
    fac = facility(session, c["facility_code"])
    st = _styles()
    spri = c["kind"] == "1"
    s = None if spri else sep_service.get_sep(session, c["sep_number"])
    diagnosis = f"{s['diagnosis']['code']} - {s['diagnosis']['name']}" if s else "-"
    doctor = f"{c['doctor_name']} ({c['doctor_code']})" if c["doctor_name"] else c["doctor_code"] or "-"
    left = [("No. Surat", c["number"]), ("Kepada Yth", doctor),
            ("Sp./Sub.", f"{c['poli']['code']} {c['poli']['name']}".strip()),
            ("No. Kartu", c["card_number"]),
            ("Nama Peserta", f"{c['name']} ({'Laki-laki' if c['sex'] == 'L' else 'Perempuan'})"),
            ("Tgl. Lahir", c["birth_date"]), ("Diagnosa", diagnosis),
            ("Rencana Inap" if spri else "Rencana Kontrol", c["control_date"])]
    right = [("Tgl. Entri", c["issued_on"])] + ([] if spri else [("No. SEP Asal", c["sep_number"])])
    story = [Paragraph("Mohon pemeriksaan dan penanganan lebih lanjut:", st["cell"]), Spacer(1, 1 * mm),
             _pairs(left, right, [32 * mm, 88 * mm, 24 * mm, 46 * mm], st["cell"]), Spacer(1, 2 * mm),
             Paragraph("Demikian atas bantuannya, diucapkan banyak terima kasih.", st["cell"]), Spacer(1, 2 * mm),
             _signatures("", "Mengetahui DPJP")]
    what = "SURAT PERINTAH RAWAT INAP" if spri else "SURAT RENCANA KONTROL"
    return _build(title=f"{'SPRI' if spri else 'Surat Kontrol'} {c['number']}", subject=what.title(),
                  heading=f"BPJS KESEHATAN — {what}", facility_line=f"{fac.name} ({fac.code})", story=story,
                  printed=printed_at or dt.datetime.now(JAKARTA))


def print_control_letter(session: Session, number: str, *, actor: Actor) -> bytes:
    """The control letter or SPRI, the print audited (``control_letter.print``) at its facility."""
    pdf = render_control_letter_pdf(session, number)
    c = referrals.get_control_letter(session, number)
    return _audited(session, pdf, actor, "control_letter.print", facility_code=c["facility_code"],
                    object_type="control_letter", object_id=c["number"], card_number=c["card_number"])


def render_referral_pdf(session: Session, number: str, *, printed_at: dt.datetime | None = None) -> bytes:
    """A referral (rujukan) as a one-page A5 landscape PDF, worded as VClaim's "SURAT RUJUKAN"."""
    r = referrals.get_referral(session, number)
    p = session.get(ParticipantRow, r["participant_id"])
    st = _styles()
    to = r["to_facility"]
    left = [("No. Rujukan", r["number"]), ("Kepada Yth", f"{to['name']} ({to['code']})" if to["code"] else "-"),
            ("Poli", f"{r['poli']['code']} {r['poli']['name']}".strip() or "-"),
            ("No. Kartu", p.card_number),
            ("Nama Peserta", f"{p.name} ({'Laki-laki' if p.sex == 'L' else 'Perempuan'})"),
            ("Tgl. Lahir", p.birth_date.isoformat()),
            ("Diagnosa", f"{r['diagnosis']['code']} - {r['diagnosis']['name']}"),
            ("Keterangan", r["notes"] or r["complaint"] or "-")]
    if r.get("outside_reason"):  # a hospital outside the kab/kota (A-Q09)
        left.append(("Alasan di luar kab/kota", r["outside_reason"]))
    if r.get("visit_id"):  # an FKTP's referral carries the examination of its visit
        visit = primary_care.get_visit(session, r["visit_id"])
        left += [("Tanda vital", ", ".join(f"{k} {v}" for k, v in visit["vitals"].items()) or "-"),
                 ("Terapi", visit["therapy"] or "-")]
    right = [("Tgl. Rujukan", r["referral_date"]), ("Rencana Berkunjung", r["planned_visit_date"] or "-"),
             ("Berlaku s.d.", r["valid_until"]), ("Jns. Pelayanan", r["service_type_name"]),
             ("Tipe Rujukan", r["referral_type_name"])] + ([("No. SEP Asal", r["sep_number"])] if r["sep_number"] else [])
    story = [Paragraph("Mohon pemeriksaan dan penanganan lebih lanjut:", st["cell"]), Spacer(1, 1 * mm),
             _pairs(left, right, [30 * mm, 80 * mm, 32 * mm, 48 * mm], st["cell"]), Spacer(1, 2 * mm),
             Paragraph("Demikian atas bantuannya, diucapkan banyak terima kasih.", st["cell"]), Spacer(1, 2 * mm),
             _signatures("", "Mengetahui")]
    src = r["from_facility"]
    return _build(title=f"Rujukan {r['number']}", subject="Surat Rujukan", heading="BPJS KESEHATAN — SURAT RUJUKAN",
                  facility_line=f"{src['name']} ({src['code']})", story=story,
                  printed=printed_at or dt.datetime.now(JAKARTA))


def print_referral(session: Session, number: str, *, actor: Actor) -> bytes:
    """The referral letter, the print audited (``referral.print``) at the facility that wrote it."""
    pdf = render_referral_pdf(session, number)
    r = referrals.get_referral(session, number)
    return _audited(session, pdf, actor, "referral.print", facility_code=r["from_facility"]["code"],
                    object_type="referral", object_id=r["number"], card_number=r["card_number"])
