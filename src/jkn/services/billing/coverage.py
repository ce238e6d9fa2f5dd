"""Coverage status of a participant on a date, and the payer columns it reads.

Guide: DENDA and PENGHENTIAN PELAYANAN KESEHATAN — cover is suspended when the payer is more than
3 (wage earners) or 6 (PBPU, Bukan Pekerja) months late, and stays so until arrears and penalty are
paid. Whether a payer is suspended is decided by the rules engine (jkn.rules.late_payment.assess)
from the ledger (jkn.services.billing.ledger). Billing and payments keep ``oldest_unpaid_month``,
``arrears_amount``, ``penalty_owed`` and ``suspended_since`` of ``payer`` up to date so that an
eligibility check today is one indexed lookup by card number; a check for a past date replays the
ledger as it stood on that date (bills of months up to it, payments made on or before it).
Assumption A-M05.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.care import Relationship
from jkn.i18n import Msg
from jkn.rules.decision import Step, assumption, background, cite
from jkn.rules.family import child_status_ends
from jkn.services.billing.calculators import penalty_figures
from jkn.services.billing.ledger import Standing, delays, open_bills, paid_late_on, standing
from jkn.services.errors import NotFound
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.registration import family_member
from jkn.store.billing_tables import PayerRow
from jkn.store.membership_tables import ParticipantRow

PAYER_COLUMNS = (PayerRow.code.label("payer_code"), PayerRow.segment.label("payer_segment"),
                 PayerRow.suspended_since, PayerRow.oldest_unpaid_month, PayerRow.penalty_owed)
"""What ``coverage_of`` reads of the payer, besides the participant's own columns (tmt, end_date,
status, status_reason, payer_id ...): select them with ``outerjoin(PayerRow, PayerRow.id ==
ParticipantRow.payer_id)`` and pass the row as it is."""


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def coverage_status(session: Session, card_number: str, on_date: dt.date | None = None) -> dict[str, Any]:
    """Is the participant covered on ``on_date``? ``{active, suspended, reason, explanation}``.

    ``reason`` is ACTIVE, SUSPENDED, NOT_YET_COVERED (before the start of cover), ENDED (divorce,
    child replaced ...), DECEASED, STATUS_ENDED (a wage earner's child past the age limit, A-M15),
    NO_PAYER or NOT_YET_PAID (registered, first contribution not yet paid, A-M18). For the facility
    desk and VClaim Peserta."""
    row = session.execute(select(ParticipantRow.__table__, *PAYER_COLUMNS)
                          .outerjoin(PayerRow, PayerRow.id == ParticipantRow.payer_id)
                          .where(ParticipantRow.card_number == card_number)).first()
    if row is None:
        raise NotFound(Msg("error.participant.unknown_card", card_number=repr(card_number)))
    return coverage_of(session, row, on_date)


def coverage_of(session: Session, row: Any, on_date: dt.date | None = None) -> dict[str, Any]:
    """``coverage_status`` of a participant row joined to ``PAYER_COLUMNS``: the member's own dates
    on the row as of ``on_date`` (start, end, status of a child, first payment), then the payer's
    ledger (:func:`cover_from_row`, then :func:`ledger_cover` when it cannot decide)."""
    on = on_date or jakarta_today()
    return cover_from_row(row, on) or ledger_cover(session, row, on)


def _base(row: Any, on: dt.date) -> dict[str, Any]:
    return {"card_number": row.card_number, "name": row.name, "on_date": on.isoformat(), "segment": row.segment,
            "care_class": row.care_class, "fktp_code": row.fktp_code, "payer": row.payer_code, "status": row.status,
            "covered_from": _iso(row.covered_from), "status_until": _iso(row.status_until)}


def cover_from_row(row: Any, on: dt.date) -> dict[str, Any] | None:
    """The cover decided from the row alone, without a query — or None when the payer's ledger must
    be read (:func:`decided_from_row`)."""
    decided = decided_from_row(row, on)
    if decided is None:
        return None
    reason, steps = decided
    active = reason == "ACTIVE"
    cover = {**_base(row, on), "active": active, "suspended": False, "reason": reason}
    if active:
        cover.update(arrears=0, penalty=0, amount_due=0)
    cover["explanation"] = explained(steps)
    return cover


def explained(steps: "list[Step | dict]") -> list[dict[str, Any]]:
    """Steps as JSON-ready dicts (:meth:`jkn.rules.decision.Step.as_dict`; a dict is one already)."""
    return [x if isinstance(x, dict) else x.as_dict() for x in steps]


def decided_from_row(row: Any, on: dt.date) -> "tuple[str, list[Step | dict]] | None":
    """(reason, the steps that explain it, not yet rendered: :func:`explained`) of the cover decided
    from the row alone, active (``ACTIVE``) or not and never suspended — or None when the payer's
    ledger must be read: something unpaid (``oldest_unpaid_month``, ``penalty_owed``,
    ``suspended_since``) or a date before today (the ledger as it stood then). Pure: the same decision
    for every caller."""
    tmt, end_date, status = row.tmt, row.end_date, row.status
    if on < tmt:
        return "NOT_YET_COVERED", [Step(Msg("cover.step.starts", day=tmt), cite("Peserta Jaminan Kesehatan"),
                                        decisive=True)]
    if end_date is not None and on > end_date:
        why = Msg(f"pstatus.{status}")
        return ("DECEASED" if status == "DECEASED" else "ENDED",
                [Step(Msg("cover.step.ended", day=end_date, why=why), cite("Perubahan Data Kepesertaan", "2.g"),
                      decisive=True)])
    if row.status_until is not None and on > row.status_until:
        ends = child_status_ends(family_member(row, Relationship(row.relationship), row.birth_date))
        return "STATUS_ENDED", [*background(ends.explain()),
                                Step(Msg("cover.step.own_contribution"), assumption("A-M17")),
                                Step(Msg("cover.step.not_core_child", day=on, until=row.status_until),
                                     cite("Anggota Keluarga yang Ditanggung", "1.b"), decisive=True)]
    if row.payer_id is None:
        return "NO_PAYER", [Step(Msg("cover.step.no_payer"), cite("Peserta Jaminan Kesehatan"), decisive=True)]
    if row.covered_from is None or on < row.covered_from:
        unpaid = Msg("cover.step.not_yet_paid") if row.covered_from is None else \
            Msg("cover.step.not_yet_paid_on", day=on, since=row.covered_from)
        return "NOT_YET_PAID", [Step(unpaid, cite("Peserta Jaminan Kesehatan"), decisive=True),
                                Step(Msg("cover.step.first_payment"), assumption("A-M18"))]
    if on >= jakarta_today() and row.oldest_unpaid_month is None and not row.penalty_owed \
            and row.suspended_since is None:  # the maintained columns describe the ledger as it stands now
        return "ACTIVE", [Step(Msg("cover.step.nothing_unpaid"), cite("Iuran"), decisive=True)]
    return None


def ledger_cover(session: Session, row: Any, on: dt.date) -> dict[str, Any]:
    """The cover of a paying participant from the payer's ledger, when :func:`cover_from_row` returned
    None: today or later, the open bills and delays as they stand; before today, the ledger replayed
    as of ``on``."""
    payer_id = row.payer_id
    if on >= jakarta_today():
        position = Standing(open_bills(session, payer_id), paid_late_on(session, payer_id, on),
                            delays(session, payer_id, on), row.penalty_owed, row.suspended_since)
    else:
        position = standing(session, payer_id, row.payer_segment, on)
    decision = position.assess(row.payer_segment, on)
    a = decision.value
    suspended = a.suspended
    since = position.suspended_since
    return {**_base(row, on), "active": not suspended, "suspended": suspended,
            "reason": "SUSPENDED" if suspended else "ACTIVE", **penalty_figures(a),
            "suspended_since": since.isoformat() if since else None, "explanation": decision.explain()}
