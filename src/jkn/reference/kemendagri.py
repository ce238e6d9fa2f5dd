"""The 2025 Kemendagri kab/kota list and the Papua 2017→2025 crosswalk (shared/reference/README.md)."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files


@cache
def papua_2025_to_2017() -> dict[str, str]:
    """Papua regencies re-coded when the new provinces were created: 2025 code → 2017 code."""
    path = files("jkn.reference") / "data" / "kemendagri_papua_crosswalk_2017_2025.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["kode_2025"]: row["kode_2017"] for row in csv.DictReader(handle)}


@cache
def names_2025_by_2017_code() -> dict[str, str]:
    """Today's name of each 2017 kab/kota (Kepmendagri 300.2.2-2138/2025), keyed by its 2017 code."""
    path = files("jkn.reference") / "data" / "kemendagri_kabkota_2025.csv"
    crosswalk = papua_2025_to_2017()
    with path.open(encoding="utf-8") as handle:
        return {crosswalk.get(row["kode"], row["kode"]): row["nama"] for row in csv.DictReader(handle)}
