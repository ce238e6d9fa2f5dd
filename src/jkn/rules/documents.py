"""Documents for registration, data changes and card replacement.

Panduan Peserta, "Pendaftaran Menjadi Peserta": "Proses pendaftaran menjadi peserta BPJS
Kesehatan dapat dilakukan secara kolektif maupun perorangan" (I. PPU, II. PBPU, III. Bukan Pekerja,
with "Jumlah anggota kelompok minimal 2 (dua) anggota" for a collective Bukan Pekerja group), and
"Perubahan Data Kepesertaan" (1. changes with a new card: card lost, damaged or wrong; 2. changes
without: FKTP, address, workplace, rank, participation type, family list, removal).
The lists are data transcribed from the guide: ``params/documents.toml``. An item with a
condition (``when``: "Bagi WNA", "bagi PNS aktif", "kecuali bagi anak usia balita" ...) is in a
person's list only when its condition holds for the :class:`Circumstances` given (assumption A-M20).
"""
from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.resources import files

from jkn.domain.segment import Segment, SegmentGroup
from jkn.i18n import Msg
from jkn.rules.decision import Decision, RuleError, Step, Steps, assumption, cite
from jkn.rules.segments import segment_name

MODES = ("individual", "collective")
PENSIONERS = frozenset({Segment.BP_PENSIUNAN_PNS, Segment.BP_PENSIUNAN_TNI_POLRI, Segment.BP_PENSIUNAN_PEJABAT_NEGARA,
                        Segment.BP_PENSIUNAN_LAINNYA})


@dataclass(frozen=True, slots=True)
class Item:
    kind: str             #: form | photo | show | submit | note
    text: str             #: the guide's words
    when: str | None = None  #: condition, a key of CONDITIONS
    number: int = 0       #: place in the guide's list, from 1


@dataclass(frozen=True, slots=True)
class Circumstances:
    """What the conditional items ask about the people on a form or change (assumption A-M20)."""

    foreign: bool = False         #: someone on it is a foreign national (WNA)
    married: bool = False         #: the participant is married or a spouse is registered
    children: int = 0             #: children registered or added
    students_21_25: int = 0       #: children aged 21 to 25 in formal education
    all_under_five: bool = False  #: everyone to be photographed is under five (balita)


