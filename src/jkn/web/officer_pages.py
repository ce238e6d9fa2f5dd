"""Branch-office pages: find a participant, register a participant or a family (with the documents
checklist of the rules engine), report data changes, print cards, read the bills and payments of
a participant, family or employer, the children whose status ends soon, and the branch's audit log.

Every page checks the officer's scope first (jkn.services.portal.auth): a branch officer sees and acts
only within the kab/kota of their branch. The pages parse the form, call the membership and
billing services, and render what they return; no rule is decided here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from jkn.api.deps import get_session
from jkn.domain.care import MaritalStatus, Relationship
from jkn.domain.month import Month
from jkn.domain.segment import Segment
from jkn.i18n import Msg
from jkn.reference.names import display_name
from jkn.services.billing import calculators, coverage, statements
from jkn.services.errors import DomainError, Forbidden, NotFound, validation_message
from jkn.services.membership import cards, data_changes, documents, employers, registration, status_endings
from jkn.services.membership.common import get_employer, get_participant, jakarta_today
from jkn.services.membership.schemas import ChangeIn, FamilyIn
from jkn.services.portal import audit, auth
from jkn.services.portal.accounts import OFFICE_ROLES
from jkn.store.billing_tables import PayerRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import EmployerRow, ParticipantRow
from jkn.store.reference_tables import KabKotaRow
from jkn.web.security import Portal, csrf_protect, page, role_required

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]
Office = Annotated[Portal, Depends(role_required(*OFFICE_ROLES))]
MAX_MEMBERS = 10

CHANGE_KINDS = ("FKTP", "ADDRESS", "CARD_LOST", "CARD_DAMAGED", "CORRECTION", "EMPLOYER", "WAGE", "PENSION", "GRADE",
                "SEGMENT",
                "MARRIAGE", "BIRTH", "ADD_MEMBER", "CHILD_REPLACEMENT", "DEATH", "DIVORCE", "EDUCATION",
                "CONTINUE_MEMBER", "CARE_CLASS", "LEAVER")
#: which inputs the change form shows for each kind (the service decides what is required)
CHANGE_FIELDS = {
    "FKTP": ("fktp_code",), "ADDRESS": ("address", "kabkota_code"), "CARD_LOST": (), "CARD_DAMAGED": ("name",),
    "CORRECTION": ("name", "birth_date", "sex"), "EMPLOYER": ("employer_code", "wage"), "WAGE": ("wage",),
    "PENSION": ("pension",), "GRADE": ("grade",), "SEGMENT": ("segment", "care_class", "grade", "wage", "employer_code"),
    "MARRIAGE": ("member",), "BIRTH": ("member",), "ADD_MEMBER": ("member",),
    "CHILD_REPLACEMENT": ("member", "replaced_card_number", "replaced_reason"), "DEATH": (), "DIVORCE": (),
    "EDUCATION": ("education_until",), "CONTINUE_MEMBER": ("care_class",), "CARE_CLASS": ("care_class",),
    "LEAVER": (),  # the effective date: the last day of the last month worked (A-P14)
}


async def form_data(request: Request) -> FormData:
    """The posted form (read once; multi-valued fields kept)."""
    return await request.form()


Form_ = Annotated[FormData, Depends(form_data)]


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value.strip() or None if isinstance(value, str) else None


def find_participant(session: Session, portal: Portal, card_or_nik: str) -> ParticipantRow:
    """The participant, if the user's scope covers them (404 unknown, 403 outside the work area)."""
    p = get_participant(session, card_or_nik)
    auth.check_participant(portal.scope, p)
    return p


def region_choices(session: Session, scope: auth.Scope) -> list[dict]:
    stmt = select(KabKotaRow).order_by(KabKotaRow.province, KabKotaRow.name)
    if scope.kabkota_codes is not None:
        stmt = stmt.where(KabKotaRow.code.in_(scope.kabkota_codes))
    return [{"code": k.code, "name": display_name(k.name), "province": display_name(k.province)}
            for k in session.scalars(stmt)]


