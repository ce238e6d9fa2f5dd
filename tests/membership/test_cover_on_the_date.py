"""Issue #9 on both databases: a member's status read on the date of service (a wage earner's child
past 21, or 25 with the school's letter), and cover that begins with the first payment."""

from __future__ import annotations

import datetime as dt

import pytest
from membership.membership_helpers import FKTP_A, pbpu_family, person, register_shown
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.care import Relationship
from jkn.domain.month import Month
from jkn.services.billing import payments
from jkn.services.billing import runs as billing
from jkn.services.billing.coverage import coverage_status
from jkn.services.care import eligibility
from jkn.services.errors import Invalid
from jkn.services.membership import data_changes, documents, employers
from jkn.services.membership.schemas import ChangeIn, EmployerIn, PaymentIn
from jkn.services.portal.audit import SYSTEM
from jkn.store.billing_tables import BillLineRow, BillRow, PayerRow
from jkn.store.membership_tables import ParticipantRow

TMT = "2014-03-01"
GUIDE_1B = "guide:Anggota Keluarga yang Ditanggung:1.b"


def _decided(explanation: list[dict]) -> dict:
    """The one step that decided the cover (the reason a desk reads first)."""
    decisive = [s for s in explanation if s["decisive"]]
    assert len(decisive) == 1, explanation
    return decisive[0]


def _employer(engine, sector: str = "SWASTA") -> str:
    with Session(engine) as s:
        return employers.register_employer(s, EmployerIn(name="PT Anak Dewasa", sector=sector, kabkota_code="31.71",
                                                         registered_on=dt.date(2014, 1, 2)), actor=SYSTEM)["code"]


def _wage_earner(engine, *, children: list[dict], segment: str = "PPU_SWASTA", parents: int = 0,
                 grade: str | None = None) -> dict:
    emp = _employer(engine, "GOVERNMENT" if segment == "PPU_PNS" else "SWASTA")
    head = person("Budi Santoso", dt.date(1965, 3, 12), "L", segment=segment, employer_code=emp, wage=5_000_000,
                  fktp_code=FKTP_A, kabkota_code="31.71", marital_status="MARRIED", **({"grade": grade} if grade else {}))
    members = [{**person("Ani", dt.date(1967, 6, 15), "P"), "relationship": "SPOUSE", "marital_status": "MARRIED"}]
    members += [{**person(c.pop("name"), c.pop("born")), "relationship": "CHILD_NATURAL", "care_class": "III", **c}
                for c in children]
    members += [{**person(f"Ibu {i}", dt.date(1940, 1, 1 + i), "P"), "relationship": "MOTHER",
                 "marital_status": "WIDOWED"} for i in range(parents)]
    return register_shown(engine, {"head": head, "members": members, "tmt": TMT, "registered_on": TMT})


def _card(fam: dict, name: str) -> str:
    return next(m["card_number"] for m in fam["members"] if m["name"] == name)


def _bill_and_pay(engine, payer_code: str, month: str, paid_on: dt.date, reference: str) -> None:
    """Bill ``month`` and pay the payer's bill of that month in full."""
    with Session(engine) as s:
        billing.run_billing(s, month, actor=SYSTEM)
        amount = s.scalar(select(BillRow.amount).join(PayerRow, PayerRow.id == BillRow.payer_id)
                          .where(PayerRow.code == payer_code, BillRow.month == Month.parse(month).first_day))
        s.rollback()
        payments.post_payment(s, PaymentIn(reference=reference, payer_code=payer_code, amount=amount, paid_on=paid_on), actor=SYSTEM)


def _cover(engine, card: str, on: str) -> dict:
    with Session(engine) as s:
        return coverage_status(s, card, dt.date.fromisoformat(on))


def _change(engine, card: str, **body) -> dict:
    with Session(engine) as s:
        return data_changes.apply_change(s, card, ChangeIn(**body), actor=SYSTEM)


