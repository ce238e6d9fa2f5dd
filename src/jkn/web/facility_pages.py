"""Facility pages: eligibility check, referral (rujukan) and SEP issue and print, for the staff of
one facility. The care services decide (status, route, coverage); the pages pass the facility of
the logged-in user, never one typed in a form."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from jkn.api.deps import get_session
from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.services.care import eligibility as care_eligibility
from jkn.services.care import internal_referrals, primary_care, referral_picker, referrals, sep, sep_letter
from jkn.services.errors import DomainError, Forbidden, Invalid
from jkn.services.membership.common import jakarta_today
from jkn.services.portal.accounts import FACILITY_STAFF
from jkn.store.facility_tables import FacilityRow
from jkn.web.form_values import in_form_terms
from jkn.web.officer_pages import Form_, _text
from jkn.web.security import Portal, csrf_protect, page, role_required

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]
Staff = Annotated[Portal, Depends(role_required(FACILITY_STAFF))]


def _facility(session: Session, portal: Portal) -> FacilityRow:
    return session.get(FacilityRow, portal.scope.facility_code)


def pdf_response(pdf: bytes, name: str) -> Response:
    """A printed letter, opened in the browser."""
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


def polis() -> list:
    """The clinic codes for the forms' lists, by name."""
    return sorted(care_codes.polis().values(), key=lambda p: p.name)


def _choices(session: Session, facility: FacilityRow, values: dict | None = None) -> dict:
    """The form's lists: for an FKTP the hospital picker (nearest first, by the clinic asked for),
    for a hospital the partner hospitals by name."""
    out = {"polis": polis(), "facility": facility, "today": jakarta_today().isoformat()}
    if facility.level == "FKTP":
        values = values or {}
        out["picker"] = referral_picker.hospitals(session, facility.code, poli=values.get("poli") or None,
                                                  wider=values.get("luas") == "1")
        out["rings"] = referral_picker.RINGS + ("other",)
    else:
        out["hospitals"] = session.execute(select(FacilityRow.code, FacilityRow.name).where(
            FacilityRow.level == "FKRTL", FacilityRow.partnership == "PARTNER").order_by(FacilityRow.name).limit(500)).all()
    return out


# --- eligibility -------------------------------------------------------------------------------


@router.get("/faskes", response_class=HTMLResponse)
def eligibility(request: Request, portal: Staff, session: DB, q: str = "", date: str = ""):
    facility = _facility(session, portal)
    result, error = None, None
    if q.strip():
        try:
            on = dt.date.fromisoformat(date) if date else jakarta_today()
            key = q.strip()
            e = care_eligibility.check(session, on, **({"nik": key} if len(key) == 16 else {"card_number": key}))
            p = e.participant
            result = {"card_number": p.card_number, "name": p.name, "active": e.active, "status": e.status_text,
                      "care_class": p.care_class, "segment": p.segment, "fktp": {"code": p.fktp_code, "name": e.fktp_name},
                      "on_date": e.on_date.isoformat(), "explanation": e.explanation,
                      "own_patient": p.fktp_code == facility.code}
        except ValueError:
            error = "date: YYYY-MM-DD"
        except DomainError as exc:
            error = exc.say
    return page(request, portal, "facility/eligibility.html", status_code=404 if error and q else 200,
                facility=facility, q=q, date=date or jakarta_today().isoformat(), result=result, error=error)


# --- referral ----------------------------------------------------------------------------------


@router.get("/faskes/rujukan", response_class=HTMLResponse)
def referral_form(request: Request, portal: Staff, session: DB, card: str = "", poli: str = "", visit: str = "",
                  luas: str = "", diagnosis: str = "", complaint: str = ""):
    facility = _facility(session, portal)
    values = {"card_number": card, "poli": poli, "luas": luas, "visit": visit, "diagnosis": diagnosis,
              "complaint": complaint}
    try:
        if visit:
            v = primary_care.get_visit(session, visit, facility_code=facility.code)
            values.update(card_number=v["card_number"], diagnosis=diagnosis or v["diagnosis"] or "",
                          complaint=complaint or v["complaint"] or "")
        choices = _choices(session, facility, values)
    except DomainError as exc:
        values["poli"] = ""
        return page(request, portal, "facility/referral.html", status_code=exc.status, error=exc.say,
                    values=values, **_choices(session, facility, values))
    return page(request, portal, "facility/referral.html", values=values, **choices)


#: the referral form's labels for the VClaim fields its errors name
REFERRAL_LABELS = {"tglRujukan": Msg("facility.referral_date"), "diagRujukan": Msg("facility.diagnosis"),
                   "poliRujukan": Msg("facility.poli"), "ppkDirujuk": Msg("facility.to")}


