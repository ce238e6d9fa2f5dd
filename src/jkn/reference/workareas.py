"""BPJS Kesehatan work areas of 2017 (Perdir 19/2017, Lampiran): data, loaders, rebuild.

The curated tables live in ``data/`` (see ``data/PROVENANCE.md``):
``deputy_regions.csv`` (13 Kedeputian Wilayah), ``branches.csv`` (127 Kantor Cabang)
and ``kabkota.csv`` (the 514 kabupaten/kota of Permendagri 137/2017, each in one branch).
They are the OCR'd Lampiran (parsed by :mod:`jkn.reference.perdir_table`) with the
edits of ``data/workarea_corrections.csv`` applied; :func:`rebuild` re-derives them.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources

from jkn.reference.perdir_table import CELLS, RawRow, parse_row

DEPUTY_CLASSES = frozenset({"A", "B"})
BRANCH_CLASSES = frozenset({"UTAMA", "A", "B", "KHUSUS"})
DISTRICT_CLASSES = frozenset({"UTAMA", "A", "B"})
SPECIAL_BRANCH_CLASS = "KHUSUS"  # "Cabang Prima": a special branch with no territory
EXPECTED_COUNTS = {"deputy_regions": 13, "branches": 127, "kabkota": 514}

#: Vocabulary of ``workarea_corrections.csv`` (documented in data/PROVENANCE.md).
CORRECTION_KINDS = frozenset({
    "realign_branch", "realign_deputy", "realign_province", "province_filled",
    "spelling", "name_variant", "jenis_fixed", "kabkota_added",
})
ROW_FIELD = "row"  # field of a kabkota_added correction: a whole markdown row

TABLE_COLUMNS = {
    "deputy_regions": ("code", "name", "class"),
    "branches": ("code", "name", "class", "deputy_region_code", "seat_kabkota_code"),
    "kabkota": ("code", "name", "jenis", "province_code", "province", "branch_code",
                "district_office_class"),
}
CORRECTION_COLUMNS = ("id", "kind", "seed_line", "field", "raw_value", "corrected_value",
                      "evidence")


class WorkAreaDataError(ValueError):
    """The work-area data (or a rebuild of it) is inconsistent."""


@dataclass(frozen=True, slots=True)
class DeputyRegion:
    """A Kedeputian Wilayah; ``klass`` is A or B."""

    code: str
    name: str
    klass: str


@dataclass(frozen=True, slots=True)
class Branch:
    """A Kantor Cabang; ``klass`` is UTAMA/A/B/KHUSUS; no seat for KHUSUS (Prima)."""

    code: str
    name: str
    klass: str
    deputy_region_code: str
    seat_kabkota_code: str | None


@dataclass(frozen=True, slots=True)
class KabKota:
    """A kabupaten/kota (Kemendagri code) and the branch that serves it.

    ``district_office_class`` is None for the branch seat, else UTAMA/A/B.
    """

    code: str
    name: str
    jenis: str
    province_code: str
    province: str
    branch_code: str
    district_office_class: str | None


@dataclass(frozen=True, slots=True)
class WorkAreas:
    """The three tables, each a dict by code (in code order)."""

    deputy_regions: Mapping[str, DeputyRegion]
    branches: Mapping[str, Branch]
    kabkota: Mapping[str, KabKota]

    def branch_of(self, kabkota_code: str) -> Branch:
        """The branch serving kab/kota ``kabkota_code`` (KeyError if unknown)."""
        return self.branches[self.kabkota[kabkota_code].branch_code]


@dataclass(frozen=True, slots=True)
class Correction:
    """One line of ``workarea_corrections.csv``."""

    id: str
    kind: str
    seed_line: int
    field: str
    raw_value: str
    corrected_value: str
    evidence: str


# --- reading -----------------------------------------------------------------------

def _data_text(name: str) -> str:
    return resources.files("jkn.reference").joinpath("data", name).read_text("utf-8")


def _read_csv(text: str, columns: Sequence[str], what: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != tuple(columns):
        raise WorkAreaDataError(f"{what}: columns {reader.fieldnames}, expected {list(columns)}")
    return list(reader)


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of the packaged table ``name`` (deputy_regions, branches, kabkota)."""
    return _read_csv(_data_text(f"{name}.csv"), TABLE_COLUMNS[name], f"{name}.csv")


