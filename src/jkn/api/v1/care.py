"""/api/v1 endpoints of the care flow (issue #5): facilities and staff, VClaim consumers,
eligibility, first-level visits, referrals, control letters, SEPs (with the printable letter),
emergencies and ambulance trips. Thin: check the caller, parse, call the service, return its dict.

Who may call (jkn.api.security, docs/api-security.md): facility staff act for their own
facility only (visits, referrals, SEPs, emergencies at it) and check any card's eligibility at
the desk; branch officers and administrators act at the facilities of their work area; a
participant reads the care records of their family. Writes are recorded as the caller (the
record's ``created_by`` / ``deleted_by`` and the audit row the use case writes with it; the body's
``created_by`` / ``user`` are ignored). The facility directory, facility types, diagnoses and
clinics stay public.

Consumer management returns secrets: it needs ``X-JKN-Admin-Token`` equal to the server's
``JKN_ADMIN_TOKEN`` (unset: those endpoints are closed), and is audited as ``admin-token`` with
the client's address. The CLI (``jkn care consumer ...``) is the other way to manage consumers.
"""

from __future__ import annotations

import hmac
import os
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.api import security as sec
from jkn.api.deps import get_session
from jkn.api.errors import problem
from jkn.api.explained import ExplainedRoute
from jkn.api.paging import PAGED, linked_list
from jkn.api.security import AUTH_RESPONSES as AUTH
from jkn.api.security import Caller, Portal
from jkn.api.session_cookie import client_of
from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.services.billing import service_penalties
from jkn.services.bounds import Id, JknDate, Offset, Positive, PositiveRupiah
from jkn.services.care import eligibility as care_eligibility
from jkn.services.care import (accidents, emergencies, facilities, primary_care, referrals, sep, sep_letter,
                              vclaim_consumers)
from jkn.services.care.common import jakarta_today, parse_date
from jkn.services.errors import Forbidden, NotFound
from jkn.services.portal.accounts import FACILITY_STAFF
from jkn.services.portal.audit import Actor
from jkn.store.care_tables import ControlLetterRow, EmergencyCaseRow, ReferralRow, SepRow
from jkn.store.facility_tables import FacilityRow

router = APIRouter(tags=["care flow"], route_class=ExplainedRoute)
REFUSED = {422: problem("Invalid input, or refused by a care rule: `rule` names it, `explanation` cites the guide"),
           404: problem("Unknown card, facility, referral or SEP")}
GUARDED = {**AUTH, **REFUSED}
WRITES = {**GUARDED, 409: problem("A duplicate, or written by someone else at the same time: reload and retry")}
#: consumer management (X-JKN-Admin-Token)
ADMIN_ONLY = {403: problem("X-JKN-Admin-Token missing or wrong, or JKN_ADMIN_TOKEN unset on the server"),
              404: problem("Unknown facility or consumer")}


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FacilityIn(_In):
    name: str = Field(min_length=1, max_length=160, examples=["RSUD Kota Bandung"])
    facility_type: str = Field(examples=["RSUD"], description="a code of GET /api/v1/facility-types")
    kabkota_code: str = Field(pattern=r"^\d{2}\.\d{2}$", examples=["32.73"])
    code: str | None = Field(None, description="8 letters/digits; default: kab/kota + level letter + serial")
    partnership: Literal["PARTNER", "NETWORK", "NON_PARTNER"] | None = None
    network_of: str | None = Field(None, description="supporting facilities: the partner they are networked to")
    address: str | None = Field(None, max_length=240)
    phone: str | None = Field(None, max_length=40)


class StaffIn(_In):
    name: str = Field(min_length=1, max_length=120)
    role: str = Field(examples=["SPECIALIST"], description=", ".join(facilities.STAFF_ROLES))
    registration_number: str | None = Field(None, max_length=40, description="STR / kode DPJP")
    poli_code: str | None = None


