"""An employer's wage update is in force from the 1st of next month (A-P12), whenever the month is
billed: the employer reports a new wage on its page, then ``jkn billing run`` for this month bills
the old wage and next month's run the new one; the employer's per-employee bill shows each (a live
server and the command line, on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re

import pytest
from portal_world import build_world, login, months_ago, register_family
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.portal_login import token
from typer.testing import CliRunner

from jkn.cli import app
from jkn.domain.month import Month
from jkn.i18n.formats import format_rupiah
from jkn.services.membership.common import jakarta_today
from jkn.store.billing_tables import BillRow, PayerRow
from jkn.store.membership_tables import EmployerRow


def rp(amount: int) -> str:
    return format_rupiah(amount, "id")


@pytest.fixture(scope="module")
def site(server, _prepared):
    url, engine = _prepared(server.backend)
    return server, build_world(engine), engine, url


def _bill_page(client, engine, employer_code: str, month: Month) -> str:
    with Session(engine) as s:
        bill_id = s.scalar(select(BillRow.id).join(PayerRow, PayerRow.id == BillRow.payer_id)
                           .join(EmployerRow, EmployerRow.id == PayerRow.employer_id)
                           .where(EmployerRow.code == employer_code, BillRow.month == month.first_day))
    r = client.get(f"/pemberi-kerja/tagihan/{bill_id}")
    assert r.status_code == 200, r.text
    return r.text


def _run(url: str, month: Month) -> dict:
    r = CliRunner().invoke(app, ["billing", "run", "--month", str(month), "--db", url])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_a_wage_reported_this_month_is_billed_from_next_month(site):
    server, world, engine, url = site
    this = Month.of(jakarta_today())
    with Session(engine) as s:
        worker = register_family(s, head_nik="1271012005880007", name="Andi Saputra", kabkota="12.71",
                                 fktp=world.fktp["FKTP"][0], segment="PPU_SWASTA", registered_on=months_ago(2),
                                 pay=False, care_class="II", employer_code=world.employer_code, wage=4_500_000)
        s.commit()
    card = worker["head_card_number"]
    pt, _ = login(server, world.users["pt"])
    page = pt.get(f"/pemberi-kerja/pekerja/{card}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    r = pt.post(f"/pemberi-kerja/pekerja/{card}/gaji",
                data={"csrf_token": token(page), "wage": "5.250.000", "version": version})
    assert r.status_code == 303 and r.headers["location"].endswith("ok=wage_changed"), r.text
    assert rp(5_250_000) in pt.get(f"/pemberi-kerja/pekerja/{card}").text  # on record at once

    # this month's run, made after the report: the wage of the month's 1st
    assert _run(url, this)["bills"] >= 1
    now = _bill_page(pt, engine, world.employer_code, this)
    assert "Andi Saputra" in now and rp(4_500_000) in now and rp(5_250_000) not in now
    # next month's run: the new wage
    _run(url, this + 1)
    later = _bill_page(pt, engine, world.employer_code, this + 1)
    assert "Andi Saputra" in later and rp(5_250_000) in later and rp(4_500_000) not in later
