"""Tests for the 2017 work areas (Perdir 19/2017, Lampiran) and their corrections file.

The curated CSVs must be exactly what the raw OCR'd seed table gives once
workarea_corrections.csv is applied, and every correction must matter.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from jkn.reference import workareas as wa
from jkn.reference.perdir_table import CELLS, parse_lampiran, parse_row

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED = SHARED / "seeds" / "000_f468d8c6b88c78ec.txt"
OFFICIAL_2017 = SHARED / "reference" / "kabkota_2017_permendagri_137_2017.csv"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared material not available: {path}")
    return path


@pytest.fixture(scope="module")
def raw_rows():
    return parse_lampiran(_need(SEED).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def official():
    with _need(OFFICIAL_2017).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def corrections():
    return wa.read_corrections()


@pytest.fixture(scope="module")
def curated():
    return {name: wa.read_table(name) for name in wa.TABLE_COLUMNS}


@pytest.fixture(scope="module")
def areas():
    return wa.load_workareas()


# --- shape of the curated data ------------------------------------------------------

def test_counts(areas):
    assert (len(areas.deputy_regions), len(areas.branches), len(areas.kabkota)) == (13, 127, 514)
    assert list(areas.deputy_regions) == [f"{i:02d}" for i in range(1, 14)]
    assert list(areas.branches) == [f"{i:03d}" for i in range(1, 128)]


def test_every_kabkota_in_exactly_one_existing_branch(areas, curated):
    codes = [r["code"] for r in curated["kabkota"]]
    assert len(codes) == len(set(codes))
    assert all(k.branch_code in areas.branches for k in areas.kabkota.values())


def test_seats_inside_their_branch_with_blank_class(areas):
    for b in areas.branches.values():
        if b.klass == "KHUSUS":
            continue
        seat = areas.kabkota[b.seat_kabkota_code]
        assert seat.branch_code == b.code and seat.district_office_class is None
        others = [k for k in areas.kabkota.values()
                  if k.branch_code == b.code and k.code != b.seat_kabkota_code]
        assert all(k.district_office_class in {"UTAMA", "A", "B"} for k in others)


def test_classes_and_deputy_links(areas):
    assert {d.klass for d in areas.deputy_regions.values()} <= {"A", "B"}
    assert {b.klass for b in areas.branches.values()} == {"UTAMA", "A", "B", "KHUSUS"}
    assert all(b.deputy_region_code in areas.deputy_regions for b in areas.branches.values())
    assert {b.deputy_region_code for b in areas.branches.values()} == set(areas.deputy_regions)


def test_prima_is_khusus_without_territory(areas):
    special = [b for b in areas.branches.values() if b.klass == "KHUSUS"]
    assert [(b.name, b.seat_kabkota_code) for b in special] == [("Prima", None)]
    assert not [k for k in areas.kabkota.values() if k.branch_code == special[0].code]


def test_names_from_the_regulation(areas):
    assert areas.deputy_regions["01"].name == "Wilayah Sumatera Utara dan DI Aceh"
    names = {b.name for b in areas.branches.values()}
    assert {"Medan", "Tembilahan", "Makale", "Bukittinggi"} <= names
    assert not {n for n in names if n.startswith("Cabang") or n in {"Temblahan", "Makenle"}}


def test_kabkota_equal_official_2017_list(areas, official):
    assert set(areas.kabkota) == {o["kode"] for o in official}
    for o in official:
        k = areas.kabkota[o["kode"]]
        assert (k.name, k.jenis, k.province_code, k.province) == (
            o["nama"], o["jenis"], o["kode_provinsi"], o["provinsi"])


def test_bad_data_gives_a_clear_error(curated):
    broken = {**curated, "branches": [dict(r) for r in curated["branches"]]}
    broken["branches"][0]["seat_kabkota_code"] = "12.72"  # Pematang Siantar's seat
    with pytest.raises(wa.WorkAreaDataError, match="branch 001 Medan"):
        wa.workareas_from_tables(broken)


# --- the corrections re-derive the data from the raw seed ------------------------

def test_raw_parse_is_the_ocr_text(raw_rows):
    assert len(raw_rows) == 514 and raw_rows[0].line == 95 and raw_rows[-1].line == 623
    assert [r.no for r in raw_rows if r.page == 2][0] == "21"  # numbering restarts
    assert sum(1 for r in raw_rows if r.no) == 136  # 29 drifted rows on page 1
    assert any(r.kabkota == "Kab. Pectan" for r in raw_rows)


def test_rebuild_from_raw_seed_equals_curated(raw_rows, corrections, official, curated):
    assert wa.rebuild(raw_rows, corrections, official) == curated


def test_raw_table_alone_does_not_build(raw_rows, official):
    with pytest.raises(wa.WorkAreaDataError):
        wa.build_tables(raw_rows, official)


def test_every_correction_is_needed(raw_rows, corrections, official, curated):
    """Leave each correction out: the rebuild must fail or differ (nothing fixed silently)."""
    unused = []
    for i, c in enumerate(corrections):
        try:
            result = wa.rebuild(raw_rows, corrections[:i] + corrections[i + 1:], official)
        except wa.WorkAreaDataError:
            continue
        if result == curated:
            unused.append(c.id)
    assert unused == []


def test_every_cell_difference_has_one_correction(raw_rows, corrections):
    fixed = wa.apply_corrections(raw_rows, corrections)
    raw = {r.line: r for r in raw_rows}
    originals, inserted = {}, []
    for r in fixed:  # an inserted row follows the row of its seed line
        if r.line in originals:
            inserted.append(r)
        else:
            originals[r.line] = r
    changed = Counter((line, f) for line, r in originals.items()
                      for f in CELLS if raw[line].cell(f) != r.cell(f))
    assert changed == Counter((c.seed_line, c.field) for c in corrections if c.field in CELLS)
    added = [c for c in corrections if c.field == wa.ROW_FIELD]
    assert len(inserted) == len(added) and {c.kind for c in added} == {"kabkota_added"}


def test_correction_file_is_well_formed(corrections):
    assert [c.id for c in corrections] == [f"C{i:03d}" for i in range(1, len(corrections) + 1)]
    assert {c.kind for c in corrections} <= wa.CORRECTION_KINDS
    assert all(c.evidence.strip() for c in corrections)


def test_a_correction_that_does_not_fit_the_seed_is_refused(raw_rows, corrections):
    bad = wa.Correction("X1", "spelling", 350, "kabkota", "Kab. Pacitan", "Kab. Pacitan", "x")
    with pytest.raises(wa.WorkAreaDataError, match="X1"):
        wa.apply_corrections(raw_rows, [bad])


def test_parse_row_skips_header_and_separator():
    assert parse_row("| NO | KEDEPUTIAN WILAYAH | PROVINSI | a | b | c | d | e |") is None
    assert parse_row("|----|---|---|---|---|---|---|---|") is None
    row = parse_row("| | | | | | | Kab. Samosir | B |", line=7)
    assert (row.kabkota, row.kabkota_class, row.line) == ("Kab. Samosir", "B", 7)
