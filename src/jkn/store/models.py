"""Every table of the application, imported in one place for Alembic and tests.

Each area keeps its tables in ``<area>_tables.py`` and adds one import line here.
"""

from jkn.store import (
    bank_tables,  # noqa: F401  (issue #15: banks host-to-host, payment reversals)
    bed_tables,  # noqa: F401  (issue #13: beds hospitals report through Aplicares)
    billing_tables,  # noqa: F401  (issue #4: payers, bills, payments)
    care_tables,  # noqa: F401  (issue #5: staff, consumers, visits, referrals, SEP, emergencies)
    membership_tables,  # noqa: F401  (issue #4: employers, families, participants, history)
    pcare_tables,  # noqa: F401  (issue #14: P-Care users)
    portal_tables,  # noqa: F401  (issue #6: accounts, login attempts, audit, complaints)
    primary_care_tables,  # noqa: F401  (issue #14: FKTP registrations, visit drugs and procedures, P-Care codes)
    queue_tables,  # noqa: F401  (issue #14: doctors' schedules, hospital queues, task times)
    request_tables,  # noqa: F401  (issue #15: participants' change requests, uploads, one-time codes)
)
from jkn.store.base import Base
from jkn.store.facility_tables import FacilityRow
from jkn.store.reference_tables import BranchRow, DeputyRegionRow, KabKotaRow, MetaRow

__all__ = ["Base", "BranchRow", "DeputyRegionRow", "FacilityRow", "KabKotaRow", "MetaRow"]
