"""Mobile JKN's queue at a hospital for the participant (issue #14): with a referral addressed to
a hospital, or a control letter of it, valid on the day, the participant takes a number at that
hospital's clinic. jkn keeps the queue itself (the hospital has not registered a Mobile JKN web
service of its own): the entry is an Antrean RS entry (``queues.add_queue``, the same checks as a
hospital's ``antrean/add``: the letter, active cover, the doctor's practice and its capacity, one
active entry per clinic and day), the number the next of the hospital's clinic that day, and the
time given is the practice's opening, not a guessed service time (assumption A-Q12).

Where the hospital registered its own Mobile JKN web service (:mod:`.mobile_jkn_services`), jkn
calls it as Mobile JKN does (:mod:`.mobile_jkn_remote`): Ambil Antrean (and Info Pasien Baru when
the hospital answers 202), Sisa Antrean on the day, Batal Antrean, Check-In. The hospital's answer
(booking code, number, estimate, quotas) is then kept as the Antrean RS entry BPJS keeps, so the
hospital's SIMRS sends its task times to it; a failure of the hospital's service changes nothing
here, and an entry jkn cannot keep is cancelled at the hospital again (assumption A-Q16)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.domain.timestamps import utcnow
from jkn.services.care import fktp_queue, mobile_jkn_remote, mobile_jkn_services, queues, referrals
from jkn.services.care.common import JAKARTA, Refused, facility, jakarta_today, next_serial, parse_date
from jkn.services.care.facilities import facility_name
from jkn.services.care.mobile_jkn_remote import NEW_PATIENT, OK, Service
from jkn.services.errors import DomainError, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import ControlLetterRow
from jkn.store.membership_tables import FamilyRow, ParticipantRow
from jkn.store.reference_tables import KabKotaRow
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
    queues.check_days_ahead(when)
    letter = next((x for x in letters(session, p, when) if x["number"] == letter_number), None)
    if letter is None:
        raise NotFound(Msg("error.mjkn.letter_unknown", number=str(letter_number), day=when), field="letter")
    hospital, poli = letter["hospital"]["code"], letter["poli"]["code"]
    windows = [w for w in queues.schedules(session, hospital, poli=poli, on=when) if not w["closed"]
               and (letter.get("doctor") in (None, w["doctor_code"]))]
    if not windows:
        raise NotFound(Msg("error.mjkn.no_practice", poli=letter["poli"]["name"], day=when), field="tanggalperiksa")
    w = windows[0]
    remote = mobile_jkn_services.service_for(session, hospital, letter["hospital"]["name"])
    if remote is not None:
        return _take_at(session, remote, p, letter, w, when, actor=actor)
    with unit_of_work(session):  # the number and the entry together, or neither
        return queues.add_queue(session, hospital, _entry(p, letter, w, when, next_serial(
            session, f"{hospital}M{when:%y%m%d}")), actor=actor, source=SOURCE)


def _take_request(p: ParticipantRow, letter: dict, w: dict, when: dt.date, mr_number: str = "") -> dict:
    """The Ambil Antrean body (the catalogue's ten fields); ``kodedokter`` a number as in the catalogue."""
    code = w["doctor_code"]
    return {"nomorkartu": p.card_number, "nik": p.nik, "nohp": "", "kodepoli": letter["poli"]["code"],
            "norm": mr_number, "tanggalperiksa": when.isoformat(), "kodedokter": int(code) if code.isdigit() else code,
            "jampraktek": f"{w['opens']}-{w['closes']}", "jeniskunjungan": letter["visit_type"],
            "nomorreferensi": letter["number"]}


def new_patient_request(session: Session, p: ParticipantRow) -> dict:
    """Info Pasien Baru: the participant's identity as the catalogue lists it; what jkn does not
    hold (district, village, RT/RW, phone) is sent empty."""
    kab = session.get(KabKotaRow, p.kabkota_code)
    family = session.get(FamilyRow, p.family_id)
    return {"nomorkartu": p.card_number, "nik": p.nik, "nomorkk": (family.kk_number if family else None) or "",
            "nama": p.name, "jeniskelamin": p.sex, "tanggallahir": p.birth_date.isoformat(), "nohp": "",
            "alamat": p.address or "", "kodeprop": kab.province_code if kab else "", "namaprop": "",
            "kodedati2": p.kabkota_code, "namadati2": kab.name if kab else "", "kodekec": "", "namakec": "",
            "kodekel": "", "namakel": "", "rw": "", "rt": ""}


def _take_at(session: Session, remote: Service, p: ParticipantRow, letter: dict, w: dict, when: dt.date, *,
             actor: Actor) -> dict:
    """Ambil Antrean at the hospital's service, then the entry kept as BPJS keeps it (A-Q16)."""
    answer = mobile_jkn_remote.ask(remote, "take", _take_request(p, letter, w, when), accept=(OK, NEW_PATIENT))
    new_patient = answer.code == NEW_PATIENT
    if new_patient:  # the catalogue: on 202 Mobile JKN sends Info Pasien Baru, then takes with the norm
        norm = mobile_jkn_remote.ask(remote, "new_patient", new_patient_request(session, p)).response or {}
        answer = mobile_jkn_remote.ask(remote, "take", _take_request(p, letter, w, when, str(norm.get("norm") or "")))
    got = answer.response if isinstance(answer.response, dict) else {}
    entry = {**_entry(p, letter, w, when, 0), "pasienbaru": int(new_patient),
             **{k: got.get(k) for k in ("kodebooking", "nomorantrean", "angkaantrean", "norm", "estimasidilayani",
                                       "kuotajkn", "sisakuotajkn", "kuotanonjkn", "sisakuotanonjkn", "keterangan")}}
    try:
        with unit_of_work(session):
            return queues.add_queue(session, letter["hospital"]["code"], entry, actor=actor, source=SOURCE)
    except DomainError:
        if got.get("kodebooking"):  # the hospital keeps no number jkn cannot keep
            try:
                mobile_jkn_remote.ask(remote, "cancel", {"kodebooking": str(got["kodebooking"]),
                                                         "keterangan": "Antrean tidak dapat dicatat di BPJS"})
            except DomainError:
                pass
        raise


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
             "cancelled": r.status == "CANCELLED", "checked_in": r.checked_in_at is not None, **position(session, r),
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


def _mine(session: Session, p: ParticipantRow, booking_code: str) -> HospitalQueueRow:
    row = session.scalar(select(HospitalQueueRow).where(HospitalQueueRow.participant_id == p.id,
                                                        HospitalQueueRow.booking_code == str(booking_code),
                                                        HospitalQueueRow.service_date >= jakarta_today()))
    if row is None:
        raise NotFound(Msg("error.queue.unknown", number=str(booking_code)), field="kodebooking")
    return row


def cancel(session: Session, p: ParticipantRow, booking_code: str, *, actor: Actor) -> dict:
    """Batal Antrean: at the hospital's service first when it runs one, then here."""
    row = _mine(session, p, booking_code)
    body = {"kodebooking": row.booking_code, "keterangan": "dibatalkan peserta"}
    if row.status == "ACTIVE":
        remote = mobile_jkn_services.service_for(session, row.facility_code, facility_name(session, row.facility_code))
        if remote is not None:
            mobile_jkn_remote.ask(remote, "cancel", body)
    return queues.cancel_queue(session, row.facility_code, body, actor=actor)


def check_in(session: Session, p: ParticipantRow, booking_code: str, *, actor: Actor) -> dict:
    """Check-In on the day of an entry not cancelled, served or checked in already: the hospital's
    service is told first (``{kodebooking, waktu}``) when it runs one; the time is kept here."""
    row = _mine(session, p, booking_code)
    if row.status != "ACTIVE" or row.checked_in_at is not None or row.service_date != jakarta_today():
        raise Refused(Msg("error.mjkn.check_in_not_now", booking=row.booking_code), rule="CHECK_IN", explanation=[])
    remote = mobile_jkn_services.service_for(session, row.facility_code, facility_name(session, row.facility_code))
    if remote is not None:
        mobile_jkn_remote.ask(remote, "check_in", {"kodebooking": row.booking_code, "waktu": mobile_jkn_remote.now_ms()})
    with unit_of_work(session):
        row = session.get(HospitalQueueRow, row.id, with_for_update=True)
        if row.checked_in_at is not None:
            raise Refused(Msg("error.mjkn.check_in_not_now", booking=row.booking_code), rule="CHECK_IN", explanation=[])
        row.checked_in_at = utcnow()
        fac = facility(session, row.facility_code)
        audit.record_at_facility(session, actor, "queue.check_in", fac, object_type="hospital_queue",
                                 object_id=row.booking_code, summary=Msg("audit.sum.queue_check_in"))
        return {"kodebooking": row.booking_code}


def live(session: Session, entry: dict) -> dict:
    """Sisa Antrean from the hospital's own service for an active entry of today: ``{"left",
    "called", "wait_minutes", "note"}``, ``{"error": Msg}`` when the service fails, ``{}`` when
    the hospital runs none (jkn's own position is shown) or the day is not today."""
    if entry["cancelled"] or entry["date"] != jakarta_today().isoformat():
        return {}
    try:
        remote = mobile_jkn_services.service_for(session, entry["facility_code"], entry["hospital"])
        if remote is None:
            return {}
        got = mobile_jkn_remote.ask(remote, "left", {"kodebooking": entry["booking_code"]}).response or {}
    except DomainError as exc:
        return {"error": exc.say}
    wait = got.get("waktutunggu")
    return {"left": got.get("sisaantrean"), "called": got.get("antreanpanggil") or "-",
            "wait_minutes": wait // 60 if isinstance(wait, int) else None, "note": got.get("keterangan") or ""}


def operations(session: Session, p: ParticipantRow, entries: list[dict], letters_: list[dict]) -> list[dict]:
    """Jadwal Operasi Pasien at each hospital of her entries and letters that runs its own service:
    ``{"hospital", "list": [{kodebooking, tanggaloperasi, jenistindakan, kodepoli, namapoli,
    terlaksana}]}`` or ``{"hospital", "error": Msg}``; hospitals without a service are left out."""
    hospitals = dict.fromkeys([e["facility_code"] for e in entries] + [x["hospital"]["code"] for x in letters_])
    out = []
    for code in hospitals:
        name = facility_name(session, code) or code
        try:
            remote = mobile_jkn_services.service_for(session, code, name)
            if remote is None:
                continue
            got = mobile_jkn_remote.ask(remote, "patient_operations", {"nopeserta": p.card_number}).response or {}
        except DomainError as exc:
            out.append({"hospital": name, "error": exc.say})
            continue
        out.append({"hospital": name, "list": [o for o in got.get("list") or [] if isinstance(o, dict)]})
    return out
