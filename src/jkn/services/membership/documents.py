"""The documents a registration or data change needs, and which were shown.

One function per use case makes the list: ``registration_checklist`` (``form_checklist`` for a
registration form) and ``change_checklist``. The registration and the data changes demand
exactly what they return (``demand``), and every checklist (API, pages, CLI) shows what they
return for the same inputs, so a person is asked for their own list (assumption A-M20). The lists
are the rules engine's (jkn.rules.documents, transcribed from the guide). Each document gets a
stable code ``<list id>/<n>`` (n = its place in the guide's list, from 1), e.g.
``PBPU.MANDIRI/3`` = "Asli/foto copy Kartu Keluarga dan KTP". A registration or change is refused
(422) while a listed document is missing or a code not on the list is sent; the answer lists the
codes to send. ``note`` items of the guide are conditions, not documents, and get no code. Where
the guide gives a segment several lists (PNS: ordinary or seconded to a BUMN/BUMD), the request
names one (``registration_type``); by default the first in the guide's order applies (A-M02).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from jkn.domain.care import FamilyMember, MaritalStatus, Relationship
from jkn.domain.segment import Segment
from jkn.i18n import Msg
from jkn.reference import nik as nik_parser
from jkn.rules import documents as doc_rules
from jkn.rules.decision import Step
from jkn.rules.family import MemberStatus, check_family
from jkn.services.errors import Invalid
from jkn.services.membership.common import jakarta_today, rule
from jkn.services.membership.schemas import FamilyIn, PersonIn
from jkn.store.membership_tables import DataChangeRow, DocumentShownRow


@dataclass
class DocItem:
    """A document of a person's list; every one is required (``condition``: why it is on the list)."""

    code: str
    text: str
    kind: str
    condition: str | None
    source: str
    shown: bool = False

    def as_dict(self) -> dict:
        return {"code": self.code, "text": self.text, "kind": self.kind, "required": True,
                "condition": self.condition, "shown": self.shown, "source": self.source}


@dataclass
class DocCheck:
    title: str
    items: list[DocItem]
    steps: list[Step] = field(default_factory=list)

    @property
    def missing(self) -> list[DocItem]:
        return [i for i in self.items if not i.shown]

    def as_dict(self) -> dict:
        return {"title": self.title, "items": [i.as_dict() for i in self.items],
                "missing": [i.code for i in self.missing],
                "explanation": [s.as_dict() for s in self.steps]}


@dataclass(frozen=True)
class Person:
    """What the guide's conditions ask about one person of a form or change."""

    relationship: Relationship | None = None  #: None: the participant
    birth_date: dt.date | None = None
    nationality: str = "WNI"
    marital_status: MaritalStatus = MaritalStatus.NEVER_MARRIED
    in_school: bool = False
    has_income: bool = False

    def age_on(self, on: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))


def born(nik: str | None, birth_date: dt.date | None, today: dt.date) -> dt.date | None:
    """The birth date given, else the NIK's (as the registration reads it on ``today``)."""
    if birth_date is not None or not nik:
        return birth_date
    try:
        return nik_parser.parse(nik, today=today).birth_date
    except nik_parser.NikError:
        return None  # the registration refuses the NIK itself


def person(data: PersonIn, today: dt.date, relationship: Relationship | None = None) -> Person:
    """A person of a form (birth date: see ``born``)."""
    return Person(relationship, born(data.nik, data.birth_date, today), data.nationality,
                  MaritalStatus(data.marital_status), data.in_school, data.has_income)


def circumstances(on: dt.date, people: Sequence[Person], *, married: bool = False) -> doc_rules.Circumstances:
    """What the conditional items ask, for the people the documents are for (A-M20)."""
    ages = [p.age_on(on) for p in people]
    children = [(p, a) for p, a in zip(people, ages) if p.relationship is not None and p.relationship.is_child]
    return doc_rules.Circumstances(
        foreign=any(p.nationality == "WNA" for p in people),
        married=married or any(p.relationship is Relationship.SPOUSE for p in people),
        children=len(children),
        students_21_25=sum(1 for p, a in children if p.in_school and a is not None and 21 <= a < 25
                           and p.marital_status is MaritalStatus.NEVER_MARRIED and not p.has_income),
        all_under_five=bool(people) and all(a is not None and a < 5 for a in ages))


