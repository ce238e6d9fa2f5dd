"""Take the screenshots of docs/portal.md "A day of each user" with Debian's chromium (not a test).

    .venv/bin/python tests/portal/day_screenshots.py [--out docs/screenshots] [--participants 3000]

Builds ``jkn demo``'s world (the last six months up to today, the demo log-ins) in a fresh SQLite,
adds a bank (BRI, virtual accounts 88888 + card number), serves it on loopback and walks, in
Indonesian, the participant's day (``peserta.tunggak``: card, bill in arrears, paid at the bank over
/h2h, a newborn asked for), the branch officer's (``cabang``: the request approved, a payment at the
counter and its receipt; ``pusat``: the bank's file reconciled) and the employer's (``pemberi.kerja``:
template imported, a wage updated, a leaver reported two months late, the bill per employee). Writes
``day-*.png``.
"""

from __future__ import annotations

import datetime as dt

from screenshots import DESKTOP, SAMPLE_PDF, arguments, demo_site, session_as, shot, shrink
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.bank_client import Bank

from jkn.domain.month import Month
from jkn.services.billing import h2h
from jkn.services.billing.banks import add_bank, load_auth
from jkn.services.membership.common import jakarta_today
from jkn.services.portal.audit import Actor
from jkn.store.billing_tables import PayerRow
from jkn.store.membership_tables import EmployerRow, ParticipantRow


def _counter_payer(engine, branch: str, skip: set[str]) -> str:
    """A family of the branch with something to pay today (its head's card), else any family of it."""
    with Session(engine) as s:
        base = (select(ParticipantRow.card_number).join(PayerRow, PayerRow.id == ParticipantRow.payer_id)
                .where(ParticipantRow.branch_code == branch, ParticipantRow.relationship == "HEAD",
                       PayerRow.kind == "FAMILY", ParticipantRow.card_number.not_in(skip)).order_by(ParticipantRow.id))
        return s.scalar(base.where(PayerRow.arrears_amount > 0).limit(1)) or s.scalar(base.limit(1))


