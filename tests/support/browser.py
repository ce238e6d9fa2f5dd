"""Launch Debian's /usr/bin/chromium through playwright; skip (fail in CI) when it is missing."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@contextmanager
def launch_chromium():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not installed (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class Site:
    """A served world: the server's address, the data built for it and its database."""

    url: str
    world: object
    engine: object


@contextmanager
def served_world(prepared, build, prepare=None):
    """SQLite emptied, filled by ``build(engine)`` (then ``prepare(engine)``), served on loopback; emptied after."""
    from support.databases import truncate_business_tables
    from support.live_server import LiveServer

    url, engine = prepared("sqlite")
    truncate_business_tables(engine)
    world = build(engine)
    if prepare is not None:
        prepare(engine)
    try:
        with LiveServer(url) as live:
            yield Site(live.url, world, engine)
    finally:
        truncate_business_tables(engine)


@contextmanager
def logins(browser, base: str, password: str):
    """``login(user)`` opens a fresh browser context signed in as ``user`` through /masuk; all closed after."""
    contexts = []

    def login(user: str, *, viewport=(1200, 900)):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        page.goto(base + "/masuk")
        page.get_by_label("Nama pengguna").fill(user)
        page.get_by_label("Kata sandi").fill(password)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_load_state()
        assert "/masuk" not in page.url, page.content()[:500]
        return page

    try:
        yield login
    finally:
        for context in contexts:
            context.close()