class ConsumerIn(_In):
    api_version: Literal["2.0", "1.1"] = "2.0"
    label: str | None = Field(None, max_length=120)


class _CoverIn(_In):
    """What the facility declares about the care, checked at both levels (services.care.cover)."""

    delivery_child_number: Positive | None = Field(None, description="a delivery: which child (1, 2, 3 ...)")
    excluded: list[str] = Field(default_factory=list, description="exclusion codes that apply (e.g. ABROAD)")


class VisitIn(_CoverIn):
    card_number: str
    facility_code: str
    visit_date: JknDate
    care_type: Literal["RJTP", "RITP"] = "RJTP"
    emergency: bool = False
    diagnosis: str | None = Field(None, description="ICD-10; a delivery needs O80-O84")
    complaint: str | None = None
    staff_id: Id | None = None


class ReferralIn(_In):
    card_number: str | None = Field(None, description="FKTP referral: the participant's card")
    sep_number: str | None = Field(None, description="hospital referral: the SEP the participant comes from")
    from_facility: str
    to_facility: str | None = None
    referral_date: JknDate
    planned_visit_date: JknDate | None = None
    diagnosis: str = Field(examples=["I10"])
    poli: str | None = Field(None, examples=["INT"])
    service_type: Literal["1", "2"] = "2"
    referral_type: Literal["0", "1", "2"] = "0"
    complaint: str | None = None
    notes: str | None = None
    outside_reason: str | None = Field(None, description="FKTP referral to a hospital outside its kab/kota: why")
    created_by: str | None = None


class ControlLetterIn(_In):
    sep_number: str
    control_date: JknDate
    poli: str
    doctor_code: str | None = None
    issued_on: JknDate | None = None
    created_by: str | None = None


class SpriIn(_In):
    """An SPRI (order to admit) from your hospital: it opens the inpatient SEP there (A-V13)."""
    card_number: str
    facility_code: str
    control_date: JknDate
    poli: str
    doctor_code: str | None = None


class AccidentIn(_In):
    """The accident of an SEP whose ``accident`` is not "0" (VClaim ``jaminan.penjamin``, A-V47)."""
    accident_date: str | None = Field(None, description="YYYY-MM-DD; a supplement may leave it out")
    note: str | None = None
    guarantors: str | None = Field(None, description='VClaim 1.1 penjamin codes, e.g. "1,2"')
    supplement: Literal["0", "1"] = "0"
    supplement_of: str | None = Field(None, description="the accident SEP this one supplements")
    province: str | None = None
    regency: str | None = None
    district: str | None = None
    police_report: str | None = None


class SepIn(_CoverIn):
    card_number: str
    sep_date: JknDate
    facility_code: str
    service_type: Literal["1", "2"] = Field(description="1 rawat inap, 2 rawat jalan")
    diagnosis: str
    poli: str | None = None
    executive: bool = False
    class_upgrade: str | None = None
    upgrade_payer: str | None = None
    upgrade_responsible: str | None = None
    mr_number: str | None = None
    referral_number: str | None = None
    control_letter_number: str | None = None
    notes: str | None = None
    cob: bool = False
    cataract: bool = False
    accident: Literal["0", "1", "2", "3"] = "0"
    accident_details: AccidentIn | None = None
    dpjp_code: str | None = None
    phone: str | None = None
    emergency: bool = False
    created_by: str | None = None


class SepChange(_In):
    class_upgrade: str | None = None
    upgrade_payer: str | None = None
    upgrade_responsible: str | None = None
    mr_number: str | None = None
    notes: str | None = None
    diagnosis: str | None = None
    poli: str | None = None
    executive: bool | None = None
    cob: bool | None = None
    cataract: bool | None = None
    accident: Literal["0", "1", "2", "3"] | None = None
    dpjp_code: str | None = None
    phone: str | None = None
    discharge_date: JknDate | None = None
    user: str | None = None


