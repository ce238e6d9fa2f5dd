"""The public simulator (guide: Iuran; Denda and Penghentian) — usable before registering: the monthly
contribution, and the lateness, penalty and suspension of unpaid months."""

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
PENALTY_FIELDS = ("p_segment", "p_as_of", "unpaid", "penalty_owed", "suspended_since")


def _whole_number(form: dict, name: str, default: int | None) -> int | None:
    text = (form.get(name) or "").replace(".", "").replace(",", "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise RuleError(f"{name.replace('_', ' ')} must be a whole number of rupiah or persons, got {form[name]!r}")
    return int(text)


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RuleError(f"choose {what} (YYYY-MM-DD)") from None


def _calculate(form: dict) -> dict:
    as_of = _date(form.get("as_of") or "", "the date the contribution is for")
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


def _penalty(form: dict) -> dict:
    unpaid = calculators.parse_unpaid([line for line in (form.get("unpaid") or "").split() if line])
    since = form.get("suspended_since") or ""
    return calculators.penalty(form.get("p_segment") or "", _date(form.get("p_as_of") or "", "the date"), unpaid,
                               penalty_owed=_whole_number(form, "penalty_owed", 0),
                               suspended_since=_date(since, "the first day of suspension") if since else None)


@router.get("/simulasi", response_class=HTMLResponse)
def simulator(request: Request):
    form = {name: request.query_params.get(name, "") for name in FIELDS + PENALTY_FIELDS}
    result = error = penalty = penalty_error = None
    if form["segment"]:
        try:
            result = _calculate(form)
        except (RuleError, ValueError) as exc:
            error = str(exc)
    if form["p_segment"]:
        try:
            penalty = _penalty(form)
        except (RuleError, ValueError) as exc:
            penalty_error = str(exc)
    form["as_of"] = form["as_of"] or "2014-06-01"
    form["p_as_of"] = form["p_as_of"] or "2014-06-15"
    return render(request, "simulator.html", status_code=422 if error or penalty_error else 200, form=form,
                  segments=list(Segment), result=result, error=error, penalty=penalty, penalty_error=penalty_error)
