"""The set-based batch path gives the same amounts as the single-case rules engine, on generated
populations (seeded demo data) and on generated wages (hypothesis), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from membership.membership_helpers import FKTP_A, ensure_facilities, pbpu_family, person, ppu_family
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.rules.contribution import monthly_contribution
from jkn.services.billing import payments
from jkn.services.billing import runs as billing
from jkn.services.billing.ledger import refresh_payer, refresh_payers, standing
from jkn.services.demo.population import build_demo
from jkn.services.membership import data_changes, employers, registration
from jkn.services.membership.schemas import ChangeIn, EmployerIn, FamilyIn, PaymentIn
from jkn.services.portal.audit import SYSTEM
from jkn.services.unit_of_work import unit_of_work
from jkn.store.billing_tables import BillLineRow, BillRow, PayerRow
from jkn.store.membership_tables import ParticipantRow


def _written(s: Session, month: Month) -> Counter:
    rows = s.execute(select(BillLineRow.participant_id, BillLineRow.kind, BillLineRow.employer_share,
                            BillLineRow.participant_share, BillLineRow.government_share)
                     .where(BillLineRow.month == month.first_day)).all()
    return Counter(tuple(r) for r in rows)


def _single(s: Session, month: Month, options) -> Counter:
    lines, _ = billing.compute_single(s, month, options, exclude_billed=False)
    return Counter((ln.participant_id, ln.kind, ln.employer_share, ln.participant_share, ln.government_share)
                   for ln in lines)


@pytest.mark.parametrize("seed", [11, 12])
def test_batch_equals_single_on_generated_populations(db, seed):
    options = billing.Options(pbi_amount=19225)
    build_demo(db, participants=250, seed=seed, start=Month(2015, 5), months=0, actor=SYSTEM)
    with Session(db) as s:
        # June 2015 (worker 0.5%) and July 2015 (worker 1%, Perpres 111/2013), 2016 (new PTKP)
        for month in (Month(2015, 6), Month(2015, 7), Month(2016, 2)):
            result = billing.run_billing(s, month, method="batch", options=options, actor=SYSTEM)
            assert result.method == "batch" and result.lines > 0
            written, expected = _written(s, month), _single(s, month, options)
            assert written == expected, (month, (written - expected).most_common(3), (expected - written).most_common(3))
            # every line points at a bill of the same month and at a participant (no FK: by construction)
            orphans = s.execute(text(
                "SELECT count(*) FROM bill_line l LEFT JOIN bill b ON b.id = l.bill_id AND b.month = l.month "
                "LEFT JOIN participant p ON p.id = l.participant_id WHERE b.id IS NULL OR p.id IS NULL")).scalar()
            assert orphans == 0
            # bills are the sums of their lines
            for bill in s.scalars(select(BillRow).where(BillRow.month == month.first_day)):
                lines = s.execute(select(BillLineRow.amount).where(BillLineRow.bill_id == bill.id)).scalars().all()
                assert bill.amount == sum(lines) and bill.lines == len(lines)


def _register(s: Session, body: dict) -> None:
    """Register a family through the registration service (documents are another test's concern)."""
    with unit_of_work(s):
        plan = registration.plan_family(s, FamilyIn.model_validate(body), registration.Lookups(s), documents_mode=None)
        registration.write_family(s, plan, actor="test")


def test_batch_equals_single_for_additional_members_other_relatives_and_veterans(db):
    """Kinds of line the demo population does not generate: a wage earner's parent (1%), an other
    relative (flat class rate), a veteran family (government)."""
    ensure_facilities(db)
    build_demo(db, participants=40, seed=7, start=Month(2014, 1), months=0, actor=SYSTEM)
    options = billing.Options(pbi_amount=19225, veteran_base_salary=2_000_000)
    with Session(db) as s:
        emp = employers.register_employer(s, EmployerIn(name="PT Uji Tagihan", sector="SWASTA", kabkota_code="31.71",
                                                        registered_on=dt.date(2014, 1, 2)), actor=SYSTEM)
        body = ppu_family(emp["code"], wage=7_654_321, children=1, parents=1)
        body["members"].append({**person("Adik Ipar", dt.date(1985, 1, 1), "L"), "relationship": "OTHER_RELATIVE",
                                "care_class": "I"})
        _register(s, body)
        _register(s, {"head": person("Pak Veteran", dt.date(1930, 3, 1), "L", segment="BP_VETERAN", fktp_code=FKTP_A,
                                     kabkota_code="31.71", marital_status="MARRIED"),
                      "members": [{**person("Bu Veteran", dt.date(1935, 1, 1), "P"), "relationship": "SPOUSE",
                                   "marital_status": "MARRIED"}],
                      "tmt": "2014-03-01", "registered_on": "2014-03-01"})
        month = Month(2014, 4)
        result = billing.run_billing(s, month, method="batch", options=options, actor=SYSTEM)
        assert result.method == "batch"
        written = _written(s, month)
        assert written == _single(s, month, options)
        kinds = Counter(kind for (_, kind, *_) in written.elements())
        assert kinds["ADDITIONAL"] >= 1 and kinds["VETERAN"] >= 1 and kinds["WORKER"] >= 1
        relative = s.execute(select(BillLineRow.participant_share).join(ParticipantRow,
                             ParticipantRow.id == BillLineRow.participant_id)
                             .where(ParticipantRow.member_status == "OTHER_RELATIVE", BillLineRow.month == month.first_day)
                             ).scalar_one()
        assert relative == monthly_contribution("PBPU_MANDIRI", month, care_class="I").value.lines[0].amount


def test_batch_equals_single_while_childrens_status_ends(db):
    """Children of wage earners, 19 to 24 at registration, some with a school's letter: their status
    ends (21st birthday, end of education, 25th) across the months billed. The batch path reads
    ``status_until``, the single path asks the rules engine; they bill the same lines, and an
    additional child's 1% stops after the month its status ends (A-M15, A-M03)."""
    ensure_facilities(db)
    rng = random.Random(21)
    start = Month(2014, 3)
    with Session(db) as s:
        emp = employers.register_employer(s, EmployerIn(name="PT Anak Tumbuh", sector="SWASTA", kabkota_code="31.71",
                                                        registered_on=dt.date(2014, 1, 2)), actor=SYSTEM)
        for i in range(30):
            body = ppu_family(emp["code"], wage=rng.randint(20, 120) * 100_000, children=0, tmt=str(start.first_day))
            for j in range(rng.randint(3, 6)):
                born = start.first_day - dt.timedelta(days=rng.randint(19 * 365, 24 * 365))
                child = {**person(f"Anak {i}-{j}", born), "relationship": "CHILD_NATURAL",
                         "care_class": rng.choice(["I", "II", "III"])}
                if rng.random() < 0.4:
                    child["education_until"] = str(start.first_day + dt.timedelta(days=rng.randint(0, 500)))
                body["members"].append(child)
            _register(s, body)
        for k in range(10):
            month = start + k
            result = billing.run_billing(s, month, method="batch", actor=SYSTEM)
            assert result.method == "batch"
            assert _written(s, month) == _single(s, month, billing.Options()), month
        ended = s.execute(select(ParticipantRow.id, ParticipantRow.status_until).where(
            ParticipantRow.member_status == "ADDITIONAL", ParticipantRow.status_until < (start + 9).first_day)).all()
        assert ended  # the generated population has additional children whose status ends in these months
        for pid, until in ended:
            months = s.scalars(select(BillLineRow.month).where(BillLineRow.participant_id == pid)).all()
            assert months and max(months) <= until


def test_single_path_run_matches_batch_run_on_a_copy_month(db):
    options = billing.Options(pbi_amount=19225)
    build_demo(db, participants=150, seed=5, start=Month(2014, 1), months=0, actor=SYSTEM)
    with Session(db) as s:
        a = billing.run_billing(s, "2014-03", method="single", options=options, actor=SYSTEM)
        b = billing.run_billing(s, "2014-04", method="batch", options=options, actor=SYSTEM)
        assert (a.bills, a.lines, a.amount) == (b.bills, b.lines, b.amount)
        again = billing.run_billing(s, "2014-04", method="batch", options=options, actor=SYSTEM)
        assert again.bills == 0 and again.lines == 0


_memory = create_engine("sqlite://")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wage=st.integers(min_value=0, max_value=200_000_000),
       segment=st.sampled_from(["PPU_PNS", "PPU_SWASTA", "PPU_BUMN", "PPU_LAINNYA", "PPU_PPNPN"]),
       month=st.sampled_from([Month(2014, 3), Month(2015, 7), Month(2016, 1)]))
