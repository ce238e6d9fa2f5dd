"""The hospital desk's look-ups (issue #13): a facility's SEPs found by card, name or number over a
span of dates, and a participant's referrals that concern the facility — the same records and the
same facility scope as the VClaim adapter (assumption A-C17)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.bounds import MAX_LIMIT
from jkn.services.care import referrals
from jkn.services.care.common import facility, parse_date, valid_card
from jkn.services.care.sep import sep_view
from jkn.services.errors import Invalid
from jkn.store.care_tables import ReferralRow, SepRow
from jkn.store.membership_tables import ParticipantRow

MAX_DAYS = 366


def span(start: "dt.date | str", end: "dt.date | str", limit: int) -> tuple[dt.date, dt.date]:
    """The dates of a desk search, checked: at most a year, and a limit within the service's bound."""
    a, b = parse_date(start, "dari"), parse_date(end, "sampai")
    if b < a or (b - a).days >= MAX_DAYS:
        raise Invalid(Msg("error.care.date_range", max_days=MAX_DAYS), field="sampai")
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(Msg("error.care.limit_range", max_limit=MAX_LIMIT), field="limit")
    return a, b


def _query(query: str | None) -> str:
    q = (query or "").strip()
    if len(q) > 60:
        raise Invalid(Msg("error.care.search_too_long"), field="q")
    return q


def search_referrals(session: Session, facility_code: str, *, query: str = "", start: "dt.date | str",
                     end: "dt.date | str", limit: int = 200) -> list[dict]:
    """The live referrals a facility wrote between two dates, newest first; ``query`` narrows to a
    card number, a referral number or part of a name (the FKTP desk's list)."""
    a, b = span(start, end, limit)
    fac = facility(session, facility_code)
    stmt = (select(ReferralRow, ParticipantRow).join(ParticipantRow, ParticipantRow.id == ReferralRow.participant_id)
            .where(ReferralRow.from_facility == fac.code, ReferralRow.deleted_at.is_(None),
                   ReferralRow.referral_date >= a, ReferralRow.referral_date <= b))
    q = _query(query)
    if q:
        stmt = stmt.where(or_(ParticipantRow.card_number == q, ReferralRow.number == q.upper(),
                              ParticipantRow.name.ilike(f"%{q.replace('%', '').replace('_', '')}%")))
    rows = session.execute(stmt.order_by(ReferralRow.referral_date.desc(), ReferralRow.number.desc()).limit(limit)).all()
    return [referrals.referral_view(session, r, p) for r, p in rows]


def search_seps(session: Session, facility_code: str, *, query: str = "", start: "dt.date | str",
                end: "dt.date | str", limit: int = 200) -> list[dict]:
    """The live SEPs a facility issued between two dates (inclusive), newest first; ``query`` narrows
    to a card number, an SEP number or part of a name."""
    a, b = span(start, end, limit)
    fac = facility(session, facility_code)
    stmt = (select(SepRow, ParticipantRow).join(ParticipantRow, ParticipantRow.id == SepRow.participant_id)
            .where(SepRow.facility_code == fac.code, SepRow.deleted_at.is_(None), SepRow.sep_date >= a,
                   SepRow.sep_date <= b))
    q = _query(query)
    if q:
        stmt = stmt.where(or_(ParticipantRow.card_number == q, SepRow.number == q.upper(),
                              ParticipantRow.name.ilike(f"%{q.replace('%', '').replace('_', '')}%")))
    rows = session.execute(stmt.order_by(SepRow.sep_date.desc(), SepRow.number.desc()).limit(limit)).all()
    return [sep_view(session, s, p, fac) for s, p in rows]


def referrals_for_desk(session: Session, facility_code: str, card_number: str) -> list[dict]:
    """A participant's live referrals written by this facility or addressed to it, newest first, each
    with the live SEPs it opened (``seps``)."""
    card = valid_card(card_number)
    return [{**r, "seps": referrals.seps_of_referral(session, r["number"])}
            for r in referrals.referrals_for_card(session, card)
            if facility_code in (r["from_facility"]["code"], r["to_facility"]["code"])]
