"""The day's registrations of a clinic (FKTP) and their queue numbers: P-Care ``pendaftaran``,
Antrean FKTP (``antrean/add``, ``panggil``, ``batal``), the participant's Mobile JKN and the
desk all write here, under one rule: a participant is registered at the FKTP where they are
registered (TATA CARA MENDAPATKAN PELAYANAN KESEHATAN §1) with active cover on the day, once per
clinic and day while waiting (assumption A-Q10). A number the clinic's system gives (Antrean
FKTP) is kept as given; otherwise the next number of the clinic's day is taken (``noUrut``).
The estimate is read from the day's own calls, never made up (A-Q11)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.rules import coverage
from jkn.rules.decision import Step
from jkn.services.care import eligibility as care_eligibility
from jkn.services.care import pcare_codes, queues
from jkn.services.care.common import (JAKARTA, facility, jakarta_today, parse_date, participant_by_card,
                                      participant_by_nik, refusal, refuse_inactive, next_serial)
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import VisitRow
from jkn.store.membership_tables import ParticipantRow
from jkn.store.primary_care_tables import FktpRegistrationRow

SOURCES = ("PCARE", "ANTREAN", "MOBILE_JKN", "DESK")
WAITING = ("WAITING", "CALLED")
CARE_TYPES = ("10", "20", "50")  # kdTkp: RJTP, RITP, promotif
_NUMBER = re.compile(r"[0-9A-Za-z-]{1,10}")
QUEUE_REFUSED = Msg("care.refused.queue")


def view(session: Session, r: FktpRegistrationRow, p: ParticipantRow | None = None) -> dict:
    return {"id": r.id, "facility_code": r.facility_code, "card_number": p.card_number if p else None,
            "name": p.name if p else None, "nik": p.nik if p else None, "sex": p.sex if p else None,
            "birth_date": p.birth_date.isoformat() if p else None, "date": r.registration_date.isoformat(),
            "poli": {"code": r.poli_code, "name": pcare_codes.fktp_poli_name(session, r.poli_code)}, "queue_number": r.queue_number,
            "queue_seq": r.queue_seq, "source": r.source, "care_type": r.care_type, "sick_visit": r.sick_visit,
            "complaint": r.complaint, "vitals": dict(r.vitals or {}), "doctor_code": r.doctor_code,
            "doctor_name": r.doctor_name, "practice_hours": r.practice_hours, "status": r.status,
            "checked_in": r.checked_in_at is not None, "visit_id": r.visit_id, "cancel_reason": r.cancel_reason}


def register(session: Session, *, actor: Actor, facility_code: str, card_number: str | None, day: "dt.date | str",
             poli: str, source: str, care_type: str = "10", sick_visit: bool = True, complaint: str | None = None,
             vitals: dict | None = None, doctor_code: str | None = None, doctor_name: str | None = None,
             practice_hours: str | None = None, queue_number: str | None = None, queue_seq: int | None = None,
             phone: str | None = None, mr_number: str | None = None, nik: str | None = None) -> dict:
    """Register a participant at a clinic's poli on a day and give the queue number; refused with
    the clause (nothing written) for another FKTP's participant or cover not active on the day."""
    when = parse_date(day, "tglDaftar")
    pol = pcare_codes.fktp_poli(session, poli, "kdPoli")
    if source not in SOURCES:
        raise Invalid(Msg("error.queue.source"), field="source")
    if str(care_type) not in CARE_TYPES:
        raise Invalid(Msg("error.queue.care_type"), field="kdTkp")
    if source == "MOBILE_JKN" and when < jakarta_today():
        raise Invalid(Msg("error.queue.past_day"), field="tanggalperiksa")
    queues.check_days_ahead(when, "tglDaftar")
    if queue_number is not None and not _NUMBER.fullmatch(str(queue_number)):
        raise Invalid(Msg("error.queue.number_format"), field="nomorantrean")
    with unit_of_work(session):
        fac = facility(session, facility_code, "kdProvider")
        if fac.level != "FKTP":
            raise Invalid(Msg("error.care.primary_care_level", code=str(fac.code), level=fac.level), field="kdProvider")
        p = participant_by_card(session, card_number) if card_number or not nik else participant_by_nik(session, nik)
        if p.fktp_code != fac.code:
            raise refusal(Msg("care.not_registered_fktp", card=p.card_number, fktp=p.fktp_code, here=fac.code),
                          rule="NOT_REGISTERED_FKTP", steps=[], answer=QUEUE_REFUSED, decided_by=Step(
                              Msg("care.step.not_registered_fktp", fktp=p.fktp_code, here=fac.code),
                              coverage.cite(coverage.HOW, "1"), decisive=True))
        elig = care_eligibility.check(session, when, card_number=p.card_number)
        if not elig.active:
            raise refuse_inactive(elig, when, answer=QUEUE_REFUSED)
        _already_waiting(session, fac.code, when, pol["code"], p.id)
        if doctor_code is not None:
            doctor_name, practice_hours = _schedule(session, fac.code, when, pol, str(doctor_code), practice_hours)
        row = _insert(session, fac.code, when, queue_number, queue_seq, participant_id=p.id, poli_code=pol["code"],
                      source=source, care_type=str(care_type), sick_visit=bool(sick_visit), complaint=complaint,
                      vitals=vitals or None, doctor_code=doctor_code, doctor_name=doctor_name,
                      practice_hours=practice_hours, phone=phone, mr_number=mr_number, status="WAITING",
                      created_by=actor.name)
        audit.record_at_facility(session, actor, "fktp_queue.register", fac, object_type="fktp_registration",
                                 object_id=row.id, summary=Msg("audit.summary.fktp_queue", card=p.card_number,
                                                                number=row.queue_number, poli=pol["code"], day=when))
        return view(session, row, p)