def read_corrections(text: str | None = None) -> list[Correction]:
    """The corrections (default: the packaged ``workarea_corrections.csv``)."""
    text = _data_text("workarea_corrections.csv") if text is None else text
    out = []
    for row in _read_csv(text, CORRECTION_COLUMNS, "workarea_corrections.csv"):
        if row["kind"] not in CORRECTION_KINDS:
            raise WorkAreaDataError(f"correction {row['id']}: unknown kind {row['kind']!r}")
        if row["field"] not in CELLS and row["field"] != ROW_FIELD:
            raise WorkAreaDataError(f"correction {row['id']}: unknown field {row['field']!r}")
        if not row["evidence"].strip():
            raise WorkAreaDataError(f"correction {row['id']}: no evidence")
        out.append(Correction(**{**row, "seed_line": int(row["seed_line"])}))
    return out


# --- rebuild from the raw seed -----------------------------------------------------

def apply_corrections(raw_rows: Sequence[RawRow], corrections: Iterable[Correction]
                      ) -> list[RawRow]:
    """The raw Lampiran rows with every correction applied, in document order.

    A cell correction must find ``raw_value`` in that cell of the row at ``seed_line``;
    a ``row`` correction inserts the markdown row ``corrected_value`` after that line.
    Raises :class:`WorkAreaDataError` on a correction that does not fit the raw text.
    """
    rows = {r.line: r for r in raw_rows}
    inserted: dict[int, list[RawRow]] = {}
    seen: set[tuple[int, str]] = set()
    for c in corrections:
        if c.seed_line not in rows:
            raise WorkAreaDataError(f"correction {c.id}: no table row on seed line {c.seed_line}")
        if c.field == ROW_FIELD:
            new = parse_row(c.corrected_value, line=c.seed_line, page=rows[c.seed_line].page)
            if c.raw_value or new is None:
                raise WorkAreaDataError(f"correction {c.id}: bad inserted row")
            inserted.setdefault(c.seed_line, []).append(new)
            continue
        if (c.seed_line, c.field) in seen:
            raise WorkAreaDataError(f"correction {c.id}: cell {c.field} of line "
                                    f"{c.seed_line} corrected twice")
        seen.add((c.seed_line, c.field))
        current = rows[c.seed_line].cell(c.field)
        if current != c.raw_value:
            raise WorkAreaDataError(f"correction {c.id}: line {c.seed_line} {c.field} is "
                                    f"{current!r}, not {c.raw_value!r}")
        rows[c.seed_line] = replace(rows[c.seed_line], **{c.field: c.corrected_value})
    out: list[RawRow] = []
    for r in raw_rows:
        out.append(rows[r.line])
        out.extend(inserted.get(r.line, ()))
    return out


_PREFIX = re.compile(r"^(kabupaten|kab\.?|kotamadya|kota)\s+(adm\.\s*)?", re.IGNORECASE)


def normalise_kabkota(name: str) -> tuple[str | None, str]:
    """(jenis, key) for matching a kab/kota name: prefix gives the jenis; the key ignores
    case, spaces and hyphens ("Kab. Tulung Agung" == "KAB. TULUNGAGUNG")."""
    name = name.strip()
    jenis = None
    if m := _PREFIX.match(name):
        jenis = "Kota" if m.group(1).lower().startswith("kota") else "Kabupaten"
        name = name[m.end():]
    return jenis, re.sub(r"[\s\-]+", "", name.casefold())


def normalise_province(name: str) -> str:
    """Key for comparing province names ("DI Aceh" == "ACEH", "Papua" == "P A P U A")."""
    key = re.sub(r"[^a-z]", "", name.casefold())
    return re.sub(r"^(daerahistimewa|dki|di)", "", key)


