"""BPJS Kesehatan's bridging protocols, served so unmodified SIMRS and clinic software can point at
``jkn`` (shared/docs/vclaim-protocol.md, docs/vclaim.md).

``core``: what every service shares — signatures, user keys, replay defence, AES/LZ-string sealing,
consumer scope, JSON bodies whatever the Content-Type, DELETE with a body, body limits, and each
service's envelope conventions; the ASGI front that answers bridging paths before the pages'
middleware. One thin adapter per service (``vclaim``, ``antrean``, ``pcare``, ``aplicares``, ``icare``) maps its
paths onto the same service use cases as REST and the pages.
"""

from __future__ import annotations

from typing import Callable

from jkn.bridging.antrean import SERVICE as ANTREAN
from jkn.bridging.antreanfktp import SERVICE as ANTREAN_FKTP
from jkn.bridging.core import settings
from jkn.bridging.core.dispatch import Front
from jkn.bridging.aplicares import SERVICE as APLICARES
from jkn.bridging.icare import SERVICE as ICARE
from jkn.bridging.pcare import SERVICE as PCARE
from jkn.bridging.vclaim import SERVICE as VCLAIM

SERVICES = (VCLAIM, ANTREAN, PCARE, ANTREAN_FKTP, APLICARES, ICARE)


def install(app, fast_paths: dict[str, Callable[[], object]] | None = None) -> None:
    """Answer the bridging services (and ``fast_paths``) in front of ``app``'s whole middleware stack;
    settings are read from the environment now (a malformed value stops the start). ``app.fronted``: the
    front's :meth:`Front.answers`, once the stack is built (:class:`jkn.api.app.App` sends those paths
    straight to the stack)."""
    app.state.bridging = settings.from_env()
    build = app.build_middleware_stack

    def stack():
        front = Front(build(), app, SERVICES, fast_paths)
        app.fronted = front.answers
        return front

    app.build_middleware_stack = stack
