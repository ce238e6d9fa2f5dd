"""P-Care's reference lists (kesadaran, prognosa, alergi, status pulang, spesialis, sub-spesialis,
sarana, khusus) answered as BPJS's lists were loaded (A-Q08), and the referral hospitals of a
sub-specialty on a date: the FKTP desk's picker (:mod:`jkn.services.care.referral_picker`) with
the day's schedules and referrals."""

from __future__ import annotations

from sqlalchemy import func, select

from jkn.bridging.core.protocol import Call
from jkn.bridging.pcare.common import listed, pdate, router
from jkn.i18n import Msg
from jkn.services.care import eligibility as care_eligibility
from jkn.services.care import pcare_codes, referral_picker
from jkn.services.care.common import refuse_inactive
from jkn.services.errors import Invalid, NotFound
from jkn.store.care_tables import ReferralRow
from jkn.store.queue_tables import DoctorScheduleRow


def _list(call: Call, kind: str, code_key: str, name_key: str, **where) -> dict:
    return listed([{code_key: c["code"], name_key: c["name"]} for c in pcare_codes.codes(call.session, kind, **where)])


@router.add("GET", "kesadaran")
def kesadaran(call: Call):
    return _list(call, "kesadaran", "kdSadar", "nmSadar")


@router.add("GET", "prognosa")
def prognosa(call: Call):
    return _list(call, "prognosa", "kdPrognosa", "nmPrognosa")


@router.add("GET", "alergi/jenis/{jenis}")
def alergi(call: Call):
    kind = f"alergi-{call.params['jenis']}"
    if kind not in pcare_codes.KINDS:
        raise Invalid(Msg("error.pcare.allergy_kind"), field="jenis")
    return _list(call, kind, "kdAlergi", "nmAlergi")


@router.add("GET", "statuspulang/rawatInap/{inap}")
def status_pulang(call: Call):
    inap = call.params["inap"].lower()
    if inap not in ("true", "false"):
        raise Invalid(Msg("error.pcare.inpatient_flag"), field="rawatInap")
    return _list(call, "statuspulang-ri" if inap == "true" else "statuspulang-rj", "kdStatusPulang", "nmStatusPulang")


@router.add("GET", "spesialis")
def spesialis(call: Call):
    return _list(call, "spesialis", "kdSpesialis", "nmSpesialis")


@router.add("GET", "spesialis/{kd}/subSpesialis")
def sub_spesialis(call: Call):
    return listed([{"kdSubSpesialis": c["code"], "nmSubSpesialis": c["name"], "kdPoliRujuk": c["poli"]}
                   for c in pcare_codes.codes(call.session, "subspesialis", parent=call.params["kd"])])


@router.add("GET", "spesialis/sarana")
def sarana(call: Call):
    return _list(call, "sarana", "kdSarana", "nmSarana")


@router.add("GET", "spesialis/khusus")
def khusus(call: Call):
    return _list(call, "khusus", "kdKhusus", "nmKhusus")


def _referral_hospitals(call: Call, poli: str, day) -> dict:
    """Partner hospitals running ``poli``, nearest ring first (A-Q09), with the doctors' schedules
    of ``day``, the referrals already planned to them for it and the capacity the hospitals gave;
    ``distance`` is not known to jkn."""
    found = [h for h in referral_picker.hospitals(call.session, call.consumer.facility_code, poli=poli) if h["offers"]]
    out = []
    for h in found:
        windows = call.session.scalars(select(DoctorScheduleRow).where(
            DoctorScheduleRow.facility_code == h["code"], DoctorScheduleRow.poli_code == poli,
            DoctorScheduleRow.weekday == day.isoweekday(), DoctorScheduleRow.closed.is_(False))).all()
        planned = call.session.scalar(select(func.count()).select_from(ReferralRow).where(
            ReferralRow.to_facility == h["code"], ReferralRow.poli_code == poli,
            ReferralRow.planned_visit_date == day, ReferralRow.deleted_at.is_(None)))
        capacity = sum(w.capacity for w in windows if w.capacity is not None) if windows else None
        out.append({"kdppk": h["code"], "nmppk": h["name"], "alamatPpk": h["address"], "telpPpk": h["phone"],
                    "kelas": None, "nmkc": h["kabkota"], "distance": None,
                    "jadwal": ", ".join(f"{w.opens}-{w.closes}" for w in windows) or None, "jmlRujuk": planned,
                    "kapasitas": capacity, "persentase": round(100 * planned / capacity, 2) if capacity else None})
    return listed(out)


def _subspecialty_poli(call: Call, code: str) -> str:
    sub = next((c for c in pcare_codes.codes(call.session, "subspesialis") if c["code"] == code), None)
    if sub is None or not sub["poli"]:
        raise NotFound(Msg("error.pcare.subspecialty_unknown", code=code), field="kdSubSpesialis")
    return sub["poli"]


@router.add("GET", "spesialis/rujuk/subspesialis/{sub}/sarana/{sarana}/tglEstRujuk/{tgl}")
def rujuk_subspesialis(call: Call):
    """The hospitals of a sub-specialty's clinic (its ``kdPoliRujuk``) on a date."""
    day = pdate(call.params["tgl"], "tglEstRujuk")
    return _referral_hospitals(call, _subspecialty_poli(call, call.params["sub"]), day)


def _special(call: Call, day) -> dict:
    """The special referral code (BPJS's ``khusus`` list as loaded), checked with the participant:
    known, with cover active on the planned day (A-Q13)."""
    special = next((c for c in pcare_codes.codes(call.session, "khusus") if c["code"] == call.params["khusus"]), None)
    if special is None:
        raise NotFound(Msg("error.pcare.special_unknown", code=call.params["khusus"]), field="kdKhusus")
    elig = care_eligibility.check(call.session, day, card_number=call.params["card"])
    if not elig.active:
        raise refuse_inactive(elig, day)
    return special


@router.add("GET", "spesialis/rujuk/khusus/{khusus}/noKartu/{card}/tglEstRujuk/{tgl}")
def rujuk_khusus(call: Call):
    """The hospitals of a special referral (hemodialysis, thalassaemia...) for a participant: the
    clinic the loaded ``khusus`` list gives the code (its ``poli`` column, A-Q13)."""
    day = pdate(call.params["tgl"], "tglEstRujuk")
    special = _special(call, day)
    if not special["poli"]:
        raise NotFound(Msg("error.pcare.special_unknown", code=special["code"]), field="kdKhusus")
    return _referral_hospitals(call, special["poli"], day)


@router.add("GET", "spesialis/rujuk/khusus/{khusus}/subspesialis/{sub}/noKartu/{card}/tglEstRujuk/{tgl}")
def rujuk_khusus_subspesialis(call: Call):
    """A special referral that names a sub-specialty: the hospitals of the sub-specialty's clinic."""
    day = pdate(call.params["tgl"], "tglEstRujuk")
    _special(call, day)
    return _referral_hospitals(call, _subspecialty_poli(call, call.params["sub"]), day)
