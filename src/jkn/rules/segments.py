"""Who may join JKN in which segment (Panduan Peserta, "Peserta Jaminan Kesehatan").

"Setiap orang, termasuk orang asing yang bekerja paling singkat 6 (enam) bulan di Indonesia, yang
telah membayar iuran, meliputi: 1. PBI: fakir miskin dan orang tidak mampu, dengan penetapan
peserta sesuai ketentuan peraturan perundang-undangan. 2. Non PBI" (PPU a-g, PBPU a-b, BP a-g);
under PPU and under PBPU: "Termasuk WNA yang bekerja di Indonesia paling singkat 6 (enam) bulan."
"""
from __future__ import annotations

from datetime import date

from jkn.domain.month import Month, add_months
from jkn.domain.segment import Segment, SegmentGroup
from jkn.i18n import Msg
from jkn.rules.decision import Decision, RuleError, Steps, assumption, cite
from jkn.rules.parameters import as_date

SECTION = "Peserta Jaminan Kesehatan"
FOREIGN_MIN_MONTHS = 6


def segment_name(segment: Segment) -> Msg:
    """The segment's name in the reader's language (``PPU Pegawai Swasta``), not its code."""
    return Msg(f"segment.{segment.value}")


def list_segments() -> list[dict[str, str]]:
    """Every segment with its group, Indonesian label and source."""
    return [{"code": s.value, "group": s.group.value, "label": s.label, "source": s.source} for s in Segment]


def check_eligibility(segment: "Segment | str", as_of: "date | Month | str", *, foreign: bool = False,
                      work_started: date | None = None, pbi_designated: bool | None = None) -> Decision[bool]:
    """May a person join ``segment`` on ``as_of``?

    Foreign nationals need ``work_started`` (start of work in Indonesia) at least 6 months before
    ``as_of`` (assumption A-15: the opening sentence applies to every segment). PBI needs
    ``pbi_designated`` (the government's designation).
    """
    seg, d, steps = Segment.parse(segment), as_date(as_of), Steps()
    steps.add(Msg("rule.segment", segment=segment_name(seg)), seg.source)
    if seg is Segment.PBI:
        if pbi_designated is None:
            raise RuleError(Msg("segments.error.pbi_designated"))
        steps.add(Msg("segments.pbi_designated") if pbi_designated else Msg("segments.pbi_not_designated"),
                  cite(SECTION, "1"), decisive=not pbi_designated)
        if not pbi_designated:
            return Decision(False, steps)
    if foreign:
        if work_started is None:
            raise RuleError(Msg("segments.error.work_started"))
        earliest = add_months(work_started, FOREIGN_MIN_MONTHS)
        item = {SegmentGroup.PPU: "2, PPU", SegmentGroup.PBPU: "2, PBPU"}.get(seg.group, "")
        steps.add(Msg("segments.foreign", since=work_started, earliest=earliest), cite(SECTION, item))
        if seg.group not in (SegmentGroup.PPU, SegmentGroup.PBPU):
            steps.add(Msg("segments.foreign_every_segment"), assumption("A-15"))
        if d < earliest:
            steps.add(Msg("segments.foreign_too_early", day=d), cite(SECTION), decisive=True)
            return Decision(False, steps)
    steps.add(Msg("segments.eligible", day=d), cite(SECTION), decisive=True)
    return Decision(True, steps)
