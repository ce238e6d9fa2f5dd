"""Antrean FKTP (``/antreanfktp``, development alias ``/antreanfktp_dev``): the clinic's queue as
BPJS's Antrean FKTP service keeps it (clinics and doctors of a date, add, call, cancel), signed
with the clinic's P-Care consumer and answered in Antrean's envelope (lowercase ``metadata``);
paths in :mod:`jkn.bridging.antreanfktp.handlers`, docs/pcare.md §4."""

from jkn.bridging.antreanfktp.handlers import admit, router
from jkn.bridging.core.envelope import ANTREAN
from jkn.bridging.core.service import Service

SERVICE = Service("Antrean FKTP", ("/antreanfktp", "/antreanfktp_dev"), router, ANTREAN, admit)
