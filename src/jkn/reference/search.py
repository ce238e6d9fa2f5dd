"""Find kab/kota and branches by the names people (and the OCR'd seed) actually write.

"Kab. Tulung Agung", "Kotamadya Jakarta Pusat", "Pangkalpinang" and "Kab. Pectan" all find
their kab/kota: prefixes are dropped, spaces and punctuation ignored, today's names
(Kepmendagri 2025) accepted as aliases, and near misses ranked by similarity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from jkn.reference.kemendagri import names_2025_by_2017_code
from jkn.reference.workareas import Branch, KabKota, load_workareas

_KOTA_PREFIXES = ("kota administrasi", "kotamadya", "kodya", "kota adm", "kota")
_KAB_PREFIXES = ("kabupaten administrasi", "kabupaten", "kab adm", "kab")
_OTHER_PREFIXES = ("kantor cabang", "cabang", "kc")


@dataclass(frozen=True)
class Match:
    item: object
    score: float  # 1.0 = same name once normalised


def split_name(text: str) -> tuple[str | None, str]:
    """Return (jenis hint, compact key): ``"Kab. Tulung Agung"`` → ``("Kabupaten", "tulungagung")``."""
    jenis, words = _name_words(text)
    return jenis, words.replace(" ", "")


def _name_words(text: str) -> tuple[str | None, str]:
    """Return (jenis hint, the name's words without its prefix): ``"Kab. Tulung Agung"`` → ``("Kabupaten", "tulung agung")``."""
    words = re.sub(r"[^0-9a-z]+", " ", text.casefold()).strip()
    jenis = None
    for prefixes, hint in ((_KOTA_PREFIXES, "Kota"), (_KAB_PREFIXES, "Kabupaten"), (_OTHER_PREFIXES, None)):
        for prefix in prefixes:
            if words == prefix or words.startswith(prefix + " "):
                words = words[len(prefix):].strip()
                jenis = hint
                break
        if jenis:
            break
    return jenis, words


def _similarity(query_words: str, key_words: str) -> float:
    """1.0 the same name; 0.95 a name whose first words are the query's ("Jakarta" → "Jakarta Pusat"),
    so a whole-word match always ranks above a near miss ("Surakarta"); then prefixes, parts and typos."""
    query, key = query_words.replace(" ", ""), key_words.replace(" ", "")
    if query == key:
        return 1.0
    if (key_words + " ").startswith(query_words + " "):
        return 0.95
    if key.startswith(query) or query.startswith(key):
        return 0.9 * min(len(query), len(key)) / max(len(query), len(key)) + 0.05
    if query in key:
        return 0.8 * len(query) / len(key)
    return SequenceMatcher(None, query, key).ratio() * 0.85


@cache
def _kabkota_keys() -> list[tuple[KabKota, tuple[str, ...]]]:
    today = names_2025_by_2017_code()
    entries = []
    for kabkota in load_workareas().kabkota.values():
        keys = {_name_words(kabkota.name)[1]}
        if kabkota.code in today:
            keys.add(_name_words(today[kabkota.code])[1])
        entries.append((kabkota, tuple(sorted(keys))))
    return entries


def search_kabkota(query: str, limit: int = 10, minimum: float = 0.55) -> list[Match]:
    """Rank kab/kota by how well their name (2017 or today's) matches ``query``."""
    jenis, key = _name_words(query)
    if not key:
        return []
    matches = []
    for kabkota, keys in _kabkota_keys():
        score = max(_similarity(key, k) for k in keys)
        if jenis and kabkota.jenis != jenis:
            score -= 0.1  # "Kota Bekasi" vs "Kab. Bekasi": both found, the named kind first
        if score >= minimum:
            matches.append(Match(kabkota, round(score, 3)))
    matches.sort(key=lambda m: (-m.score, m.item.code))
    return matches[:limit]


def search_branches(query: str, limit: int = 10, minimum: float = 0.55) -> list[Match]:
    """Rank branch offices by name ("Cabang Temblahan" finds Tembilahan)."""
    _, key = _name_words(query)
    if not key:
        return []
    matches = []
    for branch in load_workareas().branches.values():
        score = _similarity(key, _name_words(branch.name)[1])
        if score >= minimum:
            matches.append(Match(branch, round(score, 3)))
    matches.sort(key=lambda m: (-m.score, m.item.code))
    return matches[:limit]


def best(matches: list[Match]) -> list[Match]:
    """The matches sharing the top score: one is an answer, several are a question ("Bekasi": Kab. and Kota)."""
    return [m for m in matches if m.score == matches[0].score] if matches else []


def suggest_codes(code: str, candidates: list[str], limit: int = 5) -> list[str]:
    """Closest codes to an unknown one (for 404 answers)."""
    ranked = sorted(candidates, key=lambda c: -SequenceMatcher(None, code, c).ratio())
    return ranked[:limit]


__all__ = ["Branch", "KabKota", "Match", "best", "search_branches", "search_kabkota", "split_name", "suggest_codes"]
