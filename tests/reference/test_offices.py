"""Tests for the curated office directory (src/jkn/reference/data/offices.csv).

The helpers at the top rebuild the directory from the raw seed text, so that
every difference between the guide and the shipped CSV must be listed in
office_corrections.csv: nothing is fixed silently.
"""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

import pytest

from jkn.reference import offices as off

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
GUIDE = SEEDS / "001_d5e14434fcbc8e18.txt"
REGULATION = SEEDS / "000_f468d8c6b88c78ec.txt"

# OCR spelling slips in the regulation's KANTOR CABANG column (docs/data-notes.md).
REGULATION_BRANCH_FIXES = {"Temblahan": "Tembilahan", "Makenle": "Makale"}


def _seed_lines(path: Path) -> list[str]:
    if not path.exists():
        pytest.skip(f"seed text not available: {path}")
    return path.read_text(encoding="utf-8").splitlines()


def regulation_branch_names() -> set[str]:
    """The 127 branch names of Perdir 19/2017, spelling slips fixed."""
    text = "\n".join(_seed_lines(REGULATION))
    names = {m.strip() for m in re.findall(r"\|\s*Cabang ([A-Z][A-Za-z ]*?)\s*\|", text)}
    return {REGULATION_BRANCH_FIXES.get(n, n) for n in names}


# --- rebuilding the directory from the guide -------------------------------------

def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text.replace(" ,", ",")


def _clean_heading(text: str) -> str:
    text = re.sub(r"^#+\s*", "", text.strip())
    text = re.sub(r"\*+", " ", text)
    text = re.sub(r"(\S)\(", r"\1 (", text)
    return _clean(text)


def _split_numbers(text: str) -> str:
    return " / ".join(p.strip() for p in re.split(r"[,;/]", _clean(text)) if p.strip())


def parse_directory(lines: list[str]) -> list[dict[str, str]]:
    """Offices of the guide's "DAFTAR ALAMAT KANTOR" as written (1-based source_line)."""
    start = next(i for i, l in enumerate(lines) if "DAFTAR ALAMAT KANTOR BPJS KESEHATAN" in l)
    end = next(i for i, l in enumerate(lines) if l.strip() == "**Kantor Pusat:**")
    blocks: list[tuple[int, list[str], list[str]]] = []
    i = start + 1
    while i < end:
        s = lines[i].strip()
        if s.startswith("#") or s.startswith("**"):
            head_at, head = i, []
            while i < end and lines[i].strip():
                head.append(lines[i])
                i += 1
            blocks.append((head_at + 1, head, []))
        elif s:
            blocks[-1][2].append(s)
            i += 1
        else:
            i += 1
    offices = []
    for line_no, head, body in blocks:
        name = _clean_heading(" ".join(head))
        if name.startswith("DIVISI") and body and body[0].casefold() == name.casefold():
            body = body[1:]  # Divisi Regional V repeats its heading as the first body line
        cover: list[str] = []
        if body and body[0].startswith("("):
            while body:
                cover.append(body.pop(0))
                if cover[-1].endswith(")"):
                    break
        parts: dict[str, list[str]] = {"address": [], "phones": [], "fax": [], "hotline": []}
        mode = "address"
        for b in body:
            for prefix, m in (("Telp.", "phones"), ("☎", "phones"), ("🖨", "fax"), ("Hotline.", "hotline")):
                if b.startswith(prefix):
                    mode, b = m, b[len(prefix):]
                    break
            parts[mode].append(b)
        covers = _clean(" ".join(cover))[1:-1] if cover else ""
        offices.append({
            "name_in_guide": name,
            "address": _clean(" ".join(parts["address"])),
            "phones": _split_numbers(" ".join(parts["phones"])),
            "fax": _split_numbers(" ".join(parts["fax"])),
            "hotline": _split_numbers(" ".join(parts["hotline"])),
            "covers_in_guide": "; ".join(c.strip() for c in covers.split(",") if c.strip()),
            "source_line": str(line_no),
        })
    return offices