def _build_error(row: RawRow, message: str) -> WorkAreaDataError:
    return WorkAreaDataError(f"seed line {row.line}: {message}")


def build_tables(rows: Sequence[RawRow], official: Sequence[Mapping[str, str]]
                 ) -> dict[str, list[dict[str, str]]]:
    """The curated tables from clean Lampiran rows and the official 2017 kab/kota list
    (rows with kode, kode_provinsi, provinsi, jenis, nama).

    A clean row is either a branch row (NO, province, branch, class, seat kab/kota with
    a blank class; a deputy-region label opens a new region) or a continuation row
    (kab/kota and its district-office class only), as on pages 2-6 of the Lampiran.
    """
    index = {normalise_kabkota(o["nama"]): o for o in official}
    if len(index) != len(official) or None in {j for j, _ in index}:
        raise WorkAreaDataError("official list: names not unique by (jenis, name)")
    deputies: list[dict[str, str]] = []
    branches: list[dict[str, str]] = []
    kabkota: dict[str, dict[str, str]] = {}
    province = ""
    for row in rows:
        if row.no:
            if row.no != str(len(branches) + 1):
                raise _build_error(row, f"NO {row.no!r} should be {len(branches) + 1}")
            if row.deputy:
                if not row.deputy.startswith("Wilayah ") or row.deputy_class not in DEPUTY_CLASSES:
                    raise _build_error(row, f"bad deputy region {row.deputy!r}/{row.deputy_class!r}")
                deputies.append({"code": f"{len(deputies) + 1:02d}", "name": row.deputy,
                                 "class": row.deputy_class})
            elif row.deputy_class or not deputies:
                raise _build_error(row, "deputy class without a deputy region")
            if not row.province or not row.branch.startswith("Cabang "):
                raise _build_error(row, "branch row without province or 'Cabang' name")
            if row.branch_class not in BRANCH_CLASSES:
                raise _build_error(row, f"bad branch class {row.branch_class!r}")
            special = row.branch_class == SPECIAL_BRANCH_CLASS
            if bool(row.kabkota) == special or row.kabkota_class:
                raise _build_error(row, "branch row needs a seat with a blank class "
                                        "(none for KHUSUS)")
            province = row.province
            branches.append({"code": f"{len(branches) + 1:03d}",
                             "name": row.branch.removeprefix("Cabang "),
                             "class": row.branch_class,
                             "deputy_region_code": deputies[-1]["code"],
                             "seat_kabkota_code": ""})
        elif any(row.cell(c) for c in CELLS[:6]) or not branches:
            raise _build_error(row, "continuation row carries branch cells")
        elif not row.kabkota or row.kabkota_class not in DISTRICT_CLASSES:
            raise _build_error(row, f"bad kab/kota row {row.kabkota!r}/{row.kabkota_class!r}")
        elif branches[-1]["class"] == SPECIAL_BRANCH_CLASS:
            raise _build_error(row, "KHUSUS branch with a kab/kota")
        if not row.kabkota:
            continue
        match = index.get(normalise_kabkota(row.kabkota))
        if match is None:
            raise _build_error(row, f"{row.kabkota!r} is not in the official 2017 list")
        if match["kode"] in kabkota:
            raise _build_error(row, f"{row.kabkota!r} listed twice")
        if normalise_province(match["provinsi"]) != normalise_province(province):
            raise _build_error(row, f"{row.kabkota!r} is in {match['provinsi']}, "
                                    f"not {province!r}")
        branch = branches[-1]
        if row.no:
            branch["seat_kabkota_code"] = match["kode"]
        kabkota[match["kode"]] = {
            "code": match["kode"], "name": match["nama"], "jenis": match["jenis"],
            "province_code": match["kode_provinsi"], "province": match["provinsi"],
            "branch_code": branch["code"], "district_office_class": row.kabkota_class}
    unplaced = sorted({o["kode"] for o in official} - set(kabkota))
    if unplaced:
        raise WorkAreaDataError(f"official kab/kota in no branch: {unplaced}")
    return {"deputy_regions": deputies, "branches": branches,
            "kabkota": [kabkota[k] for k in sorted(kabkota)]}


