"""Typed inputs of the membership and billing use cases (validated at the edge by pydantic).

The REST API, the CLI and the collective import build these; the services take them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from jkn.domain.care import MaritalStatus, Relationship
from jkn.domain.segment import Segment
from jkn.services.bounds import MAX_FAMILY_MEMBERS, EducationEnd, JknDate, LifeDate, Positive, PositiveRupiah, Rupiah

NikStr = Field(pattern=r"^\d{16}$", description="Nomor Induk Kependudukan, 16 digits", examples=["3171014501900001"])


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=False)


class PersonIn(_In):
    """What every person on a registration form (FDIP) gives."""

    nik: str = NikStr
    name: str = Field(min_length=1, max_length=120, examples=["Siti Aminah"])
    sex: Literal["L", "P"] | None = Field(None, description="L or P; taken from the NIK when omitted")
    birth_date: LifeDate | None = Field(None, description="taken from the NIK when omitted; must agree with it")
    nationality: Literal["WNI", "WNA"] = "WNI"
    stay_permit: str | None = Field(None, max_length=40, description="KITAS/KITAP number (foreign nationals)")
    marital_status: MaritalStatus = MaritalStatus.NEVER_MARRIED
    in_school: bool = Field(False, description="in formal education (children 21-25); needs education_until")
    education_until: EducationEnd | None = Field(None, description="end date of formal education on the school's letter: "
                                            "a child's status lasts to it, at the latest to the 25th birthday")
    has_income: bool = False

    @model_validator(mode="after")
    def _school(self) -> "PersonIn":
        if self.education_until is not None:
            self.in_school = True  # the letter with its end date is the proof of formal education
        return self


class ParticipantIn(PersonIn):
    """The participant who registers (head of the family)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "nik": "3171014501900001", "name": "Siti Aminah", "segment": "PBPU_MANDIRI", "care_class": "II",
        "fktp_code": "0101P001", "kabkota_code": "31.71", "address": "Jl. Merdeka 1",
    }]})

    segment: Segment = Field(examples=["PBPU_MANDIRI"])
    address: str | None = Field(None, max_length=240)
    kabkota_code: str | None = Field(None, pattern=r"^\d{2}\.\d{2}$",
                                     description="kab/kota of the address (Kemendagri code); default: the NIK's region",
                                     examples=["31.71"])
    employer_code: str | None = Field(None, description="employer number, required for wage earners (PPU)")
    wage: Rupiah | None = Field(None, description="monthly wage in rupiah (PPU)", examples=[4000000])
    pension: Rupiah | None = Field(None, description="monthly pension in rupiah (state pensioners: the basis of "
                                   "their 5% from 2018-10, Perpres 82/2018)", examples=[3500000])
    grade: str | None = Field(None, max_length=60, description="golongan/ruang ('III/a') or TNI/Polri rank name")
    care_class: Literal["I", "II", "III"] | None = Field(None, description="class paid for (PBPU / BP)")
    fktp_code: str = Field(max_length=12, description="FKTP chosen (facility code, level FKTP)")
    work_started: LifeDate | None = Field(None, description="foreign nationals: first day of work in Indonesia")
    pbi_designated: bool | None = Field(None, description="PBI: designated by the government")


class RegistrationForm(_In):
    """What a registration form (FDIP) says besides its people."""

    kk_number: str | None = Field(None, pattern=r"^\d{16}$", description="nomor Kartu Keluarga")
    tmt: JknDate | None = Field(None, description="start of cover; default: the registration date")
    registered_on: JknDate | None = Field(None, description="date of the form; default: today (Asia/Jakarta)")
    documents_shown: list[str] = Field(default_factory=list, description="codes of the checklist documents shown")
    registration_type: str | None = Field(None, description="which of the guide's lists applies when a segment has "
                                          "several (e.g. PPU.PNS or PPU.PNS_BUMN_BUMD)")


class ParticipantRegistrationIn(RegistrationForm, ParticipantIn):
    """One participant without family members (a family of one)."""

    def as_family(self) -> "FamilyIn":
        form = set(RegistrationForm.model_fields)
        return FamilyIn(head=ParticipantIn(**self.model_dump(exclude=form)), members=[],
                        **self.model_dump(include=form))


class MemberIn(PersonIn):
    """A family member registered with the participant (Anggota Keluarga)."""

    relationship: Relationship = Field(examples=["SPOUSE"])
    fktp_code: str | None = Field(None, max_length=12, description="default: the head's FKTP")
    care_class: Literal["I", "II", "III"] | None = Field(None, description="other relatives of wage earners: class paid for")


