"""Referral-back letters (Surat Rujuk Balik, SRB; VClaim ``PRB/insert``, ``PRB/Update``,
``PRB/Delete``, ``prb/{noSrb}/nosep/{noSep}``, ``prb/tglMulai/{a}/tglAkhir/{b}``): a hospital sends a
participant whose chronic disease is in the referral-back programme (``referensi/diagnosaprb``)
back to the FKTP with the DPJP's advice and the drugs to continue. The letter follows one of the
hospital's outpatient SEPs; one live letter per SEP (held by the database). Drug codes are the
hospital's as sent: no generic-drug list is held (assumption A-V41)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.services.care.claim_sheets import live_sep_of
from jkn.services.care.common import facility, jakarta_today, next_number, parse_date
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import BackReferralRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import ParticipantRow

LETTER_BACK = "P"  # the SRB number's letter (A-V41)
QUANTITY_RE = re.compile(r"[0-9]{1,4}")
MAX_DAYS = 366


def _text(value, field: str, *, required: bool = False, limit: int = 300) -> str | None:
    text = str(value or "").strip()
    if required and not text:
        raise Invalid(Msg("error.care.field_required", field=field), field=field)
    return text[:limit] or None


def _drugs(items) -> list[dict]:
    if not isinstance(items, list):
        raise Invalid(Msg("error.care.field_required", field="obat"), field="obat")
    out = []
    for d in items:
        d = d if isinstance(d, dict) else {}
        qty = str(d.get("jmlObat") or "").strip()
        if not QUANTITY_RE.fullmatch(qty) or int(qty) == 0:
            raise Invalid(Msg("error.care.code_unknown", field="obat.jmlObat", code=qty or "-"), field="obat")
        out.append({"kdObat": _text(d.get("kdObat"), "obat.kdObat", required=True, limit=20),
                    "signa1": _text(d.get("signa1"), "obat.signa1", required=True, limit=10),
                    "signa2": _text(d.get("signa2"), "obat.signa2", required=True, limit=10), "jmlObat": qty})
    return out


def _letter(session: Session, number: str | None, sep_number: str | None, facility_code: str) -> BackReferralRow:
    row = session.get(BackReferralRow, (number or "").strip())
    if (row is None or row.deleted_at is not None or row.facility_code != facility_code
            or (sep_number is not None and row.sep_number != sep_number.strip())):
        raise NotFound(Msg("error.care.srb_unknown", number=str(number)), field="noSrb")
    return row


def letter_view(session: Session, row: BackReferralRow) -> dict:
    p = session.get(ParticipantRow, row.participant_id)
    fktp = session.get(FacilityRow, p.fktp_code) if p.fktp_code else None
    return {"number": row.number, "sep_number": row.sep_number, "letter_date": row.letter_date.isoformat(),
            "programme": {"code": row.programme, "name": dict(care_codes.claim_codes("diagnosaprb"))[row.programme]},
            "dpjp_code": row.dpjp_code, "address": row.address, "email": row.email, "notes": row.notes,
            "advice": row.advice, "drugs": row.drugs,
            "participant": {"card_number": p.card_number, "name": p.name, "sex": p.sex,
                            "birth_date": p.birth_date.isoformat(),
                            "fktp": {"code": p.fktp_code or "", "name": fktp.name if fktp else ""}}}


def create(session: Session, t: dict, *, actor: Actor, facility_code: str) -> dict:
    """Write the SRB after an outpatient SEP of this facility, for the SEP's participant."""
    programme = str(t.get("programPRB") or "").strip()
    if programme not in dict(care_codes.claim_codes("diagnosaprb")):
        raise Invalid(Msg("error.care.code_unknown", field="programPRB", code=programme or "-"), field="programPRB")
    fields = dict(programme=programme, dpjp_code=_text(t.get("kodeDPJP"), "kodeDPJP", required=True, limit=20),
                  address=_text(t.get("alamat"), "alamat", required=True), email=_text(t.get("email"), "email", limit=120),
                  notes=_text(t.get("keterangan"), "keterangan", limit=1000),
                  advice=_text(t.get("saran"), "saran", limit=1000), drugs=_drugs(t.get("obat")))
    with unit_of_work(session):
        sep = live_sep_of(session, t.get("noSep"), facility_code)
        p = session.get(ParticipantRow, sep.participant_id)
        if str(t.get("noKartu") or "").strip() != p.card_number:
            raise Invalid(Msg("error.care.sep_other_card", sep_number=sep.number), field="noKartu")
        if sep.service_type != "2":
            raise Invalid(Msg("error.care.srb_outpatient", number=sep.number), field="noSep")
        today = jakarta_today()
        row = BackReferralRow(number=next_number(session, sep.facility_code, LETTER_BACK, today),
                              sep_number=sep.number, participant_id=p.id, facility_code=sep.facility_code,
                              letter_date=today, created_by=actor.name, **fields)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            raise Conflict(Msg("error.care.srb_exists", number=sep.number), field="noSep") from None
        audit.record_at_facility(session, actor, "prb.insert", facility(session, sep.facility_code),
                                 object_type="back_referral", object_id=row.number,
                                 summary=Msg("audit.sum.back_referral", card=p.card_number, programme=programme))
        return letter_view(session, row)


