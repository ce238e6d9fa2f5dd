"""Every checklist is the list its use case demands (issue #9, point 7).

Registration forms and data changes generated with hypothesis, on SQLite and PostgreSQL: the
checklist a person or clerk is shown (``documents.form_checklist``, the public household answers,
``data_changes.change_checklist``) is exactly what the registration or change refuses without and
accepts. Then the conditional lists over HTTP and on the command line: a PBPU participant is not
asked for a PNS payslip, a WNI for a KITAS; a birth gets the birth list.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from membership.membership_helpers import (
    FKTP_A,
    FKTP_B,
    change_docs,
    employer,
    pbpu_family,
    person,
    ppu_family,
    register,
)
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jkn.cli import app
from jkn.domain.care import MaritalStatus, Relationship
from jkn.domain.segment import Segment, SegmentGroup
from jkn.rules.documents import registration_options
from jkn.services.errors import Invalid
from jkn.services.membership import data_changes, documents, employers, registration
from jkn.services.membership.schemas import ChangeIn, EmployerIn, FamilyIn
from jkn.services.portal.audit import SYSTEM

GRADED = {Segment.PPU_PNS, Segment.PPU_TNI, Segment.PPU_POLRI, Segment.BP_PENSIUNAN_PNS,
          Segment.BP_PENSIUNAN_TNI_POLRI, Segment.BP_JANDA_DUDA_YATIM_PENSIUNAN}
PROPERTY = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
KITAS = "KITAS/KITAP"
PAYSLIP = "Foto copy daftar gaji yang dilegalisir (bagi PNS aktif)"


def _years_before(on: dt.date, years: int, days: int) -> dt.date:
    return dt.date(on.year - years, on.month, min(on.day, 28)) - dt.timedelta(days=days)


@st.composite
def forms(draw, employer_code: str) -> dict:
    """A registration form (FDIP) that passes every check the registration makes before documents."""
    segment = draw(st.sampled_from(list(Segment)))
    tmt = draw(st.dates(dt.date(2014, 3, 1), dt.date(2016, 12, 31)))
    foreign = draw(st.booleans())
    born = _years_before(tmt, draw(st.integers(25, 60)), draw(st.integers(0, 364)))
    head = person("Kepala", born, draw(st.sampled_from("LP")), segment=segment.value, fktp_code=FKTP_A,
                  kabkota_code="31.71", nationality="WNA" if foreign else "WNI",
                  marital_status=draw(st.sampled_from(list(MaritalStatus))).value)
    if foreign:
        head["work_started"] = (tmt - dt.timedelta(days=400)).isoformat()
    if segment is Segment.PBI:
        head["pbi_designated"] = True
    if segment.group is SegmentGroup.PPU:
        head |= {"employer_code": employer_code, "wage": draw(st.integers(1_000_000, 12_000_000))}
    if segment in GRADED:
        head["grade"] = draw(st.sampled_from(["II/c", "III/a", "IV/b"]))
    elif segment.group in (SegmentGroup.PBPU, SegmentGroup.BP):
        head["care_class"] = draw(st.sampled_from(["I", "II", "III"]))
    members = []
    if segment is not Segment.PBI:  # PBI participants are each designated, never enrolled as family
        relationships = [Relationship.SPOUSE] * draw(st.integers(0, 1)) + draw(st.lists(st.sampled_from(
            [r for r in Relationship if r is not Relationship.SPOUSE]), max_size=5))
        for rel in relationships:
            age = draw(st.integers(0, 30) if rel.is_child else st.integers(18, 80))
            member = person(rel.value.title(), _years_before(tmt, age, draw(st.integers(1, 364))),
                            draw(st.sampled_from("LP")), relationship=rel.value, care_class="III",
                            nationality=draw(st.sampled_from(["WNI", "WNA"])))
            if rel.is_child:
                member |= {"in_school": draw(st.booleans()), "has_income": draw(st.booleans()),
                           "marital_status": draw(st.sampled_from(["NEVER_MARRIED", "NEVER_MARRIED", "MARRIED"]))}
                if member["in_school"]:  # with the end date on the school's letter (A-M16)
                    member["education_until"] = (tmt + dt.timedelta(days=draw(st.integers(1, 6 * 365)))).isoformat()
            elif rel is Relationship.SPOUSE:
                member["marital_status"] = "MARRIED"
            members.append(member)
    options = [r.id for r in registration_options(segment) if r.mode == "individual"]
    return {"head": head, "members": members, "tmt": tmt.isoformat(), "registered_on": tmt.isoformat(),
            "registration_type": draw(st.sampled_from([None, *options]))}


def _household(form: FamilyIn) -> documents.Household:
    """What a person answers on the public checklist for this form."""
    on = form.tmt
    people = [(m, documents.person(m, on, m.relationship)) for m in form.members]
    children = [(m, p.age_on(on)) for m, p in people if m.relationship.is_child]
    core = [(m, a) for m, a in children if m.marital_status is MaritalStatus.NEVER_MARRIED and not m.has_income]
    return documents.Household(
        nationality="WNA" if any(x.nationality == "WNA" for x in [form.head, *form.members]) else "WNI",
        marital_status=form.head.marital_status,
        spouse=any(m.relationship is Relationship.SPOUSE for m in form.members),
        children=sum(1 for _, a in core if a < 21),
        students=sum(1 for m, a in core if 21 <= a < 25 and m.in_school),
        other_children=len(children) - sum(1 for m, a in core if a < 21 or (a < 25 and m.in_school)),
        parents=sum(1 for m in form.members if m.relationship.is_parent),
        relatives=sum(1 for m in form.members if m.relationship is Relationship.OTHER_RELATIVE))


def _demanded(session: Session, form: FamilyIn) -> list[str]:
    """The codes the registration refuses to go on without (none for PBI: "penetapan peserta")."""
    try:
        registration.plan_family(session, form, registration.Lookups(session))
    except Invalid as refused:
        assert refused.details.get("code") == "documents_missing", refused.message
        return refused.details["checklist"]["missing"]
    return []


def test_registration_checklist_is_what_the_registration_demands(fdb):
    with Session(fdb) as s:
        code = employers.register_employer(s, EmployerIn(name="PT Daftar", sector="SWASTA", kabkota_code="31.71",
                                                         registered_on=dt.date(2014, 1, 2)), actor=SYSTEM)["code"]

    @PROPERTY
    @given(forms(code))
    def check(body):
        form = FamilyIn.model_validate(body)
        listed = [i.code for i in documents.form_checklist(form).items]
        with Session(fdb) as s:
            assert _demanded(s, form) == listed
            registration.plan_family(s, form.model_copy(update={"documents_shown": listed}), registration.Lookups(s))
        # a person who answers the public questions for this family gets the same list
        told = documents.household_checklist(form.head.segment, form.tmt, _household(form),
                                             registration_type=form.registration_type)
        assert [i.code for i in told.items] == listed

    check()


def _registered(session: Session, body: dict) -> dict:
    """Register a family with the documents its checklist names; card numbers by relationship."""
    form = FamilyIn.model_validate(body)
    form = form.model_copy(update={"documents_shown": [i.code for i in documents.form_checklist(form).items]})
    fam = registration.register(session, form, actor=SYSTEM)
    cards: dict[str, list[str]] = {}
    for m in fam["members"]:
        cards.setdefault(m["relationship"], []).append(m["card_number"])
    return cards


@st.composite
def changes(draw, families: dict, second_employer: str) -> tuple[str, ChangeIn]:
    """A change that passes every check the change makes before documents (on the card it is reported on)."""
    name = draw(st.sampled_from(sorted(families)))
    cards, on = families[name], dt.date(2014, 3, 1) + dt.timedelta(days=draw(st.integers(120, 700)))
    kinds = ["CARD_LOST", "CARD_DAMAGED", "CORRECTION", "FKTP", "ADDRESS", "GRADE", "SEGMENT", "MARRIAGE", "BIRTH",
             "ADD_MEMBER", "DEATH", "DIVORCE"] + (["EMPLOYER", "CHILD_REPLACEMENT"] if name == "pns" else [])
    kind = draw(st.sampled_from(kinds))
    card, body = cards["HEAD"][0], {"kind": kind, "effective_date": on.isoformat()}
    rel = {"MARRIAGE": [Relationship.SPOUSE], "BIRTH": [Relationship.CHILD_NATURAL, Relationship.CHILD_ADOPTED],
           "CHILD_REPLACEMENT": [Relationship.CHILD_NATURAL],
           "ADD_MEMBER": [Relationship.FATHER, Relationship.MOTHER_IN_LAW, Relationship.OTHER_RELATIVE]}.get(kind)
    if rel:
        age = draw(st.integers(0, 20) if rel[0].is_child else st.integers(20, 70))
        body["member"] = person("Baru", _years_before(on, age, draw(st.integers(1, 364))), draw(st.sampled_from("LP")),
                                relationship=draw(st.sampled_from(rel)).value, care_class="III",
                                nationality=draw(st.sampled_from(["WNI", "WNA"])))
        if kind == "CHILD_REPLACEMENT" and draw(st.booleans()):
            del body["member"]  # a child may leave without another taking the place
    body |= {"CORRECTION": {"name": "Nama Benar"}, "FKTP": {"fktp_code": FKTP_B}, "ADDRESS": {"address": "Jl. Baru"},
             "GRADE": {"grade": "III/b"}, "EMPLOYER": {"employer_code": second_employer},
             "SEGMENT": {"segment": draw(st.sampled_from(["BP_PENSIUNAN_PNS", "PPU_SWASTA", "PBPU_LAINNYA",
                                                          "BP_INVESTOR"]))},
             "CHILD_REPLACEMENT": {"replaced_card_number": cards["CHILD_NATURAL"][0], "replaced_reason": "MARRIED"},
             }.get(kind, {})
    if kind == "DIVORCE":
        card = cards["SPOUSE"][0]
    elif kind == "DEATH":
        card = draw(st.sampled_from([c for cs in cards.values() for c in cs]))
    return card, ChangeIn.model_validate(body)


def test_change_checklist_is_what_the_change_demands(fdb):
    with Session(fdb) as s:
        gov = employers.register_employer(s, EmployerIn(name="Dinas Kesehatan", sector="GOVERNMENT",
                                                        kabkota_code="31.71", registered_on=dt.date(2014, 1, 2)), actor=SYSTEM)
        other = employers.register_employer(s, EmployerIn(name="Dinas Pendidikan", sector="GOVERNMENT",
                                                          kabkota_code="31.71", registered_on=dt.date(2014, 1, 2)), actor=SYSTEM)
        families = {"pbpu": _registered(s, pbpu_family("II", members=2)),
                    "pns": _registered(s, ppu_family(gov["code"], wage=3_000_000, segment="PPU_PNS", grade="III/a"))}

    @PROPERTY
    @given(changes(families, other["code"]))
    def check(case):
        card, change = case
        m = change.member
        member = documents.Person(m.relationship, m.birth_date, m.nationality) if m is not None else None
        with Session(fdb) as s:
            listed = [i["code"] for i in data_changes.change_checklist(
                change.kind, card, s, on=change.effective_date, member=member, new_segment=change.segment)["items"]]
            with pytest.raises(Invalid) as refused:
                data_changes.apply_change(s, card, change, actor=SYSTEM)
        assert refused.value.details.get("code") == "documents_missing", refused.value.message
        assert refused.value.details["checklist"]["missing"] == listed

    check()


# ---------------------------------------------------------------- over HTTP (real server)

def _texts(checklist: dict) -> list[str]:
    return [i["text"] for i in checklist["items"]]


def test_registration_checklist_over_http_is_what_registration_takes(api):
    # a wage earner's 4th child is an additional member: the list of "Anggota Keluarga Lain" is added
    four = ppu_family(employer(api, "PT Empat Anak")["code"], children=4)
    check = api.post("/api/v1/registration/checklist", json=four).json()
    assert "ANGGOTA_KELUARGA_LAIN/4" in [i["code"] for i in check["items"]]
    assert api.post("/api/v1/families", json={**four, "documents_shown": [i["code"] for i in check["items"]]}
                    ).status_code == 201
    # a PBPU participant's mother is a member like any other: no "Anggota Keluarga Lain" codes
    body = pbpu_family("II")
    body["members"] = [{**person("Ibu", dt.date(1950, 2, 2), "P"), "relationship": "MOTHER",
                        "marital_status": "WIDOWED"}]
    check = api.post("/api/v1/registration/checklist", json=body).json()
    assert not any(i["code"].startswith("ANGGOTA") for i in check["items"])
    r = api.post("/api/v1/families", json={**body, "documents_shown": [i["code"] for i in check["items"]]})
    assert r.status_code == 201, r.text


def test_public_registration_checklist_from_answers(server):
    with server.client() as anonymous:
        def ask(**params):
            r = anonymous.get("/api/v1/registration/checklist", params={"segment": "PBPU_MANDIRI", **params})
            assert r.status_code == 200, r.text
            return r.json()
        alone = ask()
        assert not any(KITAS in t or "nikah" in t for t in _texts(alone))  # a WNI, not married
        assert any("KITAS" in s["text"] and "tidak diperlukan" in s["text"] for s in alone["explanation"])
        family = ask(nationality="WNA", marital_status="MARRIED", spouse="true", children=2)
        assert {"PBPU.MANDIRI/4", "PBPU.MANDIRI/5", "PBPU.MANDIRI/6"} <= {i["code"] for i in family["items"]}
        pns = anonymous.get("/api/v1/registration/checklist", params={
            "segment": "PPU_PNS", "children": 1, "students": 1, "parents": 1}).json()
        assert "Surat Keterangan dari sekolah" in " ".join(_texts(pns)) and "ANGGOTA_KELUARGA_LAIN/2" in {
            i["code"] for i in pns["items"]}
        assert anonymous.get("/api/v1/registration/checklist", params={"segment": "NOPE"}).status_code == 422


def test_change_checklists_follow_the_participant_and_the_change(api):
    pbpu = register(api, pbpu_family("II", members=2))["head_card_number"]
    pns = register(api, ppu_family(employer(api, "Dinas Kesehatan", "GOVERNMENT")["code"], wage=3_000_000,
                                   segment="PPU_PNS", grade="III/a"))["head_card_number"]

    def checklist(kind, card, **params):
        r = api.get("/api/v1/changes/checklist", params={"kind": kind, "card_number": card, **params})
        assert r.status_code == 200, r.text
        return r.json()

    assert PAYSLIP not in _texts(checklist("MARRIAGE", pbpu))  # "bagi PNS aktif"
    assert PAYSLIP in _texts(checklist("MARRIAGE", pns))
    assert not any(KITAS in t for t in _texts(checklist("ADD_MEMBER", pbpu)))  # "Bagi WNA"
    wna = checklist("ADD_MEMBER", pbpu, member_nationality="WNA")
    assert any(KITAS in t for t in _texts(wna))
    birth = checklist("BIRTH", pbpu)
    assert birth["title"] == "Perubahan Daftar Susunan Keluarga: penambahan anak"
    assert not any("Surat Nikah" in t or "Isteri/Suami" in t for t in _texts(birth))
    # the change demands what the checklist named for the same inputs
    mother = {**person("Ibu Mertua", dt.date(1948, 4, 4), "P"), "relationship": "MOTHER_IN_LAW",
              "nationality": "WNA", "care_class": "III"}
    wni_codes = [i["code"] for i in checklist("ADD_MEMBER", pbpu)["items"]]
    r = api.post(f"/api/v1/participants/{pbpu}/changes", json={
        "kind": "ADD_MEMBER", "effective_date": "2014-05-01", "member": mother, "documents_shown": wni_codes})
    assert r.status_code == 422 and r.json()["checklist"]["missing"] == ["ANGGOTA_KELUARGA_LAIN/5"]
    r = api.post(f"/api/v1/participants/{pbpu}/changes", json={
        "kind": "ADD_MEMBER", "effective_date": "2014-05-01", "member": mother,
        "documents_shown": [i["code"] for i in wna["items"]]})
    assert r.status_code == 201, r.text
    baby = {**person("Bayi", dt.date(2014, 6, 1)), "relationship": "CHILD_NATURAL"}
    r = api.post(f"/api/v1/participants/{pbpu}/changes", json={
        "kind": "BIRTH", "effective_date": "2014-06-01", "member": baby,
        "documents_shown": change_docs(api, "BIRTH", pbpu, {"effective_date": "2014-06-01", "member": baby})})
    assert r.status_code == 201, r.text
    assert [d["code"] for d in r.json()["documents"]] == ["BIRTH/1", "BIRTH/3"]


# ---------------------------------------------------------------- on the command line

def test_checklist_command_shows_the_conditional_lists(fdb, db_url):
    with Session(fdb) as s:
        gov = employers.register_employer(s, EmployerIn(name="Dinas", sector="GOVERNMENT", kabkota_code="31.71",
                                                        registered_on=dt.date(2014, 1, 2)), actor=SYSTEM)
        pbpu = _registered(s, pbpu_family("II", members=2))["HEAD"][0]
        pns = _registered(s, ppu_family(gov["code"], wage=3_000_000, segment="PPU_PNS", grade="III/a"))["HEAD"][0]
    runner = CliRunner()

    def jkn(*args: str) -> dict:
        r = runner.invoke(app, ["participants", "checklist", *args, "--db", db_url])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    assert PAYSLIP not in _texts(jkn("MARRIAGE", "--card", pbpu))
    assert PAYSLIP in _texts(jkn("MARRIAGE", "--card", pns))
    assert _texts(jkn("BIRTH", "--segment", "PBPU_MANDIRI"))[-1].startswith("Foto copy akte kelahiran anak")
    assert not any(KITAS in t for t in _texts(jkn("ADD_MEMBER", "--card", pbpu)))
    assert any(KITAS in t for t in _texts(jkn("ADD_MEMBER", "--card", pbpu, "--member-nationality", "WNA")))
    assert not any(KITAS in t for t in _texts(jkn("REGISTRATION", "--segment", "BP_INVESTOR")))
    assert any(KITAS in t for t in _texts(jkn("REGISTRATION", "--segment", "BP_INVESTOR", "--nationality", "WNA")))
    bad = runner.invoke(app, ["participants", "checklist", "REGISTRATION", "--db", db_url])
    assert bad.exit_code == 2 and "--segment" in bad.output
