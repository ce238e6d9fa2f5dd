"""Documents for registration, data changes and card replacement.

Panduan Peserta, "Pendaftaran Menjadi Peserta": "Proses pendaftaran menjadi peserta BPJS
Kesehatan dapat dilakukan secara kolektif maupun perorangan" (I. PPU, II. PBPU, III. Bukan Pekerja,
with "Jumlah anggota kelompok minimal 2 (dua) anggota" for a collective Bukan Pekerja group), and
"Perubahan Data Kepesertaan" (1. changes with a new card: card lost, damaged or wrong; 2. changes
without: FKTP, address, workplace, rank, participation type, family list, removal).
The lists are data transcribed from the guide: ``params/documents.toml``.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from jkn.domain.segment import Segment, SegmentGroup
from jkn.rules.decision import Decision, RuleError, Step, Steps, cite

MODES = ("individual", "collective")


@dataclass(frozen=True, slots=True)
class Item:
    kind: str             #: form | photo | show | submit | note
    text: str             #: the guide's words
    when: str | None = None  #: condition, e.g. "foreign", "married", "child_21_25"


@dataclass(frozen=True, slots=True)
class Requirements:
    id: str
    title: str
    mode: str
    items: tuple[Item, ...]
    source: str
    segments: tuple[Segment, ...] = ()
    min_members: int | None = None
    card_replaced: bool | None = None
    groups: tuple[SegmentGroup, ...] = ()


def _req(r: dict, mode: str | None = None) -> Requirements:
    return Requirements(r["id"], r["title"], mode or r["mode"], tuple(Item(**i) for i in r["items"]), r["source"],
                        tuple(Segment(s) for s in r.get("segments", ())), r.get("min_members"),
                        r.get("card_replaced"), tuple(SegmentGroup(g) for g in r.get("groups", ())))


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Requirements], dict[str, Requirements]]:
    raw = tomllib.loads(files("jkn.rules").joinpath("params", "documents.toml").read_text("utf-8"))
    return ({r["id"]: _req(r) for r in raw["registration"]},
            {r["id"]: _req(r, "change") for r in raw["change"]})


def registration_options(segment: "Segment | str") -> list[Requirements]:
    """Every registration route (collective and individual sub-types) for a segment."""
    seg = Segment.parse(segment)
    return [r for r in _load()[0].values() if seg in r.segments]


def _filtered(r: Requirements, foreign: bool, steps: Steps) -> Requirements:
    items = tuple(i for i in r.items if foreign or i.when != "foreign")
    if len(items) != len(r.items):
        steps.add("not a foreign national: KITAS/KITAP not needed", r.source)
    return Requirements(r.id, r.title, r.mode, items, r.source, r.segments, r.min_members, r.card_replaced, r.groups)


def registration_documents(segment: "Segment | str", *, mode: str = "individual", subtype: str | None = None,
                           foreign: bool = False, group_size: int | None = None) -> Decision[Requirements]:
    """Documents to register a participant of ``segment``.

    ``mode`` is "individual" or "collective"; ``subtype`` (a Requirements.id from
    ``registration_options``) is needed when the guide gives several individual lists for the
    segment (e.g. PPU_PNS: ``PPU.PNS`` or ``PPU.PNS_BUMN_BUMD``). ``group_size`` is checked against
    the minimum group size of a collective registration.
    """
    seg, steps = Segment.parse(segment), Steps()
    if mode not in MODES:
        raise RuleError(f"mode must be 'individual' or 'collective', got {mode!r}")
    options = [r for r in registration_options(seg) if r.mode == mode]
    if subtype is not None:
        options = [r for r in options if r.id == subtype]
        if not options:
            valid = [r.id for r in registration_options(seg) if r.mode == mode]
            raise RuleError(f"subtype {subtype!r} does not apply to {seg.value} ({mode}); use one of: {', '.join(valid)}")
    if not options:
        raise RuleError(f"the guide has no {mode} registration for segment {seg.value}")
    if len(options) > 1:
        raise RuleError(f"segment {seg.value} has several {mode} document lists; give subtype, one of: "
                        + ", ".join(f"{r.id} ({r.title})" for r in options))
    r = options[0]
    steps.add(f"{seg.value}, {mode} registration: {r.title}", r.source)
    if r.min_members is not None:
        if group_size is not None and (isinstance(group_size, bool) or not isinstance(group_size, int)
                                       or group_size < r.min_members):
            raise RuleError(f"a collective registration for {seg.value} needs at least {r.min_members} members, "
                            f"got {group_size!r}")
        steps.add(f"the group must have at least {r.min_members} members", r.source)
    return Decision(_filtered(r, foreign, steps), steps)


def family_member_documents(*, foreign: bool = False) -> Decision[Requirements]:
    """Documents for enrolling another family member ("Anggota Keluarga Lain"), who pays a contribution."""
    r, steps = _load()[0]["ANGGOTA_KELUARGA_LAIN"], Steps()
    steps.add(r.title, r.source)
    return Decision(_filtered(r, foreign, steps), steps)


def change_types() -> list[Requirements]:
    """All data changes, in the guide's order (card replacement first)."""
    return list(_load()[1].values())


def change_documents(change: str, *, segment: "Segment | str | None" = None) -> Decision[Requirements]:
    """What a data change (``CARD_LOST``, ``MARRIAGE``, ``CHILD_REPLACEMENT`` ...) requires and
    whether the participant gets a new card."""
    changes = _load()[1]
    key = change.strip().upper()
    if key not in changes:
        raise RuleError(f"unknown change {change!r}; use one of: {', '.join(changes)}")
    r = changes[key]
    if r.groups and segment is not None and Segment.parse(segment).group not in r.groups:
        raise RuleError(f"{key} applies only to {', '.join(g.value for g in r.groups)} participants, "
                        f"not {Segment.parse(segment).value}")
    item = "1" if r.card_replaced else "2"
    steps = Steps([Step(f"{r.title}: " + ("a new card is issued" if r.card_replaced else "no new card"),
                        cite("Perubahan Data Kepesertaan", item)), Step("documents as listed", r.source)])
    return Decision(r, steps)
