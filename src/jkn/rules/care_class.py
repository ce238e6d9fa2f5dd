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
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from jkn.domain.care import CareClass, Grade
from jkn.domain.month import Month
from jkn.domain.segment import Segment, SegmentGroup
from jkn.rules.decision import Decision, RuleError, Steps, assumption, cite
from jkn.rules.money import fmt
from jkn.rules.parameters import as_date, param_entry
from jkn.rules.ranks import grade_of, segment_grade

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
        steps.add(f"golongan {grade.golongan} (I or II): class II", cite(SECTION, f"2.{items[0]}"))
        return CareClass.II
    steps.add(f"golongan {grade.golongan} (III or IV): class I", cite(SECTION, f"3.{items[1]}"))
    return CareClass.I


def _paid(segment: Segment, paid_class, steps: Steps) -> CareClass:
    if paid_class is None:
        raise RuleError(f"paid_class (I, II or III) is required for segment {segment.value}: "
                        "its room class is the class its contribution pays for")
    c = CareClass.parse(paid_class)
    item = {CareClass.III: "1.b", CareClass.II: "2.e", CareClass.I: "3.h"}[c]
    steps.add(f"{segment.group.value} participant paying the class {c.value} rate: class {c.value}", cite(SECTION, item))
    return c


def wage_class(wage: int, as_of: date, steps: Steps) -> CareClass:
    """Wage earners other than PNS/TNI/Polri/state officials: wage against PTKP K/1 (§2.d, §3.g)."""
    ptkp = param_entry("ptkp_k1_monthly", as_of)
    mult = param_entry("ppu_class_ptkp_multiples", as_of)
    ii, i = Decimal(mult.value["class_II_up_to"]), Decimal(mult.value["class_I_up_to"])
    steps.append(ptkp.step(f"PTKP K/1 per month on {as_of}: {fmt(ptkp.value)}"))
    if wage <= ii * ptkp.value:
        steps.add(f"wage {fmt(wage)} is up to {ii} x PTKP K/1 ({fmt(int(ii * ptkp.value))}): class II",
                  cite(SECTION, "2.d"))
        return CareClass.II
    if wage <= i * ptkp.value:
        steps.add(f"wage {fmt(wage)} is above {ii} and up to {i} x PTKP K/1 ({fmt(int(i * ptkp.value))}): class I",
                  cite(SECTION, "3.g"))
        return CareClass.I
    above = param_entry("class_above_2x_ptkp", as_of)
    steps.add(f"wage {fmt(wage)} is above {i} x PTKP K/1 ({fmt(int(i * ptkp.value))}); the guide names no class "
              f"for it: class {above.value}", above.source)
    return CareClass(above.value)


def care_class(segment: "Segment | str", as_of: "date | Month | str", *, wage: int | None = None,
               grade: "Grade | str | None" = None, paid_class: "CareClass | str | None" = None,
               ) -> Decision[CareClass]:
    """Room class for a participant of ``segment`` on ``as_of``.

    Needs ``grade`` (a grade like ``"III/a"`` or a rank name) for PNS/TNI/Polri and their
    pensioners, ``wage`` for the other wage earners, ``paid_class`` for PBPU and BP who pay a
    flat rate. The widows/orphans of pensioners take the deceased's grade if given, else the
    class they pay for (assumption A-18).
    """
    seg, d, steps = Segment.parse(segment), as_date(as_of), Steps()
    steps.add(f"segment {seg.value}: {seg.label}", seg.source)
    if seg is Segment.PBI:
        steps.add("PBI participants: class III", cite(SECTION, "1.a"))
        return Decision(CareClass.III, steps)
    if seg in _FIXED_I:
        if (sg := segment_grade(seg)) is not None:
            steps.extend(sg.steps)
        steps.add(f"{seg.label}: class I", cite(SECTION, _FIXED_I[seg]))
        return Decision(CareClass.I, steps)
    if seg is Segment.BP_PENSIUNAN_PEJABAT_NEGARA:
        steps.extend(segment_grade(seg).steps)
        steps.add("pensioners of golongan III and IV: class I", cite(SECTION, "3.b"))
        return Decision(CareClass.I, steps)
    if seg in _BY_GRADE and (seg is not Segment.BP_JANDA_DUDA_YATIM_PENSIUNAN or grade is not None):
        if grade is None:
            raise RuleError(f"grade is required for segment {seg.value} (e.g. 'III/a' or a rank such as 'Kapten')")
        g = grade_of(str(grade)) if not isinstance(grade, Grade) else Decision(grade, [])
        steps.extend(g.steps)
        if seg.group is SegmentGroup.PPU:
            steps.add("PNS, TNI and Polri take the class of their grade (2.a-c, 3.b-d), not the wage rule of 2.d/3.g",
                      assumption("A-17"))
        if seg is Segment.BP_JANDA_DUDA_YATIM_PENSIUNAN:
            steps.add("survivor of a pensioner: the deceased pensioner's grade applies, as for a family member",
                      assumption("A-18"))
        return Decision(class_for_grade(g.value, _BY_GRADE[seg], steps), steps)
    if seg.group is SegmentGroup.PPU:
        if wage is None:
            raise RuleError(f"wage is required for segment {seg.value}")
        if isinstance(wage, bool) or not isinstance(wage, int) or wage < 0:
            raise RuleError(f"wage must be a whole, non-negative number of rupiah, got {wage!r}")
        return Decision(wage_class(wage, d, steps), steps)
    if seg is Segment.BP_JANDA_DUDA_YATIM_PENSIUNAN:
        steps.add("no grade of the deceased given: the class paid for applies", assumption("A-18"))
    return Decision(_paid(seg, paid_class, steps), steps)
