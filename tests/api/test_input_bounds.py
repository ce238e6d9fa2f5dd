"""Bounded integers and dates on every input of the REST API (issue #10; assumptions A-S06 to
A-S08, jkn.services.bounds), over a real server on SQLite and PostgreSQL.

The inputs are read from the OpenAPI document the server publishes: every integer, date,
date-time and month in a path, a query, a JSON body (nested objects and lists too) or a form is
sent too big and too small, and must come back 422 naming that input, with the error body the
document describes. Before the bounds, ids and offsets above 2^63 were HTTP 500 and a billing run
for 9999-12 wrote bills.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from support.api_auth import api_client
from support.bank_client import Bank

from jkn.domain.month import Month
from jkn.services.billing import runs as billing
from jkn.services.billing.banks import add_bank
from jkn.services.bounds import MONTH_PATTERN, horizon, horizon_years
from jkn.services.errors import Invalid
from jkn.services.portal.audit import SYSTEM
from jkn.store.billing_tables import BillingRunRow

V1 = "/api/v1"
TOO_BIG = {"integer": 2**63, "date": "9999-12-31", "date-time": "9999-12-31T23:59:59Z", "month": "9999-12"}
TOO_SMALL = {"integer": -1, "date": "0001-01-01", "date-time": "0001-01-01T00:00:00+07:00", "month": "0001-01"}


#: signs the /h2h requests of the walk (its secret is issued by the fixture)
BANK = Bank("", "BOUNDS", "", "88888")

@dataclass(frozen=True)
class Input:
    method: str
    path: str
    place: str  # path, query, body (JSON) or form
    loc: tuple  # the name, or the path into the body
    kind: str  # integer, date, date-time or month
    schema: dict

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.place} {'.'.join(map(str, self.loc))}"


def _kind(schema: dict) -> tuple[str | None, dict]:
    """What a parameter's schema holds (``anyOf`` with null unwrapped)."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    if len(options) != 1:
        return None, schema
    s = options[0]
    if s.get("type") == "integer":
        return "integer", s
    if s.get("type") == "string" and s.get("format") in ("date", "date-time"):
        return s["format"], s
    if s.get("type") == "string" and s.get("pattern") == MONTH_PATTERN:
        return "month", s
    return None, s


def _leaves(doc: dict, schema: dict, loc: tuple = ()):
    """(loc, kind, schema) of every bounded leaf of a request body schema."""
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    kind, inner = _kind(schema)
    if kind:
        yield loc, kind, inner
        return
    if "$ref" in inner:
        yield from _leaves(doc, inner, loc)
    elif inner.get("type") == "array" and "items" in inner:
        yield from _leaves(doc, inner["items"], (*loc, 0))
    for name, prop in inner.get("properties", {}).items():
        yield from _leaves(doc, prop, (*loc, name))


def inputs(doc: dict) -> list[Input]:
    found = []
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            for p in op.get("parameters", []):
                kind, schema = _kind(p["schema"])
                if kind:
                    found.append(Input(method.upper(), path, p["in"], (p["name"],), kind, schema))
            for media, content in op.get("requestBody", {}).get("content", {}).items():
                place = "form" if media == "multipart/form-data" else "body"
                for loc, kind, schema in _leaves(doc, content["schema"]):
                    found.append(Input(method.upper(), path, place, loc, kind, schema))
    return found


def _nest(loc: tuple, value):
    """``{"head": {"birth_date": value}}`` for ("head", "birth_date"); lists for indices."""
    for key in reversed(loc):
        value = [value] if isinstance(key, int) else {key: value}
    return value


def send(http, spot: Input, value):
    path = spot.path
    for name in [s.strip("{}") for s in path.split("/") if s.startswith("{")]:
        path = path.replace(f"{{{name}}}", str(value) if spot.place == "path" and spot.loc == (name,) else "1")
    kwargs: dict = {}
    if spot.place == "query":
        kwargs["params"] = {spot.loc[0]: str(value)}
    elif spot.place == "body":
        kwargs["json"] = _nest(spot.loc, value)
    elif spot.place == "form":
        kwargs.update(data={spot.loc[0]: str(value)}, files={"file": ("staff.csv", b"nik\n")})
    if path.startswith("/h2h/"):  # the banks' API checks its inputs once the request is signed (docs/h2h.md)
        body = json.dumps(kwargs.pop("json")).encode() if "json" in kwargs else b""
        kwargs.update(content=body, headers={**BANK.headers(spot.method, path, body), "Content-Type": "application/json"})
    return http.request(spot.method, path, **kwargs)


@pytest.fixture(scope="module")
def api(server, _prepared):
    _url, engine = _prepared(server.backend)
    with Session(engine) as s:
        BANK.secret = add_bank(s, "BOUNDS", "Bank of the bounds test", "88888", actor=SYSTEM)["secret"]
    with api_client(server, engine) as http:
        yield http, engine


def test_every_integer_input_of_the_document_has_both_bounds(api):
    http, _engine = api
    spots = inputs(http.get("/openapi.json").json())
    unbounded = [str(s) for s in spots if s.kind == "integer" and not {"minimum", "maximum"} <= set(s.schema)]
    assert not unbounded


def test_every_number_and_date_out_of_range_is_refused_naming_the_input(api):
    http, _engine = api
    spots = inputs(http.get("/openapi.json").json())
    kinds = {s.kind for s in spots}
    assert len(spots) >= 60 and kinds == {"integer", "date", "date-time", "month"}  # the walk finds the inputs
    wrong = []
    for spot in spots:
        for value in (TOO_BIG[spot.kind], TOO_SMALL[spot.kind]):
            r = send(http, spot, value)
            place = "body" if spot.place == "form" else spot.place
            named = r.status_code == 422 and [place, *spot.loc] in [e["loc"] for e in r.json().get("errors") or []]
            if not (named and isinstance(r.json()["detail"], str)):
                wrong.append(f"{spot} = {value!r}: {r.status_code} {r.text[:160]}")
    assert not wrong, "\n".join(wrong)


def test_a_billing_run_after_the_horizon_is_refused_and_writes_nothing(api):
    http, engine = api
    last = Month.of(horizon())
    with Session(engine) as s:
        runs_before = s.scalar(select(func.count()).select_from(BillingRunRow))
    for month in ("9999-12", str(last + 1), "2013-12"):
        r = http.post(f"{V1}/billing/runs", json={"month": month, "pbi_amount": 19225})
        assert r.status_code == 422 and r.json()["field"] == "month", r.text
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(BillingRunRow)) == runs_before
        with pytest.raises(Invalid, match="melewati bulan terakhir yang diterima"):  # the service's own check
            billing.run_billing(s, last + 1, actor=SYSTEM)
    r = http.post(f"{V1}/billing/runs", json={"month": str(last), "pbi_amount": 19225})
    assert r.status_code == 201 and r.json()["month"] == str(last)


def test_the_horizon_is_a_setting(api, monkeypatch):
    http, _engine = api
    later = horizon() + dt.timedelta(days=200)
    body = {"segment": "PBPU_MANDIRI", "as_of": later.isoformat(), "care_class": "III"}
    r = http.post(f"{V1}/calculations/contribution", json=body)
    assert r.status_code == 422 and "JKN_DATE_HORIZON_YEARS" in r.json()["detail"]
    monkeypatch.setenv("JKN_DATE_HORIZON_YEARS", str(horizon_years() + 1))
    assert http.post(f"{V1}/calculations/contribution", json=body).status_code == 200
