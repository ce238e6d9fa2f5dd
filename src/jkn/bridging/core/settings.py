"""Settings of the ``/vclaim-rest`` bridge, read from the environment once at start-up
(docs/vclaim.md "Settings"; the limits: assumption A-C18). A malformed value stops the server
rather than being ignored."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    max_skew: int = 300  # JKN_VCLAIM_MAX_SKEW: seconds X-timestamp may differ from the server clock
    max_body: int = 65_536  # JKN_VCLAIM_MAX_BODY: bytes of a request body
    max_depth: int = 32  # JKN_VCLAIM_MAX_DEPTH: nesting levels of a JSON body

    @property
    def keep_requests(self) -> int:
        """Seconds a write request is remembered (A-C16): an X-timestamp is accepted up to
        ``max_skew`` either side of the clock, so a header stays usable for twice that."""
        return 2 * self.max_skew + 60


def _whole(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}")
    return value


def from_env() -> Settings:
    return Settings(max_skew=_whole("JKN_VCLAIM_MAX_SKEW", Settings.max_skew, 0),
                    max_body=_whole("JKN_VCLAIM_MAX_BODY", Settings.max_body, 1024),
                    max_depth=_whole("JKN_VCLAIM_MAX_DEPTH", Settings.max_depth, 4))
