"""``jkn demo`` gives one coherent world (issue #15): every log-in it prints opens, in a real browser
(Debian chromium via playwright), a home page with data, and the branch officer, the employer, the
participants, the FKTP and the hospital are all in the demo branch, whose every kab/kota has FKTPs."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jkn.cli import app
from jkn.services.demo.population import DEMO_HOME_KABKOTA
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import EmployerRow, ParticipantRow
from jkn.store.reference_tables import BranchRow, KabKotaRow

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(_prepared):
    """``jkn demo`` (2000 participants, four months to today) on an emptied SQLite, served on loopback."""
    from support.databases import truncate_business_tables
    from support.live_server import LiveServer

    url, engine = _prepared("sqlite")
    truncate_business_tables(engine)
    r = CliRunner().invoke(app, ["demo", "--participants", "2000", "--seed", "3", "--months", "4", "--db", url])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout[r.stdout.index("{"):])
    try:
        with LiveServer(url) as live:
            yield live.url, engine, summary["portal_users"]
    finally:
        truncate_business_tables(engine)


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text) or 0)


def test_the_demo_log_ins_are_one_branch_area(demo):
    _url, engine, printed = demo
    users = {u["username"]: u for u in printed["users"]}
    assert {"admin", "pusat", "cabang", "cabang2", "wilayah", "pemberi.kerja", "peserta", "puskesmas",
            "rumahsakit"} <= set(users)
    with Session(engine) as s:
        home = s.scalar(select(KabKotaRow.branch_code).where(KabKotaRow.code == DEMO_HOME_KABKOTA))
        branch_of_kab = dict(s.execute(select(KabKotaRow.code, KabKotaRow.branch_code)).all())
        assert users["cabang"]["branch"] == users["cabang2"]["branch"] == home
        assert users["wilayah"]["deputy_region"] == s.get(BranchRow, home).deputy_region_code
        employer = s.scalar(select(EmployerRow).where(EmployerRow.code == users["pemberi.kerja"]["employer"]))
        assert employer.branch_code == home
        for who in ("peserta", "peserta.tunggak"):
            if who in users:
                p = s.scalar(select(ParticipantRow).where(ParticipantRow.card_number == users[who]["participant"]))
                assert p.branch_code == home, who
        for who in ("puskesmas", "rumahsakit"):
            kab = s.scalar(select(FacilityRow.kabkota_code).where(FacilityRow.code == users[who]["facility"]))
            assert branch_of_kab[kab] == home, who
        # every kab/kota of the branch has FKTPs to choose from, and every participant's FKTP is in its own kab/kota
        kabs = [k for k, b in branch_of_kab.items() if b == home]
        fktps = dict(s.execute(select(FacilityRow.kabkota_code, func.count()).where(
            FacilityRow.level == "FKTP", FacilityRow.kabkota_code.in_(kabs)).group_by(FacilityRow.kabkota_code)).all())
        assert len(kabs) > 1 and all(fktps.get(k, 0) >= 2 for k in kabs), fktps
        elsewhere = s.scalar(select(func.count()).select_from(ParticipantRow).join(
            FacilityRow, FacilityRow.code == ParticipantRow.fktp_code).where(
            FacilityRow.kabkota_code != ParticipantRow.kabkota_code))
        assert elsewhere == 0
        assert s.scalar(select(func.count()).select_from(ParticipantRow).where(ParticipantRow.branch_code == home)) >= 100


def test_every_printed_log_in_lands_on_a_page_with_data(demo, browser):
    from support.browser import logins

    base, _engine, printed = demo
    users = {u["username"]: u for u in printed["users"]}
    with logins(browser, base, printed["password"]) as login:
        for name, user in users.items():
            page = login(name)
            role = user["role"]
            if role in ("ADMIN", "BRANCH_OFFICER"):
                assert page.url.endswith("/petugas")
                assert page.locator("#participants tbody tr").count() >= 10, name
            elif role in ("HEAD_OFFICE", "REGIONAL_MANAGER"):
                assert page.url.endswith("/dasbor")
                kpis = page.locator("#kpis .kpi .n")
                assert _number(kpis.nth(0).inner_text()) > 0 and _number(kpis.nth(1).inner_text()) > 0, name
                assert page.locator("#by-unit tbody tr").count() >= 1, name
            elif role == "EMPLOYER_ADMIN":
                assert page.url.endswith("/pemberi-kerja")
                assert page.locator("#staff tbody tr a").count() >= 1, name
                page.goto(base + "/pemberi-kerja/tagihan")
                assert page.locator("#bill-details li").count() >= 1, name
            elif role == "PARTICIPANT":
                assert page.url.endswith("/peserta")
                assert page.locator("#family tbody tr").count() >= 1, name
                page.goto(base + "/peserta/tagihan")
                assert page.locator(".statement tbody tr").count() >= 2, name
            elif role == "FACILITY_STAFF":
                assert page.url.endswith("/faskes")
                page.goto(f"{base}/faskes?q={users['peserta']['participant']}")
                assert page.locator("#eligibility-status").count() == 1, (name, page.content()[:800])
            else:
                pytest.fail(f"no check for role {role}")
        # the branch officer's FKTP change for the demo participant offers FKTPs of the participant's kab/kota
        officer = login("cabang")
        officer.goto(f"{base}/petugas/peserta/{users['peserta']['participant']}/ubah?kind=FKTP")
        assert officer.locator("#fktp_code option").count() >= 2


def test_the_staff_list_names_segments_and_statuses(demo, browser):
    """The employer's home and the officer's employer page list each employee's segment and status by name
    (``PPU Pegawai Swasta``, ``Aktif``), not by code (``PPU_SWASTA``, ``ACTIVE``)."""
    from support.browser import logins

    base, _engine, printed = demo
    users = {u["username"]: u for u in printed["users"]}
    code = users["pemberi.kerja"]["employer"]
    with logins(browser, base, printed["password"]) as login:
        for who, path in (("pemberi.kerja", "/pemberi-kerja"), ("cabang", f"/petugas/pemberi-kerja/{code}")):
            page = login(who)
            page.goto(base + path)
            rows = page.locator("#staff tbody tr")
            assert rows.count() >= 1, who
            cells = rows.first.locator("td")
            segment, status = cells.nth(2).inner_text(), cells.nth(6).inner_text()
            assert segment.startswith("PPU ") and "_" not in segment, (who, segment)
            assert status == "Aktif", (who, status)


def test_the_dashboard_writes_collection_rates_the_indonesian_way(demo, browser):
    """``98,1%`` with a decimal comma on an Indonesian page (``98.1`` reads as ninety-eight thousand and one)."""
    from support.browser import logins

    base, _engine, printed = demo
    with logins(browser, base, printed["password"]) as login:
        page = login("pusat")
        page.goto(base + "/dasbor")
        kpi = page.locator("#kpis .kpi").nth(2).inner_text()
        assert re.search(r"\(\d{1,3}(,\d)?%\)", kpi), kpi
        headers = page.locator("#by-unit thead th").all_inner_texts()
        rates = page.locator(f"#by-unit tbody tr td:nth-child({headers.index('%') + 1})").all_inner_texts()
        assert rates and all(re.fullmatch(r"\d{1,3}(,\d)?|—", r.strip()) for r in rates), rates
        page.goto(base + "/dasbor?lang=en")
        assert re.search(r"\(\d{1,3}(\.\d)?%\)", page.locator("#kpis .kpi").nth(2).inner_text())
