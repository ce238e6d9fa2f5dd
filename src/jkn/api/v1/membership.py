"""/api/v1 membership registry: participants, families, data changes, history, cards, coverage
(issue #4). Routers parse and render; the use cases live in jkn.services.

Every endpoint but the registration checklist needs a logged-in caller and applies the portal's
scope (jkn.api.security, docs/api-security.md): offices their work area, a participant their
family, an employer administrator their employees; a family, a statement or a change shows only
the members the caller may open one by one. Writes are recorded as the caller (the change's actor
and its audit row, written by the use case); the ``X-Actor`` header of earlier versions is gone."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from jkn.api import security as sec
from jkn.api.errors import problem
from jkn.api.explained import ExplainedRoute
from jkn.api.paging import PAGED, linked
from jkn.api.security import AUTH_RESPONSES as AUTH
from jkn.api.security import Caller
from jkn.domain.care import MaritalStatus, Relationship
from jkn.domain.segment import Segment
from jkn.i18n import Msg
from jkn.reference import nik as nik_parser
from jkn.services.billing import coverage, statements
from jkn.services.bounds import MAX_INT, Id, JknDate, LifeDate, Offset
from jkn.services.errors import Forbidden, Invalid
from jkn.services.membership import cards, data_changes, documents, history, registration, status_endings
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.schemas import ChangeIn, FamilyIn, ParticipantIn, ParticipantRegistrationIn
from jkn.services.portal import auth
from jkn.services.portal.accounts import FACILITY_STAFF, PARTICIPANT

router = APIRouter(tags=["membership"], route_class=ExplainedRoute)

NOT_FOUND = {404: problem("No such card number, NIK, family, employer, facility or code")}
CONFLICT = {409: problem("Duplicate NIK (the existing card number is named) or a concurrent change "
                         "(version / If-Match does not match: reload and retry)")}
INVALID = {422: problem("Input that breaks a rule; `detail` says what to fix, `explanation` cites the rule")}


def if_match_version(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    t = if_match.strip().removeprefix("W/").strip('"')
    if not (t.isascii() and t.isdigit() and len(t) <= len(str(MAX_INT)) and 1 <= int(t) <= MAX_INT):
        raise Invalid(Msg("error.api.if_match_format", if_match=repr(if_match)), field="If-Match")
    return int(t)


class ParticipantOut(BaseModel):
    """A participant (fields as in the `participant` table, plus labels)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "card_number": "0310000000011", "nik": "3171014501900001", "name": "Siti Aminah", "sex": "P",
        "birth_date": "1990-01-05", "segment": "PBPU_MANDIRI", "segment_label": "Pekerja mandiri", "care_class": "II",
        "fktp": {"code": "0101P001", "name": "Puskesmas Gambir"}, "family_id": 1, "relationship": "HEAD",
        "member_status": "HEAD", "status": "ACTIVE", "tmt": "2014-03-01", "card_print": 1, "version": 1}]})

    card_number: str
    nik: str
    name: str
    sex: str
    birth_date: str
    segment: str
    care_class: str
    family_id: int
    relationship: str
    member_status: str
    status: str
    tmt: str
    version: int


class FamilyOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    kk_number: str | None
    version: int
    head_card_number: str | None
    members: list[ParticipantOut]