def _data_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("jkn.reference.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _strip_markdown(text: str) -> str:
    return _clean(re.sub(r"^\s*\d+\.\s*|\*+", "", text))


# --- the shipped CSV against the guide -----------------------------------------

REBUILT_FIELDS = ("name_in_guide", "address", "phones", "fax", "hotline", "covers_in_guide", "source_line")


def test_csv_is_the_guide_plus_listed_corrections():
    lines = _seed_lines(GUIDE)
    rebuilt = parse_directory(lines)
    shipped = _data_csv("offices.csv")
    assert [r["source_line"] for r in shipped] == [r["source_line"] for r in rebuilt]
    by_id = {r["id"]: {k: r[k] for k in REBUILT_FIELDS} for r in shipped}
    rebuilt_by_id = {s["id"]: dict(r) for s, r in zip(shipped, rebuilt)}
    for c in _data_csv("office_corrections.csv"):
        assert c["raw"] in lines[int(c["source_line"]) - 1], c
        assert c["evidence"].strip(), c
        field = rebuilt_by_id[c["office_id"]][c["field"]]
        assert field.count(c["raw"]) == 1, c
        rebuilt_by_id[c["office_id"]][c["field"]] = field.replace(c["raw"], c["corrected"])
    assert by_id == rebuilt_by_id


def test_every_office_has_an_address_and_a_number():
    offices = off.load_offices()
    assert offices
    for o in offices:
        assert o.address.strip(), o.id
        assert o.phones or o.hotline, o.id


def test_counts_by_kind():
    kinds = [o.kind for o in off.load_offices()]
    assert kinds.count("head_office") == 1
    assert kinds.count("regional_division") == 12   # the guide prints Divisi Regional I..XII
    assert kinds.count("branch") == 104
    assert [d.division for d in off.regional_divisions()] == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def test_head_office():
    h = off.head_office()
    assert h.address == "Jl. Letjend. Suprapto, Cempaka Putih, Jakarta Pusat 10510"
    assert h.phones == ("(021) 4212938",)
    assert h.fax == "(021) 4212940"


def test_regulation_extract_has_127_branches():
    names = regulation_branch_names()
    assert len(names) == 127
    assert {"Tembilahan", "Makale", "Prima", "Muaro Bungo"} <= names
    assert not {"Temblahan", "Makenle"} & names


def test_every_branch_2017_name_is_a_regulation_branch():
    names = regulation_branch_names()
    branches = [o for o in off.load_offices() if o.kind == "branch"]
    for o in branches:
        assert o.branch_2017_name in names, o.id
    assert len({o.branch_2017_name for o in branches}) == len(branches)
    for o in off.load_offices():
        if o.kind != "branch":
            assert o.branch_2017_name is None, o.id


def test_every_regulation_branch_either_resolves_or_is_listed_as_unpublished():
    names = regulation_branch_names()
    unpublished = {n for n in names if off.directory_for_branch(n) is None}
    provenance = resources.files("jkn.reference.data").joinpath("OFFICES_PROVENANCE.md").read_text("utf-8")
    section = provenance.split("## 2017 branches with no published address", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^- ([A-Z][A-Za-z ]+?)\s*(?:\(|$)", section, re.M))
    assert unpublished == listed
    assert len(unpublished) == 127 - 104
    for n in names - unpublished:
        assert off.directory_for_branch(n).branch_2017_name == n


def test_aliases_file_covers_every_differing_name():
    aliases = {a["guide_name"]: a["branch_2017_name"] for a in _data_csv("office_name_aliases.csv")}
    for o in off.load_offices():
        if o.kind == "branch" and o.name_in_guide.casefold() != (o.branch_2017_name or "").casefold():
            assert aliases.get(o.name_in_guide) == o.branch_2017_name, o.name_in_guide
    assert aliases["BUKIT TINGGI"] == "Bukittinggi"
    assert aliases["BUNGO"] == "Muaro Bungo"
    assert aliases["PALOLO"] == "Palopo"


@pytest.mark.parametrize("query, expected", [
    ("Bukit Tinggi", "Bukittinggi"),
    ("Bukittinggi", "Bukittinggi"),
    ("BUNGO", "Muaro Bungo"),
    ("Kantor Cabang Muaro Bungo", "Muaro Bungo"),
    ("Palolo", "Palopo"),
    ("Cabang Palopo", "Palopo"),
    ("KC Bau-Bau", "Bau Bau"),
    ("Pare-Pare", "Pare Pare"),
    ("  jakarta   selatan ", "Jakarta Selatan"),
])
def test_aliases_resolve(query, expected):
    o = off.directory_for_branch(query)
    assert o is not None and o.branch_2017_name == expected


@pytest.mark.parametrize("branch", ["Wamena", "Tembilahan", "Makale", "Cimahi", "Depok", "Gunung Sitoli", "Nowhere"])
def test_branch_not_in_guide_returns_none(branch):
    assert off.directory_for_branch(branch) is None


def test_historical_coverage_is_kept_apart():
    # The guide lists Gunung Sitoli under Sibolga; in 2017 Gunung Sitoli is its own branch.
    sibolga = off.directory_for_branch("Sibolga")
    assert "Kota Gunung Sitoli" in sibolga.covers_in_guide
    assert off.directory_for_branch("Gunung Sitoli") is None


def test_call_centre_number_and_hours():
    cc = off.contact_centre()
    call = cc.call_centre
    assert call.number == "500 400"
    assert call.days == ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    assert (call.opens, call.closes, call.timezone) == ("06:00", "22:00", "WIB")
    line = _seed_lines(GUIDE)[call.source_line - 1]
    assert "500 400" in line and "Senin s/d Jumat" in line and "06.00 s/d 22.00 WIB" in line
    assert _strip_markdown(line) == call.text_in_guide


def test_contact_channels_quote_the_guide():
    lines = _seed_lines(GUIDE)
    channels = off.contact_centre().channels
    kinds = [c.kind for c in channels]
    assert {"branch_office_and_hotline", "staff_at_facility", "call_centre", "website"} <= set(kinds)
    for c in channels:
        assert c.text_in_guide in _strip_markdown(lines[c.source_line - 1]), c.kind
    website = next(c for c in channels if c.kind == "website")
    assert website.value == "www.bpjs-kesehatan.go.id"
