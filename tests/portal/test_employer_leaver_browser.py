"""Issue #15, the employer reports a leaver in a real browser (Debian chromium via playwright): the
worker's cover under the employer ends at the end of the month reported (A-P14), the worker's page
says so, the month reported is still billed to the employer and the next month's bill no longer has
the worker; a month before the worker's cover began is refused with the reason (a past month corrects
the later bills, A-P15: shown on the worker's page; the ledger in tests/membership/test_leaver_past_month.py)."""

from __future__ import annotations

import pytest
from portal_world import months_ago, register_family, staff_csv
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.billing.runs import run_billing
from jkn.services.membership.common import jakarta_today
from jkn.services.portal.audit import SYSTEM
from jkn.store.billing_tables import BillLineRow
from jkn.store.membership_tables import ParticipantRow
from jkn.store.portal_tables import AuditEventRow

pytestmark = pytest.mark.browser


def _billed(engine, card: str, month: Month) -> int:
    """Lines of ``month`` that bill the worker's family to the employer."""
    with Session(engine) as s:
        head = s.scalar(select(ParticipantRow).where(ParticipantRow.card_number == card))
        family = select(ParticipantRow.id).where(ParticipantRow.family_id == head.family_id)
        return len(s.scalars(select(BillLineRow).where(BillLineRow.participant_id.in_(family),
                                                        BillLineRow.month == month.first_day)).all())


def test_a_leaver_is_billed_through_the_month_reported_and_not_after(site, login):
    base, world = site.url, site.world
    page = login(world.users["pt"])
    page.get_by_role("link", name="Pendaftaran kolektif").first.click()
    page.set_input_files("#file", files=[{"name": "pekerja.csv", "mimeType": "text/csv",
                                          "buffer": staff_csv(world, bad_row=False)}])
    page.get_by_role("button", name="Unggah dan periksa", exact=True).click()
    with Session(site.engine) as s:
        eko = s.scalar(select(ParticipantRow.card_number).where(ParticipantRow.nik == "1271011511870007"))
    this = Month.of(jakarta_today())

    page.goto(f"{base}/pemberi-kerja/pekerja/{eko}")
    # a month before the worker's cover began (registered today): refused, nothing changes
    assert page.locator("#month").get_attribute("min") == str(this)
    page.locator("#month").evaluate("(e, v) => { e.removeAttribute('min'); e.value = v; }", str(this - 1))
    page.get_by_role("button", name="Laporkan keluar").click()
    assert "sebelum awal kepesertaan" in page.locator('[role="alert"]').inner_text()
    assert "berakhir" not in page.locator("#status-now").inner_text()

    page.locator("#month").fill(str(this))
    page.get_by_role("button", name="Laporkan keluar").click()
    assert page.locator('[role="alert"]').count() == 0, page.locator('[role="alert"]').inner_text()
    assert "Pekerja keluar tercatat" in page.locator('[role="status"]').inner_text()
    status = page.locator("#status-now").inner_text()
    assert "berakhir" in status and str(this.last_day.year) in status
    assert "Peserta Mandiri" in page.locator("#leaver-next").inner_text()
    assert page.locator("#leaver-form").count() == 0  # reported once

    with Session(site.engine) as s:
        family = s.scalars(select(ParticipantRow).where(ParticipantRow.family_id == select(
            ParticipantRow.family_id).where(ParticipantRow.card_number == eko).scalar_subquery())).all()
        assert len(family) == 2 and {(m.status, m.status_reason, m.end_date) for m in family} == {
            ("INACTIVE", "LEFT_EMPLOYER", this.last_day)}
        audited = s.scalars(select(AuditEventRow).where(AuditEventRow.action == "participant.change.leaver",
                                                        AuditEventRow.object_id == eko)).all()
        assert len(audited) == 1 and audited[0].actor == world.users["pt"]
        run_billing(s, this, actor=SYSTEM)
        run_billing(s, this + 1, actor=SYSTEM)
    assert _billed(site.engine, eko, this) >= 1
    assert _billed(site.engine, eko, this + 1) == 0


