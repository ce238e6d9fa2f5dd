"""Take the portal's screenshots for docs/screenshots/ with Debian's chromium (not a test).

    .venv/bin/python tests/portal/screenshots.py [--out docs/screenshots]

Builds a fresh SQLite database with ``jkn demo``'s population (jkn.services.demo.population) and the demo
log-ins (jkn.services.demo.portal_users), serves it on a loopback port and walks the main pages as
each role, desktop and phone size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from jkn.domain.month import Month  # noqa: E402
from jkn.services.demo.population import build_demo  # noqa: E402
from jkn.services.demo.portal_users import DEMO_PASSWORD, create_demo_users  # noqa: E402
from jkn.services.portal.audit import SYSTEM  # noqa: E402
from jkn.store.bootstrap import prepare_database  # noqa: E402
from jkn.store.facility_tables import FacilityRow  # noqa: E402
from jkn.store.membership_tables import EmployerRow, ParticipantRow  # noqa: E402

DESKTOP = {"width": 1280, "height": 900}
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = {"width": 390, "height": 844}


def bad_file(session: Session, employer_code: str) -> bytes:
    e = session.scalar(select(EmployerRow).where(EmployerRow.code == employer_code))
    fktp = session.scalar(select(FacilityRow.code).where(FacilityRow.level == "FKTP",
                                                         FacilityRow.kabkota_code == e.kabkota_code).limit(1))
    region = e.kabkota_code.replace(".", "")
    rows = ["nik,nama,hubungan,nik_peserta,segmen,gaji,kode_faskes,kabkota,status_kawin",
            f"{region}011203950011,Agus Pratama,PESERTA,,PPU_SWASTA,5200000,{fktp},{e.kabkota_code},KAWIN",
            f"{region}015506960012,Dewi Pratama,SUAMI_ISTRI,{region}011203950011,,,,,KAWIN",
            f"{region}0120089500,Rizky Hidayat,PESERTA,,PPU_SWASTA,4100000,{fktp},{e.kabkota_code},BELUM_KAWIN"]
    return ("\n".join(rows) + "\n").encode()


def shrink(path: Path) -> None:
    """A 256-colour palette keeps text sharp and the PNG about a third of the size."""
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with reportlab; without it the full-colour PNG stays
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


@contextmanager
def demo_site(participants: int, start: Month | None = Month(2014, 1), months: int = 8):
    """``jkn demo``'s population and log-ins in a fresh SQLite, served on loopback, with Debian's chromium:
    yields (base url, demo users by name, engine, browser). ``start=None``: the ``months`` up to today."""
    from playwright.sync_api import sync_playwright
    from support.browser import FLAGS
    from support.live_server import LiveServer

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["JKN_UPLOAD_DIR"] = f"{tmp}/uploads"  # the requests' documents, not in the worktree
        os.environ["JKN_OTP_OUTBOX"] = f"{tmp}/otp.jsonl"
        url = f"sqlite:///{tmp}/screens.sqlite3"
        engine = prepare_database(url)
        build_demo(engine, participants=participants, seed=7, start=start, months=months, actor=SYSTEM)
        with Session(engine) as s, s.begin():
            users = {u["username"]: u for u in create_demo_users(s, actor=SYSTEM)}
        with LiveServer(url) as live, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=FLAGS)
            try:
                yield live.url, users, engine, browser
            finally:
                browser.close()
        engine.dispose()


def session_as(browser, base: str, user: str, viewport=DESKTOP, lang: str = "id"):
    """A page signed in as a demo user, in the language asked."""
    context = browser.new_context(viewport=viewport, device_scale_factor=1, locale="id-ID" if lang == "id" else "en-US")
    page = context.new_page()
    page.goto(f"{base}/masuk?lang={lang}")
    page.get_by_label("Nama pengguna" if lang == "id" else "User name").fill(user)
    page.get_by_label("Kata sandi" if lang == "id" else "Password").fill(DEMO_PASSWORD)
    page.locator("#login-form button").click()
    page.wait_for_load_state("networkidle")
    return page


def shot(page, path: Path, selector: str | None = None) -> None:
    """The whole page (or the first element matching ``selector``) as a small PNG."""
    page.wait_for_load_state("networkidle")
    if selector:
        page.locator(selector).first.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)
    shrink(path)
    print("wrote", path)


def arguments() -> tuple[Path, int]:
    """``--out`` (made if missing) and ``--participants`` of a screenshot script."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(HERE.parents[1] / "docs" / "screenshots"))
    parser.add_argument("--participants", type=int, default=3000)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    return out, args.participants


