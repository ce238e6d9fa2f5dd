"""The same scope on every path to a record (issue #10, item 9), role by role and path by path, over
a real server on SQLite and PostgreSQL.

A role may open a participant (``GET /participants/{card}``) or not; every other path that shows
participants — their family, its statement, the changes and history, the employer's staff, the
search — shows nobody else: no NIK, card number or birth date of a participant the role cannot
open. An employer administrator sees the employee, not the employee's wife. SEPs follow the
care-record scope: a list shows only SEPs the role may open one by one, and the printed letter
answers as the SEP does.
"""

from __future__ import annotations

import re

import pytest
from portal.portal_world import PASSWORD, build_world, staff_csv
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.api_auth import ensure_user

from jkn.services.care import sep as sep_service
from jkn.services.membership import collective_import
from jkn.services.membership.common import jakarta_today
from jkn.services.portal import accounts
from jkn.services.portal.audit import SYSTEM
from jkn.store.engine import session_factory
from jkn.store.membership_tables import ParticipantRow
from jkn.store.reference_tables import BranchRow

V1 = "/api/v1"
ROLES = ["admin", "head", "manager", "medan", "bekasi", "pt", "budi", "joko", "rs", "puskesmas"]
#: every path that shows participants of the registry, for a probe participant
REGISTRY_PATHS = {
    "participant": "/participants/{card}",
    "history": "/participants/{card}/history",
    "as-of": "/participants/{card}/as-of?date={today}",
    "changes": "/participants/{card}/changes",
    "statement": "/participants/{card}/statement",
    "family": "/families/{family}",
    "family statement": "/families/{family}/statement",
    "employer staff": "/employers/{employer}/employees",
    "search": "/participants?limit=500",
}


@pytest.fixture(scope="module")
def scoped(server, _prepared):
    """The portal world, PT Medan Sejahtera's staff (Eko with his wife Rina, Andi), a regional
    manager, and an SEP of Budi at the Medan hospital."""
    _url, engine = _prepared(server.backend)
    w = build_world(engine)
    with session_factory(engine)() as s:
        result = collective_import.import_file(s, staff_csv(w, bad_row=False), filename="staff.csv",
                                               employer_code=w.employer_code, actor=SYSTEM)
        assert result.ok, result.errors
        deputy = s.scalar(select(BranchRow.deputy_region_code).where(BranchRow.code == w.medan_branch))
        number = sep_service.insert_sep(s, actor=SYSTEM, card_number=w.medan_card, sep_date=jakarta_today(),
                                        facility_code=w.fktp["FKRTL"][0], service_type="2", diagnosis="S72",
                                        poli="IGD")["number"]
    ensure_user(engine, "sumut.manager", accounts.REGIONAL_MANAGER, PASSWORD, deputy_region=deputy)
    w.users["manager"] = "sumut.manager"
    with Session(engine) as s:
        people = {p.card_number: p for p in s.scalars(select(ParticipantRow))}
    clients = {role: server.client(auth=(w.users[role], PASSWORD)) for role in ROLES}
    opens = {role: frozenset(c for c in people if clients[role].get(f"{V1}/participants/{c}").status_code == 200)
             for role in ROLES}
    yield w, people, clients, opens, number
    for c in clients.values():
        c.close()


def _hidden_shown(text: str, people: dict, may_open: frozenset[str]) -> set[str]:
    """The participants the role may not open whose NIK, card number or birth date appears in an
    answer (a birth date only when no participant the role may open shares it)."""
    digits = set(re.findall(r"\d{13,16}", text))
    open_days = {people[c].birth_date.isoformat() for c in may_open}
    return {card for card, p in people.items() if card not in may_open
            and (card in digits or p.nik in digits
                 or (p.birth_date.isoformat() not in open_days and p.birth_date.isoformat() in text))}


@pytest.mark.parametrize("path", REGISTRY_PATHS)
@pytest.mark.parametrize("role", ROLES)
def test_no_path_shows_a_participant_the_role_cannot_open(scoped, role, path):
    w, people, clients, opens, _number = scoped
    shown = 0
    urls = {V1 + REGISTRY_PATHS[path].format(card=card, family=p.family_id, employer=w.employer_code,
                                             today=jakarta_today()) for card, p in people.items()}
    for url in sorted(urls):
        r = clients[role].get(url)
        assert r.status_code in (200, 403, 404), (url, r.status_code, r.text)
        if r.status_code == 200:
            shown += 1
            assert not _hidden_shown(r.text, people, opens[role]), (role, url)
    if path == "participant":
        assert shown == len(opens[role])


def test_an_employer_sees_the_employee_but_not_the_dependants(scoped):
    w, people, clients, _opens, _number = scoped
    eko = next(p for p in people.values() if p.name == "Eko Wibowo")
    rina = next(p for p in people.values() if p.name == "Rina Wibowo")
    pt = clients["pt"]
    assert pt.get(f"{V1}/participants/{eko.card_number}").status_code == 200
    assert pt.get(f"{V1}/participants/{rina.card_number}").status_code == 403
    family = pt.get(f"{V1}/families/{eko.family_id}")
    assert family.status_code == 200
    assert [m["card_number"] for m in family.json()["members"]] == [eko.card_number]
    assert rina.nik not in family.text and rina.birth_date.isoformat() not in family.text
    statement = pt.get(f"{V1}/families/{eko.family_id}/statement").text
    assert rina.card_number not in statement and "Rina" not in statement
    changes = pt.get(f"{V1}/participants/{eko.card_number}/changes")
    assert changes.status_code == 200 and rina.nik not in changes.text
    with_office = clients["medan"].get(f"{V1}/families/{eko.family_id}").json()  # the branch sees both
    assert {m["card_number"] for m in with_office["members"]} == {eko.card_number, rina.card_number}


@pytest.mark.parametrize("role", ROLES)
def test_sep_lists_and_letters_agree_with_the_sep_itself(scoped, role):
    w, _people, clients, _opens, number = scoped
    client = clients[role]
    today = jakarta_today()
    may_open = client.get(f"{V1}/seps/{number}").status_code == 200
    assert (client.get(f"{V1}/seps/{number}/letter.pdf").status_code == 200) == may_open
    for url, params in ((f"{V1}/participants/{w.medan_card}/seps", {"date_from": today, "date_to": today}),
                        (f"{V1}/facilities/{w.fktp['FKRTL'][0]}/seps", {"date": today})):
        r = client.get(url, params=params)
        if r.status_code == 200:
            listed = {s["number"] for s in r.json()}
            for n in listed:
                assert client.get(f"{V1}/seps/{n}").status_code == 200, (role, url, n)
            assert (number in listed) == may_open, (role, url)
        else:
            assert r.status_code == 403, (role, url, r.text)
