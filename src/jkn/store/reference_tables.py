"""Tables mirroring the shipped work-area reference data (Perdir 19/2017, Lampiran).

They are filled from ``jkn.reference`` on every start (see ``jkn.store.reference_sync``) so
participants, facilities and complaints can join to their branch in SQL.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from jkn.store.base import Base


class DeputyRegionRow(Base):
    __tablename__ = "deputy_region"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    klass: Mapped[str] = mapped_column(String(8))


class BranchRow(Base):
    __tablename__ = "branch"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    klass: Mapped[str] = mapped_column(String(8))
    deputy_region_code: Mapped[str] = mapped_column(ForeignKey("deputy_region.code"), index=True)
    seat_kabkota_code: Mapped[str | None] = mapped_column(String(5))


class KabKotaRow(Base):
    __tablename__ = "kabkota"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    jenis: Mapped[str] = mapped_column(String(10))
    province_code: Mapped[str] = mapped_column(String(2))
    province: Mapped[str] = mapped_column(String(80))
    branch_code: Mapped[str] = mapped_column(ForeignKey("branch.code"), index=True)
    district_office_class: Mapped[str | None] = mapped_column(String(8))


class MetaRow(Base):
    """Key/value facts about the database itself (e.g. the fingerprint of loaded reference data)."""

    __tablename__ = "jkn_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))
