"""Public calculators under /api/v1: contribution, room class, penalty, ranks (guide: Iuran,
Manfaat Akomodasi Rawat Inap, Denda, Golongan Kepangkatan)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from jkn.api.errors import explained, problem
from jkn.domain.segment import Segment
from jkn.rules.wage_terms import wage_components
from jkn.services.billing import calculators
from jkn.services.bounds import MAX_FAMILY_MEMBERS, JknDate, JknMonth, Members, Persons, Rupiah

router = APIRouter(tags=["calculators"])

ClassCode = Literal["I", "II", "III"]
WageComponent = Literal[wage_components()]  # type: ignore[valid-type]
INVALID = {422: problem("Invalid input; `detail` says what to fix")}


class Step(BaseModel):
    text: str = Field(description="the step, in the caller's language (Accept-Language; Indonesian by default)")
    source: str = Field(description="machine id of the text it rests on: guide:Iuran:7, perpres:111/2013:16C, "
                                    "assumption:A-02 ...")
    source_name: str = Field("", description="the name of that text, in the caller's language")
    decisive: bool = Field(False, description="whether this step decided the outcome (shown first)")


class ContributionRequest(BaseModel):
    segment: Segment
    as_of: JknDate = Field(description="the date the contribution is for (rules in force that day)")
    wage: Rupiah | None = Field(None, description="monthly wage in rupiah (wage earners)")
    grade: str | None = Field(None, description="civil-service grade, e.g. 'III/a' (state pensioners)")
    care_class: ClassCode | None = Field(None, description="class paid for (PBPU / BP)")
    persons: Persons = Field(1, description="family members paying the flat rate (PBPU / BP / PBI)")
    additional_members: Members = Field(0, description="wage earners: extra family members at 1% of wage each")
    other_relatives: list[ClassCode] = Field(default_factory=list, max_length=MAX_FAMILY_MEMBERS,
                                             description="wage earners: other relatives, one class each")
    pension: Rupiah | None = None
    veteran_base_salary: Rupiah | None = Field(None, description="PNS III/a, 14 years: required until a sourced value is in force")
    pbi_amount: Rupiah | None = Field(None, description="PBI contribution per person (not in the guide)")
    minimum_wage: Rupiah | None = Field(None, description="the UMK of the workplace's kab/kota: the wage floor of "
                                                          "private employees from 2020 (Perpres 75/2019 Pasal 32 "
                                                          "ayat 2); without it the floor is not checked (A-R03)")
    wage_components: dict[WageComponent, Rupiah] | None = Field(
        None, max_length=len(wage_components()),
        description="a government employee's monthly pay items instead of `wage`; the rule adds those the "
                    "regulation in force names (A-R04)")

    model_config = {"json_schema_extra": {"examples": [
        {"segment": "PPU_SWASTA", "as_of": "2014-06-01", "wage": 4000000, "additional_members": 1},
        {"segment": "PBPU_MANDIRI", "as_of": "2014-06-01", "care_class": "II", "persons": 4},
    ]}}


class ContributionAnswer(BaseModel):
    segment: str
    month: str
    due_date: date
    care_class: str | None
    total: int
    employer: int
    participant: int
    government: int
    lines: list[dict]
    answer: str | None = Field(None, description="the answer in one sentence, in the caller's language")
    explanation: list[Step]


class CareClassRequest(BaseModel):
    segment: Segment
    as_of: JknDate
    grade: str | None = Field(None, description="e.g. 'III/a'")
    rank: str | None = Field(None, description="e.g. 'Kapten' (TNI/Polri rank, converted to a grade)")
    wage: Rupiah | None = None
    care_class: ClassCode | None = Field(None, description="class paid for (PBPU / BP)")

    model_config = {"json_schema_extra": {"examples": [{"segment": "PPU_TNI", "as_of": "2014-06-01", "rank": "Kapten"}]}}


class CareClassAnswer(BaseModel):
    care_class: str
    answer: str | None = Field(None, description="the answer in one sentence, in the caller's language")
    explanation: list[Step]


class UnpaidMonth(BaseModel):
    month: JknMonth = Field(examples=["2014-03"])
    amount: Rupiah


class PenaltyRequest(BaseModel):
    segment: Segment
    as_of: JknDate
    unpaid: list[UnpaidMonth]
    penalty_owed: Rupiah = Field(0, description="penalty charged earlier (when arrears were paid without it) "
                                                   "and not yet paid")
    suspended_since: JknDate | None = Field(None, description="cover already suspended since this day: it stays so "
                                                           "until arrears and penalty are paid in full")

    model_config = {"json_schema_extra": {"examples": [{"segment": "PBPU_MANDIRI", "as_of": "2014-08-15",
                                                          "unpaid": [{"month": "2014-05", "amount": 42500}]}]}}


class Lateness(BaseModel):
    since: date = Field(description="due date of the oldest overdue contribution")
    months: int
    days: int
    months_begun: int


class PenaltyAnswer(BaseModel):
    penalty: int = Field(description="paid with the arrears on as_of: the penalty on them + penalty_owed")
    penalty_owed: int
    months_in_arrears: int
    lateness: Lateness | None = Field(description="how late the oldest overdue contribution is on as_of")
    months_counted: int
    arrears: int
    arrears_total: int
    amount_due: int
    suspended: bool
    payer: str
    answer: str | None = Field(None, description="the answer in one sentence, in the caller's language")
    explanation: list[Step]


@router.post("/calculations/contribution", response_model=ContributionAnswer, responses=INVALID,
             summary="Monthly contribution with each payer's share and the reason")
def contribution(body: ContributionRequest, request: Request) -> dict:
    return explained(calculators.contribution(
        body.segment.value, body.as_of, wage=body.wage, grade=body.grade, care_class=body.care_class,
        persons=body.persons, additional_members=body.additional_members, other_relatives=body.other_relatives,
        pension=body.pension, veteran_base_salary=body.veteran_base_salary, pbi_amount=body.pbi_amount,
        minimum_wage=body.minimum_wage, wage_components=body.wage_components,
    ), request)


@router.post("/calculations/care-class", response_model=CareClassAnswer, responses=INVALID,
             summary="The inpatient room class a participant is owed")
def care_class(body: CareClassRequest, request: Request) -> dict:
    return explained(calculators.room_class(body.segment.value, body.as_of, grade=body.grade, rank=body.rank,
                                            wage=body.wage, paid_class=body.care_class), request)


@router.post("/calculations/penalty", response_model=PenaltyAnswer, responses=INVALID,
             summary="Late-payment penalty, arrears and suspension")
def penalty(body: PenaltyRequest, request: Request) -> dict:
    return explained(calculators.penalty(body.segment.value, body.as_of, [(u.month, u.amount) for u in body.unpaid],
                                         penalty_owed=body.penalty_owed, suspended_since=body.suspended_since), request)


@router.get("/ranks", summary="Civil-service grade and the equivalent Polri / TNI ranks")
def ranks(q: str = Query(..., min_length=1, examples=["Kapten", "III/a"])) -> list[dict]:
    return calculators.ranks(q)


@router.get("/segments", summary="Participant segments (Peserta Jaminan Kesehatan)")
def segments() -> list[dict]:
    return [{"code": s.value, "group": s.group.value, "label": s.label, "source": s.source} for s in Segment]
