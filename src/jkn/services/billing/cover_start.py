"""When cover begins: with the first contribution paid for the person.

Guide, PESERTA JAMINAN KESEHATAN: "Setiap orang, termasuk orang asing yang bekerja paling singkat
6 (enam) bulan di Indonesia, yang telah membayar iuran"; IURAN 1: for PBI "iuran dibayar oleh
Pemerintah". Assumptions A-M18 (PBI on registration; everyone else when the first bill carrying the
person is paid: the family's own payment for PBPU and Bukan Pekerja, the employer's for wage
earners) and A-M19 (whose payment covers whom: a person with an own line on the bill by that
bill; a member whose contribution is the head's — a wage earner's core family, a veteran's family —
with the head, never before their own start of cover).

``participant.covered_from`` keeps the answer so an eligibility check reads it from the row it
already selects. It is set here, set-based, after a payment is posted, after a billing run that
used prepaid credit, and after the demo's bulk payments; registration sets it for PBI.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from jkn.domain.segment import VETERAN_SEGMENTS, Segment
from jkn.rules.parameters import param

BY_PAYMENT = "b.id IN (SELECT a2.bill_id FROM payment_allocation a2 WHERE a2.payment_id = :payment)"
"""The bills a payment was allocated to (a scope of ``start_cover``; parameter ``:payment``)."""
BY_RUN = "b.run_id = :run"
BY_MONTH = "b.month = :month"


def on_registration(segment: Segment, tmt: dt.date) -> dt.date | None:
    """``covered_from`` of a new participant: PBI at once (the government pays, IURAN 1; A-M18),
    everyone else once their first contribution is paid."""
    return tmt if segment is Segment.PBI else None


def start_cover(session: Session, scope: str, params: dict[str, Any], on: dt.date) -> None:
    """Begin the cover of the people carried by the paid bills ``b`` in ``scope`` (a condition on
    ``b`` with its ``params``): from the day their first bill was paid in full — the date of the
    last payment allocated to it, prepaid credit included —, not before their ``tmt``; then of the
    members whose contribution is their head's."""
    session.execute(text(
        "UPDATE participant SET covered_from = CASE WHEN x.paid > participant.tmt THEN x.paid ELSE participant.tmt END "
        "FROM (SELECT l.participant_id, min(bp.paid) AS paid FROM bill_line l JOIN (SELECT a.bill_id, max(p.paid_on) AS paid"
        " FROM payment_allocation a JOIN payment p ON p.id = a.payment_id JOIN bill b ON b.id = a.bill_id"
        f" WHERE b.status = 'PAID' AND {scope} GROUP BY a.bill_id) bp ON bp.bill_id = l.bill_id"
        " GROUP BY l.participant_id) x "
        "WHERE participant.id = x.participant_id AND participant.covered_from IS NULL"), params)
    follow_head(session, "participant.family_id IN (SELECT h2.family_id FROM participant h2 JOIN bill_line l"
                " ON l.participant_id = h2.id JOIN bill b ON b.id = l.bill_id WHERE h2.relationship = 'HEAD'"
                f" AND b.status = 'PAID' AND {scope})", params, on)


def follow_head(session: Session, scope: str, params: dict[str, Any], on: dt.date) -> None:
    """Members in ``scope`` (a condition on ``participant``) whose contribution is the head's begin
    cover with the head, not before their own ``tmt`` (A-M19): a wage earner's core family (A-28)
    and, while ``veteran_contribution_covers_family`` holds on ``on``, a veteran's family (A-09)."""
    paid_by_head = "participant.member_status = 'CORE'"
    if param("veteran_contribution_covers_family", on):
        paid_by_head += (" OR participant.segment IN ("
                         + ", ".join(f"'{s.value}'" for s in sorted(VETERAN_SEGMENTS)) + ")")
    session.execute(text(
        "UPDATE participant SET covered_from = CASE WHEN h.covered_from > participant.tmt THEN h.covered_from"
        " ELSE participant.tmt END FROM participant h "
        "WHERE h.family_id = participant.family_id AND h.relationship = 'HEAD' AND h.covered_from IS NOT NULL"
        f" AND participant.covered_from IS NULL AND participant.relationship <> 'HEAD' AND ({paid_by_head})"
        f" AND {scope}"), params)
