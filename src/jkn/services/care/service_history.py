"""A participant's service history as Mobile JKN's "Riwayat Pelayanan" shows it: first-level visits,
referrals and SEPs, newest first, read from the records the facilities wrote (issue #15)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.services.care.common import participant_by_card
from jkn.services.care.primary_care import list_visits
from jkn.services.care.referrals import referrals_for_card
from jkn.services.care.sep import sep_view
from jkn.store.care_tables import SepRow
from jkn.store.facility_tables import FacilityRow


def service_history(session: Session, card_number: str, *, limit: int = 200) -> dict:
    """Visits, referrals (withdrawn ones left out) and SEPs (deleted ones left out) of one participant."""
    p = participant_by_card(session, card_number)
    visits = sorted(list_visits(session, card_number=p.card_number, limit=limit),
                    key=lambda v: (v["visit_date"], v["id"]), reverse=True)
    rows = session.execute(select(SepRow, FacilityRow).join(FacilityRow, FacilityRow.code == SepRow.facility_code)
                           .where(SepRow.participant_id == p.id, SepRow.deleted_at.is_(None))
                           .order_by(SepRow.sep_date.desc(), SepRow.number.desc()).limit(limit)).all()
    return {"card_number": p.card_number, "name": p.name, "visits": visits,
            "referrals": referrals_for_card(session, p.card_number)[:limit],
            "seps": [sep_view(session, s, p, f) for s, f in rows]}