class DischargeIn(_In):
    discharged_on: JknDate
    ina_cbg_amount: PositiveRupiah  # the INA-CBG amount of the stay (until claims exist, an input)
    unable_to_pay: bool = Field(False, description="the participant is certified unable to pay (exempt)")


class EmergencyIn(_In):
    card_number: str
    facility_code: str
    admitted_on: JknDate
    diagnosis: str | None = None
    notes: str | None = None


class TransferIn(_In):
    to_facility: str
    stabilised_on: JknDate
    transferred_on: JknDate
    by_ambulance: bool = False
    life_saving: bool = False


class AmbulanceIn(_In):
    card_number: str
    from_facility: str
    to_facility: str
    trip_date: JknDate
    life_saving: bool
    sep_number: str | None = None


admin_token = APIKeyHeader(name="X-JKN-Admin-Token", scheme_name="AdminToken", auto_error=False,
                           description="equal to the server's JKN_ADMIN_TOKEN (VClaim consumer management only)")


def admin(request: Request, x_jkn_admin_token: Annotated[str | None, Depends(admin_token)]) -> Actor:
    """The holder of the admin token, as the audit trail names them."""
    expected = os.environ.get("JKN_ADMIN_TOKEN", "")
    if not expected:
        raise Forbidden(Msg("error.api.admin_token_unset"))
    if not x_jkn_admin_token or not hmac.compare_digest(x_jkn_admin_token.encode(), expected.encode()):
        raise Forbidden(Msg("error.api.admin_token_wrong"))
    return Actor.admin_token(client_of(request))


TokenHolder = Annotated[Actor, Depends(admin)]


def _area_facilities(caller: Portal) -> set[str] | None:
    """Codes of the facilities an office sees (None: every one)."""
    if caller.scope.national:
        return None
    if not caller.scope.is_office:
        return set()
    return set(caller.session.scalars(select(FacilityRow.code).where(
        FacilityRow.kabkota_code.in_(caller.scope.kabkota_codes or ()))))


def _facility_filter(caller: Portal, facility_code: str | None, card_number: str | None) -> str | None:
    """A list of care records: facility staff see their facility's; others name a facility they may
    act at, or a participant they may see; only national offices list everything."""
    if caller.role == FACILITY_STAFF:
        if facility_code and facility_code.strip().upper() != caller.scope.facility_code:
            raise Forbidden(Msg("error.api.own_facility_records", facility_code=str(caller.scope.facility_code)))
        return caller.scope.facility_code
    if facility_code:
        sec.at_facility(caller, facility_code)
    elif card_number:
        sec.care_participant(caller, card_number)
    elif not caller.scope.national:
        raise Forbidden(Msg("error.api.name_facility_or_participant"))
    return facility_code


# --- reference and facilities ----------------------------------------------------------

@router.get("/facility-types", summary="Kinds of facility the guide lists (FKTP, FKRTL, supporting)")
def facility_types(level: str | None = None) -> list[dict]:
    return facilities.list_facility_types(level)


@router.get("/reference/diagnoses", summary="Search the ICD-10 subset by code or title")
def diagnoses(q: str = Query(..., min_length=1), limit: int = Query(50, ge=1, le=200)) -> list[dict]:
    return [{"code": d.code, "title": d.title, "kind": d.kind, "chapter": d.chapter}
            for d in care_codes.search_diagnoses(q, limit)]


@router.get("/reference/poli", summary="Clinic (poli) codes")
def poli(q: str = "") -> list[dict]:
    return [{"code": p.code, "name": p.name, "confirmed": p.confirmed} for p in care_codes.search_polis(q)]


@router.post("/facilities", status_code=201, summary="Register a facility (in your work area)", responses=WRITES)
def register_facility(body: FacilityIn, caller: Caller) -> dict:
    sec.need(caller, "facility.manage")
    sec.in_kabkota(caller, body.kabkota_code, "facility registration")
    return facilities.register_facility(caller.session, actor=caller.actor, **body.model_dump())


