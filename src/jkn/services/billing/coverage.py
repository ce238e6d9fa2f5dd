"""Coverage status of a participant on a date, and the payer columns it reads.

Guide: DENDA and PENGHENTIAN PELAYANAN KESEHATAN — cover is suspended when the payer is more than
3 (wage earners) or 6 (PBPU, Bukan Pekerja) months late. Whether a payer is suspended is decided
by the rules engine (jkn.rules.penalty.assess_penalty) from the ledger: the months billed and not
fully paid. Billing and payments keep three columns of ``payer`` up to date
(``oldest_unpaid_month``, ``arrears_amount``, ``suspended_since``) so that an eligibility check
today is one indexed lookup by card number; a check for a past date replays the ledger as it
stood on that date (bills of months up to it, payments made on or before it). Assumption A-M05.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session

from jkn.domain.care import Relationship
from jkn.domain.month import Month
from jkn.rules.contribution import due_date
from jkn.rules.family import child_status_ends
from jkn.rules.penalty import assess_penalty
from jkn.services.errors import NotFound
from jkn.services.membership.common import jakarta_today, month_date
from jkn.services.membership.registration import family_member
from jkn.store.billing_tables import AllocationRow, BillRow, PayerRow, PaymentRow
from jkn.store.membership_tables import ParticipantRow

ONE_DAY = dt.timedelta(days=1)


def _open_bills(session: Session, payer_id: int) -> dict[Month, int]:
    rows = session.execute(select(BillRow.month, BillRow.amount - BillRow.paid_amount)
                           .where(BillRow.payer_id == payer_id, BillRow.status == "OPEN")
                           .order_by(BillRow.month)).all()
    return {Month.of(m): int(a) for m, a in rows if a > 0}


def unpaid_on(session: Session, payer_id: int, on: dt.date) -> dict[Month, int]:
    """The ledger as it stood on ``on``: months billed up to ``on``'s month, less what was paid
    on or before ``on``."""
    last = month_date(Month.of(on))
    bills = session.execute(select(BillRow.id, BillRow.month, BillRow.amount)
                            .where(BillRow.payer_id == payer_id, BillRow.month <= last)).all()
    if not bills:
        return {}
    paid = dict(session.execute(
        select(AllocationRow.bill_id, func.sum(AllocationRow.contribution_amount))
        .join(PaymentRow, PaymentRow.id == AllocationRow.payment_id)
        .where(PaymentRow.payer_id == payer_id, PaymentRow.paid_on <= on)
        .group_by(AllocationRow.bill_id)).all())
    out = {}
    for bill_id, month, amount in bills:
        rest = int(amount) - int(paid.get(bill_id) or 0)
        if rest > 0:
            out[Month.of(month)] = rest
    return out


@lru_cache(maxsize=4096)
def _suspension_start(segment: str, months: tuple[Month, ...]) -> dt.date | None:
    # Suspension depends on which months are overdue, not on their amounts (Penghentian 1-2):
    # the engine is asked on each day a further month becomes overdue.
    unpaid = {m: 1 for m in months}
    for m in months:
        day = due_date(m).value + ONE_DAY
        if assess_penalty(segment, day, unpaid).value.suspended:
            return day
    return None


@lru_cache(maxsize=1)
def _min_suspension_months() -> int:
    """Fewest open months that can ever mean suspension (a shortcut, not a rule: the rule is asked
    for every payer above it)."""
    from jkn.rules.parameters import all_params
    return min(min(e.value.values()) for e in all_params()["suspension_after_months"] if e.value)


def suspension_start(segment: str, unpaid: dict[Month, int]) -> dt.date | None:
    """First day the payer is suspended if nothing more is paid (rules engine), or None."""
    if not unpaid:
        return None
    return _suspension_start(segment, tuple(sorted(unpaid)))


def refresh_payer(session: Session, payer: PayerRow) -> None:
    """Recompute the payer's maintained columns from its open bills."""
    unpaid = _open_bills(session, payer.id)
    payer.oldest_unpaid_month = month_date(min(unpaid)) if unpaid else None
    payer.arrears_amount = sum(unpaid.values())
    payer.suspended_since = suspension_start(payer.segment, unpaid)


