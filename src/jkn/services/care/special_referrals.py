"""Special referrals (rujukan khusus; VClaim ``Rujukan/Khusus/insert``, ``Rujukan/Khusus/delete``,
``Rujukan/Khusus/List/Bulan/{b}/Tahun/{t}``): a hospital records, against a referral addressed to
it, the primary and secondary diagnoses (``"P;N18"``, ``"S;N18.1"``) and procedures of a special case.
One live record per referral (held by the database). No rule extending a referral's validity is
held: the dates answered are the referral's own (assumption A-V42)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.care import claim_sheets
from jkn.services.care.common import check_diagnosis, facility, jakarta_day_bounds, month_span
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import ReferralRow, SpecialReferralRow
from jkn.store.membership_tables import ParticipantRow

LEVELS = {"P": "primer", "S": "sekunder"}


def _diagnoses(items) -> list[dict]:
    out = []
    for d in items if isinstance(items, list) else []:
        level, _, code = str((d if isinstance(d, dict) else {}).get("kode") or "").partition(";")
        if level.strip().upper() not in LEVELS:
            raise Invalid(Msg("error.care.code_unknown", field="diagnosa.kode", code=level or "-"), field="diagnosa")
        out.append({"level": level.strip().upper(), "kode": check_diagnosis(code.strip(), "diagnosa.kode").code})
    if [d["level"] for d in out].count("P") != 1:
        raise Invalid(Msg("error.care.lpk_primary"), field="diagnosa")
    return out


def _referral(session: Session, number: str | None, facility_code: str) -> ReferralRow:
    row = session.get(ReferralRow, (number or "").strip())
    if row is None or row.deleted_at is not None or row.to_facility != facility_code:
        raise NotFound(Msg("error.care.referral_unknown", number=str(number)), field="noRujukan")
    return row


def view(session: Session, row: SpecialReferralRow) -> dict:
    ref = session.get(ReferralRow, row.referral_number)
    p = session.get(ParticipantRow, ref.participant_id)
    primary = next(d["kode"] for d in row.diagnoses if d["level"] == "P")
    return {"id": row.id, "referral_number": ref.number, "card_number": p.card_number, "name": p.name,
            "primary_diagnosis": primary, "start": ref.referral_date.isoformat(), "end": ref.valid_until.isoformat(),
            "diagnoses": row.diagnoses, "procedures": row.procedures}


def create(session: Session, body: dict, *, actor: Actor, facility_code: str) -> dict:
    diagnoses, procedures = _diagnoses(body.get("diagnosa")), claim_sheets.procedures(body.get("procedure"))
    with unit_of_work(session):
        ref = _referral(session, body.get("noRujukan"), facility_code)
        row = SpecialReferralRow(referral_number=ref.number, facility_code=facility_code, diagnoses=diagnoses,
                                 procedures=procedures, created_by=actor.name)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            raise Conflict(Msg("error.care.special_exists", number=ref.number), field="noRujukan") from None
        audit.record_at_facility(session, actor, "special_referral.insert", facility(session, facility_code),
                                 object_type="special_referral", object_id=row.id,
                                 summary=Msg("audit.sum.special_referral", number=ref.number))
        return view(session, row)


def delete(session: Session, t: dict, *, actor: Actor, facility_code: str) -> str:
    with unit_of_work(session):
        ident = str(t.get("idRujukan") or "").strip()
        row = session.get(SpecialReferralRow, int(ident)) if ident.isdigit() else None
        if (row is None or row.deleted_at is not None or row.facility_code != facility_code
                or row.referral_number != str(t.get("noRujukan") or "").strip()):
            raise NotFound(Msg("error.care.special_unknown", id=ident or "-"), field="idRujukan")
        row.deleted_at = dt.datetime.now(dt.timezone.utc)
        audit.record_at_facility(session, actor, "special_referral.delete", facility(session, facility_code),
                                 object_type="special_referral", object_id=row.id,
                                 summary=Msg("audit.sum.special_referral_deleted", number=row.referral_number))
        return row.referral_number


def in_month(session: Session, facility_code: str, month: "int | str", year: "int | str") -> list[dict]:
    """The facility's live special referrals recorded in one month (Jakarta)."""
    first, last = month_span(year, month)
    lo, hi = jakarta_day_bounds(first)[0], jakarta_day_bounds(last)[1]
    rows = session.scalars(select(SpecialReferralRow).where(
        SpecialReferralRow.facility_code == facility_code, SpecialReferralRow.deleted_at.is_(None),
        SpecialReferralRow.created_at >= lo, SpecialReferralRow.created_at < hi).order_by(SpecialReferralRow.id))
    return [view(session, r) for r in rows]