def main() -> None:
    out, participants = arguments()
    with demo_site(participants, start=None, months=6) as (base, users, engine, browser):
        with Session(engine) as s:
            secret = add_bank(s, "BRI", "Bank Rakyat Indonesia", "88888", actor=Actor.cli())["secret"]
        bri = Bank(base, "BRI", secret, "88888")
        who = "peserta.tunggak" if "peserta.tunggak" in users else "peserta"
        card = users[who]["participant"]
        today = jakarta_today()

        def login(user: str):
            return session_as(browser, base, user, DESKTOP, "id")

        def snap(page, name: str, selector: str | None = None) -> None:
            shot(page, out / f"day-{name}.png", selector)

        # the participant's day
        member = login(who)
        snap(member, "participant-1-home")
        member.goto(base + "/peserta/kartu")
        snap(member, "participant-2-card", "main")
        member.goto(base + "/peserta/tagihan")
        snap(member, "participant-3-bill")
        due = bri.inquiry("88888" + card).json()["amount_due"]
        if due > 0:  # at a BRI teller: the bank asks for the amount on the VA and posts it
            bri.pay("88888" + card, f"BRI-{today:%Y%m%d}-0001", due)
        member.reload()
        snap(member, "participant-4-paid")
        with Session(engine) as s:
            region = s.scalar(select(ParticipantRow.kabkota_code).where(ParticipantRow.card_number == card))
        born = today - dt.timedelta(days=4)
        member.goto(base + "/peserta/perubahan/baru?kind=BIRTH")
        member.locator("#member_nik").fill(f"{region.replace('.', '')}01{born.day + 40:02d}{born:%m%y}0921")
        member.locator("#member_name").fill("Putri Lestari")
        member.locator("#member_birth_date").fill(born.isoformat())
        member.locator("#uploads input[type=file]").set_input_files(
            files=[{"name": "akta-kelahiran.pdf", "mimeType": "application/pdf", "buffer": SAMPLE_PDF}])
        snap(member, "participant-5-request")
        member.locator("#request-form button").click()

        # the branch officer's day
        officer = login("cabang")
        officer.goto(base + "/petugas/permohonan")
        snap(officer, "officer-1-requests")
        officer.locator("#request-queue tbody a").first.click()
        for box in officer.locator("#approve-form input[name=documents]").all():
            box.check()
        snap(officer, "officer-2-request")
        officer.locator("#approve-form button").click()
        member.goto(base + "/peserta/perubahan")
        snap(member, "participant-6-approved")
        payer = _counter_payer(engine, users["cabang"]["branch"], {card})
        officer.goto(f"{base}/petugas/loket?payer={payer}")
        snap(officer, "officer-3-counter")
        amount = officer.locator("#amount").input_value()
        if not amount or int(amount) <= 0:
            officer.locator("#amount").fill("100000")
        officer.locator("#post-payment").click()
        snap(officer, "officer-4-receipt")
        other = _counter_payer(engine, users["cabang"]["branch"], {card, payer})
        bri.pay("88888" + other, f"BRI-{today:%Y%m%d}-0002", 50_000)  # another family paid at BRI today
        with Session(engine) as s:
            ours = h2h.statement_csv(s, load_auth(s, "BRI"), today)
        lines = ours.splitlines(keepends=True)
        theirs = "".join(ln.replace(",50000,", ",55000,") for ln in lines)  # the bank's file differs on one line
        finance = login("pusat")
        finance.goto(base + "/petugas/rekonsiliasi")
        finance.locator("#bank").select_option("BRI")
        finance.locator("#day").fill(today.isoformat())
        finance.set_input_files("#file", files=[{"name": "bri.csv", "mimeType": "text/csv", "buffer": theirs.encode()}])
        finance.locator("#reconcile-form button").click()
        snap(finance, "officer-5-reconciliation")

        # the employer's day
        employer = login("pemberi.kerja")
        snap(employer, "employer-1-staff")
        employer.goto(base + "/pemberi-kerja/unggah")
        template = employer.context.request.get(base + "/pemberi-kerja/templat.xlsx").body()
        employer.set_input_files("#file", files=[{"name": "templat.xlsx", "buffer": template, "mimeType":
                                                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
        employer.locator("#upload-form button").first.click()
        snap(employer, "employer-2-import")
        code = users["pemberi.kerja"]["employer"]
        with Session(engine) as s:
            staff = s.scalars(select(ParticipantRow.card_number).join(EmployerRow, EmployerRow.id == ParticipantRow.employer_id)
                              .where(EmployerRow.code == code, ParticipantRow.relationship == "HEAD",
                                     ParticipantRow.status == "ACTIVE", ParticipantRow.tmt < (Month.of(today) - 2).first_day)
                              .order_by(ParticipantRow.id).limit(2)).all()
        employer.goto(f"{base}/pemberi-kerja/pekerja/{staff[0]}")
        employer.locator("#wage").fill("6.500.000")
        employer.locator("#wage-form button").click()
        snap(employer, "employer-3-wage")
        employer.goto(f"{base}/pemberi-kerja/pekerja/{staff[1]}")
        employer.locator("#month").fill(str(Month.of(today) - 2))
        employer.locator("#leaver-form button").click()
        employer.locator("#leaver-steps details").evaluate_all("els => els.forEach(e => e.open = true)")
        snap(employer, "employer-4-leaver")
        employer.goto(base + "/pemberi-kerja/tagihan")
        snap(employer, "employer-5-bills")
        employer.locator("#bill-details a").first.click()
        employer.screenshot(path=str(out / "day-employer-6-bill-per-employee.png"))  # the top: a long list
        shrink(out / "day-employer-6-bill-per-employee.png")


if __name__ == "__main__":
    main()