OPEN_BILLS = "FROM bill b WHERE b.payer_id = payer.id AND b.status = 'OPEN'"
"""The open bills of the payer row being updated (the tail of a correlated subquery)."""


def refresh_payers(session: Session) -> int:
    """Set-based recomputation of every payer's maintained columns from its open bills (after a
    bulk load such as ``jkn demo``). SQL computes the oldest unpaid month and the arrears; the rules
    engine decides suspension."""
    # payers with open bills: one aggregate joined in (UPDATE .. FROM: PostgreSQL and SQLite >= 3.33)
    n = session.execute(text(
        "UPDATE payer SET oldest_unpaid_month = a.oldest, arrears_amount = a.arrears FROM "
        "(SELECT b.payer_id, min(b.month) AS oldest, sum(b.amount - b.paid_amount) AS arrears FROM bill b "
        "WHERE b.status = 'OPEN' GROUP BY b.payer_id) a WHERE payer.id = a.payer_id")).rowcount
    n += session.execute(text(
        f"UPDATE payer SET oldest_unpaid_month = NULL, arrears_amount = 0 WHERE NOT EXISTS (SELECT 1 {OPEN_BILLS})"
    )).rowcount
    floor = {"floor": _min_suspension_months()}
    session.execute(text(f"UPDATE payer SET suspended_since = NULL WHERE suspended_since IS NOT NULL "
                         f"AND (SELECT count(*) {OPEN_BILLS}) <= :floor"), floor)
    _refresh_suspension(session, "1 = 1", floor)
    return n


def add_run_to_payers(session: Session, run_id: int, billed_month: dt.date) -> None:
    """Bring the maintained columns of the payers billed by run ``run_id`` up to date. A new bill
    only adds an unpaid month: the arrears grow by its amount, the oldest unpaid month can only move
    back, ``billed_through`` forward, and suspension can only begin — so the run's bills are added to
    the columns (no re-reading of the ledger), and the rules engine is asked about suspension for the
    payers with more open months than any group tolerates."""
    session.execute(text(
        "UPDATE payer SET arrears_amount = payer.arrears_amount + b.amount - b.paid_amount,"
        " oldest_unpaid_month = CASE WHEN b.status = 'OPEN' AND (payer.oldest_unpaid_month IS NULL"
        " OR payer.oldest_unpaid_month > b.month) THEN b.month ELSE payer.oldest_unpaid_month END,"
        " billed_through = CASE WHEN payer.billed_through IS NULL OR payer.billed_through < :billed THEN :billed"
        " ELSE payer.billed_through END "
        "FROM bill b WHERE b.run_id = :run AND b.payer_id = payer.id"), {"run": run_id, "billed": billed_month})
    _refresh_suspension(session, "id IN (SELECT payer_id FROM bill WHERE run_id = :run)",
                        {"run": run_id, "floor": _min_suspension_months()})


def _refresh_suspension(session: Session, scope: str, params: dict[str, Any]) -> None:
    """``suspended_since`` from the rules engine for the payers in ``scope`` with more than
    ``:floor`` open months."""
    months_of: dict[int, list] = {}
    segments: dict[int, str] = {}
    current: dict[int, Any] = {}
    rows = session.execute(text(
        "SELECT b.payer_id, p.segment, b.month, p.suspended_since FROM bill b JOIN payer p ON p.id = b.payer_id "
        "WHERE b.status = 'OPEN' AND b.amount > b.paid_amount AND b.payer_id IN "
        f"(SELECT id FROM payer WHERE {scope} AND (SELECT count(*) {OPEN_BILLS}) > :floor) "
        "ORDER BY b.payer_id, b.month"), params)
    for pid, segment, month, since in rows:
        segments[pid] = segment
        current[pid] = since if not isinstance(since, str) else dt.date.fromisoformat(since)
        months_of.setdefault(pid, []).append(Month.of(month if isinstance(month, dt.date) else dt.date.fromisoformat(month)))
    changes = [{"pid": pid, "since": new} for pid, ms in months_of.items()
               if (new := _suspension_start(segments[pid], tuple(ms))) != current[pid]]
    if changes:
        t = PayerRow.__table__
        session.execute(update(t).where(t.c.id == bindparam("pid")).values(suspended_since=bindparam("since")), changes)