@router.post("/faskes/rujukan", response_class=HTMLResponse)
def referral(request: Request, portal: Staff, session: DB, form: Form_):
    facility = _facility(session, portal)
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    try:
        r = referrals.create_referral(
            session, card_number=_text(form, "card_number"), sep_number=_text(form, "sep_number"),
            from_facility=facility.code, to_facility=_text(form, "to_facility"),
            referral_date=_text(form, "referral_date") or jakarta_today(), diagnosis=_text(form, "diagnosis") or "",
            poli=_text(form, "poli"), service_type=_text(form, "service_type") or "2",
            referral_type=_text(form, "referral_type") or "0", complaint=_text(form, "complaint"),
            notes=_text(form, "notes"), outside_reason=_text(form, "outside_reason"),
            visit_id=_own_visit(session, facility, _text(form, "visit"), _text(form, "card_number")), actor=portal.actor)
    except DomainError as exc:
        return page(request, portal, "facility/referral.html", status_code=exc.status,
                    error=in_form_terms(exc, REFERRAL_LABELS), explanation=exc.details.get("explanation"), values=values,
                    **_choices(session, facility, values))
    return page(request, portal, "facility/referral.html", referral=r, values={}, **_choices(session, facility))


def _own_visit(session: Session, facility: FacilityRow, visit: str | None, card: str | None) -> int | None:
    """The visit a referral follows: this clinic's, of the same participant."""
    if not visit:
        return None
    v = primary_care.get_visit(session, visit, facility_code=facility.code)
    if v["card_number"] != card:
        raise Invalid(Msg("error.visit.other_participant"), field="visit")
    return v["id"]


# --- SEP ---------------------------------------------------------------------------------------


@router.get("/faskes/sep", response_class=HTMLResponse)
def sep_form(request: Request, portal: Staff, session: DB, card: str = "", referral: str = ""):
    facility = _facility(session, portal)
    return page(request, portal, "facility/sep.html", values={"card_number": card, "referral_number": referral},
                **_choices(session, facility))


def _flag(form: FormData, name: str) -> bool:
    return form.get(name) in ("on", "1", "true")


#: the SEP form's labels for the VClaim fields its errors name
SEP_LABELS = {"tglSep": Msg("facility.sep_date"), "poli.tujuan": Msg("facility.poli"),
              "poliKontrol": Msg("facility.poli"), "diagAwal": Msg("facility.diagnosis")}


@router.post("/faskes/sep", response_class=HTMLResponse)
def issue_sep(request: Request, portal: Staff, session: DB, form: Form_):
    facility = _facility(session, portal)
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    try:
        s = sep.insert_sep(
            session, card_number=_text(form, "card_number") or "", sep_date=_text(form, "sep_date") or jakarta_today(),
            facility_code=facility.code, service_type=_text(form, "service_type") or "2",
            diagnosis=_text(form, "diagnosis") or "", poli=_text(form, "poli"),
            referral_number=_text(form, "referral_number"), control_letter_number=_text(form, "control_letter_number"),
            emergency=_flag(form, "emergency"), accident=_text(form, "accident") or "0",
            class_upgrade=_text(form, "class_upgrade"), upgrade_payer=_text(form, "upgrade_payer"),
            mr_number=_text(form, "mr_number"), phone=_text(form, "phone"), notes=_text(form, "notes"),
            delivery_child_number=_text(form, "delivery_child_number"), dpjp_code=_text(form, "doctor_code"),
            dpjp_from_schedule=True, actor=portal.actor)
    except DomainError as exc:
        return page(request, portal, "facility/sep.html", status_code=exc.status, error=in_form_terms(exc, SEP_LABELS),
                    explanation=exc.details.get("explanation"), values=values, **_choices(session, facility))
    return RedirectResponse(f"/faskes/sep/{s['number']}?ok=sep_issued", status_code=303)


def _own_sep(session: Session, portal: Portal, number: str) -> dict:
    s = sep.get_sep(session, number)
    if s["facility"]["code"] != portal.scope.facility_code:
        raise Forbidden(Msg("error.web.sep_other_facility"))
    return s


@router.get("/faskes/sep/{number}", response_class=HTMLResponse)
def sep_page(request: Request, portal: Staff, session: DB, number: str, ok: str = ""):
    s = _own_sep(session, portal, number)
    return page(request, portal, "facility/sep_detail.html", s=s, ok=ok, values={}, polis=polis(),
                **internal_referrals_of(session, s["number"]))


def internal_referrals_of(session: Session, number: str) -> dict:
    """The SEP page's internal referrals: the ones made from it, and the one that opened it."""
    return {"internal": internal_referrals.of_sep(session, number),
            "internal_from": internal_referrals.opened_by(session, number)}


@router.get("/faskes/sep/{number}/surat.pdf")
def sep_print(portal: Staff, session: DB, number: str):
    _own_sep(session, portal, number)
    return pdf_response(sep_letter.print_sep_letter(session, number, actor=portal.actor), f"SEP-{number}.pdf")





@router.get("/faskes/rujukan/{number}/surat.pdf")
def referral_print(portal: Staff, session: DB, number: str):
    """The referral letter, for the facility that wrote it."""
    r = referrals.get_referral(session, number)
    if r["from_facility"]["code"] != portal.scope.facility_code:
        raise Forbidden(Msg("error.web.letter_other_facility"))
    return pdf_response(sep_letter.print_referral(session, r["number"], actor=portal.actor), f"Rujukan-{r['number']}.pdf")
