"""Signed ``/h2h`` requests (docs/h2h.md "Signing").

``X-Signature`` = base64(HMAC-SHA256(key = the bank's secret, message = X-Timestamp + "\\n" + METHOD +
"\\n" + path + "\\n" + body)), the body byte for byte as sent (empty for a GET). The timestamp is Unix
epoch seconds and must be within ``max_skew`` seconds of the server's clock, as VClaim's
(shared/docs/vclaim-protocol.md); the signature covers the method and path, so a signed body cannot
be replayed on another operation, and every write is idempotent by the bank's reference, so a
request replayed inside the window answers as the first and posts nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

_TIMESTAMP = re.compile(r"[0-9]{1,15}")


class BadSignature(ValueError):
    """``stale`` / ``future`` only after the signature matched (told only to the secret's holder)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def sign(secret: str, timestamp: str | int, method: str, path: str, body: bytes = b"") -> str:
    message = f"{timestamp}\n{method.upper()}\n{path}\n".encode("utf-8") + body
    return base64.b64encode(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()).decode("ascii")


def verify(secret: str, timestamp: str, signature: str, method: str, path: str, body: bytes, *,
           now: float, max_skew: int) -> None:
    if not _TIMESTAMP.fullmatch(timestamp or ""):
        raise BadSignature("malformed", "X-Timestamp must be Unix epoch seconds as a decimal string")
    expected = sign(secret, timestamp, method, path, body).encode("ascii")
    if not hmac.compare_digest(expected, (signature or "").encode("utf-8")):
        raise BadSignature("bad signature", "X-Signature does not match the request")
    drift = int(timestamp) - now
    if drift < -max_skew:
        raise BadSignature("stale", f"X-Timestamp is more than {max_skew} seconds old")
    if drift > max_skew:
        raise BadSignature("future", f"X-Timestamp is more than {max_skew} seconds ahead of the server's clock")
