"""The public simulator (guide: Iuran; Denda and Penghentian) — usable before registering: the monthly
contribution, and the lateness, penalty and suspension of unpaid months."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from jkn.domain.segment import Segment
from jkn.rules.decision import RuleError
from jkn.rules.wage_terms import wage_components
from jkn.i18n import Msg
from jkn.services.billing import calculators
from jkn.services.errors import DomainError, Invalid
from jkn.web.form_values import jkn_date, whole_number
from jkn.web.rendering import render

router = APIRouter(include_in_schema=False)

COMPONENTS = wage_components()
FIELDS = ("segment", "as_of", "wage", "grade", "care_class", "persons", "additional_members", "pension",
          "veteran_base_salary", "minimum_wage") + COMPONENTS
PENALTY_FIELDS = ("p_segment", "p_as_of", "unpaid", "penalty_owed", "suspended_since")
#: unpaid months the penalty calculator takes at once (12 years of months)
MAX_UNPAID_MONTHS = 144


def _calculate(form: dict) -> dict:
    number = partial(whole_number, form)
    as_of = jkn_date(form, "as_of", Msg("sim.as_of"))
    return calculators.contribution(
        form.get("segment") or "",
        as_of,
        wage=number("wage", Msg("sim.wage")),
        grade=(form.get("grade") or "").strip() or None,
        care_class=form.get("care_class") or None,
        persons=number("persons", Msg("sim.persons"), 1, kind="persons"),
        additional_members=number("additional_members", Msg("sim.additional"), 0, kind="members"),
        pension=number("pension", Msg("sim.pension")),
        veteran_base_salary=number("veteran_base_salary", Msg("sim.veteran_base_salary")),
        minimum_wage=number("minimum_wage", Msg("sim.minimum_wage")),
        wage_components={c: v for c in COMPONENTS
                         if (v := number(c, Msg(f"wage.component.{c}"))) is not None} or None,
    )


def _penalty(form: dict) -> dict:
    lines = [line for line in (form.get("unpaid") or "").split() if line]
    if len(lines) > MAX_UNPAID_MONTHS:
        raise Invalid(Msg("sim.too_many_months", most=MAX_UNPAID_MONTHS), field="unpaid")
    unpaid = []
    for line in lines:
        month, _, amount = line.partition("=")
        amount_due = whole_number({"unpaid": amount}, "unpaid", Msg("sim.unpaid_amount", month=month))
        unpaid.append((month.strip(), amount_due))
        if unpaid[-1][1] is None:
            raise Invalid(Msg("sim.unpaid_format", got=line), field="unpaid")
    return calculators.penalty(form.get("p_segment") or "", jkn_date(form, "p_as_of", Msg("sim.on")), unpaid,
                               penalty_owed=whole_number(form, "penalty_owed", Msg("sim.penalty_owed"), 0),
                               suspended_since=jkn_date(form, "suspended_since", Msg("sim.suspended_since"),
                                                        required=False))


@router.get("/simulasi", response_class=HTMLResponse)
def simulator(request: Request):
    form = {name: request.query_params.get(name, "") for name in FIELDS + PENALTY_FIELDS}
    result = error = penalty = penalty_error = None
    if form["segment"]:
        try:
            result = _calculate(form)
        except DomainError as exc:
            error = exc.say
        except RuleError as exc:
            error = exc.msg or str(exc)
        except ValueError as exc:
            error = str(exc)
    if form["p_segment"]:
        try:
            penalty = _penalty(form)
        except DomainError as exc:
            penalty_error = exc.say
        except RuleError as exc:
            penalty_error = exc.msg or str(exc)
        except ValueError as exc:
            penalty_error = str(exc)
    form["as_of"] = form["as_of"] or "2014-06-01"
    form["p_as_of"] = form["p_as_of"] or "2014-06-15"
    return render(request, "simulator.html", status_code=422 if error or penalty_error else 200, form=form,
                  segments=list(Segment), components=COMPONENTS,
                  components_open=any(form[c] for c in COMPONENTS), result=result, error=error, penalty=penalty, penalty_error=penalty_error)