def _pay_own_contribution(segment: Segment, on: dt.date, members: Sequence[Person]) -> bool:
    """Does the family rule make a member an additional member or other relative ("Anggota Keluarga Lain")?"""
    family = [FamilyMember(m.relationship, m.birth_date, m.marital_status, m.has_income, m.in_school)
              for m in members if m.birth_date is not None]
    d = rule(check_family, segment, on, family, field="members")
    return any(m.status in (MemberStatus.ADDITIONAL, MemberStatus.OTHER_RELATIVE) for m in d.value.members)


def _items(req: doc_rules.Requirements) -> list[DocItem]:
    return [DocItem(f"{req.id}/{i.number}", i.text, i.kind, i.when, req.source)
            for i in req.items if i.kind != "note"]


def registration_checklist(segment: Segment | str, on: dt.date, head: Person = Person(),
                           members: Sequence[Person] = (), *, mode: str = "individual",
                           registration_type: str | None = None, group_size: int | None = None) -> DocCheck:
    """The documents for registering ``head`` (+ ``members``) in ``segment`` with cover from ``on``."""
    seg = Segment.parse(segment)
    if registration_type is None:
        options = [r.id for r in doc_rules.registration_options(seg) if r.mode == mode]
        registration_type = options[0] if options else None  # default: the guide's first list for the segment
    c = circumstances(on, [head, *members], married=head.marital_status is MaritalStatus.MARRIED)
    d = rule(doc_rules.registration_documents, seg, mode=mode, subtype=registration_type, group_size=group_size,
             circumstances=c, field="registration_type")
    check = DocCheck(d.value.title, _items(d.value), list(d.steps))
    if mode == "individual" and _pay_own_contribution(seg, on, members):
        m = doc_rules.family_member_documents(circumstances=c)
        check.items += _items(m.value)
        check.steps += list(m.steps)
    return check


def form_checklist(data: FamilyIn, *, mode: str = "individual") -> DocCheck:
    """The checklist of a registration form (FDIP): what ``registration.register`` demands for it."""
    registered_on = data.registered_on or jakarta_today()
    return registration_checklist(data.head.segment, data.tmt or registered_on, person(data.head, registered_on),
                                  [person(m, registered_on, m.relationship) for m in data.members], mode=mode,
                                  registration_type=data.registration_type)


@dataclass(frozen=True)
class Household:
    """A registration told without identities: the questions of the public checklist (A-M23)."""

    nationality: str = "WNI"  #: WNA when someone to be registered is a foreign national
    marital_status: MaritalStatus = MaritalStatus.NEVER_MARRIED  #: the participant's
    spouse: bool = False      #: a husband or wife is registered
    children: int = 0         #: children under 21, never married, without own income
    students: int = 0         #: children aged 21 to 25 in formal education
    other_children: int = 0   #: children who are neither (married, own income, or older)
    parents: int = 0          #: father, mother, parents-in-law
    relatives: int = 0        #: other relatives (kerabat lain)

    def people(self, on: dt.date) -> tuple[Person, list[Person]]:
        """The participant and members, each born the number of years before ``on`` its kind implies."""
        def aged(years: int) -> dt.date:
            return dt.date(on.year - years, on.month, min(on.day, 28))
        kinds = [(self.spouse, Person(Relationship.SPOUSE, aged(30), marital_status=MaritalStatus.MARRIED)),
                 (self.children, Person(Relationship.CHILD_NATURAL, aged(10))),
                 (self.students, Person(Relationship.CHILD_NATURAL, aged(21), in_school=True)),
                 (self.other_children, Person(Relationship.CHILD_NATURAL, aged(25))),
                 (self.parents, Person(Relationship.MOTHER, aged(60), marital_status=MaritalStatus.WIDOWED)),
                 (self.relatives, Person(Relationship.OTHER_RELATIVE, aged(30)))]
        members = [p for n, p in kinds for _ in range(int(n))]
        return Person(nationality=self.nationality, marital_status=self.marital_status), members


def household_checklist(segment: Segment | str, on: dt.date, household: Household, *,
                        registration_type: str | None = None) -> DocCheck:
    """The registration checklist for a household told by its answers (``registration_checklist``)."""
    head, members = household.people(on)
    return registration_checklist(segment, on, head, members, registration_type=registration_type)