def _listed(engine, kind: str, card: str, on: dt.date, **kwargs) -> list[str]:
    """The codes of the change's checklist (what ``apply_change`` demands, A-M20)."""
    with Session(engine) as s:
        return [i["code"] for i in data_changes.change_checklist(kind, card, s, on=on, **kwargs)["items"]]


def _payer(fam: dict) -> str:
    return fam["members"][0]["payer"]["code"]


def test_a_child_is_not_core_family_from_its_21st_birthday(fdb):
    fam = _wage_earner(fdb, children=[{"name": "Sulung", "born": dt.date(1993, 6, 15)},
                                      {"name": "Bungsu", "born": dt.date(2000, 1, 5)}])
    sulung = _card(fam, "Sulung")
    assert next(m for m in fam["members"] if m["name"] == "Sulung")["status_until"] == "2014-06-14"
    _bill_and_pay(fdb, _payer(fam), "2014-03", dt.date(2014, 3, 5), "PPU-MAR")
    assert _cover(fdb, sulung, "2014-06-14")["reason"] == "ACTIVE"
    after = _cover(fdb, sulung, "2014-06-15")  # the 21st birthday: no longer "belum berusia 21 tahun"
    assert after["active"] is False and after["reason"] == "STATUS_ENDED"
    assert _decided(after["explanation"])["source"] == GUIDE_1B
    with Session(fdb) as s:
        e = eligibility.check(s, dt.date(2014, 6, 15), card_number=sulung)
        assert not e.active and e.reason == "STATUS_ENDED" and "14 Juni 2014" in e.status_text
        assert _decided(e.explanation)["source"] == GUIDE_1B
        assert eligibility.check(s, dt.date(2014, 6, 14), card_number=sulung).active  # the day before: covered
    # a later change of the family does not silently re-sort the adult child into a paying status
    _change(fdb, fam["head_card_number"], kind="BIRTH", effective_date="2014-07-02",
            member={**person("Adik", dt.date(2014, 7, 1)), "relationship": "CHILD_NATURAL"},
            documents_shown=_listed(fdb, "BIRTH", fam["head_card_number"], dt.date(2014, 7, 2),
                                    member=documents.Person(Relationship.CHILD_NATURAL, dt.date(2014, 7, 1))))
    with Session(fdb) as s:
        row = s.scalar(select(ParticipantRow).where(ParticipantRow.card_number == sulung))
        assert (row.member_status, row.status_until) == ("CORE", dt.date(2014, 6, 14))
        billing.run_billing(s, "2014-08", actor=SYSTEM)
        assert not s.scalars(select(BillLineRow).where(BillLineRow.participant_id == row.id)).all()
    # the newborn is covered at once: the worker's contribution is being paid (A-M19)
    assert _cover(fdb, _card(_family(fdb, fam), "Adik"), "2014-07-03")["reason"] == "ACTIVE"


def _family(engine, fam: dict) -> dict:
    from jkn.services.membership import registration
    with Session(engine) as s:
        return registration.family_view(s, fam["id"])


def test_an_additional_child_is_billed_while_its_status_holds(fdb):
    """The 4th eligible child pays 1% (Iuran 4) until the month after its status ends, on both paths."""
    school = {"in_school": True, "education_until": dt.date(2016, 7, 31)}
    fam = _wage_earner(fdb, children=[{"name": "A", "born": dt.date(1991, 2, 1), **school},
                                      {"name": "B", "born": dt.date(1992, 2, 1), **school},
                                      {"name": "C", "born": dt.date(1992, 12, 1), **school},
                                      {"name": "D", "born": dt.date(1993, 5, 20)}])
    statuses = {m["name"]: (m["member_status"], m["status_until"]) for m in fam["members"]}
    assert statuses["A"] == ("CORE", "2016-01-31") and statuses["C"] == ("CORE", "2016-07-31")
    assert statuses["D"] == ("ADDITIONAL", "2014-05-19")
    d = _card(fam, "D")
    with Session(fdb) as s:
        pid = s.scalar(select(ParticipantRow.id).where(ParticipantRow.card_number == d))
        for month, method in (("2014-05", "batch"), ("2014-06", "batch"), ("2014-07", "single")):
            billing.run_billing(s, month, method=method, actor=SYSTEM)
        billed = s.scalars(select(BillLineRow.month).where(BillLineRow.participant_id == pid)).all()
        assert billed == [dt.date(2014, 5, 1)]  # May (the status holds on 1 May), not June or July
        single, _ = billing.compute_single(s, Month(2014, 6), exclude_billed=False)
        assert pid not in {ln.participant_id for ln in single}


