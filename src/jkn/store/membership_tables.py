"""Membership registry: employers, families, participants, cards, documents, audit history.

Guide (seed 001): PESERTA JAMINAN KESEHATAN (segments), ANGGOTA KELUARGA YANG DITANGGUNG
(families), PENDAFTARAN (registration and the documents shown), PERUBAHAN DATA KEPESERTAAN
(data changes). Migration 0003.

Conventions: money is integer rupiah (BigInteger); dates are Asia/Jakarta calendar dates;
``version`` columns are optimistic locks (SQLAlchemy ``version_id_col``): an UPDATE carries
``WHERE version = :seen`` and a concurrent edit fails instead of being lost.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jkn.domain.timestamps import utcnow
from jkn.store.base import Base


class EmployerRow(Base):
    """A Pemberi Kerja / Badan Usaha (PENDAFTARAN I; glossary "employer").

    ``sector`` is GOVERNMENT, BUMN, BUMD, SWASTA or OTHER; it is informative — the rate an
    employee pays follows the employee's segment (IURAN §2-3)."""

    __tablename__ = "employer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # employer number, 8 digits
    name: Mapped[str] = mapped_column(String(160))
    sector: Mapped[str] = mapped_column(String(12))
    npwp: Mapped[str | None] = mapped_column(String(20))
    kabkota_code: Mapped[str] = mapped_column(ForeignKey("kabkota.code"), index=True)
    branch_code: Mapped[str] = mapped_column(ForeignKey("branch.code"), index=True)
    address: Mapped[str | None] = mapped_column(String(240))
    email: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    registered_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="ACTIVE")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class FamilyRow(Base):
    """A family as registered (Kartu Keluarga): the head is the participant whose
    ``relationship`` is HEAD; members carry their relationship to the head."""

    __tablename__ = "family"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kk_number: Mapped[str | None] = mapped_column(String(16), index=True)  # nomor Kartu Keluarga
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class ParticipantRow(Base):
    """A participant (Peserta). Read by eligibility (VClaim Peserta: noKartu=card_number,
    nik, nama=name, sex, tglLahir=birth_date, hakKelas=care_class, jenisPeserta=segment,
    provUmum=fktp_code, statusPeserta=status + coverage of ``payer_id``)."""

    __tablename__ = "participant"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    card_number: Mapped[str] = mapped_column(String(13), unique=True)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    sex: Mapped[str] = mapped_column(String(1))  # L / P
    birth_date: Mapped[dt.date] = mapped_column(Date)
    nationality: Mapped[str] = mapped_column(String(3), default="WNI")  # WNI or WNA
    stay_permit: Mapped[str | None] = mapped_column(String(40))  # KITAS/KITAP number for WNA
    work_started: Mapped[dt.date | None] = mapped_column(Date)  # WNA: first day of work in Indonesia
    marital_status: Mapped[str] = mapped_column(String(16), default="NEVER_MARRIED")
    address: Mapped[str | None] = mapped_column(String(240))
    kabkota_code: Mapped[str] = mapped_column(ForeignKey("kabkota.code"), index=True)
    branch_code: Mapped[str] = mapped_column(ForeignKey("branch.code"), index=True)
    segment: Mapped[str] = mapped_column(String(40), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    wage: Mapped[int | None] = mapped_column(BigInteger)
    # a state pensioner's monthly pension, the basis of the 5% from 2018-10 (A-R06); migration 0008a
    pension: Mapped[int | None] = mapped_column(BigInteger)
    grade: Mapped[str | None] = mapped_column(String(8))  # golongan/ruang, e.g. "III/a"
    rank: Mapped[str | None] = mapped_column(String(60))  # TNI/Polri rank name, if any
    care_class: Mapped[str] = mapped_column(String(3))  # I / II / III (hak kelas)
    fktp_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    fktp_since: Mapped[dt.date] = mapped_column(Date)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    relationship: Mapped[str] = mapped_column(String(20))  # HEAD or a domain Relationship
    # how the rules engine (jkn.rules.family.check_family) counts the member: HEAD, CORE (keluarga
    # inti), ADDITIONAL (keluarga tambahan, 1%), OTHER_RELATIVE (kerabat lain, flat), MEMBER (PBPU/BP)
    member_status: Mapped[str] = mapped_column(String(16), default="HEAD")
    in_school: Mapped[bool] = mapped_column(Boolean, default=False)
    education_until: Mapped[dt.date | None] = mapped_column(Date)  # end of formal education (school's letter)
    has_income: Mapped[bool] = mapped_column(Boolean, default=False)
    # last day member_status holds by age (a wage earner's child: jkn.rules.family.child_status_ends);
    # NULL: no limit. Migration 0006b.
    status_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payer.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="ACTIVE")  # ACTIVE/INACTIVE/DECEASED
    status_reason: Mapped[str | None] = mapped_column(String(120))
    tmt: Mapped[dt.date] = mapped_column(Date)  # terhitung mulai tanggal: start of cover
    # first day of cover: the later of tmt and the day the first contribution covering this person was
    # paid (PBI: tmt); NULL: registered, first contribution not yet paid (A-M18, A-M19). Migration 0006b.
    covered_from: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)  # last day of cover, if ended
    card_print: Mapped[int] = mapped_column(Integer, default=1)  # how many times the card was printed
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class CounterRow(Base):
    """Named counters: ``card:<branch>`` (card serial per branch: card number = branch code +
    9-digit serial + Luhn digit) and ``employer`` (employer numbers)."""

    __tablename__ = "counter"
    name: Mapped[str] = mapped_column(String(24), primary_key=True)
    next_value: Mapped[int] = mapped_column(BigInteger, default=1)


