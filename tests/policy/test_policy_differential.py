"""The set-based policy comparison equals the rules engine asked family by family (per-participant
``monthly_contribution``), on a generated population with every kind of member, on SQLite and
PostgreSQL, for dates across the rule sets and for what-if files."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from membership.membership_helpers import FKTP_A, person, ppu_family
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.domain.segment import Segment, SegmentGroup
from jkn.rules.contribution import PAYERS, monthly_contribution
from jkn.rules.decision import RuleError
from jkn.rules.parameters import read_overlay, use_params
from jkn.services.demo.population import build_demo
from jkn.services.membership import employers, registration
from jkn.services.membership.schemas import EmployerIn, FamilyIn
from jkn.services.policy.compare import FIGURES, compare
from jkn.services.portal.audit import SYSTEM
from jkn.services.unit_of_work import unit_of_work
from jkn.store.membership_tables import ParticipantRow

WHAT_IF = '''
[[flat_class_rate]]
since = 2021-01-01
value = { I = 150000, II = 100000, III = 50000 }
source = "what-if: class III Rp 50.000"

[[ppu_wage_cap]]
since = 2021-01-01
value = { government = 10000000, non_government = 10000000 }
source = "what-if: cap Rp 10.000.000"

[[veteran_base_salary]]
since = 2021-01-01
value = 3000000
source = "what-if: a base salary for veterans"
'''


def _register(s: Session, body: dict) -> None:
    with unit_of_work(s):
        plan = registration.plan_family(s, FamilyIn.model_validate(body), registration.Lookups(s), documents_mode=None)
        registration.write_family(s, plan, actor="test")


def _population(engine) -> None:
    """The demo mix, plus what it does not generate: a parent (1%), an other relative, a veteran, a
    high wage above every cap, a wage just above the 2014 class II band."""
    build_demo(engine, actor=SYSTEM, participants=300, seed=21, start=Month(2014, 1), months=0)
    with Session(engine) as s:
        emp = employers.register_employer(s, EmployerIn(name="PT Uji Kebijakan", sector="SWASTA",
                                                        kabkota_code="31.71", registered_on=dt.date(2014, 1, 2)), actor=SYSTEM)
        body = ppu_family(emp["code"], wage=25_000_001, children=1, parents=2, tmt="2014-01-01")
        body["members"].append({**person("Adik Ipar", dt.date(1985, 1, 1), "L"), "relationship": "OTHER_RELATIVE",
                                "care_class": "III"})
        _register(s, body)
        _register(s, ppu_family(emp["code"], wage=3_600_001, children=0, tmt="2014-01-01"))
        _register(s, {"head": person("Pak Veteran", dt.date(1930, 3, 1), "L", segment="BP_VETERAN", fktp_code=FKTP_A,
                                     kabkota_code="31.71", marital_status="MARRIED"),
                      "members": [{**person("Bu Veteran", dt.date(1935, 1, 1), "P"), "relationship": "SPOUSE",
                                   "marital_status": "MARRIED"}],
                      "tmt": "2014-01-01", "registered_on": "2014-01-01"})


def _family_answer(head, members, as_of):
    """Per participant id: ((employer, participant, government), class) or the reason, from one
    engine call per family, as billing attributes lines to people."""
    seg = Segment(head.segment)
    people = [head] + members
    try:
        if seg.group is SegmentGroup.PPU:
            extra = [m for m in members if m.member_status == "ADDITIONAL"]
            rel = [m for m in members if m.member_status == "OTHER_RELATIVE"]
            c = monthly_contribution(seg, as_of, wage=head.wage, grade=head.rank or head.grade, care_class=head.care_class,
                                     additional_members=len(extra), other_relatives=[m.care_class for m in rel]).value
            owner = {"contribution of participant and core family": head}
            owner |= {f"additional family member #{i + 1}": m for i, m in enumerate(extra)}
            owner |= {f"other relative #{i + 1}": m for i, m in enumerate(rel)}
            classes = {p.id: (p.care_class if p in rel else (c.care_class.value if c.care_class else None)) for p in people}
        else:
            c = monthly_contribution(seg, as_of, grade=head.rank or head.grade, care_class=head.care_class,
                                     persons=len(people)).value
            owner = {}
            for ln in c.lines:
                owner[ln.item] = people[int(ln.item.rsplit("#", 1)[1]) - 1]
            classes = {p.id: c.care_class.value if c.care_class else None for p in people}
    except RuleError as exc:
        return {p.id: str(exc) for p in people}
    amounts = {p.id: [0, 0, 0] for p in people}
    for ln in c.lines:  # an other relative's line is "other relative #k #1" (one person at the class rate)
        amounts[owner[" #".join(ln.item.split(" #")[:2])].id][PAYERS.index(ln.payer)] += int(ln.amount)
    return {p.id: (tuple(amounts[p.id]), classes[p.id]) for p in people}


def _reference(s: Session, dates_and_overlays) -> dict:
    """The comparison's figures by segment, branch and in total, computed family by family."""
    rows = s.scalars(select(ParticipantRow).order_by(ParticipantRow.id)).all()
    families = defaultdict(list)
    for p in rows:
        families[p.family_id].append(p)
    out = defaultdict(lambda: [{f: 0 for f in FIGURES} for _ in dates_and_overlays])
    for people in families.values():
        head = next(p for p in people if p.relationship == "HEAD")
        members = [p for p in people if p is not head and p.status == "ACTIVE"]
        answers = []
        for as_of, overlay in dates_and_overlays:
            with use_params(overlay):
                answers.append(_family_answer(head, members, as_of))
        for p in [head] + members:
            if p.status != "ACTIVE":
                continue
            for i, ans in enumerate(a[p.id] for a in answers):
                for key in (("segment", head.segment), ("branch", p.branch_code), ("total", "")):
                    cell = out[key][i]
                    if isinstance(ans, str):
                        cell["not_available"] += 1
                        continue
                    for payer, amount in zip(PAYERS, ans[0]):
                        cell[payer] += amount
                    cell["revenue"] += sum(ans[0])
                    first = answers[0][p.id]
                    if i and not isinstance(first, str):
                        cell["amount_changed"] += ans[0] != first[0]
                        cell["class_changed"] += ans[1] != first[1]
    return out


