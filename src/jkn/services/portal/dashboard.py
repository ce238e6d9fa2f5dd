"""The regional dashboard: participants, contributions billed and collected, arrears, suspension,
open complaints — for head office (by deputy region), a deputy region (by branch) or a branch
(by kab/kota).

Every figure is counted per kab/kota in SQL (a few GROUP BY queries, whatever the population)
and rolled up to branches and deputy regions with the work-area tables (Perdir 19/2017). The
figures are read from the ledger the billing service keeps (bill, bill_line, payer); nothing is
recomputed here: "collected" is the paid share of each bill spread over its lines, "arrears"
the unpaid share of bills past their due date, "suspended" the participants whose payer has a
``suspended_since`` on or before the day (assumption A-P06, docs/assumptions.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Float, and_, case, cast, func, select
from sqlalchemy.orm import Session

from jkn.domain.segment import Segment
from jkn.i18n import Msg
from jkn.reference.names import display_name
from jkn.rules.contribution import due_date
from jkn.services.errors import Forbidden, Invalid, NotFound
from jkn.services.portal.auth import Scope
from jkn.store.billing_tables import BillLineRow, BillRow, PayerRow
from jkn.store.membership_tables import ParticipantRow
from jkn.store.portal_tables import ComplaintRow
from jkn.store.reference_tables import BranchRow, DeputyRegionRow, KabKotaRow

NATIONAL, DEPUTY, BRANCH = "national", "deputy", "branch"
GROUPS = ("PBI", "PPU", "PBPU", "BP")
CLASSES = ("I", "II", "III")
TREND_MONTHS = 6


@dataclass
class Unit:
    level: str  # national / deputy / branch
    code: str | None
    name: str
    kabkota: dict[str, str] = field(default_factory=dict)  # kab/kota code -> child unit code
    children: dict[str, str] = field(default_factory=dict)  # child unit code -> name
    child_level: str = DEPUTY


def _month(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, 1)


def _shift(m: dt.date, months: int) -> dt.date:
    y, mo = divmod(m.year * 12 + m.month - 1 + months, 12)
    return dt.date(y, mo + 1, 1)


def default_unit(scope: Scope) -> tuple[str, str | None]:
    """The unit a user sees first: their branch, their region, or the whole country."""
    if scope.branch_code:
        return BRANCH, scope.branch_code
    if scope.deputy_region_code and not scope.national:
        return DEPUTY, scope.deputy_region_code
    return NATIONAL, None


def resolve_unit(session: Session, scope: Scope, level: str | None, code: str | None) -> Unit:
    """The unit asked for, if the scope may see it (403 otherwise)."""
    if not scope.can("dashboard"):
        raise Forbidden(Msg("error.dashboard.role"))
    if not level:
        level, code = default_unit(scope)
    level = level.lower()
    kab = session.execute(select(KabKotaRow.code, KabKotaRow.name, KabKotaRow.branch_code,
                                 BranchRow.deputy_region_code, BranchRow.name)
                          .join(BranchRow, BranchRow.code == KabKotaRow.branch_code)).all()
    if level == NATIONAL:
        if not scope.national:
            raise Forbidden(Msg("error.dashboard.national"))
        regions = {r.code: r.name for r in session.scalars(select(DeputyRegionRow).order_by(DeputyRegionRow.code))}
        return Unit(NATIONAL, None, "Indonesia", {k[0]: k[3] for k in kab}, regions, DEPUTY)
    if level == DEPUTY:
        region = session.get(DeputyRegionRow, (code or "").strip())
        if region is None:
            raise NotFound(Msg("error.dashboard.deputy_unknown", code=repr(code)))
        if not (scope.national or scope.deputy_region_code == region.code and scope.branch_code is None):
            raise Forbidden(Msg("error.dashboard.deputy_outside"))
        rows = [k for k in kab if k[3] == region.code]
        return Unit(DEPUTY, region.code, region.name, {k[0]: k[2] for k in rows},
                    dict(sorted({k[2]: k[4] for k in rows}.items())), BRANCH)
    if level == BRANCH:
        branch = session.get(BranchRow, (code or "").strip())
        if branch is None:
            raise NotFound(Msg("error.dashboard.branch_unknown", code=repr(code)))
        if not scope.sees_branch(branch.code):
            raise Forbidden(Msg("error.dashboard.branch_outside"))
        rows = [k for k in kab if k[2] == branch.code]
        return Unit(BRANCH, branch.code, branch.name, {k[0]: k[0] for k in rows},
                    dict(sorted({k[0]: display_name(k[1]) for k in rows}.items())), "kabkota")
    raise Invalid(Msg("error.dashboard.level", national=NATIONAL, deputy=DEPUTY, branch=BRANCH), field="level")


def _kab_filter(unit: Unit, column):
    return column.isnot(None) if unit.level == NATIONAL else column.in_(list(unit.kabkota))


def _paid_share():
    """The share of a bill's contribution that is paid (0..1), as SQL."""
    paid = case((BillRow.paid_amount > BillRow.amount, BillRow.amount), else_=BillRow.paid_amount)
    return case((BillRow.amount > 0, cast(paid, Float) / cast(BillRow.amount, Float)), else_=1.0)


