"""The documents a registration or data change needs, and which were shown.

The lists are the rules engine's (jkn.rules.documents, transcribed from the guide). Each
document gets a stable code ``<list id>/<n>`` (n = its place in the guide's list, from 1), e.g.
``PBPU.MANDIRI/2`` = "Asli/foto copy Kartu Keluarga dan KTP". A registration or change is
refused (422) while a required document is missing; the answer lists the codes to send.
``note`` items of the guide are conditions, not documents, and get no code. Where the guide
gives a segment several lists (PNS: ordinary or seconded to a BUMN/BUMD), the request names one
(``registration_type``); by default the first in the guide's order applies (assumption A-M02).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from jkn.domain.care import Relationship
from jkn.domain.segment import Segment
from jkn.rules import documents as doc_rules
from jkn.rules.decision import Step
from jkn.services.errors import Invalid
from jkn.services.membership.common import rule
from jkn.store.membership_tables import DataChangeRow, DocumentShownRow

#: condition names of params/documents.toml (``when``) and what they mean
CONDITIONS = {
    "foreign": "a foreign national is registered",
    "married": "the participant is married or a spouse is registered",
    "children": "a child is registered",
    "adopted_child": "an adopted child is registered",
    "child_21_25": "a child aged 21 to 25 is registered",
    "pns_active": "the participant is an active civil servant",
    "balita_exempt": "not needed for a child under five",
}


@dataclass
class DocItem:
    code: str
    text: str
    kind: str
    required: bool
    condition: str | None
    source: str
    shown: bool = False

    def as_dict(self) -> dict:
        return {"code": self.code, "text": self.text, "kind": self.kind, "required": self.required,
                "condition": self.condition, "shown": self.shown, "source": self.source}


@dataclass
class DocCheck:
    title: str
    items: list[DocItem]
    steps: list[Step] = field(default_factory=list)

    @property
    def missing(self) -> list[DocItem]:
        return [i for i in self.items if i.required and not i.shown]

    def as_dict(self) -> dict:
        return {"title": self.title, "items": [i.as_dict() for i in self.items],
                "missing": [i.code for i in self.missing]}


def _items(req, facts: dict[str, bool]) -> list[DocItem]:
    out = []
    for n, item in enumerate(req.items, start=1):
        if item.kind == "note":
            continue
        cond = item.when
        required = True if cond in (None, "balita_exempt") else facts.get(cond, True)
        out.append(DocItem(f"{req.id}/{n}", item.text, item.kind, required, cond, req.source))
    return out


def _mark(check: DocCheck, shown: Sequence[str], *, enforce: bool) -> DocCheck:
    codes = {c.strip() for c in shown if c and c.strip()}
    known = {i.code for i in check.items}
    unknown = sorted(codes - known)
    if unknown:
        raise Invalid(f"unknown document code(s) {', '.join(unknown)} for '{check.title}'; the checklist is: "
                      + "; ".join(f"{i.code} = {i.text}" for i in check.items), field="documents_shown",
                      checklist=check.as_dict(), code="document_unknown")
    for i in check.items:
        i.shown = i.code in codes
    if enforce and check.missing:
        raise Invalid(f"documents not shown for '{check.title}': "
                      + "; ".join(f"{i.code} ({i.text})" for i in check.missing)
                      + ". Send their codes in documents_shown.", field="documents_shown", checklist=check.as_dict(),
                      code="documents_missing")
    check.steps.append(Step(f"documents shown: {', '.join(sorted(codes)) or 'none'}; "
                            f"missing: {', '.join(i.code for i in check.missing) or 'none'}", check.items[0].source
                            if check.items else "Panduan Peserta, Pendaftaran Menjadi Peserta"))
    return check


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def registration_facts(segment: Segment, on: dt.date, head, members: Sequence) -> dict[str, bool]:
    rels = [Relationship(m.relationship) for m in members]
    births = [(Relationship(m.relationship), m.birth_date) for m in members]
    return {
        "foreign": head.nationality == "WNA" or any(m.nationality == "WNA" for m in members),
        "married": str(getattr(head.marital_status, "value", head.marital_status)) == "MARRIED"
        or Relationship.SPOUSE in rels,
        "children": any(r.is_child for r in rels),
        "adopted_child": Relationship.CHILD_ADOPTED in rels,
        "child_21_25": any(r.is_child and b is not None and 21 <= _age(b, on) <= 25 for r, b in births),
        "pns_active": segment is Segment.PPU_PNS,
    }


def registration_checklist(segment: Segment | str, on: dt.date, head, members: Sequence = (), *,
                           mode: str = "individual", registration_type: str | None = None,
                           extra_members: bool = False, group_size: int | None = None) -> DocCheck:
    """The checklist for registering ``head`` (+ ``members``) in ``segment``."""
    seg = Segment.parse(segment)
    facts = registration_facts(seg, on, head, members)
    if registration_type is None:
        options = [r.id for r in doc_rules.registration_options(seg) if r.mode == mode]
        registration_type = options[0] if options else None  # default: the guide's first list for the segment
    d = rule(doc_rules.registration_documents, seg, mode=mode, subtype=registration_type, foreign=True,
             group_size=group_size, field="registration_type")
    check = DocCheck(d.value.title, _items(d.value, facts), list(d.steps))
    if extra_members:
        m = doc_rules.family_member_documents(foreign=True)
        check.items += _items(m.value, facts)
        check.steps += list(m.steps)
    return check


def checklist_for_registration(segment: Segment, on: dt.date, head, members: Sequence, shown: Sequence[str], *,
                               registration_type: str | None = None, extra_members: bool = False,
                               mode: str = "individual", enforce: bool = True,
                               group_size: int | None = None) -> DocCheck:
    check = registration_checklist(segment, on, head, members, mode=mode, registration_type=registration_type,
                                   extra_members=extra_members, group_size=group_size)
    return _mark(check, shown, enforce=enforce)


#: data-change kinds of this service → the guide's change list (jkn.rules.documents.change_types)
CHANGE_LISTS = {
    "CARD_LOST": "CARD_LOST", "CARD_DAMAGED": "CARD_DAMAGED_OR_WRONG", "CORRECTION": "CARD_DAMAGED_OR_WRONG",
    "FKTP": "FKTP_CHANGE", "ADDRESS": "ADDRESS", "EMPLOYER": "WORKPLACE", "GRADE": "RANK",
    "SEGMENT": "PARTICIPATION_TYPE", "MARRIAGE": "MARRIAGE", "BIRTH": "MARRIAGE",
    "CHILD_REPLACEMENT": "CHILD_REPLACEMENT", "DEATH": "DEATH", "DIVORCE": "DIVORCE",
}


def change_checklist(kind: str, segment: Segment | str | None = None, facts: dict[str, bool] | None = None) -> DocCheck | None:
    """The checklist of a data change; None for a change the guide lists no documents for
    (WAGE, ADD_MEMBER use other lists: see data_changes)."""
    key = CHANGE_LISTS.get(kind)
    if key is None:
        return None
    d = rule(doc_rules.change_documents, key, segment=segment, field="kind")
    return DocCheck(d.value.title, _items(d.value, facts or {}), list(d.steps))


def checklist_for_change(kind: str, segment: Segment | str | None, shown: Sequence[str], *,
                         facts: dict[str, bool] | None = None, enforce: bool = True) -> DocCheck | None:
    check = change_checklist(kind, segment, facts)
    return _mark(check, shown, enforce=enforce) if check is not None else None


def school_letter(segment: Segment | str) -> DocCheck | None:
    """The school's letter for a child aged 21 to 25 ("Surat Keterangan dari sekolah/ perguruan
    tinggi"), as the segment's individual registration list has it (the first such list, A-M02);
    None where the guide's list has no such item (e.g. Pegawai Swasta)."""
    for req in doc_rules.registration_options(segment):
        items = [i for i in _items(req, {"child_21_25": True}) if i.condition == "child_21_25"]
        if req.mode == "individual" and items:
            return DocCheck(req.title, items)
    return None


def record(session: Session, change: DataChangeRow, check: DocCheck | None, participant_id: int | None) -> None:
    if check is None:
        return
    for i in check.items:
        session.add(DocumentShownRow(change_id=change.id, participant_id=participant_id, code=i.code, label=i.text,
                                     required=i.required, shown=i.shown, source=i.source))
