"""The bridging answer envelope, one shape per BPJS service, and the codes we use.

Shapes (shared/docs/vclaim-protocol.md, "Responses" and "The other BPJS Kesehatan services"):

| service | key | ``code`` | v2 ``response`` |
|---|---|---|---|
| VClaim, Apotek | ``metaData`` | string ``"200"`` | encrypted |
| Antrean RS/FKTP | ``metadata`` | number ``200`` | encrypted |
| Aplicares | ``metadata`` | number ``200`` | plain |
| iCare, P-Care | ``metaData`` | number ``200`` | encrypted |

Errors carry ``response: null``; null answers are never encrypted.

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

from jkn.bridging.core.crypto import encrypt_response


@dataclass(frozen=True)
class Code:
    code: str  # metaData.code as VClaim sends it (a string; numeric services send int(code))
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


def _squash(service_path: str) -> str:
    return re.sub(r"/+", "/", service_path).strip("/").lower()


@dataclass(frozen=True)
class Conventions:
    """One service's envelope: the meta key, whether codes are numbers, whether a v2 consumer's
    ``response`` is sealed, and the paths whose answers stay plain even then."""

    name: str
    meta_key: str
    numeric_codes: bool
    seals: bool
    plain_paths: tuple[str, ...] = ()
    ok_code: str = OK.code  # the success code this service sends (Aplicares: "1")
    #: (our code, the service's code): how this service spells our error codes (Aplicares: "201" -> "0")
    code_map: tuple[tuple[str, str], ...] = ()

    def _meta(self, code: str, message: str, extra: dict | None = None) -> dict[str, Any]:
        code = dict(self.code_map).get(code, code)
        return {self.meta_key: {"code": int(code) if self.numeric_codes else code, "message": str(message),
                                **(extra or {})}}

    def ok(self, response: Any, message: str | None = None, meta: dict | None = None) -> dict[str, Any]:
        """A success envelope around ``response`` (not yet sealed); ``message`` and ``meta`` (more
        metadata keys, e.g. Aplicares' ``totalitems``) when the path says more than "OK"."""
        return {**self._meta(self.ok_code, message or OK.message, meta), "response": response}

    def error(self, code: str, message: str) -> dict[str, Any]:
        """An error envelope: ``code`` is a non-"200" string of digits, ``response`` is null."""
        if not isinstance(code, str) or not code.isascii() or not code.isdigit() or code in (OK.code, self.ok_code):
            raise ValueError(f"error code must be a non-success digit string, got {code!r}")
        return {**self._meta(code, message), "response": None}

    def is_plain_response(self, service_path: str) -> bool:
        """True if clients expect this path's ``response`` unsealed even in v2.0 (case and doubled or
        surrounding slashes ignored, as clients vary)."""
        return not self.seals or _squash(service_path) in self.plain_paths


#: Answers of SEP update/delete stay plain for v2.0 clients (protocol doc; bpjs-bridging's exclusion list).
VCLAIM = Conventions("VClaim", "metaData", numeric_codes=False, seals=True,
                     plain_paths=("sep/2.0/update", "sep/2.0/delete"))
ANTREAN = Conventions("Antrean", "metadata", numeric_codes=True, seals=True)
#: Aplicares answers success with code 1 and every refusal with code 0 (its catalogue; clients test
#: ``metadata.code == 1``; bpjs-bridging reads 0 as an error): docs/aplicares.md, assumption A-V30.
APLICARES = Conventions("Aplicares", "metadata", numeric_codes=True, seals=False, ok_code="1",
                        code_map=(("201", "0"), ("400", "0")))
ICARE = Conventions("iCare", "metaData", numeric_codes=True, seals=True)
PCARE = Conventions("P-Care", "metaData", numeric_codes=True, seals=True)


@dataclass(frozen=True)
class Answer:
    """What a handler returns when its success says more than "OK": the ``response``, the message
    (Aplicares: "Data berhasil disimpan.") and more metadata keys (``totalitems``)."""

    response: Any
    message: str | None = None
    meta: dict | None = None


def ok(response: Any, conventions: Conventions = VCLAIM) -> dict[str, Any]:
    return conventions.ok(response)


def error(code: str, message: str, conventions: Conventions = VCLAIM) -> dict[str, Any]:
    return conventions.error(code, message)


def http_status(code: str) -> int:
    """HTTP status to send with a metaData code (200 for codes not in the table)."""
    return next((c.http_status for c in CODES if c.code == code), 200)


def is_plain_response(service_path: str, conventions: Conventions = VCLAIM) -> bool:
    return conventions.is_plain_response(service_path)


def seal(envelope: dict[str, Any], service_path: str, cons_id: str, secret: str, timestamp: str,
         conventions: Conventions = VCLAIM) -> dict[str, Any]:
    """The v2.0 form of ``envelope``: ``response`` encrypted unless null or a plain path."""
    body = envelope.get("response")
    if body is None or conventions.is_plain_response(service_path):
        return envelope
    return {**envelope, "response": encrypt_response(body, cons_id, secret, timestamp)}