def test_sql_rounding_equals_the_engine(wage, segment, month):
    """The integer SQL of the batch path rounds every share exactly as the engine does."""
    rates = billing.rate_table(month, billing.Options())
    emp, par = rates.worker[segment]
    add = rates.additional[segment]
    with _memory.connect() as c:
        got = c.execute(text(f"SELECT {billing._round_sql(':w', emp)}, {billing._round_sql(':w', par)}, "
                             f"{billing._round_sql(':w', add)}"), {"w": wage}).one()
    d = monthly_contribution(segment, month, wage=max(wage, 1), grade="III/a", additional_members=1).value \
        if wage else None
    if d is None:
        assert tuple(got) == (0, 0, 0)
        return
    worker = [ln for ln in d.lines if ln.item.startswith("contribution of participant")]
    extra = [ln for ln in d.lines if ln.item.startswith("additional")]
    assert got[0] == sum(ln.amount for ln in worker if ln.payer == "employer")
    assert got[1] == sum(ln.amount for ln in worker if ln.payer == "participant")
    assert got[2] == extra[0].amount


def _payer_columns(s: Session) -> dict:
    return {r[0]: tuple(r[1:]) for r in s.execute(select(PayerRow.id, PayerRow.oldest_unpaid_month,
                                                         PayerRow.arrears_amount, PayerRow.suspended_since))}