def test_the_schools_letter_extends_the_status_to_its_end_date(fdb):
    fam = _wage_earner(fdb, segment="PPU_PNS", grade="III/a",
                       children=[{"name": "Mahasiswa", "born": dt.date(1993, 6, 15)}])
    card = _card(fam, "Mahasiswa")
    _bill_and_pay(fdb, _payer(fam), "2014-03", dt.date(2014, 3, 5), "PNS-MAR")
    with pytest.raises(Invalid) as refused:  # the PNS list asks for the school's letter (Pendaftaran I.B.a.2.g)
        _change(fdb, card, kind="EDUCATION", effective_date="2014-06-01", education_until="2015-08-31")
    assert refused.value.details["code"] == "documents_missing"
    letter = refused.value.details["checklist"]["missing"]
    change = _change(fdb, card, kind="EDUCATION", effective_date="2014-06-01", education_until="2015-08-31",
                     documents_shown=letter)
    assert any("31 Agustus 2015" in s["text"] for s in change["explanation"])
    assert _cover(fdb, card, "2015-08-31")["reason"] == "ACTIVE"  # 22, in formal education
    assert _cover(fdb, card, "2015-09-01")["reason"] == "STATUS_ENDED"
    with pytest.raises(Invalid):  # a spouse has no age limit
        _change(fdb, _card(fam, "Ani"), kind="EDUCATION", effective_date="2014-06-01", education_until="2015-08-31")


def test_a_child_past_the_limit_stays_only_as_a_member_who_pays(fdb):
    fam = _wage_earner(fdb, children=[{"name": "Sulung", "born": dt.date(1993, 6, 15)}])
    card, payer = _card(fam, "Sulung"), _payer(fam)
    _bill_and_pay(fdb, payer, "2014-03", dt.date(2014, 3, 5), "CONT-MAR")
    body = {"kind": "CONTINUE_MEMBER", "care_class": "III",
            "documents_shown": _listed(fdb, "CONTINUE_MEMBER", card, dt.date(2014, 6, 15))}
    with pytest.raises(Invalid):  # still a child of the core family on that day
        _change(fdb, card, effective_date="2014-06-14", **body)
    change = _change(fdb, card, effective_date="2014-06-15", **body)
    assert any("A-14" in s["source"] for s in change["explanation"])
    assert _cover(fdb, card, "2014-06-20")["reason"] == "NOT_YET_PAID"
    _bill_and_pay(fdb, payer, "2014-07", dt.date(2014, 7, 8), "CONT-JUL")
    with Session(fdb) as s:
        line = s.execute(select(BillLineRow.kind, BillLineRow.amount).join(
            ParticipantRow, ParticipantRow.id == BillLineRow.participant_id)
            .where(ParticipantRow.card_number == card)).one()
    assert tuple(line) == ("FLAT", 25_500)  # kerabat lain, class III (Iuran 5.a; A-14)
    assert _cover(fdb, card, "2014-07-07")["reason"] == "NOT_YET_PAID"
    assert _cover(fdb, card, "2014-07-08")["reason"] == "ACTIVE"


