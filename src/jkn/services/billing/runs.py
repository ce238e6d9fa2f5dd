"""Monthly billing (guide, IURAN): one bill per payer per month, due on the 10th.

Who pays: the employer for wage earners (employer share + the worker's share it deducts, plus
1% per additional family member and the flat rate of other relatives, IURAN §2-5), the family
for PBPU and Bukan Pekerja (flat rate per person, §5), the government for PBI (§1) and veterans
(§6). Every amount comes from the rules engine as of the billed month
(jkn.rules.monthly_contribution).

Two paths give the same bills:

* ``single`` — the engine is called for every family (the reference implementation);
* ``batch`` — set-based SQL (INSERT .. SELECT, one pass over the registry) over rate tables that
  are *read off the engine's own answers* for the month (the percentage and flat-rate lines it
  returns), with the rounding rule of parameter ``rounding_rule`` done in integer SQL: the wage
  within the month's cap and floor per group (jkn.rules.wage_terms), the participant's part of a
  class rate and — a second line of kind AID on the government's aid account G-BANTUAN — the
  government's part (A-R05), a state pensioner's 2% of the pension on record from 2018-10 (kind
  PENSION) and — a second line of kind PENSION_GOV on the government's account G-PENSIUN — the
  government's 3% (A-R14); a government account is opened only by a run that bills it a line;
  segments the engine bills nobody of on that date are reported with its
  reason. When a rule set has a feature the batch path does not express (another rounding
  rule), the run falls back to the single path. tests/billing proves the two agree under every
  rule set from 2014 to today.

A participant is billed for a month when cover has started by the month's last day and not ended
before its first day (assumption A-M03); family members only while their head is billed, and a
wage earner's child only while its status holds on the month's first day (the rules engine's
``child_status_ends``, kept as ``participant.status_until`` for the batch path; A-M15). Both paths
bill the wage, pension, class and grade in force on the month's first day, not a change recorded for a
later date (jkn.services.membership.basis, A-P12).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.i18n.message import Rp
from jkn.domain.care import Relationship
from jkn.domain.month import Month
from jkn.domain.segment import STATE_PENSIONERS, VETERAN_SEGMENTS, Segment, SegmentGroup
from jkn.rules.contribution import ITEMS, due_date, monthly_contribution
from jkn.rules.decision import RuleError
from jkn.rules.family import child_status_ends
from jkn.rules.parameters import param_entry
from jkn.rules.wage_terms import wage_terms
from jkn.services.billing.cover_start import BY_RUN, start_cover
from jkn.services.billing.ledger import add_run_to_payers, refresh_payer
from jkn.services.bounds import check_jkn_month
from jkn.services.errors import Invalid
from jkn.services.membership import basis
from jkn.services.paging import page
from jkn.services.membership.common import as_month, month_date
from jkn.services.membership.registration import (
    GOVERNMENT_AID,
    GOVERNMENT_PENSION,
    family_member,
    government_share_payer,
)
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.billing_tables import BillingRunRow, BillLineRow, BillRow, PayerRow
from jkn.store.membership_tables import ParticipantRow

PPU_SEGMENTS = [s for s in Segment if s.group is SegmentGroup.PPU]
FLAT_SEGMENTS = [s for s in Segment if s.group in (SegmentGroup.PBPU, SegmentGroup.BP) and s not in VETERAN_SEGMENTS]
CLASSES = ("I", "II", "III")
Progress = Callable[[int, int], None]  # (done, total)
#: ``Line.payer_id`` of a line of the government's share until the run names its account
GOVERNMENT_ACCOUNT = -1
#: the kinds of line billed to a government account apart from the family, and the account: the
#: class III aid (A-R05), the government's 3% of a state pensioner's pension (A-R14)
GOVERNMENT_LINES = {"AID": GOVERNMENT_AID, "PENSION_GOV": GOVERNMENT_PENSION}


@dataclass(frozen=True)
class Options:
    """Inputs the guide does not give a number for (parameters.md): the PBI amount per person and
    the basic salary of PNS III/a with 14 years of service (veterans' formula). Without them,
    those payers are not billed and the run says why."""

    pbi_amount: int | None = None
    veteran_base_salary: int | None = None


@dataclass
class Line:
    participant_id: int
    payer_id: int
    kind: str
    care_class: str
    basis: int | None
    employer_share: int = 0
    participant_share: int = 0
    government_share: int = 0

    @property
    def amount(self) -> int:
        return self.employer_share + self.participant_share + self.government_share


@dataclass
class RunResult:
    month: str
    method: str
    bills: int = 0
    lines: int = 0
    amount: int = 0
    participants: int = 0
    skipped: list[dict] = field(default_factory=list)
    run_id: int | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"month": self.month, "method": self.method, "run_id": self.run_id, "bills": self.bills,
                "lines": self.lines, "participants": self.participants, "amount": self.amount,
                "skipped": self.skipped, "seconds": round(self.seconds, 3)}


def _covered(p: ParticipantRow, m: Month) -> bool:
    """In force on at least one day of ``m`` (A-M03); a wage earner's child while its status holds
    on the first day (rules engine, A-M15)."""
    if p.tmt > m.last_day or (p.end_date is not None and p.end_date < m.first_day):
        return False
    if p.member_status in ("CORE", "ADDITIONAL") and Relationship(p.relationship).is_child:
        return child_status_ends(family_member(p, Relationship(p.relationship), p.birth_date)).value > m.first_day
    return True


# ---------------------------------------------------------------- single path (reference)

def family_lines(head: ParticipantRow, members: list[ParticipantRow], month: Month, options: Options) -> tuple[list[Line], list]:
    """The month's lines of one family, from the rules engine; members exclude the head and are
    covered in the month. Raises RuleError when the engine lacks an input (PBI amount ...)."""
    seg = Segment(head.segment)
    grade = head.rank or head.grade
    if seg.group is SegmentGroup.PPU:
        additional = [m for m in members if m.member_status == "ADDITIONAL"]
        relatives = [m for m in members if m.member_status == "OTHER_RELATIVE"]
        d = monthly_contribution(seg, month, wage=head.wage, grade=grade, additional_members=len(additional),
                                 other_relatives=[m.care_class for m in relatives])
        worker = Line(head.id, head.payer_id, "WORKER", head.care_class, None)
        out = [worker]
        extra_lines: dict[str, list] = defaultdict(list)
        for ln in d.value.lines:
            if ln.item.startswith("contribution of participant"):
                worker.basis = ln.basis
                _add_share(worker, ln.payer, int(ln.amount))
            else:
                extra_lines[ln.item.split(" #")[0] + " #" + ln.item.split(" #")[1]].append(ln)
        for i, m in enumerate(additional):
            line = Line(m.id, head.payer_id, "ADDITIONAL", m.care_class, None)
            for ln in extra_lines[f"additional family member #{i + 1}"]:
                line.basis = ln.basis
                _add_share(line, ln.payer, int(ln.amount))
            out.append(line)
        for i, m in enumerate(relatives):
            line = Line(m.id, head.payer_id, "FLAT", m.care_class, None)
            for ln in extra_lines[f"other relative #{i + 1}"]:
                _add_share(line, ln.payer, int(ln.amount))
            out.append(line)
        return out, d.steps
    people = [head] + members
    kwargs: dict[str, Any] = {"persons": len(people)}
    if seg is Segment.PBI:
        kwargs["pbi_amount"] = options.pbi_amount
        kind = "PBI"
    elif seg in VETERAN_SEGMENTS:
        kwargs["veteran_base_salary"] = options.veteran_base_salary
        kind = "VETERAN"
    else:
        kwargs.update(grade=grade, care_class=head.care_class)
        if seg in STATE_PENSIONERS:
            kwargs["pension"] = head.pension
        kind = "FLAT"
    d = monthly_contribution(seg, month, **kwargs)
    if any(ln.item == ITEMS["pension"] for ln in d.value.lines):
        # a state pensioner's 5% of the pension, split as the engine splits it, for the whole family:
        # the pensioner's share on the family's bill, the government's on its account (A-R14)
        line = Line(head.id, head.payer_id, "PENSION", head.care_class, head.pension)
        gov: dict[int, Line] = {}
        for ln in d.value.lines:
            share = _government_line(gov, 0, head, "PENSION_GOV", head.pension) if ln.payer == "government" else line
            _add_share(share, ln.payer, int(ln.amount))
        return [line, *_owed(gov)], d.steps
    own: dict[int, Line] = {}
    aid: dict[int, Line] = {}
    for ln in d.value.lines:
        i = int(ln.item.rsplit("#", 1)[1]) - 1  # the engine numbers each person's lines "#1", "#2" ...
        person = people[i]
        if kind == "FLAT" and ln.payer == "government":  # class III aid: the government's bill (A-R05)
            line = _government_line(aid, i, person, "AID", None)
        else:
            line = own.setdefault(i, Line(person.id, head.payer_id, kind, person.care_class,
                                          ln.basis if kind == "VETERAN" else None))
        _add_share(line, ln.payer, int(ln.amount))
    return list(own.values()) + _owed(aid), d.steps


def _government_line(lines: dict[int, Line], i: int, person: ParticipantRow, kind: str, basis: int | None) -> Line:
    """The line of person ``i`` for the government's share of kind ``kind`` (GOVERNMENT_LINES), on
    the government's account, apart from the family's bill."""
    return lines.setdefault(i, Line(person.id, GOVERNMENT_ACCOUNT, kind, person.care_class, basis))


def _owed(lines: dict[int, Line]) -> list[Line]:
    """The government's lines of a family that owe something (the batch path writes no zero line)."""
    return [ln for ln in lines.values() if ln.amount]


def _add_share(line: Line, payer: str, amount: int) -> None:
    if payer == "employer":
        line.employer_share += amount
    elif payer == "participant":
        line.participant_share += amount
    else:
        line.government_share += amount


def compute_single(session: Session, month: Month, options: Options = Options(), *,
                   payer_ids: set[int] | None = None, exclude_billed: bool = True,
                   ) -> tuple[list[Line], list[dict]]:
    """Every line of the month by the single-case path (no writes)."""
    first, last = month.first_day, month.last_day
    stmt = select(ParticipantRow).where(ParticipantRow.tmt <= last, (ParticipantRow.end_date.is_(None))
                                        | (ParticipantRow.end_date >= first), ParticipantRow.payer_id.is_not(None))
    if exclude_billed:
        billed = select(BillRow.payer_id).where(BillRow.month == month_date(month))
        stmt = stmt.where(ParticipantRow.payer_id.not_in(billed))
    if payer_ids is not None:
        stmt = stmt.where(ParticipantRow.payer_id.in_(payer_ids))
    families: dict[int, list[ParticipantRow]] = defaultdict(list)
    billed_as = basis.in_force(session, first)  # the wage, pension, class, grade of the month's first day (A-P12)
    for p in session.scalars(stmt.order_by(ParticipantRow.id)):
        if _covered(p, month):
            families[p.family_id].append(billed_as(p))
    lines: list[Line] = []
    skipped: dict[tuple, dict] = {}
    for fam_id, people in families.items():
        head = next((p for p in people if p.relationship == "HEAD"), None)
        if head is None:
            continue  # the head is not covered this month: members are not billed (A-M03)
        members = [p for p in people if p is not head]
        try:
            fl, _ = family_lines(head, members, month, options)
        except RuleError as exc:
            key = (head.segment, str(exc))
            entry = skipped.setdefault(key, {"segment": head.segment, "reason": str(exc), "families": 0})
            entry["families"] += 1
            continue
        lines += fl
    accounts: dict[str, int] = {}  # opened only for the kinds the month bills (A-R05, A-R14)
    for ln in lines:
        if ln.payer_id == GOVERNMENT_ACCOUNT:
            if ln.kind not in accounts:
                accounts[ln.kind] = government_share_payer(session, GOVERNMENT_LINES[ln.kind]).id
            ln.payer_id = accounts[ln.kind]
    return lines, list(skipped.values())


def _write_lines(session: Session, run: BillingRunRow, month: Month, lines: list[Line]) -> tuple[int, int]:
    by_payer: dict[int, list[Line]] = defaultdict(list)
    for ln in lines:
        by_payer[ln.payer_id].append(ln)
    due = due_date(month).value
    md = month_date(month)
    bill_ids = {}
    earlier = {b.payer_id: b for b in session.scalars(select(BillRow).where(BillRow.month == md,
                                                                           BillRow.payer_id.in_(by_payer)))}
    for pid, ls in by_payer.items():
        if pid in earlier:  # a government account, billed by an earlier run of the month
            _add_to_bill(session, earlier[pid], len(ls), employer=sum(x.employer_share for x in ls),
                         participant=sum(x.participant_share for x in ls),
                         government=sum(x.government_share for x in ls))
            bill_ids[pid] = earlier[pid].id
            continue
        bill = BillRow(payer_id=pid, month=md, due_date=due, amount=sum(x.amount for x in ls),
                       employer_share=sum(x.employer_share for x in ls),
                       participant_share=sum(x.participant_share for x in ls),
                       government_share=sum(x.government_share for x in ls), lines=len(ls), paid_amount=0,
                       penalty_paid=0, status="OPEN" if sum(x.amount for x in ls) else "PAID", run_id=run.id)
        session.add(bill)
        session.flush()
        bill_ids[pid] = bill.id
    session.execute(BillLineRow.__table__.insert(), [
        {"bill_id": bill_ids[x.payer_id], "participant_id": x.participant_id, "month": md, "kind": x.kind,
         "care_class": x.care_class, "basis": x.basis, "employer_share": x.employer_share,
         "participant_share": x.participant_share, "government_share": x.government_share, "amount": x.amount}
        for x in lines]) if lines else None
    return len(bill_ids), len(lines)


def _add_to_bill(session: Session, bill: BillRow, count: int, *, employer: int = 0, participant: int = 0,
                 government: int = 0) -> None:
    """``count`` lines (with these shares) of people registered after the month's first run, on the
    one bill a payer has for a month (unique per payer and month); the payer's columns are
    recomputed from its ledger."""
    bill.amount += employer + participant + government
    bill.employer_share += employer
    bill.participant_share += participant
    bill.government_share += government
    bill.lines += count
    if bill.amount > bill.paid_amount:
        bill.status, bill.paid_on = "OPEN", None
    session.flush()
    refresh_payer(session, session.get(PayerRow, bill.payer_id))


# ---------------------------------------------------------------- batch path (set-based)

class BatchUnsupported(Exception):
    """The month's rule set has a feature the SQL path does not express."""


def _pct_fraction(rate: str) -> Fraction:
    if not rate.endswith("%"):
        raise BatchUnsupported(f"rate {rate!r} is not a percentage")
    return Fraction(Decimal(rate[:-1])) / 100


@dataclass
class RateTable:
    """Rates read off the engine's answers for one month."""

    worker: dict[str, tuple[Fraction, Fraction]]  # PPU segment -> (employer, participant) fraction of wage
    additional: dict[str, Fraction]               # PPU segment -> participant fraction of wage per member
    limits: dict[str, tuple[int | None, int | None]]  # PPU segment -> (cap, floor) of the wage used as basis
    relative_flat: dict[str, int]                 # class -> flat rate of an other relative of a PPU worker
    flat: dict[tuple[str, str], int]              # (segment, class) -> the participant's part of the rate per person
    aid: dict[tuple[str, str], int]               # (segment, class) -> the government's part per person (A-R05)
    pbi: int | None
    veteran: int | None
    veteran_per_person: bool
    unavailable: dict[str, str] = field(default_factory=dict)  # segment -> why the engine bills none of it
    #: state pensioner segment -> (participant, government) fraction of the pension (A-R06), and why
    #: the engine bills nothing for a pensioner without one
    pension: dict[str, tuple[Fraction, Fraction]] = field(default_factory=dict)
    pension_missing: dict[str, str] = field(default_factory=dict)


def _ppu_rates(month: Month, rates: RateTable) -> None:
    probe = 10_000_000
    for seg in PPU_SEGMENTS:
        try:
            c = monthly_contribution(seg, month, wage=probe, grade="III/a", additional_members=1,
                                     other_relatives=list(CLASSES)).value
            terms = wage_terms(seg, month.first_day).value
        except RuleError as exc:  # e.g. government employees, October-December 2019 (A-R02)
            rates.unavailable[seg.value] = str(exc)
            continue
        shares = {"employer": Fraction(0), "participant": Fraction(0)}
        for ln in c.lines:
            if ln.item.startswith("contribution of participant"):
                if ln.payer not in shares:
                    raise BatchUnsupported(f"{seg.value}: payer {ln.payer}")
                shares[ln.payer] += _pct_fraction(ln.rate)
            elif ln.item.startswith("additional family member"):
                if ln.payer != "participant":
                    raise BatchUnsupported(f"{seg.value}: additional member paid by {ln.payer}")
                rates.additional[seg.value] = _pct_fraction(ln.rate)
            elif ln.item.startswith("other relative"):
                idx = int(ln.item.split(" #")[1]) - 1
                if ln.payer != "participant":
                    raise BatchUnsupported(f"{seg.value}: other relative paid by {ln.payer}")
                rates.relative_flat[CLASSES[idx]] = int(ln.amount)
        rates.worker[seg.value] = (shares["employer"], shares["participant"])
        # the regional minimum wage is not on record: without it the engine applies no floor (A-R03)
        rates.limits[seg.value] = (terms.cap, terms.floor)


def _pension_rates(seg: Segment, month: Month, rates: RateTable) -> bool:
    """A state pensioner's percentage of the pension, when the month's rule takes one."""
    try:
        c = monthly_contribution(seg, month, grade="III/a" if seg is not Segment.BP_JANDA_DUDA_YATIM_PENSIUNAN else None,
                                 care_class="I", pension=1_000_000).value
    except RuleError:
        return False
    if not any(ln.item == ITEMS["pension"] for ln in c.lines):
        return False
    shares = {"participant": Fraction(0), "government": Fraction(0)}
    for ln in c.lines:
        if ln.payer not in shares:
            raise BatchUnsupported(f"{seg.value}: pension share paid by {ln.payer}")
        shares[ln.payer] += _pct_fraction(ln.rate)
    rates.pension[seg.value] = (shares["participant"], shares["government"])
    try:
        monthly_contribution(seg, month, grade="III/a", care_class="I")
    except RuleError as exc:
        rates.pension_missing[seg.value] = str(exc)
    return True


def _flat_rates(month: Month, rates: RateTable) -> None:
    for seg in FLAT_SEGMENTS:
        if seg in STATE_PENSIONERS and _pension_rates(seg, month, rates):
            continue
        refused = None
        for cls in CLASSES:
            grade = {"I": "III/a", "II": "II/a", "III": None}[cls] if seg in STATE_PENSIONERS else None
            try:
                c = monthly_contribution(seg, month, grade=grade, care_class=cls, persons=2).value
            except RuleError as exc:  # a pensioner's grade never gives class III; no rule on this date
                refused = refused or str(exc)
                continue
            parts = {"participant": 0, "government": 0}
            for ln in c.lines:
                if not ln.rate.endswith("flat") or ln.payer not in parts:
                    raise BatchUnsupported(f"{seg.value}: not a flat rate per person")
                parts[ln.payer] += int(ln.amount)
            if len(c.lines) != 2 * (1 + bool(parts["government"])) or any(v % 2 for v in parts.values()):
                raise BatchUnsupported(f"{seg.value}: not the same rate for every person")
            rates.flat[(seg.value, cls)] = parts["participant"] // 2
            if parts["government"]:
                rates.aid[(seg.value, cls)] = parts["government"] // 2
        if refused is not None and not any(s == seg.value for s, _ in rates.flat):
            rates.unavailable[seg.value] = refused


def rate_table(month: Month, options: Options) -> RateTable:
    """Ask the engine once per segment and class; refuse what SQL cannot reproduce exactly. A segment
    the engine bills nobody of on this date (no sourced rule, a required input) is listed with the
    engine's reason, as the single path reports it."""
    d = month.first_day
    if param_entry("rounding_rule", d).value != "half_up":
        raise BatchUnsupported("rounding rule other than half_up")
    rates = RateTable({}, {}, {}, {}, {}, {}, None, None, False)
    _ppu_rates(month, rates)
    _flat_rates(month, rates)
    try:
        rates.pbi = int(monthly_contribution(Segment.PBI, month, pbi_amount=options.pbi_amount).value.lines[0].amount)
    except RuleError as exc:
        rates.unavailable[Segment.PBI.value] = str(exc)
    try:
        c = monthly_contribution(Segment.BP_VETERAN, month, veteran_base_salary=options.veteran_base_salary,
                                 persons=2).value
        rates.veteran, rates.veteran_per_person = int(c.lines[0].amount), len(c.lines) > 1
    except RuleError as exc:
        for seg in VETERAN_SEGMENTS:
            rates.unavailable[seg.value] = str(exc)
    return rates


def _round_sql(col: str, frac: Fraction) -> str:
    """half-up rounding of col x frac in integer SQL (col >= 0): (col*2n + d) / (2d)."""
    n, d = frac.numerator, frac.denominator
    if n == 0:
        return "0"
    return f"(({col}) * {2 * n} + {d}) / {2 * d}"


def _basis_sql(col: str, cap: int | None, floor: int | None) -> str:
    """The wage used as basis: lowered to the cap, else raised to the floor (wage_terms.wage_basis)."""
    whens = ([f"WHEN {col} > {cap} THEN {cap}"] if cap is not None else []) + \
            ([f"WHEN {col} < {floor} THEN {floor}"] if floor is not None else [])
    return f"(CASE {' '.join(whens)} ELSE {col} END)" if whens else col


def _case(expr_by_key: dict[str, str], key_col: str) -> str:
    if not expr_by_key:
        return "0"
    whens = " ".join(f"WHEN '{k}' THEN {v}" for k, v in expr_by_key.items())
    return f"CASE {key_col} {whens} ELSE NULL END"


def _class_case(by_class: dict[tuple[str, str], int], default: str) -> str:
    if not by_class:
        return default
    return "CASE " + " ".join(f"WHEN head_segment = '{s}' AND head_class = '{c}' THEN {v}"
                              for (s, c), v in by_class.items()) + f" ELSE {default} END"


def _registry_sql(rates: RateTable, *, exclude_billed: bool) -> str:
    """The covered participants of the payers :lo to :hi, each with its covered family head's
    segment, class and wage, and ``k``: the kind of line the head's segment gives it (NULL: none).
    The class, wage and pension are those in force on the month's first day (membership.basis)."""
    covered = ("{a}.tmt <= :last AND ({a}.end_date IS NULL OR {a}.end_date >= :first)"
               " AND ({a}.status_until IS NULL OR {a}.status_until >= :first)")
    ppu = ", ".join(f"'{s}'" for s in rates.worker) or "NULL"
    kinds = [f"WHEN relationship = 'HEAD' AND segment IN ({ppu}) THEN 'WORKER'",
             f"WHEN head_segment IN ({ppu}) AND member_status = 'ADDITIONAL' THEN 'ADDITIONAL'",
             f"WHEN head_segment IN ({ppu}) AND member_status = 'OTHER_RELATIVE' THEN 'RELATIVE'"]
    if rates.flat:
        segs = ", ".join(f"'{s}'" for s in sorted({s for s, _ in rates.flat}))
        kinds.append(f"WHEN head_segment IN ({segs}) THEN 'FLAT'")
    if rates.pension:
        pensioners = ", ".join(f"'{s}'" for s in rates.pension)
        kinds.append(f"WHEN head_segment IN ({pensioners}) THEN CASE WHEN relationship = 'HEAD' AND pension IS NOT NULL"
                     " THEN 'PENSION' ELSE NULL END")
    if rates.pbi is not None:
        kinds.append("WHEN head_segment = 'PBI' THEN 'PBI'")
    if rates.veteran is not None:
        vets = ", ".join(f"'{s.value}'" for s in VETERAN_SEGMENTS)
        who = "" if rates.veteran_per_person else " AND relationship = 'HEAD'"
        kinds.append(f"WHEN head_segment IN ({vets}){who} THEN 'VETERAN'")
    people = (
        "SELECT p.id AS participant_id, p.payer_id, p.relationship, p.member_status, p.segment, p.care_class, p.wage,"
        " p.pension, h.segment AS head_segment, h.care_class AS head_class, h.wage AS head_wage,"
        f" {basis.first_after_sql('p.id', ':first')} AS own_change, {basis.first_after_sql('h.id', ':first')} AS head_change "
        "FROM participant p JOIN participant h ON h.family_id = p.family_id AND h.relationship = 'HEAD'"
        f" AND (p.relationship <> 'HEAD' OR h.id = p.id) AND {covered.format(a='h')} "
        f"WHERE {covered.format(a='p')} AND p.payer_id BETWEEN :lo AND :hi")
    if exclude_billed:
        people += " AND NOT EXISTS (SELECT 1 FROM bill b0 WHERE b0.payer_id = p.payer_id AND b0.month = :month)"
    # the wage, pension and class in force on the month's first day: those a later change replaced, else
    # the record's (membership.basis, A-P12)
    in_force = (
        "SELECT r.participant_id, r.payer_id, r.relationship, r.member_status, r.segment, r.head_segment,"
        " CASE WHEN pc.id IS NULL THEN r.care_class ELSE pc.care_class_before END AS care_class,"
        " CASE WHEN pc.id IS NULL THEN r.wage ELSE pc.wage_before END AS wage,"
        " CASE WHEN pc.id IS NULL THEN r.pension ELSE pc.pension_before END AS pension,"
        " CASE WHEN hc.id IS NULL THEN r.head_class ELSE hc.care_class_before END AS head_class,"
        " CASE WHEN hc.id IS NULL THEN r.head_wage ELSE hc.wage_before END AS head_wage "
        f"FROM ({people}) r LEFT JOIN basis_change pc ON pc.id = r.own_change"
        " LEFT JOIN basis_change hc ON hc.id = r.head_change")
    return ("SELECT participant_id, payer_id, care_class, segment, wage, pension, head_segment, head_class, head_wage,"
            f" CASE {' '.join(kinds)} ELSE NULL END AS k FROM ({in_force}) b")


def _government_parts(rates: RateTable) -> dict[str, tuple[str, str]]:
    """Kind of line on a government account (GOVERNMENT_LINES) -> (the kind ``k`` of the family's
    line it goes with, the government's share in SQL over the registry's columns): the part of a
    class rate (A-R05), the government's percentage of a state pensioner's pension (A-R14)."""
    parts = {}
    if rates.aid:
        parts["AID"] = ("FLAT", _class_case(rates.aid, "0"))
    pension = {s: _round_sql("pension", f[1]) for s, f in rates.pension.items() if f[1]}
    if pension:
        parts["PENSION_GOV"] = ("PENSION", _case(pension, "segment"))
    return parts


def line_source_sql(rates: RateTable, *, exclude_billed: bool) -> str:
    """One SELECT, one pass over the registry, with columns participant_id, payer_id, kind,
    care_class, basis, employer_share, participant_share, government_share. Each covered participant
    is joined to its covered family head, whose segment decides the line (members follow their
    head): a wage earner's own shares on the wage within the cap and floor, 1% for an additional
    member, the flat rate of an other relative or the participant's part of it for a PBPU/BP family
    member, a state pensioner's own percentage of the pension — and then a second line, of the
    government's share, to a government account (kind AID to ``:payer_AID``, PENSION_GOV to
    ``:payer_PENSION_GOV``) —, the government's PBI or veteran amount; participants owing nothing (a
    wage earner's core family) give no line. Parameters: :first, :last (the month's first and last
    day), :month, :lo, :hi (payer id range), the government accounts' ids where the month has a
    government share."""
    registry = _registry_sql(rates, exclude_billed=exclude_billed)
    own_basis = {s: _basis_sql("wage", *rates.limits[s]) for s in rates.worker}
    head_basis = {s: _basis_sql("head_wage", *rates.limits[s]) for s in rates.worker}
    worker_employer = _case({s: _round_sql(own_basis[s], f[0]) for s, f in rates.worker.items()}, "segment")
    worker_participant = _case({s: _round_sql(own_basis[s], f[1]) for s, f in rates.worker.items()}, "segment")
    additional = _case({s: _round_sql(head_basis[s], f) for s, f in rates.additional.items()}, "head_segment")
    relative = _case({c: str(v) for c, v in rates.relative_flat.items()}, "care_class")
    pension_participant = _case({s: _round_sql("pension", f[0]) for s, f in rates.pension.items()}, "segment")
    government = (f"CASE k WHEN 'PBI' THEN {rates.pbi if rates.pbi is not None else 0} "
                  f"WHEN 'VETERAN' THEN {rates.veteran if rates.veteran is not None else 0} ELSE 0 END")
    columns = {
        "payer_id": "payer_id",
        "kind": "CASE k WHEN 'RELATIVE' THEN 'FLAT' ELSE k END",
        "care_class": "care_class",
        "basis": f"CASE k WHEN 'WORKER' THEN {_case(own_basis, 'segment')}"
                 f" WHEN 'ADDITIONAL' THEN {_case(head_basis, 'head_segment')} WHEN 'PENSION' THEN pension ELSE NULL END",
        "employer_share": f"CASE k WHEN 'WORKER' THEN {worker_employer} ELSE 0 END",
        "participant_share": f"CASE k WHEN 'WORKER' THEN {worker_participant} WHEN 'ADDITIONAL' THEN {additional}"
                             f" WHEN 'RELATIVE' THEN {relative} WHEN 'FLAT' THEN {_class_case(rates.flat, 'NULL')}"
                             f" WHEN 'PENSION' THEN {pension_participant} ELSE 0 END",
        "government_share": government}
    parts = _government_parts(rates)
    if not parts:
        return (f"SELECT participant_id, {', '.join(f'{v} AS {c}' for c, v in columns.items())} "
                f"FROM ({registry}) x WHERE k IS NOT NULL")
    # the government's share: a second line of the same participant, on a government account
    share = "CASE k " + " ".join(f"WHEN '{k}' THEN {sql}" for k, sql in parts.values()) + " ELSE 0 END"
    gov_columns = {"payer_id": "CASE k " + " ".join(f"WHEN '{k}' THEN :payer_{kind}" for kind, (k, _) in parts.items())
                               + " END",
                   "kind": "CASE k " + " ".join(f"WHEN '{k}' THEN '{kind}'" for kind, (k, _) in parts.items()) + " END",
                   "care_class": "care_class", "basis": "CASE k WHEN 'PENSION' THEN pension ELSE NULL END",
                   "employer_share": "0", "participant_share": "0", "government_share": share}
    both = ", ".join(f"CASE side.gov WHEN 1 THEN {gov_columns[c]} ELSE {v} END AS {c}" for c, v in columns.items())
    return (f"SELECT participant_id, {both} FROM ({registry}) x "
            f"JOIN (SELECT 0 AS gov UNION ALL SELECT 1) side ON side.gov = 0 OR ({share}) > 0 "
            "WHERE k IS NOT NULL")


def _government_accounts(session: Session, rates: RateTable, params: dict) -> dict[str, PayerRow]:
    """The government accounts the run gives a line (GOVERNMENT_LINES kind -> account), opened if
    need be: a month where no family of the registry has a government share opens none."""
    registry = _registry_sql(rates, exclude_billed=True)
    accounts = {}
    for kind, (k, share) in _government_parts(rates).items():
        if session.execute(text(f"SELECT 1 FROM ({registry}) x WHERE k = '{k}' AND ({share}) > 0 LIMIT 1"),
                           params).first():
            accounts[kind] = government_share_payer(session, GOVERNMENT_LINES[kind])
    return accounts


def _skipped_batch(session: Session, month: Month, rates: RateTable) -> list[dict]:
    """The families of the segments the engine bills nobody of this month, with the engine's reason
    (as the single path reports them: per segment and reason, covered heads of unbilled payers)."""
    if not rates.unavailable and not rates.pension_missing:
        return []
    first, last = month.first_day, month.last_day
    billed = select(BillRow.payer_id).where(BillRow.month == month_date(month))
    counts = session.execute(
        select(ParticipantRow.segment, func.count()).where(
            ParticipantRow.tmt <= last, (ParticipantRow.end_date.is_(None)) | (ParticipantRow.end_date >= first),
            ParticipantRow.relationship == "HEAD", ParticipantRow.payer_id.is_not(None),
            ParticipantRow.segment.in_(rates.unavailable) | and_(
                ParticipantRow.segment.in_(rates.pension_missing),
                text(f"({basis.in_force_sql('participant', 'pension', ':first')}) IS NULL").bindparams(first=first)),
            ParticipantRow.payer_id.not_in(billed))
        .group_by(ParticipantRow.segment).order_by(ParticipantRow.segment)).all()
    return [{"segment": seg, "reason": rates.unavailable.get(seg) or rates.pension_missing[seg], "families": n}
            for seg, n in counts]


def _batch(session: Session, run: BillingRunRow, month: Month, rates: RateTable,
           progress: Progress | None, chunk_payers: int) -> tuple[int, int]:
    """One pass over the registry per chunk of payers: the lines are written first, with the id
    their bill will have (``base + payer_id``, a block of ids reserved for the run), then the bills
    are the sums of the lines just written. A government account's lines come from every chunk:
    its bill is written (or, when an earlier run of the month opened it, added to) after the last."""
    src = line_source_sql(rates, exclude_billed=True)
    lo_id, hi_id = session.execute(select(func.min(PayerRow.id), func.max(PayerRow.id))).one()
    if lo_id is None:
        return 0, 0
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        # no other transaction adds bills while the run's block of bill ids is in use
        session.execute(text("LOCK TABLE bill IN SHARE ROW EXCLUSIVE MODE"))
        # planner statistics after bulk loads: without them PostgreSQL plans the family join as a
        # nested loop over the whole table (autovacuum may not have analysed yet)
        session.execute(text("ANALYZE participant"))
        # the statements are cheap per row but "expensive" in the planner's eyes: compiling them
        # with JIT costs seconds and saves nothing
        session.execute(text("SET LOCAL jit = off"))
    # SQLite: the billing_run row written before holds the write lock, so max(id) is stable
    base = session.execute(text("SELECT COALESCE(MAX(id), 0) FROM bill")).scalar_one()
    params = {"first": month.first_day, "last": month.last_day, "month": month_date(month),
              "due": due_date(month).value, "run": run.id, "base": base}
    params.update({f"{side}_{kind}": 0 for kind in GOVERNMENT_LINES for side in ("payer", "bill")})
    accounts = _government_accounts(session, rates, {**params, "lo": lo_id, "hi": hi_id})
    earlier: dict[str, BillRow | None] = {}
    for kind, payer in accounts.items():
        earlier[kind] = session.scalar(select(BillRow).where(BillRow.payer_id == payer.id,
                                                             BillRow.month == month_date(month)))
        params.update({f"payer_{kind}": payer.id, f"bill_{kind}": earlier[kind].id if earlier[kind] else base + payer.id})
    to_government = " ".join(f"WHEN s.payer_id = :payer_{kind} THEN :bill_{kind}" for kind in GOVERNMENT_LINES)
    government_bills = ", ".join(f":bill_{kind}" for kind in GOVERNMENT_LINES)
    insert_lines = (
        "INSERT INTO bill_line (bill_id, participant_id, month, kind, care_class, basis, employer_share,"
        " participant_share, government_share, amount) "
        f"SELECT CASE {to_government} ELSE :base + s.payer_id END, s.participant_id, :month, s.kind, s.care_class, s.basis, s.employer_share,"
        " s.participant_share, s.government_share, s.employer_share + s.participant_share + s.government_share "
        f"FROM ({src}) s")
    insert_bills = (
        "INSERT INTO bill (id, payer_id, month, due_date, amount, employer_share, participant_share,"
        " government_share, lines, paid_amount, penalty_paid, status, run_id) "
        "SELECT l.bill_id, l.bill_id - :base, :month, :due, SUM(l.amount), SUM(l.employer_share),"
        " SUM(l.participant_share), SUM(l.government_share), COUNT(*), 0, 0,"
        " CASE WHEN SUM(l.amount) = 0 THEN 'PAID' ELSE 'OPEN' END, :run FROM {lines}"
        f" AND l.bill_id NOT IN ({government_bills})"
        " GROUP BY l.bill_id")
    if pg:  # one statement: the bills are summed from the lines as they are inserted, not read back
        write_both = text(f"WITH l AS ({insert_lines} RETURNING bill_id, amount, employer_share, participant_share,"
                          " government_share), b AS (" + insert_bills.format(lines="l WHERE TRUE") + " RETURNING id) "
                          "SELECT (SELECT COUNT(*) FROM l), (SELECT COUNT(*) FROM b)")
    else:
        write_lines = text(insert_lines)
        write_bills = text(insert_bills.format(lines="bill_line l WHERE l.bill_id BETWEEN :base + :lo AND :base + :hi"))
    bills = lines = 0
    total = hi_id - lo_id + 1
    lo = lo_id
    while lo <= hi_id:
        hi = min(hi_id, lo + chunk_payers - 1)
        p = {**params, "lo": lo, "hi": hi}
        if pg:
            n_lines, n_bills = session.execute(write_both, p).one()
            lines, bills = lines + int(n_lines), bills + int(n_bills)
        else:
            lines += session.execute(write_lines, p).rowcount
            bills += session.execute(write_bills, p).rowcount
        if progress:
            progress(hi - lo_id + 1, total)
        lo = hi + 1
    for kind, payer in accounts.items():
        bills += _government_bill(session, run, month, payer, earlier[kind], params[f"bill_{kind}"])
    if pg:
        session.execute(text("SELECT setval(pg_get_serial_sequence('bill', 'id'), "
                             "(SELECT GREATEST(MAX(id), 1) FROM bill))"))
    return bills, lines


def _government_bill(session: Session, run: BillingRunRow, month: Month, payer: PayerRow, earlier: BillRow | None,
                     bill_id: int) -> int:
    """A government account's bill of the month from the lines the run gave it: a new bill, or the
    lines added to the one an earlier run of the month opened (as the single path does)."""
    count, amount = session.execute(select(func.count(), func.coalesce(func.sum(BillLineRow.amount), 0))
                                    .where(BillLineRow.bill_id == bill_id)).one()
    if earlier is not None:
        added = count - earlier.lines
        if added:
            _add_to_bill(session, earlier, added, government=amount - earlier.amount)
        return 1 if added else 0
    if not count:
        return 0
    session.add(BillRow(id=bill_id, payer_id=payer.id, month=month_date(month), due_date=due_date(month).value,
                        amount=amount, employer_share=0, participant_share=0, government_share=amount, lines=count,
                        paid_amount=0, penalty_paid=0, status="OPEN", run_id=run.id))
    session.flush()
    return 1


# ---------------------------------------------------------------- the run

def run_billing(session: Session, month: "Month | str", *, actor: Actor, method: str = "batch",
                options: Options = Options(), progress: Progress | None = None,
                chunk_payers: int = 250_000) -> RunResult:
    """Bill every payer for ``month`` (payers already billed for it are left alone). One
    transaction: the run and its audit row are all or nothing."""
    import time

    m = as_month(month)
    if method not in ("batch", "single"):
        raise Invalid(Msg("error.billing.run_method"), field="method")
    try:  # JKN's span up to the horizon (assumption A-S06)
        check_jkn_month(m)
    except ValueError as exc:
        raise Invalid(Msg("error.billing.cannot_bill", m=m, exc=getattr(exc, "msg", str(exc))), field="month") from None
    started = time.perf_counter()
    with unit_of_work(session):
        rates = None
        if method == "batch":
            try:
                rates = rate_table(m, options)
            except BatchUnsupported as exc:
                method = f"single ({exc})"
        run = BillingRunRow(month=month_date(m), method=method[:12])
        session.add(run)
        session.flush()
        result = RunResult(str(m), method, run_id=run.id)
        if rates is not None:
            result.skipped = _skipped_batch(session, m, rates)
            result.bills, result.lines = _batch(session, run, m, rates, progress, chunk_payers)
        else:
            lines, result.skipped = compute_single(session, m, options)
            result.bills, result.lines = _write_lines(session, run, m, lines)
            if progress:
                progress(1, 1)
        agg = session.execute(select(func.coalesce(func.sum(BillRow.amount), 0), func.count())
                              .where(BillRow.run_id == run.id)).one()
        result.amount = int(agg[0])
        result.participants = result.lines
        run.bills, run.lines, run.amount = result.bills, result.lines, result.amount
        run.finished_at = dt.datetime.now(dt.timezone.utc)
        _after_billing(session, run, m)
        audit.record(session, actor, "billing.run", object_type="billing_run", object_id=run.id,
                     summary=Msg("audit.sum.billing_run", month=str(m), bills=result.bills,
                                 amount=Rp(int(result.amount))),
                     after={"month": str(m), "bills": result.bills, "lines": result.lines, "amount": result.amount})
    result.seconds = time.perf_counter() - started
    return result


def _after_billing(session: Session, run: BillingRunRow, month: Month) -> None:
    """Add the run's bills to the payers' arrears, suspension and billed_through; then use prepaid
    credit, which may begin the cover of the people on the bills it pays."""
    session.flush()
    add_run_to_payers(session, run.id, month_date(month))
    billed = select(BillRow.payer_id).where(BillRow.run_id == run.id)
    with_credit = session.scalars(select(PayerRow).where(PayerRow.id.in_(billed), PayerRow.credit > 0)).all()
    if with_credit:
        from jkn.services.billing.payments import apply_credit
        for payer in with_credit:
            apply_credit(session, payer, month_date(month))
            refresh_payer(session, payer)
        session.flush()
        start_cover(session, BY_RUN, {"run": run.id}, month.first_day)  # bills paid by the credit (A-M18)
    session.flush()


def list_runs(session: Session, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Billing runs, newest first, one page (jkn.services.paging)."""
    return page(session, select(BillingRunRow).order_by(BillingRunRow.id.desc()), limit, offset, lambda r: {
        "id": r.id, "month": str(Month.of(r.month)), "method": r.method, "bills": r.bills, "lines": r.lines,
        "amount": r.amount, "started_at": r.started_at.isoformat(),
        "finished_at": r.finished_at.isoformat() if r.finished_at else None})


def bill_view(session: Session, bill: BillRow, *, with_lines: bool = False) -> dict[str, Any]:
    payer = session.get(PayerRow, bill.payer_id)
    view = {"id": bill.id, "payer": payer.code, "payer_name": payer.name, "month": str(Month.of(bill.month)),
            "due_date": bill.due_date.isoformat(), "amount": bill.amount, "employer_share": bill.employer_share,
            "participant_share": bill.participant_share, "government_share": bill.government_share,
            "lines": bill.lines, "paid_amount": bill.paid_amount, "penalty_paid": bill.penalty_paid,
            "balance": bill.amount - bill.paid_amount, "status": bill.status,
            "paid_on": bill.paid_on.isoformat() if bill.paid_on else None}
    if with_lines:
        rows = session.execute(select(BillLineRow, ParticipantRow.card_number, ParticipantRow.name)
                               .join(ParticipantRow, ParticipantRow.id == BillLineRow.participant_id)
                               .where(BillLineRow.bill_id == bill.id).order_by(BillLineRow.id)).all()
        view["items"] = [{"card_number": card, "name": name, "kind": ln.kind, "care_class": ln.care_class,
                          "basis": ln.basis, "employer_share": ln.employer_share,
                          "participant_share": ln.participant_share, "government_share": ln.government_share,
                          "amount": ln.amount} for ln, card, name in rows]
    return view


def list_bills(session: Session, *, payer_code: str | None = None, month: str | None = None,
               status: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    stmt = select(BillRow)
    if payer_code:
        stmt = stmt.join(PayerRow, PayerRow.id == BillRow.payer_id).where(PayerRow.code == payer_code)
    if month:
        stmt = stmt.where(BillRow.month == month_date(as_month(month)))
    if status:
        stmt = stmt.where(BillRow.status == status)
    return page(session, stmt.order_by(BillRow.month, BillRow.id), limit, offset, lambda b: bill_view(session, b))


def get_bill(session: Session, bill_id: int) -> dict[str, Any]:
    from jkn.services.errors import NotFound
    bill = session.get(BillRow, bill_id)
    if bill is None:
        raise NotFound(Msg("error.billing.bill_unknown", bill_id=str(bill_id)))
    return bill_view(session, bill, with_lines=True)