def _schedule(session: Session, code: str, when: dt.date, pol: dict, doctor: str, hours: str | None):
    """The doctor's practice window at the clinic on that day (the clinic's schedule), checked for
    the hours given and the capacity it set; returns (doctor's name, hours)."""
    windows = [w for w in queues.schedules(session, code, on=when) if w["poli"] == pol["code"]
               and w["doctor_code"] == doctor and not w["closed"]]
    if hours:
        windows = [w for w in windows if f"{w['opens']}-{w['closes']}" == hours]
    if not windows:
        raise NotFound(Msg("error.queue.no_schedule", doctor=doctor, poli=pol["name"], day=when), field="kodedokter")
    w = windows[0]
    if w["capacity"] is not None:
        taken = session.scalar(select(func.count()).select_from(FktpRegistrationRow).where(
            FktpRegistrationRow.facility_code == code, FktpRegistrationRow.registration_date == when,
            FktpRegistrationRow.poli_code == pol["code"], FktpRegistrationRow.doctor_code == doctor,
            FktpRegistrationRow.status != "CANCELLED"))
        if taken >= w["capacity"]:
            raise Conflict(Msg("error.queue.full", doctor=w["doctor_name"] or doctor, day=when), field="kodedokter")
    return w["doctor_name"] or None, f"{w['opens']}-{w['closes']}"


def _already_waiting(session: Session, code: str, when: dt.date, poli: str, participant_id: int) -> None:
    """Conflict naming the number when the participant waits at the clinic that day (also when a
    concurrent registration of theirs won the race)."""
    waiting = session.scalar(select(FktpRegistrationRow).where(
        FktpRegistrationRow.facility_code == code, FktpRegistrationRow.registration_date == when,
        FktpRegistrationRow.poli_code == poli, FktpRegistrationRow.participant_id == participant_id,
        FktpRegistrationRow.status.in_(WAITING)))
    if waiting is not None:
        raise Conflict(Msg("error.queue.already_waiting", number=waiting.queue_number,
                           poli=pcare_codes.fktp_poli_name(session, poli)), field="noKartu")


def _insert(session: Session, code: str, when: dt.date, number: str | None, seq: int | None, **values) -> FktpRegistrationRow:
    """The row with the given number, or the day's next one from the clinic's serial of the day (one
    atomic counter: concurrent registrations wait for it, none gets a number twice); a plain
    number the clinic's system gave already (Antrean FKTP) is skipped, a given one taken is a conflict."""
    for _attempt in range(20):
        if number is None:
            n = next_serial(session, f"{code}Q{when:%y%m%d}")
            label = str(n)
        else:
            n, label = seq if seq is not None else int(re.sub(r"[^0-9]", "", number) or 0), number
        row = FktpRegistrationRow(facility_code=code, registration_date=when, queue_seq=n, queue_number=label, **values)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            _already_waiting(session, code, when, values["poli_code"], values["participant_id"])
            if number is not None:
                raise Conflict(Msg("error.queue.number_taken", number=number), field="nomorantrean") from None
            continue
        return row
    raise Conflict(Msg("error.queue.busy"), field="noUrut")


