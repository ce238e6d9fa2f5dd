"""The VClaim response envelope and the metaData codes we use.

Shape (shared/docs/vclaim-protocol.md, "Responses"):
``{"metaData": {"code": "200", "message": "OK"}, "response": ...}``; ``code`` is a
string, errors carry ``response: null``.

Codes. Real VClaim answers business outcomes with HTTP 200 and a metaData code:
"200" for success and "201" for "no data"/"rejected" (e.g. "Peserta tidak ditemukan",
"No.Kartu Tidak Sesuai", seen in third-party clients' tests and fixtures; BPJS publishes
no code table we could find). Bad credentials are refused by BPJS's gateway with an HTTP
4xx (a third-party client test expects 403) whose body is not documented; we choose the
envelope below with code "401". Unknown paths get "404" with HTTP 404 (the bpjs-bridging
client then reports "URL tidak ditemukan" whatever the body says, so never use HTTP 404
for "no such card"). See docs/vclaim-client-notes.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jkn.vclaim.crypto import encrypt_response


@dataclass(frozen=True)
class Code:
    code: str  # metaData.code as sent (a string)
    http_status: int  # HTTP status we send with it
    message: str  # default human message
    meaning: str


OK = Code("200", 200, "OK", "success")
NOT_FOUND = Code("201", 200, "Data tidak ditemukan", "no such card/SEP/referral (as VClaim)")
REJECTED = Code("201", 200, "Permintaan ditolak", "a business rule refused it (as VClaim)")
BAD_REQUEST = Code("400", 400, "Request tidak valid", "malformed body or path value (ours)")
UNAUTHORIZED = Code(
    "401", 401, "Unauthorized", "bad/missing X-cons-id, signature, timestamp or user_key (ours)"
)
UNKNOWN_PATH = Code("404", 404, "URL tidak ditemukan", "no such service path (ours)")
TOO_LARGE = Code("413", 413, "Request terlalu besar", "body over the size limit, refused unread (ours)")
INTERNAL = Code("500", 500, "Terjadi kesalahan pada server", "unexpected failure (ours)")

CODES: tuple[Code, ...] = (
    OK, NOT_FOUND, REJECTED, BAD_REQUEST, UNAUTHORIZED, UNKNOWN_PATH, TOO_LARGE, INTERNAL
)

# Answers that v2.0 clients do not decrypt (protocol doc; bpjs-bridging's exclusion list).
PLAIN_RESPONSE_PATHS = ("sep/2.0/update", "sep/2.0/delete")


def ok(response: Any) -> dict[str, Any]:
    """A success envelope around ``response`` (not yet encrypted)."""
    return {"metaData": {"code": OK.code, "message": OK.message}, "response": response}


def error(code: str, message: str) -> dict[str, Any]:
    """An error envelope: ``code`` is a non-"200" string of digits, ``response`` is null."""
    if not isinstance(code, str) or not code.isascii() or not code.isdigit() or code == OK.code:
        raise ValueError(f"error code must be a non-'200' digit string, got {code!r}")
    return {"metaData": {"code": code, "message": str(message)}, "response": None}


def http_status(code: str) -> int:
    """HTTP status to send with a metaData code (200 for codes not in the table)."""
    return next((c.http_status for c in CODES if c.code == code), 200)


def is_plain_response(service_path: str) -> bool:
    """True if clients expect this path's ``response`` unencrypted even in v2.0.

    ``service_path`` is the part after ``vclaim-rest/``; case and doubled or
    surrounding slashes are ignored, as clients vary.
    """
    squashed = re.sub(r"/+", "/", service_path).strip("/").lower()
    return squashed in PLAIN_RESPONSE_PATHS


def seal(
    envelope: dict[str, Any], service_path: str, cons_id: str, secret: str, timestamp: str
) -> dict[str, Any]:
    """The v2.0 form of ``envelope``: ``response`` encrypted unless null or a plain path."""
    body = envelope.get("response")
    if body is None or is_plain_response(service_path):
        return envelope
    return {**envelope, "response": encrypt_response(body, cons_id, secret, timestamp)}
