"""iCare (``/wsihs``, development alias ``/ihs_dev``): ``api/rs/validate`` and ``api/pcare/validate``
answer a short-lived link to a participant's service history for the treating doctor —
:mod:`jkn.bridging.icare.handlers` over :mod:`jkn.services.care.icare`; docs/icare.md."""

from jkn.bridging.core.envelope import ICARE
from jkn.bridging.core.service import Service
from jkn.bridging.icare.handlers import router

SERVICE = Service("iCare", ("/wsihs", "/ihs_dev"), router, ICARE)