@pytest.mark.parametrize("date_from, date_to", [
    (dt.date(2014, 6, 1), dt.date(2021, 3, 1)),    # guide -> Perpres 64/2020, and a what-if
    (dt.date(2014, 6, 1), dt.date(2016, 6, 1)),    # PTKP bands -> Rp 4.000.000 / 8.000.000, cap 8 million
    (dt.date(2019, 11, 1), dt.date(2020, 5, 1)),   # PPU-P not available -> the court's quarter
])
def test_set_based_equals_the_engine_family_by_family(fdb, date_from, date_to):
    _population(fdb)
    with Session(fdb) as s:
        got = compare(s, None, date_from=date_from, date_to=date_to, what_ifs=[("what-if.toml", WHAT_IF)])
        expected = _reference(s, [(date_from, None), (date_to, None), (date_to, read_overlay(WHAT_IF))])
    assert got["totals"]["cells"] == expected[("total", "")]
    for r in got["by_segment"]:
        assert r["cells"] == expected[("segment", r["code"])], r["code"]
    for r in got["by_branch"]:
        assert r["cells"] == expected[("branch", r["code"])], r["code"]
    assert got["totals"]["participants"] == sum(r["participants"] for r in got["by_deputy"])
    changed = [c["amount_changed"] for c in got["totals"]["cells"][1:]]
    assert all(changed) and got["totals"]["cells"][0]["amount_changed"] == 0
    if date_to == dt.date(2016, 6, 1):
        assert got["totals"]["cells"][1]["class_changed"] > 0  # wages between 1.5 x PTKP and Rp 4.000.000
    if date_from == dt.date(2019, 11, 1):
        assert any(n["segment"] == "PPU_PNS" and n["column"] == "c0" for n in got["notes"])
