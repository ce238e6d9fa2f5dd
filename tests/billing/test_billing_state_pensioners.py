"""State pensioners from 2018-10 (Perpres 82/2018: 5% of the pension, 3% government / 2% pensioner;
assumptions A-R06, A-R14): the pension is taken at registration (form, import template column
``pensiun``), changed by a data change (PENSION), shown with the participant, and billed on both
paths — the pensioner's 2% on the family's bill, the government's 3% on the government's account
G-PENSIUN, so that the family's arrears and cover hold only what it owes; without a pension the
month is not billed and the run says why."""

from __future__ import annotations

import datetime as dt

import pytest
from membership.membership_helpers import FKTP_A, ensure_facilities, person
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.services.billing import runs as billing
from jkn.services.errors import Invalid
from jkn.services.membership import collective_import, data_changes, registration
from jkn.services.membership.schemas import ChangeIn, FamilyIn
from jkn.services.portal.audit import SYSTEM
from jkn.services.unit_of_work import unit_of_work
from jkn.store.billing_tables import BillLineRow, BillRow, PayerRow
from jkn.store.membership_tables import ParticipantRow


def _pensioner(tmt: str, **extra) -> dict:
    head = person("Pak Pensiun", dt.date(1955, 4, 2), "L", segment="BP_PENSIUNAN_PNS", grade="III/c", fktp_code=FKTP_A,
                  kabkota_code="31.71", marital_status="MARRIED", **extra)
    spouse = {**person("Bu Pensiun", dt.date(1958, 6, 1), "P"), "relationship": "SPOUSE", "marital_status": "MARRIED"}
    return {"head": head, "members": [spouse], "tmt": tmt, "registered_on": tmt}


def _register(s: Session, body: dict) -> str:
    with unit_of_work(s):
        plan = registration.plan_family(s, FamilyIn.model_validate(body), registration.Lookups(s), documents_mode=None)
        fam = registration.write_family(s, plan, actor="test")
    return s.scalar(select(ParticipantRow.card_number).where(ParticipantRow.family_id == fam.id,
                                                            ParticipantRow.relationship == "HEAD"))


def _view(s: Session, card: str) -> dict:
    return registration.participant_view(s, s.scalar(select(ParticipantRow).where(ParticipantRow.card_number == card)))


def _lines(s: Session, month: Month) -> list[tuple]:
    return sorted(s.execute(select(BillLineRow.participant_id, BillLineRow.kind, BillLineRow.basis,
                                   BillLineRow.participant_share, BillLineRow.government_share)
                            .where(BillLineRow.month == month.first_day)).all())


def _bills(s: Session, month: Month) -> dict[str, tuple[int, int, int]]:
    """Payer code -> (amount, participant's share, government's share) of the month's bills."""
    return {code: (a, p, g) for code, a, p, g in s.execute(
        select(PayerRow.code, BillRow.amount, BillRow.participant_share, BillRow.government_share)
        .join(PayerRow, PayerRow.id == BillRow.payer_id).where(BillRow.month == month.first_day))}


