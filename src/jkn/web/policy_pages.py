"""The policy what-if page for head office and regional managers (issue #12): the registry's
monthly contributions under the rule sets of two dates and of what-if files, as a chart, tables
and CSV (jkn.services.policy.compare)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from jkn.i18n import Msg
from jkn.services.errors import Invalid
from jkn.services.policy.compare import compare, compare_csv
from jkn.services.portal.accounts import ADMIN, HEAD_OFFICE, REGIONAL_MANAGER
from jkn.web.security import Portal, csrf_protect, page, role_required

router = APIRouter(include_in_schema=False)
Managers = Annotated[Portal, Depends(role_required(ADMIN, HEAD_OFFICE, REGIONAL_MANAGER))]
MAX_FILE = 200_000


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise Invalid(Msg("error.web.date_format", field=field), field=field) from None


def _show(request: Request, portal: Portal, form: dict, what_ifs: list[tuple[str, str]]) -> Response:
    data = None
    if form["from"] or form["to"]:
        data = compare(portal.session, portal.scope, date_from=_date(form["from"], "from"),
                       date_to=_date(form["to"], "to"), what_ifs=what_ifs)
        if form.get("format") == "csv":
            name = f"kebijakan-{form['from']}-{form['to']}.csv"
            return Response(compare_csv(data), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
    rows = "by_deputy" if portal.scope.national else "by_branch"
    chart = data and {"labels": [r["name"] for r in data[rows]],
                      "series": [{"label": c["label"], "data": [r["cells"][i]["revenue"] for r in data[rows]]}
                                 for i, c in enumerate(data["columns"])]}
    return page(request, portal, "dashboard/policy.html", d=data, form=form, rows=rows, chart=chart)


@router.get("/kebijakan", response_class=HTMLResponse)
def policy_page(request: Request, portal: Managers):
    return _show(request, portal, {k: request.query_params.get(k, "") for k in ("from", "to", "format")}, [])


@router.post("/kebijakan", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
async def policy_with_what_if(request: Request, portal: Managers):
    form = await request.form()
    upload = form.get("what_if")
    what_ifs = []
    if upload is not None and getattr(upload, "filename", ""):
        raw = await upload.read(MAX_FILE + 1)
        if len(raw) > MAX_FILE:
            raise Invalid(Msg("error.web.whatif_too_big"), field="what_if")
        try:
            what_ifs.append((upload.filename, raw.decode("utf-8")))
        except UnicodeDecodeError:
            raise Invalid(Msg("error.web.whatif_encoding"), field="what_if") from None
    values = {k: str(form.get(k) or "") for k in ("from", "to", "format")}
    return _show(request, portal, values, what_ifs)