def test_the_branch_change_form_offers_a_leaver_dated_at_a_months_end(site, login):
    """The branch records a leaver too: its change form has LEAVER, dated by default on the last
    day of this month; a participant who is not a wage earner is refused with the reason."""
    base, world = site.url, site.world
    page = login(world.users["medan"])
    page.goto(f"{base}/petugas/peserta/{world.medan_card}/ubah?kind=LEAVER")
    assert page.locator("#effective_date").input_value() == Month.of(jakarta_today()).last_day.isoformat()
    page.get_by_role("button", name="Simpan perubahan").click()
    assert "Hanya pekerja penerima upah" in page.locator('[role="alert"]').inner_text()  # a PBPU family


def test_a_leaver_reported_two_months_late_corrects_the_bills_made_since(site, login):
    """A worker of PT Medan Sejahtera since three months ago left two months ago; the employer says so only
    now. The bills of last month and this month lose the worker (A-P15); the page says which, and how."""
    base, world = site.url, site.world
    this = Month.of(jakarta_today())
    with Session(site.engine) as s:
        fam = register_family(s, head_nik="1271010305800011", name="Hasan Basri", kabkota="12.71",
                              fktp=world.fktp["FKTP"][1], segment="PPU_SWASTA", registered_on=months_ago(3),
                              employer_code=world.employer_code, wage=5_000_000, care_class="II", pay=False)
        for m in (this - 3, this - 2, this - 1, this):
            run_billing(s, m, actor=SYSTEM)
    card = fam["head_card_number"]
    assert _billed(site.engine, card, this - 2) == 1 and _billed(site.engine, card, this - 1) == 1
    page = login(world.users["pt"])
    page.goto(f"{base}/pemberi-kerja/pekerja/{card}")
    assert "bulan yang sudah lewat" in page.locator("#leaver-past").inner_text().lower()
    page.locator("#month").fill(str(this - 2))
    page.get_by_role("button", name="Laporkan keluar").click()
    assert "Pekerja keluar tercatat" in page.locator('[role="status"]').inner_text()
    steps = page.locator("#leaver-steps").text_content()
    assert f"Tagihan {this - 1}" in steps, steps
    assert ("dikoreksi" in steps or "dibatalkan" in steps)
    assert _billed(site.engine, card, this - 2) == 1  # the month reported stays billed
    assert _billed(site.engine, card, this - 1) == 0 and _billed(site.engine, card, this) == 0


def test_a_wage_sent_with_a_garbled_or_stale_version_changes_nothing(site, login):
    """The worker's version on the employer's forms is the optimistic lock: a garbled one is refused (it used
    to be taken as none, skipping the check), a stale one names the worker's data in Indonesian."""
    base, world = site.url, site.world
    with Session(site.engine) as s:
        fam = register_family(s, head_nik="1271010506820013", name="Rudi Hartono", kabkota="12.71",
                              fktp=world.fktp["FKTP"][1], segment="PPU_SWASTA", registered_on=months_ago(1),
                              employer_code=world.employer_code, wage=5_000_000, care_class="II", pay=False)
    card = fam["head_card_number"]
    page = login(world.users["pt"])
    page.goto(f"{base}/pemberi-kerja/pekerja/{card}")
    form = page.locator("form", has=page.locator("#wage"))
    form.locator("input[name=version]").evaluate("e => e.value = 'abc'")
    page.locator("#wage").fill("7000000")
    form.get_by_role("button").click()
    assert 'bukan "abc"' in page.locator('[role="alert"]').inner_text()
    form = page.locator("form", has=page.locator("#wage"))
    form.locator("input[name=version]").evaluate("e => e.value = '99'")
    page.locator("#wage").fill("7000000")
    form.get_by_role("button").click()
    said = page.locator('[role="alert"]').inner_text()
    assert f"Data peserta {card} telah diubah" in said and "participant" not in said, said
    with Session(site.engine) as s:
        assert s.scalar(select(AuditEventRow).where(AuditEventRow.object_id == card,
                                                    AuditEventRow.action == "participant.change.wage")) is None
