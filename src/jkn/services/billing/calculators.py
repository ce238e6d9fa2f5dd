"""The public calculators: contribution, room class, penalty and rank look-up.

Thin: each turns plain input into a rules-engine call and the Decision into a JSON-ready
answer with its explanation (architecture.md: "every decision explains itself"). Shared by
the REST API, the simulator page and the CLI.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from jkn.i18n import Msg
from jkn.rules.care_class import care_class
from jkn.rules.contribution import monthly_contribution
from jkn.rules.decision import RuleError, jsonable
from jkn.rules.late_payment import assess, regime
from jkn.rules.penalty import PenaltyAssessment
from jkn.rules.ranks import search_ranks


def contribution(segment: str, as_of: date, *, wage: int | None = None, grade: str | None = None,
                 care_class: str | None = None, persons: int = 1, additional_members: int = 0,
                 other_relatives: list[str] | None = None, pension: int | None = None,
                 veteran_base_salary: int | None = None, pbi_amount: int | None = None,
                 minimum_wage: int | None = None, wage_components: dict[str, int] | None = None) -> dict:
    """Monthly contribution with each payer's share, the lines and the explanation; ``minimum_wage`` is
    the workplace's UMK (A-R03), ``wage_components`` a government employee's pay items (A-R04)."""
    decision = monthly_contribution(
        segment, as_of, wage=wage, grade=grade, care_class=care_class, persons=persons,
        additional_members=additional_members, other_relatives=tuple(other_relatives or ()),
        pension=pension, veteran_base_salary=veteran_base_salary, pbi_amount=pbi_amount,
        minimum_wage=minimum_wage, wage_components=wage_components or None,
    )
    value = decision.value
    return {
        "segment": value.segment.value,
        "month": str(value.month),
        "due_date": value.due_date.isoformat(),
        "care_class": value.care_class.value if value.care_class else None,
        "total": int(value.total),
        "employer": int(value.employer),
        "participant": int(value.participant),
        "government": int(value.government),
        "lines": [jsonable(asdict(line)) for line in value.lines],
        "answer": decision.answer_json(),
        "explanation": decision.explain(),
    }


def room_class(segment: str, as_of: date, *, grade: str | None = None, rank: str | None = None,
               wage: int | None = None, paid_class: str | None = None) -> dict:
    """The inpatient room class a participant is owed, with the reason."""
    decision = care_class(segment, as_of, wage=wage, grade=grade or rank, paid_class=paid_class)
    return {"care_class": decision.value.value, "answer": decision.answer_json(), "explanation": decision.explain()}


def parse_unpaid(items: list[str]) -> list[tuple[str, int]]:
    """Unpaid months written ``MONTH=AMOUNT`` (``2014-01=25500``; thousands dots allowed)."""
    out = []
    for item in (i.strip() for i in items):
        month, _, amount = item.partition("=")
        amount = amount.replace(".", "").strip()
        if not amount.isdigit():
            raise RuleError(Msg("calc.error.unpaid_item", got=repr(item)))
        out.append((month.strip(), int(amount)))
    return out


def penalty_figures(a: PenaltyAssessment) -> dict:
    """The figures of a penalty assessment, as the calculator, the statement and the coverage check
    show them."""
    late = a.lateness
    return {"arrears": int(a.arrears_total), "months_in_arrears": a.months_in_arrears,
            "lateness": {"since": late.due.isoformat(), "months": late.months, "days": late.days,
                         "months_begun": late.months_begun} if late else None,
            "months_counted": a.months_counted, "penalty": int(a.penalty), "penalty_owed": int(a.penalty_owed),
            "amount_due": int(a.amount_due), "outside_window": [str(m) for m in a.set_aside]}


def penalty(segment: str, as_of: date, unpaid: list[tuple[str, int]], *, penalty_owed: int = 0,
            suspended_since: date | None = None) -> dict:
    """Lateness, arrears, penalty and suspension for the unpaid months; ``penalty_owed`` and
    ``suspended_since`` describe a payer who already paid some arrears without their penalty."""
    decision = assess(segment, as_of, unpaid, penalty_owed=penalty_owed, suspended_since=suspended_since)
    value = decision.value
    return {**penalty_figures(value), "arrears_total": int(value.arrears_total), "suspended": value.suspended,
            "payer": value.payer, "regime": regime(as_of), "answer": decision.answer_json(),
            "explanation": decision.explain()}


def ranks(q: str) -> list[dict]:
    """Grade and equivalent ranks of PNS, Polri and TNI AD/AL/AU for a rank name or grade."""
    return [
        {"grade": str(r.grade), "category": r.category, "equivalents": r.names(), "source": r.source}
        for r in search_ranks(q)
    ]