class FamilyIn(RegistrationForm):
    """Registration of a participant with family members (FDIP)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "head": {"nik": "3171011203850001", "name": "Budi Santoso", "segment": "PPU_SWASTA", "employer_code": "00000001",
                 "wage": 4000000, "fktp_code": "0101P001", "marital_status": "MARRIED"},
        "members": [{"nik": "3171015506870002", "name": "Ani", "relationship": "SPOUSE", "marital_status": "MARRIED"}],
        "tmt": "2014-03-01", "documents_shown": ["KK_KTP", "MARRIAGE_CERTIFICATE"],
    }]})

    head: ParticipantIn
    members: list[MemberIn] = Field(default_factory=list, max_length=MAX_FAMILY_MEMBERS)


class EmployerIn(_In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "PT Sehat Sentosa", "sector": "SWASTA", "kabkota_code": "31.71", "npwp": "012345678901000",
        "address": "Jl. Sudirman 1", "registered_on": "2014-01-02"}]})

    name: str = Field(min_length=1, max_length=160)
    sector: Literal["GOVERNMENT", "BUMN", "BUMD", "SWASTA", "OTHER"]
    kabkota_code: str = Field(pattern=r"^\d{2}\.\d{2}$")
    npwp: str | None = Field(None, pattern=r"^\d{15,16}$")
    address: str | None = Field(None, max_length=240)
    email: str | None = Field(None, max_length=120)
    phone: str | None = Field(None, max_length=40)
    registered_on: JknDate | None = None


class EmployerUpdate(_In):
    version: Positive = Field(description="the version you read (optimistic lock)")
    name: str | None = Field(None, min_length=1, max_length=160)
    address: str | None = Field(None, max_length=240)
    email: str | None = Field(None, max_length=120)
    phone: str | None = Field(None, max_length=40)
    status: Literal["ACTIVE", "INACTIVE"] | None = None


ChangeKind = Literal[
    "CARD_LOST", "CARD_DAMAGED", "FKTP", "ADDRESS", "EMPLOYER", "WAGE", "PENSION", "GRADE", "SEGMENT", "MARRIAGE",
    "BIRTH", "ADD_MEMBER", "CHILD_REPLACEMENT", "DEATH", "DIVORCE", "CORRECTION", "EDUCATION", "CONTINUE_MEMBER",
    "CARE_CLASS", "LEAVER",
]


class ChangeIn(_In):
    """A reported data change (Formulir Perubahan Data Peserta, FPDP)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"kind": "FKTP", "effective_date": "2014-07-01", "version": 1, "fktp_code": "0101P002",
         "documents_shown": ["FPDP", "CARD"]},
        {"kind": "GRADE", "effective_date": "2014-10-01", "version": 3, "grade": "III/a",
         "documents_shown": ["FPDP", "CARD", "SK_GRADE"]},
    ]})

    kind: ChangeKind
    effective_date: JknDate
    recorded_on: JknDate | None = Field(None, description="date the office received the form; default today")
    version: Positive | None = Field(None, description="version of the participant you read (or send If-Match)")
    documents_shown: list[str] = Field(default_factory=list)
    reason: str | None = Field(None, max_length=200)
    # change-specific fields
    fktp_code: str | None = Field(None, max_length=12)
    address: str | None = Field(None, max_length=240)
    kabkota_code: str | None = Field(None, pattern=r"^\d{2}\.\d{2}$")
    employer_code: str | None = None
    wage: Rupiah | None = None
    pension: Rupiah | None = Field(None, description="PENSION: the state pensioner's monthly pension")
    grade: str | None = Field(None, max_length=60)
    segment: Segment | None = None
    care_class: Literal["I", "II", "III"] | None = Field(None, description="SEGMENT, CARE_CLASS: class paid for; "
                                                       "CONTINUE_MEMBER: class of the member's own contribution")
    member: MemberIn | None = Field(None, description="MARRIAGE, BIRTH, ADD_MEMBER, CHILD_REPLACEMENT: the new member")
    replaced_card_number: str | None = Field(None, description="CHILD_REPLACEMENT: card of the child who leaves")
    replaced_reason: Literal["MARRIED", "HAS_INCOME", "DECEASED", "AGED_OUT"] | None = None
    education_until: EducationEnd | None = Field(None, description="EDUCATION: end date of formal education on the "
                                            "school's letter (a child of a wage earner, 21-25)")
    name: str | None = Field(None, min_length=1, max_length=120, description="CORRECTION / CARD_DAMAGED (data salah)")
    birth_date: LifeDate | None = None
    sex: Literal["L", "P"] | None = None

    @field_validator("documents_shown")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        return [c.strip().upper() for c in v if c.strip()]


class PaymentIn(_In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reference": "BNI-20140812-000123", "payer_code": "F12", "amount": 85000, "paid_on": "2014-08-12",
        "channel": "bank"}]})

    reference: str = Field(min_length=1, max_length=64, description="idempotency key: the bank's transaction reference")
    payer_code: str | None = Field(None, description="payer account (E<employer>, F<family>, G-PBI ...)")
    card_number: str | None = Field(None, description="or: any participant of the paying family")
    employer_code: str | None = Field(None, description="or: the employer")
    amount: PositiveRupiah
    paid_on: JknDate
    channel: str | None = Field(None, max_length=40)