@router.get("/facilities", summary="List facilities (public directory)", responses=PAGED)
def list_facilities(request: Request, response: Response, level: str | None = None, kabkota_code: str | None = None, branch_code: str | None = None,
                    partnership: str | None = None, q: str | None = None, limit: int = Query(100, ge=1, le=1000),
                    offset: Offset = 0, session: Session = Depends(get_session)) -> list[dict]:
    return linked_list(request, response, facilities.list_facilities(
        session, level=level, kabkota_code=kabkota_code, branch_code=branch_code, partnership=partnership, q=q,
        limit=limit, offset=offset), limit, offset)


@router.get("/facilities/{code}", summary="A facility with its staff (public directory)", responses=REFUSED)
def get_facility(code: str, session: Session = Depends(get_session)) -> dict:
    return facilities.get_facility(session, code)


@router.post("/facilities/{code}/staff", status_code=201, summary="Add a staff member", responses=WRITES)
def add_staff(code: str, body: StaffIn, caller: Caller) -> dict:
    sec.need(caller, "facility.manage")
    fac = sec.at_facility(caller, code, "code")
    return facilities.add_staff(caller.session, fac.code, actor=caller.actor, **body.model_dump())


@router.get("/facilities/{code}/staff", summary="Staff of a facility (public directory)", responses=REFUSED)
def list_staff(code: str, session: Session = Depends(get_session)) -> list[dict]:
    return facilities.list_staff(session, code)


@router.post("/facilities/{code}/vclaim-consumers", status_code=201,
             responses={**ADMIN_ONLY, 409: problem("cons_id already issued")},
             summary="Issue VClaim credentials to a facility (secret shown once; X-JKN-Admin-Token)")
def create_consumer(code: str, body: ConsumerIn, actor: TokenHolder, session: Session = Depends(get_session)) -> dict:
    return vclaim_consumers.create_consumer(session, code, actor=actor, api_version=body.api_version, label=body.label)


@router.get("/vclaim-consumers", dependencies=[Depends(admin)], responses=ADMIN_ONLY,
            summary="VClaim consumers (no secrets; X-JKN-Admin-Token)")
def list_consumers(facility_code: str | None = None, session: Session = Depends(get_session)) -> list[dict]:
    return vclaim_consumers.list_consumers(session, facility_code)


@router.delete("/vclaim-consumers/{cons_id}", responses=ADMIN_ONLY, summary="Revoke a consumer (X-JKN-Admin-Token)")
def revoke_consumer(cons_id: str, actor: TokenHolder, session: Session = Depends(get_session)) -> dict:
    return vclaim_consumers.revoke_consumer(session, cons_id, actor=actor)


@router.post("/vclaim-consumers/{cons_id}/rotate", responses=ADMIN_ONLY,
             summary="New secret and user key (old ones stop at once; X-JKN-Admin-Token)")
def rotate_consumer(cons_id: str, actor: TokenHolder, session: Session = Depends(get_session)) -> dict:
    return vclaim_consumers.rotate_credentials(session, cons_id, actor=actor)


# --- participants at the desk ----------------------------------------------------------

@router.get("/eligibility/{card_number}", summary="Is the participant covered on a date? Class, FKTP, status",
            responses=GUARDED)
def eligibility(card_number: str, caller: Caller, date: JknDate | None = None) -> dict:
    if caller.role != FACILITY_STAFF:  # the facility desk checks any card; others within their scope
        sec.participant(caller, card_number)
    e = care_eligibility.check(caller.session, date or jakarta_today(), card_number=card_number)
    p = e.participant
    return {"card_number": p.card_number, "name": p.name, "on_date": e.on_date.isoformat(), "active": e.active,
            "status": e.status_text, "care_class": p.care_class, "segment": p.segment,
            "fktp": {"code": p.fktp_code, "name": e.fktp_name}, "explanation": e.explanation}


