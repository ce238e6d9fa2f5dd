"""Aplicares (``/aplicaresws``): a hospital's bed availability per class — the paths in
:mod:`jkn.bridging.aplicares.handlers`, over :mod:`jkn.services.care.beds`; docs/aplicares.md.
Its clients send no user key (bpjs-bridging's ``aplicare`` service): one is checked only when sent."""

from jkn.bridging.aplicares.handlers import router
from jkn.bridging.core.envelope import APLICARES
from jkn.bridging.core.service import Service

SERVICE = Service("Aplicares", ("/aplicaresws",), router, APLICARES, user_key="if sent")
