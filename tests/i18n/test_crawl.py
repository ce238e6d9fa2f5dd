"""Every page, as every role, reads in Indonesian (issue 11, "a crawl of every page as every role").

A real server on loopback (SQLite) with the portal world (tests/portal/portal_world.py) plus a
regional manager; each role logs in and follows every link of its menus and pages; the public pages,
the simulator with an answer, the penalty calculator, a SEP refusal, a complaint that went through its
states, a failed log-in and the 403/404/500 pages are visited too. The visible text of each page
(and the ``title``/``placeholder``/``aria-label``/``alt`` a person reads) must have:

* no word that only the English catalogue uses (en.po's words minus id.po's);
* no file name (``.txt``, ``.py``, ``seeds/``, ``docs/``) and no ``assumption A-``;
* no Python literal (``{'``, ``('``, ``None``, ``True``, ``False``);
* no raw code (``PPU_SWASTA``, ``ACTIVE``, ``FACILITY_STAFF``...): an upper-case word that the
  Indonesian catalogue itself does not use (``FKTP``, ``SEP``, ``NIK`` are words clerks read).

Explanation blocks (``<ol class="explain">``) are checked apart (the steps of the rules). The audit
trail's recorded data (``<details class="data">``, the JSON of a row before and after) is evidence kept
as written, not a sentence (assumption A-L30), and is not read; nor is a file example a person copies
(``<pre class="example">``, the what-if TOML of /kebijakan: its parameter names are the rule files' keys).
"""

from __future__ import annotations

import os
import re
import sys
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "portal"))
from portal_world import PASSWORD, build_world, login  # noqa: E402
from sqlalchemy import update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from support.live_server import LiveServer
from support.portal_login import token

from jkn.i18n.catalogue import catalogue
from jkn.services.portal import accounts
from jkn.services.portal.audit import SYSTEM
from jkn.store.portal_tables import UserAccountRow
from jkn.store.reference_tables import BranchRow

SRC = Path(__file__).resolve().parents[2] / "src" / "jkn"
WORD = re.compile(r"[A-Za-z][a-z]+(?:'[a-z]+)?")
UPPER = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b")
#: English words that are also Indonesian, names or brands on the pages
ALLOWED = {"dki", "rsud", "bumn", "bumd", "wni", "pbi", "fkrtl",
           "online", "email", "offline", "web", "mobile", "ok", "status", "data", "internet", "format", "total",
           "indonesia", "kesehatan", "medan", "bekasi", "budi", "siti", "joko", "hotline", "login", "rupiah",
           "nomor", "pdf", "csv", "json", "api", "tab", "care", "sejahtera", "santoso", "aminah", "widodo",
           "admin", "user", "istri", "pt", "english", "bahasa", "jkn", "bpjs", "html", "id", "en", "lain",
           "password", "mobile", "app", "call", "center", "centre", "no", "rp", "nik", "pin", "apotek"}
FILE_NAMES = re.compile(r"\.txt\b|\.py\b|\.toml\b|\bsrc/|seeds/|docs/|assumption A-|asumsi A-|\bseed \d{3}\b")
LITERALS = re.compile(r"\{'|\('|\bNone\b|\bTrue\b|\bFalse\b")
SKIP = re.compile(r"^/(static|api|docs|redoc|openapi|vclaim|health)|\.(pdf|csv|json)$|/keluar|/templat\.")
PER_SHAPE = 2  # pages of one shape (``/petugas/peserta/<n>``) visited per role
ROLES = ("admin", "head", "regional", "medan", "budi", "siti", "rs", "puskesmas", "pt")


def _words(lang: str) -> set[str]:
    return {w.lower() for text in catalogue(lang).values() for w in WORD.findall(re.sub(r"\{[^}]*\}", " ", text))}


def _reference_names() -> set[str]:
    """Words of the clinic names as BPJS's reference list spells them ("ICU · Intensive Care Unit"): proper names."""
    from jkn.reference.care_codes import polis

    return {w.lower() for p in polis().values() for w in WORD.findall(p.name)}


