"""VClaim request signatures and v2.0 response encryption.

Implements the "Requests" and "Responses" sections of shared/docs/vclaim-protocol.md:

* ``X-signature`` = base64(HMAC-SHA256(key=secret, msg="{consid}&{timestamp}")).
* v2.0 ``response`` = base64(AES-256-CBC/PKCS#7(lzstring.compressToEncodedURIComponent(
  json.dumps(payload, ensure_ascii=True)))) with key = SHA-256(consid + secret + timestamp)
  and IV = the first 16 bytes of that key. The timestamp is the one the client sent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from datetime import datetime
from typing import Any

import lzstring
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_TIMESTAMP = re.compile(r"[0-9]{1,15}")  # ASCII digits only: no sign, dot or spaces


class SignatureError(ValueError):
    """A request's X-timestamp/X-signature pair was rejected.

    ``reason`` is one of ``"malformed timestamp"``, ``"bad signature"``, ``"stale"``,
    ``"future"``; ``str(err)`` is a human message safe to return to the caller.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def hmac_b64(secret: str, message: str) -> str:
    """base64(HMAC-SHA256(key=secret, msg=message)), both UTF-8 encoded."""
    digest = hmac.digest(secret.encode("utf-8"), message.encode("utf-8"), "sha256")  # one-shot: 2 µs, not 5
    return base64.b64encode(digest).decode("ascii")


def signature(cons_id: str, secret: str, timestamp: str | int) -> str:
    """The ``X-signature`` a client sends for ``cons_id`` at ``timestamp`` (epoch seconds)."""
    return hmac_b64(secret, f"{cons_id}&{timestamp}")


def verify(
    cons_id: str,
    secret: str,
    timestamp: str,
    sig: str,
    now: float | datetime,
    max_skew_seconds: int = 300,
) -> None:
    """Accept a request's signature or raise :class:`SignatureError`.

    Checks, in order: ``timestamp`` is a plain decimal epoch-seconds string; ``sig``
    matches (constant-time); ``|now - timestamp| <= max_skew_seconds``. The clock is
    checked only after the signature, so "stale"/"future" is told only to a caller
    who holds the secret. ``now`` is epoch seconds or an aware datetime.
    """
    if not isinstance(timestamp, str) or not _TIMESTAMP.fullmatch(timestamp):
        raise SignatureError(
            "malformed timestamp",
            "X-timestamp must be Unix epoch seconds (UTC) as a decimal string",
        )
    expected = signature(cons_id, secret, timestamp).encode("ascii")
    given = sig.encode("utf-8") if isinstance(sig, str) else b""
    if not hmac.compare_digest(expected, given):
        raise SignatureError(
            "bad signature", "X-signature does not match X-cons-id and X-timestamp"
        )
    now_s = now.timestamp() if isinstance(now, datetime) else float(now)
    drift = int(timestamp) - now_s
    if drift < -max_skew_seconds:
        raise SignatureError(
            "stale", f"X-timestamp is {int(-drift)} s old (more than {max_skew_seconds} s)"
        )
    if drift > max_skew_seconds:
        hint = " (milliseconds sent instead of seconds?)" if int(timestamp) > now_s * 100 else ""
        raise SignatureError(
            "future",
            f"X-timestamp is {int(drift)} s ahead (more than {max_skew_seconds} s){hint}",
        )


def answer_key(cons_id: str, secret: str, timestamp: str | int) -> bytes:
    """The AES-256 key of a v2.0 answer: SHA-256(consid + secret + timestamp); its first 16 bytes are the IV."""
    return hashlib.sha256(f"{cons_id}{secret}{timestamp}".encode("utf-8")).digest()


def _key_iv(cons_id: str, secret: str, timestamp: str | int) -> tuple[bytes, bytes]:
    key = answer_key(cons_id, secret, timestamp)
    return key, key[:16]


def encrypt_response(payload: Any, cons_id: str, secret: str, timestamp: str | int) -> str:
    """Encrypt a v2.0 ``response`` value (steps 1-4 of the protocol doc).

    ``timestamp`` must be the client's ``X-timestamp`` exactly as sent. A ``None``
    payload is refused: null responses stay plain.
    """
    if payload is None:
        raise ValueError("null responses are sent plain, not encrypted")
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    compressed = lzstring.LZString.compressToEncodedURIComponent(text).encode("ascii")
    padder = padding.PKCS7(128).padder()
    plain = padder.update(compressed) + padder.finalize()
    key, iv = _key_iv(cons_id, secret, timestamp)
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode("ascii")


def decrypt_response(ciphertext: str, cons_id: str, secret: str, timestamp: str | int) -> Any:
    """Inverse of :func:`encrypt_response`, strict about base64 and PKCS#7 padding.

    For our own tests and tools; raises ``ValueError`` on any malformed input.
    """
    try:
        raw = base64.b64decode(ciphertext, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"response is not base64: {exc}") from None
    if not raw or len(raw) % 16:
        raise ValueError("ciphertext length is not a positive multiple of 16")
    key, iv = _key_iv(cons_id, secret, timestamp)
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    padded = dec.update(raw) + dec.finalize()
    plain = unpadder.update(padded) + unpadder.finalize()  # ValueError on bad padding
    try:
        text = lzstring.LZString.decompressFromEncodedURIComponent(plain.decode("ascii"))
    except (UnicodeDecodeError, KeyError, IndexError):
        text = None
    if not text:
        raise ValueError("decrypted data is not an LZ-string (wrong key or timestamp?)")
    return json.loads(text)