#: ``when`` → test on the circumstances, the participant's segment and the new segment; what must hold is
#: said by ``documents.when.<when>`` in the catalogue
CONDITIONS: dict[str, Callable[[Circumstances, Segment | None, Segment | None], bool]] = {
    "foreign": lambda c, seg, new: c.foreign,
    "married": lambda c, seg, new: c.married,
    "children": lambda c, seg, new: c.children > 0,
    "child_21_25": lambda c, seg, new: c.students_21_25 > 0,
    "balita_exempt": lambda c, seg, new: not c.all_under_five,
    "pns_active": lambda c, seg, new: seg is Segment.PPU_PNS,
    "to_pensioner": lambda c, seg, new: new in PENSIONERS,
}


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
    items = tuple(Item(**i, number=n) for n, i in enumerate(r["items"], start=1))
    unknown = {i.when for i in items} - {None, *CONDITIONS}
    if unknown:
        raise ValueError(f"documents.toml {r['id']}: unknown condition(s) {', '.join(sorted(unknown))}")
    return Requirements(r["id"], r["title"], mode or r["mode"], items, r["source"],
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


def _applicable(r: Requirements, c: Circumstances | None, steps: Steps, segment: Segment | None = None,
                new_segment: Segment | None = None) -> Requirements:
    """``r`` with the conditional items whose condition holds; all of them when ``c`` is None."""
    if c is None:
        return r
    kept = []
    for i in r.items:
        if i.when is not None:
            needed = CONDITIONS[i.when](c, segment, new_segment)
            said = dict(number=i.number, item=i.text, when=Msg(f"documents.when.{i.when}"))
            steps.add(Msg("documents.conditional_needed", **said) if needed else
                      Msg("documents.conditional_not_needed", **said), f"{r.source}; {assumption('A-M20')}")
            if not needed:
                continue
        kept.append(i)
    return replace(r, items=tuple(kept))


def registration_documents(segment: "Segment | str", *, mode: str = "individual", subtype: str | None = None,
                           group_size: int | None = None,
                           circumstances: Circumstances | None = None) -> Decision[Requirements]:
    """Documents to register a participant of ``segment``.

    ``mode`` is "individual" or "collective"; ``subtype`` (a Requirements.id from
    ``registration_options``) is needed when the guide gives several individual lists for the
    segment (e.g. PPU_PNS: ``PPU.PNS`` or ``PPU.PNS_BUMN_BUMD``). ``group_size`` is checked against
    the minimum group size of a collective registration. With ``circumstances`` the list keeps
    only the conditional items that apply; without, it is the guide's whole list.
    """
    seg, steps = Segment.parse(segment), Steps()
    if mode not in MODES:
        raise RuleError(Msg("documents.error.mode", got=repr(mode)))
    options = [r for r in registration_options(seg) if r.mode == mode]
    if subtype is not None:
        options = [r for r in options if r.id == subtype]
        if not options:
            valid = [r.id for r in registration_options(seg) if r.mode == mode]
            raise RuleError(Msg("documents.error.subtype", subtype=subtype, segment=segment_name(seg),
                                mode=Msg(f"documents.mode.{mode}"), valid=", ".join(valid)))
    if not options:
        raise RuleError(Msg("documents.error.no_route", segment=segment_name(seg), mode=Msg(f"documents.mode.{mode}")))
    if len(options) > 1:
        raise RuleError(Msg("documents.error.several", segment=segment_name(seg), mode=Msg(f"documents.mode.{mode}"),
                            options=", ".join(f"{r.id} ({r.title})" for r in options)))
    r = options[0]
    steps.add(Msg("documents.registration", segment=segment_name(seg), mode=Msg(f"documents.mode.{mode}"),
                  title=r.title), r.source)
    if r.min_members is not None:
        if group_size is not None and (isinstance(group_size, bool) or not isinstance(group_size, int)
                                       or group_size < r.min_members):
            raise RuleError(Msg("documents.error.group_size", segment=segment_name(seg), least=r.min_members,
                                got=repr(group_size)))
        steps.add(Msg("documents.group_size", least=r.min_members), r.source)
    return Decision(_applicable(r, circumstances, steps, seg), steps)


def family_member_documents(*, circumstances: Circumstances | None = None) -> Decision[Requirements]:
    """Documents for enrolling another family member ("Anggota Keluarga Lain"), who pays a contribution."""
    r, steps = _load()[0]["ANGGOTA_KELUARGA_LAIN"], Steps()
    steps.add(r.title, r.source)
    return Decision(_applicable(r, circumstances, steps), steps)


def change_types() -> list[Requirements]:
    """All data changes, in the guide's order (card replacement first)."""
    return list(_load()[1].values())


def change_documents(change: str, *, segment: "Segment | str | None" = None,
                     new_segment: "Segment | str | None" = None,
                     circumstances: Circumstances | None = None) -> Decision[Requirements]:
    """What a data change (``CARD_LOST``, ``MARRIAGE``, ``BIRTH``, ``CHILD_REPLACEMENT`` ...) requires
    and whether the participant gets a new card. ``segment`` is the participant's ("bagi PNS aktif"),
    ``new_segment`` the one a change of participation type moves to; with ``circumstances`` the
    list keeps only the conditional items that apply."""
    changes = _load()[1]
    key = change.strip().upper()
    if key not in changes:
        raise RuleError(Msg("documents.error.unknown_change", change=change, valid=", ".join(changes)))
    r = changes[key]
    if r.groups and segment is not None and Segment.parse(segment).group not in r.groups:
        raise RuleError(Msg("documents.error.change_groups", change=r.title, groups=", ".join(g.value for g in r.groups),
                            segment=segment_name(Segment.parse(segment))))
    item = "1" if r.card_replaced else "2"
    steps = Steps([Step(Msg("documents.new_card", title=r.title) if r.card_replaced else Msg("documents.no_new_card", title=r.title),
                        cite("Perubahan Data Kepesertaan", item)), Step(Msg("documents.as_listed"), r.source)])
    seg = Segment.parse(segment) if segment is not None else None
    new = Segment.parse(new_segment) if new_segment is not None else None
    return Decision(_applicable(r, circumstances, steps, seg, new), steps)
