"""Screenshots of what issue 11 asks to read as a BPJS Kesehatan counter would say it, in Indonesian
and English, for docs/screenshots/ (not a test):

    .venv/bin/pip install pypdfium2   # renders the printed card and SEP letter (PDF) to PNG
    .venv/bin/python tests/i18n/language_screenshots.py [--out docs/screenshots]

The simulator with an answer, the penalty calculator's answer, a SEP refused for want of a referral,
the officer's participant page with the card and the printed card, and an issued SEP with its
letter. Debian's chromium (/usr/bin/chromium) through playwright over ``jkn demo``'s population.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "portal")]

from screenshots import DEMO_PASSWORD, DESKTOP, build_demo, create_demo_users, shrink  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from jkn.domain.month import Month  # noqa: E402
from jkn.services.portal.audit import SYSTEM  # noqa: E402
from jkn.store.bootstrap import prepare_database  # noqa: E402

SIMULATOR = "/simulasi?segment=PPU_SWASTA&as_of=2024-06-01&wage=5000000&additional_members=1"
PENALTY = "/simulasi?p_segment=PBPU_MANDIRI&p_as_of=2024-06-15&unpaid=2024-01%3D42000%0A2024-02%3D42000"


def pdf_to_png(pdf: bytes, path: Path) -> None:
    """The first page of a PDF as a PNG (pypdfium2, PDFium's renderer)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    document[0].render(scale=2).to_pil().save(path)
    shrink(path)
    print("wrote", path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(HERE.parents[1] / "docs" / "screenshots"))
    parser.add_argument("--participants", type=int, default=3000)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright
    from support.browser import FLAGS
    from support.live_server import LiveServer

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/screens.sqlite3"
        engine = prepare_database(url)
        build_demo(engine, participants=args.participants, seed=7, start=Month(2014, 1), months=8, actor=SYSTEM)
        with Session(engine) as s, s.begin():
            users = {u["username"]: u for u in create_demo_users(s, actor=SYSTEM)}
        card = users["peserta"]["participant"]
        with LiveServer(url) as live, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=FLAGS)

            def shot(page, name: str, selector: str | None = None) -> None:
                page.wait_for_load_state("networkidle")
                path = out / f"{name}.png"
                if selector:
                    page.locator(selector).first.screenshot(path=str(path))
                else:
                    page.screenshot(path=str(path), full_page=True)
                shrink(path)
                print("wrote", path)

            def session_as(user: str, lang: str):
                context = browser.new_context(viewport=DESKTOP, device_scale_factor=1, locale="id-ID" if lang == "id" else "en-US")
                page = context.new_page()
                page.goto(f"{live.url}/masuk?lang={lang}")
                page.get_by_label("Nama pengguna" if lang == "id" else "User name").fill(user)
                page.get_by_label("Kata sandi" if lang == "id" else "Password").fill(DEMO_PASSWORD)
                page.locator("#login-form button").click()
                page.wait_for_load_state("networkidle")
                return page

            for lang in ("id", "en"):
                public = browser.new_context(viewport=DESKTOP, locale="id-ID" if lang == "id" else "en-US").new_page()
                public.goto(f"{live.url}{SIMULATOR}&lang={lang}")
                shot(public, f"i18n-{lang}-1-simulator", "#sim-result")
                public.goto(f"{live.url}{PENALTY}&lang={lang}")
                shot(public, f"i18n-{lang}-2-penalty", "#penalty-result")

                hospital = session_as("rumahsakit", lang)
                hospital.goto(f"{live.url}/faskes/sep?card={card}")
                hospital.locator("#poli").select_option("INT")
                hospital.locator("#diagnosis").fill("I10")
                hospital.locator("#sep-form button").click()
                shot(hospital, f"i18n-{lang}-3-sep-refused")

                officer = session_as("cabang", lang)
                officer.goto(f"{live.url}/petugas/peserta/{card}")
                shot(officer, f"i18n-{lang}-4-participant-card")

                hospital.goto(f"{live.url}/faskes/sep?card={card}")
                hospital.locator("#poli").select_option("IGD")
                hospital.locator("#diagnosis").fill("A09")
                hospital.locator("#emergency").check()
                hospital.locator("#sep-form button").click()
                shot(hospital, f"i18n-{lang}-5-sep-letter")
                if lang == "id":  # the printed documents: BPJS Kesehatan prints them in Indonesian
                    letter = hospital.locator("a[href$='surat.pdf']").first.get_attribute("href")
                    pdf_to_png(hospital.context.request.get(live.url + letter).body(), out / "i18n-id-5-sep-letter-pdf.png")
                    pdf_to_png(officer.context.request.get(f"{live.url}/petugas/peserta/{card}/kartu.pdf").body(),
                               out / "i18n-id-4-card-pdf.png")
            browser.close()
        engine.dispose()


if __name__ == "__main__":
    main()
