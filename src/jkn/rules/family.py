"""Which family members a participant can cover, and on what terms.

Panduan Peserta, "Anggota Keluarga yang Ditanggung":
1. Pekerja Penerima Upah: "Keluarga inti meliputi istri/suami dan anak yang sah (anak kandung,
   anak tiri dan/atau anak angkat), sebanyak-banyaknya 5 (lima) orang"; children "a. Tidak atau
   belum pernah menikah atau tidak mempunyai penghasilan sendiri; b. Belum berusia 21 (dua puluh
   satu) tahun atau belum berusia 25 (dua puluh lima) tahun yang masih melanjutkan pendidikan formal."
2. PBPU dan Bukan Pekerja: "Peserta dapat mengikutsertakan anggota keluarga yang diinginkan
   (tidak terbatas)."
3. "anggota keluarga tambahan, yang meliputi anak ke-4 dan seterusnya, ayah, ibu dan mertua."
4. "anggota keluarga tambahan, yang meliputi kerabat lain seperti Saudara kandung/ipar, asisten
   rumah tangga, dll."
Perubahan Data 2.f: "Bagi Pekerja Penerima Upah, jumlah anak yang dijamin maksimal 3 (tiga) orang.
Apabila terdapat pengurangan jumlah anak karena sudah menikah/telah mempunyai penghasilan
sendiri/meninggal dapat digantikan anak lain".
A child's status ends on a date known in advance (``child_status_ends``): the registry keeps it
and every check reads it as of the date of service (assumptions A-M15, A-M16).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Sequence

from jkn.domain.care import FamilyMember, MaritalStatus, Relationship
from jkn.domain.month import Month
from jkn.domain.segment import Segment, SegmentGroup
from jkn.i18n import Msg
from jkn.rules.decision import Decision, Steps, assumption, cite
from jkn.rules.parameters import as_date

SECTION = "Anggota Keluarga yang Ditanggung"
CORE_MAX_PERSONS = 5   # "sebanyak-banyaknya 5 (lima) orang" (incl. the participant: A-14)
CORE_MAX_CHILDREN = 3  # "jumlah anak yang dijamin maksimal 3 (tiga) orang"
ONE_DAY = timedelta(days=1)


class MemberStatus(str, Enum):
    CORE = "CORE"                      #: keluarga inti, covered by the wage earner's percentage
    ADDITIONAL = "ADDITIONAL"          #: keluarga tambahan, 1% of wage per person (Iuran 4)
    OTHER_RELATIVE = "OTHER_RELATIVE"  #: kerabat lain, flat class rate (Iuran 5)
    MEMBER = "MEMBER"                  #: family of PBPU / BP, no limit (Anggota Keluarga 2)
    REFUSED = "REFUSED"


@dataclass(frozen=True, slots=True)
class MemberResult:
    index: int
    member: FamilyMember
    status: MemberStatus
    reason: Msg   #: why, read in the reader's language
    source: str
    until: date | None = None  #: last day the status holds by age (children of a wage earner), else None


@dataclass(frozen=True, slots=True)
class FamilyCheck:
    segment: Segment
    members: tuple[MemberResult, ...]

    def with_status(self, status: MemberStatus) -> list[MemberResult]:
        return [m for m in self.members if m.status is status]

    @property
    def additional_members(self) -> int:
        """Count for ``monthly_contribution(additional_members=...)``."""
        return len(self.with_status(MemberStatus.ADDITIONAL))

    @property
    def other_relatives(self) -> int:
        """Count of members who pay the flat class rate as other relatives (Iuran 5)."""
        return len(self.with_status(MemberStatus.OTHER_RELATIVE))

    @property
    def persons(self) -> int:
        """Participant + members, for ``monthly_contribution(persons=...)`` of PBPU / BP."""
        return 1 + len(self.with_status(MemberStatus.MEMBER))


def nth_birthday(birth: date, years: int) -> date:
    """The first day on which someone born on ``birth`` has completed ``years`` years (a birthday
    on 29 February falls on 1 March in other years), as ``FamilyMember.age_on`` counts them."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def child_status_ends(child: FamilyMember) -> Decision[date]:
    """The first day the child no longer meets the age criterion of 1.b: the 21st birthday, or the
    day after the end of formal education shown on the school's letter, at the latest the 25th
    birthday (assumptions A-16, A-M16). ``child_eligible`` holds on exactly the days before it
    while the child has never married and has no income (1.a, which a reported change ends)."""
    steps = Steps()
    b21, b25 = nth_birthday(child.birth_date, 21), nth_birthday(child.birth_date, 25)
    ends = b21
    steps.add(Msg("family.child.under_21", born=child.birth_date, until=b21 - ONE_DAY), cite(SECTION, "1.b"))
    if child.in_school and child.education_until is not None:
        schooled = min(b25, child.education_until + ONE_DAY)
        if schooled > b21:
            ends = schooled
            steps.add(Msg("family.child.schooled", school=child.education_until, until=ends - ONE_DAY),
                      cite(SECTION, "1.b"))
        else:
            steps.add(Msg("family.child.school_ends_early", day=child.education_until), cite(SECTION, "1.b"))
    elif child.in_school:
        steps.add(Msg("family.child.school_no_date"), assumption("A-M16"))
    steps.add(Msg("family.child.ends", day=ends), assumption("A-M15"))
    return Decision(ends, steps)