@router.post("/visits", status_code=201, summary="Record a first-level visit (at your facility)", responses=WRITES)
def record_visit(body: VisitIn, caller: Caller) -> dict:
    sec.need(caller, "care.record")
    sec.at_facility(caller, body.facility_code)
    return primary_care.record_visit(caller.session, actor=caller.actor, **body.model_dump())


@router.get("/visits", summary="First-level visits (of your facility, or a facility / participant you may see)",
            responses=GUARDED)
def list_visits(caller: Caller, card_number: str | None = None, facility_code: str | None = None,
                date_from: JknDate | None = None, date_to: JknDate | None = None) -> list[dict]:
    facility_code = _facility_filter(caller, facility_code, card_number)
    return primary_care.list_visits(caller.session, card_number=card_number, facility_code=facility_code,
                                    date_from=date_from, date_to=date_to)


@router.post("/referrals", status_code=201, summary="Write a referral (rujukan) from your facility", responses=WRITES)
def create_referral(body: ReferralIn, caller: Caller) -> dict:
    sec.need(caller, "referral.issue")
    sec.at_facility(caller, body.from_facility, "from_facility")
    return referrals.create_referral(caller.session, actor=caller.actor, **body.model_dump(exclude={"created_by"}))


def _referral(caller: Portal, number: str) -> ReferralRow:
    row = caller.session.get(ReferralRow, (number or "").strip())
    if row is None or row.deleted_at is not None:
        raise NotFound(Msg("error.care.referral_unknown", number=str(number)), field="noRujukan")
    return row


@router.get("/referrals/{number}", summary="A referral (from or to your facility)", responses=GUARDED)
def get_referral(number: str, caller: Caller) -> dict:
    row = _referral(caller, number)
    sec.care_record(caller, [row.from_facility, row.to_facility], row.participant_id)
    return referrals.get_referral(caller.session, row.number)


@router.delete("/referrals/{number}", summary="Withdraw a referral not yet used (its writer)", responses=WRITES)
def delete_referral(number: str, caller: Caller) -> dict:
    sec.need(caller, "referral.issue")
    row = _referral(caller, number)
    sec.at_facility(caller, row.from_facility, "noRujukan")
    return referrals.delete_referral(caller.session, row.number, actor=caller.actor)


@router.get("/participants/{card_number}/referrals", summary="A participant's referrals", responses=GUARDED)
def participant_referrals(card_number: str, caller: Caller, valid_on: JknDate | None = None) -> list[dict]:
    if caller.role == FACILITY_STAFF:  # the desk looks a card up: the referrals from or to its facility
        out = referrals.referrals_for_card(caller.session, card_number, only_valid_on=valid_on)
        own = caller.scope.facility_code
        return [r for r in out if own in (r["from_facility"]["code"], r["to_facility"]["code"])]
    sec.care_participant(caller, card_number)
    return referrals.referrals_for_card(caller.session, card_number, only_valid_on=valid_on)


def _sep(caller: Portal, number: str) -> SepRow:
    row = caller.session.get(SepRow, (number or "").strip())
    if row is None or row.deleted_at is not None:
        raise NotFound(Msg("error.care.sep_unknown_number", number=str(number)), field="noSep")
    return row


@router.post("/control-letters", status_code=201, summary="A post-inpatient control letter (the SEP's hospital)",
             responses=WRITES)
def create_control_letter(body: ControlLetterIn, caller: Caller) -> dict:
    sec.need(caller, "care.record")
    sec.at_facility(caller, _sep(caller, body.sep_number).facility_code, "sep_number")
    return referrals.create_control_letter(caller.session, actor=caller.actor, **body.model_dump(exclude={"created_by"}))


@router.post("/spri", status_code=201, summary="An SPRI, order to admit (at your hospital)", responses=WRITES)
def create_spri(body: SpriIn, caller: Caller) -> dict:
    sec.need(caller, "care.record")
    sec.at_facility(caller, body.facility_code)
    return referrals.create_spri(caller.session, actor=caller.actor, **body.model_dump())