class CardIssueRow(Base):
    """Each print of a participant card: first issue and replacements (PERUBAHAN DATA §1)."""

    __tablename__ = "card_issue"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    print_number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(20))  # NEW / LOST / DAMAGED / DATA_CORRECTION
    issued_on: Mapped[dt.date] = mapped_column(Date)
    change_id: Mapped[int | None] = mapped_column(ForeignKey("data_change.id"))


class DataChangeRow(Base):
    """One registration or reported data change (FDIP / FPDP), with what the rules decided.

    ``effective_date`` is when the change takes effect in the world (valid time);
    ``recorded_on`` is the calendar day the office learned of it (the form's date: by default
    the day it was entered); ``recorded_at`` is the system clock, never changed."""

    __tablename__ = "data_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    effective_date: Mapped[dt.date] = mapped_column(Date)
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    request: Mapped[dict] = mapped_column(JSON)
    explanation: Mapped[list] = mapped_column(JSON)


class DocumentShownRow(Base):
    """A document of the rules' checklist and whether it was shown (menunjukkan/memperlihatkan)."""

    __tablename__ = "document_shown"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("data_change.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean)
    shown: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str | None] = mapped_column(Text)


class ParticipantHistoryRow(Base):
    """Audit history: who changed what of a participant, when, and the values before and after.

    ``before``/``after`` hold only the fields that changed (the whole record for a
    registration). Replaying rows with ``effective_date <= D`` and ``recorded_on <= K``
    gives the participant as valid on D and as known on K."""

    __tablename__ = "participant_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    change_id: Mapped[int] = mapped_column(ForeignKey("data_change.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    effective_date: Mapped[dt.date] = mapped_column(Date)
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (Index("ix_participant_history_participant_id_effective", "participant_id", "effective_date"),)


class BasisChangeRow(Base):
    """What a data change replaced of the values a bill is computed on — a participant's wage,
    pension, class and grade — from its effective date (assumption A-P12). The value in force on a day is
    the one before the first change effective after that day, else the one on record; typed columns,
    so a billing run picks it in plain SQL (migration 0009h)."""

    __tablename__ = "basis_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    change_id: Mapped[int] = mapped_column(ForeignKey("data_change.id"))
    effective_date: Mapped[dt.date] = mapped_column(Date)
    wage_before: Mapped[int | None] = mapped_column(BigInteger)
    pension_before: Mapped[int | None] = mapped_column(BigInteger)
    care_class_before: Mapped[str | None] = mapped_column(String(3))
    grade_before: Mapped[str | None] = mapped_column(String(8))
    rank_before: Mapped[str | None] = mapped_column(String(60))

    __table_args__ = (UniqueConstraint("participant_id", "change_id", name="uq_basis_change_participant_change"),
                      Index("ix_basis_change_participant_effective", "participant_id", "effective_date"))


class ImportBatchRow(Base):
    """A collective registration file that was imported (only successful imports are kept)."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    file_format: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    participants: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(80))
    change_id: Mapped[int | None] = mapped_column(ForeignKey("data_change.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