def test_payers_are_refreshed_after_a_run(db):
    build_demo(db, participants=60, seed=3, start=Month(2014, 1), months=0, actor=SYSTEM)
    with Session(db) as s:
        for m in range(1, 6):
            billing.run_billing(s, f"2014-{m:02d}", options=billing.Options(pbi_amount=19225), actor=SYSTEM)
            if m == 2:  # a payment with credit left over: the next runs use the credit and add to the columns
                payer = s.scalars(select(PayerRow).where(PayerRow.kind == "FAMILY", PayerRow.arrears_amount > 0)
                                  .order_by(PayerRow.id)).first()
                payments.post_payment(s, PaymentIn(reference="DIFF-1", payer_code=payer.code,
                                                   amount=payer.arrears_amount + 100_000, paid_on=dt.date(2014, 2, 9)), actor=SYSTEM)
        emp = s.scalars(select(PayerRow).where(PayerRow.kind == "EMPLOYER", PayerRow.billed_through.is_not(None))).first()
        assert emp.arrears_amount > 0 and str(Month.of(emp.billed_through)) == "2014-05"
        assert emp.suspended_since is not None  # more than 3 months unpaid (Penghentian 1)
        # what the runs added up equals a recomputation from the whole ledger
        added_up = _payer_columns(s)
        with unit_of_work(s):
            refresh_payers(s)
        assert _payer_columns(s) == added_up


