"""Portal test world: two branches with families, an employer, and one user of every role.

Medan (kab/kota 12.71) and Kota Bekasi (32.75) are served by different branches; each gets demo
facilities (jkn.services.care.facilities). Families are registered through the membership service
with the documents checklist the rules engine gives, each paying its first contribution on the day
it registers (cover begins with it, A-M18): Budi's family in Medan four months ago (so
an FKTP change is allowed), Siti in Medan today (an FKTP change is refused: 3-month rule), Joko
in Bekasi. PT Medan Sejahtera is an employer in Medan with an administrator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from unittest.mock import patch

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from support import portal_login
from support.first_payment import pay_first_contribution

from jkn.services.care import facilities
from jkn.services.membership import documents, employers, registration
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.schemas import EmployerIn, FamilyIn, MemberIn, ParticipantIn
from jkn.services.portal import accounts
from jkn.services.portal.audit import SYSTEM
from jkn.store.reference_tables import KabKotaRow

PASSWORD = "rahasia-123"


@dataclass
class World:
    medan_branch: str
    bekasi_branch: str
    fktp: dict[str, list[str]]
    medan_card: str = ""
    medan_spouse_card: str = ""
    siti_card: str = ""
    bekasi_card: str = ""
    employer_code: str = ""
    users: dict[str, str] = field(default_factory=dict)  # role key -> user name


def months_ago(n: int) -> dt.date:
    today = jakarta_today()
    y, m = divmod(today.year * 12 + today.month - 1 - n, 12)
    return dt.date(y, m + 1, 1)


def register_family(session: Session, *, head_nik: str, name: str, kabkota: str, fktp: str,
                    spouse_nik: str | None = None, segment: str = "PBPU_MANDIRI", registered_on: dt.date | None = None,
                    pay: bool = True, care_class: str = "III", **head_fields) -> dict:
    """A family registered at the branch; with ``pay`` its first contribution paid the same day;
    ``head_fields``: more of the head's data (a wage earner's ``employer_code`` and ``wage``)."""
    head = ParticipantIn(nik=head_nik, name=name, segment=segment, care_class=care_class, fktp_code=fktp,
                         kabkota_code=kabkota, marital_status="MARRIED" if spouse_nik else "NEVER_MARRIED", **head_fields)
    members = [MemberIn(nik=spouse_nik, name=f"Istri {name}", relationship="SPOUSE", marital_status="MARRIED")] if spouse_nik else []
    data = FamilyIn(head=head, members=members, registered_on=registered_on, tmt=registered_on)
    codes = [i.code for i in documents.form_checklist(data).items]
    family = registration.register(session, data.model_copy(update={"documents_shown": codes}), actor=SYSTEM)
    if pay:
        pay_first_contribution(session, family["head_card_number"], registered_on or jakarta_today())  # A-M18
    return family


def build_world(engine: Engine) -> World:
    # one argon2 hash of the shared test password for every user (hashing costs ~0.1-0.3 s)
    with patch.object(accounts, "hash_password", _hash_once):
        return _build_world(engine)


@lru_cache(maxsize=4)
def _hash_once(password: str) -> str:
    return _real_hash(password)


_real_hash = accounts.hash_password


def _build_world(engine: Engine) -> World:
    with Session(engine) as session:
        branch = dict(session.execute(select(KabKotaRow.code, KabKotaRow.branch_code)
                                      .where(KabKotaRow.code.in_(["12.71", "32.75"]))).all())
        session.commit()
        fktp = facilities.create_demo_facilities(session, ["12.71", "32.75"], actor=SYSTEM)
        if session.in_transaction():
            session.commit()
        world = World(branch["12.71"], branch["32.75"], fktp)
        medan = register_family(session, head_nik="1271011203850001", name="Budi Santoso", kabkota="12.71",
                                fktp=fktp["FKTP"][0], spouse_nik="1271015506870002", registered_on=months_ago(4))
        siti = register_family(session, head_nik="1271014402900003", name="Siti Aminah", kabkota="12.71",
                               fktp=fktp["FKTP"][0])
        bekasi = register_family(session, head_nik="3275011001800003", name="Joko Widodo", kabkota="32.75",
                                 fktp=fktp["FKTP"][2])
        world.medan_card = medan["head_card_number"]
        world.medan_spouse_card = [m["card_number"] for m in medan["members"] if m["relationship"] != "HEAD"][0]
        world.siti_card = siti["head_card_number"]
        world.bekasi_card = bekasi["head_card_number"]
        session.commit()
        employer = employers.register_employer(session, EmployerIn(name="PT Medan Sejahtera", sector="SWASTA",
                                                                   kabkota_code="12.71", registered_on=months_ago(6)), actor=SYSTEM)
        world.employer_code = employer["code"]
        session.commit()
        with session.begin():
            for key, role, place in (
                ("admin", accounts.ADMIN, {}),
                ("head", accounts.HEAD_OFFICE, {}),
                ("medan", accounts.BRANCH_OFFICER, {"branch": world.medan_branch}),
                ("medan2", accounts.BRANCH_OFFICER, {"branch": world.medan_branch}),
                ("bekasi", accounts.BRANCH_OFFICER, {"branch": world.bekasi_branch}),
                ("budi", accounts.PARTICIPANT, {"participant": world.medan_card}),
                ("siti", accounts.PARTICIPANT, {"participant": world.siti_card}),
                ("joko", accounts.PARTICIPANT, {"participant": world.bekasi_card}),
                ("rs", accounts.FACILITY_STAFF, {"facility": fktp["FKRTL"][0]}),
                ("puskesmas", accounts.FACILITY_STAFF, {"facility": fktp["FKTP"][0]}),
                ("pt", accounts.EMPLOYER_ADMIN, {"employer": world.employer_code}),
            ):
                name = f"{key}.user"
                accounts.create_user(session, SYSTEM, username=name, password=PASSWORD, role=role,
                                     full_name=f"{key.title()} User", **place)
                world.users[key] = name
        return world


def login(server, user: str, password: str = PASSWORD, **kwargs):
    """An httpx client of the live server logged in to the portal (session cookie), and the answer."""
    return portal_login.login(server, user, password, **kwargs)


def staff_csv(world: World, *, bad_row: bool) -> bytes:
    """A collective registration for PT Medan Sejahtera: two employees, the second with a spouse.
    With ``bad_row`` the spouse's NIK has 15 digits (row 4 of the file). The class of a private
    employee registered today is on the file: no wage band is sourced after 2018 (assumption A-R09)."""
    fktp = world.fktp["FKTP"][1]
    rows = [
        "nik,nama,hubungan,nik_peserta,segmen,gaji,kelas,kode_faskes,kabkota,status_kawin",
        f"1271012008880006,Andi Saputra,PESERTA,,PPU_SWASTA,4500000,II,{fktp},12.71,BELUM_KAWIN",
        f"1271011511870007,Eko Wibowo,PESERTA,,PPU_SWASTA,6000000,I,{fktp},12.71,KAWIN",
        f"{'127101520389000' if bad_row else '1271015203890008'},Rina Wibowo,SUAMI_ISTRI,1271011511870007,,,,,,KAWIN",
    ]
    return ("\n".join(rows) + "\n").encode()