def rebuild(raw_rows: Sequence[RawRow], corrections: Iterable[Correction],
            official: Sequence[Mapping[str, str]]) -> dict[str, list[dict[str, str]]]:
    """The curated tables re-derived from the raw Lampiran rows and the corrections."""
    return build_tables(apply_corrections(raw_rows, corrections), official)


# --- typed, validated loading ------------------------------------------------------

def _validate(areas: WorkAreas) -> None:
    counts = {"deputy_regions": len(areas.deputy_regions), "branches": len(areas.branches),
              "kabkota": len(areas.kabkota)}
    if counts != EXPECTED_COUNTS:
        raise WorkAreaDataError(f"counts {counts}, expected {EXPECTED_COUNTS}")
    for d in areas.deputy_regions.values():
        if d.klass not in DEPUTY_CLASSES:
            raise WorkAreaDataError(f"deputy region {d.code}: class {d.klass!r}")
    members: dict[str, list[KabKota]] = {b: [] for b in areas.branches}
    for k in areas.kabkota.values():
        if k.branch_code not in members:
            raise WorkAreaDataError(f"kab/kota {k.code}: unknown branch {k.branch_code!r}")
        if k.district_office_class not in DISTRICT_CLASSES | {None}:
            raise WorkAreaDataError(f"kab/kota {k.code}: class {k.district_office_class!r}")
        members[k.branch_code].append(k)
    for b in areas.branches.values():
        where = f"branch {b.code} {b.name}"
        if b.klass not in BRANCH_CLASSES or b.deputy_region_code not in areas.deputy_regions:
            raise WorkAreaDataError(f"{where}: class {b.klass!r}, deputy {b.deputy_region_code!r}")
        seats = [k.code for k in members[b.code] if k.district_office_class is None]
        if b.klass == SPECIAL_BRANCH_CLASS:
            if b.seat_kabkota_code or members[b.code]:
                raise WorkAreaDataError(f"{where}: a KHUSUS branch has no kab/kota")
        elif seats != [b.seat_kabkota_code]:
            raise WorkAreaDataError(f"{where}: seat {b.seat_kabkota_code!r} but blank-class "
                                    f"kab/kota {seats}")
    unused = set(areas.deputy_regions) - {b.deputy_region_code for b in areas.branches.values()}
    if unused:
        raise WorkAreaDataError(f"deputy regions without branches: {sorted(unused)}")


def workareas_from_tables(tables: Mapping[str, Sequence[Mapping[str, str]]]) -> WorkAreas:
    """Typed, validated :class:`WorkAreas` from table rows (as in the CSV files)."""
    def by_code(items):
        out = {}
        for item in items:
            if item.code in out:
                raise WorkAreaDataError(f"duplicate code {item.code!r}")
            out[item.code] = item
        return dict(sorted(out.items()))

    areas = WorkAreas(
        deputy_regions=by_code(DeputyRegion(r["code"], r["name"], r["class"])
                               for r in tables["deputy_regions"]),
        branches=by_code(Branch(r["code"], r["name"], r["class"], r["deputy_region_code"],
                                r["seat_kabkota_code"] or None)
                         for r in tables["branches"]),
        kabkota=by_code(KabKota(r["code"], r["name"], r["jenis"], r["province_code"],
                                r["province"], r["branch_code"],
                                r["district_office_class"] or None)
                        for r in tables["kabkota"]),
    )
    _validate(areas)
    return areas


@functools.cache
def load_workareas() -> WorkAreas:
    """The packaged 2017 work areas, validated (raises :class:`WorkAreaDataError`)."""
    return workareas_from_tables({name: read_table(name) for name in TABLE_COLUMNS})


def kabkota_label(code: str | None) -> str:
    """A kab/kota by name with its code beside (``Kota Medan (12.71)``): officers use the code."""
    found = load_workareas().kabkota.get(code or "")
    return f"{found.name.title()} ({code})" if found else (code or "")