def fktp_choices(session: Session, kabkota_codes) -> list[dict]:
    stmt = (select(FacilityRow.code, FacilityRow.name, FacilityRow.kabkota_code).where(FacilityRow.level == "FKTP")
            .order_by(FacilityRow.kabkota_code, FacilityRow.name).limit(1000))
    if kabkota_codes is not None:
        stmt = stmt.where(FacilityRow.kabkota_code.in_(list(kabkota_codes)))
    return [{"code": c, "name": n, "kabkota_code": k} for c, n, k in session.execute(stmt)]


# --- finding participants ----------------------------------------------------------------------


@router.get("/petugas", response_class=HTMLResponse)
def officer_home(request: Request, portal: Office, session: DB, q: str = "", ok: str = ""):
    auth.require(portal.scope, "participant.read")
    stmt = select(ParticipantRow).where(auth.participant_filter(portal.scope))
    if q.strip():
        key = q.strip()
        if key.isdigit():
            stmt = stmt.where(or_(ParticipantRow.card_number == key, ParticipantRow.nik == key))
        else:
            stmt = stmt.where(func.lower(ParticipantRow.name).like(f"%{key.lower()}%"))
    rows = session.scalars(stmt.order_by(ParticipantRow.id.desc()).limit(50)).all()
    items = [registration.participant_view(session, p) for p in rows]
    return page(request, portal, "officer/home.html", q=q, items=items, ok=ok)


@router.get("/petugas/status-berakhir", response_class=HTMLResponse)
def status_endings_page(request: Request, portal: Office, session: DB, days: int = status_endings.WINDOW_DAYS):
    """Children of wage earners whose status ends in the next ``days`` days, in the work area (A-M15)."""
    auth.require(portal.scope, "participant.read")
    days = max(1, min(days, 366))
    endings = status_endings.status_endings(session, days=days, where=auth.participant_filter(portal.scope))
    return page(request, portal, "officer/endings.html", endings=endings, days=days)


@router.get("/petugas/peserta/{card}", response_class=HTMLResponse)
def participant_page(request: Request, portal: Office, session: DB, card: str, ok: str = ""):
    p = find_participant(session, portal, card)
    view = registration.participant_view(session, p)
    visible = auth.participant_filter(portal.scope)
    family = registration.family_view(session, p.family_id, where=visible)
    status = coverage.coverage_status(session, p.card_number)
    statement = own_statement(session, p)
    changes = data_changes.list_changes(session, p.card_number, where=visible)
    return page(request, portal, "officer/participant.html", p=view, family=family, status=status,
                statement=statement, changes=changes, ok=ok)


@router.get("/petugas/peserta/{card}/kartu.pdf")
def card_print(request: Request, portal: Office, session: DB, card: str):
    auth.require(portal.scope, "card.print")
    p = find_participant(session, portal, card)
    pdf = cards.print_card(session, registration.participant_view(session, p), actor=portal.actor)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="kartu-{p.card_number}.pdf"'})


@router.get("/petugas/keluarga/{family_id}", response_class=HTMLResponse)
def family_page(request: Request, portal: Office, session: DB, family_id: int, ok: str = ""):
    auth.check_family(session, portal.scope, family_id)
    visible = auth.participant_filter(portal.scope)
    family = registration.family_view(session, family_id, where=visible)
    statement = statements.family_statement(session, family_id, where=visible)
    return page(request, portal, "officer/family.html", family=family, statement=statement, ok=ok)


# --- registration -----------------------------------------------------------------------------


def _registration_context(session: Session, portal: Portal, values: dict, members: int) -> dict:
    regions = region_choices(session, portal.scope)
    fktps = fktp_choices(session, portal.scope.kabkota_codes)
    return {"segments": list(Segment), "regions": regions, "fktps": fktps, "relationships": list(Relationship),
            "marital": list(MaritalStatus), "values": values, "member_rows": range(members),
            "members": members, "checklist": _checklist(values, members)}


