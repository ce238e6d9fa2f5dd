"""One BPJS bridging service as the core serves it: its base paths (production first, then the
development aliases, shared/docs/vclaim-protocol.md "The other BPJS Kesehatan services"), its
service paths, its envelope conventions and, where the service admits only some consumers
(a facility level, a second credential such as P-Care's ``X-Authorization``), the check that
admits them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from jkn.bridging.core.envelope import Conventions
from jkn.bridging.core.protocol import Router


@dataclass(frozen=True)
class Service:
    name: str
    prefixes: tuple[str, ...]  # lower case, leading "/", no trailing "/": "/vclaim-rest", "/vclaim-rest-dev"
    router: Router
    conventions: Conventions
    #: ``admit(sessions, headers, consumer)`` after the signature is checked: raises ProtocolError to refuse
    admit: Callable[[Any, Any, Any], None] | None = None
    user_key: str = "required"  # or "if sent": checked only when the client sends one (Aplicares)
    #: writes may run in the event loop (:mod:`jkn.bridging.core.async_write`): ``admit`` reads no database
    #: and does no slow work (P-Care's checks an argon2 password: its writes stay in worker threads)
    loop_writes: bool = True
