"""Beds a hospital reports (Aplicares, issue #13): one row per room and class, as the hospital's
SIMRS sends it through ``/aplicaresws`` (docs/aplicares.md). Migration 0007j.

Nothing here is estimated: capacity and free beds are the hospital's own figures, with the moment
they were last reported (``updated_at``, Aplicares' ``lastupdate``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jkn.domain.timestamps import utcnow
from jkn.store.base import Base


class BedRoomRow(Base):
    """One room of one class at a hospital: ``kodekelas`` (bed class), ``koderuang``, ``namaruang``,
    ``kapasitas``, ``tersedia`` and the free beds for men, women, and either."""

    __tablename__ = "bed_room"
    __table_args__ = (
        UniqueConstraint("facility_code", "class_code", "room_code", name="uq_bed_room_facility_class_room"),
        CheckConstraint("capacity >= 0 AND available >= 0 AND available <= capacity", name="ck_bed_room_available"),
        CheckConstraint("available_male >= 0 AND available_female >= 0 AND available_any >= 0 "
                        "AND available_male <= capacity AND available_female <= capacity "
                        "AND available_any <= capacity", name="ck_bed_room_by_sex"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    class_code: Mapped[str] = mapped_column(String(3))
    room_code: Mapped[str] = mapped_column(String(20))
    room_name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int] = mapped_column(Integer)
    available: Mapped[int] = mapped_column(Integer)
    available_male: Mapped[int] = mapped_column(Integer, default=0)
    available_female: Mapped[int] = mapped_column(Integer, default=0)
    available_any: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
