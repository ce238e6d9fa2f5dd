"""Issue #15, the participant's day in a real browser (Debian chromium via playwright): the service
history (visits, referrals, SEPs) of the participant and of a family member."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from jkn.services.care import primary_care, referrals, sep
from jkn.services.care.common import jakarta_today
from jkn.services.portal.audit import SYSTEM

pytestmark = pytest.mark.browser


def _care_for(site) -> dict:
    """Budi saw his FKTP ten days ago, was referred to the hospital, and went there today as an emergency."""
    world = site.world
    today = jakarta_today()
    with Session(site.engine) as s:
        visit = primary_care.record_visit(s, actor=SYSTEM, card_number=world.medan_card,
                                          facility_code=world.fktp["FKTP"][0],
                                          visit_date=today - dt.timedelta(days=10), diagnosis="I10")
        referral = referrals.create_referral(s, actor=SYSTEM, card_number=world.medan_card,
                                             from_facility=world.fktp["FKTP"][0], referral_date=today - dt.timedelta(days=10),
                                             diagnosis="I10", poli="INT", to_facility=world.fktp["FKRTL"][0])
        letter = sep.insert_sep(s, actor=SYSTEM, card_number=world.medan_card, sep_date=today,
                                facility_code=world.fktp["FKRTL"][0], service_type="2", diagnosis="A09", poli="IGD",
                                emergency=True)
    return {"visit": visit, "referral": referral["number"], "sep": letter["number"]}


def test_the_participant_reads_the_family_service_history(site, login):
    care = _care_for(site)
    base, world = site.url, site.world
    page = login(world.users["budi"])
    page.get_by_role("link", name="Riwayat pelayanan").click()
    page.wait_for_load_state()
    assert page.url.endswith("/peserta/riwayat")
    visits = page.locator("#visits tbody tr")
    assert visits.count() == 1 and "I10" in visits.inner_text()
    assert care["referral"] in page.locator("#referrals").inner_text()
    seps = page.locator("#seps tbody tr")
    assert seps.count() == 1 and care["sep"] in seps.inner_text() and "Rawat jalan" in seps.inner_text()
    # the spouse's history: nothing yet
    page.locator("#card").select_option(world.medan_spouse_card)
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_load_state()
    assert page.locator("#no-visits").count() == 1 and page.locator("#no-seps").count() == 1
    # another family's history is not theirs to read
    assert page.goto(f"{base}/peserta/riwayat?card={world.bekasi_card}").status == 403