class CoverageOut(BaseModel):
    """For the facility desk: is cover active on the date, and why (cited steps)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "card_number": "0310000000011", "on_date": "2014-11-15", "active": False, "suspended": True,
        "reason": "SUSPENDED", "explanation": [{"text": "9 month(s) late is more than 6: cover suspended",
                                                 "source": "seed 001 PENGHENTIAN §2"}]}]})

    card_number: str
    on_date: str
    active: bool
    suspended: bool
    reason: str
    explanation: list[dict]


class ChangeOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    kind: str
    effective_date: str
    recorded_on: str
    actor: str
    participants: list[dict]
    documents: list[dict]
    explanation: list[dict]


class Checklist(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "title": "Pekerja diluar Hubungan Kerja atau Pekerja Mandiri",
        "items": [{"code": "PBPU.MANDIRI/1", "text": "Mengisi Formulir Daftar Isian Peserta (FDIP)", "kind": "form",
                   "required": True, "condition": None, "shown": False, "source": "seed 001 PENDAFTARAN II.B.1"}],
        "missing": ["PBPU.MANDIRI/1"]}]})

    title: str
    items: list[dict]
    missing: list[str]


def _home_kabkota(head: ParticipantIn) -> str | None:
    """The kab/kota a registration puts the family in (the service's rule: the address, else the NIK's region)."""
    if head.kabkota_code:
        return registration.resolve_kabkota(head.kabkota_code)[0]
    try:
        region = nik_parser.parse(head.nik).region.code
    except nik_parser.NikError:
        return None  # the service refuses the NIK (422) before writing anything
    return registration.resolve_kabkota(region)[0]


def _register(caller: Caller, body: FamilyIn | ParticipantRegistrationIn) -> dict:
    sec.need(caller, "participant.register")
    head = body if isinstance(body, ParticipantRegistrationIn) else body.head
    kabkota = _home_kabkota(head)
    if kabkota is not None:
        sec.in_kabkota(caller, kabkota, "registration")
    return registration.register(caller.session, body, actor=caller.actor)


@router.post("/participants", status_code=201, response_model=FamilyOut,
             responses={**AUTH, **NOT_FOUND, **CONFLICT, **INVALID},
             summary="Register a participant (a family of one)")
def register_participant(body: ParticipantRegistrationIn, caller: Caller) -> Any:
    return _register(caller, body)


@router.post("/families", status_code=201, response_model=FamilyOut,
             responses={**AUTH, **NOT_FOUND, **CONFLICT, **INVALID},
             summary="Register a participant with family members")
def register_family(body: FamilyIn, caller: Caller) -> Any:
    return _register(caller, body)


@router.get("/participants", responses={**AUTH, **NOT_FOUND, **PAGED},
            summary="Search participants (card number, NIK or name) with filters, within your scope")
def list_participants(request: Request, response: Response, caller: Caller, q: str | None = Query(None, description="card number, NIK or part of the name"),
                      segment: str | None = None, employer_code: str | None = None, kabkota_code: str | None = None,
                      status: str | None = None, family_id: Id | None = None,
                      limit: int = Query(50, ge=1, le=500), offset: Offset = 0) -> dict:
    sec.need(caller, "participant.read", "participant.self", "employer.self")
    return linked(request, response, registration.list_participants(
        caller.session, q=q, segment=segment, employer_code=employer_code, kabkota_code=kabkota_code, status=status,
        family_id=family_id, limit=limit, offset=offset, where=auth.participant_filter(caller.scope)))


@router.get("/participants/{card_number}", response_model=ParticipantOut, responses={**AUTH, **NOT_FOUND},
            summary="A participant by card number (or NIK)")
def get_participant(card_number: str, response: Response, caller: Caller) -> Any:
    p = sec.participant(caller, card_number)
    view = registration.participant_view(caller.session, p)
    response.headers["ETag"] = f'"{view["version"]}"'
    return view


@router.get("/participants/{card_number}/card.pdf",
            responses={200: {"content": {"application/pdf": {}}}, **AUTH, **NOT_FOUND},
            response_class=Response, summary="The printable participant card (PDF); the print is audited")
def card_pdf(card_number: str, caller: Caller) -> Response:
    sec.need(caller, "card.print")
    p = sec.participant(caller, card_number)
    view = registration.participant_view(caller.session, p)
    pdf = cards.print_card(caller.session, view, actor=caller.actor)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="kartu-{view["card_number"]}.pdf"'})


@router.get("/participants/{card_number}/coverage", response_model=CoverageOut, responses={**AUTH, **NOT_FOUND},
            summary="Is cover active on a date (suspension for arrears, start and end of cover)")
def get_coverage(card_number: str, caller: Caller,
                 on: JknDate | None = Query(None, description="date (default: today, Asia/Jakarta)")) -> Any:
    if caller.role != FACILITY_STAFF:  # a facility desk checks any card, as with /eligibility
        sec.participant(caller, card_number)
    return coverage.coverage_status(caller.session, card_number, on)


@router.post("/participants/{card_number}/changes", status_code=201, response_model=ChangeOut,
             responses={**AUTH, **NOT_FOUND, **CONFLICT, **INVALID},
             summary="Report a data change (FPDP): card, FKTP, address, employer, wage, grade, segment, family")
def post_change(card_number: str, body: ChangeIn, caller: Caller,
                if_match: str | None = Header(None, description="the participant's version you read (ETag)")) -> Any:
    p = sec.participant(caller, card_number)
    if caller.role == PARTICIPANT:  # the portal's FKTP form: a participant changes their own FKTP
        sec.need(caller, "fktp.change")
        if body.kind != "FKTP" or p.id != caller.scope.participant_id:
            raise Forbidden(Msg("error.api.participant_fktp_only"))
    else:
        sec.need(caller, "participant.change")
        if body.kabkota_code:
            sec.in_kabkota(caller, body.kabkota_code, "a move to another branch's kab/kota is recorded by that branch")
    return data_changes.apply_change(caller.session, p.card_number, body, actor=caller.actor,
                                     if_match=if_match_version(if_match))


@router.get("/participants/{card_number}/changes", response_model=list[ChangeOut], responses={**AUTH, **NOT_FOUND},
            summary="Every registration and change that touched the participant")
def list_changes(card_number: str, caller: Caller) -> Any:
    p = sec.participant(caller, card_number)
    return data_changes.list_changes(caller.session, p.card_number, where=auth.participant_filter(caller.scope))


@router.get("/participants/{card_number}/history", responses={**AUTH, **NOT_FOUND},
            summary="Audit history: who changed what, when, before and after")
def get_history(card_number: str, caller: Caller) -> dict:
    p = sec.participant(caller, card_number)
    return history.history(caller.session, p.card_number)


@router.get("/participants/{card_number}/as-of", responses={**AUTH, **NOT_FOUND},
            summary="The participant as valid on a date, as known on a date (default: the same day)")
def as_of(card_number: str, caller: Caller, date: Annotated[JknDate, Query(description="valid on this date")],
          known_on: JknDate | None = Query(None, description="as recorded by this date (default: `date`)")) -> dict:
    p = sec.participant(caller, card_number)
    return history.participant_as_of(caller.session, p.card_number, date, known_on)


@router.get("/participants/{card_number}/statement", responses={**AUTH, **NOT_FOUND},
            summary="Contribution statement of a participant: own bill lines and the payer's balance")
def participant_statement(card_number: str, caller: Caller, on: JknDate | None = None) -> dict:
    p = sec.participant(caller, card_number)
    return statements.participant_statement(caller.session, p.card_number, on,
                                            where=auth.participant_filter(caller.scope))


@router.get("/status-endings", responses={**AUTH, **INVALID, **PAGED},
            summary="Children of wage earners whose status ends within the next days (default 30), in your scope")
def get_status_endings(request: Request, response: Response, caller: Caller,
                       days: int = Query(status_endings.WINDOW_DAYS, ge=1, le=366, description="days ahead"),
                       on: JknDate | None = Query(None, description="from this date (default: today, Asia/Jakarta)"),
                       limit: int = Query(200, ge=1, le=1000), offset: Offset = 0) -> dict:
    """Each item has the first day the member is no longer a child of the core family (``ends_on``:
    the 21st birthday, or the day after the end of formal education on the school's letter, at the
    latest the 25th birthday; Anggota Keluarga yang Ditanggung 1.b) and the rule's explanation."""
    sec.need(caller, "participant.read")
    return linked(request, response, status_endings.status_endings(
        caller.session, on=on, days=days, where=auth.participant_filter(caller.scope), limit=limit, offset=offset))


