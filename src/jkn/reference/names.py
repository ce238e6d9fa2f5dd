"""Readable names for the upper-case official code list ("KAB. SAMOSIR" → "Kab. Samosir").

The Permendagri 137/2017 list writes names in capitals and one province spaced out
("P A P U A"); the official spelling stays available as ``official_name``.
"""

from __future__ import annotations

import re

ACRONYMS = {"DKI"}  # kept in capitals: Daerah Khusus Ibukota


def display_name(official: str) -> str:
    collapsed = re.sub(r"\b(?:[A-Z] )+[A-Z]\b", lambda m: m.group(0).replace(" ", ""), official)
    words = []
    for word in collapsed.split(" "):
        words.append(word if word in ACRONYMS else "-".join(part.capitalize() for part in word.split("-")))
    return " ".join(words)