def _rows(session: Session, stmt) -> list[dict]:
    rows = session.execute(stmt.join(ParticipantRow, ParticipantRow.id == FktpRegistrationRow.participant_id)
                           .add_columns(ParticipantRow)).all()
    return [view(session, r, p) for r, p in rows]


def day_list(session: Session, facility_code: str, day: "dt.date | str", *, poli: str | None = None,
             waiting_only: bool = False) -> list[dict]:
    """A clinic's registrations of a day in queue order (cancelled ones too unless ``waiting_only``)."""
    stmt = select(FktpRegistrationRow).where(FktpRegistrationRow.facility_code == facility_code,
                                             FktpRegistrationRow.registration_date == parse_date(day, "tglDaftar"))
    if poli:
        stmt = stmt.where(FktpRegistrationRow.poli_code == pcare_codes.fktp_poli(session, poli, "kdPoli")["code"])
    if waiting_only:
        stmt = stmt.where(FktpRegistrationRow.status.in_(WAITING))
    return _rows(session, stmt.order_by(FktpRegistrationRow.queue_seq, FktpRegistrationRow.id))


def by_number(session: Session, facility_code: str, day: "dt.date | str", number: str) -> dict:
    found = _rows(session, select(FktpRegistrationRow).where(
        FktpRegistrationRow.facility_code == facility_code,
        FktpRegistrationRow.registration_date == parse_date(day, "tglDaftar"),
        FktpRegistrationRow.queue_number == str(number).strip()))
    if not found:
        raise NotFound(Msg("error.queue.unknown", number=str(number)), field="noUrut")
    return found[0]


def _find(session: Session, facility_code: str, *, registration_id: int | None = None, day=None,
          card_number: str | None = None, poli: str | None = None, number: str | None = None,
          lock: bool = True) -> FktpRegistrationRow:
    if registration_id is not None:
        row = session.get(FktpRegistrationRow, registration_id, with_for_update=lock)
        if row is None or row.facility_code != facility_code:
            raise NotFound(Msg("error.queue.unknown", number=str(registration_id)), field="noUrut")
        return row
    p = participant_by_card(session, card_number or "")
    stmt = select(FktpRegistrationRow).where(
        FktpRegistrationRow.facility_code == facility_code, FktpRegistrationRow.participant_id == p.id,
        FktpRegistrationRow.registration_date == parse_date(day, "tanggalperiksa"),
        FktpRegistrationRow.poli_code == pcare_codes.fktp_poli(session, poli, "kodepoli")["code"])
    if number is not None:
        stmt = stmt.where(FktpRegistrationRow.queue_number == str(number).strip())
    row = session.scalars(stmt.order_by(FktpRegistrationRow.status.in_(WAITING).desc(), FktpRegistrationRow.id.desc())
                          .limit(1).with_for_update() if lock else stmt.limit(1)).first()
    if row is None:
        raise NotFound(Msg("error.queue.unknown", number=str(number or p.card_number)), field="noUrut")
    return row


def cancel(session: Session, facility_code: str, *, actor: Actor, reason: str | None = None, **where) -> dict:
    """Cancel a waiting registration (P-Care delete, Antrean FKTP ``batal``, the participant)."""
    with unit_of_work(session):
        row = _find(session, facility_code, **where)
        if row.status not in WAITING:
            raise Invalid(Msg("error.queue.not_waiting", number=row.queue_number), field="noUrut")
        row.status, row.cancel_reason = "CANCELLED", (reason or "").strip() or None
        audit.record_at_facility(session, actor, "fktp_queue.cancel", facility(session, row.facility_code),
                                 object_type="fktp_registration", object_id=row.id, summary=Msg("audit.summary.fktp_queue_cancel",
                                                                  number=row.queue_number))
        return view(session, row, session.get(ParticipantRow, row.participant_id))


def call(session: Session, facility_code: str, *, actor: Actor, present: bool, at_ms: int | None = None,
         **where) -> dict:
    """The clinic calls a waiting participant (Antrean FKTP ``panggil``: status 1 present, 2 absent)."""
    with unit_of_work(session):
        row = _find(session, facility_code, **where)
        if row.status not in WAITING:
            raise Invalid(Msg("error.queue.not_waiting", number=row.queue_number), field="noUrut")
        row.status = "CALLED" if present else "ABSENT"
        row.called_at_ms = at_ms if at_ms is not None else int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000)
        audit.record_at_facility(session, actor, "fktp_queue.call", facility(session, row.facility_code),
                                 object_type="fktp_registration", object_id=row.id, summary=Msg("audit.summary.fktp_queue_call",
                                                                  number=row.queue_number))
        return view(session, row, session.get(ParticipantRow, row.participant_id))


