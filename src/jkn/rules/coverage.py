"""Primary-care registration, covered services and exclusions.

Panduan Peserta:
- Tata Cara 1: "Setiap peserta harus terdaftar pada satu fasilitas kesehatan tingkat pertama";
  "Peserta memperoleh pelayanan kesehatan pada Fasilitas Kesehatan tingkat pertama tempat Peserta
  terdaftar."
- Perubahan Data 2.a: pindah Puskesmas/Dokter Keluarga/Dokter Gigi "Dapat dilakukan minimal setelah
  3 (tiga) bulan peserta terdaftar pada Puskesmas/Dokter Keluarga/Dokter Gigi sebelumnya."
- Tata Cara 2.a-b: at the hospital the participant shows the card and "surat rujukan dari FKTP /
  surat perintah kontrol pasca rawat inap", and receives the SEP.
- Tata Cara 3.b: "Peserta yang memerlukan pelayanan gawat darurat dapat langsung memperoleh
  pelayanan di setiap fasilitas kesehatan."
- Dijamin 1-4 (first level a-h, referral level a-k, "persalinan sampai dengan anak ketiga",
  "Ambulan hanya diberikan untuk pasien rujukan dari Fasilitas Kesehatan satu ke fasilitas
  kesehatan lainnya, dengan tujuan menyelamatkan nyawa pasien"); Tidak Dijamin 1-17.
Services and exclusions are data: ``params/services.toml``.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Iterable, Sequence

from jkn.domain.month import Month, add_months
from jkn.i18n import Msg
from jkn.rules.decision import Decision, RuleError, Step, Steps, assumption, cite
from jkn.rules.parameters import as_date

COVERED, EXCLUDED = "Pelayanan Kesehatan yang Dijamin", "Pelayanan Kesehatan yang Tidak Dijamin"
HOW, CHANGE = "Tata Cara Mendapatkan Pelayanan Kesehatan", "Perubahan Data Kepesertaan"
LEVELS = ("first", "referral")
FKTP_MIN_MONTHS = 3


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    level: str  #: "first", "referral" or "any"
    item: str
    text_id: str
    text_en: str
    source: str


@dataclass(frozen=True, slots=True)
class Exclusion:
    code: str
    item: int
    text_id: str
    text_en: str
    source: str


@dataclass(frozen=True, slots=True)
class ServiceCheck:
    allowed: bool
    service: str
    level: str
    refusal: str | None = None  #: exclusion code or rule code when refused


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Service], dict[str, Exclusion]]:
    raw = tomllib.loads(files("jkn.rules").joinpath("params", "services.toml").read_text("utf-8"))
    return ({s["code"]: Service(**s) for s in raw["covered"]},
            {x["code"]: Exclusion(**x) for x in raw["excluded"]})


def covered_services(level: str | None = None) -> list[Service]:
    """Covered services in the guide's order; ``level`` filters ("first" / "referral")."""
    return [s for s in _load()[0].values() if level is None or s.level in (level, "any")]


def exclusions() -> list[Exclusion]:
    """The 17 services not covered, in the guide's order."""
    return list(_load()[1].values())


def check_fktp_registration(fktp_codes: Sequence[str]) -> Decision[bool]:
    """A participant is registered at exactly one FKTP (Tata Cara 1)."""
    n = len(set(fktp_codes))
    said = Msg("coverage.fktp_one", n=n) if n == 1 else Msg("coverage.fktp_not_one", n=n)
    return Decision(n == 1, [Step(said, cite(HOW, "1"), decisive=True)], said)


def check_fktp_change(registered_since: date, as_of: "date | Month | str") -> Decision[bool]:
    """May the participant move to another FKTP on ``as_of``? Only from 3 months after registering
    at the current one (Perubahan Data 2.a; assumption A-25 for the date arithmetic)."""
    d = as_date(as_of)
    if registered_since > d:
        raise RuleError(Msg("coverage.error.registered_after", since=registered_since, day=d))
    earliest = add_months(registered_since, FKTP_MIN_MONTHS)
    ok = d >= earliest
    steps = Steps()
    steps.add(Msg("coverage.fktp_since", since=registered_since, earliest=earliest), cite(CHANGE, "2.a"),
              decisive=True)
    steps.add(Msg("coverage.fktp_three_months"), assumption("A-25"))
    answer = Msg("coverage.fktp_change_allowed", day=d, earliest=earliest) if ok else \
        Msg("coverage.fktp_change_not_yet", day=d, earliest=earliest)
    steps.add(answer, cite(CHANGE, "2.a"), decisive=True)
    return Decision(ok, steps, answer)


