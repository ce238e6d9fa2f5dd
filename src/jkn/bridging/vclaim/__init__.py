"""VClaim (``/vclaim-rest``, development alias ``/vclaim-rest-dev``): the service paths in
:mod:`jkn.bridging.vclaim.handlers`, :mod:`~jkn.bridging.vclaim.claims`, :mod:`~jkn.bridging.vclaim.internal`
and :mod:`~jkn.bridging.vclaim.practice`, answers shaped by :mod:`jkn.bridging.vclaim.shapes`; how to
configure a client: docs/vclaim.md."""

from jkn.bridging.core.envelope import VCLAIM
from jkn.bridging.core.service import Service
from jkn.bridging.vclaim import claims  # noqa: F401  (registers LPK, PRB, rujukan khusus on the router)
from jkn.bridging.vclaim import internal  # noqa: F401  (registers SEP/Internal before SEP/{noSep})
from jkn.bridging.vclaim import practice  # noqa: F401  (registers schedules, referral targets, accident SEPs)
from jkn.bridging.vclaim.handlers import router

SERVICE = Service("VClaim", ("/vclaim-rest", "/vclaim-rest-dev"), router, VCLAIM)
