"""Referral-level care: referrals, control letters, SEP prerequisites and emergency transfers.

Panduan Peserta (seed 001):
- TATA CARA MENDAPATKAN PELAYANAN KESEHATAN §2.a: at the hospital's BPJS Center the participant
  shows the card and hands over "surat rujukan dari Fasilitas Kesehatan Tingkat Pertama / surat
  perintah kontrol pasca rawat inap"; §2.b: and receives the SEP.
- §3.b-c: emergencies at any facility; at a non-partner facility the patient "akan segera dirujuk
  ke fasilitas kesehatan yang bekerjasama dengan BPJS Kesehatan setelah keadaan gawat daruratnya
  teratasi dan pasien dalam kondisi dapat dipindahkan".
- PELAYANAN KESEHATAN YANG TIDAK DIJAMIN §6-10: purposes of care that are not covered; YANG DIJAMIN
  §3: deliveries (diagnoses O80-O84, A-C13).

The guide gives no validity period for a referral or a control letter: those are parameters
(``params/care_flow.toml``) resting on assumptions A-C01/A-C02 (docs/assumptions.md).
Coverage itself (exclusions, deliveries, ambulance, suspension) is :mod:`jkn.rules.coverage`.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from jkn.i18n import Msg
from jkn.rules.decision import Decision, Steps, cite
from jkn.rules.parameters import ParamEntry, entry_in_force, load_param_file

HOW = "Tata Cara Mendapatkan Pelayanan Kesehatan"
FACILITIES = "Fasilitas Kesehatan Bagi Peserta"


@lru_cache(maxsize=1)
def _params() -> dict[str, list[ParamEntry]]:
    return load_param_file("care_flow")


def care_param(name: str, as_of: "date | str") -> ParamEntry:
    """The entry of care-flow parameter ``name`` in force on ``as_of``."""
    return entry_in_force(_params(), name, as_of)


def referral_valid_until(referral_date: date) -> Decision[date]:
    """Last day an FKTP referral can be used for an SEP (assumption A-C01)."""
    p = care_param("referral_validity_days", referral_date)
    until = referral_date + timedelta(days=int(p.value))
    return Decision(until, [p.step(Msg("referral.valid_for", day=referral_date, days=int(p.value), until=until), True)])


def check_referral_route(from_level: str, to_level: str | None) -> Decision[bool]:
    """A referral goes from an FKTP to a referral-level facility (FKRTL), or between FKRTLs."""
    steps = Steps()
    if from_level not in ("FKTP", "FKRTL"):
        steps.add(Msg("referral.not_issuer", level=from_level), cite(FACILITIES), decisive=True)
        return _said(False, steps)
    if to_level is not None and to_level != "FKRTL":
        steps.add(Msg("referral.wrong_level", level=to_level), cite(HOW, "2.a"), decisive=True)
        return _said(False, steps)
    steps.add(Msg("referral.route", level=from_level), cite(HOW, "2.a"), decisive=True)
    return _said(True, steps)


def _said(value, steps: Steps) -> Decision:
    """A decision whose answer is its last, decisive step."""
    return Decision(value, steps, steps[-1].text if steps else None)


def check_referral_for_sep(*, referral_date: date, valid_until: date, sep_date: date, referral_to: str | None,
                           sep_facility: str, deleted: bool = False) -> Decision[bool]:
    """May this referral letter open an SEP at ``sep_facility`` on ``sep_date``?"""
    steps = Steps()
    steps.add(Msg("referral.handed_over"), cite(HOW, "2.a"))
    if deleted:
        steps.add(Msg("referral.withdrawn"), cite(HOW, "2.a"), decisive=True)
        return _said(False, steps)
    if sep_date < referral_date:
        steps.add(Msg("referral.before", sep=sep_date, referral=referral_date), cite(HOW, "2.a"), decisive=True)
        return _said(False, steps)
    p = care_param("referral_validity_days", referral_date)
    if sep_date > valid_until:
        steps.append(p.step(Msg("referral.expired", until=valid_until, sep=sep_date), True))
        return _said(False, steps)
    steps.append(p.step(Msg("referral.valid_until", until=valid_until), True))
    if referral_to is not None and referral_to != sep_facility:
        steps.add(Msg("referral.other_facility", to=referral_to, sep=sep_facility), cite(HOW, "2.a"), decisive=True)
        return _said(False, steps)
    return _said(True, steps)


def check_control_letter_for_sep(*, control_date: date, sep_date: date, letter_facility: str,
                                 sep_facility: str, deleted: bool = False) -> Decision[bool]:
    """May this post-inpatient control letter open an SEP (assumption A-C02 for the window)?"""
    steps = Steps()
    steps.add(Msg("control.handed_over"), cite(HOW, "2.a"))
    if deleted:
        steps.add(Msg("control.withdrawn"), cite(HOW, "2.a"), decisive=True)
        return _said(False, steps)
    if letter_facility != sep_facility:
        steps.add(Msg("control.other_facility", issuer=letter_facility, sep=sep_facility), cite(HOW, "2.a"),
                  decisive=True)
        return _said(False, steps)
    p = care_param("control_letter_window_days", sep_date)
    last = control_date + timedelta(days=int(p.value))
    if not control_date <= sep_date <= last:
        steps.append(p.step(Msg("control.outside", control=control_date, last=last, sep=sep_date), True))
        return _said(False, steps)
    steps.append(p.step(Msg("control.usable", control=control_date, last=last), True))
    return _said(True, steps)


def exclusions_for(diagnosis_code: str, poli_code: str | None, as_of: "date | str") -> Decision[list[str]]:
    """Exclusion codes (``rules.coverage.exclusions()``) implied by the diagnosis or the clinic."""
    steps = Steps()
    found: list[str] = []
    d = (diagnosis_code or "").upper()
    dx = care_param("diagnosis_exclusions", as_of)
    for item in dx.value:
        if d.startswith(item["prefix"]) and item["exclusion"] not in found:
            found.append(item["exclusion"])
            steps.add(Msg("referral.diagnosis_excluded", diagnosis=d, why=item["why"],
                          exclusion=Msg(f"exclusion.{item['exclusion']}")), dx.source, decisive=True)
    if poli_code:
        px = care_param("poli_exclusions", as_of)
        for item in px.value:
            if poli_code.upper() == item["poli"] and item["exclusion"] not in found:
                found.append(item["exclusion"])
                steps.add(Msg("referral.poli_excluded", poli=poli_code, why=item["why"],
                              exclusion=Msg(f"exclusion.{item['exclusion']}")), px.source, decisive=True)
    return Decision(found, steps)


def delivery_diagnosis(diagnosis_code: str | None, as_of: "date | str") -> Decision[bool]:
    """Is the diagnosis a delivery (ICD-10 block O80-O84; assumption A-C13)?"""
    d = (diagnosis_code or "").upper()
    p = care_param("delivery_diagnoses", as_of)
    for item in p.value:
        if d.startswith(item["prefix"]):
            return Decision(True, [p.step(Msg("referral.delivery", diagnosis=d, why=item["why"]))])
    return Decision(False, [p.step(Msg("referral.not_delivery", diagnosis=d or "-"))])


def check_one_sep_per_day(existing: list[dict[str, Any]], as_of: "date | str") -> Decision[bool]:
    """No second SEP for the same participant, facility, service type and clinic on one date (A-C03)."""
    p = care_param("one_sep_per_day", as_of)
    if p.value and existing:
        return _said(False, Steps([p.step(Msg("referral.duplicate_sep", number=existing[0]["number"]), True)]))
    return Decision(True, [])


def check_emergency_transfer(*, treated_at_partner: bool, destination_partner: bool, destination_level: str,
                             stabilised_on: date | None, transfer_on: date, admitted_on: date) -> Decision[bool]:
    """Transfer of an emergency patient treated at a non-partner facility (TATA CARA §3.c)."""
    steps = Steps()
    if treated_at_partner:
        steps.add(Msg("transfer.partner"), cite(HOW, "3.b"))
    else:
        steps.add(Msg("transfer.non_partner"), cite(HOW, "3.c"))
    if not destination_partner or destination_level not in ("FKTP", "FKRTL"):
        steps.add(Msg("transfer.destination"), cite(HOW, "3.c"), decisive=True)
        return _said(False, steps)
    if stabilised_on is None:
        steps.add(Msg("transfer.not_stable"), cite(HOW, "3.c"), decisive=True)
        return _said(False, steps)
    if not admitted_on <= stabilised_on <= transfer_on:
        steps.add(Msg("transfer.dates", admitted=admitted_on, stable=stabilised_on, transfer=transfer_on),
                  cite(HOW, "3.c"), decisive=True)
        return _said(False, steps)
    steps.add(Msg("transfer.done", stable=stabilised_on, transfer=transfer_on), cite(HOW, "3.c"), decisive=True)
    return _said(True, steps)
