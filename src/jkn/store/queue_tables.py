"""Hospital queues as BPJS's Antrean RS keeps them (issue #14, migration 0007g): the doctors'
practice schedules a hospital gives (HFIS ``jadwaldokter``), the queue entries its SIMRS adds
(``antrean/add``) and the task times it sends (``antrean/updatewaktu``, task ids 1-7).

Every value is the hospital's: schedules, queue numbers, estimates and quotas are stored as
sent, never made up here (docs/antrean.md). Dates are Asia/Jakarta calendar dates; task times
are the client's Unix milliseconds.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column

from jkn.domain.timestamps import utcnow
from jkn.store.base import Base

#: one queue entry that is neither cancelled nor served per participant, hospital, day and clinic
ACTIVE = "status = 'ACTIVE'"


class DoctorScheduleRow(Base):
    """One practice window of a doctor at a clinic on a day of the week (1 Monday … 7 Sunday,
    8 national holidays), as the hospital sets it (``jadwaldokter/updatejadwaldokter`` or the CLI)."""

    __tablename__ = "doctor_schedule"
    __table_args__ = (
        UniqueConstraint("facility_code", "poli_code", "subspecialist_code", "doctor_code", "weekday", "opens",
                         name="uq_doctor_schedule_window"),
        CheckConstraint("weekday BETWEEN 1 AND 8", name="ck_doctor_schedule_weekday"),
        CheckConstraint("opens < closes", name="ck_doctor_schedule_hours"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="ck_doctor_schedule_capacity"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    poli_code: Mapped[str] = mapped_column(String(3))
    subspecialist_code: Mapped[str] = mapped_column(String(8))
    doctor_code: Mapped[str] = mapped_column(String(20))
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    closes: Mapped[str] = mapped_column(String(5))
    capacity: Mapped[int | None] = mapped_column(Integer)  # kapasitaspasien, when the hospital gave it
    closed: Mapped[bool] = mapped_column(Boolean, default=False)  # libur
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HospitalQueueRow(Base):
    """A queue entry (``antrean/add``) with the hospital's booking code, number and estimate."""

    __tablename__ = "hospital_queue"
    __table_args__ = (
        UniqueConstraint("facility_code", "booking_code", name="uq_hospital_queue_booking"),
        UniqueConstraint("facility_code", "service_date", "poli_code", "doctor_code", "queue_number",
                         name="uq_hospital_queue_number"),
        Index("uq_hospital_queue_one_active", "facility_code", "service_date", "poli_code", "nik", unique=True,
              postgresql_where=text(ACTIVE), sqlite_where=text(ACTIVE)),
        CheckConstraint("status IN ('ACTIVE', 'DONE', 'CANCELLED')", name="ck_hospital_queue_status"),
        CheckConstraint("visit_type BETWEEN 1 AND 4", name="ck_hospital_queue_visit_type"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    booking_code: Mapped[str] = mapped_column(String(40))
    jkn: Mapped[bool] = mapped_column(Boolean)  # jenispasien JKN / NON JKN
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    card_number: Mapped[str | None] = mapped_column(String(13))
    nik: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(20))
    poli_code: Mapped[str] = mapped_column(String(8))
    poli_name: Mapped[str | None] = mapped_column(String(120))
    new_patient: Mapped[bool] = mapped_column(Boolean)
    mr_number: Mapped[str | None] = mapped_column(String(40))
    service_date: Mapped[dt.date] = mapped_column(Date, index=True)
    doctor_code: Mapped[str] = mapped_column(String(20))
    doctor_name: Mapped[str | None] = mapped_column(String(120))
    practice_hours: Mapped[str] = mapped_column(String(11))  # "08:00-16:00"
    visit_type: Mapped[int] = mapped_column(Integer)  # 1 FKTP referral, 2 internal, 3 control, 4 between hospitals
    reference_number: Mapped[str | None] = mapped_column(String(40))
    queue_number: Mapped[str] = mapped_column(String(20))
    queue_seq: Mapped[int] = mapped_column(Integer)
    estimated_ms: Mapped[int] = mapped_column(BigInteger)
    quota_jkn: Mapped[int | None] = mapped_column(Integer)
    quota_jkn_left: Mapped[int | None] = mapped_column(Integer)
    quota_non_jkn: Mapped[int | None] = mapped_column(Integer)
    quota_non_jkn_left: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(40))  # sumberdata
    status: Mapped[str] = mapped_column(String(10), default="ACTIVE")
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    prescription_type: Mapped[str | None] = mapped_column(String(20))  # jenisresep
    pharmacy_number: Mapped[int | None] = mapped_column(Integer)
    pharmacy_notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the participant checked in from Mobile JKN (migration 0009b); the hospital's own service, when
    # it runs one, was told first (jkn.services.care.mobile_jkn)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class QueueTaskRow(Base):
    """One task time of a queue entry: as the hospital sent it (``at_ms``) and as received."""

    __tablename__ = "hospital_queue_task"
    __table_args__ = (CheckConstraint("task_id BETWEEN 1 AND 7 OR task_id = 99", name="ck_hospital_queue_task_id"),)
    queue_id: Mapped[int] = mapped_column(ForeignKey("hospital_queue.id"), primary_key=True)
    task_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at_ms: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MobileJknServiceRow(Base):
    """The web service a hospital runs for Mobile JKN (the hospital side of Antrean RS, migration
    0009b): its base URL and the user and password it gave BPJS ("User dan password yang diberikan
    ke BPJS Kesehatan untuk mengakses WS yang dibuat oleh RS"). The password is kept sealed
    (AES-GCM under ``JKN_SECRET_KEY``), never in clear."""

    __tablename__ = "mobile_jkn_service"
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), primary_key=True)
    base_url: Mapped[str] = mapped_column(String(300))
    username: Mapped[str] = mapped_column(String(100))
    password_sealed: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
