"""Accident SEPs: the details a hospital sends with an SEP whose ``jaminan.lakaLantas`` is not 0
(date, description, location, police report, and whether it supplements — ``suplesi`` — an
earlier accident SEP of the participant), and what VClaim's accident paths read from them.

Care already guaranteed by the compulsory traffic-accident programme (Jasa Raharja) is not
guaranteed up to that programme's amount (seed 001 PELAYANAN KESEHATAN YANG TIDAK DIJAMIN §4); the
SEP records the case so it can be coordinated. Jasa Raharja's own registration, decision and
amounts are not held here: the answers carry null for them (assumption A-V47). Field names: the
public clients (ssecd/jkn ``src/vclaim/sep.ts``, ``monitoring.ts``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.reference.workareas import load_workareas
from jkn.services.bounds import check_length
from jkn.services.care.common import parse_date, participant_by_card
from jkn.services.errors import Invalid, NotFound
from jkn.store.care_tables import SepAccidentRow, SepRow

EXCLUSION = "seed 001 PELAYANAN KESEHATAN YANG TIDAK DIJAMIN §4"
#: ``lakaLantas`` codes that are traffic accidents (KLL), the cases the traffic-accident programme
#: guarantees: 1 KLL and not a work accident, 2 KLL and a work accident (A-V47).
TRAFFIC = ("1", "2")
#: VClaim 1.1 ``penjamin.penjamin``: 1 Jasa Raharja, 2 BPJS Ketenagakerjaan, 3 TASPEN, 4 ASABRI.
GUARANTORS = {"1": "Jasa Raharja PT", "2": "BPJS Ketenagakerjaan", "3": "TASPEN PT", "4": "ASABRI PT"}
_DISTRICT = re.compile(r"[0-9]{1,10}")
_REPORT = re.compile(r"[0-9A-Za-z./ _-]{1,40}")
#: the longest accident note (VClaim ``keterangan``) kept, refused beyond (A-S16)
NOTE_SIZE = 500


@dataclass(frozen=True)
class Details:
    """What the client sent in ``jaminan`` (strings as sent; checked by :func:`checked`)."""
    accident_date: str | None = None
    note: str | None = None
    guarantors: str | None = None
    supplement: str | None = None
    supplement_of: str | None = None
    province: str | None = None
    regency: str | None = None
    district: str | None = None
    police_report: str | None = None


def _guarantors(text: str | None) -> str | None:
    if not (text or "").strip():
        return None
    codes = [c.strip() for c in text.split(",")]
    if any(c not in GUARANTORS for c in codes) or len(set(codes)) != len(codes):
        raise Invalid(Msg("error.care.accident_guarantor"), field="jaminan.penjamin.penjamin")
    return ",".join(sorted(codes))


def _location(d: Details) -> tuple[str | None, str | None, str | None]:
    areas = load_workareas().kabkota.values()
    prov = (d.province or "").strip() or None
    reg = (d.regency or "").strip().replace(".", "") or None
    dist = (d.district or "").strip() or None
    if prov and prov not in {k.province_code for k in areas}:
        raise Invalid(Msg("error.care.accident_province", code=prov), field="lokasiLaka.kdPropinsi")
    if reg:
        match = [k for k in areas if k.code.replace(".", "") == reg]
        if not match or (prov and match[0].province_code != prov):
            raise Invalid(Msg("error.care.accident_regency", code=reg), field="lokasiLaka.kdKabupaten")
    if dist and not _DISTRICT.fullmatch(dist):  # no kecamatan list is held: kept as sent (A-V12)
        raise Invalid(Msg("error.care.accident_district"), field="lokasiLaka.kdKecamatan")
    return prov, reg, dist


def record(session: Session, sep: SepRow, accident: str, d: Details | None, *, replace: bool = False) -> None:
    """Keep the details of an accident SEP (called inside the SEP's unit of work; ``Invalid`` or
    ``NotFound`` leave nothing written). ``accident`` "0" keeps none (and drops any on ``replace``)."""
    if accident == "0" and not replace:  # a new SEP that is no accident's: nothing to read or keep
        return
    old = session.get(SepAccidentRow, sep.number)
    if accident == "0":
        if old is not None:
            session.delete(old)
        return
    if d is None or not any(vars(d).values()):
        if old is None and not replace:
            raise Invalid(Msg("error.care.accident_date_required"), field="jaminan.penjamin.tglKejadian")
        return
    supplement = (d.supplement or "0").strip()
    if supplement not in ("0", "1"):
        raise Invalid(Msg("error.care.zero_or_one", field="suplesi.suplesi"), field="suplesi.suplesi")
    first = None
    if supplement == "1":
        number = (d.supplement_of or "").strip()
        first = session.get(SepRow, number) if number else None
        if (first is None or first.deleted_at is not None or first.participant_id != sep.participant_id
                or first.number == sep.number or session.get(SepAccidentRow, first.number) is None
                or first.sep_date > sep.sep_date):
            raise NotFound(Msg("error.care.accident_supplement_unknown", number=number or "-"),
                           field="suplesi.noSepSuplesi")
    day = parse_date(d.accident_date, "jaminan.penjamin.tglKejadian", required=first is None)
    if day is None:  # a supplement without a date: the accident of the SEP it continues
        day = session.get(SepAccidentRow, first.number).accident_date
    if day > sep.sep_date:
        raise Invalid(Msg("error.care.accident_after_sep", day=day, sep_date=sep.sep_date),
                      field="jaminan.penjamin.tglKejadian")
    report = (d.police_report or "").strip() or None
    if report and not _REPORT.fullmatch(report):
        raise Invalid(Msg("error.care.accident_police_report"), field="jaminan.noLP")
    prov, reg, dist = _location(d)
    note = check_length(d.note, "jaminan.penjamin.keterangan", NOTE_SIZE, Msg("accident.note"))
    values = dict(accident_date=day, note=note, guarantors=_guarantors(d.guarantors),
                  supplement_of=first.number if first else None, province_code=prov, regency_code=reg,
                  district_code=dist, police_report=report)
    if old is None:
        session.add(SepAccidentRow(sep_number=sep.number, **values))
    else:
        for k, v in values.items():
            setattr(old, k, v)
    session.flush()


def _live_accidents(session: Session, *where):
    return session.execute(select(SepRow, SepAccidentRow).join(SepAccidentRow, SepAccidentRow.sep_number == SepRow.number)
                           .where(SepRow.deleted_at.is_(None), *where).order_by(SepRow.sep_date, SepRow.number)).all()


def view(sep: SepRow, a: SepAccidentRow) -> dict:
    return {"sep_number": sep.number, "sep_date": sep.sep_date.isoformat(), "facility_code": sep.facility_code,
            "accident": sep.accident, "accident_date": a.accident_date.isoformat(), "note": a.note,
            "guarantors": a.guarantors, "supplement_of": a.supplement_of, "province_code": a.province_code,
            "regency_code": a.regency_code, "district_code": a.district_code, "police_report": a.police_report}


def details_of(session: Session, sep: SepRow) -> dict | None:
    """The accident details kept with an SEP (None for an SEP that is not an accident's)."""
    if sep.accident == "0":
        return None
    a = session.get(SepAccidentRow, sep.number)
    return view(sep, a) if a else None


def of_card(session: Session, card_number: str) -> list[dict]:
    """``sep/KllInduk/List``: the participant's live accident SEPs at any hospital — a supplement may
    continue at another hospital the guarantee an earlier one opened (assumption A-V47)."""
    p = participant_by_card(session, card_number)
    return [view(s, a) for s, a in _live_accidents(session, SepRow.participant_id == p.id)]


def is_traffic(sep: SepRow, a: SepAccidentRow) -> bool:
    """A case for the traffic-accident programme: a KLL code, and Jasa Raharja among the guarantors
    when the client named them (VClaim 1.1)."""
    return sep.accident in TRAFFIC and (a.guarantors is None or "1" in a.guarantors.split(","))


def first_of(session: Session, a: SepAccidentRow) -> str:
    """The SEP that opened a chain of supplements (``noSepAwal``)."""
    seen = {a.sep_number}
    while a.supplement_of and a.supplement_of not in seen:
        seen.add(a.supplement_of)
        a = session.get(SepAccidentRow, a.supplement_of)
    return a.sep_number


def supplement_candidates(session: Session, card_number: str, on: "dt.date | str") -> list[dict]:
    """``sep/JasaRaharja/Suplesi``: the participant's live traffic-accident SEPs issued on or before
    the service date, each with the SEP its chain began with — the SEPs a new one may supplement."""
    day = parse_date(on, "tglPelayanan")
    p = participant_by_card(session, card_number)
    return [{**view(s, a), "first_sep": first_of(session, a)}
            for s, a in _live_accidents(session, SepRow.participant_id == p.id, SepRow.sep_date <= day)
            if is_traffic(s, a)]


def traffic_cases(session: Session, facility_code: str, service_type: str, start: "dt.date | str",
                  end: "dt.date | str", max_days: int = 366) -> list[tuple[SepRow, SepAccidentRow]]:
    """``monitoring/JasaRaharja``: a hospital's live traffic-accident SEPs of one service type
    issued between two dates (inclusive)."""
    if service_type not in ("1", "2"):
        raise Invalid(Msg("error.care.service_type"), field="JnsPelayanan")
    a, b = parse_date(start, "tglMulai"), parse_date(end, "tglAkhir")
    if b < a:
        raise Invalid(Msg("error.care.end_before_begin"), field="tglAkhir")
    if (b - a).days > max_days:
        raise Invalid(Msg("error.care.days_at_once", max_days=max_days), field="tglAkhir")
    rows = _live_accidents(session, SepRow.facility_code == facility_code, SepRow.service_type == service_type,
                           SepRow.sep_date >= a, SepRow.sep_date <= b)
    return [(s, acc) for s, acc in rows if is_traffic(s, acc)]
