"""BPJS Kesehatan office directory, as published in the participant guide.

Data: ``reference/data/offices.csv`` (one row per office of the guide's "DAFTAR ALAMAT
KANTOR BPJS KESEHATAN"), ``office_name_aliases.csv`` (guide names that differ from the
2017 branch names of Perdir 19/2017) and ``contact_centre.toml``. Provenance and method:
``reference/data/OFFICES_PROVENANCE.md``.

The directory is older than the 2017 regulation. A 2017 branch it does not list has no
published address: :func:`directory_for_branch` returns ``None`` for it, and callers must
show that rather than guess (e.g. fall back to the regional division).

Only the standard library is used.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

__all__ = [
    "Office",
    "CallCentre",
    "Channel",
    "ContactCentre",
    "KINDS",
    "load_offices",
    "directory_for_branch",
    "head_office",
    "regional_divisions",
    "contact_centre",
    "normalise_office_name",
]

KINDS = ("head_office", "regional_division", "branch")
_DATA = "jkn.reference.data"
_COLUMNS = (
    "id", "kind", "name_in_guide", "division", "address", "city", "phones", "fax",
    "hotline", "covers_in_guide", "branch_2017_name", "source_line",
)
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII")


@dataclass(frozen=True, slots=True)
class Office:
    id: str
    kind: str                        # one of KINDS
    name_in_guide: str               # heading as printed in the guide
    division: str                    # "I".."XIII" (Divisi Regional); "" for the head office
    address: str
    city: str
    phones: tuple[str, ...]          # as written; later numbers may omit the area code
    fax: str
    hotline: tuple[str, ...]
    covers_in_guide: tuple[str, ...] # historical coverage from the guide, NOT the 2017 assignment
    branch_2017_name: str | None     # Perdir 19/2017 branch name ("Bukittinggi"), None if not a branch
    source_line: int                 # 1-based line of the heading in the guide

    @property
    def has_hotline(self) -> bool:
        return bool(self.hotline)


@dataclass(frozen=True, slots=True)
class CallCentre:
    name_in_guide: str
    number: str
    days: tuple[str, ...]
    opens: str
    closes: str
    timezone: str
    text_in_guide: str
    source_line: int


@dataclass(frozen=True, slots=True)
class Channel:
    kind: str
    text_in_guide: str
    source_line: int
    value: str = ""
    see: str = ""


@dataclass(frozen=True, slots=True)
class ContactCentre:
    call_centre: CallCentre
    channels: tuple[Channel, ...]
    source: str


def normalise_office_name(name: str) -> str:
    """Key for matching office names: casefold, hyphens as spaces, collapse spaces,
    drop a leading "Kantor Cabang" / "KC" / "Cabang"."""
    key = re.sub(r"[\s\-]+", " ", name.casefold()).strip()
    key = re.sub(r"^(kantor cabang|kc|cabang)\b\.?\s*", "", key)
    return key


def _read_text(name: str) -> str:
    return resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")


def _split(value: str, sep: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.split(sep) if p.strip())


def _office(row: Mapping[str, str]) -> Office:
    if tuple(row) != _COLUMNS:
        raise ValueError(f"offices.csv: unexpected columns {tuple(row)}")
    oid = row["id"]
    kind = row["kind"]
    if kind not in KINDS:
        raise ValueError(f"offices.csv {oid}: unknown kind {kind!r}")
    for field in ("id", "name_in_guide", "address", "city", "source_line"):
        if not row[field].strip():
            raise ValueError(f"offices.csv {oid}: empty {field}")
    if kind == "head_office":
        if row["division"] or row["branch_2017_name"]:
            raise ValueError(f"offices.csv {oid}: head office has a division or branch name")
    elif row["division"] not in _ROMAN:
        raise ValueError(f"offices.csv {oid}: bad division {row['division']!r}")
    if kind == "regional_division" and row["branch_2017_name"]:
        raise ValueError(f"offices.csv {oid}: a regional division is not a branch")
    if kind == "branch" and not row["branch_2017_name"]:
        raise ValueError(f"offices.csv {oid}: branch without a 2017 branch name")
    if not (row["phones"] or row["hotline"]):
        raise ValueError(f"offices.csv {oid}: no phone and no hotline")
    return Office(
        id=oid,
        kind=kind,
        name_in_guide=row["name_in_guide"],
        division=row["division"],
        address=row["address"],
        city=row["city"],
        phones=_split(row["phones"], " / "),
        fax=row["fax"],
        hotline=_split(row["hotline"], " / "),
        covers_in_guide=_split(row["covers_in_guide"], ";"),
        branch_2017_name=row["branch_2017_name"] or None,
        source_line=int(row["source_line"]),
    )


@dataclass(frozen=True, slots=True)
class _Directory:
    offices: tuple[Office, ...]
    by_key: Mapping[str, Office]        # normalised 2017 name / guide name / alias -> branch
    aliases: Mapping[str, str]          # guide_name -> branch_2017_name


@lru_cache(maxsize=1)
def _directory() -> _Directory:
    rows = list(csv.DictReader(io.StringIO(_read_text("offices.csv"))))
    offices = tuple(_office(r) for r in rows)
    ids = [o.id for o in offices]
    if len(set(ids)) != len(ids):
        raise ValueError("offices.csv: duplicate id")
    if sum(o.kind == "head_office" for o in offices) != 1:
        raise ValueError("offices.csv: expected exactly one head office")
    divisions = [o.division for o in offices if o.kind == "regional_division"]
    if len(set(divisions)) != len(divisions):
        raise ValueError("offices.csv: duplicate regional division")

    by_key: dict[str, Office] = {}
    for o in offices:
        if o.kind != "branch":
            continue
        for key in {normalise_office_name(o.branch_2017_name or ""), normalise_office_name(o.name_in_guide)}:
            other = by_key.setdefault(key, o)
            if other is not o:
                raise ValueError(f"offices.csv: name {key!r} matches {other.id} and {o.id}")

    aliases: dict[str, str] = {}
    for a in csv.DictReader(io.StringIO(_read_text("office_name_aliases.csv"))):
        guide, b2017 = a["guide_name"], a["branch_2017_name"]
        office = by_key.get(normalise_office_name(guide))
        if office is None or office.branch_2017_name != b2017 or office.name_in_guide != guide:
            raise ValueError(f"office_name_aliases.csv: {guide!r} -> {b2017!r} disagrees with offices.csv")
        if not a["evidence"].strip():
            raise ValueError(f"office_name_aliases.csv: {guide!r} has no evidence")
        aliases[guide] = b2017
    for o in offices:
        if o.kind == "branch" and normalise_office_name(o.name_in_guide) != normalise_office_name(
            o.branch_2017_name or ""
        ) and o.name_in_guide not in aliases:
            raise ValueError(f"office_name_aliases.csv: missing alias for {o.name_in_guide!r}")
    return _Directory(offices, MappingProxyType(by_key), MappingProxyType(aliases))


def load_offices() -> tuple[Office, ...]:
    """All offices of the guide's directory, in the guide's order."""
    return _directory().offices


def office_name_aliases() -> Mapping[str, str]:
    """Guide name -> 2017 branch name, for names that differ."""
    return _directory().aliases


def directory_for_branch(branch_name_2017: str) -> Office | None:
    """The guide's directory entry for a 2017 branch ("Bukittinggi", "Cabang Palopo",
    "KC Bau-Bau"), or ``None`` when the guide publishes no address for it."""
    return _directory().by_key.get(normalise_office_name(branch_name_2017))


def head_office() -> Office:
    return next(o for o in load_offices() if o.kind == "head_office")


def regional_divisions() -> tuple[Office, ...]:
    """The guide's Divisi Regional offices, in order (I..XII as printed)."""
    return tuple(o for o in load_offices() if o.kind == "regional_division")


@lru_cache(maxsize=1)
def contact_centre() -> ContactCentre:
    data = tomllib.loads(_read_text("contact_centre.toml"))
    cc = data["call_centre"]
    call = CallCentre(
        name_in_guide=cc["name_in_guide"],
        number=cc["number"],
        days=tuple(cc["days"]),
        opens=cc["opens"],
        closes=cc["closes"],
        timezone=cc["timezone"],
        text_in_guide=cc["text_in_guide"],
        source_line=int(cc["source_line"]),
    )
    if not re.fullmatch(r"\d{2}:\d{2}", call.opens) or not re.fullmatch(r"\d{2}:\d{2}", call.closes):
        raise ValueError("contact_centre.toml: hours must be HH:MM")
    channels = tuple(
        Channel(
            kind=c["kind"],
            text_in_guide=c["text_in_guide"],
            source_line=int(c["source_line"]),
            value=c.get("value", ""),
            see=c.get("see", ""),
        )
        for c in data["channels"]
    )
    return ContactCentre(call_centre=call, channels=channels, source=data["source"])
