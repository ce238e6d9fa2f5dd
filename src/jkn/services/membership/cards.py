"""Participant card numbers and the printable card (guide, HAK DAN KEWAJIBAN: "Mendapatkan kartu
peserta sebagai bukti sah untuk memperoleh pelayanan kesehatan").

Card number (nomor kartu, 13 digits) — docs/membership.md, assumption A-M01 (docs/assumptions.md):

    BBB SSSSSSSSS C
    BBB        branch code (Kantor Cabang, Perdir 19/2017) of the kab/kota at registration
    SSSSSSSSS  serial within that branch (counter ``card:<branch>`` in table ``counter``)
    C          Luhn (mod 10) check digit over the first 12 digits

The number is for life: a replacement card (lost, damaged, wrong data) keeps the number and
increments ``participant.card_print``.
"""

from __future__ import annotations

import io

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.membership_tables import CounterRow

CARD_LENGTH = 13
SERIAL_DIGITS = 9


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # doubled positions, counted from the right of the payload
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def card_number(branch_code: str, serial: int) -> str:
    if not (len(branch_code) == 3 and branch_code.isdigit()):
        raise ValueError(f"branch code must be 3 digits, got {branch_code!r}")
    if not 0 < serial < 10**SERIAL_DIGITS:
        raise ValueError(f"serial out of range: {serial}")
    payload = f"{branch_code}{serial:0{SERIAL_DIGITS}d}"
    return payload + luhn_digit(payload)


def valid_card_number(text: str) -> bool:
    return len(text) == CARD_LENGTH and text.isdigit() and luhn_digit(text[:-1]) == text[-1]


def insert_ignore(session: Session, table, values: dict) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing())


def allocate(session: Session, name: str, count: int = 1) -> int:
    """Reserve ``count`` consecutive values of counter ``name``; return the first.

    The UPDATE comes first so the row is locked (PostgreSQL) or the write lock taken (SQLite)
    before the value is read: two registrations never get the same value."""
    stmt = update(CounterRow).where(CounterRow.name == name).values(next_value=CounterRow.next_value + count)
    if session.execute(stmt).rowcount == 0:
        insert_ignore(session, CounterRow.__table__, {"name": name, "next_value": 1})
        session.execute(stmt)
    after = session.scalar(select(CounterRow.next_value).where(CounterRow.name == name))
    return int(after) - count


def new_card_numbers(session: Session, branch_code: str, count: int = 1) -> list[str]:
    first = allocate(session, f"card:{branch_code}", count)
    return [card_number(branch_code, first + i) for i in range(count)]


def print_card(session: Session, view: dict, *, actor: Actor) -> bytes:
    """The printable card of a participant view, the print audited (``card.print``) for the
    participant's branch, whichever door printed it."""
    pdf = card_pdf(view)
    with unit_of_work(session):
        audit.record(session, actor, "card.print", object_type="participant", object_id=view["card_number"],
                     branch_code=view["branch_code"], summary=Msg("audit.sum.card_printed", n=view["card_print"]))
    return pdf


def card_pdf(view: dict) -> bytes:
    """A printable card (ID-1 size, 85.6 x 54 mm) for a participant view (registration.participant_view)."""
    from reportlab.graphics.barcode import code128
    from reportlab.lib.colors import HexColor, white
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    width, height = 85.6 * mm, 54 * mm
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setTitle(f"Kartu Peserta {view['card_number']}")
    c.setAuthor("jkn")
    c.setFillColor(HexColor("#0b7a3b"))
    c.rect(0, height - 12 * mm, width, 12 * mm, fill=1, stroke=0)
    c.setFillColor(white)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(4 * mm, height - 6 * mm, "BPJS Kesehatan")
    c.setFont("Helvetica", 6.5)
    c.drawString(4 * mm, height - 10 * mm, "Kartu Peserta Jaminan Kesehatan Nasional")
    c.drawRightString(width - 4 * mm, height - 6 * mm, f"cetak ke-{view['card_print']}")
    c.setFillColor(HexColor("#000000"))
    y = height - 17 * mm
    c.setFont("Helvetica-Bold", 11)
    number = view["card_number"]
    c.drawString(4 * mm, y, f"{number[:4]} {number[4:8]} {number[8:12]} {number[12]}")
    rows = [
        ("Nama", view["name"]),
        ("NIK", view["nik"]),
        ("Tgl. Lahir", view["birth_date"]),
        ("Faskes Tingkat I", f"{view['fktp']['code']} {view['fktp']['name'] or ''}"[:46]),
        ("Kelas Rawat", f"Kelas {view['care_class']}"),
        ("Jenis Peserta", view["segment_label"][:46]),
    ]
    c.setFont("Helvetica", 6.5)
    for label, value in rows:
        y -= 3.6 * mm
        c.drawString(4 * mm, y, f"{label}")
        c.drawString(24 * mm, y, f": {value}")
    barcode = code128.Code128(number, barHeight=5 * mm, barWidth=0.22 * mm)
    barcode.drawOn(c, width - barcode.width - 3 * mm, 2.5 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()