def test_a_state_pensioner_pays_five_percent_of_the_pension_on_both_paths(db):
    ensure_facilities(db)
    with Session(db) as s:
        with pytest.raises(Invalid) as refused:
            _register(s, _pensioner("2019-01-01"))
        assert refused.value.details["field"] == "head.pension" and "5% dari pensiun" in str(refused.value)
        with pytest.raises(Invalid):  # a pension is for state pensioners only
            _register(s, {**_pensioner("2019-01-01", pension=3_000_000),
                          "head": {**_pensioner("2019-01-01")["head"], "segment": "PBPU_MANDIRI", "grade": None,
                                   "care_class": "II", "pension": 3_000_000}})
        card = _register(s, _pensioner("2019-01-01", pension=3_456_789))
        assert _view(s, card)["pension"] == 3_456_789
        # registered in 2017 (flat class rate then): no pension needed until a data change gives it
        old = _register(s, _pensioner("2017-03-01"))
        jan = Month(2019, 1)
        batch = billing.run_billing(s, jan, method="batch", actor=SYSTEM)
        assert batch.method == "batch"
        expected, skipped = billing.compute_single(s, jan, billing.Options(), exclude_billed=False)
        head = s.scalar(select(ParticipantRow.id).where(ParticipantRow.card_number == card))
        # 2% of 3.456.789 = 69.135,78 -> 69.136; 3% = 103.703,67 -> 103.704 (half up, A-01); the spouse has no line
        assert [ln for ln in _lines(s, jan) if ln[0] == head] == [(head, "PENSION", 3_456_789, 69_136, 0),
                                                                  (head, "PENSION_GOV", 3_456_789, 0, 103_704)]
        family = s.scalar(select(PayerRow).join(ParticipantRow, ParticipantRow.payer_id == PayerRow.id)
                          .where(ParticipantRow.id == head))
        assert family.kind == "FAMILY" and family.arrears_amount == 69_136  # the government's 3% is not its debt
        assert _bills(s, jan) == {family.code: (69_136, 69_136, 0), registration.GOVERNMENT_PENSION: (103_704, 0, 103_704)}
        assert sorted((ln.participant_id, ln.kind, ln.basis, ln.participant_share, ln.government_share)
                      for ln in expected) == _lines(s, jan)
        assert [x["segment"] for x in batch.skipped] == ["BP_PENSIUNAN_PNS"] and batch.skipped == skipped
        data_changes.apply_change(s, old, ChangeIn(kind="PENSION", effective_date="2019-02-01", pension=2_000_000),
                                  actor=SYSTEM)
        assert _view(s, old)["pension"] == 2_000_000
        feb = Month(2019, 2)
        single = billing.run_billing(s, feb, method="single", actor=SYSTEM)
        assert not single.skipped
        assert [(k, b, p, g) for (_, k, b, p, g) in _lines(s, feb) if k.startswith("PENSION")] == \
            [("PENSION", 3_456_789, 69_136, 0), ("PENSION_GOV", 3_456_789, 0, 103_704),
             ("PENSION", 2_000_000, 40_000, 0), ("PENSION_GOV", 2_000_000, 0, 60_000)]
        assert _bills(s, feb)[registration.GOVERNMENT_PENSION] == (163_704, 0, 163_704)
        with pytest.raises(Invalid):
            data_changes.apply_change(s, old, ChangeIn(kind="PENSION", effective_date="2019-03-01"), actor=SYSTEM)


def test_the_import_template_takes_the_pension(db):
    ensure_facilities(db)
    header = [c for c in collective_import.COLUMNS]
    assert "pensiun" in header
    nik = person("X", dt.date(1950, 1, 1))["nik"]
    rows = [{"nik": nik, "nama": "Pensiunan Impor", "hubungan": "PESERTA", "segmen": "BP_PENSIUNAN_PNS",
             "golongan": "IV/a", "pensiun": "4500000", "kode_faskes": FKTP_A, "kabkota": "31.71", "tmt": "2020-01-01",
             "status_kawin": "KAWIN"},
            {"nik": person("Y", dt.date(1952, 2, 2), "P")["nik"], "nama": "Istri Pensiunan", "hubungan": "SUAMI_ISTRI",
             "nik_peserta": nik, "status_kawin": "KAWIN"}]
    csv = ",".join(header) + "\n" + "".join(",".join(r.get(c, "") for c in header) + "\n" for r in rows)
    with Session(db) as s:
        result = collective_import.import_file(s, csv.encode(), actor=SYSTEM, filename="pensiun.csv",
                                               registered_on=dt.date(2020, 1, 1))
        assert result.ok, result
        assert s.scalar(select(ParticipantRow.pension).where(ParticipantRow.name == "Pensiunan Impor")) == 4_500_000
