"""Health facilities (Faskes) — guide, "Fasilitas Kesehatan Bagi Peserta".

``level`` is FKTP (first level), FKRTL (referral level) or PENUNJANG (supporting: laboratory,
pharmacy, blood transfusion unit, optician — networked to a partner, not partners themselves).
``partnership`` is PARTNER (bekerjasama), NETWORK (jejaring of ``network_of``) or NON_PARTNER
(seen only in emergencies). Every facility belongs to a branch through its kab/kota.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from jkn.store.base import Base


class FacilityRow(Base):
    __tablename__ = "facility"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    level: Mapped[str] = mapped_column(String(10), index=True)
    facility_type: Mapped[str] = mapped_column(String(40))
    kabkota_code: Mapped[str] = mapped_column(ForeignKey("kabkota.code"), index=True)
    partnership: Mapped[str] = mapped_column(String(12))
    network_of: Mapped[str | None] = mapped_column(ForeignKey("facility.code"))
    address: Mapped[str | None] = mapped_column(String(240))
    phone: Mapped[str | None] = mapped_column(String(40))
