"""P-Care users (issue #14, migration 0007h): the user name, password and application code a
clinic's system sends in ``X-Authorization: Basic base64(user:password:kdAplikasi)`` beside the
BPJS signature (docs/pcare.md). The password is kept only as an argon2 hash."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jkn.domain.timestamps import utcnow
from jkn.store.base import Base


class PCareUserRow(Base):
    __tablename__ = "pcare_user"
    __table_args__ = (UniqueConstraint("facility_code", "username", name="uq_pcare_user_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    username: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    app_code: Mapped[str] = mapped_column(String(10))  # kdAplikasi, as BPJS gave it to the clinic
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
