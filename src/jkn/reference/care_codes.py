"""Care-flow reference data: facility kinds, clinics (poli), an ICD-10 subset and Aplicares bed classes.

Curated files in ``data/`` (provenance: ``data/CARE_REFERENCE.md``), validated at load.
Pure: no database, no web framework.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources

LEVELS = ("FKTP", "FKRTL", "PENUNJANG")
PARTNERSHIPS = ("PARTNER", "NETWORK", "NON_PARTNER")
GUIDE_SECTION = "FASILITAS KESEHATAN BAGI PESERTA"


class CareReferenceError(ValueError):
    """A shipped care reference file is malformed."""


@dataclass(frozen=True, slots=True)
class FacilityType:
    code: str
    level: str  # FKTP / FKRTL / PENUNJANG
    group: str
    name: str
    partnership: str  # default partnership of this kind: PARTNER or NETWORK
    guide_item: str

    @property
    def source(self) -> str:
        return f"Panduan Peserta, {GUIDE_SECTION}, {self.guide_item}"


@dataclass(frozen=True, slots=True)
class Poli:
    code: str
    name: str
    confirmed: bool


@dataclass(frozen=True, slots=True)
class Diagnosis:
    code: str
    title: str
    kind: str  # chapter / block / category / subcategory
    chapter: str
    block: str
    parent: str

    @property
    def codable(self) -> bool:
        """Categories and subcategories can be a diagnosis; chapters and blocks cannot."""
        return self.kind in ("category", "subcategory")

    @property
    def label(self) -> str:
        """VClaim's ``nama`` form: ``"A04 - Other bacterial intestinal infections"``."""
        return f"{self.code} - {self.title}"


def _rows(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    text = resources.files("jkn.reference").joinpath("data", name).read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != columns:
        raise CareReferenceError(f"{name}: columns {reader.fieldnames}, expected {list(columns)}")
    return list(reader)


@functools.cache
def facility_types() -> dict[str, FacilityType]:
    out: dict[str, FacilityType] = {}
    for r in _rows("facility_types.csv", ("code", "level", "group", "name", "partnership", "guide_item")):
        if r["level"] not in LEVELS or r["partnership"] not in ("PARTNER", "NETWORK"):
            raise CareReferenceError(f"facility_types.csv: bad level/partnership in {r}")
        if (r["level"] == "PENUNJANG") != (r["partnership"] == "NETWORK"):
            raise CareReferenceError(f"facility_types.csv: supporting facilities, and only they, are NETWORK: {r}")
        if r["code"] in out:
            raise CareReferenceError(f"facility_types.csv: duplicate {r['code']}")
        out[r["code"]] = FacilityType(**r)
    return out


@functools.cache
def polis() -> dict[str, Poli]:
    out: dict[str, Poli] = {}
    for r in _rows("poli.csv", ("code", "name", "confirmed")):
        if not re.fullmatch(r"[A-Z]{3}", r["code"]) or r["confirmed"] not in ("yes", "no") or r["code"] in out:
            raise CareReferenceError(f"poli.csv: bad row {r}")
        out[r["code"]] = Poli(r["code"], r["name"], r["confirmed"] == "yes")
    return out


#: the claim form's code lists VClaim publishes (data/vclaim_claim_codes.csv, provenance in CARE_REFERENCE.md)
CLAIM_CODE_LISTS = ("carakeluar", "pascapulang", "diagnosaprb")


@functools.cache
def claim_codes(name: str) -> tuple[tuple[str, str], ...]:
    """``(code, name)`` of one list: "carakeluar", "pascapulang" or "diagnosaprb"."""
    if name not in CLAIM_CODE_LISTS:
        raise CareReferenceError(f"no claim-form list {name!r}; lists: {', '.join(CLAIM_CODE_LISTS)}")
    out: list[tuple[str, str]] = []
    for r in _rows("vclaim_claim_codes.csv", ("list", "code", "name")):
        if r["list"] not in CLAIM_CODE_LISTS or not r["code"].isdigit() or not r["name"]:
            raise CareReferenceError(f"vclaim_claim_codes.csv: bad row {r}")
        if r["list"] == name:
            if any(code == r["code"] for code, _ in out):
                raise CareReferenceError(f"vclaim_claim_codes.csv: duplicate {name} {r['code']}")
            out.append((r["code"], r["name"]))
    return tuple(out)
@dataclass(frozen=True, slots=True)
class BedClass:
    code: str
    name: str
    source: str


@functools.cache
def bed_classes() -> dict[str, BedClass]:
    """Aplicares room classes (``rest/ref/kelas``), in file order (provenance: CARE_REFERENCE.md)."""
    out: dict[str, BedClass] = {}
    for r in _rows("aplicares_classes.csv", ("code", "name", "source")):
        if not re.fullmatch(r"[A-Z0-9]{3}", r["code"]) or not r["name"] or not r["source"] or r["code"] in out:
            raise CareReferenceError(f"aplicares_classes.csv: bad row {r}")
        out[r["code"]] = BedClass(**r)
    return out


_ICD_CODE = re.compile(r"[A-Z][0-9]{2}(\.[0-9]{1,2})?")


@functools.cache
def icd10() -> dict[str, Diagnosis]:
    out: dict[str, Diagnosis] = {}
    for r in _rows("icd10.csv", ("code", "title", "kind", "chapter", "block", "parent")):
        kind = r["kind"]
        if kind not in ("chapter", "block", "category", "subcategory") or not r["title"] or r["code"] in out:
            raise CareReferenceError(f"icd10.csv: bad row {r}")
        if kind in ("category", "subcategory") and not _ICD_CODE.fullmatch(r["code"]):
            raise CareReferenceError(f"icd10.csv: bad code {r['code']!r}")
        if kind == "subcategory" and r["parent"] not in out:
            raise CareReferenceError(f"icd10.csv: {r['code']} before its parent {r['parent']}")
        out[r["code"]] = Diagnosis(**r)
    return out


def normalise_icd(code: str) -> str:
    """``"a09"``, ``"A09"``, ``"O800"`` and ``"O80.0"`` to the dotted upper-case form."""
    c = (code or "").strip().upper().replace(" ", "")
    if len(c) > 3 and "." not in c and _ICD_CODE.fullmatch(f"{c[:3]}.{c[3:]}"):
        c = f"{c[:3]}.{c[3:]}"
    return c


def diagnosis(code: str) -> Diagnosis | None:
    """A codable diagnosis (category or subcategory) by code, else None."""
    d = icd10().get(normalise_icd(code))
    return d if d is not None and d.codable else None


def search_diagnoses(query: str, limit: int = 50) -> list[Diagnosis]:
    """Codable diagnoses whose code starts with, or whose title contains, ``query``."""
    q = (query or "").strip()
    if not q:
        return []
    code_q, text_q = normalise_icd(q), q.lower()
    hits = [d for d in icd10().values() if d.codable and (d.code.startswith(code_q) or text_q in d.title.lower())]
    hits.sort(key=lambda d: (not d.code.startswith(code_q), d.code))
    return hits[:limit]


def search_polis(query: str) -> list[Poli]:
    q = (query or "").strip().lower()
    return [p for p in polis().values() if not q or p.code.lower().startswith(q) or q in p.name.lower()]


def chapter_of(code: str) -> str | None:
    d = icd10().get(normalise_icd(code))
    return d.chapter if d else None
