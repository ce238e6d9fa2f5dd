"""Antrean RS, BPJS side (``/antreanrs``, development alias ``/antreanrs_dev``): the service paths in
:mod:`jkn.bridging.antrean.handlers` over :mod:`jkn.services.care.queues`; how a SIMRS connects:
docs/antrean.md. Hospitals (FKRTL) only: the consumer a hospital was issued for VClaim signs here too."""

from jkn.bridging.antrean.handlers import admit, router
from jkn.bridging.core.envelope import ANTREAN
from jkn.bridging.core.service import Service

SERVICE = Service("Antrean RS", ("/antreanrs", "/antreanrs_dev"), router, ANTREAN, admit)