def mark_served(session: Session, registration_id: int, visit: VisitRow) -> None:
    """Inside the visit's unit of work: the registration the visit serves leaves the queue."""
    row = session.get(FktpRegistrationRow, registration_id, with_for_update=True)
    if row is None or row.facility_code != visit.facility_code or row.participant_id != visit.participant_id:
        raise NotFound(Msg("error.queue.unknown", number=str(registration_id)), field="registration")
    if row.status not in WAITING:
        raise Invalid(Msg("error.queue.not_waiting", number=row.queue_number), field="registration")
    row.status, row.visit_id = "SERVED", visit.id


def check_in(session: Session, registration_id: int, *, actor: Actor, participant_id: int) -> dict:
    """The participant says they have arrived (Mobile JKN check-in), on the day of the registration."""
    with unit_of_work(session):
        row = session.get(FktpRegistrationRow, registration_id, with_for_update=True)
        if row is None or row.participant_id != participant_id:
            raise NotFound(Msg("error.queue.unknown", number=str(registration_id)), field="registration")
        if row.status not in WAITING:
            raise Invalid(Msg("error.queue.not_waiting", number=row.queue_number), field="registration")
        if row.registration_date != jakarta_today():
            raise Invalid(Msg("error.queue.check_in_day", day=row.registration_date), field="registration")
        row.checked_in_at = dt.datetime.now(dt.timezone.utc)
        audit.record_at_facility(session, actor, "fktp_queue.check_in", facility(session, row.facility_code),
                                 object_type="fktp_registration", object_id=row.id, summary=Msg("audit.summary.fktp_queue_check_in",
                                                                  number=row.queue_number))
        return view(session, row, session.get(ParticipantRow, row.participant_id))


def position(session: Session, row: dict) -> dict:
    """Where a waiting registration stands: participants still waiting before it at the same poli,
    the number last called, and — once the day has two calls — an estimate from the mean time
    between the day's calls (A-Q11); None when it cannot be read from the day yet."""
    base = select(FktpRegistrationRow).where(FktpRegistrationRow.facility_code == row["facility_code"],
                                             FktpRegistrationRow.registration_date == parse_date(row["date"], "date"),
                                             FktpRegistrationRow.poli_code == row["poli"]["code"])
    ahead = len(session.scalars(base.where(FktpRegistrationRow.status == "WAITING",
                                           FktpRegistrationRow.queue_seq < row["queue_seq"])).all())
    calls = list(session.scalars(base.with_only_columns(FktpRegistrationRow.called_at_ms).where(
        FktpRegistrationRow.called_at_ms.is_not(None))).all())
    last = session.scalar(base.with_only_columns(FktpRegistrationRow.queue_number).where(
        FktpRegistrationRow.called_at_ms.is_not(None)).order_by(FktpRegistrationRow.called_at_ms.desc()).limit(1))
    return {"ahead": ahead, "last_called": last, "estimate": estimate(calls, ahead) if row["status"] == "WAITING" else None}


def estimate(calls: list[int], ahead: int) -> str | None:
    """The time (HH:MM, Jakarta) a number with ``ahead`` still waiting before it is likely called: the
    last call plus the mean time between the day's calls (ms) per number; None before two calls (A-Q11)."""
    calls = sorted(calls)
    if len(calls) < 2:
        return None
    step = (calls[-1] - calls[0]) / (len(calls) - 1)
    return dt.datetime.fromtimestamp((calls[-1] + step * (ahead + 1)) / 1000, JAKARTA).strftime("%H:%M")


def of_participant(session: Session, participant_id: int, *, since: dt.date) -> list[dict]:
    """A participant's registrations from ``since`` on, newest first, each with its position."""
    rows = session.scalars(select(FktpRegistrationRow).where(
        FktpRegistrationRow.participant_id == participant_id, FktpRegistrationRow.registration_date >= since)
        .order_by(FktpRegistrationRow.registration_date.desc(), FktpRegistrationRow.id.desc())).all()
    p = session.get(ParticipantRow, participant_id)
    return [{**(v := view(session, r, p)), **position(session, v)} for r in rows]
