"""Screenshots of what issue 11 asks to read as a BPJS Kesehatan counter would say it, in Indonesian
and English, for docs/screenshots/ (not a test):

    .venv/bin/pip install pypdfium2   # renders the printed card and SEP letter (PDF) to PNG
    .venv/bin/python tests/i18n/language_screenshots.py [--out docs/screenshots]

The simulator with an answer, the penalty calculator's answer, a SEP refused for want of a referral,
the officer's participant page with the card and the printed card, and an issued SEP with its
letter. Debian's chromium (/usr/bin/chromium) through playwright over ``jkn demo``'s population.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "portal")]

from screenshots import DESKTOP, arguments, demo_site, session_as, shot, shrink  # noqa: E402

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
    out, participants = arguments()
    with demo_site(participants) as (base, users, _engine, browser):
        card = users["peserta"]["participant"]
        for lang in ("id", "en"):
            public = browser.new_context(viewport=DESKTOP, locale="id-ID" if lang == "id" else "en-US").new_page()
            public.goto(f"{base}{SIMULATOR}&lang={lang}")
            shot(public, out / f"i18n-{lang}-1-simulator.png", "#sim-result")
            public.goto(f"{base}{PENALTY}&lang={lang}")
            shot(public, out / f"i18n-{lang}-2-penalty.png", "#penalty-result")

            hospital = session_as(browser, base, "rumahsakit", lang=lang)
            hospital.goto(f"{base}/faskes/sep?card={card}")
            hospital.locator("#poli").select_option("INT")
            hospital.locator("#diagnosis").fill("I10")
            hospital.locator("#sep-form button").click()
            shot(hospital, out / f"i18n-{lang}-3-sep-refused.png")

            officer = session_as(browser, base, "cabang", lang=lang)
            officer.goto(f"{base}/petugas/peserta/{card}")
            shot(officer, out / f"i18n-{lang}-4-participant-card.png")

            hospital.goto(f"{base}/faskes/sep?card={card}")
            hospital.locator("#poli").select_option("IGD")
            hospital.locator("#diagnosis").fill("A09")
            hospital.locator("#emergency").check()
            hospital.locator("#sep-form button").click()
            shot(hospital, out / f"i18n-{lang}-5-sep-letter.png")
            if lang == "id":  # the printed documents: BPJS Kesehatan prints them in Indonesian
                letter = hospital.locator("a[href$='surat.pdf']").first.get_attribute("href")
                pdf_to_png(hospital.context.request.get(base + letter).body(), out / "i18n-id-5-sep-letter-pdf.png")
                pdf_to_png(officer.context.request.get(f"{base}/petugas/peserta/{card}/kartu.pdf").body(),
                           out / "i18n-id-4-card-pdf.png")


if __name__ == "__main__":
    main()
