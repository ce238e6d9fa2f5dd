"""/api/v1/policy: the registry's monthly contributions under several rule sets (issue #12).

For head office (the whole country) and regional managers (their deputy region); administrators
see everything. What-if rule sets are TOML texts in the format of src/jkn/rules/params/*.toml."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from jkn.api.security import AUTH_RESPONSES, require_roles
from jkn.services.bounds import JknDate
from jkn.services.policy.compare import compare, compare_csv
from jkn.services.portal.accounts import ADMIN, HEAD_OFFICE, REGIONAL_MANAGER
from jkn.services.portal.callers import Portal

router = APIRouter(tags=["policy"])
Managers = Annotated[Portal, Depends(require_roles(ADMIN, HEAD_OFFICE, REGIONAL_MANAGER))]
EXAMPLE = ('[[flat_class_rate]]\nsince = 2026-01-01\nvalue = { I = 150000, II = 100000, III = 50000 }\n'
           'source = "what-if: class III Rp 50.000"\n')


class WhatIf(BaseModel):
    name: str = Field(min_length=1, max_length=80, description="a label for the column")
    toml: str = Field(min_length=1, max_length=200_000, description="entries in the format of params/*.toml")


class CompareIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, json_schema_extra={"examples": [
        {"from": "2019-12-01", "to": "2026-11-01", "what_if": [{"name": "kelas-3.toml", "toml": EXAMPLE}]}]})

    date_from: JknDate = Field(alias="from", description="the first rule set: the one in force on this date")
    date_to: JknDate = Field(alias="to", description="the rule set in force on this date")
    what_if: list[WhatIf] = Field(default_factory=list, max_length=5, description="laid over the rules of `to`")


@router.post("/policy/compare", responses={**AUTH_RESPONSES, 422: {"description": "bad dates or what-if file"},
                                           200: {"content": {"application/json": {}, "text/csv": {}},
                                                 "description": "the comparison (format=csv: one row per unit and column)"}},
             summary="Monthly contributions of the registry under several rule sets, by region, branch and segment")
def policy_compare(body: CompareIn, caller: Managers,
                   format: Literal["json", "csv"] = Query("json", description="csv: one row per unit and column")):
    data = compare(caller.session, caller.scope, date_from=body.date_from, date_to=body.date_to,
                   what_ifs=[(w.name, w.toml) for w in body.what_if])
    if format == "csv":
        return Response(compare_csv(data), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="policy-compare.csv"'})
    return data
