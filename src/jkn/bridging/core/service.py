"""One BPJS bridging service as the core serves it: its base paths (production first, then the
development aliases, shared/docs/vclaim-protocol.md "The other BPJS Kesehatan services"), its
service paths and its envelope conventions."""

from __future__ import annotations

from dataclasses import dataclass

from jkn.bridging.core.envelope import Conventions
from jkn.bridging.core.protocol import Router


@dataclass(frozen=True)
class Service:
    name: str
    prefixes: tuple[str, ...]  # lower case, leading "/", no trailing "/": "/vclaim-rest", "/vclaim-rest-dev"
    router: Router
    conventions: Conventions
    user_key: str = "required"  # or "if sent": checked only when the client sends one (Aplicares)
