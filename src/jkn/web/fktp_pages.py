"""The FKTP desk (issue #14), for the staff of a clinic, puskesmas or family doctor: today's queue
and visits, recording a visit with its examination (the same use case as P-Care's
``kunjungan``), a visit's drugs and procedures, the referral with the hospital picker (nearest
first, by the clinic asked for), the printable referral letter, and the lists of visits and
referrals with search. The facility is the logged-in user's; a hospital's staff are refused."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.i18n import Msg
from jkn.services.care import desk, fktp_queue, pcare_codes, primary_care, visit_items
from jkn.services.care.common import jakarta_today
from jkn.services.errors import DomainError, Forbidden
from jkn.web.facility_pages import Staff
from jkn.web.form_values import in_form_terms
from jkn.web.officer_pages import Form_, _text
from jkn.web.security import Portal, csrf_protect, page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]
EXAM_FIELDS = ("poli", "doctor", "kdSadar", "sistole", "diastole", "beratBadan", "tinggiBadan", "respRate",
               "heartRate", "lingkarPerut", "suhu", "diagnosis2", "diagnosis3", "therapy", "outcome",
               "discharge_date", "prognosis")


def clinic(portal: Portal) -> str:
    if portal.scope.facility_level != "FKTP":
        raise Forbidden(Msg("error.web.desk_fktp_only"))
    return portal.scope.facility_code


def _codes(session: Session) -> dict:
    return {"polis": pcare_codes.fktp_polis(session), "kesadaran": pcare_codes.codes(session, "kesadaran"),
            "outcomes": pcare_codes.codes(session, "statuspulang-rj"),
            "outcomes_ri": pcare_codes.codes(session, "statuspulang-ri"),
            "prognoses": pcare_codes.codes(session, "prognosa")}


# --- today's queue -----------------------------------------------------------------------------

def _today(request: Request, portal: Portal, session: Session, *, status_code: int = 200, **extra):
    code = clinic(portal)
    today = jakarta_today()
    return page(request, portal, "fktp/today.html", status_code=status_code, today=today.isoformat(),
                queue=fktp_queue.day_list(session, code, today),
                visits=primary_care.list_visits(session, facility_code=code, date_from=today, date_to=today),
                **_codes(session), **extra)


@router.get("/faskes/antrean", response_class=HTMLResponse)
def today(request: Request, portal: Staff, session: DB, ok: str = ""):
    return _today(request, portal, session, ok=ok, values={})


@router.post("/faskes/antrean", response_class=HTMLResponse)
def register(request: Request, portal: Staff, session: DB, form: Form_):
    code = clinic(portal)
    try:
        fktp_queue.register(session, actor=portal.actor, facility_code=code, card_number=_text(form, "card_number") or "",
                            day=jakarta_today(), poli=_text(form, "poli") or "", source="DESK",
                            complaint=_text(form, "complaint"))
    except DomainError as exc:
        return _today(request, portal, session, status_code=exc.status,
                      error=in_form_terms(exc, {"kdPoli": Msg("facility.poli")}), explanation=exc.details.get("explanation"), values=dict(form))
    return RedirectResponse("/faskes/antrean?ok=queue_registered", status_code=303)


@router.post("/faskes/antrean/{registration}/{action}", response_class=HTMLResponse)
def queue_action(request: Request, portal: Staff, session: DB, registration: int, action: str, form: Form_):
    code = clinic(portal)
    try:
        if action == "panggil":
            fktp_queue.call(session, code, actor=portal.actor, present=True, registration_id=registration)
        elif action == "tidak-hadir":
            fktp_queue.call(session, code, actor=portal.actor, present=False, registration_id=registration)
        elif action == "batal":
            fktp_queue.cancel(session, code, actor=portal.actor, reason=_text(form, "reason"),
                              registration_id=registration)
        else:
            return Response(status_code=404)
    except DomainError as exc:
        return _today(request, portal, session, status_code=exc.status, error=exc.say, values={})
    return RedirectResponse(f"/faskes/antrean?ok=queue_{action.replace('-', '_')}", status_code=303)


# --- visits ------------------------------------------------------------------------------------

def _visit_form(request: Request, portal: Portal, session: Session, values: dict, *, status_code: int = 200,
                **extra):
    return page(request, portal, "fktp/visit_form.html", status_code=status_code, values=values,
                today=jakarta_today().isoformat(), **_codes(session), **extra)


@router.get("/faskes/kunjungan/baru", response_class=HTMLResponse)
def visit_form(request: Request, portal: Staff, session: DB, antrean: int | None = None, card: str = ""):
    code = clinic(portal)
    values: dict = {"card_number": card, "visit_date": jakarta_today().isoformat()}
    if antrean is not None:
        entry = next((r for r in fktp_queue.day_list(session, code, jakarta_today()) if r["id"] == antrean), None)
        if entry:
            values.update(card_number=entry["card_number"], poli=entry["poli"]["code"], complaint=entry["complaint"],
                          registration=entry["id"], name=entry["name"], queue_number=entry["queue_number"])
    return _visit_form(request, portal, session, values)


#: the visit form's labels for the fields its errors name
VISIT_LABELS = {"visit_date": Msg("facility.service_date"), "care_type": Msg("fktp.care_type"),
                "diagnosis": Msg("facility.diagnosis"), "kdPoli": Msg("facility.poli"),
                "tglPulang": Msg("fktp.discharge_date")}


@router.post("/faskes/kunjungan", response_class=HTMLResponse)
def record_visit(request: Request, portal: Staff, session: DB, form: Form_):
    code = clinic(portal)
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    care_type = _text(form, "care_type") or "RJTP"
    try:
        v = primary_care.record_visit(
            session, actor=portal.actor, card_number=_text(form, "card_number") or "", facility_code=code,
            visit_date=_text(form, "visit_date") or jakarta_today(), care_type=care_type,
            emergency=form.get("emergency") == "on", diagnosis=_text(form, "diagnosis"),
            complaint=_text(form, "complaint"), registration_id=int(form["registration"]) if
            (form.get("registration") or "").isdigit() else None,
            exam={"care_type": care_type, **{k: _text(form, k) for k in EXAM_FIELDS}})
    except DomainError as exc:
        return _visit_form(request, portal, session, values, status_code=exc.status, error=in_form_terms(exc, VISIT_LABELS),
                           explanation=exc.details.get("explanation"))
    return RedirectResponse(f"/faskes/kunjungan/{v['id']}?ok=visit_recorded", status_code=303)


def _visit_page(request: Request, portal: Portal, session: Session, visit_id: int, *, status_code: int = 200, **extra):
    code = clinic(portal)
    v = primary_care.get_visit(session, visit_id, facility_code=code)
    return page(request, portal, "fktp/visit.html", status_code=status_code, v=v,
                drugs=visit_items.drugs(session, visit_id, facility_code=code),
                procedures=visit_items.procedures(session, visit_id, facility_code=code),
                referrals=[r for r in desk.referrals_for_desk(session, code, v["card_number"])
                           if r["visit_id"] == v["id"]],
                outcome_name=pcare_codes.name(session, "statuspulang-ri" if v["care_type"] == "RITP"
                                              else "statuspulang-rj", v["outcome"]),
                poli_name=pcare_codes.fktp_poli_name(session, v["poli"]), **extra)


@router.get("/faskes/kunjungan/{visit_id}", response_class=HTMLResponse)
def visit_page(request: Request, portal: Staff, session: DB, visit_id: int, ok: str = ""):
    return _visit_page(request, portal, session, visit_id, ok=ok)


@router.post("/faskes/kunjungan/{visit_id}/{item}", response_class=HTMLResponse)
def add_item(request: Request, portal: Staff, session: DB, visit_id: int, item: str, form: Form_):
    code = clinic(portal)
    try:
        if item == "obat":
            visit_items.add_drug(session, visit_id, actor=portal.actor, facility_code=code, code=_text(form, "code"),
                                 name=_text(form, "name"), signa1=_text(form, "signa1"), signa2=_text(form, "signa2"),
                                 quantity=_text(form, "quantity"))
        elif item == "tindakan":
            visit_items.add_procedure(session, visit_id, actor=portal.actor, facility_code=code,
                                      code=_text(form, "code") or "", fee=_text(form, "fee"), notes=_text(form, "notes"))
        else:
            return Response(status_code=404)
    except DomainError as exc:
        return _visit_page(request, portal, session, visit_id, status_code=exc.status, error=exc.say)
    return RedirectResponse(f"/faskes/kunjungan/{visit_id}?ok={'drug' if item == 'obat' else 'procedure'}_added",
                            status_code=303)


@router.post("/faskes/kunjungan/{visit_id}/{item}/{item_id}/hapus", response_class=HTMLResponse)
def remove_item(request: Request, portal: Staff, session: DB, visit_id: int, item: str, item_id: int):
    code = clinic(portal)
    remove = {"obat": visit_items.delete_drug, "tindakan": visit_items.delete_procedure}.get(item)
    if remove is None:
        return Response(status_code=404)
    try:
        remove(session, item_id, visit_id, actor=portal.actor, facility_code=code)
    except DomainError as exc:
        return _visit_page(request, portal, session, visit_id, status_code=exc.status, error=exc.say)
    return RedirectResponse(f"/faskes/kunjungan/{visit_id}?ok=item_removed", status_code=303)


def _span(dari: str, sampai: str, days: int = 30) -> tuple[str, str]:
    today = jakarta_today()
    return dari or (today - dt.timedelta(days=days)).isoformat(), sampai or today.isoformat()


@router.get("/faskes/kunjungan", response_class=HTMLResponse)
def visit_list(request: Request, portal: Staff, session: DB, q: str = "", dari: str = "", sampai: str = ""):
    code = clinic(portal)
    dari, sampai = _span(dari, sampai)
    found, error = [], None
    try:
        desk.span(dari, sampai, 200)
        found = list(reversed(primary_care.list_visits(session, facility_code=code, date_from=dari, date_to=sampai,
                                                       query=q)))
    except DomainError as exc:
        error = exc.say
    return page(request, portal, "fktp/visits.html", status_code=422 if error else 200, visits=found, q=q,
                dari=dari, sampai=sampai, error=error)


# --- referrals ---------------------------------------------------------------------------------

@router.get("/faskes/daftar-rujukan", response_class=HTMLResponse)
def referral_list(request: Request, portal: Staff, session: DB, q: str = "", dari: str = "", sampai: str = ""):
    code = clinic(portal)
    dari, sampai = _span(dari, sampai)
    found, error = [], None
    try:
        found = desk.search_referrals(session, code, query=q, start=dari, end=sampai)
    except DomainError as exc:
        error = exc.say
    return page(request, portal, "fktp/referrals.html", status_code=422 if error else 200, referrals=found, q=q,
                dari=dari, sampai=sampai, error=error)

