"""Calling a hospital's own Mobile JKN web service (issue #14), as Mobile JKN does: the hospital
side of Antrean RS in BPJS's catalogue ("Web Service RS untuk Mobile JKN"): a token with
``x-username``/``x-password`` (GET), then every call a POST of JSON with ``x-token`` and
``x-username``; answers ``{"response": …, "metadata": {"code", "message"}}`` with code 200
"Sukses", 201 "Gagal" and, for Ambil Antrean, 202 "Pasien Baru" (then Info Pasien Baru is sent).

The catalogue leaves each URL to the hospital ("RS mengirimkan url masing-masing ws"); jkn takes
one base URL and the path names of SIMRS Khanza's ``webapps/api-bpjsfktl`` (assumption A-Q15).
Transport failures, timeouts and answers that are not the envelope raise :class:`Unreachable`;
a refusal raises :class:`HospitalRefused` with the hospital's own message. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx

from jkn.i18n import Msg
from jkn.services.errors import DomainError

#: the path of each web service under the hospital's base URL (SIMRS Khanza api-bpjsfktl, A-Q15)
PATHS = {"token": "auth", "status": "statusantrean", "take": "ambilantrean", "left": "sisaantrean",
         "cancel": "batalantrean", "check_in": "checkinantrean", "new_patient": "pasienbaru",
         "operations": "jadwaloperasirs", "patient_operations": "jadwaloperasipasien"}
TIMEOUT = httpx.Timeout(10.0, connect=5.0)  # seconds: a participant waits on the answer
OK, FAILED, NEW_PATIENT = 200, 201, 202


@dataclass(frozen=True)
class Service:
    """A hospital's service: base URL and the user and password it gave BPJS."""

    url: str
    username: str
    password: str
    hospital: str = ""

    def at(self, name: str) -> str:
        return f"{self.url.rstrip('/')}/{PATHS[name]}"


@dataclass(frozen=True)
class Answer:
    """One answer: the HTTP status, ``metadata.code`` (None when missing or not a number), its
    message, ``response`` and the whole JSON body."""

    http_status: int
    code: int | None
    message: str
    response: Any
    body: Any


class Unreachable(DomainError):
    """The hospital's service did not answer, timed out or answered outside the envelope."""

    status = 502
    kind = "mobile_jkn_unreachable"


class HospitalRefused(DomainError):
    """The hospital's service answered with a code other than 200: its message is shown as given."""

    status = 422
    kind = "mobile_jkn_refused"


def call(service: Service, name: str, *, headers: dict[str, str], body: Any = None) -> Answer:
    """One request as Mobile JKN sends it (GET for the token, else POST of JSON), read as the envelope."""
    url = service.at(name)
    try:
        with httpx.Client(timeout=TIMEOUT) as http:
            if name == "token":
                raw = http.get(url, headers=headers)
            else:
                raw = http.post(url, headers=headers, json=body)
    except httpx.HTTPError as exc:
        raise Unreachable(Msg("error.mjkn.remote_unreachable", hospital=service.hospital or url,
                              reason=type(exc).__name__), reason=type(exc).__name__) from None
    try:
        data = raw.json()
    except ValueError:
        raise Unreachable(Msg("error.mjkn.remote_not_json", hospital=service.hospital or url,
                              status=raw.status_code), reason=f"HTTP {raw.status_code}") from None
    meta = data.get("metadata") if isinstance(data, dict) else None
    code = meta.get("code") if isinstance(meta, dict) else None
    try:
        code = int(code) if code is not None and not isinstance(code, bool) else None
    except (TypeError, ValueError):
        code = None
    message = str(meta.get("message", "")) if isinstance(meta, dict) else ""
    return Answer(raw.status_code, code, message, data.get("response") if isinstance(data, dict) else None, data)


def token(service: Service) -> str:
    """A token from the hospital's service (``x-username``, ``x-password``)."""
    answer = call(service, "token", headers={"x-username": service.username, "x-password": service.password})
    value = answer.response.get("token") if isinstance(answer.response, dict) else None
    if answer.code != OK or not value:
        raise _refused(service, answer)
    return str(value)


def ask(service: Service, name: str, body: dict, *, accept: tuple[int, ...] = (OK,)) -> Answer:
    """A token, then one service with it; an answer whose code is not in ``accept`` is refused."""
    answer = call(service, name, headers={"x-token": token(service), "x-username": service.username}, body=body)
    if answer.code not in accept:
        raise _refused(service, answer)
    return answer


def _refused(service: Service, answer: Answer) -> DomainError:
    if answer.code is None:
        return Unreachable(Msg("error.mjkn.remote_not_json", hospital=service.hospital or service.url,
                               status=answer.http_status))
    return HospitalRefused(Msg("error.mjkn.remote_refused", hospital=service.hospital or service.url,
                               message=answer.message or str(answer.code)), code=f"mobile_jkn_{answer.code}")


def now_ms() -> int:
    return int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000)
