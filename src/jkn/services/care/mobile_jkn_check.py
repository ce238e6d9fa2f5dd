"""A conformance check of a hospital's Mobile JKN web service (issue #14): what a SIMRS developer
runs against the service they write before registering it (``jkn care mobilejkn check``). Each
web service of BPJS's catalogue ("Web Service RS untuk Mobile JKN") is called as Mobile JKN calls
it (:mod:`jkn.services.care.mobile_jkn_remote`), with valid input (answer 200 and every field the
catalogue lists, with its type) and invalid input (answer 201 "Gagal", which the catalogue gives
for every refusal). Each check passes, fails (with what was wrong) or is skipped (with why).

The valid calls need a real clinic, doctor, practice hours, day and patient of the hospital
(:class:`Sample`); the take is cancelled again and a second take checked in, so run it against a
development service with a test patient.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from jkn.i18n import Msg
from jkn.services.care.common import jakarta_today
from jkn.services.care.mobile_jkn_remote import FAILED, NEW_PATIENT, OK, Answer, Service, call, now_ms
from jkn.services.errors import DomainError

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"
_INT, _STR, _ANY = (int,), (str,), (int, str)
#: the fields of each answer and their JSON types (the catalogue's examples)
STATUS_FIELDS = {"namapoli": _STR, "namadokter": _STR, "totalantrean": _INT, "sisaantrean": _INT,
                 "antreanpanggil": _ANY, "sisakuotajkn": _INT, "kuotajkn": _INT, "sisakuotanonjkn": _INT,
                 "kuotanonjkn": _INT, "keterangan": _STR}
TAKE_FIELDS = {"nomorantrean": _STR, "angkaantrean": _INT, "kodebooking": _STR, "norm": _ANY, "namapoli": _STR,
               "namadokter": _STR, "estimasidilayani": _INT, "sisakuotajkn": _INT, "kuotajkn": _INT,
               "sisakuotanonjkn": _INT, "kuotanonjkn": _INT, "keterangan": _STR}
LEFT_FIELDS = {"nomorantrean": _STR, "namapoli": _STR, "namadokter": _STR, "sisaantrean": _INT,
               "antreanpanggil": _ANY, "waktutunggu": _INT, "keterangan": _STR}
OPERATION_FIELDS = {"kodebooking": _STR, "tanggaloperasi": _STR, "jenistindakan": _STR, "kodepoli": _STR,
                    "namapoli": _STR, "terlaksana": _INT, "nopeserta": _STR, "lastupdate": _INT}
PATIENT_OPERATION_FIELDS = {k: v for k, v in OPERATION_FIELDS.items() if k not in ("nopeserta", "lastupdate")}
NO_BOOKING = "JKNCEK-TIDAK-ADA"


@dataclass(frozen=True)
class Sample:
    """A clinic, a doctor's practice and a patient the hospital's service knows."""

    poli: str
    doctor: str
    hours: str  # "08:00-16:00"
    day: dt.date
    card: str
    nik: str
    referral: str
    visit_type: int = 1
    phone: str = ""
    mr_number: str = ""
    new_patient: dict | None = None  # an Info Pasien Baru body of a patient the hospital has no record of


@dataclass
class Check:
    name: str  # catalogue key mjkn.check.<name>
    status: str
    detail: Msg | str = ""


@dataclass
class _Run:
    service: Service
    sample: Sample
    token: str = ""
    checks: list[Check] = field(default_factory=list)

    def add(self, name: str, status: str, detail: Msg | str = "") -> None:
        self.checks.append(Check(name, status, detail))

    def send(self, name: str, body: Any = None, *, token: str | None = None, headers: dict | None = None) -> Answer:
        if headers is None:
            headers = {"x-token": self.token if token is None else token, "x-username": self.service.username}
        return call(self.service, name, headers={k: v for k, v in headers.items() if v}, body=body)

    def expect(self, check: str, name: str, body: Any = None, *, want: int | None = OK, fields: dict | None = None,
               listed: bool = False, **kwargs) -> Answer | None:
        """One call; passes when ``metadata.code`` is ``want`` (``None``: any code but 200, for the
        credentials, whose refusal code the catalogue does not give) and, for 200, the fields are there."""
        try:
            answer = self.send(name, body, **kwargs)
        except DomainError as exc:
            self.add(check, FAIL, Msg("mjkn.check.detail.unreachable", url=self.service.at(name),
                                      reason=str(exc.details.get("reason", exc.code))))
            return None
        if answer.code is None:
            self.add(check, FAIL, Msg("mjkn.check.detail.no_envelope", status=answer.http_status))
            return answer
        if (answer.code == OK) if want is None else (answer.code != want):
            self.add(check, FAIL, Msg("mjkn.check.detail.code", got=str(answer.code),
                                      want=want if want is not None else "≠ 200", message=answer.message))
            return answer
        wrong = _wrong_fields(answer.response, fields, listed) if fields else []
        if wrong:
            self.add(check, FAIL, Msg("mjkn.check.detail.fields", fields=", ".join(wrong)))
        else:
            self.add(check, PASS)
        return answer


def _wrong_fields(response: Any, fields: dict, listed: bool) -> list[str]:
    """Fields missing or of another JSON type (``list`` answers: in every item of ``response.list``)."""
    if listed:
        items = response.get("list") if isinstance(response, dict) else None
        if not isinstance(items, list):
            return ["response.list"]
    else:
        items = [response]
    wrong = []
    for item in items:
        for name, kinds in fields.items():
            value = item.get(name) if isinstance(item, dict) else None
            if name not in wrong and (value is None or isinstance(value, bool) or not isinstance(value, kinds)):
                wrong.append(name)
    return wrong


def _take_body(s: Sample, **changes) -> dict:
    body = {"nomorkartu": s.card, "nik": s.nik, "nohp": s.phone, "kodepoli": s.poli, "norm": s.mr_number,
            "tanggalperiksa": s.day.isoformat(), "kodedokter": int(s.doctor) if s.doctor.isdigit() else s.doctor,
            "jampraktek": s.hours, "jeniskunjungan": s.visit_type, "nomorreferensi": s.referral}
    return {**body, **changes}


def _token_checks(run: _Run) -> None:
    creds = {"x-username": run.service.username, "x-password": run.service.password}
    answer = run.expect("token_valid", "token", headers=creds, fields={"token": _STR})
    if answer is not None and answer.code == OK and isinstance(answer.response, dict):
        run.token = str(answer.response.get("token") or "")
    meta = answer.body.get("metadata") if answer is not None and isinstance(answer.body, dict) else None
    if isinstance(meta, dict) and isinstance(meta.get("code"), int) and isinstance(meta.get("message"), str):
        run.add("envelope", PASS)
    else:
        run.add("envelope", FAIL, Msg("mjkn.check.detail.envelope"))
    run.expect("token_wrong_password", "token", want=None,
               headers={**creds, "x-password": run.service.password + "-salah"})
    run.expect("token_missing", "token", want=None, headers={})


def _status_checks(run: _Run) -> None:
    s = run.sample
    body = {"kodepoli": s.poli, "kodedokter": _take_body(s)["kodedokter"], "tanggalperiksa": s.day.isoformat(),
            "jampraktek": s.hours}
    run.expect("status_no_token", "status", body, want=None, headers={"x-username": run.service.username})
    run.expect("status_bad_token", "status", body, want=None, token="jkn-token-tidak-sah")
    run.expect("status_valid", "status", body, fields=STATUS_FIELDS)
    run.expect("status_unknown_poli", "status", {**body, "kodepoli": "ZZZ"}, want=FAILED)
    run.expect("status_bad_date", "status", {**body, "tanggalperiksa": s.day.strftime("%d-%m-%Y")}, want=FAILED)


def _take(run: _Run, check: str) -> str:
    """Ambil Antrean with the sample (through Info Pasien Baru on 202); the booking code or ''."""
    answer = run.expect(check, "take", _take_body(run.sample), fields=TAKE_FIELDS)
    if answer is not None and answer.code == NEW_PATIENT:
        run.checks.pop()
        run.add(check, FAIL, Msg("mjkn.check.detail.new_patient_sample"))
    if answer is None or answer.code != OK or not isinstance(answer.response, dict):
        return ""
    return str(answer.response.get("kodebooking") or "")


def _queue_checks(run: _Run) -> None:
    s = run.sample
    booking = _take(run, "take_valid")
    run.expect("take_twice", "take", _take_body(s), want=FAILED)
    run.expect("take_bad_nik", "take", _take_body(s, nik="12345"), want=FAILED)
    run.expect("take_past_date", "take", _take_body(s, tanggalperiksa=(jakarta_today() - dt.timedelta(days=1))
                                                   .isoformat()), want=FAILED)
    if booking:
        run.expect("left_valid", "left", {"kodebooking": booking}, fields=LEFT_FIELDS)
    else:
        run.add("left_valid", SKIP, Msg("mjkn.check.detail.no_booking"))
    run.expect("left_unknown", "left", {"kodebooking": NO_BOOKING}, want=FAILED)
    run.expect("check_in_unknown", "check_in", {"kodebooking": NO_BOOKING, "waktu": now_ms()}, want=FAILED)
    if not booking:
        for name in ("cancel_valid", "cancel_twice", "check_in_cancelled", "check_in_valid"):
            run.add(name, SKIP, Msg("mjkn.check.detail.no_booking"))
        return
    reason = {"kodebooking": booking, "keterangan": "uji kesesuaian jkn"}
    run.expect("cancel_valid", "cancel", reason)
    run.expect("cancel_twice", "cancel", reason, want=FAILED)
    run.expect("check_in_cancelled", "check_in", {"kodebooking": booking, "waktu": now_ms()}, want=FAILED)
    if s.day != jakarta_today():
        run.add("check_in_valid", SKIP, Msg("mjkn.check.detail.not_today", day=s.day.isoformat()))
        return
    again = _take(run, "take_after_cancel")
    if again:
        run.expect("check_in_valid", "check_in", {"kodebooking": again, "waktu": now_ms()})
    else:
        run.add("check_in_valid", SKIP, Msg("mjkn.check.detail.no_booking"))


def _patient_checks(run: _Run) -> None:
    s = run.sample
    if s.new_patient:
        run.expect("new_patient_valid", "new_patient", s.new_patient, fields={"norm": _ANY})
    else:
        run.add("new_patient_valid", SKIP, Msg("mjkn.check.detail.no_new_patient"))
    run.expect("new_patient_bad_nik", "new_patient", {**(s.new_patient or {"nomorkartu": s.card}), "nik": "12345"},
               want=FAILED)
    start = s.day.isoformat()
    run.expect("operations_valid", "operations", {"tanggalawal": start,
                                                  "tanggalakhir": (s.day + dt.timedelta(days=7)).isoformat()},
               fields=OPERATION_FIELDS, listed=True)
    run.expect("operations_reversed", "operations", {"tanggalawal": start,
                                                     "tanggalakhir": (s.day - dt.timedelta(days=1)).isoformat()},
               want=FAILED)
    run.expect("patient_operations_valid", "patient_operations", {"nopeserta": s.card},
               fields=PATIENT_OPERATION_FIELDS, listed=True)
    run.expect("patient_operations_bad_card", "patient_operations", {"nopeserta": "123"}, want=FAILED)


STEPS: tuple[Callable[[_Run], None], ...] = (_token_checks, _status_checks, _queue_checks, _patient_checks)


def run(service: Service, sample: Sample) -> list[Check]:
    """Every check, in order; a service that gives no token fails every call that needs one."""
    state = _Run(service, sample)
    for step in STEPS:
        step(state)
    return state.checks
