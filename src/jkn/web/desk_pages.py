"""The hospital desk (issue #13), for the staff of a referral-level facility: the SEP list with
search; an SEP's change, cancellation (with its reason) and discharge date; control letters after
an inpatient SEP and SPRIs (orders to admit), listed, withdrawn and printed; and a participant's
referrals by card (from the SEP form too). Over the same care services as the VClaim adapter; the
facility is the logged-in user's, never one typed in a form; an FKTP's staff are refused (its menu
does not show these)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.i18n import Msg
from jkn.services.care import desk, internal_referrals, practice, referrals, sep, sep_letter
from jkn.services.care.common import jakarta_today
from jkn.services.errors import DomainError, Forbidden, Invalid
from jkn.web.facility_pages import Staff, _own_sep, internal_referrals_of, pdf_response, polis
from jkn.web.form_values import in_form_terms
from jkn.web.officer_pages import Form_, _text
from jkn.web.security import Portal, csrf_protect, page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]


def _hospital(portal: Portal) -> str:
    if portal.scope.facility_level != "FKRTL":
        raise Forbidden(Msg("error.web.desk_fkrtl_only"))
    return portal.scope.facility_code


@router.get("/faskes/daftar-sep", response_class=HTMLResponse)
def sep_list(request: Request, portal: Staff, session: DB, q: str = "", dari: str = "", sampai: str = "",
             ok: str = ""):
    code = _hospital(portal)
    today = jakarta_today()
    dari, sampai = dari or (today - dt.timedelta(days=30)).isoformat(), sampai or today.isoformat()
    seps, error = [], None
    try:
        seps = desk.search_seps(session, code, query=q, start=dari, end=sampai)
    except DomainError as exc:
        error = exc.message
    return page(request, portal, "facility/sep_list.html", status_code=422 if error else 200, seps=seps, q=q,
                dari=dari, sampai=sampai, error=error, ok=ok)


#: the SEP page's labels (discharge, change and control-letter forms) for the VClaim fields its errors name
SEP_PAGE_LABELS = {"tglPulang": Msg("desk.discharge_date"), "poli.tujuan": Msg("facility.poli"),
                   "diagAwal": Msg("facility.diagnosis"), "tglRencanaKontrol": Msg("desk.control_date"),
                   "poliKontrol": Msg("desk.control_poli")}


def _sep_refused(request: Request, portal: Portal, session: Session, s: dict, exc: DomainError,
                 form: Form_ | None = None):
    """The SEP page again with the refusal (in the page's labels) and what was typed."""
    values = {k: v for k, v in (form or {}).items() if k != "csrf_token"}
    return page(request, portal, "facility/sep_detail.html", status_code=exc.status, s=s,
                error=in_form_terms(exc, SEP_PAGE_LABELS),
                values=values, polis=polis(), **internal_referrals_of(session, s["number"]))


@router.post("/faskes/sep/{number}/pulang", response_class=HTMLResponse)
def discharge(request: Request, portal: Staff, session: DB, number: str, form: Form_):
    code = _hospital(portal)
    s = _own_sep(session, portal, number)
    try:
        sep.update_sep(session, number, actor=portal.actor, facility_code=code,
                       discharge_date=_text(form, "discharge_date") or "")
    except DomainError as exc:
        return _sep_refused(request, portal, session, s, exc, form)
    return RedirectResponse(f"/faskes/sep/{number}?ok=sep_discharged", status_code=303)


#: the SEP form's fields the desk may change after issue (VClaim SEP/2.0/update), form name -> service name;
#: an outpatient SEP's DPJP comes from the doctor choice (``doctor_code``), an inpatient one's is typed
CHANGEABLE = {"diagnosis": "diagnosis", "poli": "poli", "notes": "notes", "phone": "phone", "mr_number": "mr_number",
              "dpjp_code": "dpjp_code", "doctor_code": "dpjp_code"}


@router.post("/faskes/sep/{number}/ubah", response_class=HTMLResponse)
def change_sep(request: Request, portal: Staff, session: DB, number: str, form: Form_):
    code = _hospital(portal)
    s = _own_sep(session, portal, number)
    changes = {name: _text(form, field) for field, name in CHANGEABLE.items() if _text(form, field)}
    try:
        sep.update_sep(session, number, actor=portal.actor, facility_code=code, dpjp_from_schedule=True, **changes)
    except DomainError as exc:
        return _sep_refused(request, portal, session, s, exc, form)
    return RedirectResponse(f"/faskes/sep/{number}?ok=sep_changed", status_code=303)


@router.post("/faskes/sep/{number}/batal", response_class=HTMLResponse)
def cancel_sep(request: Request, portal: Staff, session: DB, number: str, form: Form_):
    code = _hospital(portal)
    s = _own_sep(session, portal, number)
    try:
        reason = _text(form, "reason")
        if not reason:
            raise Invalid(Msg("error.web.cancel_reason_required"), field="reason")
        sep.delete_sep(session, number, actor=portal.actor, facility_code=code, reason=reason)
    except DomainError as exc:
        return _sep_refused(request, portal, session, s, exc, form)
    return RedirectResponse("/faskes/daftar-sep?ok=sep_cancelled", status_code=303)


@router.post("/faskes/sep/{number}/internal/{letter}/hapus", response_class=HTMLResponse)
def withdraw_internal(request: Request, portal: Staff, session: DB, number: str, letter: str):
    """Withdraw an internal referral made from this SEP; the SEP it opened is cancelled with it (A-V50)."""
    code = _hospital(portal)
    s = _own_sep(session, portal, number)
    try:
        internal_referrals.withdraw(session, actor=portal.actor, facility_code=code, sep_number=number,
                                    letter_number=letter)
    except DomainError as exc:
        return _sep_refused(request, portal, session, s, exc)
    return RedirectResponse(f"/faskes/sep/{number}?ok=internal_withdrawn", status_code=303)


# --- control letters and SPRI ------------------------------------------------------------------

@router.get("/faskes/jadwal-dokter", response_class=HTMLResponse)
def doctor_options(request: Request, portal: Staff, session: DB, control_date: str = "", control_poli: str = "",
                   poli: str = "", sep_date: str = "", service_type: str = "2", doctor_code: str = ""):
    """The doctor choice of a control letter, SPRI or outpatient SEP (its DPJP): the hospital's doctors
    of the clinic on the date chosen (its Antrean RS schedule), refreshed when the date or clinic
    changes; a typed code only for a clinic the hospital keeps no schedule for (A-V46). An inpatient
    SEP names no DPJP (VClaim: "tidak diisi jika jnsPelayanan = 1", A-V52)."""
    code = _hospital(portal)
    if service_type == "1":
        return page(request, portal, "facility/_doctor_options.html", inpatient=True)
    clinic = control_poli or poli
    scheduled, doctors = practice.keeps_schedule(session, code, clinic), []
    try:
        scheduled, doctors = practice.doctor_choice(session, code, clinic, control_date or sep_date)
    except DomainError:  # no date or clinic chosen yet: nothing to offer
        pass
    return page(request, portal, "facility/_doctor_options.html", doctors=doctors, chosen=doctor_code,
                scheduled=scheduled)


@router.post("/faskes/sep/{number}/surat-kontrol", response_class=HTMLResponse)
def new_control_letter(request: Request, portal: Staff, session: DB, number: str, form: Form_):
    code = _hospital(portal)
    s = _own_sep(session, portal, number)
    try:
        c = referrals.create_control_letter(session, actor=portal.actor, sep_number=number, facility_code=code,
                                            control_date=_text(form, "control_date") or "",
                                            poli=_text(form, "control_poli") or "",
                                            doctor_code=_text(form, "doctor_code"))
    except DomainError as exc:
        return _sep_refused(request, portal, session, s, exc, form)
    return RedirectResponse(f"/faskes/surat-kontrol/{c['number']}?ok=control_issued", status_code=303)


def _own_letter(session: Session, portal: Portal, number: str) -> dict:
    code = _hospital(portal)
    c = referrals.get_control_letter(session, number)
    if c["facility_code"] != code:
        raise Forbidden(Msg("error.web.letter_other_facility"))
    return c


@router.get("/faskes/surat-kontrol", response_class=HTMLResponse)
def control_letters(request: Request, portal: Staff, session: DB, dari: str = "", sampai: str = "",
                    menurut: str = "2", ok: str = ""):
    code = _hospital(portal)
    today = jakarta_today()
    dari, sampai = dari or (today - dt.timedelta(days=30)).isoformat(), sampai or (today + dt.timedelta(days=30)).isoformat()
    letters, error = [], None
    try:
        letters = referrals.control_letters(session, code, dari, sampai, menurut)
    except DomainError as exc:
        error = in_form_terms(exc, {"tglAwal": Msg("desk.from"), "tglAkhir": Msg("desk.to")})
    return page(request, portal, "facility/control_letters.html", status_code=422 if error else 200,
                letters=letters, dari=dari, sampai=sampai, menurut=menurut, error=error, ok=ok)


#: the SPRI form's labels for the VClaim fields its errors name
SPRI_LABELS = {"tglRencanaKontrol": Msg("desk.admit_date"), "poliKontrol": Msg("desk.control_poli")}


@router.get("/faskes/spri", response_class=HTMLResponse)
def spri_form(request: Request, portal: Staff, card: str = ""):
    _hospital(portal)
    return page(request, portal, "facility/spri.html", values={"card_number": card,
                                                                "control_date": jakarta_today().isoformat()},
                polis=polis())


@router.post("/faskes/spri", response_class=HTMLResponse)
def new_spri(request: Request, portal: Staff, session: DB, form: Form_):
    code = _hospital(portal)
    try:
        c = referrals.create_spri(session, actor=portal.actor, facility_code=code,
                                  card_number=_text(form, "card_number") or "",
                                  control_date=_text(form, "control_date") or "", poli=_text(form, "poli") or "",
                                  doctor_code=_text(form, "doctor_code"))
    except DomainError as exc:
        values = {k: v for k, v in form.items() if k != "csrf_token"}
        return page(request, portal, "facility/spri.html", status_code=exc.status, error=in_form_terms(exc, SPRI_LABELS),
                    values=values, polis=polis())
    return RedirectResponse(f"/faskes/surat-kontrol/{c['number']}?ok=spri_issued", status_code=303)


@router.get("/faskes/surat-kontrol/{number}", response_class=HTMLResponse)
def control_letter_page(request: Request, portal: Staff, session: DB, number: str, ok: str = ""):
    c = _own_letter(session, portal, number)
    return page(request, portal, "facility/control_letter.html", c=c, ok=ok,
                used_by=referrals.letter_used_by(session, c["number"]))


@router.get("/faskes/surat-kontrol/{number}/surat.pdf")
def control_letter_print(portal: Staff, session: DB, number: str):
    c = _own_letter(session, portal, number)
    name = ("SPRI" if c["kind"] == "1" else "SuratKontrol") + f"-{c['number']}.pdf"
    return pdf_response(sep_letter.print_control_letter(session, c["number"], actor=portal.actor), name)


@router.post("/faskes/surat-kontrol/{number}/hapus", response_class=HTMLResponse)
def withdraw_control_letter(request: Request, portal: Staff, session: DB, number: str):
    code = _hospital(portal)
    c = _own_letter(session, portal, number)
    try:
        referrals.delete_control_letter(session, c["number"], actor=portal.actor, facility_code=code)
    except DomainError as exc:
        return page(request, portal, "facility/control_letter.html", status_code=exc.status, c=c, error=exc.message,
                    used_by=referrals.letter_used_by(session, c["number"]))
    return RedirectResponse("/faskes/surat-kontrol?ok=control_withdrawn", status_code=303)


@router.get("/faskes/rujukan-peserta", response_class=HTMLResponse)
def referral_lookup(request: Request, portal: Staff, session: DB, card: str = ""):
    code = _hospital(portal)
    found, error = None, None
    if card.strip():
        try:
            found = desk.referrals_for_desk(session, code, card.strip())
        except DomainError as exc:
            error = exc.message
    return page(request, portal, "facility/referral_lookup.html", status_code=422 if error else 200, card=card,
                found=found, error=error)