def update(session: Session, t: dict, *, actor: Actor, facility_code: str) -> str:
    """Change the address, email, DPJP, notes, advice and drugs of a live letter; answer its number."""
    with unit_of_work(session):
        row = _letter(session, t.get("noSrb"), str(t.get("noSep") or ""), facility_code)
        before = {"dpjp_code": row.dpjp_code, "drugs": row.drugs}
        row.dpjp_code = _text(t.get("kodeDPJP"), "kodeDPJP", required=True, limit=20)
        row.address = _text(t.get("alamat"), "alamat", required=True)
        row.email = _text(t.get("email"), "email", limit=120)
        row.notes, row.advice = _text(t.get("keterangan"), "keterangan", limit=1000), _text(t.get("saran"), "saran",
                                                                                            limit=1000)
        row.drugs = _drugs(t.get("obat"))
        session.flush()
        audit.record_at_facility(session, actor, "prb.update", facility(session, row.facility_code),
                                 object_type="back_referral", object_id=row.number,
                                 summary=Msg("audit.sum.back_referral_changed", number=row.number),
                                 before=before, after={"dpjp_code": row.dpjp_code, "drugs": row.drugs})
        return row.number


def delete(session: Session, t: dict, *, actor: Actor, facility_code: str) -> str:
    with unit_of_work(session):
        row = _letter(session, t.get("noSrb"), str(t.get("noSep") or ""), facility_code)
        row.deleted_at = dt.datetime.now(dt.timezone.utc)
        audit.record_at_facility(session, actor, "prb.delete", facility(session, row.facility_code),
                                 object_type="back_referral", object_id=row.number,
                                 summary=Msg("audit.sum.back_referral_deleted", number=row.number),
                                 before={"deleted": False}, after={"deleted": True})
        return row.number


def get(session: Session, number: str, sep_number: str, facility_code: str) -> dict:
    return letter_view(session, _letter(session, number, sep_number, facility_code))


def letters_between(session: Session, facility_code: str, start: "dt.date | str", end: "dt.date | str") -> list[dict]:
    a, b = parse_date(start, "tglMulai"), parse_date(end, "tglAkhir")
    if b < a:
        raise Invalid(Msg("error.care.end_before_start"), field="tglAkhir")
    if (b - a).days > MAX_DAYS:
        raise Invalid(Msg("error.care.days_at_once", max_days=MAX_DAYS), field="tglAkhir")
    rows = session.scalars(select(BackReferralRow).where(
        BackReferralRow.facility_code == facility_code, BackReferralRow.letter_date >= a,
        BackReferralRow.letter_date <= b, BackReferralRow.deleted_at.is_(None)).order_by(BackReferralRow.number))
    return [letter_view(session, r) for r in rows]
