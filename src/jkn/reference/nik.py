"""NIK parsing: 16 digits = region (province, kab/kota, kecamatan) + DDMMYY (+40 for women) + serial.

Structure and birth date come from the ``lokal-id`` package (shared/docs/data-notes.md,
"Identifiers"); the region is resolved here against the 2017 codes first, then the 2025
codes through the Papua crosswalk, so a NIK keeps resolving whichever list issued it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jkn.i18n import DEFAULT_LANGUAGE, Msg, render
from jkn.reference.kemendagri import papua_2025_to_2017
from jkn.reference.workareas import KabKota, load_workareas


class NikError(ValueError):
    """A NIK that cannot be one; ``field`` names what is wrong (length, digits, date, region ...)."""

    def __init__(self, field: str, message: Msg):
        self.say = message
        self.message = render(message, DEFAULT_LANGUAGE)
        super().__init__(self.message)
        self.field = field


@dataclass(frozen=True)
class NikInfo:
    nik: str
    birth_date: dt.date
    sex: str  # "L" (laki-laki) or "P" (perempuan)
    region_code_in_nik: str  # the four digits as issued, dotted ("91.01")
    region: KabKota  # the 2017 kab/kota, hence the branch
    resolved_via: str  # "2017" or "2025+papua-crosswalk"


def resolve_region_code(code: str) -> tuple[KabKota, str] | None:
    """A dotted kab/kota code of 2017 or 2025 → the 2017 kab/kota and how it was found.

    The 2025 list differs from the 2017 one only by the 26 re-coded Papua regencies
    (shared/reference/README.md), so the crosswalk covers every 2025-only code.
    """
    kabkota = load_workareas().kabkota
    if code in kabkota:
        return kabkota[code], "2017"
    old = papua_2025_to_2017().get(code)
    if old in kabkota:
        return kabkota[old], "2025+papua-crosswalk"
    return None


def parse(nik: str, today: dt.date | None = None) -> NikInfo:
    """Parse and validate a NIK; raise ``NikError`` naming the first thing wrong."""
    text = "".join(str(nik).split())
    if not text.isdigit():
        raise NikError("digits", Msg("nik.digits", got=str(nik)))
    if len(text) != 16:
        raise NikError("length", Msg("nik.length", got=len(text)))
    from lokal.nik import parse_nik  # deferred: importing lokal costs ~0.3 s at every CLI start

    info = parse_nik(text, reference_date=today or dt.date.today())
    if info.birth_date is None:
        raise NikError(
            "date",
            Msg("nik.date", digits=text[6:12]),
        )
    if text[12:] == "0000":
        raise NikError("serial", Msg("nik.serial"))
    code = f"{text[0:2]}.{text[2:4]}"
    resolved = resolve_region_code(code)
    if resolved is None:
        raise NikError("region", Msg("nik.region", code=code))
    region, via = resolved
    return NikInfo(
        nik=text,
        birth_date=dt.date.fromisoformat(info.birth_date),
        sex=info.gender,
        region_code_in_nik=code,
        region=region,
        resolved_via=via,
    )