def demand(check: DocCheck, shown: Sequence[str]) -> DocCheck:
    """Mark what was shown; refuse (422) a code not on the list or a listed document not shown."""
    codes = {c.strip() for c in shown if c and c.strip()}
    known = {i.code for i in check.items}
    unknown = sorted(codes - known)
    if unknown:
        raise Invalid(Msg("error.membership.document_unknown", value=', '.join(unknown), title=check.title,
                          value2="; ".join(f"{i.code} = {i.text}" for i in check.items)), field="documents_shown",
                      checklist=check.as_dict(), code="document_unknown")
    for i in check.items:
        i.shown = i.code in codes
    if check.missing:
        raise Invalid(Msg("error.membership.documents_missing", title=check.title,
                          value="; ".join(f"{i.code} ({i.text})" for i in check.missing)), field="documents_shown", checklist=check.as_dict(),
                      code="documents_missing")
    shown = [i.text for i in check.items if i.code in codes]
    check.steps.append(Step(Msg("documents.shown", items="; ".join(shown)) if shown else Msg("documents.none_shown"),
                            check.items[0].source if check.items else "Panduan Peserta, Pendaftaran Menjadi Peserta"))
    return check


#: data-change kinds of this service → the guide's change list (jkn.rules.documents.change_types)
CHANGE_LISTS = {
    "CARD_LOST": "CARD_LOST", "CARD_DAMAGED": "CARD_DAMAGED_OR_WRONG", "CORRECTION": "CARD_DAMAGED_OR_WRONG",
    "FKTP": "FKTP_CHANGE", "ADDRESS": "ADDRESS", "EMPLOYER": "WORKPLACE", "GRADE": "RANK",
    "SEGMENT": "PARTICIPATION_TYPE", "MARRIAGE": "MARRIAGE", "BIRTH": "BIRTH",
    "CHILD_REPLACEMENT": "CHILD_REPLACEMENT", "DEATH": "DEATH", "DIVORCE": "DIVORCE",
}


def change_checklist(kind: str, segment: Segment | str, on: dt.date, *, member: Person | None = None,
                     new_segment: Segment | str | None = None) -> DocCheck | None:
    """The documents of a data change of a participant of ``segment``, effective ``on``: ``member``
    is the person it adds (marriage, birth, other member, replacing child), ``new_segment`` the
    segment a change of participation type moves to. None for a change the guide lists no documents
    for (WAGE). An added member who is not a spouse or child uses "Anggota Keluarga Lain", and so
    does a child who stays as a member with an own contribution (CONTINUE_MEMBER, ``member`` the
    child); EDUCATION asks for the school's letter of the segment (``school_letter``; the guide has
    no change list for it)."""
    if kind == "EDUCATION":
        return school_letter(segment)
    c = circumstances(on, [member] if member is not None else [])
    if kind in ("ADD_MEMBER", "CONTINUE_MEMBER"):
        d = doc_rules.family_member_documents(circumstances=c)
    elif kind in CHANGE_LISTS:
        d = rule(doc_rules.change_documents, CHANGE_LISTS[kind], segment=segment, new_segment=new_segment,
                 circumstances=c, field="kind")
    else:
        return None
    return DocCheck(d.value.title, _items(d.value), list(d.steps))


def school_letter(segment: Segment | str) -> DocCheck | None:
    """The school's letter for a child aged 21 to 25 ("Surat Keterangan dari sekolah/ perguruan
    tinggi"), as the segment's individual registration list has it (the first such list, A-M02);
    None where the guide's list has no such item (e.g. Pegawai Swasta)."""
    for req in doc_rules.registration_options(segment):
        items = [i for i in _items(req) if i.condition == "child_21_25"]
        if req.mode == "individual" and items:
            return DocCheck(req.title, items)
    return None


def record(session: Session, change: DataChangeRow, check: DocCheck | None, participant_id: int | None) -> None:
    if check is None:
        return
    for i in check.items:
        session.add(DocumentShownRow(change_id=change.id, participant_id=participant_id, code=i.code, label=i.text,
                                     required=True, shown=i.shown, source=i.source))
