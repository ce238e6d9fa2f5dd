"""/api/v1/complaints: file, list, read and move complaints through their workflow.

Authentication (jkn.api.security): HTTP Basic (user name and password of a portal account; the
same log-in throttling applies) or the portal's session cookie — with the cookie, a POST must also send
the session's CSRF token in ``X-CSRF-Token``. What a user sees is their scope
(jkn.services.portal.auth): a branch officer the complaints routed to their branch, a regional manager
their region's, head office all, a participant those of their family.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from jkn.api.errors import problem
from jkn.api.security import AUTH_RESPONSES as AUTH
from jkn.api.security import Caller, Portal
from jkn.services.bounds import JknDateTime, Positive
from jkn.services.portal import complaints
from jkn.services.unit_of_work import unit_of_work

router = APIRouter(prefix="/complaints", tags=["complaints"])
#: one complaint, and the steps of its workflow
ONE = {**AUTH, 404: problem("No such complaint, or not one you may see")}
STEP = {**ONE, 409: problem("Changed by someone else (version), or not in the status this step needs")}


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ComplaintIn(_In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "channel": "CALL_CENTRE", "category": "COMPLAINT", "participant": "0001234567893",
        "subject": "Antrean pendaftaran lama", "description": "Menunggu 3 jam di loket FKTP."}]})

    channel: Literal["BRANCH_OFFICE", "HOTLINE", "FACILITY_STAFF", "CALL_CENTRE", "WRITTEN", "PORTAL"] = Field(
        description="how it reached BPJS Kesehatan (guide: PENYAMPAIAN INFORMASI DAN KELUHAN); participants use PORTAL")
    category: Literal["COMPLAINT", "INFORMATION", "SUGGESTION"] = "COMPLAINT"
    subject: str = Field(min_length=1, max_length=160)
    description: str = Field(min_length=1, max_length=5000)
    participant: str | None = Field(None, description="card number or NIK of the participant concerned")
    complainant_name: str | None = Field(None, max_length=120, description="required without a participant")
    contact: str | None = Field(None, max_length=120)
    kabkota_code: str | None = Field(None, pattern=r"^\d{2}\.\d{2}$",
                                     description="where the complainant lives, when not a participant")
    facility_code: str | None = Field(None, max_length=12, description="FACILITY_STAFF: the facility")
    received_at: JknDateTime | None = Field(None, description="when it was received (default: now)")


class AssignIn(_In):
    assignee: str | None = Field(None, description="user name of an officer of the branch (default: you)")
    version: Positive | None = Field(None, description="the version you read (optimistic lock)")


class AnswerIn(_In):
    answer: str = Field(min_length=1, max_length=5000)
    version: Positive | None = None


class NoteIn(_In):
    note: str | None = Field(None, max_length=2000)
    version: Positive | None = None


def _one(session: Session, portal: Portal, number: str) -> dict:
    row = complaints.get_complaint(session, portal.scope, number)
    data = complaints.view(session, row, with_events=True)
    return data


@router.get("", summary="Complaints you may see (your branch, region, or family)", responses=AUTH)
def list_complaints(portal: Caller, status: str | None = Query(None, description="NEW, ASSIGNED, ANSWERED, CLOSED"),
                    branch: str | None = Query(None, description="branch code (regional / head office)"),
                    open_only: bool = Query(False), limit: int = Query(100, ge=1, le=500)) -> list[dict]:
    session = portal.session
    rows = complaints.list_complaints(session, portal.scope, status=status, branch_code=branch,
                                      open_only=open_only, limit=limit)
    out = [complaints.view(session, r) for r in rows]
    return out


@router.post("", status_code=201, summary="File a complaint; it is routed to the branch of the participant's kab/kota",
             responses={**AUTH, 404: problem("Unknown participant, kab/kota or facility"),
                        422: problem("Invalid channel, category or missing field")})
def file_complaint(portal: Caller, body: ComplaintIn) -> dict:
    session = portal.session
    with unit_of_work(session):
        row = complaints.file_complaint(session, portal.actor, portal.scope, channel=body.channel,
                                        category=body.category, subject=body.subject, description=body.description,
                                        participant=body.participant, complainant_name=body.complainant_name,
                                        contact=body.contact, kabkota_code=body.kabkota_code,
                                        facility_code=body.facility_code, received_at=body.received_at)
        data = complaints.view(session, row, with_events=True)
    return data


@router.get("/channels", summary="The channels and categories, with the guide's words they rest on")
def channels() -> dict:
    return {"channels": [{"code": c.code, "guide_kind": c.guide_kind, "source": c.source}
                         for c in complaints.CHANNELS.values()],
            "categories": [{"code": k, "source": v} for k, v in complaints.CATEGORIES.items()],
            "statuses": [complaints.NEW, complaints.ASSIGNED, complaints.ANSWERED, complaints.CLOSED]}


@router.get("/{number}", summary="One complaint with its history", responses=ONE)
def get_complaint(portal: Caller, number: str) -> dict:
    return _one(portal.session, portal, number)


def _step(portal: Portal, number: str, call) -> dict:
    session = portal.session
    with unit_of_work(session):
        call(session)
    return _one(session, portal, number)


@router.post("/{number}/assign", summary="NEW/ASSIGNED → ASSIGNED to an officer of the branch", responses=STEP)
def assign(portal: Caller, number: str, body: AssignIn) -> dict:
    return _step(portal, number, lambda s: complaints.assign(s, portal.actor, portal.scope, number, body.assignee,
                                                             version=body.version))


@router.post("/{number}/answer", summary="ASSIGNED → ANSWERED (the time taken is measured from receipt)",
             responses=STEP)
def answer(portal: Caller, number: str, body: AnswerIn) -> dict:
    return _step(portal, number, lambda s: complaints.answer(s, portal.actor, portal.scope, number, body.answer,
                                                             version=body.version))


@router.post("/{number}/close", summary="ANSWERED → CLOSED", responses=STEP)
def close(portal: Caller, number: str, body: NoteIn) -> dict:
    return _step(portal, number, lambda s: complaints.close(s, portal.actor, portal.scope, number, body.note,
                                                            version=body.version))


@router.post("/{number}/reopen", summary="ANSWERED → ASSIGNED: the answer did not resolve it", responses=STEP)
def reopen(portal: Caller, number: str, body: NoteIn) -> dict:
    return _step(portal, number, lambda s: complaints.reopen(s, portal.actor, portal.scope, number, body.note or "",
                                                             version=body.version))