def child_eligible(child: FamilyMember, as_of: "date | Month | str") -> Decision[bool]:
    """A child counts in the core family if never married, without own income, and under 21,
    or under 25 while in formal education up to the end date shown (Anggota Keluarga 1.a-b;
    assumptions A-13, A-16, A-M16): on ``as_of``, before ``child_status_ends``."""
    as_of = as_date(as_of)
    steps, age = Steps(), child.age_on(as_of)
    if child.marital_status is not MaritalStatus.NEVER_MARRIED:
        steps.add(Msg("family.child.married", status=Msg(f"marital.{child.marital_status.value}")),
                  cite(SECTION, "1.a"), decisive=True)
        return Decision(False, steps)
    if child.has_income:
        steps.add(Msg("family.child.income"), cite(SECTION, "1.a"), decisive=True)
        return Decision(False, steps)
    steps.add(Msg("family.child.single"), assumption("A-13"))
    ends = child_status_ends(child).value
    if as_of < ends:
        why = Msg("family.child.age_under_21", age=age, day=as_of) if age < 21 else \
            Msg("family.child.age_in_school", age=age, day=as_of, until=child.education_until)
        steps.add(why, cite(SECTION, "1.b"), decisive=True)
        return Decision(True, steps)
    steps.add(Msg("family.child.age_over", age=age, day=as_of) if age >= 25 else
              Msg("family.child.age_over_21", age=age, day=as_of), cite(SECTION, "1.b"), decisive=True)
    return Decision(False, steps)


def check_family(segment: "Segment | str", as_of: "date | Month | str",
                 members: Sequence[FamilyMember]) -> Decision[FamilyCheck]:
    """Sort proposed members into core / additional (1%) / other relative / member / refused."""
    seg, d, steps = Segment.parse(segment), as_date(as_of), Steps()
    res: dict[int, MemberResult] = {}

    def put(i: int, status: MemberStatus, reason: Msg, source: str, until: date | None = None) -> None:
        res[i] = MemberResult(i, members[i], status, reason, source, until)
        said = dict(n=i + 1, relationship=Msg(f"rel.{members[i].relationship.value}"),
                    status=Msg(f"family.status.{status.value}"), reason=reason)
        steps.add(Msg("family.member_until", until=until, **said) if until else Msg("family.member", **said), source,
                  decisive=status is MemberStatus.REFUSED)

    alive = []
    for i, m in enumerate(members):
        if m.birth_date > d:
            put(i, MemberStatus.REFUSED, Msg("family.born_after", born=m.birth_date, day=d), cite(SECTION))
        else:
            alive.append(i)
    if seg.group is SegmentGroup.PBI:
        for i in alive:
            put(i, MemberStatus.REFUSED, Msg("family.pbi_designated"), cite("Peserta Jaminan Kesehatan", "1"))
    elif seg.group in (SegmentGroup.PBPU, SegmentGroup.BP):
        for i in alive:
            put(i, MemberStatus.MEMBER, Msg("family.no_limit"), cite(SECTION, "2"))
    else:
        _wage_earner(members, alive, d, put, steps)
    ordered = tuple(res[i] for i in range(len(members)))
    return Decision(FamilyCheck(seg, ordered), steps)


def _wage_earner(members, alive, d, put, steps) -> None:
    slots = CORE_MAX_PERSONS - 1
    for i in (i for i in alive if members[i].relationship is Relationship.SPOUSE):
        if slots:
            slots -= 1
            put(i, MemberStatus.CORE, Msg("family.spouse"), cite(SECTION, "1"))
        else:
            put(i, MemberStatus.REFUSED, Msg("family.core_full"), cite(SECTION, "1"))
    children = sorted((i for i in alive if members[i].relationship.is_child),
                      key=lambda i: (members[i].birth_date, i))
    core_children = 0
    for i in children:
        ok = child_eligible(members[i], d)
        steps.extend(ok.steps)
        if not ok.value:
            put(i, MemberStatus.OTHER_RELATIVE, Msg("family.not_core_child", why=ok.steps[-1].text), assumption("A-14"))
            continue
        until = child_status_ends(members[i]).value - ONE_DAY
        if core_children < CORE_MAX_CHILDREN and slots:
            core_children += 1
            slots -= 1
            put(i, MemberStatus.CORE, Msg("family.core_child", n=core_children, most=CORE_MAX_CHILDREN),
                cite("Perubahan Data Kepesertaan", "2.f"), until)
        else:
            put(i, MemberStatus.ADDITIONAL, Msg("family.fourth_child", most=CORE_MAX_CHILDREN), cite(SECTION, "3"), until)
    for i in alive:
        r = members[i].relationship
        if r.is_parent:
            put(i, MemberStatus.ADDITIONAL, Msg("family.parent"), cite(SECTION, "3"))
        elif r is Relationship.OTHER_RELATIVE:
            put(i, MemberStatus.OTHER_RELATIVE, Msg("family.other_relative"), cite(SECTION, "4"))
