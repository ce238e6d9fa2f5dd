"""The regional dashboard over a synthetic population (jkn.services.demo.population): figures agree with the
ledger, roll up from kab/kota to branch, deputy region and the country, and stay in scope."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.demo.population import build_demo
from jkn.services.demo.portal_users import create_demo_users
from jkn.services.errors import Forbidden
from jkn.services.portal import accounts, auth, dashboard
from jkn.services.portal.audit import SYSTEM
from jkn.store.billing_tables import BillLineRow, BillRow
from jkn.store.membership_tables import ParticipantRow
from jkn.store.reference_tables import BranchRow


@pytest.fixture
def population(db):
    build_demo(db, participants=400, seed=5, start=Month(2014, 1), months=4, actor=SYSTEM)
    with Session(db) as s, s.begin():
        users = {u["username"]: u for u in create_demo_users(s, actor=SYSTEM)}
    return users


def _scope(session, name):
    return auth.scope_for(session, accounts.get_user(session, name))


def test_national_figures_agree_with_the_ledger(db, population):
    with Session(db) as s:
        d = dashboard.dashboard(s, _scope(s, "pusat"), today=dt.date(2014, 6, 1))
        assert d["unit"]["level"] == "national" and len(d["rows"]) == 13 and d["month"] == "2014-04"
        active = s.scalar(select(func.count()).select_from(ParticipantRow).where(ParticipantRow.status == "ACTIVE"))
        assert d["totals"]["participants"] == active == sum(r["participants"] for r in d["rows"])
        assert sum(d["by_group"].values()) == active == sum(d["by_class"].values())
        billed = s.scalar(select(func.sum(BillLineRow.amount)).where(BillLineRow.month == dt.date(2014, 4, 1)))
        assert d["totals"]["billed"] == billed and 0 < d["totals"]["collected"] <= billed
        open_bills = s.execute(select(BillRow.amount, BillRow.paid_amount, BillRow.lines).where(
            BillRow.status != "PAID", BillRow.due_date < dt.date(2014, 6, 1))).all()
        unpaid = sum(a - min(p, a) for a, p, _n in open_bills)
        assert abs(d["totals"]["arrears"] - unpaid) <= sum(n for *_x, n in open_bills)  # rounding per line
        assert [t["month"] for t in d["trend"]] == ["2013-11", "2013-12", "2014-01", "2014-02", "2014-03", "2014-04"]
        assert d["trend"][-1]["billed"] == billed and d["trend"][0]["billed"] == 0


def test_branch_rolls_up_to_its_region_and_the_country(db, population):
    branch = population["cabang"]["branch"]
    with Session(db) as s:
        deputy = s.get(BranchRow, branch).deputy_region_code
        national = dashboard.dashboard(s, _scope(s, "pusat"), month=dt.date(2014, 3, 1))
        region = dashboard.dashboard(s, _scope(s, "wilayah"), month=dt.date(2014, 3, 1))
        local = dashboard.dashboard(s, _scope(s, "cabang"), month=dt.date(2014, 3, 1))
    assert region["unit"] == {"level": "deputy", "code": deputy, "name": region["unit"]["name"], "child_level": "branch"}
    assert local["unit"]["level"] == "branch" and local["unit"]["child_level"] == "kabkota"
    region_row = next(r for r in national["rows"] if r["code"] == deputy)
    branch_row = next(r for r in region["rows"] if r["code"] == branch)
    for key in ("participants", "billed", "collected", "suspended", "complaints_open", "PBI", "PPU"):
        assert region["totals"][key] == region_row[key]
        assert local["totals"][key] == branch_row[key]
    assert local["totals"]["complaints_open"] == 3  # the demo complaints (one answered, still open)


def test_dashboard_stays_in_scope(db, population):
    with Session(db) as s:
        officer = _scope(s, "cabang")
        with pytest.raises(Forbidden):
            dashboard.dashboard(s, officer, level="national")
        with pytest.raises(Forbidden):
            dashboard.dashboard(s, officer, level="branch", code=population["cabang.lain"]["branch"])
        with pytest.raises(Forbidden):
            dashboard.dashboard(s, _scope(s, "wilayah"), level="national")
        with pytest.raises(Forbidden):
            dashboard.dashboard(s, _scope(s, "peserta"))


def test_csv_export(db, population):
    with Session(db) as s:
        d = dashboard.dashboard(s, _scope(s, "wilayah"))
    lines = list(csv.reader(io.StringIO(dashboard.dashboard_csv(d))))
    assert lines[0][:6] == ["level", "unit", "month", "code", "name", "participants"]
    assert len(lines) == 1 + len(d["rows"]) + 1 and lines[-1][0] == "total"
    assert lines[-1][5] == str(d["totals"]["participants"])
    assert [r[3] for r in lines[1:-1]] == [r["code"] for r in d["rows"]]


def test_demo_users_cover_every_role_and_are_idempotent(db, population):
    roles = {u["role"] for u in population.values()}
    assert {"ADMIN", "HEAD_OFFICE", "REGIONAL_MANAGER", "BRANCH_OFFICER", "EMPLOYER_ADMIN", "PARTICIPANT",
            "FACILITY_STAFF"} <= roles
    with Session(db) as s, s.begin():
        again = create_demo_users(s, actor=SYSTEM)
    assert [u["username"] for u in again] == list(population)
    with Session(db) as s, s.begin():
        assert accounts.authenticate(s, "cabang", "demo-jkn-2014").role == "BRANCH_OFFICER"


def test_the_default_month_is_the_last_whose_due_date_has_passed(db, population):
    """Before the 10th the current month's bill is barely paid: the dashboard opens on the month
    before, and says which month it shows and why."""
    with Session(db) as s:
        scope = _scope(s, "pusat")
        before_due = dashboard.dashboard(s, scope, today=dt.date(2014, 4, 5))
        assert (before_due["month"], before_due["month_chosen"]) == ("2014-03", "due_passed")
        assert before_due["due_date"] == "2014-03-10"
        march = dashboard.dashboard(s, scope, month=dt.date(2014, 3, 1), today=dt.date(2014, 4, 5))
        assert before_due["totals"] == march["totals"] and march["month_chosen"] == "chosen"
        after_due = dashboard.dashboard(s, scope, today=dt.date(2014, 4, 11))
        assert (after_due["month"], after_due["month_chosen"]) == ("2014-04", "due_passed")
        nothing_due = dashboard.dashboard(s, scope, today=dt.date(2014, 1, 5))
        assert (nothing_due["month"], nothing_due["month_chosen"]) == ("2014-04", "latest")
