"""Helpers shared by the membership and billing tests (issue #4)."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jkn.services.errors import Invalid
from jkn.services.membership import registration
from jkn.services.membership.cards import insert_ignore
from jkn.services.membership.schemas import FamilyIn
from jkn.services.portal.audit import SYSTEM
from jkn.store.facility_tables import FacilityRow

_serial = itertools.count(1)

FKTP_A, FKTP_B, FKRTL = "T031P001", "T031P002", "T031R001"
FACILITIES = [
    {"code": FKTP_A, "name": "Puskesmas Gambir", "level": "FKTP", "facility_type": "PUSKESMAS_NON_PERAWATAN"},
    {"code": FKTP_B, "name": "Klinik Pratama Sehat", "level": "FKTP", "facility_type": "KLINIK_PRATAMA"},
    {"code": FKRTL, "name": "RSUD Tarakan", "level": "FKRTL", "facility_type": "RSUD"},
]


def nik(birth: dt.date, sex: str = "L", region: str = "3171") -> str:
    """A valid NIK, unique in this test process."""
    n = next(_serial)
    day = birth.day + (40 if sex == "P" else 0)
    return f"{region}{10 + (n // 9000) % 89:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{n % 9000 + 1:04d}"


def ensure_facilities(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        for f in FACILITIES:
            insert_ignore(s, FacilityRow.__table__, {**f, "kabkota_code": "31.71", "partnership": "PARTNER"})


def person(name: str, birth: dt.date, sex: str = "L", **extra) -> dict:
    return {"nik": nik(birth, sex), "name": name, "sex": sex, "birth_date": birth.isoformat(), **extra}


def with_documents(client, body: dict) -> dict:
    """Ask the API for the registration checklist and show every required document."""
    r = client.post("/api/v1/registration/checklist", json={**body, "documents_shown": []})
    assert r.status_code == 200, r.text
    return {**body, "documents_shown": [i["code"] for i in r.json()["items"]]}


def register_shown(engine: Engine, body: dict) -> dict:
    """Register through the service, showing every document the checklist of the registration asks for."""
    with Session(engine) as s:
        try:
            return registration.register(s, FamilyIn(**body), actor=SYSTEM)
        except Invalid as exc:
            if exc.details.get("code") != "documents_missing":
                raise
            required = [i["code"] for i in exc.details["checklist"]["items"] if i["required"]]
        return registration.register(s, FamilyIn(**{**body, "documents_shown": required}), actor=SYSTEM)


def register(client, body: dict, expect: int = 201) -> dict:
    r = client.post("/api/v1/families", json=with_documents(client, body))
    assert r.status_code == expect, r.text
    return r.json()


def change_docs(client, kind: str, card: str, change: dict | None = None) -> list[str]:
    """Ask the API for the checklist of a change (its inputs: date, member added, new segment)."""
    change, member = change or {}, (change or {}).get("member") or {}
    params = {"kind": kind, "card_number": card, "on": change.get("effective_date"),
              "new_segment": change.get("segment"), "member_relationship": member.get("relationship"), "member_birth_date": member.get("birth_date"),
              "member_nationality": member.get("nationality", "WNI")}
    r = client.get("/api/v1/changes/checklist", params={k: v for k, v in params.items() if v is not None})
    assert r.status_code == 200, r.text
    return [i["code"] for i in r.json()["items"]]


def employer(client, name: str = "PT Sehat Sentosa", sector: str = "SWASTA") -> dict:
    r = client.post("/api/v1/employers", json={"name": name, "sector": sector, "kabkota_code": "31.71",
                                               "registered_on": "2014-01-02"})
    assert r.status_code == 201, r.text
    return r.json()


def pbpu_family(cls: str = "II", members: int = 0, tmt: str = "2014-03-01") -> dict:
    head = person("Siti Aminah", dt.date(1980, 5, 17), "P", segment="PBPU_MANDIRI", care_class=cls, fktp_code=FKTP_A,
                  kabkota_code="31.71", marital_status="MARRIED" if members else "NEVER_MARRIED")
    ms = []
    if members:
        ms.append({**person("Joko", dt.date(1978, 2, 3), "L"), "relationship": "SPOUSE", "marital_status": "MARRIED"})
    for i in range(1, members):
        ms.append({**person(f"Anak {i}", dt.date(2005 + i, 1, 10), "L"), "relationship": "CHILD_NATURAL"})
    return {"head": head, "members": ms, "tmt": tmt, "registered_on": tmt}


def ppu_family(employer_code: str, wage: int = 4_000_000, children: int = 2, parents: int = 0,
               segment: str = "PPU_SWASTA", tmt: str = "2014-03-01", grade: str | None = None) -> dict:
    head = person("Budi Santoso", dt.date(1975, 3, 12), "L", segment=segment, employer_code=employer_code, wage=wage,
                  fktp_code=FKTP_A, kabkota_code="31.71", marital_status="MARRIED")
    if grade:
        head["grade"] = grade
    ms = [{**person("Ani", dt.date(1977, 6, 15), "P"), "relationship": "SPOUSE", "marital_status": "MARRIED"}]
    for i in range(children):
        ms.append({**person(f"Anak {i + 1}", dt.date(2000 + i, 1 + i, 5), "L"), "relationship": "CHILD_NATURAL"})
    for i in range(parents):
        ms.append({**person(f"Ibu {i + 1}", dt.date(1945, 1, 1 + i), "P"), "relationship": "MOTHER",
                   "marital_status": "WIDOWED"})
    return {"head": head, "members": ms, "tmt": tmt, "registered_on": tmt}


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0
