"""A reproducible synthetic population: facilities, employers, families, bills and payments.

``build_demo(engine, participants=N, seed=S)`` draws everything from ``random.Random(seed)``, so
the same seed on an empty database gives the same people and the same card numbers. Every
registration goes through the same checks as an individual one (``registration.plan_family``:
NIK, work area, FKTP, rules engine for eligibility, class and family) and is written with the
bulk path of the collective import; bills come from ``billing.run_billing``; payments that
settle one bill before its due date are written set-based, every other payment (late
settlements with penalty) through ``payments.post_payment``; both begin the cover of the people
on the bills they pay (``cover_start.start_cover``).

The history runs to the present by default: the last 24 months up to the current month (Jakarta),
each month billed and paid under the rule set in force in it, and nothing dated after today (a
payment due later this month is paid today at the latest; the sample cards are checked on today's
date), so that the portal, the eligibility check and the calculators, which answer for today, agree
with the data. ``start``/``months`` give any other window from 2014-01, e.g. the guide era
(2014-01 to 2015-06).

The mix (share of persons): PBI 40%, wage earners 35% (with families), PBPU 18%, Bukan Pekerja 7%
(pensioners and others). Veterans are left out: their contribution needs the basic salary of a
PNS III/a, which has no sourced value (shared/docs/regulations-2016-2025.md §9); so are state
pensioners when a month of the window bills them a percentage of their pension (Perpres 82/2018,
from 2018-10), an amount the registry does not hold. Payment
behaviour per payer: 88% pay every bill on time, 5% let arrears run and settle them with the
penalty in the last month, 7% stop paying at a random month (their cover ends up suspended).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from jkn.domain.month import Month
from jkn.i18n import Msg
from jkn.reference.workareas import load_workareas
from jkn.rules.parameters import param_entry
from jkn.services.billing import payments
from jkn.services.billing import runs as billing
from jkn.services.billing.cover_start import BY_MONTH, start_cover
from jkn.services.billing.coverage import coverage_status
from jkn.services.bounds import JKN_START
from jkn.services.errors import Invalid
from jkn.services.membership import registration
from jkn.services.membership.cards import insert_ignore
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.schemas import FamilyIn, MemberIn, ParticipantIn, PaymentIn
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.billing_tables import AllocationRow, BillRow, PayerRow, PaymentRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import DataChangeRow, EmployerRow, ParticipantRow

Progress = Callable[[str, int, int], None]

FIRST_NAMES_M = ["Budi", "Agus", "Slamet", "Joko", "Hendra", "Rudi", "Andi", "Dedi", "Eko", "Bambang", "Yusuf",
                 "Made", "Ketut", "Wayan", "Ahmad", "Muhammad", "Rizky", "Fajar", "Teguh", "Arif"]
FIRST_NAMES_F = ["Siti", "Sri", "Dewi", "Ani", "Rina", "Wati", "Nur", "Putri", "Ayu", "Lestari", "Fitri", "Indah",
                 "Ratna", "Yuni", "Kartika", "Maya", "Intan", "Nyoman", "Desi", "Ika"]
LAST_NAMES = ["Santoso", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Pratama", "Siregar", "Nasution", "Simanjuntak",
              "Harahap", "Lubis", "Sitompul", "Wibowo", "Setiawan", "Gunawan", "Hasibuan", "Tanjung", "Rahman",
              "Syahputra", "Sembiring"]
FKTP_KINDS = [("PUSKESMAS_NON_PERAWATAN", "Puskesmas"), ("PUSKESMAS_PERAWATAN", "Puskesmas Perawatan"),
              ("KLINIK_PRATAMA", "Klinik Pratama"), ("DOKTER_UMUM_PERSEORANGAN", "dr. Praktek")]
FKRTL_KINDS = [("RSUD", "RSUD"), ("RSU_SWASTA", "RS Umum")]
SECTORS = [("GOVERNMENT", 0.3), ("BUMN", 0.1), ("BUMD", 0.05), ("SWASTA", 0.55)]
SECTOR_SEGMENTS = {"GOVERNMENT": [("PPU_PNS", 0.7), ("PPU_TNI", 0.1), ("PPU_POLRI", 0.1), ("PPU_PPNPN", 0.1)],
                   "BUMN": [("PPU_BUMN", 1.0)], "BUMD": [("PPU_BUMD", 1.0)],
                   "SWASTA": [("PPU_SWASTA", 0.95), ("PPU_LAINNYA", 0.05)]}
BP_SEGMENTS = [("BP_PENSIUNAN_PNS", 0.45), ("BP_PENSIUNAN_TNI_POLRI", 0.1), ("BP_PENSIUNAN_LAINNYA", 0.1),
               ("BP_LAINNYA", 0.2), ("BP_INVESTOR", 0.05), ("BP_PEMBERI_KERJA", 0.1)]
GRADES = ["I/a", "I/c", "II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b"]
#: The demo branch: KC Medan (Kota Medan, Kab. Langkat, Kota Binjai), where the demo log-ins work
#: (jkn.services.demo.portal_users); a quarter of the families live there, 15% elsewhere in its deputy region.
DEMO_HOME_KABKOTA = "12.71"
HOME_SHARE, REGION_SHARE = 0.25, 0.15
#: PBI contribution per person: None bills the rules parameter ``pbi_contribution`` of each month
#: (Rp 19.225 in 2014, Rp 42.000 from August 2019); a number overrides it (``--pbi-amount``).
DEMO_PBI_AMOUNT = None


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    r, acc = rng.random(), 0.0
    for value, w in weighted:
        acc += w
        if r < acc:
            return value
    return weighted[-1][0]


@dataclass
class Summary:
    seed: int
    participants: int = 0
    families: int = 0
    employers: int = 0
    facilities: int = 0
    months: list[str] = field(default_factory=list)
    bills: int = 0
    billed: int = 0
    paid: int = 0
    payments: int = 0
    payers_in_arrears: int = 0
    payers_suspended: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    samples: dict[str, list[dict]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class _Nik:
    """Valid, unique NIKs: region of the kab/kota + kecamatan + DDMMYY (+40 for women) + serial."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def make(self, kabkota: str, birth: dt.date, sex: str, rng: random.Random) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        prefix = f"{kabkota.replace('.', '')}{rng.randint(1, 30):02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        n = self.next.get(prefix, 1)
        self.next[prefix] = n + 1
        return f"{prefix}{n:04d}"


def _birth(rng: random.Random, on: dt.date, lo: int, hi: int) -> dt.date:
    return on - dt.timedelta(days=rng.randint(lo * 365 + 1, hi * 365 - 1))


def ensure_facilities(session: Session) -> dict[str, list[str]]:
    """FKTPs in every kab/kota (all four kinds in the branch's seat, a puskesmas and one other kind
    elsewhere) and two hospitals (FKRTL) in every branch's seat; returns kab/kota → FKTP codes."""
    wa = load_workareas()
    by_branch: dict[str, list] = {}
    for k in sorted(wa.kabkota.values(), key=lambda k: k.code):
        by_branch.setdefault(k.branch_code, []).append(k)
    rows, fktp = [], {}
    for b in sorted(wa.branches.values(), key=lambda b: b.code):
        kabs = by_branch.get(b.code)
        if not kabs:
            continue
        seat = next((k for k in kabs if k.code == b.seat_kabkota_code), kabs[0])
        n = 0
        for j, kab in enumerate(kabs):
            kinds = FKTP_KINDS if kab is seat else [FKTP_KINDS[0], FKTP_KINDS[1 + j % (len(FKTP_KINDS) - 1)]]
            for kind, label in kinds:
                n += 1
                code = f"9{b.code}P{n:03d}"
                fktp.setdefault(kab.code, []).append(code)
                rows.append({"code": code, "name": f"{label} {kab.name.title()} {n}", "level": "FKTP",
                             "facility_type": kind, "kabkota_code": kab.code, "partnership": "PARTNER"})
        for i, (kind, label) in enumerate(FKRTL_KINDS, start=1):
            rows.append({"code": f"9{b.code}R{i:03d}", "name": f"{label} {seat.name.title()}", "level": "FKRTL",
                         "facility_type": kind, "kabkota_code": seat.code, "partnership": "PARTNER"})
    for r in rows:
        insert_ignore(session, FacilityRow.__table__, r)
    return fktp


@dataclass(frozen=True)
class Places:
    """Where the demo's people live: the demo branch (its officer, employers, FKTPs and hospital are the
    demo log-ins), the rest of its deputy region, and the whole country."""

    home: list
    region: list
    country: list

    @classmethod
    def around(cls, kabkota: list, home_kabkota: str) -> "Places":
        wa = load_workareas()
        branch = wa.kabkota[home_kabkota].branch_code
        region = wa.branches[branch].deputy_region_code
        return cls([k for k in kabkota if k.branch_code == branch],
                   [k for k in kabkota if wa.branches[k.branch_code].deputy_region_code == region], kabkota)

    def draw(self, rng: random.Random):
        """A quarter of the families in the demo branch, 15% elsewhere in its region, the rest anywhere."""
        r = rng.random()
        return rng.choice(self.home if r < HOME_SHARE else self.region if r < HOME_SHARE + REGION_SHARE else self.country)


def demo_window(*, since: Month | None = None, until: Month | None = None, months: int | None = None,
                today: dt.date | None = None) -> tuple[Month, int]:
    """The first month and the number of months of a demo history. Without ``since``: the last
    ``months`` (24) months up to ``until`` (the current month), from 2014-01 at the earliest; with
    ``since`` and ``months``: ``months`` months from ``since``; with ``since``: up to ``until``.
    Nothing after the current month (a history cannot run ahead of today)."""
    current = Month.of(today or jakarta_today())
    if since is not None and until is not None and months is not None:
        raise Invalid(Msg("demo.window_over_determined"), field="months")
    if since is not None and months is not None:
        if months == 0:
            return since, 0  # registration only
        until = since + (months - 1)
    until = until or current
    if until > current:
        raise Invalid(Msg("demo.until_after_today", until=str(until), current=str(current)), field="until")
    if since is None:
        n = 24 if months is None else months
        since = max(until - (max(n, 1) - 1), Month.of(JKN_START))
        if n == 0:
            return since, 0
    if since > until:
        raise Invalid(Msg("demo.since_after_until", since=str(since), until=str(until)), field="since")
    return since, (until - since) + 1


def build_demo(engine: Engine, *, actor: Actor, participants: int = 10_000, seed: int = 1,
               start: Month | None = None, months: int = 24, pbi_amount: int | None = DEMO_PBI_AMOUNT,
               progress: Progress | None = None, today: dt.date | None = None,
               billing_method: str = "batch", home_kabkota: str = DEMO_HOME_KABKOTA) -> Summary:
    """The synthetic population over ``months`` months from ``start`` (default: the last
    ``months`` months up to today's). One ``demo.build`` audit row names ``actor`` for the bulk rows
    (facilities, employers, families, on-time payments); billing runs, catch-up payments and the
    VClaim consumer are audited by their use cases. ``billing_method``: the billing runs' path
    (bench/demo_billing.py measures the single path as its baseline)."""
    today = today or jakarta_today()
    if start is None:
        start = max(Month.of(today) - (max(months, 1) - 1), Month.of(JKN_START))
    if months and start + (months - 1) > Month.of(today):
        raise Invalid(Msg("demo.until_after_today", until=str(start + (months - 1)), current=str(Month.of(today))),
                      field="months")
    rng = random.Random(seed)
    summary = Summary(seed=seed)
    wa = load_workareas()
    kabkota = sorted(wa.kabkota.values(), key=lambda k: k.code)
    places = Places.around(kabkota, home_kabkota)
    nik = _Nik()
    t0 = time.perf_counter()
    with Session(engine, expire_on_commit=False) as s:
        with unit_of_work(s):
            fktp_by_kabkota = ensure_facilities(s)
        summary.facilities = s.scalar(select(func.count()).select_from(FacilityRow).where(FacilityRow.code.like("9%")))
        # employers: about one per 60 wage-earning persons, a fifth (at least 3) in the demo branch, the
        # rest anywhere
        n_employers = max(5, participants // 60 // 3)
        n_home = max(3, n_employers // 5)
        from jkn.services.membership.employers import new_employer_code

        emp_rows = []
        with unit_of_work(s):
            for i in range(n_employers):
                k = places.home[i % len(places.home)] if i < n_home else rng.choice(kabkota)
                sector = _pick(rng, SECTORS)
                name = {"GOVERNMENT": f"Dinas {rng.choice(['Kesehatan', 'Pendidikan', 'Pekerjaan Umum', 'Perhubungan'])} "
                                      f"{k.name.title()}",
                        "BUMN": f"PT Persero Nusantara {i}", "BUMD": f"PD {k.name.title()} {i}",
                        "SWASTA": f"PT {rng.choice(LAST_NAMES)} {rng.choice(['Jaya', 'Makmur', 'Sentosa', 'Abadi'])} {i}"}[sector]
                e = EmployerRow(code=new_employer_code(s), name=name[:160], sector=sector, kabkota_code=k.code,
                                branch_code=k.branch_code, registered_on=start.first_day, status="ACTIVE")
                s.add(e)
                emp_rows.append(e)
            s.flush()
            for e in emp_rows:
                registration.employer_payer(s, e)
        summary.employers = len(emp_rows)
        summary.timings["employers_and_facilities"] = round(time.perf_counter() - t0, 2)
        if progress:
            progress("employers", len(emp_rows), len(emp_rows))

        # families
        t1 = time.perf_counter()
        lookups = registration.Lookups(s)
        plans: list = []
        people = 0
        last_day = (start + (months - 1)).last_day
        change = None
        with unit_of_work(s):
            change = registration.record_change(
                s, kind="DEMO", effective_date=start.first_day, recorded_on=start.first_day, actor=actor.name,
                request={"participants": participants, "seed": seed}, steps=[])
            change_id = change.id
            audit.record(s, actor, "demo.build", object_type="data_change", object_id=change_id,
                         summary=Msg("audit.sum.synthetic_population", n=participants, seed=str(seed), months=months,
                                     start=start))
        written = 0
        bp_segments = _bp_segments(start, months)
        while people < participants:
            fam = _family(rng, nik, places, fktp_by_kabkota, emp_rows, start, months, bp_segments)
            fam = _trim(fam, participants - people)
            try:
                plans.append(registration.plan_family(s, fam, lookups, check_niks=False, documents_mode=None))
                people += 1 + len(fam.members)
            except Exception as exc:  # a generator bug must not hide: show the family that failed
                raise RuntimeError(f"demo family refused: {exc} ({fam.model_dump(mode='json')})") from exc
            if len(plans) >= 5000 or people >= participants:
                with unit_of_work(s):
                    ch = s.get(DataChangeRow, change_id)
                    registration.write_plans(s, plans, actor=actor.name, change=ch)
                written += sum(1 + len(p.members) for p in plans)
                summary.families += len(plans)
                plans = []
                if progress:
                    progress("participants", written, participants)
        summary.participants = written
        summary.timings["register"] = round(time.perf_counter() - t1, 2)

        # months: bill, then pay
        t2 = time.perf_counter()
        payer_ids = [pid for pid, kind in s.execute(select(PayerRow.id, PayerRow.kind).order_by(PayerRow.id))
                     if kind != "GOVERNMENT"]
        behaviour = {}
        for pid in payer_ids:
            r = rng.random()
            behaviour[pid] = "regular" if r < 0.88 else ("catch_up" if r < 0.93 else f"stop:{rng.randint(0, max(1, months // 3))}")
        options = billing.Options(pbi_amount=pbi_amount)
        for i in range(months):
            m = start + i
            summary.months.append(str(m))
            billing.run_billing(s, m, actor=actor, options=options, method=billing_method)
            # the government pays on time, its share accounts too (class III aid, pensioners' 3%) once a run opened them
            gov = [pid for (pid,) in s.execute(select(PayerRow.id).where(PayerRow.kind == "GOVERNMENT"))]
            on_time = [pid for pid in payer_ids if behaviour[pid] == "regular"
                       or (behaviour[pid].startswith("stop:") and i < int(behaviour[pid][5:]))] + gov
            _pay_on_time(s, m, on_time, rng, today)
            if progress:
                progress("months", i + 1, months)
        settle_day = min((start + (months - 1)).first_day + dt.timedelta(days=19), today)
        catch_up = [pid for pid in payer_ids if behaviour[pid] == "catch_up"] if months else []
        codes = dict(s.execute(select(PayerRow.id, PayerRow.code).where(PayerRow.id.in_(catch_up))).all()) if catch_up else {}
        from jkn.services.billing.statements import payer_statement

        for pid in catch_up:
            st = payer_statement(s, s.get(PayerRow, pid), settle_day)
            due = st["balance"]["amount_due"] + sum(
                b["amount"] - b["paid"] for b in st["bills"] if b["status"] == "OPEN"
                and Month.parse(b["month"]) >= Month.of(settle_day))
            if due > 0:
                payments.post_payment(s, PaymentIn(reference=f"DEMO-{seed}-{codes[pid]}-{settle_day:%Y%m%d}",
                                                   payer_code=codes[pid], amount=due, paid_on=settle_day,
                                                   channel="demo"), actor=actor)
        summary.timings["bill_and_pay"] = round(time.perf_counter() - t2, 2)
        agg = s.execute(select(func.count(), func.coalesce(func.sum(BillRow.amount), 0),
                               func.coalesce(func.sum(BillRow.paid_amount), 0))).one()
        summary.bills, summary.billed, summary.paid = int(agg[0]), int(agg[1]), int(agg[2])
        summary.payments = s.scalar(select(func.count()).select_from(PaymentRow))
        summary.payers_in_arrears = s.scalar(select(func.count()).select_from(PayerRow).where(PayerRow.arrears_amount > 0))
        summary.payers_suspended = s.scalar(select(func.count()).select_from(PayerRow).where(
            PayerRow.suspended_since.is_not(None), PayerRow.suspended_since <= last_day))
        if months:  # checked on today's date when the history runs to this month
            on = today if Month.of(today) == start + (months - 1) else last_day + dt.timedelta(days=-5)
            summary.samples = _samples(s, on, rng)
    summary.timings["total"] = round(time.perf_counter() - t0, 2)
    from jkn.services.care.vclaim_consumers import demo_consumer  # issue #5: credentials to try /vclaim-rest at once
    active = summary.samples.get("active") or [None]
    summary.samples["vclaim_consumer"] = [demo_consumer(engine, active[0], actor=actor)]
    return summary


def _bp_segments(start: Month, months: int) -> list[tuple[str, float]]:
    """Bukan Pekerja segments the demo can bill in every month of its window: state pensioners (with
    a pension on record) except where a month of the window has no sourced rule for them (September
    2018, A-R01). Without months billed (``months=0``) the whole mix stays."""
    window = [start + i for i in range(months)]
    if all(param_entry("pensioner_contribution_basis", m.first_day).has_value for m in window):
        return BP_SEGMENTS
    return [(seg, w) for seg, w in BP_SEGMENTS if seg not in ("BP_PENSIUNAN_PNS", "BP_PENSIUNAN_TNI_POLRI")]


def _pay_on_time(s: Session, m: Month, payer_ids: list[int], rng: random.Random, today: dt.date) -> None:
    """Payments that settle exactly this month's bill before its due date (set-based), today at the
    latest: no penalty can arise, so allocation is the bill itself (payments.post_payment gives the
    same result)."""
    if not payer_ids:
        return
    md = m.first_day
    ids = set(payer_ids)
    with unit_of_work(s):
        bills = [(b_id, pid, amount) for b_id, pid, amount in s.execute(
            select(BillRow.id, BillRow.payer_id, BillRow.amount - BillRow.paid_amount)
            .where(BillRow.month == md, BillRow.status == "OPEN")) if pid in ids and amount > 0]
        if not bills:
            return
        now = dt.datetime.now(dt.timezone.utc)
        pays = []
        for b_id, pid, amount in bills:
            paid_on = min(md + dt.timedelta(days=rng.randint(0, 9)), today)
            pays.append({"reference": f"DEMO-B{b_id}", "payer_id": pid, "amount": amount, "paid_on": paid_on,
                         "channel": "demo", "penalty_amount": 0, "contribution_amount": amount, "credit_amount": 0,
                         "recorded_at": now})
        pay_ids = []
        for i in range(0, len(pays), 5000):
            pay_ids += [r[0] for r in s.execute(insert(PaymentRow).returning(PaymentRow.id, sort_by_parameter_order=True),
                                                pays[i:i + 5000])]
        s.execute(insert(AllocationRow), [{"payment_id": p, "bill_id": b[0], "contribution_amount": b[2], "penalty_amount": 0}
                                          for p, b in zip(pay_ids, bills)])
        s.execute(text("UPDATE bill SET paid_amount = amount, status = 'PAID', paid_on = (SELECT p.paid_on FROM payment p "
                       "WHERE p.reference = 'DEMO-B' || bill.id) WHERE month = :m AND status = 'OPEN' AND EXISTS "
                       "(SELECT 1 FROM payment p WHERE p.reference = 'DEMO-B' || bill.id)"), {"m": md})
        start_cover(s, BY_MONTH, {"month": md}, md)  # the first bill paid begins cover (A-M18)
        from jkn.services.billing.ledger import refresh_payers

        refresh_payers(s)


def _samples(s: Session, on: dt.date, rng: random.Random) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"active": [], "in_arrears": [], "suspended": [], "not_yet_paid": []}
    by_payer = select(ParticipantRow.card_number).join(PayerRow, PayerRow.id == ParticipantRow.payer_id)
    paid = ParticipantRow.covered_from <= on
    queries = {
        "active": by_payer.where(paid, PayerRow.arrears_amount == 0, PayerRow.kind == "FAMILY"),
        "in_arrears": by_payer.where(paid, PayerRow.arrears_amount > 0,
                                     (PayerRow.suspended_since.is_(None)) | (PayerRow.suspended_since > on)),
        "suspended": by_payer.where(paid, PayerRow.suspended_since.is_not(None), PayerRow.suspended_since <= on),
        "not_yet_paid": by_payer.where(ParticipantRow.covered_from.is_(None), ParticipantRow.tmt <= on),
    }
    for state, q in queries.items():
        for (card,) in s.execute(q.order_by(ParticipantRow.id).limit(3)):
            c = coverage_status(s, card, on)
            out[state].append({"card_number": card, "on": on.isoformat(), "active": c["active"],
                               "suspended": c["suspended"], "arrears": c.get("arrears", 0), "reason": c["reason"]})
    return out


def _trim(fam: FamilyIn, room: int) -> FamilyIn:
    if 1 + len(fam.members) <= room:
        return fam
    return fam.model_copy(update={"members": fam.members[:max(0, room - 1)]})


def _person_name(rng: random.Random, sex: str, last: str | None = None) -> str:
    first = rng.choice(FIRST_NAMES_M if sex == "L" else FIRST_NAMES_F)
    return f"{first} {last or rng.choice(LAST_NAMES)}"


def _family(rng: random.Random, nik: _Nik, places: Places, fktp_by_kabkota: dict, employers: list,
            start: Month, months: int, bp_segments: list[tuple[str, float]]) -> FamilyIn:
    k = places.draw(rng)
    fktps = fktp_by_kabkota[k.code]  # an FKTP of the family's own kab/kota
    tmt = (start + rng.randint(0, max(0, min(months - 1, 2)))).first_day
    r = rng.random()
    # family draws; PBI participants are single, the others bring about 2.7 persons
    group = "PBI" if r < 0.64 else ("PPU" if r < 0.87 else ("PBPU" if r < 0.975 else "BP"))
    sex = rng.choice("LP")
    last = rng.choice(LAST_NAMES)
    head_birth = _birth(rng, tmt, 22, 58 if group != "BP" else 80)
    if group == "BP":
        head_birth = _birth(rng, tmt, 56, 80)
    head = {"nik": nik.make(k.code, head_birth, sex, rng), "name": _person_name(rng, sex, last), "sex": sex,
            "birth_date": head_birth, "kabkota_code": k.code, "fktp_code": rng.choice(fktps),
            "address": f"Jl. {rng.choice(LAST_NAMES)} No. {rng.randint(1, 200)}"}
    members: list[MemberIn] = []
    if group == "PBI":
        head.update(segment="PBI", pbi_designated=True)
        return FamilyIn(head=ParticipantIn(**head), tmt=tmt, registered_on=tmt)
    married = rng.random() < 0.75
    if group == "PPU":
        local = [e for e in employers if e.branch_code == k.branch_code]
        emp = rng.choice(local if local and rng.random() < 0.8 else employers)  # mostly one near home
        seg = _pick(rng, SECTOR_SEGMENTS[emp.sector])
        head.update(segment=seg, employer_code=emp.code, wage=rng.randint(30, 200) * 50_000)
        if seg in ("PPU_PNS", "PPU_TNI", "PPU_POLRI"):
            head["grade"] = rng.choice(GRADES)
        elif param_entry("ppu_class_wage_bands", tmt).value is None:
            # no sourced wage bands from 2018-09 (A-R09): the class on record is input; the demo's
            # employers report class II up to Rp 4.000.000 and class I above, as under Perpres 19/2016
            head["care_class"] = "II" if head["wage"] <= 4_000_000 else "I"
    elif group == "PBPU":
        head.update(segment=_pick(rng, [("PBPU_MANDIRI", 0.8), ("PBPU_LAINNYA", 0.2)]),
                    care_class=_pick(rng, [("III", 0.5), ("II", 0.3), ("I", 0.2)]))
    else:
        seg = _pick(rng, bp_segments)
        head["segment"] = seg
        if seg in ("BP_PENSIUNAN_PNS", "BP_PENSIUNAN_TNI_POLRI"):
            head["grade"] = rng.choice(GRADES)
            # a synthetic monthly pension of Rp 1,5-6 juta, drawn apart so the rest of the population stays the same
            head["pension"] = random.Random(head["nik"]).randint(15, 60) * 100_000
        else:
            head["care_class"] = _pick(rng, [("III", 0.4), ("II", 0.35), ("I", 0.25)])
    if married:
        head["marital_status"] = "MARRIED"
        ssex = "P" if sex == "L" else "L"
        sb = _birth(rng, tmt, 20, 60 if group != "BP" else 78)
        members.append(MemberIn(nik=nik.make(k.code, sb, ssex, rng), name=_person_name(rng, ssex, last), sex=ssex,
                                birth_date=sb, relationship="SPOUSE", marital_status="MARRIED"))
        n_children = int(_pick(rng, [("0", 0.2), ("1", 0.3), ("2", 0.3), ("3", 0.12), ("4", 0.08)]))
        for _ in range(n_children):
            csex = rng.choice("LP")
            cb = _birth(rng, tmt, 0, 20)
            members.append(MemberIn(nik=nik.make(k.code, cb, csex, rng), name=_person_name(rng, csex, last), sex=csex,
                                    birth_date=cb, relationship="CHILD_NATURAL"))
    if group == "PPU" and rng.random() < 0.04:
        pb = _birth(rng, tmt, 60, 85)
        members.append(MemberIn(nik=nik.make(k.code, pb, "P", rng), name=_person_name(rng, "P"), sex="P",
                                birth_date=pb, relationship="MOTHER", marital_status="WIDOWED"))
    return FamilyIn(head=ParticipantIn(**head), members=members, tmt=tmt, registered_on=tmt)