def _letter(caller: Portal, number: str) -> ControlLetterRow:
    row = caller.session.get(ControlLetterRow, (number or "").strip())
    if row is None or row.deleted_at is not None:
        raise NotFound(Msg("error.care.control_unknown", number=str(number)), field="noSuratKontrol")
    return row


@router.get("/control-letters/{number}", summary="A control letter or SPRI", responses=GUARDED)
def get_control_letter(number: str, caller: Caller) -> dict:
    row = _letter(caller, number)
    sec.care_record(caller, [row.facility_code], row.participant_id)
    return referrals.get_control_letter(caller.session, row.number)


@router.delete("/control-letters/{number}", summary="Withdraw a control letter or SPRI no SEP used (its hospital)",
               responses=WRITES)
def delete_control_letter(number: str, caller: Caller) -> dict:
    sec.need(caller, "care.record")
    row = _letter(caller, number)
    sec.at_facility(caller, row.facility_code, "noSuratKontrol")
    return referrals.delete_control_letter(caller.session, row.number, actor=caller.actor)


def _printed(caller: Portal, row: "SepRow | ControlLetterRow", print_letter, name: str) -> Response:
    """A printed letter of a record the caller may read (the print is audited by ``print_letter``)."""
    sec.care_record(caller, [row.facility_code], row.participant_id)
    pdf = print_letter(caller.session, row.number, actor=caller.actor)
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/control-letters/{number}/letter.pdf", summary="The printable control letter or SPRI (PDF); the print "
            "is audited", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}, **AUTH, 404: problem("Unknown letter")})
def control_letter_pdf(number: str, caller: Caller) -> Response:
    row = _letter(caller, number)
    return _printed(caller, row, sep_letter.print_control_letter, f"{row.number}.pdf")


@router.post("/seps", status_code=201, summary="Issue an SEP at your facility (or get the refusal with its clause)",
             responses=WRITES)
def insert_sep(body: SepIn, caller: Caller) -> dict:
    sec.need(caller, "sep.issue")
    sec.at_facility(caller, body.facility_code)
    details = accidents.Details(**body.accident_details.model_dump()) if body.accident_details else None
    return sep.insert_sep(caller.session, actor=caller.actor, accident_details=details,
                          **body.model_dump(exclude={"created_by", "accident_details"}))


@router.get("/seps/{number}", summary="An SEP", responses=GUARDED)
def get_sep(number: str, caller: Caller) -> dict:
    row = _sep(caller, number)
    sec.care_record(caller, [row.facility_code], row.participant_id)
    return sep.get_sep(caller.session, row.number)


@router.patch("/seps/{number}", summary="Change an SEP (its facility)", responses=WRITES)
def update_sep(number: str, body: SepChange, caller: Caller) -> dict:
    sec.need(caller, "sep.issue")
    sec.at_facility(caller, _sep(caller, number).facility_code, "noSep")
    changes = body.model_dump(exclude_none=True)
    changes.pop("user", None)  # the caller is the user
    for key in ("executive", "cob", "cataract"):
        if key in changes:
            changes[key] = "1" if changes[key] else "0"
    return sep.update_sep(caller.session, number, actor=caller.actor, **changes)


@router.post("/seps/{number}/discharge", summary="Close an inpatient SEP with its INA-CBG amount: the service penalty "
             "within 45 days of reactivation (A-R12)", responses=WRITES)
def discharge_sep(number: str, body: DischargeIn, caller: Caller) -> dict:
    sec.need(caller, "sep.issue")
    sec.at_facility(caller, _sep(caller, number).facility_code, "noSep")
    return service_penalties.record_discharge(caller.session, number, actor=caller.actor, **body.model_dump())