def _checklist(values: dict, members: int) -> dict | None:
    """The documents the registration will demand for what the form says so far (documents.registration_checklist)."""
    segment = values.get("segment")
    if not segment or segment not in Segment._value2member_map_:
        return None
    registered_on = _date(values.get("registered_on")) or jakarta_today()
    people = []
    for i in range(members):
        rel = values.get(f"m{i}_relationship")
        if rel in Relationship._value2member_map_ and (values.get(f"m{i}_nik") or values.get(f"m{i}_name")):
            people.append(_form_person(values, f"m{i}_", registered_on, Relationship(rel)))
    try:
        check = documents.registration_checklist(segment, _date(values.get("tmt")) or registered_on,
                                                 _form_person(values, "", registered_on, None), people,
                                                 registration_type=values.get("registration_type") or None)
    except DomainError:
        return None
    out = check.as_dict()
    shown = set(values.get("documents") or [])
    for item in out["items"]:
        item["shown"] = item["code"] in shown
    return out


def _form_person(values: dict, prefix: str, today: dt.date, relationship: Relationship | None) -> documents.Person:
    """A person of the registration form as ``_family_in`` reads it."""
    marital = values.get(f"{prefix}marital_status")
    return documents.Person(
        relationship, documents.born(values.get(f"{prefix}nik"), _date(values.get(f"{prefix}birth_date")), today),
        values.get(f"{prefix}nationality") or "WNI",
        MaritalStatus(marital) if marital in MaritalStatus._value2member_map_ else MaritalStatus.NEVER_MARRIED,
        values.get(f"{prefix}in_school") == "on")


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/petugas/daftar", response_class=HTMLResponse)
def registration_form(request: Request, portal: Office, session: DB, segment: str = "", members: int = 3):
    auth.require(portal.scope, "participant.register")
    members = max(0, min(members, MAX_MEMBERS))
    values = {"segment": segment, "registered_on": jakarta_today().isoformat()}
    return page(request, portal, "officer/register.html", **_registration_context(session, portal, values, members))


@router.get("/petugas/daftar/dokumen", response_class=HTMLResponse)
def registration_checklist(request: Request, portal: Office, members: int = 3):
    """HTMX: the checklist for the current form values (segment, marriage, members)."""
    auth.require(portal.scope, "participant.register")
    values = dict(request.query_params)
    values["documents"] = request.query_params.getlist("documents")
    return page(request, portal, "officer/_checklist.html", checklist=_checklist(values, min(members, MAX_MEMBERS)))


def _family_in(form: FormData, members: int) -> FamilyIn:
    head: dict[str, Any] = {
        "nik": _text(form, "nik"), "name": _text(form, "name"), "sex": _text(form, "sex"),
        "birth_date": _text(form, "birth_date"), "segment": _text(form, "segment"),
        "care_class": _text(form, "care_class"), "employer_code": _text(form, "employer_code"),
        "wage": _text(form, "wage"), "pension": _text(form, "pension"), "grade": _text(form, "grade"),
        "kabkota_code": _text(form, "kabkota_code"),
        "address": _text(form, "address"), "fktp_code": _text(form, "fktp_code"),
        "marital_status": _text(form, "marital_status") or "NEVER_MARRIED",
        "nationality": _text(form, "nationality") or "WNI",
    }
    rows = []
    for i in range(members):
        if not _text(form, f"m{i}_nik") and not _text(form, f"m{i}_name"):
            continue
        rows.append({"nik": _text(form, f"m{i}_nik"), "name": _text(form, f"m{i}_name"),
                     "relationship": _text(form, f"m{i}_relationship"), "birth_date": _text(form, f"m{i}_birth_date"),
                     "marital_status": _text(form, f"m{i}_marital_status") or "NEVER_MARRIED",
                     "in_school": form.get(f"m{i}_in_school") == "on",
                     "education_until": _text(form, f"m{i}_education_until"),
                     "care_class": _text(form, f"m{i}_care_class")})
    data = {"head": {k: v for k, v in head.items() if v is not None},
            "members": [{k: v for k, v in m.items() if v is not None} for m in rows],
            "kk_number": _text(form, "kk_number"), "tmt": _text(form, "tmt"),
            "registered_on": _text(form, "registered_on"), "documents_shown": form.getlist("documents"),
            "registration_type": _text(form, "registration_type")}
    return FamilyIn.model_validate({k: v for k, v in data.items() if v is not None})


