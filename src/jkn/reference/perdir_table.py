"""Raw parser for the work-area table of Perdir BPJS Kesehatan 19/2017, Lampiran.

The seed (``seeds/000_f468d8c6b88c78ec.txt``) holds the Lampiran as OCR'd markdown
tables, one per scanned page. This module reads those rows exactly as written and
fixes nothing: corrections live in ``data/workarea_corrections.csv`` and are applied
by :mod:`jkn.reference.workareas`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

#: Heading that opens the Lampiran in the seed text.
LAMPIRAN_HEADING = "LAMPIRAN PERATURAN DIREKSI"

#: Cell names, in the column order of the Lampiran table
#: (NO | KEDEPUTIAN WILAYAH | PROVINSI | KLASIFIKASI | KANTOR CABANG | KLASIFIKASI |
#: KABUPATEN / KOTA | KLASIFIKASI).
CELLS = (
    "no",
    "deputy",
    "province",
    "deputy_class",
    "branch",
    "branch_class",
    "kabkota",
    "kabkota_class",
)


class TableFormatError(ValueError):
    """A table line of the Lampiran does not have the expected eight cells."""


@dataclass(frozen=True, slots=True)
class RawRow:
    """One OCR'd row of the Lampiran table, cells verbatim (stripped of padding).

    ``line`` is the 1-based line number in the seed file, ``page`` the 1-based index
    of the markdown table (one per scanned page).
    """

    line: int
    page: int
    no: str
    deputy: str
    province: str
    deputy_class: str
    branch: str
    branch_class: str
    kabkota: str
    kabkota_class: str

    def cell(self, name: str) -> str:
        """The cell called ``name`` (one of :data:`CELLS`)."""
        if name not in CELLS:
            raise KeyError(f"unknown cell {name!r}; expected one of {CELLS}")
        return getattr(self, name)


def split_cells(text: str) -> tuple[str, ...] | None:
    """The eight cells of a markdown table line, or None for a header/separator line.

    Raises :class:`TableFormatError` when a data line does not have eight cells.
    """
    stripped = text.strip()
    if not (stripped.startswith("|") and stripped.endswith("|")):
        raise TableFormatError(f"not a table line: {text!r}")
    cells = tuple(c.strip() for c in stripped[1:-1].split("|"))
    if cells and (cells[0] == "NO" or set(cells[0]) <= set("-:") and cells[0]):
        return None
    if len(cells) != len(CELLS):
        raise TableFormatError(f"expected {len(CELLS)} cells, got {len(cells)}: {text!r}")
    return cells


def parse_row(text: str, line: int = 0, page: int = 0) -> RawRow | None:
    """Parse one markdown table line into a :class:`RawRow` (None for header/separator)."""
    cells = split_cells(text)
    if cells is None:
        return None
    return RawRow(line, page, *cells)


def parse_lampiran(seed_text: str) -> list[RawRow]:
    """All data rows of the Lampiran tables in document order, exactly as OCR'd."""
    lines = seed_text.splitlines()
    try:
        start = next(i for i, t in enumerate(lines) if t.strip() == LAMPIRAN_HEADING)
    except StopIteration:
        raise TableFormatError(f"heading {LAMPIRAN_HEADING!r} not found") from None
    rows: list[RawRow] = []
    page = 0
    in_table = False
    for index in range(start, len(lines)):
        text = lines[index]
        if not text.lstrip().startswith("|"):
            in_table = False
            continue
        if not in_table:
            in_table = True
            page += 1
        row = parse_row(text, line=index + 1, page=page)
        if row is not None:
            rows.append(row)
    return rows


def row_cells(row: RawRow) -> dict[str, str]:
    """The eight cells of ``row`` by name."""
    return {f.name: getattr(row, f.name) for f in fields(row) if f.name in CELLS}