ENGLISH_ONLY = _words("en") - _words("id") - ALLOWED - _reference_names()
#: upper-case words the Indonesian catalogue uses (FKTP, SEP, NIK, BPJS...)
INDONESIAN_UPPER = {w for text in catalogue("id").values() for w in UPPER.findall(text)}
#: the codes of the code base (``"ACTIVE"``, ``"HOTLINE"``...): string literals that are one upper-case word
CODES = {m for path in SRC.rglob("*.py") for m in re.findall(r"""["']([A-Z][A-Z_]{2,})["']""", path.read_text())
         } - INDONESIAN_UPPER
#: a code shown beside its name: ``Anak (ANA)``, ``ANA · Anak``
#: proper nouns and codes that people read as they are (the ICD-10 examples of the forms' placeholders)
PROPER = {"DKI", "RSUD", "BUMN", "BUMD", "WNI", "PBI", "FKRTL", "AKTIF", "A09", "I10"}
BESIDE = r"\({code}\)|{code} [·—–-] \w"


class _Text(HTMLParser):
    """The text a person reads, split into ``plain`` and ``explain`` (inside ``class="explain"``)."""

    READ_ATTRS = ("title", "placeholder", "aria-label", "alt")

    def __init__(self):
        super().__init__()
        self.plain: list[str] = []
        self.explain: list[str] = []
        self.links: list[str] = []
        self._stack: list[tuple[str, bool]] = []
        self._skip = 0
        self._skipping: list[str] = []

    def _in_explain(self) -> bool:
        return any(flag for _, flag in self._stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag in ("script", "style") or (tag == "details" and "data" in classes) or (tag == "pre" and "example" in classes):
            self._skip += 1
            self._skipping.append(tag)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        for name in self.READ_ATTRS:
            if a.get(name):
                (self.explain if self._in_explain() else self.plain).append(a[name])
        if tag not in ("br", "img", "input", "meta", "link", "hr", "wbr", "source"):
            self._stack.append((tag, "explain" in (a.get("class") or "").split()))

    def handle_endtag(self, tag):
        if self._skipping and tag == self._skipping[-1]:
            self._skip -= 1
            self._skipping.pop()
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if not self._skip and data.strip():
            (self.explain if self._in_explain() else self.plain).append(data.strip())


#: a code shown with a name beside it (``A09 · Diarrhoea ...``, ``A09 - Diarrhoea ...`` as VClaim writes it)
CODE_BESIDE = re.compile(r"\b([A-Z][0-9]{2}(?:\.[0-9A-Z]{1,2})?) [·-] ")


def _without_icd10_titles(text: str) -> str:
    """``text`` less the ICD-10 titles shown beside their code: WHO's English reference data, for which no
    Indonesian source exists on PyPI, npm or Debian (assumption A-L02); a title without its code is read."""
    from jkn.reference.care_codes import icd10

    titles, out, at = icd10(), [], 0
    for m in CODE_BESIDE.finditer(text):
        d = titles.get(m.group(1))
        if d and m.end() >= at and text.startswith(d.title, m.end()):
            out.append(text[at:m.end()])
            at = m.end() + len(d.title)
    return "".join(out) + text[at:]


def problems(text: str) -> list[str]:
    """What on this text is not Indonesian for a reader."""
    found = []
    text = _without_icd10_titles(text)
    words = re.sub(r"\S+\.user\b", " ", text)  # the test world's user names (``head.user``) are names
    english = sorted({w for w in WORD.findall(words) if w.lower() in ENGLISH_ONLY})
    if english:
        found.append(f"English: {english[:12]}")
    found += [f"file name: {m.group(0)!r}" for m in FILE_NAMES.finditer(text)][:3]
    found += [f"Python literal: {text[max(0, m.start() - 20):m.end() + 20]!r}" for m in LITERALS.finditer(text)][:3]
    codes = sorted({w for w in UPPER.findall(text) if (w in CODES or "_" in w) and w not in INDONESIAN_UPPER | PROPER
                    and not re.search(BESIDE.format(code=re.escape(w)), text)})
    if codes:
        found.append(f"codes: {codes[:12]}")
    return found


class Crawl:
    """Pages visited (url → parsed text) and what is wrong on them."""

    def __init__(self):
        self.pages: dict[str, _Text] = {}

    def read(self, url: str, html: str) -> _Text:
        parsed = _Text()
        parsed.feed(html)
        self.pages[url] = parsed
        return parsed

    def dump(self, folder: str) -> None:
        """``JKN_CRAWL_DUMP=<folder>``: the text of every page, one file each (to read what the test read)."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        for i, (url, parsed) in enumerate(self.pages.items()):
            (out / f"{i:03d}.txt").write_text(url + "\n\n" + "\n".join(parsed.plain) + "\n\n--- explain ---\n"
                                             + "\n".join(parsed.explain), encoding="utf-8")

    def findings(self, part: str) -> dict[str, list[str]]:
        out = {}
        for url, parsed in self.pages.items():
            found = problems(" \n ".join(getattr(parsed, part)))
            if found:
                out[url] = found
        return out


def report(found: dict[str, list[str]]) -> str:
    return f"{len(found)} pages:\n" + "\n".join(f"{url}: {'; '.join(what)}" for url, what in sorted(found.items()))


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def walk(client, crawl: Crawl, label: str, start: list[str], limit: int = 60) -> None:
    """Follow every same-site link from ``start`` (breadth first), a few pages of each shape."""
    queue, seen, shapes = deque(start), set(), {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or SKIP.search(parts.path) or "lang=" in parts.query:
            continue
        shape = _shape(parts.path)
        if shapes.get(shape, 0) >= PER_SHAPE:
            continue
        seen.add(path)
        shapes[shape] = shapes.get(shape, 0) + 1
        r = client.get(path, follow_redirects=True)
        if "text/html" not in r.headers.get("content-type", ""):
            continue
        parsed = crawl.read(f"{label} {r.url.path}{'?' + r.url.query.decode() if r.url.query else ''}", r.text)
        for href in parsed.links:
            target = urlsplit(urljoin(str(r.url), href))
            if target.netloc == urlsplit(str(r.url)).netloc:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))


@pytest.fixture(scope="module")
def crawled(_prepared):
    url, engine = _prepared("sqlite")
    world = build_world(engine)
    with Session(engine) as s, s.begin():
        region = s.get(BranchRow, world.medan_branch).deputy_region_code
        accounts.create_user(s, SYSTEM, username="regional.user", password=PASSWORD, role=accounts.REGIONAL_MANAGER,
                             full_name="Regional User", deputy_region=region)
    world.users["regional"] = "regional.user"
    with Session(engine) as s, s.begin():  # the world's "Head User", "Regional User" are English names
        s.execute(update(UserAccountRow).values(full_name="Petugas " + UserAccountRow.username))
    crawl = Crawl()
    with LiveServer(url) as server:
        _visit_public(server, crawl, world)
        _act(server, crawl, world)
        for role in ROLES:
            client, r = login(server, world.users[role])
            assert r.status_code == 303, role
            walk(client, crawl, role, ["/portal", "/akun"])
    if os.environ.get("JKN_CRAWL_DUMP"):
        crawl.dump(os.environ["JKN_CRAWL_DUMP"])
    yield crawl, world


def _visit_public(server, crawl: Crawl, world) -> None:
    anon = server.client()
    walk(anon, crawl, "public", ["/", "/wilayah", "/cari?q=medan", "/kantor?q=Kota+Bekasi",
                                 "/kantor?q=3275014101900001", "/wilayah/kabkota/12.71", "/masuk"], limit=25)
    for path in ("/simulasi?segment=PBPU_MANDIRI&as_of=2024-06-01&care_class=III&persons=2",
                 "/simulasi?segment=PPU_SWASTA&as_of=2024-06-01&wage=5000000&persons=1",
                 "/simulasi?segment=PPU_SWASTA&as_of=2024-06-01&wage=satu",
                 "/simulasi?p_segment=PBPU_MANDIRI&p_as_of=2024-06-15&unpaid=2024-01+42000%0A2024-02+42000"
                 "&suspended_since=2024-02-01",
                 "/tidak-ada-halaman", "/petugas/peserta/0000000000000"):
        crawl.read(f"public {path}", anon.get(path, follow_redirects=True).text)
    form = anon.get("/masuk").text
    r = anon.post("/masuk", data={"username": world.users["medan"], "password": "salah-sekali",
                                 "csrf_token": token(form)})
    crawl.read("public POST /masuk (wrong password)", r.text)


def _act(server, crawl: Crawl, world) -> None:
    """The answers behind forms: a SEP refusal, a complaint through its states, a 403."""
    rs, _ = login(server, world.users["rs"])
    form = rs.get("/faskes/sep").text
    r = rs.post("/faskes/sep", data={"csrf_token": token(form), "card_number": world.medan_card,
                                     "service_type": "2", "diagnosis": "A09", "poli": "INT"})
    crawl.read("rs POST /faskes/sep (no referral)", r.text)
    crawl.read("rs /faskes?q=card", rs.get(f"/faskes?q={world.medan_card}").text)
    officer, _ = login(server, world.users["medan"])
    crawl.read("medan /petugas?q=Budi", officer.get("/petugas?q=Budi").text)
    page = officer.get("/pengaduan/baru").text
    r = officer.post("/pengaduan/baru", data={"csrf_token": token(page), "channel": "HOTLINE", "category": "COMPLAINT",
                                              "subject": "Kartu belum diterima", "description": "Sudah dua bulan",
                                              "complainant_name": "Budi", "kabkota_code": "12.71"})
    number = r.headers["location"].rsplit("/", 1)[-1].split("?")[0]
    detail = officer.get(f"/pengaduan/{number}").text
    officer.post(f"/pengaduan/{number}/jawab", data={"csrf_token": token(detail), "answer": "Kartu dikirim ulang."})
    crawl.read("medan /pengaduan/<answered>", officer.get(f"/pengaduan/{number}").text)
    budi, _ = login(server, world.users["budi"])
    crawl.read("budi /petugas (403)", budi.get("/petugas").text)


def test_every_page_was_visited_as_every_role(crawled):
    crawl, _ = crawled
    for role in ROLES:
        assert sum(url.startswith(role + " ") for url in crawl.pages) >= 2, role
    assert len(crawl.pages) > 60


#: pages whose message is a rule's refusal, made of the deciding step's text and source (helper l1)
REFUSALS = ("rs POST /faskes/sep (no referral)",)


def test_pages_read_in_indonesian(crawled):
    crawl, _ = crawled
    found = {url: what for url, what in crawl.findings("plain").items() if url not in REFUSALS}
    assert not found, report(found)


def test_refusals_read_in_indonesian(crawled):
    crawl, _ = crawled
    found = {url: what for url, what in crawl.findings("plain").items() if url in REFUSALS}
    assert not found, report(found)


def test_explanations_read_in_indonesian(crawled):
    crawl, _ = crawled
    found = crawl.findings("explain")
    assert not found, report(found)


def test_the_check_finds_what_it_looks_for():
    """The detector itself: each kind of mistake of the issue is found, plain Indonesian is not."""
    assert problems("Peserta aktif, iuran Rp 42.000 dibayar 10 Juni 2024.") == []
    assert problems("wrong user name or password")
    assert problems("lihat seeds/001_d5e14434fcbc8e18.txt")
    assert problems("{'employer_pct': '4'}") and problems("('(0911) 3825199',)")
    assert problems("Segmen PPU_SWASTA, status ACTIVE") and problems("FACILITY_STAFF / COMPLAINT")
    from jkn.reference.care_codes import icd10

    title = icd10()["J06"].title  # "Acute upper respiratory infections of multiple and unspecified sites"
    assert problems(f"Diagnosa: J06 · {title}") == [] and problems(f"Diagnosa: J06 - {title}") == []
    assert problems(f"Diagnosa: {title}")  # an English title without its code is English
    assert problems("(assumption A-02)")
