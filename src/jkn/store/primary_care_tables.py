"""The FKTP desk and P-Care (issue #14, migration 0008d): the registrations and queue numbers of a
clinic's day (P-Care ``pendaftaran``, Antrean FKTP, the participant's Mobile JKN), the drugs and
procedures of a visit (P-Care ``obat``, ``tindakan``), and the code lists BPJS gives P-Care
clients (kesadaran, prognosa, status pulang, alergi, DPHO, tindakan, spesialis ...), loaded by the
operator from BPJS's own lists (``jkn care pcare-reference load``), never made up here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column

from jkn.domain.timestamps import utcnow
from jkn.store.base import Base

#: a registration that still holds its place in the day's queue
WAITING = "status IN ('WAITING', 'CALLED')"


class PCareCodeRow(Base):
    """One entry of a BPJS P-Care code list, as BPJS publishes it (``kind`` e.g. ``kesadaran``,
    ``statuspulang-rj``, ``dpho``); ``parent`` ties a sub-specialty to its specialty, ``poli_code`` to the
    hospital clinic it is referred to (``kdPoliRujuk``)."""

    __tablename__ = "pcare_code"
    __table_args__ = (UniqueConstraint("kind", "code", name="uq_pcare_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    parent: Mapped[str | None] = mapped_column(String(20))
    poli_code: Mapped[str | None] = mapped_column(String(3))  # kdPoliRujuk of a sub-specialty
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FktpRegistrationRow(Base):
    """A participant registered at a clinic's poli on a day, with the day's queue number (``noUrut``):
    from P-Care ``pendaftaran``, Antrean FKTP ``antrean/add``, the participant's Mobile JKN or the desk."""

    __tablename__ = "fktp_registration"
    __table_args__ = (
        UniqueConstraint("facility_code", "registration_date", "queue_number", name="uq_fktp_registration_number"),
        Index("uq_fktp_registration_one_waiting", "facility_code", "registration_date", "poli_code", "participant_id",
              unique=True, postgresql_where=text(WAITING), sqlite_where=text(WAITING)),
        CheckConstraint("status IN ('WAITING', 'CALLED', 'SERVED', 'ABSENT', 'CANCELLED')",
                        name="ck_fktp_registration_status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    registration_date: Mapped[dt.date] = mapped_column(Date)
    poli_code: Mapped[str] = mapped_column(String(3))
    queue_seq: Mapped[int] = mapped_column(Integer)
    queue_number: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(12))  # PCARE, ANTREAN, MOBILE_JKN, DESK
    care_type: Mapped[str] = mapped_column(String(2), default="10")  # kdTkp 10 RJTP, 20 RITP, 50 promotif
    sick_visit: Mapped[bool] = mapped_column(Boolean, default=True)  # kunjSakit
    complaint: Mapped[str | None] = mapped_column(Text)
    vitals: Mapped[dict | None] = mapped_column(JSON)
    doctor_code: Mapped[str | None] = mapped_column(String(20))
    doctor_name: Mapped[str | None] = mapped_column(String(120))
    practice_hours: Mapped[str | None] = mapped_column(String(11))
    phone: Mapped[str | None] = mapped_column(String(20))
    mr_number: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="WAITING")
    called_at_ms: Mapped[int | None] = mapped_column(BigInteger)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VisitDrugRow(Base):
    """A drug given at a visit (P-Care ``obat/kunjungan``): a DPHO drug by code or another by name."""

    __tablename__ = "visit_drug"
    __table_args__ = (CheckConstraint("drug_code IS NOT NULL OR drug_name IS NOT NULL", name="ck_visit_drug_named"),
                      CheckConstraint("quantity > 0", name="ck_visit_drug_quantity"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # kdObatSK
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    drug_code: Mapped[str | None] = mapped_column(String(20))  # kdObat (DPHO)
    drug_name: Mapped[str | None] = mapped_column(String(200))  # nmObatNonDPHO
    compounded: Mapped[bool] = mapped_column(Boolean, default=False)  # racikan
    compound_code: Mapped[str | None] = mapped_column(String(10))  # kdRacikan
    signa1: Mapped[int | None] = mapped_column(Integer)
    signa2: Mapped[int | None] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)  # jmlObat
    requested: Mapped[int | None] = mapped_column(Integer)  # jmlPermintaan
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VisitProcedureRow(Base):
    """A procedure done at a visit (P-Care ``tindakan``): its code, the cost the clinic gives, notes."""

    __tablename__ = "visit_procedure"
    __table_args__ = (CheckConstraint("fee IS NULL OR fee >= 0", name="ck_visit_procedure_fee"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # kdTindakanSK
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    procedure_code: Mapped[str] = mapped_column(String(20))
    fee: Mapped[int | None] = mapped_column(BigInteger)  # biaya, whole rupiah, as the clinic gives it
    notes: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(String(40))  # hasil
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProlanisClubRow(Base):
    """A chronic-disease programme (Prolanis) club of an FKTP (P-Care ``kelompok/club``), as the clinic
    sets it up: its group (``kdProgram`` 01 diabetes, 02 hypertension), name, leader and dates."""

    __tablename__ = "prolanis_club"
    __table_args__ = (UniqueConstraint("facility_code", "name", name="uq_prolanis_club_name"),
                      CheckConstraint("group_code IN ('01', '02')", name="ck_prolanis_club_group"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # clubId
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    group_code: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(240))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    leader_name: Mapped[str | None] = mapped_column(String(120))
    leader_phone: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProlanisActivityRow(Base):
    """A club activity (P-Care ``kelompok/kegiatan``): exercise, education or both, on a day."""

    __tablename__ = "prolanis_activity"
    __table_args__ = (CheckConstraint("activity_code IN ('01', '10', '11')", name="ck_prolanis_activity_code"),
                      CheckConstraint("cost IS NULL OR cost >= 0", name="ck_prolanis_activity_cost"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # eduId
    club_id: Mapped[int] = mapped_column(ForeignKey("prolanis_club.id"), index=True)
    activity_date: Mapped[dt.date] = mapped_column(Date)
    activity_code: Mapped[str] = mapped_column(String(2))
    topic: Mapped[str | None] = mapped_column(Text)  # materi
    speaker: Mapped[str | None] = mapped_column(String(120))  # pembicara
    place: Mapped[str | None] = mapped_column(String(240))  # lokasi
    notes: Mapped[str | None] = mapped_column(Text)
    cost: Mapped[int | None] = mapped_column(BigInteger)  # biaya, whole rupiah, as the clinic gives it
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProlanisAttendanceRow(Base):
    """A participant at a club activity (P-Care ``kelompok/peserta``)."""

    __tablename__ = "prolanis_attendance"
    activity_id: Mapped[int] = mapped_column(ForeignKey("prolanis_activity.id"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VisitMcuRow(Base):
    """A medical check-up at a visit (P-Care ``MCU``): the results as the clinic sends them."""

    __tablename__ = "visit_mcu"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # kdMCU
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    service_date: Mapped[dt.date] = mapped_column(Date)
    results: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