@router.post("/petugas/daftar", response_class=HTMLResponse)
def register(request: Request, portal: Office, session: DB, form: Form_):
    auth.require(portal.scope, "participant.register")
    members = max(0, min(int(form.get("members") or 0), MAX_MEMBERS))
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    values["documents"] = form.getlist("documents")
    kabkota = _text(form, "kabkota_code")
    error = None
    try:
        if not kabkota or not portal.scope.sees_kabkota(kabkota):
            raise Forbidden(Msg("error.web.kabkota_own_area"))
        data = _family_in(form, members)
        family = registration.register(session, data, actor=portal.actor)
    except ValidationError as exc:
        error = validation_message(exc.errors())
        status = 422
    except DomainError as exc:
        error, status = exc.say, exc.status
    if error is not None:
        return page(request, portal, "officer/register.html", status_code=status, error=error,
                    **_registration_context(session, portal, values, members))
    return RedirectResponse(f"/petugas/keluarga/{family['id']}?ok=registered", status_code=303)


# --- data changes ------------------------------------------------------------------------------


@router.get("/petugas/peserta/{card}/ubah", response_class=HTMLResponse)
def change_form(request: Request, portal: Office, session: DB, card: str, kind: str = "FKTP"):
    auth.require(portal.scope, "participant.change")
    kind = kind.upper() if kind.upper() in CHANGE_KINDS else "FKTP"
    today = jakarta_today()
    on = Month.of(today).last_day if kind == "LEAVER" else today  # a leaver's cover ends with a month (A-P14)
    return _change_page(request, portal, session, card, kind, {"effective_date": on.isoformat()})


def _change_page(request: Request, portal: Office, session: Session, card: str, kind: str, values: dict,
                 status_code: int = 200, error: str | None = None) -> Response:
    p = find_participant(session, portal, card)
    view = registration.participant_view(session, p)
    on = _date(values.get("effective_date")) or jakarta_today()
    rel = values.get("member_relationship")
    member = _form_person(values, "member_", on, Relationship(rel) if rel in Relationship._value2member_map_ else None)
    checklist = data_changes.change_checklist(kind, p.card_number, session, on=on, member=member,
                                              new_segment=values.get("segment") if values.get("segment") in
                                              Segment._value2member_map_ else None)
    shown = set(values.get("documents") or [])
    for item in checklist["items"]:
        item["shown"] = item["code"] in shown
    regions = region_choices(session, portal.scope)
    fktps = fktp_choices(session, [p.kabkota_code])
    return page(request, portal, "officer/change.html", status_code=status_code, error=error, p=view, kind=kind,
                kinds=CHANGE_KINDS, fields=CHANGE_FIELDS[kind], checklist=checklist, values=values, regions=regions,
                fktps=fktps, segments=list(Segment), relationships=list(Relationship))


def change_fields(form: FormData) -> dict[str, Any]:
    """The fields of a data change as a change form (the officer's or the participant's request) posts them."""
    data: dict[str, Any] = {"reason": _text(form, "reason")}
    for name in ("fktp_code", "address", "kabkota_code", "employer_code", "wage", "pension", "grade", "segment",
                 "care_class", "replaced_card_number", "replaced_reason", "name", "birth_date", "sex", "education_until"):
        data[name] = _text(form, name)
    if _text(form, "member_nik"):
        member = {"nik": _text(form, "member_nik"), "name": _text(form, "member_name"),
                  "relationship": _text(form, "member_relationship"), "birth_date": _text(form, "member_birth_date")}
        data["member"] = {k: v for k, v in member.items() if v is not None}
    return {k: v for k, v in data.items() if v is not None}