def delivery_number(declared: int | None, recorded: Iterable[date], on: "date | Month | str") -> Decision[int]:
    """Which child a delivery on ``on`` is for: what the facility declares (``declared``, A-26), but at
    least one more than the deliveries ``recorded`` on other dates at either level (Dijamin 3 "di
    Fasilitas Kesehatan Tingkat Pertama maupun Tingkat Lanjutan"; assumption A-C14)."""
    d = as_date(on)
    if declared is not None and (isinstance(declared, bool) or not isinstance(declared, int) or declared < 1):
        raise RuleError(Msg("coverage.error.child_number", got=str(declared)))
    others = sorted({x for x in recorded if x != d})
    n = max(declared or 0, len(others) + 1)
    steps = Steps()
    steps.add(Msg("coverage.deliveries_recorded", n=len(others), days=others or "-"), assumption("A-C14"))
    if declared is not None:
        steps.add(Msg("coverage.child_declared", n=declared), assumption("A-26"))
    steps.add(Msg("coverage.delivery_child", n=n), cite(COVERED, "3"), decisive=True)
    return Decision(n, steps)


def check_service(service: str, as_of: "date | Month | str", *, level: str | None = None,
                  facility_contracted: bool = True, at_registered_fktp: bool = True,
                  referral_letter: bool = False, emergency: bool = False,
                  delivery_number: int | None = None, inter_facility_transfer: bool = False,
                  life_saving: bool = False, excluded: Iterable[str] = (),
                  suspended: bool = False) -> Decision[ServiceCheck]:
    """Is ``service`` (a code from ``covered_services()``) covered in this situation?

    ``level`` is needed for DELIVERY and AMBULANCE ("first" or "referral"); ``excluded`` lists
    exclusion codes (``exclusions()``) that apply; ``referral_letter`` means an FKTP referral or a
    post-inpatient control letter; ``delivery_number`` is which child the delivery is for.
    """
    as_date(as_of)
    services, excl = _load()
    if service not in services:
        raise RuleError(Msg("coverage.error.service", service=str(service), known=", ".join(services)))
    s = services[service]
    lvl = s.level if s.level != "any" else level
    if lvl not in LEVELS or (level is not None and level != lvl):
        raise RuleError(Msg("coverage.error.level", service=service))
    steps = Steps()
    steps.add(Msg("coverage.service", service=Msg(f"service.{service}")), s.source)

    def refuse(code: str, text: Msg, source: str) -> Decision[ServiceCheck]:
        said = Msg("coverage.not_covered", reason=text)
        steps.add(said, source, decisive=True)
        return Decision(ServiceCheck(False, service, lvl, code), steps, said)

    if suspended:
        return refuse("SUSPENDED", Msg("coverage.suspended"), cite("Penghentian Pelayanan Kesehatan"))
    for code in excluded:
        if code not in excl:
            raise RuleError(Msg("coverage.error.exclusion", code=str(code), known=", ".join(excl)))
        x = excl[code]
        if code == "NON_CONTRACTED_FACILITY" and emergency:
            continue
        said = Msg(f"exclusion.{code}")
        if code in ("WORK_ACCIDENT", "TRAFFIC_ACCIDENT"):
            said = Msg("coverage.other_programme", reason=said)
        return refuse(code, said, x.source)
    if emergency:
        steps.add(Msg("coverage.emergency"), cite(HOW, "3.b"))
        if not facility_contracted:
            steps.add(Msg("coverage.emergency_transfer"), cite(HOW, "3.c"))
    elif not facility_contracted:
        x = excl["NON_CONTRACTED_FACILITY"]
        return refuse(x.code, Msg(f"exclusion.{x.code}"), x.source)
    elif lvl == "first" and not at_registered_fktp:
        x = excl["NO_PROCEDURE"]
        return refuse(x.code, Msg("coverage.needs_registered_fktp"), cite(HOW, "1"))
    elif lvl == "referral" and not referral_letter and service != "AMBULANCE":
        x = excl["NO_PROCEDURE"]
        return refuse(x.code, Msg("coverage.needs_referral"), cite(HOW, "2.a"))
    if service == "DELIVERY":
        if delivery_number is None or isinstance(delivery_number, bool) or not isinstance(delivery_number, int) \
                or delivery_number < 1:
            raise RuleError(Msg("coverage.error.delivery_number"))
        if delivery_number > 3:
            steps.add(Msg("coverage.children_counted"), assumption("A-26"))
            return refuse("DELIVERY_AFTER_THIRD_CHILD", Msg("coverage.after_third_child", n=delivery_number),
                          cite(COVERED, "3"))
        steps.add(Msg("coverage.within_three", n=delivery_number), cite(COVERED, "3"))
        steps.add(Msg("coverage.children_counted"), assumption("A-26"))
    if service == "AMBULANCE":
        if not (inter_facility_transfer and life_saving):
            return refuse("AMBULANCE_NOT_LIFE_SAVING_TRANSFER", Msg("coverage.ambulance_only"), cite(COVERED, "4"))
        steps.add(Msg("coverage.ambulance"), cite(COVERED, "4"))
    if lvl == "referral" and not emergency:
        steps.add(Msg("coverage.sep_at_center"), cite(HOW, "2.b"))
    said = Msg("coverage.covered", service=Msg(f"service.{service}"))
    steps.add(said, s.source, decisive=True)
    return Decision(ServiceCheck(True, service, lvl), steps, said)
