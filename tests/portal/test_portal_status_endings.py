"""Issue #9 over HTTP on both databases: the officers' list of children whose status as a child of
a wage earner's core family ends in the next 30 days (page and API, in the officer's work area),
and the participant's page that says so in advance (and that cover waits for the first payment)."""

from __future__ import annotations

import datetime as dt

import pytest
from membership.membership_helpers import nik, register_shown
from portal_world import PASSWORD, build_world, login
from sqlalchemy.orm import Session
from support.api_auth import api_client

from jkn.services.membership.common import jakarta_today
from jkn.services.portal import accounts
from jkn.services.portal.audit import SYSTEM


@pytest.fixture(scope="module")
def site(server, _prepared):
    url, engine = _prepared(server.backend)
    world = build_world(engine)
    today = jakarta_today()
    ends_on = today + dt.timedelta(days=10 if (today + dt.timedelta(days=10)).strftime("%m%d") != "0229" else 11)
    near, far = ends_on.replace(year=ends_on.year - 21), today - dt.timedelta(days=15 * 365)
    fktp = world.fktp["FKTP"][0]

    def someone(name, born, sex="L", **extra):
        return {"nik": nik(born, sex, region="1271"), "name": name, "sex": sex, "birth_date": born.isoformat(), **extra}

    fam = register_shown(engine, {
        "head": someone("Rudi Pekerja", dt.date(1970, 4, 4), segment="PPU_SWASTA", employer_code=world.employer_code,
                        wage=4_000_000, care_class="II", fktp_code=fktp, kabkota_code="12.71",
                        marital_status="MARRIED"),  # the class on record: no wage band is sourced today (A-R09)
        "members": [someone("Dewi Hampir", near, "P", relationship="CHILD_NATURAL"),
                    someone("Andi Kecil", far, relationship="CHILD_NATURAL")],
        "tmt": today.isoformat(), "registered_on": today.isoformat()})
    cards = {m["name"]: m["card_number"] for m in fam["members"]}
    with Session(engine) as s, s.begin():
        accounts.create_user(s, SYSTEM, username="rudi.user", password=PASSWORD, role=accounts.PARTICIPANT,
                             full_name="Rudi", participant=fam["head_card_number"])
    return server, world, engine, cards, ends_on


def test_officers_see_who_stops_being_a_child_in_the_next_30_days(site):
    server, world, _engine, cards, ends_on = site
    medan, _ = login(server, world.users["medan"])
    page = medan.get("/petugas/status-berakhir")
    assert page.status_code == 200 and 'id="endings"' in page.text
    assert cards["Dewi Hampir"] in page.text and ends_on.isoformat() in page.text
    assert cards["Andi Kecil"] not in page.text
    assert cards["Dewi Hampir"] not in medan.get("/petugas/status-berakhir", params={"days": 5}).text
    one = medan.get(f"/petugas/peserta/{cards['Dewi Hampir']}").text  # the member's own page says the day too
    assert 'id="status-until"' in one and (ends_on - dt.timedelta(days=1)).isoformat() in one
    bekasi, _ = login(server, world.users["bekasi"])  # another branch's work area
    assert cards["Dewi Hampir"] not in bekasi.get("/petugas/status-berakhir").text


def test_the_officers_list_over_the_api(site):
    server, world, engine, cards, ends_on = site
    # user names per backend: the server remembers checked HTTP Basic credentials by name (callers.py)
    with api_client(server, engine, username=f"medan.api.{server.backend}", role=accounts.BRANCH_OFFICER,
                    branch=world.medan_branch) as api:
        r = api.get("/api/v1/status-endings")
        assert r.status_code == 200, r.text
        [item] = [i for i in r.json()["items"] if i["card_number"] == cards["Dewi Hampir"]]
        assert item["ends_on"] == ends_on.isoformat() and item["age_then"] == 21
        assert item["head_name"] == "Rudi Pekerja" and item["explanation"][0]["source"].endswith("1.b")
        assert all(i["card_number"] != cards["Andi Kecil"] for i in r.json()["items"])
        assert api.get("/api/v1/status-endings", params={"days": 0}).status_code == 422
    with api_client(server, engine, username=f"bekasi.api.{server.backend}", role=accounts.BRANCH_OFFICER,
                    branch=world.bekasi_branch) as other:
        assert all(i["card_number"] != cards["Dewi Hampir"]
                   for i in other.get("/api/v1/status-endings").json()["items"])


def test_the_participants_page_says_so_in_advance(site):
    server, _world, _engine, cards, ends_on = site
    rudi, _ = login(server, "rudi.user")
    home = rudi.get("/peserta")
    assert home.status_code == 200
    assert f'id="status-ends-{cards["Dewi Hampir"]}"' in home.text and ends_on.isoformat() in home.text
    assert f'id="status-ends-{cards["Andi Kecil"]}"' not in home.text
    # registered today, nothing paid yet: the page says cover waits for the first contribution (A-M18)
    assert 'id="not-yet-paid"' in home.text and "belum membayar iuran pertama" in home.text