def _behaviour(s: Session, payer: PayerRow, month: Month, kind: int) -> None:
    """Payers behave by ``kind``: 0 on time, 1 never, 2 the arrears late without the penalty, 3 half the
    arrears late."""
    if kind == 1 or not payer.arrears_amount:
        return
    if kind == 0:
        amount, day = payer.arrears_amount, month.first_day + dt.timedelta(days=4)
    else:
        amount, day = (payer.arrears_amount if kind == 2 else payer.arrears_amount // 2 + 1), \
            month.first_day + dt.timedelta(days=19)
    payments.post_payment(s, PaymentIn(reference=f"B-{payer.code}-{month}", payer_code=payer.code, amount=amount,
                                       paid_on=day), actor=SYSTEM)


#: one year per late-payment regime (jkn.rules.late_payment): the guide's 2% (2014); Perpres 19/2016, more
#: than a month late (2017); Perpres 82/2018, from the 1st of the month after (2019); the 2020 relief; 2022.
#: January unpaid, February to June paid on time: the first day of suspension of a wage earner's employer
#: and of a PBPU family
REGIMES = {2014: (dt.date(2014, 4, 11), dt.date(2014, 7, 11)), 2017: (dt.date(2017, 2, 11), dt.date(2017, 2, 11)),
           2019: (dt.date(2019, 2, 1), dt.date(2019, 2, 1)), 2020: (dt.date(2020, 2, 1), dt.date(2020, 2, 1)),
           2022: (dt.date(2022, 2, 1), dt.date(2022, 2, 1))}


@pytest.mark.parametrize("year", sorted(REGIMES))
def test_suspension_kept_by_the_batch_path_agrees_with_the_single_case_rules(db, year):
    """Lateness is time since the due date, one count for both paths, under each late-payment regime:
    after runs (set-based, the rules engine's first day of suspension), payments (penalties charged
    under the 2014 regime, some unpaid) and January billed after June (one old month unpaid among paid
    ones), the payer columns equal the single-case replay of each payer's ledger and the whole-ledger
    refresh, and they say suspended on exactly the days the single-case assessment does."""
    build_demo(db, participants=80, seed=5, start=Month(year, 1), months=0, actor=SYSTEM)
    options = billing.Options(pbi_amount=19225, veteran_base_salary=3_000_000)
    with Session(db) as s:
        # behaviour by rank, not by id: ids differ between databases and runs (sequences are not reset)
        rank = {pid: i for i, pid in enumerate(s.scalars(select(PayerRow.id).order_by(PayerRow.id)))}
        for month in [Month(year, m) for m in range(2, 7)]:
            result = billing.run_billing(s, month, method="batch", options=options, actor=SYSTEM)
            assert result.method == "batch" or year > 2014
            for payer in s.scalars(select(PayerRow).where(PayerRow.kind != "GOVERNMENT").order_by(PayerRow.id)).all():
                _behaviour(s, payer, month, rank[payer.id] % 4)
        billing.run_billing(s, Month(year, 1), method="batch", options=options, actor=SYSTEM)
        batch = _payer_columns(s)
        penalties = dict(s.execute(select(PayerRow.id, PayerRow.penalty_owed)).all())
        assert any(since for *_, since in batch.values())
        assert any(penalties.values()) is (year == 2014)  # no penalty on arrears from 2016-07-01
        on_time = {(p.kind, p.segment.split("_")[0]): p for p in s.scalars(select(PayerRow).where(
            PayerRow.kind != "GOVERNMENT", PayerRow.oldest_unpaid_month == dt.date(year, 1, 1))) if rank[p.id] % 4 == 0}
        assert (on_time[("EMPLOYER", "PPU")].suspended_since, on_time[("FAMILY", "PBPU")].suspended_since) \
            == REGIMES[year]
        with unit_of_work(s):
            for payer in s.scalars(select(PayerRow)).all():
                refresh_payer(s, payer)
        assert _payer_columns(s) == batch
        with unit_of_work(s):
            refresh_payers(s)
        assert _payer_columns(s) == batch
        assert dict(s.execute(select(PayerRow.id, PayerRow.penalty_owed)).all()) == penalties
        for payer in s.scalars(select(PayerRow)).all():
            for day in (dt.date(year, 2, 1), dt.date(year, 6, 25), dt.date(year, 7, 11), dt.date(year, 10, 11),
                        dt.date(year + 1, 1, 1)):
                single = standing(s, payer.id, payer.segment, day).assess(payer.segment, day).value.suspended
                assert single == (payer.suspended_since is not None and payer.suspended_since <= day), (payer.code, day)


def _bill_equals_its_lines(s: Session, month: Month) -> None:
    for bill in s.scalars(select(BillRow).where(BillRow.month == month.first_day)):
        got = s.execute(select(func.count(), func.coalesce(func.sum(BillLineRow.amount), 0),
                               func.coalesce(func.sum(BillLineRow.government_share), 0))
                        .where(BillLineRow.bill_id == bill.id)).one()
        assert tuple(got) == (bill.lines, bill.amount, bill.government_share), bill.payer_id


def _families_at_the_edges(s: Session, month: Month) -> None:
    """What the demo does not generate: wages above the cap of both groups (Rp 8.000.000 from 2016-04,
    Rp 12.000.000 from 2020), a government employee, a class III PBPU family (the government's part);
    and what a small population may lack: a state pensioner with a pension on record from 2018-10."""
    tmt = str(month.first_day)
    swasta = employers.register_employer(s, EmployerIn(name=f"PT Batas {month}", sector="SWASTA", kabkota_code="31.71",
                                                       registered_on=dt.date(2014, 1, 2)), actor=SYSTEM)
    pemda = employers.register_employer(s, EmployerIn(name=f"Pemda Batas {month}", sector="GOVERNMENT",
                                                      kabkota_code="31.71", registered_on=dt.date(2014, 1, 2)),
                                        actor=SYSTEM)
    for body in (ppu_family(swasta["code"], wage=15_250_001, children=0, parents=1, tmt=tmt),
                 ppu_family(pemda["code"], wage=13_333_333, children=0, parents=1, segment="PPU_PNS", grade="III/b",
                            tmt=tmt)):
        body["head"]["care_class"] = "I"  # the class on record where no wage bands are sourced (A-R09)
        body["members"][-1]["care_class"] = "II"  # the class paid for where a parent is an other relative
        _register(s, body)
    _register(s, pbpu_family("III", members=3, tmt=tmt))
    if month >= Month(2018, 10):
        head = person("Sutrisno", dt.date(1955, 4, 2), "L", segment="BP_PENSIUNAN_PNS", grade="III/b", pension=3_100_000,
                      fktp_code=FKTP_A, kabkota_code="31.71", marital_status="NEVER_MARRIED")
        _register(s, {"head": head, "members": [], "tmt": tmt, "registered_on": tmt})


#: one month per rule set and late-payment regime (params/rule_sets.toml, jkn.rules.late_payment)
RULE_SET_MONTHS = [Month(2014, 3), Month(2016, 5), Month(2017, 1), Month(2018, 11), Month(2019, 11), Month(2020, 2),
                   Month(2020, 5), Month(2020, 8), Month(2021, 3), Month(2024, 6), Month.of(dt.date.today())]


@pytest.mark.parametrize("month", RULE_SET_MONTHS, ids=str)
def test_batch_equals_single_under_every_rule_set(db, month):
    """Every month from 2014 to today stays on the batch path, and it bills the lines the engine
    bills family by family: wage caps per group, the government employees' months without a sourced
    rate (not billed, with the engine's reason), the class rates of the 2020 quarters, the
    government's part of class III on its aid account (kind AID), state pensioners' 5% of the
    pension from 2018-10 (kind PENSION: the pensioner's 2% on the family's bill; kind PENSION_GOV:
    the government's 3% on its account G-PENSIUN). A second run of the month, after
    another class III family registers, adds its aid lines to the aid account's one bill."""
    ensure_facilities(db)
    build_demo(db, participants=200, seed=month.year, start=month, months=0, actor=SYSTEM)
    options = billing.Options(pbi_amount=42_000)
    with Session(db) as s:
        with unit_of_work(s):
            _families_at_the_edges(s, month)
        result = billing.run_billing(s, month, method="batch", options=options, actor=SYSTEM)
        assert result.method == "batch" and result.lines > 0
        expected, skipped = billing.compute_single(s, month, options, exclude_billed=False)
        assert _written(s, month) == _single(s, month, options)
        assert sorted(map(str, result.skipped)) == sorted(map(str, skipped))
        capped = s.scalars(select(BillLineRow.basis).where(BillLineRow.month == month.first_day,
                                                           BillLineRow.kind == "WORKER")).all()
        # government employees: no cap before 2020, and no sourced rate in October-December 2019 (A-R02)
        no_rate = Month(2019, 10) <= month < Month(2020, 1)
        assert max(capped) == (15_250_001 if month < Month(2016, 4) else 8_000_000 if no_rate
                               else 13_333_333 if month < Month(2020, 1) else 12_000_000)
        assert ("PPU_PNS" in {x["segment"] for x in result.skipped}) is no_rate
        kinds = Counter(kind for (_, kind, *_) in _written(s, month).elements())
        aid_before = kinds["AID"]
        # state pensioners from 2018-10: 5% of the pension on record, 2% theirs and 3% the government's (A-R14)
        assert (kinds["PENSION"] > 0) is (month >= Month(2018, 10)) and (kinds["FLAT"] > 0)
        pension = s.execute(select(BillLineRow.participant_id, BillLineRow.kind, BillLineRow.basis,
                                   BillLineRow.participant_share, BillLineRow.government_share, PayerRow.code)
                            .join(BillRow, BillRow.id == BillLineRow.bill_id).join(PayerRow, PayerRow.id == BillRow.payer_id)
                            .where(BillLineRow.month == month.first_day, BillLineRow.kind.in_(("PENSION", "PENSION_GOV")))
                            ).all()
        own = {(pid, basis, par, gov, code.startswith("G-")) for pid, kind, basis, par, gov, code in pension
               if kind == "PENSION"}
        theirs = {(pid, basis, par, gov, code) for pid, kind, basis, par, gov, code in pension if kind == "PENSION_GOV"}
        assert own == {(pid, basis, (basis * 2 + 50) // 100, 0, False) for pid, basis, *_ in own}
        assert theirs == {(pid, basis, 0, (basis * 3 + 50) // 100, registration.GOVERNMENT_PENSION)
                          for pid, basis, *_ in own}
        assert (aid_before > 0) is (month >= Month(2020, 7))
        _register(s, pbpu_family("III", members=1, tmt=str(month.first_day)))
        again = billing.run_billing(s, month, method="batch", options=options, actor=SYSTEM)
        assert again.method == "batch" and again.lines == (4 if month >= Month(2020, 7) else 2)
        assert _written(s, month) == _single(s, month, options)
        _bill_equals_its_lines(s, month)
        if month >= Month(2020, 7):
            aid_bills = s.scalars(select(BillRow).join(PayerRow, PayerRow.id == BillRow.payer_id).where(
                PayerRow.code == registration.GOVERNMENT_AID, BillRow.month == month.first_day)).all()
            assert len(aid_bills) == 1 and aid_bills[0].lines == aid_before + 2


def test_a_later_single_run_and_a_later_batch_run_add_the_same_aid(db):
    """The aid account's bill of a month, opened by the first run, grows by the same lines whichever
    path bills the families registered later; its payer's columns follow (A-R05)."""
    month = Month(2021, 3)
    ensure_facilities(db)
    build_demo(db, participants=120, seed=9, start=month, months=0, actor=SYSTEM)
    options = billing.Options(pbi_amount=42_000)
    totals = []
    with Session(db) as s:
        billing.run_billing(s, month, method="batch", options=options, actor=SYSTEM)
        for method in ("single", "batch"):
            _register(s, pbpu_family("III", members=2, tmt=str(month.first_day)))
            billing.run_billing(s, month, method=method, options=options, actor=SYSTEM)
            aid = s.scalar(select(PayerRow).where(PayerRow.code == registration.GOVERNMENT_AID))
            bill = s.scalar(select(BillRow).where(BillRow.payer_id == aid.id, BillRow.month == month.first_day))
            totals.append((bill.lines, bill.amount, aid.arrears_amount))
        assert _written(s, month) == _single(s, month, options)
        _bill_equals_its_lines(s, month)
    assert totals[1][0] - totals[0][0] == 3 and \
        totals[1][1] - totals[0][1] == 3 * 7_000 and totals[1][2] - totals[0][2] == 3 * 7_000


def _head_card(s: Session, body: dict) -> str:
    nik = body["head"]["nik"]
    return s.scalar(select(ParticipantRow.card_number).where(ParticipantRow.nik == nik))


def _change(s: Session, card: str, kind: str, recorded_on: dt.date, **values) -> None:
    """A data change effective the 1st of the month after ``recorded_on``, showing every document its
    checklist asks for."""
    on = (Month.of(recorded_on) + 1).first_day
    docs = [i["code"] for i in data_changes.change_checklist(kind, card, s, on=on)["items"]]
    data_changes.apply_change(s, card, ChangeIn(kind=kind, effective_date=on, recorded_on=recorded_on,
                                                documents_shown=docs, **values), actor=SYSTEM)


def test_batch_equals_single_after_changes_recorded_for_next_month(db):
    """A wage (WAGE), a pension (PENSION), a pensioner's grade (GRADE) and a PBPU family's class
    (CARE_CLASS) reported in February for March 1st: February's run, made after the reports, bills
    the values of February 1st on both paths — the worker's wage and the 1% of the additional member,
    the pension, the class rate — and March's run the new ones (A-P12, A-P16)."""
    ensure_facilities(db)
    feb, mar = Month(2024, 2), Month(2024, 3)
    reported = dt.date(2024, 2, 12)
    with Session(db) as s:
        emp = employers.register_employer(s, EmployerIn(name="PT Upah Baru", sector="SWASTA", kabkota_code="31.71",
                                                        registered_on=dt.date(2023, 1, 2)), actor=SYSTEM)
        worker = ppu_family(emp["code"], wage=7_654_321, children=0, parents=1, tmt="2024-01-01")
        worker["head"]["care_class"] = "I"  # no wage band is sourced for 2024: the class on record (A-R09)
        worker["members"].append({**person("Adik Ipar", dt.date(1985, 1, 1), "L"), "relationship": "OTHER_RELATIVE",
                                  "care_class": "I"})
        pensioner = {"head": person("Pak Pensiun", dt.date(1955, 4, 2), "L", segment="BP_PENSIUNAN_PNS", grade="III/c",
                                    fktp_code=FKTP_A, kabkota_code="31.71", marital_status="MARRIED", pension=3_456_789),
                     "members": [{**person("Bu Pensiun", dt.date(1958, 6, 1), "P"), "relationship": "SPOUSE",
                                  "marital_status": "MARRIED"}], "tmt": "2024-01-01", "registered_on": "2024-01-01"}
        family = pbpu_family("II", members=1, tmt="2024-01-01")
        # registered when the class rate applied: no pension on record until one is reported
        unpensioned = {**pensioner, "head": {**pensioner["head"], "nik": person("x", dt.date(1955, 4, 2))["nik"]},
                       "members": [], "tmt": "2017-03-01", "registered_on": "2017-03-01"}
        del unpensioned["head"]["pension"]
        for body in (worker, pensioner, family, unpensioned):
            _register(s, body)
        cards = [_head_card(s, body) for body in (worker, pensioner, family, unpensioned)]
        _change(s, cards[0], "WAGE", reported, wage=9_876_543)
        _change(s, cards[1], "PENSION", reported, pension=4_000_000)
        _change(s, cards[1], "GRADE", reported, grade="II/a")  # class I -> II, checked against the grade
        _change(s, cards[2], "CARE_CLASS", reported, care_class="I")
        _change(s, cards[3], "PENSION", reported, pension=2_000_000)
        # on record at once
        assert s.scalar(select(ParticipantRow.wage).where(ParticipantRow.card_number == cards[0])) == 9_876_543
        options = billing.Options()
        bases = {}
        for month in (feb, mar):
            result = billing.run_billing(s, month, method="batch", options=options, actor=SYSTEM)
            single_skipped = billing.compute_single(s, month, options, exclude_billed=False)[1]
            assert result.method == "batch"
            written = _written(s, month)
            assert written == _single(s, month, options), month
            # the pensioner without a pension on February 1st is not billed for February, and both paths say so
            unbilled = [x["families"] for x in result.skipped if x["segment"] == "BP_PENSIUNAN_PNS"]
            assert result.skipped == single_skipped and unbilled == ([1] if month == feb else [])
            bases[month] = dict(s.execute(select(BillLineRow.kind, BillLineRow.basis).where(
                BillLineRow.month == month.first_day, BillLineRow.kind.in_(["WORKER", "ADDITIONAL", "PENSION"]))).all())
            flat = s.scalars(select(BillLineRow.participant_share).join(ParticipantRow,
                             ParticipantRow.id == BillLineRow.participant_id).where(
                BillLineRow.month == month.first_day, ParticipantRow.segment == "PBPU_MANDIRI")).all()
            cls = "II" if month == feb else "I"
            assert flat == [monthly_contribution("PBPU_MANDIRI", month, care_class=cls).value.lines[0].amount] * 2
        assert bases[feb] == {"WORKER": 7_654_321, "ADDITIONAL": 7_654_321, "PENSION": 3_456_789}
        assert bases[mar]["WORKER"] == bases[mar]["ADDITIONAL"] == 9_876_543
        with_pension = s.scalars(select(BillLineRow.basis).where(BillLineRow.month == mar.first_day,
                                                                 BillLineRow.kind == "PENSION")).all()
        assert sorted(with_pension) == [2_000_000, 4_000_000]
