"""The public contribution simulator (guide: Iuran) — usable before registering."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from jkn.domain.segment import Segment
from jkn.rules.decision import RuleError
from jkn.services.billing import calculators
from jkn.web.rendering import render

router = APIRouter(include_in_schema=False)

FIELDS = ("segment", "as_of", "wage", "grade", "care_class", "persons", "additional_members", "pension",
          "veteran_base_salary")


def _whole_number(form: dict, name: str, default: int | None) -> int | None:
    text = (form.get(name) or "").replace(".", "").replace(",", "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise RuleError(f"{name.replace('_', ' ')} must be a whole number of rupiah or persons, got {form[name]!r}")
    return int(text)


def _calculate(form: dict) -> dict:
    try:
        as_of = dt.date.fromisoformat(form.get("as_of") or "")
    except ValueError:
        raise RuleError("choose the date the contribution is for (YYYY-MM-DD)") from None
    return calculators.contribution(
        form.get("segment") or "",
        as_of,
        wage=_whole_number(form, "wage", None),
        grade=(form.get("grade") or "").strip() or None,
        care_class=form.get("care_class") or None,
        persons=_whole_number(form, "persons", 1),
        additional_members=_whole_number(form, "additional_members", 0),
        pension=_whole_number(form, "pension", None),
        veteran_base_salary=_whole_number(form, "veteran_base_salary", None),
    )


@router.get("/simulasi", response_class=HTMLResponse)
def simulator(request: Request):
    form = {name: request.query_params.get(name, "") for name in FIELDS}
    result = error = None
    if form["segment"]:
        try:
            result = _calculate(form)
        except (RuleError, ValueError) as exc:
            error = str(exc)
    form["as_of"] = form["as_of"] or "2014-06-01"
    return render(request, "simulator.html", status_code=422 if error else 200, form=form,
                  segments=list(Segment), result=result, error=error)
