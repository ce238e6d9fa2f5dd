"""Sources of rules and parameters: a machine id and a name a person reads.

A citation is written once, where the rule or the parameter is (``cite("Iuran", "7")``, a ``source`` in
``params/*.toml``: "seed 001 IURAN §2: ...", "Perpres 111/2013 Art. 16C: ...", "assumption A-02: ...").
:func:`reference` reads it into a stable machine id (``guide:Iuran:7``, ``perpres:111/2013:16C``,
``assumption:A-02``) for the API's ``explanation[].source``, and a :class:`~jkn.i18n.Msg` naming the
text in the reader's language ("Panduan Peserta, Iuran, butir 7"; "Peraturan Presiden 111/2013 Pasal
16C"). An assumption is named by the text it reads (:data:`READS`), marked as a reading of it; its id
stays for machines only (issue 11: no assumption ids, seed file names or notes in a sentence).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jkn.i18n import Msg

#: Short forms of the guide's section titles used in parameter sources.
SECTION_ALIASES = {
    "DENDA": "Denda Keterlambatan Pembayaran Iuran",
    "PENGHENTIAN": "Penghentian Pelayanan Kesehatan",
    "PERUBAHAN DATA": "Perubahan Data Kepesertaan",
}
_SMALL = {"yang", "dan", "di", "bagi", "atau", "ke", "dari"}

#: The text each assumption reads (docs/assumptions.md, "Seed says"), as a citation :func:`reference` knows.
READS = {
    "A-01": "seed 001 IURAN §2", "A-02": "seed 001 DENDA §1", "A-03": "seed 001 MANFAAT AKOMODASI RAWAT INAP",
    "A-04": "seed 001 IURAN §5", "A-05": "seed 001 IURAN §1", "A-06": "seed 001 IURAN §6", "A-07": "seed 001 IURAN §2",
    "A-08": "seed 001 IURAN §3", "A-09": "seed 001 IURAN §6", "A-10": "seed 001 IURAN §7", "A-11": "seed 001 IURAN §7",
    "A-12": "seed 001 PENGHENTIAN", "A-13": "Panduan Peserta, Anggota Keluarga yang Ditanggung, 1.b",
    "A-14": "Panduan Peserta, Anggota Keluarga yang Ditanggung", "A-15": "Panduan Peserta, Peserta Jaminan Kesehatan",
    "A-16": "Panduan Peserta, Anggota Keluarga yang Ditanggung, 1.b", "A-17": "seed 001 MANFAAT AKOMODASI RAWAT INAP",
    "A-18": "seed 001 MANFAAT AKOMODASI RAWAT INAP", "A-19": "seed 001 IURAN §5", "A-20": "seed 001 IURAN §2",
    "A-21": "seed 001 PENDAFTARAN III.B", "A-22": "seed 001 IURAN §4", "A-23": "seed 001 DENDA",
    "A-24": "seed 001 PENDAFTARAN", "A-25": "seed 001 PERUBAHAN DATA §2.a",
    "A-26": "seed 001 PELAYANAN KESEHATAN YANG DIJAMIN §3", "A-27": "seed 001 DENDA §2", "A-28": "seed 001 IURAN §2",
    "A-C01": "Panduan Peserta, Tata Cara Mendapatkan Pelayanan Kesehatan, 2.a",
    "A-C02": "Panduan Peserta, Tata Cara Mendapatkan Pelayanan Kesehatan, 2.a",
    "A-C03": "Panduan Peserta, Tata Cara Mendapatkan Pelayanan Kesehatan, 2.b",
    "A-C04": "seed 001 PELAYANAN KESEHATAN YANG TIDAK DIJAMIN", "A-C13": "seed 001 PELAYANAN KESEHATAN YANG DIJAMIN §3",
    "A-C14": "seed 001 PELAYANAN KESEHATAN YANG DIJAMIN §3", "A-M11": "seed 001 DENDA §1", "A-M12": "seed 001 DENDA §1",
    "A-M15": "Panduan Peserta, Anggota Keluarga yang Ditanggung, 1.b",
    "A-M16": "Panduan Peserta, Anggota Keluarga yang Ditanggung, 1.b", "A-M17": "seed 001 IURAN",
    "A-M18": "seed 001 IURAN", "A-M21": "seed 001 PERUBAHAN DATA §2.f", "A-P01": "Panduan Peserta, Pengaduan",
    "A-P02": "Panduan Peserta, Pengaduan", "A-R01": "Perpres 82/2018", "A-R02": "Perpres 75/2019 Pasal 30",
    "A-R03": "Perpres 75/2019 Pasal 32", "A-R04": "Perpres 82/2018", "A-R05": "Perpres 64/2020 Pasal 34",
    "A-R06": "Perpres 82/2018", "A-R07": "Perpres 19/2016 Pasal 17", "A-R08": "Putusan MA 7 P/HUM/2020",
    "A-R09": "seed 001 MANFAAT AKOMODASI RAWAT INAP", "A-R13": "Perpres 82/2018 Pasal 42",
    "A-M06": "seed 001 PERUBAHAN DATA §2.g", "A-P14": "seed 001 PERUBAHAN DATA §2.c", "A-P15": "seed 001 IURAN",
}

_LAW = re.compile(r"\b(Perpres|PP|PMK|Permenkes|Perdir|Putusan MA|UU)\s+([0-9][0-9A-Za-z./ ]*?[0-9A-Z])"
                  r"(?:,?\s+(?:Art\.|Pasal)\s+([0-9]+[A-Z]?)(?:\s+ayat\s+([0-9]+))?)?(?=[\s,:;()]|\.(?:\s|$)|$)")
_GUIDE = re.compile(r"(?<!in )\bseed 001\b(?! is silent)[ ;]*((?:(?![IVX]+\b)[A-Z]{2,}\b ?)*)\s*§?\s*((?:[0-9]+|[IVX]+)(?:\.[0-9A-Za-z]+)*)?")
_CITE = re.compile(r"^Panduan Peserta(?:, ([^,]+))?(?:, (.+))?$")
_ASSUMPTION = re.compile(r"\bassumption (A-[A-Z]?[0-9]+)")
_REGS = re.compile(r"\(REGS §([0-9]+)")
_LAW_IDS = {"Perpres": "perpres", "PP": "pp", "PMK": "pmk", "Permenkes": "permenkes", "Perdir": "perdir",
            "Putusan MA": "putusan-ma", "UU": "uu"}
#: Sources that are records of this system, not texts: their own names.
RECORDS = {"membership registry": "registry", "SEP update": "sep-update"}


@dataclass(frozen=True, slots=True)
class Source:
    id: str      #: machine id: ``guide:Iuran:7``, ``perpres:111/2013:16C``, ``assumption:A-02``
    name: Msg    #: the text's name in the reader's language


def _title(section: str) -> str:
    section = section.strip()
    if section in SECTION_ALIASES:
        return SECTION_ALIASES[section]
    if section.isupper():
        words = section.lower().split()
        return " ".join(w if i and w in _SMALL else w.capitalize() for i, w in enumerate(words))
    return section


def _guide(section: str, item: str) -> Source:
    section, item = _title(section), (item or "").strip()
    if not section:
        return Source("guide", Msg("source.guide"))
    if not item:
        return Source(f"guide:{section}", Msg("source.guide_section", section=section))
    return Source(f"guide:{section}:{item}", Msg("source.guide_item", section=section, item=item))


def _law(kind: str, number: str, article: str | None, paragraph: str | None) -> Source:
    key = _LAW_IDS[kind]
    number = number.strip()
    ident = f"{key}:{number}" + (f":{article}" if article else "") + (f"({paragraph})" if paragraph else "")
    law = Msg(f"source.kind.{key.replace('-', '_')}")
    if not article:
        return Source(ident, Msg("source.law", law=law, number=number))
    where = Msg("source.article_paragraph", article=article, paragraph=paragraph) if paragraph else \
        Msg("source.article", article=article)
    return Source(ident, Msg("source.law_article", law=law, number=number, article=where))


def _text(raw: str) -> Source | None:
    """The first text (the guide or a regulation) a citation names, or None."""
    found = []
    if m := _CITE.match(raw):
        return _guide(m.group(1) or "", m.group(2) or "")
    if m := _GUIDE.search(raw):
        found.append((m.start(), _guide(m.group(1) or "", m.group(2) or "")))
    if m := _LAW.search(raw):
        found.append((m.start(), _law(*m.groups())))
    return min(found, key=lambda f: f[0])[1] if found else None


@lru_cache(maxsize=2048)
def reference(raw: str) -> Source:
    """The machine id and the human name of the citation ``raw``."""
    raw = (raw or "").strip()
    if raw in RECORDS:
        return Source(RECORDS[raw], Msg(f"source.record.{RECORDS[raw].replace('-', '_')}"))
    assumed = _ASSUMPTION.search(raw)
    text = _text(raw)
    if assumed:
        aid = assumed.group(1)
        if text is None and aid in READS:
            text = _text(READS[aid])
        read = text.name if text else Msg("source.guide")
        return Source(f"assumption:{aid}", Msg("source.reading", text=read))
    if text is not None:
        return text
    if m := _REGS.search(raw):
        return Source(f"regs:{m.group(1)}", Msg("source.regs", part=m.group(1)))
    return Source("guide", Msg("source.guide"))


@lru_cache(maxsize=2048)
def by_id(source_id: str) -> Msg | None:
    """The name of a machine id made by :func:`reference` (None if it is not one)."""
    kind, _, rest = (source_id or "").partition(":")
    if kind == "guide":
        section, _, item = rest.partition(":")
        return _guide(section, item).name
    if kind == "assumption":
        text = _text(READS.get(rest, ""))
        return Msg("source.reading", text=text.name if text else Msg("source.guide"))
    if kind == "regs":
        return Msg("source.regs", part=rest)
    if kind in RECORDS.values() and not rest:
        return Msg(f"source.record.{kind.replace('-', '_')}")
    law = {v: k for k, v in _LAW_IDS.items()}.get(kind)
    if law and rest:
        m = re.fullmatch(r"([^:]+)(?::([0-9]+[A-Z]?)(?:\(([0-9]+)\))?)?", rest)
        if m:
            return _law(law, *m.groups()).name
    return None