@router.get("/families/{family_id}", response_model=FamilyOut, responses={**AUTH, **NOT_FOUND},
            summary="A family with its members")
def get_family(family_id: Id, caller: Caller) -> Any:
    sec.family(caller, family_id)
    return registration.family_view(caller.session, family_id, where=auth.participant_filter(caller.scope))


@router.get("/families/{family_id}/statement", responses={**AUTH, **NOT_FOUND},
            summary="Contribution statement of a family")
def family_statement(family_id: Id, caller: Caller, on: JknDate | None = None) -> dict:
    sec.family(caller, family_id)
    return statements.family_statement(caller.session, family_id, on, where=auth.participant_filter(caller.scope))


@router.post("/registration/checklist", response_model=Checklist, responses={**NOT_FOUND, **INVALID},
             summary="The documents a registration needs (codes to send in documents_shown)")
def registration_checklist(body: FamilyIn) -> Any:
    """Exactly the list `POST /families` demands for the same body."""
    return documents.form_checklist(body).as_dict()


@router.get("/registration/checklist", response_model=Checklist, responses=INVALID,
            summary="The documents a registration needs, from a few answers (no identities needed)")
def household_checklist(
        segment: Segment = Query(..., examples=["PBPU_MANDIRI"]),
        on: JknDate | None = Query(None, description="start of cover (default: today)"),
        registration_type: str | None = Query(None, description="which list when the segment has several"),
        nationality: Literal["WNI", "WNA"] = Query("WNI", description="WNA if someone to be registered is foreign"),
        marital_status: MaritalStatus = Query(MaritalStatus.NEVER_MARRIED, description="the participant's"),
        spouse: bool = Query(False, description="a husband or wife is registered"),
        children: int = Query(0, ge=0, le=50, description="children under 21, never married, without own income"),
        students: int = Query(0, ge=0, le=50, description="children aged 21 to 25 in formal education"),
        other_children: int = Query(0, ge=0, le=50, description="other children (married, own income, older)"),
        parents: int = Query(0, ge=0, le=50, description="father, mother, parents-in-law"),
        relatives: int = Query(0, ge=0, le=50, description="other relatives (kerabat lain)")) -> Any:
    """The list a registration of such a household is asked for (assumption A-M23)."""
    household = documents.Household(nationality, marital_status, spouse, children, students, other_children, parents,
                                     relatives)
    return documents.household_checklist(segment, on or jakarta_today(), household,
                                         registration_type=registration_type).as_dict()


@router.get("/changes/checklist", response_model=Checklist, responses={**AUTH, **NOT_FOUND, **INVALID},
            summary="The documents a data change needs (of a participant in your scope, or of a segment)")
def change_checklist(caller: Caller, kind: str = Query(..., examples=["FKTP"]), card_number: str | None = None,
                     segment: Segment | None = Query(None, description="without card_number: the participant's"),
                     on: JknDate | None = Query(None, description="effective date (default: today)"),
                     member_relationship: Relationship | None = Query(None, description="the person the change adds"),
                     member_birth_date: LifeDate | None = None,
                     member_nationality: Literal["WNI", "WNA"] = "WNI",
                     new_segment: Segment | None = Query(None, description="SEGMENT: the segment moved to")) -> Any:
    """Exactly the list `POST /participants/{card}/changes` demands for the same change."""
    if card_number:
        card_number = sec.participant(caller, card_number).card_number
    member = documents.Person(member_relationship, member_birth_date, member_nationality)
    return data_changes.change_checklist(kind.upper(), card_number, caller.session, segment=segment, on=on,
                                         member=member, new_segment=new_segment)


# keep ParticipantIn in the OpenAPI components for clients that build registrations
_ = ParticipantIn
