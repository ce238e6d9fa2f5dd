"""The examination of a first-level visit as the clinic records it (P-Care ``kunjungan``; the
FKTP desk's visit form): clinic, doctor, level of consciousness and vital signs, up to three
ICD-10 diagnoses, therapy, prognosis, outcome (status pulang) and discharge date. Everything is
the clinic's data, kept as given; coded values are checked against BPJS's lists once loaded
(:mod:`jkn.services.care.pcare_codes`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.care import pcare_codes
from jkn.services.care.common import check_diagnosis, parse_date
from jkn.services.errors import Invalid
from jkn.store.care_tables import VisitRow

#: vital signs by P-Care's field names; whole numbers except weight, height, waist and temperature
VITALS = ("sistole", "diastole", "beratBadan", "tinggiBadan", "respRate", "heartRate", "lingkarPerut", "suhu")
WHOLE = {"sistole", "diastole", "respRate", "heartRate"}
MAX_VALUE = 1000  # a typing guard, not a clinical bound


def _vital(name: str, value) -> float | int | None:
    if value is None or str(value).strip() == "":
        return None
    label = Msg(f"fktp.vital.{name}")  # the form's label ("Sistole (mmHg)"), not P-Care's field name
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise Invalid(Msg("error.visit.vital_number", field=label), field=name) from None
    if not 0 <= number < MAX_VALUE:
        raise Invalid(Msg("error.visit.vital_range", field=label, high=MAX_VALUE), field=name)
    if name in WHOLE and number != int(number):
        raise Invalid(Msg("error.visit.vital_whole", field=label), field=name)
    return int(number) if number == int(number) else number


def check_exam(session: Session, exam: dict, day: dt.date) -> dict:
    """The VisitRow columns of an examination, checked; unknown keys are ignored."""
    vitals = {k: _vital(k, exam.get(k)) for k in VITALS}
    vitals["kdSadar"] = pcare_codes.check(session, "kesadaran", exam.get("kdSadar"), "kdSadar")
    vitals = {k: v for k, v in vitals.items() if v is not None}
    poli = pcare_codes.fktp_poli(session, exam.get("poli") or None, "kdPoli", required=False)
    care = "statuspulang-ri" if exam.get("care_type") == "RITP" else "statuspulang-rj"
    discharge = parse_date(exam.get("discharge_date") or None, "tglPulang", required=False)
    if discharge is not None and discharge < day:
        raise Invalid(Msg("error.visit.discharge_before_visit"), field="tglPulang")
    other = [exam.get("diagnosis2"), exam.get("diagnosis3")]
    return {"poli_code": poli["code"] if poli else None, "doctor_code": (str(exam.get("doctor") or "").strip() or None),
            "vitals": vitals or None,
            "diagnosis2_code": check_diagnosis(other[0], "kdDiag2").code if other[0] else None,
            "diagnosis3_code": check_diagnosis(other[1], "kdDiag3").code if other[1] else None,
            "therapy": (str(exam.get("therapy") or "").strip() or None),
            "outcome": pcare_codes.check(session, care, exam.get("outcome"), "kdStatusPulang"),
            "discharge_date": discharge,
            "prognosis": pcare_codes.check(session, "prognosa", exam.get("prognosis"), "kdPrognosa")}


def exam_view(v: VisitRow) -> dict:
    return {"poli": v.poli_code, "doctor": v.doctor_code, "vitals": dict(v.vitals or {}),
            "diagnosis2": v.diagnosis2_code, "diagnosis3": v.diagnosis3_code, "therapy": v.therapy,
            "outcome": v.outcome, "discharge_date": v.discharge_date.isoformat() if v.discharge_date else None,
            "prognosis": v.prognosis, "deleted": v.deleted_at is not None}