def _default_month(session: Session, unit: Unit, today: dt.date) -> tuple[dt.date, str]:
    """The month a dashboard opens on, and why: the last billed month of the unit whose bills'
    due date has passed ("due_passed"; before it a month reads as barely collected, as payers have
    until the due date, Panduan Peserta, Iuran 7), else the last billed month ("latest"), else
    this month ("today")."""
    def last(*where) -> dt.date | None:
        return session.scalar(select(func.max(BillLineRow.month)).join(BillRow, BillRow.id == BillLineRow.bill_id)
                              .join(ParticipantRow, ParticipantRow.id == BillLineRow.participant_id)
                              .where(_kab_filter(unit, ParticipantRow.kabkota_code), *where))
    due_passed = last(BillRow.due_date < today)
    if due_passed is not None:
        return due_passed, "due_passed"
    latest = last()
    return (latest, "latest") if latest is not None else (_month(today), "today")


def dashboard(session: Session, scope: Scope, *, level: str | None = None, code: str | None = None,
              month: dt.date | None = None, today: dt.date | None = None,
              now: dt.datetime | None = None) -> dict:
    """Every figure of the dashboard for one unit, plus one row per child unit."""
    unit = resolve_unit(session, scope, level, code)
    today = today or dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    now = now or dt.datetime.now(dt.timezone.utc)
    chosen = "chosen" if month is not None else None
    if month is None:
        month, chosen = _default_month(session, unit, today)
    month = _month(month)
    child = lambda kab: unit.kabkota.get(kab)  # noqa: E731

    rows: dict[str, dict] = {c: {"code": c, "name": n, "participants": 0, "billed": 0, "collected": 0,
                                 "arrears": 0, "suspended": 0, "complaints_open": 0, "complaints_overdue": 0,
                                 **{g: 0 for g in GROUPS}} for c, n in unit.children.items()}
    by_segment: dict[str, dict[str, int]] = defaultdict(lambda: {c: 0 for c in CLASSES})

    # participants by segment and class (active cover)
    q = (select(ParticipantRow.kabkota_code, ParticipantRow.segment, ParticipantRow.care_class, func.count())
         .where(ParticipantRow.status == "ACTIVE", _kab_filter(unit, ParticipantRow.kabkota_code))
         .group_by(ParticipantRow.kabkota_code, ParticipantRow.segment, ParticipantRow.care_class))
    for kab, segment, klass, n in session.execute(q):
        r = rows.get(child(kab))
        if r is None:
            continue
        r["participants"] += n
        group = Segment(segment).group.value if segment in Segment._value2member_map_ else "BP"
        r[group] += n
        by_segment[segment][klass if klass in CLASSES else "III"] += n

    # billed and collected for the month
    share = _paid_share()
    q = (select(ParticipantRow.kabkota_code, func.sum(BillLineRow.amount), func.sum(BillLineRow.amount * share))
         .join(BillRow, BillRow.id == BillLineRow.bill_id)
         .join(ParticipantRow, ParticipantRow.id == BillLineRow.participant_id)
         .where(BillLineRow.month == month, _kab_filter(unit, ParticipantRow.kabkota_code))
         .group_by(ParticipantRow.kabkota_code))
    for kab, billed, collected in session.execute(q):
        r = rows.get(child(kab))
        if r is not None:
            r["billed"] += int(billed or 0)
            r["collected"] += int(round(collected or 0))

    # arrears: unpaid share of bills past their due date
    q = (select(ParticipantRow.kabkota_code, func.sum(BillLineRow.amount * (1.0 - share)))
         .join(BillRow, BillRow.id == BillLineRow.bill_id)
         .join(ParticipantRow, ParticipantRow.id == BillLineRow.participant_id)
         .where(BillRow.status != "PAID", BillRow.due_date < today, _kab_filter(unit, ParticipantRow.kabkota_code))
         .group_by(ParticipantRow.kabkota_code))
    for kab, unpaid in session.execute(q):
        r = rows.get(child(kab))
        if r is not None:
            r["arrears"] += int(round(unpaid or 0))

    # suspended participants
    q = (select(ParticipantRow.kabkota_code, func.count())
         .join(PayerRow, PayerRow.id == ParticipantRow.payer_id)
         .where(ParticipantRow.status == "ACTIVE", PayerRow.suspended_since.isnot(None),
                PayerRow.suspended_since <= today, _kab_filter(unit, ParticipantRow.kabkota_code))
         .group_by(ParticipantRow.kabkota_code))
    for kab, n in session.execute(q):
        r = rows.get(child(kab))
        if r is not None:
            r["suspended"] += n

    # complaints not closed, and those past their answer deadline
    overdue = case((and_(ComplaintRow.answered_at.is_(None), ComplaintRow.due_at < now), 1), else_=0)
    q = (select(ComplaintRow.kabkota_code, func.count(), func.sum(overdue))
         .where(ComplaintRow.status != "CLOSED", _kab_filter(unit, ComplaintRow.kabkota_code))
         .group_by(ComplaintRow.kabkota_code))
    for kab, n, late in session.execute(q):
        r = rows.get(child(kab))
        if r is not None:
            r["complaints_open"] += n
            r["complaints_overdue"] += int(late or 0)

    # billed vs collected, month by month
    first = _shift(month, -(TREND_MONTHS - 1))
    q = (select(BillLineRow.month, func.sum(BillLineRow.amount), func.sum(BillLineRow.amount * share))
         .join(BillRow, BillRow.id == BillLineRow.bill_id)
         .join(ParticipantRow, ParticipantRow.id == BillLineRow.participant_id)
         .where(BillLineRow.month >= first, BillLineRow.month <= month,
                _kab_filter(unit, ParticipantRow.kabkota_code))
         .group_by(BillLineRow.month))
    found = {_month(m): (int(b or 0), int(round(c or 0))) for m, b, c in session.execute(q)}
    trend = [{"month": f"{_shift(first, i):%Y-%m}", "billed": found.get(_shift(first, i), (0, 0))[0],
              "collected": found.get(_shift(first, i), (0, 0))[1]} for i in range(TREND_MONTHS)]

    table = list(rows.values())
    for r in table:
        r["collection_rate"] = round(100 * r["collected"] / r["billed"], 1) if r["billed"] else None
    totals = {k: sum(r[k] for r in table) for k in ("participants", "billed", "collected", "arrears", "suspended",
                                                   "complaints_open", "complaints_overdue", *GROUPS)}
    totals["collection_rate"] = round(100 * totals["collected"] / totals["billed"], 1) if totals["billed"] else None
    segments = [{"segment": s, "label": Segment(s).label if s in Segment._value2member_map_ else s,
                 "group": Segment(s).group.value if s in Segment._value2member_map_ else "",
                 **by_segment[s], "total": sum(by_segment[s].values())} for s in sorted(by_segment)]
    return {
        "unit": {"level": unit.level, "code": unit.code, "name": unit.name, "child_level": unit.child_level},
        "month": f"{month:%Y-%m}", "month_chosen": chosen, "today": today.isoformat(),
        "due_date": (session.scalar(select(func.max(BillRow.due_date)).where(BillRow.month == month))
                     or due_date(month).value).isoformat(),
        "totals": totals, "by_segment": segments,
        "by_class": {c: sum(s[c] for s in segments) for c in CLASSES},
        "by_group": {g: totals[g] for g in GROUPS},
        "trend": trend, "rows": table,
        "links": _links(unit),
    }


def _links(unit: Unit) -> dict:
    """Where a row of the table leads (the next level down), for the page."""
    if unit.child_level == DEPUTY:
        return {"child": DEPUTY}
    if unit.child_level == BRANCH:
        return {"child": BRANCH}
    return {"child": None}


CSV_COLUMNS = ("code", "name", "participants", "PBI", "PPU", "PBPU", "BP", "billed", "collected", "collection_rate",
               "arrears", "suspended", "complaints_open", "complaints_overdue")


def dashboard_csv(data: dict) -> str:
    """The dashboard table (one row per child unit, then the total) as CSV (UTF-8, comma)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["level", "unit", "month", *CSV_COLUMNS])
    unit = data["unit"]
    for r in data["rows"]:
        writer.writerow([unit["child_level"], unit["name"], data["month"], *[r.get(c) for c in CSV_COLUMNS]])
    writer.writerow(["total", unit["name"], data["month"], unit["code"] or "", "TOTAL",
                     *[data["totals"].get(c) for c in CSV_COLUMNS[2:]]])
    return out.getvalue()