PAYER_COLUMNS = (PayerRow.code.label("payer_code"), PayerRow.segment.label("payer_segment"),
                 PayerRow.suspended_since, PayerRow.oldest_unpaid_month)
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
        raise NotFound(f"no participant with card number {card_number!r}")
    return coverage_of(session, row, on_date)


def coverage_of(session: Session, row: Any, on_date: dt.date | None = None) -> dict[str, Any]:
    """``coverage_status`` of a participant row joined to ``PAYER_COLUMNS``: the member's own dates
    on the row as of ``on_date`` (start, end, status of a child, first payment), then the payer's
    ledger. Today or later, a payer with nothing unpaid needs no further query (the maintained
    payer columns)."""
    on = on_date or jakarta_today()
    tmt, end_date, status, payer_id = row.tmt, row.end_date, row.status, row.payer_id
    base = {"card_number": row.card_number, "name": row.name, "on_date": on.isoformat(), "segment": row.segment,
            "care_class": row.care_class, "fktp_code": row.fktp_code, "payer": row.payer_code, "status": status,
            "covered_from": _iso(row.covered_from), "status_until": _iso(row.status_until)}
    guide = "Panduan Peserta, Peserta Jaminan Kesehatan"

    def inactive(reason: str, explanation: list[dict]) -> dict[str, Any]:
        return {**base, "active": False, "suspended": False, "reason": reason, "explanation": explanation}

    if on < tmt:
        return inactive("NOT_YET_COVERED", [{"text": f"cover starts on {tmt.isoformat()}", "source": guide}])
    if end_date is not None and on > end_date:
        why = row.status_reason or status.lower()
        return inactive("DECEASED" if status == "DECEASED" else "ENDED", [
            {"text": f"cover ended on {end_date.isoformat()} ({why})",
             "source": "Panduan Peserta, Perubahan Data Kepesertaan, 2.g"}])
    if row.status_until is not None and on > row.status_until:
        ends = child_status_ends(family_member(row, Relationship(row.relationship), row.birth_date))
        return inactive("STATUS_ENDED", ends.explain() + [
            {"text": "no longer covered by the wage earner's contribution; cover goes on only as a member with an own "
                     "contribution, once it is paid", "source": "assumption A-M17 (docs/assumptions.md)"},
            {"text": f"on {on.isoformat()} not a child of the core family (after {row.status_until.isoformat()})",
             "source": "Panduan Peserta, Anggota Keluarga yang Ditanggung, 1.b"}])
    if payer_id is None:
        return inactive("NO_PAYER", [{"text": "no payer account: nobody is billed for this participant", "source": guide}])
    if row.covered_from is None or on < row.covered_from:
        when = "" if row.covered_from is None else f" on {on.isoformat()} (first contribution paid: cover from " \
            f"{row.covered_from.isoformat()})"
        return inactive("NOT_YET_PAID", [
            {"text": "cover begins on the day the first contribution covering the participant is paid",
             "source": "assumption A-M18 (docs/assumptions.md)"},
            {"text": f"terdaftar, belum membayar iuran pertama{when}: a participant is one 'yang telah membayar iuran'",
             "source": guide}])
    if on >= jakarta_today():  # the maintained columns describe the ledger as it stands now
        if row.oldest_unpaid_month is None:
            return {**base, "active": True, "suspended": False, "reason": "ACTIVE", "arrears": 0,
                    "explanation": [{"text": "no unpaid contributions", "source": "Panduan Peserta, Iuran"}]}
        unpaid = _open_bills(session, payer_id)
    else:
        unpaid = unpaid_on(session, payer_id, on)
    decision = assess_penalty(row.payer_segment, on, unpaid)
    a = decision.value
    suspended = a.suspended
    since = row.suspended_since
    return {**base, "active": not suspended, "suspended": suspended, "reason": "SUSPENDED" if suspended else "ACTIVE",
            "arrears": int(a.arrears_total), "months_in_arrears": a.months_in_arrears, "penalty": int(a.penalty),
            "amount_due": int(a.amount_due), "suspended_since": since.isoformat() if since else None,
            "explanation": decision.explain()}
