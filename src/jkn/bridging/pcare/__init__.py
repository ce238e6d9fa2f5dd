"""P-Care (``/pcare-rest``, development alias ``/pcare-rest-dev``): the clinics' (FKTP) service,
signed as every BPJS service and with the facility's P-Care user in ``X-Authorization``; the
paths in :mod:`jkn.bridging.pcare.handlers` (peserta, references, kunjungan), ``registrations``
(pendaftaran), ``items`` (obat, tindakan), ``programmes`` (kelompok, MCU) and ``codes`` (BPJS's
code lists, spesialis); how a clinic connects: docs/pcare.md."""

from jkn.bridging.core.envelope import PCARE
from jkn.bridging.core.service import Service
from jkn.bridging.pcare import codes, items, programmes, registrations  # noqa: F401  (their paths join the router)
from jkn.bridging.pcare.common import router
from jkn.bridging.pcare.handlers import admit

SERVICE = Service("P-Care", ("/pcare-rest", "/pcare-rest-dev"), router, PCARE, admit, loop_writes=False)