def main() -> None:
    out, participants = arguments()
    with demo_site(participants) as (base, users, engine, browser):
        with Session(engine) as s:
            upload = bad_file(s, users["pemberi.kerja"]["employer"])

        def login(user: str, viewport=DESKTOP, lang: str = "id"):
            return session_as(browser, base, user, viewport, lang)

        def snap(page, name: str) -> None:
            shot(page, out / f"{name}.png")

        anonymous = browser.new_page(viewport=DESKTOP)
        anonymous.goto(base + "/masuk")
        snap(anonymous, "01-login")

        officer = login("cabang")
        snap(officer, "02-officer-participants")
        officer.goto(base + "/petugas/daftar?members=2")
        officer.locator("#segment").select_option("PBPU_MANDIRI")
        officer.locator("#marital_status").select_option("MARRIED")
        officer.locator("#m0_nik").fill("3171016008930010")
        officer.locator("#m0_relationship").select_option("SPOUSE")
        officer.wait_for_selector("#checklist >> text=surat nikah")
        snap(officer, "03-officer-registration-checklist")
        card = users["peserta"]["participant"]
        officer.goto(f"{base}/petugas/peserta/{card}")
        snap(officer, "04-officer-participant")
        officer.goto(base + "/pengaduan")
        snap(officer, "05-complaints-queue")
        officer.locator("#complaint-list tbody a").first.click()
        snap(officer, "06-complaint")
        officer.goto(base + "/dasbor")
        snap(officer, "07-dashboard-branch")

        head = login("pusat")
        snap(head, "08-dashboard-national")

        employer = login("pemberi.kerja")
        snap(employer, "09-employer-staff")
        employer.goto(base + "/pemberi-kerja/unggah")
        employer.set_input_files("#file", files=[{"name": "pekerja.csv", "mimeType": "text/csv", "buffer": upload}])
        employer.locator("#upload-form button").first.click()
        snap(employer, "10-employer-upload-errors")
        employer.goto(base + "/pemberi-kerja/tagihan")
        snap(employer, "11-employer-bills")

        participant = login("peserta")
        snap(participant, "12-participant-membership")
        participant.goto(base + "/peserta/fktp")
        snap(participant, "13-participant-fktp")
        participant.goto(base + "/peserta/tagihan")
        snap(participant, "14-participant-bills")
        if "peserta.tunggak" in users:
            late = login("peserta.tunggak")
            late.goto(base + "/peserta/tagihan")
            snap(late, "15-participant-suspended")

        hospital = login("rumahsakit")
        hospital.goto(f"{base}/faskes?q={card}")
        snap(hospital, "16-facility-eligibility")
        hospital.goto(f"{base}/faskes/sep?card={card}")
        hospital.locator("#poli").select_option("IGD")
        hospital.locator("#diagnosis").fill("A09")
        hospital.locator("#emergency").check()
        hospital.locator("#sep-form button").click()
        snap(hospital, "17-facility-sep")

        # issue #15: the participant's service history and a data-change request with its document,
        # the officer who approves it, the participant's sign-up, the employer's wage and bill pages
        participant.goto(base + "/peserta/riwayat")
        snap(participant, "20-participant-history")
        with Session(engine) as s:
            region = s.scalar(select(ParticipantRow.kabkota_code).where(ParticipantRow.card_number == card))
        born = dt.date.today() - dt.timedelta(days=6)
        participant.goto(base + "/peserta/perubahan/baru?kind=BIRTH")
        participant.locator("#member_nik").fill(f"{region.replace('.', '')}01{born:%d%m%y}0917")
        participant.locator("#member_name").fill("Bayu Pratama")
        participant.locator("#member_birth_date").fill(born.isoformat())
        participant.locator("#uploads input[type=file]").set_input_files(
            files=[{"name": "akta-kelahiran.pdf", "mimeType": "application/pdf", "buffer": SAMPLE_PDF}])
        snap(participant, "21-participant-request-form")
        participant.locator("#request-form button").click()
        officer.goto(base + "/petugas/permohonan")
        officer.locator("#request-queue tbody a").first.click()
        snap(officer, "22-officer-request")
        officer.locator("#approve-form input[name=documents]").first.check()
        officer.locator("#approve-form button").click()
        participant.goto(base + "/peserta/perubahan")
        snap(participant, "23-participant-request-status")
        anonymous.goto(base + "/masuk/daftar")
        snap(anonymous, "24-signup")
        employer.goto(base + "/pemberi-kerja")
        employer.locator("#staff tbody a").first.click()
        snap(employer, "25-employer-employee-wage")
        employer.goto(base + "/pemberi-kerja/tagihan")
        employer.locator("#bill-details a").first.click()
        snap(employer, "26-employer-bill-per-employee")

        phone = login("peserta", viewport=PHONE)
        snap(phone, "18-phone-participant")
        phone_dash = login("pusat", viewport=PHONE, lang="en")
        phone_dash.goto(base + "/dasbor")
        snap(phone_dash, "19-phone-dashboard-english")


if __name__ == "__main__":
    main()