@router.post("/petugas/peserta/{card}/ubah", response_class=HTMLResponse)
def change(request: Request, portal: Office, session: DB, card: str, form: Form_):
    auth.require(portal.scope, "participant.change")
    kind = (_text(form, "kind") or "").upper()
    if kind not in CHANGE_KINDS:
        kind = "FKTP"
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    values["documents"] = form.getlist("documents")
    p = find_participant(session, portal, card)
    try:
        new_region = _text(form, "kabkota_code")
        if new_region and not portal.scope.sees_kabkota(new_region):
            raise Forbidden(Msg("error.web.move_other_branch"))
        data = {"kind": kind, "effective_date": _text(form, "effective_date"), "version": _text(form, "version"),
                "documents_shown": form.getlist("documents"), **change_fields(form)}
        change = ChangeIn.model_validate({k: v for k, v in data.items() if v is not None})
        data_changes.apply_change(session, p.card_number, change, actor=portal.actor)
    except ValidationError as exc:
        return _change_page(request, portal, session, card, kind, values, 422, validation_message(exc.errors()))
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        return _change_page(request, portal, session, card, kind, values, exc.status, exc.say)
    return RedirectResponse(f"/petugas/peserta/{card}?ok=changed", status_code=303)


# --- employers ---------------------------------------------------------------------------------


@router.get("/petugas/pemberi-kerja", response_class=HTMLResponse)
def employer_list(request: Request, portal: Office, session: DB, q: str = ""):
    auth.require(portal.scope, "employer.read")
    stmt = select(EmployerRow).order_by(EmployerRow.name).limit(100)
    if portal.scope.branch_codes is not None:
        stmt = stmt.where(EmployerRow.branch_code.in_(portal.scope.branch_codes))
    if q.strip():
        stmt = stmt.where(or_(func.lower(EmployerRow.name).like(f"%{q.strip().lower()}%"), EmployerRow.code == q.strip()))
    items = [employers.employer_view(session, e) for e in session.scalars(stmt)]
    return page(request, portal, "officer/employers.html", items=items, q=q)


@router.get("/petugas/pemberi-kerja/{code}", response_class=HTMLResponse)
def employer_page(request: Request, portal: Office, session: DB, code: str):
    auth.require(portal.scope, "employer.read")
    e = auth.check_employer(portal.scope, get_employer(session, code))
    view = employers.employer_view(session, e)
    staff = employers.employees(session, e.code, where=auth.participant_filter(portal.scope))
    statement = statements.employer_statement(session, e.code)
    return page(request, portal, "officer/employer.html", employer=view, staff=staff, statement=statement)


# --- audit log ---------------------------------------------------------------------------------


@router.get("/petugas/audit", response_class=HTMLResponse)
def audit_page(request: Request, portal: Office, session: DB, actor: str = "", action: str = ""):
    """The audit log of the work area; ``?action=login.failed`` shows the failed log-ins on its accounts."""
    auth.require(portal.scope, "audit.read")
    rows = audit.recent(session, branch_codes=portal.scope.branch_codes, action=action or None, limit=200)
    if actor:
        rows = [r for r in rows if r.actor == actor]
    return page(request, portal, "officer/audit.html", rows=rows, actor=actor, action=action)


def payer_kind(session: Session, p: ParticipantRow) -> str | None:
    return session.scalar(select(PayerRow.kind).where(PayerRow.id == p.payer_id)) if p.payer_id else None


def own_statement(session: Session, p: ParticipantRow) -> dict | None:
    """The contribution statement when the family pays its own bills (PBPU / BP); an employer's
    or the government's account is not shown on a participant's page (see the employer's page)."""
    if payer_kind(session, p) != "FAMILY":
        return None
    try:
        return statements.participant_statement(session, p.card_number)
    except NotFound:
        return None


def room_class_reason(view: dict) -> dict | None:
    """The room class of a participant with its explanation (rules engine, via the calculator service)."""
    try:
        return calculators.room_class(view["segment"], jakarta_today(), grade=view.get("grade") or view.get("rank"),
                                      wage=view.get("wage"), paid_class=view.get("care_class"))
    except (DomainError, ValueError):
        return None
