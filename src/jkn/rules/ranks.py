"""Rank equivalence (Panduan Peserta, "Golongan Kepangkatan").

"Penyetaraan Golongan PNS dengan TNI dan POLRI" (§1): a table of PNS grade/room against
Polri and TNI AD/AL/AU ranks; "Pejabat Negara, Penerima Pensiun Pejabat Negara dan Perintis
Kemerdekaan disetarakan PNS Golongan IV" (§2); "Veteran disetarakan dengan PNS Golongan III" (§3).
The table is data: ``params/ranks.toml``.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from jkn.domain.care import Grade
from jkn.domain.segment import Segment
from jkn.i18n import Msg
from jkn.rules.decision import Decision, RuleError, Step, cite

CORPS = ("pns", "polri", "tni_ad", "tni_al", "tni_au")


@dataclass(frozen=True, slots=True)
class Rank:
    """One row of the table; an empty name means the guide has no rank there ("X" or blank)."""

    grade: Grade
    category: str
    pns: str
    polri: str
    tni_ad: str
    tni_al: str
    tni_au: str
    source: str

    def names(self) -> dict[str, str]:
        return {c: getattr(self, c) for c in CORPS if getattr(self, c)}


@dataclass(frozen=True, slots=True)
class Equivalent:
    who: str
    segments: tuple[Segment, ...]
    grade: Grade
    source: str


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip().lower().replace(".", ""))


@lru_cache(maxsize=1)
def _load() -> tuple[tuple[Rank, ...], tuple[Equivalent, ...]]:
    raw = tomllib.loads(files("jkn.rules").joinpath("params", "ranks.toml").read_text("utf-8"))
    ranks = []
    for r in raw["rank"]:
        names = {c: ("" if r[c] == "X" else r[c]) for c in CORPS}
        ranks.append(Rank(Grade(r["golongan"], r["ruang"] or None), r["category"], source=r["source"], **names))
    eqs = tuple(Equivalent(e["who"], tuple(Segment(s) for s in e["segments"]), Grade(e["golongan"]), e["source"])
                for e in raw["equivalent"])
    return tuple(ranks), eqs


def rank_table() -> list[Rank]:
    """All 23 rows, highest grade first, as in the guide."""
    return list(_load()[0])


def equivalents() -> list[Equivalent]:
    return list(_load()[1])


def search_ranks(q: str) -> list[Rank]:
    """Rows whose grade (``"III/a"``, ``"IV"``) or any rank name contains ``q``
    (case-insensitive); exact name matches first."""
    nq = _norm(q)
    if not nq:
        return []
    try:
        g = Grade.parse(q)
    except ValueError:
        g = None
    exact, partial = [], []
    for r in _load()[0]:
        names = [_norm(n) for n in r.names().values()]
        if g and (r.grade == g or (g.ruang is None and r.grade.golongan == g.golongan)):
            exact.append(r)
        elif nq in names:
            exact.append(r)
        elif any(nq in n for n in names):
            partial.append(r)
    return exact + partial


def grade_of(rank_or_grade: str) -> Decision[Grade]:
    """Grade of a rank name (exact, any corps) or of a grade written ``"III/a"``."""
    try:
        g = Grade.parse(rank_or_grade)
        return Decision(g, [Step(Msg("ranks.grade_given", grade=str(g)), cite("Golongan Kepangkatan", "1"))])
    except ValueError:
        pass
    nq = _norm(rank_or_grade)
    hits = [(r, c) for r in _load()[0] for c, n in r.names().items() if _norm(n) == nq]
    if not hits:
        raise RuleError(Msg("ranks.error.unknown", rank=rank_or_grade))
    grades = {r.grade for r, _ in hits}
    if len(grades) > 1:  # pragma: no cover - the guide's names are unambiguous
        raise RuleError(Msg("ranks.error.ambiguous", rank=rank_or_grade, grades=sorted(map(str, grades))))
    r, corps = hits[0]
    return Decision(r.grade, [Step(Msg("ranks.equivalent", rank=r.names()[corps], corps=Msg(f"ranks.corps.{corps}"),
                                       grade=str(r.grade)), cite("Golongan Kepangkatan", "1"))])


def segment_grade(segment: Segment) -> Decision[Grade] | None:
    """The grade the guide assigns to a whole segment (§2-3), or None."""
    for e in _load()[1]:
        if segment in e.segments:
            item = "3" if e.grade.golongan == "III" else "2"
            return Decision(e.grade, [Step(Msg("ranks.segment_equivalent", who=e.who, grade=str(e.grade)),
                                           cite("Golongan Kepangkatan", item))])
    return None