@router.delete("/seps/{number}", summary="Delete an SEP (its facility)", responses=WRITES)
def delete_sep(number: str, caller: Caller, user: str | None = Query(None, description="ignored: the caller is recorded"),
               reason: str | None = Query(None, max_length=500, description="why it is cancelled (kept with the SEP)")
               ) -> dict:
    sec.need(caller, "sep.issue")
    sec.at_facility(caller, _sep(caller, number).facility_code, "noSep")
    return sep.delete_sep(caller.session, number, actor=caller.actor, reason=reason)


@router.get("/seps/{number}/letter.pdf", summary="The printable SEP letter (PDF); the print is audited",
            response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}, **AUTH, 404: problem("Unknown SEP")})
def sep_pdf(number: str, caller: Caller) -> Response:
    row = _sep(caller, number)
    return _printed(caller, row, sep_letter.print_sep_letter, f"SEP-{row.number}.pdf")


@router.get("/facilities/{code}/seps", summary="SEPs of a facility on a date", responses=GUARDED)
def facility_seps(code: str, date: JknDate, caller: Caller, service_type: Literal["1", "2"] = "2") -> list[dict]:
    fac = sec.at_facility(caller, code, "code")
    return sep.seps_on_date(caller.session, fac.code, date, service_type)


@router.get("/participants/{card_number}/seps", summary="A participant's SEPs between two dates", responses=GUARDED)
def participant_seps(card_number: str, date_from: JknDate, date_to: JknDate, caller: Caller) -> list[dict]:
    if caller.role == FACILITY_STAFF:  # the desk looks a card up: the SEPs of its own facility
        out = sep.history(caller.session, card_number, date_from, date_to)
        return [s for s in out if s["facility"]["code"] == caller.scope.facility_code]
    sec.care_participant(caller, card_number)
    return sep.history(caller.session, card_number, date_from, date_to)


@router.post("/emergencies", status_code=201, summary="Record emergency care (at your facility, partner or not)",
             responses=WRITES)
def record_emergency(body: EmergencyIn, caller: Caller) -> dict:
    sec.need(caller, "care.record")
    sec.at_facility(caller, body.facility_code)
    return emergencies.record_emergency(caller.session, actor=caller.actor, **body.model_dump())


@router.get("/emergencies", summary="Emergency cases (pending transfers with pending=true)", responses=GUARDED)
def list_emergencies(caller: Caller, facility_code: str | None = None, pending: bool = False) -> list[dict]:
    if caller.role == FACILITY_STAFF or facility_code or caller.scope.national:
        facility_code = _facility_filter(caller, facility_code, None)
        return emergencies.list_cases(caller.session, facility_code=facility_code, pending_transfer=pending)
    if not caller.scope.is_office:
        raise Forbidden(Msg("error.api.emergency_role"))
    area = _area_facilities(caller) or set()
    caller.session
    out = emergencies.list_cases(caller.session, pending_transfer=pending)
    return [c for c in out if c["facility"]["code"] in area]


@router.post("/emergencies/{case_id}/transfer", summary="Transfer once stable to a partner facility",
             responses=WRITES)
def transfer(case_id: Id, body: TransferIn, caller: Caller) -> dict:
    sec.need(caller, "care.record")
    case = caller.session.get(EmergencyCaseRow, case_id)
    if case is None:
        raise NotFound(Msg("error.care.emergency_unknown", case_id=str(case_id)), field="case_id")
    sec.at_facility(caller, case.facility_code, "case_id")
    return emergencies.record_transfer(caller.session, case_id, actor=caller.actor, **body.model_dump())


@router.post("/ambulance-trips", status_code=201, summary="An ambulance trip (life-saving inter-facility only)",
             responses=WRITES)
def ambulance(body: AmbulanceIn, caller: Caller) -> dict:
    sec.need(caller, "care.record")
    sec.at_facility(caller, body.from_facility, "from_facility")
    return emergencies.record_ambulance_trip(caller.session, actor=caller.actor, **body.model_dump())


__all__ = ["router", "parse_date"]