def test_pbpu_cover_begins_when_the_first_contribution_is_paid(fdb):
    fam = register_shown(fdb, pbpu_family("II", members=1, tmt=TMT))
    head, spouse, payer = fam["head_card_number"], fam["members"][1]["card_number"], _payer(fam)
    before = _cover(fdb, head, "2014-03-02")
    assert before["reason"] == "NOT_YET_PAID" and before["covered_from"] is None
    assert _decided(before["explanation"])["source"] == "guide:Peserta Jaminan Kesehatan"
    assert "belum membayar iuran pertama" in _decided(before["explanation"])["text"]
    with Session(fdb) as s:
        e = eligibility.check(s, dt.date(2014, 3, 2), card_number=head)
        assert e.status_text == "NON AKTIF: terdaftar, belum membayar iuran pertama" and e.reason == "NOT_YET_PAID"
    _bill_and_pay(fdb, payer, "2014-03", dt.date(2014, 3, 7), "PBPU-MAR")
    for card in (head, spouse):
        assert _cover(fdb, card, "2014-03-06")["reason"] == "NOT_YET_PAID"  # the past stays as it was
        now = _cover(fdb, card, "2014-03-07")
        assert now["reason"] == "ACTIVE" and now["covered_from"] == "2014-03-07"


def test_wage_earners_are_covered_by_the_employers_first_payment_pbi_at_registration(fdb):
    fam = _wage_earner(fdb, children=[{"name": "Anak", "born": dt.date(2005, 1, 1)}], parents=1)
    cards = [m["card_number"] for m in fam["members"]]
    assert {_cover(fdb, c, "2014-03-02")["reason"] for c in cards} == {"NOT_YET_PAID"}
    _bill_and_pay(fdb, _payer(fam), "2014-03", dt.date(2014, 3, 9), "EMP-MAR")
    # the worker, the core family (the worker's line) and the mother (her own 1% line)
    assert {_cover(fdb, c, "2014-03-09")["covered_from"] for c in cards} == {"2014-03-09"}
    pbi = register_shown(fdb, {"head": person("Warga", dt.date(1960, 2, 2), segment="PBI", pbi_designated=True,
                                              fktp_code=FKTP_A), "tmt": TMT, "registered_on": TMT})
    assert _cover(fdb, pbi["head_card_number"], TMT)["reason"] == "ACTIVE"  # the government pays (Iuran 1)


def test_prepaid_credit_begins_cover_from_the_day_it_was_paid(fdb):
    fam = register_shown(fdb, pbpu_family("III", tmt=TMT))
    payer = _payer(fam)
    with Session(fdb) as s:
        payments.post_payment(s, PaymentIn(reference="PRE-1", payer_code=payer, amount=25_500,
                                           paid_on=dt.date(2014, 2, 25)), actor=SYSTEM)
    assert _cover(fdb, fam["head_card_number"], TMT)["reason"] == "NOT_YET_PAID"  # credit, nothing billed yet
    with Session(fdb) as s:
        billing.run_billing(s, "2014-03", actor=SYSTEM)  # the credit pays March
    assert _cover(fdb, fam["head_card_number"], TMT)["covered_from"] == TMT


def test_the_officers_list_from_the_command_line(fdb, db_url):
    import json

    from typer.testing import CliRunner

    from jkn.cli import app

    fam = _wage_earner(fdb, children=[{"name": "Sulung", "born": dt.date(1993, 6, 15)},
                                      {"name": "Bungsu", "born": dt.date(2000, 1, 5)}])
    r = CliRunner().invoke(app, ["participants", "endings", "--on", "2014-06-01", "--db", db_url])
    assert r.exit_code == 0, r.output
    items = json.loads(r.stdout)["items"]
    assert [(i["card_number"], i["ends_on"], i["age_then"]) for i in items] == [(_card(fam, "Sulung"), "2014-06-15", 21)]
    r = CliRunner().invoke(app, ["participants", "endings", "--on", "2014-06-01", "--days", "13", "--db", db_url])
    assert r.exit_code == 0 and json.loads(r.stdout)["items"] == []
    r = CliRunner().invoke(app, ["participants", "endings", "--days", "0", "--db", db_url])
    assert r.exit_code == 2 and "days" in r.output
