"""Room class (kelas rawat) a participant is entitled to, by segment.

Panduan Peserta, "Manfaat Akomodasi Rawat Inap":
1. kelas III: "a. Peserta PBI ...; b. Peserta PBPU dan Peserta bukan Pekerja dengan iuran untuk
   Manfaat pelayanan di ruang perawatan kelas III";
2. kelas II: PNS / TNI / Polri and their pensioners "golongan ruang I dan golongan ruang II";
   "d. Peserta Pekerja Penerima Upah dan Pegawai Pemerintah Non Pegawai Negeri dengan gaji atau
   upah sampai dengan 1,5 (satu setengah) kali penghasilan tidak kena pajak dengan status kawin
   dengan 1 (satu) anak"; e. PBPU/BP paying for class II;
3. kelas I: "a. Pejabat Negara"; PNS / TNI / Polri and pensioners "golongan ruang III dan
   golongan ruang IV"; "e. Veteran dan Perintis Kemerdekaan"; "f. janda, duda, atau anak yatim
   piatu dari Veteran atau Perintis Kemerdekaan"; "g. ... diatas 1,5 (satu setengah) sampai
   dengan 2 (dua) kali" PTKP K/1; h. PBPU/BP paying for class I.
Family members have the participant's class ("beserta anggota keluarganya").

The wage bands are data (``ppu_class_wage_bands``): multiples of PTKP K/1 in the guide, rupiah
amounts from Perpres 19/2016; where no band is sourced the class is required input (A-R09).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jkn.domain.care import CareClass, Grade
from jkn.domain.month import Month
from jkn.domain.segment import Segment, SegmentGroup
from jkn.i18n import Msg, Rp
from jkn.rules.decision import Decision, NotAvailable, RuleError, Steps, assumption, cite
from jkn.rules.parameters import as_date, param_entry, sourced
from jkn.rules.ranks import grade_of, segment_grade
from jkn.rules.segments import segment_name

SECTION = "Manfaat Akomodasi Rawat Inap"
#: (item under 2 = class II, item under 3 = class I)
_BY_GRADE = {Segment.PPU_PNS: ("a", "b"), Segment.BP_PENSIUNAN_PNS: ("a", "b"),
             Segment.PPU_TNI: ("b", "c"), Segment.PPU_POLRI: ("c", "d"),
             Segment.BP_PENSIUNAN_TNI_POLRI: ("b-c", "c-d"),
             Segment.BP_JANDA_DUDA_YATIM_PENSIUNAN: ("a-c", "b-d")}
_FIXED_I = {Segment.PPU_PEJABAT_NEGARA: "3.a", Segment.BP_VETERAN: "3.e", Segment.BP_PERINTIS: "3.e",
            Segment.BP_JANDA_DUDA_YATIM_VETERAN_PERINTIS: "3.f"}


def class_for_grade(grade: Grade, items: tuple[str, str], steps: Steps) -> CareClass:
    """Golongan I-II give class II (§2), III-IV class I (§3)."""
    if grade.number <= 2:
        steps.add(Msg("care_class.grade_ii", golongan=grade.golongan), cite(SECTION, f"2.{items[0]}"))
        return CareClass.II
    steps.add(Msg("care_class.grade_i", golongan=grade.golongan), cite(SECTION, f"3.{items[1]}"))
    return CareClass.I


def _paid(segment: Segment, paid_class, steps: Steps) -> CareClass:
    if paid_class is None:
        raise RuleError(Msg("care_class.error.paid_class", segment=segment_name(segment)))
    c = CareClass.parse(paid_class)
    item = {CareClass.III: "1.b", CareClass.II: "2.e", CareClass.I: "3.h"}[c]
    steps.add(Msg("care_class.paid", segment=segment_name(segment), cls=c.value), cite(SECTION, item))
    return c


@dataclass(frozen=True, slots=True)
class WageBands:
    """Room class of wage earners by monthly wage: up to ``class_ii_up_to`` class II, up to
    ``class_i_up_to`` class I, above it ``above`` (rupiah, inclusive)."""

    class_ii_up_to: int
    class_i_up_to: int
    above: CareClass
    sources: tuple[str, str, str]  # of the class II band, the class I band, the class above

    def class_of(self, wage: int) -> tuple[CareClass, str]:
        """The class of ``wage`` and the clause that gives it."""
        if wage <= self.class_ii_up_to:
            return CareClass.II, self.sources[0]
        return (CareClass.I, self.sources[1]) if wage <= self.class_i_up_to else (self.above, self.sources[2])


def uses_wage_bands(segment: Segment) -> bool:
    """Wage earners whose class follows the wage (§2.d, §3.g): not PNS/TNI/Polri (grade) nor Pejabat Negara."""
    return segment.group is SegmentGroup.PPU and segment not in _BY_GRADE and segment not in _FIXED_I


def wage_bands(as_of: "date | str") -> Decision[WageBands]:
    """The wage bands in force on ``as_of``, in rupiah; NotAvailable where none is sourced."""
    d, steps = as_date(as_of), Steps()
    bands = sourced(param_entry("ppu_class_wage_bands", d), d, Msg("care_class.what.wage_bands"))
    v = bands.value
    if v["unit"] == "ptkp_k1":
        ptkp = param_entry("ptkp_k1_monthly", d)
        steps.append(ptkp.step(Msg("care_class.ptkp", day=d, amount=Rp(ptkp.value))))
        ii, i = (int(Decimal(v[k]) * ptkp.value) for k in ("class_II_up_to", "class_I_up_to"))
        sources = (cite(SECTION, "2.d"), cite(SECTION, "3.g"))
        steps.add(Msg("care_class.band_ii_ptkp", times=Decimal(v["class_II_up_to"]), amount=Rp(ii)), sources[0])
        steps.add(Msg("care_class.band_i_ptkp", times=Decimal(v["class_I_up_to"]), amount=Rp(i)), sources[1])
    else:
        ii, i = int(v["class_II_up_to"]), int(v["class_I_up_to"])
        sources = (bands.source, bands.source)
        steps.add(Msg("care_class.bands", ii=Rp(ii), i=Rp(i)), bands.source)
    above = param_entry("class_above_top_band", d)
    steps.add(Msg("care_class.above", amount=Rp(i), cls=above.value), above.source)
    return Decision(WageBands(ii, i, CareClass(above.value), (*sources, above.source)), steps)


def wage_class(wage: int, as_of: date, steps: Steps) -> CareClass:
    """Wage earners other than PNS/TNI/Polri/state officials: the wage against the bands in force."""
    b = wage_bands(as_of)
    steps.extend(b.steps)
    cls, source = b.value.class_of(wage)
    steps.add(Msg("care_class.wage", wage=Rp(wage), cls=cls.value), source)
    return cls


def care_class(segment: "Segment | str", as_of: "date | Month | str", *, wage: int | None = None,
               grade: "Grade | str | None" = None, paid_class: "CareClass | str | None" = None,
               ) -> Decision[CareClass]:
    """Room class for a participant of ``segment`` on ``as_of``, answered in one sentence (:func:`_entitled`)."""
    d = _entitled(segment, as_of, wage=wage, grade=grade, paid_class=paid_class)
    return Decision(d.value, d.steps, Msg("care_class.answer", segment=segment_name(Segment.parse(segment)),
                                          cls=d.value.value))


def _entitled(segment: "Segment | str", as_of: "date | Month | str", *, wage: int | None = None,
              grade: "Grade | str | None" = None, paid_class: "CareClass | str | None" = None,
              ) -> Decision[CareClass]:
    """Room class for a participant of ``segment`` on ``as_of``.

    Needs ``grade`` (a grade like ``"III/a"`` or a rank name) for PNS/TNI/Polri and their
    pensioners, ``wage`` for the other wage earners, ``paid_class`` for PBPU and BP who pay a
    flat rate. The widows/orphans of pensioners take the deceased's grade if given, else the
    class they pay for (assumption A-18).
    """
    seg, d, steps = Segment.parse(segment), as_date(as_of), Steps()
    steps.add(Msg("rule.segment", segment=segment_name(seg)), seg.source)
    if seg is Segment.PBI:
        steps.add(Msg("care_class.pbi"), cite(SECTION, "1.a"))
        return Decision(CareClass.III, steps)
    if seg in _FIXED_I:
        if (sg := segment_grade(seg)) is not None:
            steps.extend(sg.steps)
        steps.add(Msg("care_class.fixed_i", segment=segment_name(seg)), cite(SECTION, _FIXED_I[seg]))
        return Decision(CareClass.I, steps)
    if seg is Segment.BP_PENSIUNAN_PEJABAT_NEGARA:
        steps.extend(segment_grade(seg).steps)
        steps.add(Msg("care_class.pension_official"), cite(SECTION, "3.b"))
        return Decision(CareClass.I, steps)
    if seg in _BY_GRADE and (seg is not Segment.BP_JANDA_DUDA_YATIM_PENSIUNAN or grade is not None):
        if grade is None:
            raise RuleError(Msg("care_class.error.grade", segment=segment_name(seg)))
        g = grade_of(str(grade)) if not isinstance(grade, Grade) else Decision(grade, [])
        steps.extend(g.steps)
        if seg.group is SegmentGroup.PPU:
            steps.add(Msg("care_class.grade_not_wage"), assumption("A-17"))
        if seg is Segment.BP_JANDA_DUDA_YATIM_PENSIUNAN:
            steps.add(Msg("care_class.survivor_grade"), assumption("A-18"))
        return Decision(class_for_grade(g.value, _BY_GRADE[seg], steps), steps)
    if seg.group is SegmentGroup.PPU:
        if wage is None:
            raise RuleError(Msg("care_class.error.wage", segment=segment_name(seg)))
        if isinstance(wage, bool) or not isinstance(wage, int) or wage < 0:
            raise RuleError(Msg("care_class.error.wage_whole", got=repr(wage)))
        try:
            return Decision(wage_class(wage, d, steps), steps)
        except NotAvailable as exc:
            if paid_class is None:
                raise NotAvailable(Msg("care_class.error.no_bands", why=exc.msg or str(exc))) from None
            c = CareClass.parse(paid_class)
            steps.add(Msg("care_class.no_bands", day=d, cls=c.value), assumption("A-R09"))
            return Decision(c, steps)
    if seg is Segment.BP_JANDA_DUDA_YATIM_PENSIUNAN:
        steps.add(Msg("care_class.survivor_paid"), assumption("A-18"))
    return Decision(_paid(seg, paid_class, steps), steps)
