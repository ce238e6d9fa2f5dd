"""Mobile JKN's queue at a hospital for the participant (issue #14): with a referral addressed to
a hospital, or a control letter of it, valid on the day, the participant takes a number at that
hospital's clinic. jkn keeps the queue itself (the hospital has not registered a Mobile JKN web
service of its own): the entry is an Antrean RS entry (``queues.add_queue``, the same checks as a
hospital's ``antrean/add``: the letter, active cover, the doctor's practice and its capacity, one
active entry per clinic and day), the number the next of the hospital's clinic that day, and the
time given is the practice's opening, not a guessed service time (assumption A-Q12)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.care import fktp_queue, queues, referrals
from jkn.services.care.common import JAKARTA, jakarta_today, next_serial, parse_date
from jkn.services.care.facilities import facility_name
from jkn.services.errors import NotFound
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import ControlLetterRow
from jkn.store.membership_tables import ParticipantRow
from jkn.store.queue_tables import HospitalQueueRow, QueueTaskRow

SOURCE = "Mobile JKN"


def letters(session: Session, p: ParticipantRow, on: dt.date) -> list[dict]:
    """The participant's referrals to a hospital valid on ``on`` and their control letters from then on."""
    out = [{"number": r["number"], "kind": "referral", "visit_type": 1 if r["origin_level"] == "1" else 4,
            "hospital": r["to_facility"], "poli": r["poli"], "valid_until": r["valid_until"], "date": None}
           for r in referrals.referrals_for_card(session, p.card_number, only_valid_on=on)
           if r["to_facility"]["code"] and r["poli"]["code"]]
    for c in session.scalars(select(ControlLetterRow).where(
            ControlLetterRow.participant_id == p.id, ControlLetterRow.deleted_at.is_(None),
            ControlLetterRow.control_date >= on).order_by(ControlLetterRow.control_date)):
        view = referrals.control_letter_view(session, c)
        out.append({"number": c.number, "kind": "control", "visit_type": 3, "doctor": c.doctor_code,
                    "hospital": {"code": c.facility_code, "name": facility_name(session, c.facility_code) or ""},
                    "poli": view["poli"], "valid_until": None, "date": c.control_date.isoformat()})
    return out


def take(session: Session, p: ParticipantRow, letter_number: str, day, *, actor: Actor) -> dict:
    """A number at the hospital and clinic of one of the participant's letters, on ``day``."""
    when = parse_date(day, "tanggalperiksa")
    letter = next((x for x in letters(session, p, when) if x["number"] == letter_number), None)
    if letter is None:
        raise NotFound(Msg("error.mjkn.letter_unknown", number=str(letter_number), day=when), field="letter")
    hospital, poli = letter["hospital"]["code"], letter["poli"]["code"]
    windows = [w for w in queues.schedules(session, hospital, poli=poli, on=when) if not w["closed"]
               and (letter.get("doctor") in (None, w["doctor_code"]))]
    if not windows:
        raise NotFound(Msg("error.mjkn.no_practice", poli=letter["poli"]["name"], day=when), field="tanggalperiksa")
    w = windows[0]
    with unit_of_work(session):  # the number and the entry together, or neither
        return queues.add_queue(session, hospital, _entry(p, letter, w, when, next_serial(
            session, f"{hospital}M{when:%y%m%d}")), actor=actor, source=SOURCE)


def _entry(p: ParticipantRow, letter: dict, w: dict, when: dt.date, n: int) -> dict:
    """The Antrean RS body of the participant's entry (the catalogue's field names); ``n`` names the
    booking, the number is the clinic's next (``queues.add_queue``, A-Q14)."""
    poli = letter["poli"]["code"]
    opens = dt.datetime.combine(when, dt.time.fromisoformat(w["opens"]), JAKARTA)
    return {"kodebooking": f"MJKN{letter['hospital']['code']}{when:%y%m%d}{n:04d}", "jenispasien": "JKN",
            "nomorkartu": p.card_number, "nik": p.nik, "kodepoli": poli, "namapoli": letter["poli"]["name"], "pasienbaru": 0,
            "tanggalperiksa": when.isoformat(), "kodedokter": w["doctor_code"], "namadokter": w["doctor_name"],
            "jampraktek": f"{w['opens']}-{w['closes']}", "jeniskunjungan": letter["visit_type"],
            "nomorreferensi": letter["number"],
            "estimasidilayani": int(opens.timestamp() * 1000), "kuotajkn": w["capacity"], "keterangan": ""}


def of_participant(session: Session, p: ParticipantRow) -> list[dict]:
    """The participant's hospital queue entries from today on, each with its position."""
    rows = session.scalars(select(HospitalQueueRow).where(
        HospitalQueueRow.participant_id == p.id, HospitalQueueRow.service_date >= jakarta_today())
        .order_by(HospitalQueueRow.service_date, HospitalQueueRow.id)).all()
    return [{**queues.queue_view(r, []), "hospital": facility_name(session, r.facility_code) or r.facility_code,
             "facility_code": r.facility_code, "poli_name": r.poli_name, "doctor_name": r.doctor_name,
             "cancelled": r.status == "CANCELLED", **position(session, r),
             "opens": dt.datetime.fromtimestamp(r.estimated_ms / 1000, JAKARTA).strftime("%H:%M")} for r in rows]


def position(session: Session, r: HospitalQueueRow) -> dict:
    """Where an entry stands in its doctor's practice that day, as the FKTP number does (A-Q11): the
    entries before it not yet called to the clinic (task 4, "mulai dilayani poli"), the number last
    called, and the estimate from the day's task 4 times; ``waiting`` False once it is called or ended."""
    day = select(HospitalQueueRow.id, HospitalQueueRow.queue_seq, HospitalQueueRow.queue_number).where(
        HospitalQueueRow.facility_code == r.facility_code, HospitalQueueRow.service_date == r.service_date,
        HospitalQueueRow.poli_code == r.poli_code, HospitalQueueRow.doctor_code == r.doctor_code,
        HospitalQueueRow.status == "ACTIVE")
    entries = session.execute(day).all()
    called = dict(session.execute(select(QueueTaskRow.queue_id, QueueTaskRow.at_ms).where(
        QueueTaskRow.task_id == 4, QueueTaskRow.queue_id.in_([e.id for e in entries] or [0]))).all())
    ahead = sum(1 for e in entries if e.queue_seq < r.queue_seq and e.id not in called)
    last = max((e for e in entries if e.id in called), key=lambda e: called[e.id], default=None)
    waiting = r.status == "ACTIVE" and r.id not in called
    return {"waiting": waiting, "ahead": ahead, "last_called": last.queue_number if last else None,
            "estimate": fktp_queue.estimate(list(called.values()), ahead) if waiting else None}


def cancel(session: Session, p: ParticipantRow, booking_code: str, *, actor: Actor) -> dict:
    mine = {e["booking_code"]: e for e in of_participant(session, p)}
    if booking_code not in mine:
        raise NotFound(Msg("error.queue.unknown", number=str(booking_code)), field="kodebooking")
    return queues.cancel_queue(session, mine[booking_code]["facility_code"],
                               {"kodebooking": booking_code, "keterangan": "dibatalkan peserta"}, actor=actor)
