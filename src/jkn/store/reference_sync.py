"""Copy the shipped work-area dataset into the database when it differs from what is loaded.

The fingerprint of the loaded data is kept in ``jkn_meta`` so a start with unchanged data
writes nothing; rows are upserted so existing references (participants, facilities) stay valid.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jkn.reference.workareas import load_workareas
from jkn.services.unit_of_work import unit_of_work
from jkn.store.reference_tables import BranchRow, DeputyRegionRow, KabKotaRow, MetaRow

FINGERPRINT_KEY = "reference.workareas.sha256"


def _fingerprint(workareas) -> str:
    payload = json.dumps(
        [
            [asdict(x) for x in workareas.deputy_regions.values()],
            [asdict(x) for x in workareas.branches.values()],
            [asdict(x) for x in workareas.kabkota.values()],
        ],
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def sync_reference(engine: Engine) -> bool:
    """Load reference rows if missing or changed; return True when something was written."""
    workareas = load_workareas()
    fingerprint = _fingerprint(workareas)
    with Session(engine) as session, unit_of_work(session):
        current = session.scalar(select(MetaRow.value).where(MetaRow.key == FINGERPRINT_KEY))
        if current == fingerprint:
            return False
        for d in workareas.deputy_regions.values():
            session.merge(DeputyRegionRow(code=d.code, name=d.name, klass=d.klass))
        session.flush()
        for b in workareas.branches.values():
            session.merge(
                BranchRow(
                    code=b.code,
                    name=b.name,
                    klass=b.klass,
                    deputy_region_code=b.deputy_region_code,
                    seat_kabkota_code=b.seat_kabkota_code or None,
                )
            )
        session.flush()
        for k in workareas.kabkota.values():
            session.merge(
                KabKotaRow(
                    code=k.code,
                    name=k.name,
                    jenis=k.jenis,
                    province_code=k.province_code,
                    province=k.province,
                    branch_code=k.branch_code,
                    district_office_class=k.district_office_class or None,
                )
            )
        session.merge(MetaRow(key=FINGERPRINT_KEY, value=fingerprint))
    return True
