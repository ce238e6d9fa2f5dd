"""Hospital queues (issue #14): doctors' practice schedules, queue entries and their task times,
kept as BPJS's Antrean RS keeps them for a hospital's SIMRS (docs/antrean.md).

The hospital decides its schedules, queue numbers, estimates and quotas; this service keeps them
and holds the rules the service states ("Catatan" of ``antrean/updatewaktu``: task ids in order,
a larger task id never earlier than a smaller one; new patients start at task 1, returning ones at
task 3) and the guide's (a JKN patient is served while the cover is active, with a referral or
control letter: Panduan Peserta, TATA CARA MENDAPATKAN PELAYANAN KESEHATAN §2). Messages are the
ones Antrean RS clients expect where they are known (assumption A-Q04).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import namedtuple
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Iterable

from sqlalchemy import String, bindparam, cast, delete, func, insert, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from jkn.domain.timestamps import utcnow
from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.services.care import eligibility as care_eligibility
from jkn.services.care.common import (JAKARTA, NIK_RE, Refused, dialect_insert, facility, jakarta_today, next_serial,
                                     parse_date, refuse_inactive, serial_upsert, valid_card)
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.paging import page
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import ControlLetterRow, FacilityStaffRow, ReferralRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.prepared import PreparedRead, PreparedWrite
from jkn.store.queue_tables import DoctorScheduleRow, HospitalQueueRow, QueueTaskRow
from jkn.store.reference_tables import KabKotaRow

CATALOGUE = "Katalog Antrean RS (BPJS Kesehatan), antrean/updatewaktu, Catatan"
DAY_NAMES = {1: "SENIN", 2: "SELASA", 3: "RABU", 4: "KAMIS", 5: "JUMAT", 6: "SABTU", 7: "MINGGU", 8: "LIBUR NASIONAL"}
TASK_NAMES = {1: "mulai waktu tunggu admisi", 2: "akhir waktu tunggu admisi/mulai waktu layan admisi",
              3: "akhir waktu layan admisi/mulai waktu tunggu poli", 4: "akhir waktu tunggu poli/mulai waktu layan poli",
              5: "akhir waktu layan poli/mulai waktu tunggu farmasi",
              6: "akhir waktu tunggu farmasi/mulai waktu layan farmasi membuat obat", 7: "akhir waktu obat selesai dibuat",
              99: "tidak hadir/batal"}
VISIT_TYPES = {1: "Rujukan FKTP", 2: "Rujukan Internal", 3: "Kontrol", 4: "Rujukan Antar RS"}
PRESCRIPTIONS = ("racikan", "non racikan", "tidak ada")
DOCTOR_ROLES = ("DOCTOR", "SPECIALIST", "DENTIST")
SOURCE_BRIDGING = "Bridging Antrean RS"
#: Days, today included, a queue number can be taken for, at an FKTP or a hospital, on every path (A-Q25).
QUEUE_DAYS = 7
_HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_CODE = re.compile(r"[0-9A-Za-z#/._-]{1,40}")


class Duplicate(Conflict):
    """Sent again: a booking code or a task time the hospital already sent (code 208 in Antrean RS)."""


@dataclass(frozen=True)
class Window:
    weekday: int
    opens: str
    closes: str
    capacity: int | None = None


def _hours(value, field: str) -> str:
    text = str(value or "").strip()
    if not _HHMM.fullmatch(text):
        raise Invalid(Msg("error.queue.time_format", field=field, text=repr(text)), field=field)
    return text


def window(weekday, opens, closes, capacity=None) -> Window:
    """One practice window, checked: day 1-8 (8 = national holidays), HH:MM, opens before it closes."""
    try:
        day = int(str(weekday).strip())
    except ValueError:
        day = 0
    if day not in DAY_NAMES:
        raise Invalid(Msg("error.queue.day_range"), field="hari")
    o, c = _hours(opens, "buka"), _hours(closes, "tutup")
    if o >= c:
        raise Invalid(Msg("error.queue.open_before_close", o=o, c=c), field="buka")
    if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool) or not 0 <= capacity <= 10_000):
        raise Invalid(Msg("error.queue.capacity_range"), field="kapasitas")
    return Window(day, o, c, capacity)


def _doctor_unknown(facility_code: str, code: str) -> NotFound:
    return NotFound(Msg("error.queue.doctor_unknown", code=str(code), facility_code=str(facility_code)), field="kodedokter")


def _doctor(session: Session, facility_code: str, code: str) -> FacilityStaffRow:
    row = session.scalars(select(FacilityStaffRow).where(
        FacilityStaffRow.facility_code == facility_code, FacilityStaffRow.registration_number == code,
        FacilityStaffRow.role.in_(DOCTOR_ROLES), FacilityStaffRow.active.is_(True)).limit(1)).first()
    if row is None:
        raise _doctor_unknown(facility_code, code)
    return row


def _poli(code, field: str = "kodepoli") -> care_codes.Poli:
    p = care_codes.polis().get(str(code or "").strip().upper())
    if p is None:
        raise NotFound(Msg("error.queue.poli_unknown", code=repr(code)), field=field)
    return p


def _doctor_code(value, field: str = "kodedokter") -> str:
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 20:
        raise Invalid(Msg("error.queue.doctor_code_format", field=field), field=field)
    return text


# --- doctors and schedules -------------------------------------------------------------------

def doctors(session: Session, facility_code: str) -> list[dict]:
    """The facility's doctors that carry a BPJS doctor code (staff ``registration_number``)."""
    rows = session.scalars(select(FacilityStaffRow).where(
        FacilityStaffRow.facility_code == facility_code, FacilityStaffRow.role.in_(DOCTOR_ROLES),
        FacilityStaffRow.active.is_(True), FacilityStaffRow.registration_number.is_not(None))
        .order_by(FacilityStaffRow.name))
    return [{"code": r.registration_number, "name": r.name, "poli": r.poli_code} for r in rows
            if (r.registration_number or "").isdigit()]


def set_schedule(session: Session, facility_code: str, *, actor: Actor, poli: str, subspecialist: str,
                 doctor_code, windows: Iterable[Window]) -> list[dict]:
    """Replace a doctor's week at a clinic (``jadwaldokter/updatejadwaldokter``): the windows given are
    the schedule from now on (A-Q02); a window's capacity, when not given, is kept from the same
    day and hours before."""
    pol, sub = _poli(poli), _poli(subspecialist, "kodesubspesialis")
    code = _doctor_code(doctor_code)
    windows = list(windows)
    if not windows:
        raise Invalid(Msg("error.queue.schedule_empty"), field="jadwal")
    if len({(w.weekday, w.opens) for w in windows}) != len(windows):
        raise Invalid(Msg("error.queue.schedule_twice"), field="jadwal")
    with unit_of_work(session):
        fac = facility(session, facility_code, "facility_code")
        doc = _doctor(session, fac.code, code)
        mine = (DoctorScheduleRow.facility_code == fac.code, DoctorScheduleRow.poli_code == pol.code,
                DoctorScheduleRow.subspecialist_code == sub.code, DoctorScheduleRow.doctor_code == code)
        before = {(r.weekday, r.opens, r.closes): r.capacity for r in session.scalars(select(DoctorScheduleRow).where(*mine))}
        session.execute(delete(DoctorScheduleRow).where(*mine))
        rows = [DoctorScheduleRow(facility_code=fac.code, poli_code=pol.code, subspecialist_code=sub.code,
                                  doctor_code=code, weekday=w.weekday, opens=w.opens, closes=w.closes,
                                  capacity=w.capacity if w.capacity is not None else before.get((w.weekday, w.opens, w.closes)),
                                  closed=False)
                for w in sorted(windows, key=lambda w: (w.weekday, w.opens))]
        session.add_all(rows)
        session.flush()
        audit.record_at_facility(session, actor, "doctor_schedule.set", fac, object_type="doctor_schedule",
                                 object_id=f"{pol.code}/{sub.code}/{code}",
                                 summary=Msg("audit.sum.schedule", doctor=doc.name, poli=pol.code, n=len(rows)),
                                 before={"windows": [list(k) + [v] for k, v in before.items()]},
                                 after={"windows": [[r.weekday, r.opens, r.closes, r.capacity] for r in rows]})
        return [_schedule_view(r, doc.name) for r in rows]


def _schedule_view(r: DoctorScheduleRow, doctor_name: str | None) -> dict:
    pol, sub = care_codes.polis().get(r.poli_code), care_codes.polis().get(r.subspecialist_code)
    return {"poli": r.poli_code, "poli_name": pol.name if pol else "", "subspecialist": r.subspecialist_code,
            "subspecialist_name": sub.name if sub else "", "doctor_code": r.doctor_code, "doctor_name": doctor_name or "",
            "weekday": r.weekday, "day_name": DAY_NAMES[r.weekday], "opens": r.opens, "closes": r.closes,
            "capacity": r.capacity, "closed": r.closed}


def schedules(session: Session, facility_code: str, *, poli: str | None = None, on: "dt.date | str | None" = None,
              weekday: int | None = None) -> list[dict]:
    """The facility's practice windows, for a clinic and the weekday of a date when given."""
    names = {d["code"]: d["name"] for d in doctors(session, facility_code)}
    stmt = _schedules(facility_code, poli=poli, on=on, weekday=weekday)
    return [_schedule_view(r, names.get(r.doctor_code)) for r in session.scalars(stmt)]


def schedules_page(session: Session, facility_code: str, *, poli: str | None = None, on: "dt.date | str | None" = None,
                   limit: int, offset: int = 0) -> dict:
    """One page of :func:`schedules` (jkn.services.paging)."""
    names = {d["code"]: d["name"] for d in doctors(session, facility_code)}
    return page(session, _schedules(facility_code, poli=poli, on=on, weekday=None), limit, offset,
                lambda r: _schedule_view(r, names.get(r.doctor_code)))


def _schedules(facility_code: str, *, poli: str | None, on: "dt.date | str | None", weekday: int | None):
    stmt = select(DoctorScheduleRow).where(DoctorScheduleRow.facility_code == facility_code)
    if poli:
        code = _poli(poli).code
        stmt = stmt.where((DoctorScheduleRow.poli_code == code) | (DoctorScheduleRow.subspecialist_code == code))
    if on is not None:
        weekday = parse_date(on, "tanggal").isoweekday()
    if weekday is not None:
        stmt = stmt.where(DoctorScheduleRow.weekday == weekday)
    return stmt.order_by(DoctorScheduleRow.poli_code, DoctorScheduleRow.doctor_code, DoctorScheduleRow.weekday,
                         DoctorScheduleRow.opens, DoctorScheduleRow.id)


# --- queue entries --------------------------------------------------------------------------

def _text(body: dict, key: str, *, required: bool = True, size: int = 120) -> str | None:
    value = body.get(key)
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise Invalid(Msg("error.queue.empty", field=key), field=key)
        return None
    if len(text) > size:
        raise Invalid(Msg("error.queue.too_long", field=key, size=size), field=key)
    return text


def _whole(body: dict, key: str, *, required: bool = True, low: int = 0, high: int = 2**31 - 1) -> int | None:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise Invalid(Msg("error.queue.empty", field=key), field=key)
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Invalid(Msg("error.queue.digits", field=key), field=key) from None
    if not low <= number <= high:
        raise Invalid(Msg("error.queue.range", field=key, low=low, high=high), field=key)
    return number


def _booking(session: Session, facility_code: str, code) -> HospitalQueueRow:
    text = str(code or "").strip()
    if not text:
        raise Invalid(Msg("error.queue.booking_required"), field="kodebooking")
    stmt = select(HospitalQueueRow).where(HospitalQueueRow.facility_code == facility_code,
                                          HospitalQueueRow.booking_code == text)
    row = session.scalars(stmt).first()
    if row is None:
        raise NotFound(Msg("error.queue.booking_unknown", text=text), field="kodebooking")
    return row


#: the columns of a referral and of a control letter that an entry is checked against
_LETTER_COLUMNS = {"referral": (ReferralRow, ("number", "deleted_at", "participant_id", "origin_level", "to_facility",
                                              "referral_date", "valid_until")),
                   "control": (ControlLetterRow, ("number", "deleted_at", "participant_id", "facility_code"))}


@dataclass(frozen=True)
class Practice:
    """What an entry is checked against, read in one statement (:func:`_practice`)."""

    code: str  # the facility's
    branch_code: str | None  # the branch serving its kab/kota (the audit row's)
    doctor_name: str | None  # None: no active doctor with that code at the facility
    window_id: int | None  # the doctor's window at the clinic on the day and hours; None: none
    closed: bool | None
    capacity: int | None
    booking_taken: int | None  # the entry that already has the booking code
    letter: SimpleNamespace | None  # the referral or control letter, when one was asked for and exists
    participant: tuple | None  # with a letter: the row of eligibility.by_card_statement, None if no such card


_PRACTICE: dict = {}


def _practice_statement(letter: str | None) -> tuple[PreparedRead, type | None]:
    """The statement of :func:`_practice` for a kind of letter (with a letter, a JKN patient's: the
    participant's look-up of ``eligibility.check`` joined in), built once (building it costs more CPU
    than running it) and prepared on PostgreSQL; and the type of the participant's row."""
    if letter not in _PRACTICE:
        code = bindparam("code")
        doctor = select(FacilityStaffRow.name).where(
            FacilityStaffRow.facility_code == code, FacilityStaffRow.registration_number == bindparam("doctor_code"),
            or_(*(FacilityStaffRow.role == r for r in DOCTOR_ROLES)),  # not IN: prepared (jkn.store.prepared)
            FacilityStaffRow.active.is_(True)).order_by(FacilityStaffRow.id).limit(1)
        poli = bindparam("poli")
        window = select(DoctorScheduleRow.id).where(
            DoctorScheduleRow.facility_code == code, DoctorScheduleRow.doctor_code == bindparam("doctor_code"),
            (DoctorScheduleRow.poli_code == poli) | (DoctorScheduleRow.subspecialist_code == poli),
            DoctorScheduleRow.weekday == bindparam("weekday"),
            DoctorScheduleRow.opens + "-" + DoctorScheduleRow.closes == bindparam("hours")
        ).order_by(DoctorScheduleRow.id).limit(1)
        taken = select(HospitalQueueRow.id).where(HospitalQueueRow.facility_code == code,
                                                  HospitalQueueRow.booking_code == bindparam("booking")).limit(1)
        joined = (FacilityRow.__table__.outerjoin(KabKotaRow.__table__, KabKotaRow.code == FacilityRow.kabkota_code)
                  .outerjoin(DoctorScheduleRow.__table__, DoctorScheduleRow.id == window.scalar_subquery()))
        letter_columns, person_columns, person = [], [], None
        if letter is not None:
            table, names = _LETTER_COLUMNS[letter]
            joined = joined.outerjoin(table.__table__, table.number == bindparam("reference"))
            letter_columns = [getattr(table, n).label(f"letter_{n}") for n in names]
            found = care_eligibility.by_card_statement().subquery("person")  # its card: parameter "key"
            joined = joined.outerjoin(found, true())
            person_columns = [c.label(f"p_{c.key}") for c in found.c]
            person = namedtuple("Participant", list(found.c.keys()))
        _PRACTICE[letter] = PreparedRead(select(
            FacilityRow.code, KabKotaRow.branch_code, doctor.scalar_subquery().label("doctor_name"),
            DoctorScheduleRow.id.label("window_id"), DoctorScheduleRow.closed, DoctorScheduleRow.capacity,
            taken.scalar_subquery().label("booking_taken"), *letter_columns, *person_columns).select_from(joined).where(
            FacilityRow.code == code)), person
    return _PRACTICE[letter]


def _practice(session: Session, facility_code: str, *, doctor_code: str, poli: str, day: dt.date, hours: str,
              booking: str, letter: str | None, reference: str | None, card: str | None) -> Practice:
    """The facility (NotFound if unknown), the branch serving it, its doctor, the doctor's practice
    window at the clinic on the day and hours, whether the booking code is taken, the referral or
    control letter (``letter``: "referral", "control" or None) and, with a letter, the participant of
    ``card`` as ``eligibility.check`` reads them — one round trip where these were seven
    (docs/benchmarks.md, "Antrean RS writes" and "third pass")."""
    code = (facility_code or "").strip().upper()
    params = {"code": code, "doctor_code": doctor_code, "poli": poli, "weekday": day.isoweekday(), "hours": hours,
              "booking": booking}
    if letter is not None:
        params.update(reference=reference or "", key=card)
    read, person = _practice_statement(letter)
    row = read.first(session, params)
    if row is None:
        facility(session, facility_code, "facility_code")  # its NotFound
        raise Conflict(Msg("error.concurrent_change"))  # the facility was added since
    kept = participant = None
    if letter is not None:  # the row by position: the practice's columns, the letter's, the participant's
        names = _LETTER_COLUMNS[letter][1]
        if row.letter_number is not None:
            kept = SimpleNamespace(**dict(zip(names, row[_OWN:_OWN + len(names)])))
        if row.p_id is not None:
            participant = person._make(row[_OWN + len(names):])
    return Practice(*row[:_OWN], kept, participant)


#: the columns of :class:`Practice` read from the facility, schedule and queue (the statement's first ones)
_OWN = 7


def _check_reference(facility_code: str, p, visit_type: int, number: str, day: dt.date,
                     letter: SimpleNamespace | None) -> None:
    """The referral or control letter (``letter``, None if there is none with that number) a JKN
    patient comes with (TATA CARA §2): it is the participant's, is addressed to this hospital and is
    valid on the day (A-Q03)."""
    if visit_type == 3:
        if letter is None or letter.deleted_at is not None or letter.participant_id != p.id:
            raise Refused(f"Nomor surat kontrol {number} tidak ditemukan untuk peserta {p.card_number}",
                          rule="NO_CONTROL_LETTER", explanation=[])
        if letter.facility_code != facility_code:
            raise Refused(f"Surat kontrol {number} bukan untuk {facility_code}", rule="NOT_ADDRESSED_HERE",
                          explanation=[])
        return
    ref = letter
    if ref is None or ref.deleted_at is not None or ref.participant_id != p.id:
        raise Refused(f"Nomor rujukan {number} tidak ditemukan untuk peserta {p.card_number}", rule="NO_REFERRAL",
                      explanation=[])
    origin = {1: "1", 4: "2"}.get(visit_type)
    if origin and ref.origin_level != origin:
        raise Refused(f"Rujukan {number} bukan {VISIT_TYPES[visit_type]}", rule="REFERRAL_KIND", explanation=[])
    if ref.to_facility != facility_code:
        raise Refused(f"Rujukan {number} ditujukan ke {ref.to_facility}, bukan {facility_code}",
                      rule="NOT_ADDRESSED_HERE", explanation=[])
    if not ref.referral_date <= day <= ref.valid_until:
        raise Refused(f"Rujukan {number} berlaku {ref.referral_date} sampai {ref.valid_until}, tidak pada {day} "
                      "[Panduan Peserta, TATA CARA MENDAPATKAN PELAYANAN KESEHATAN §2]", rule="REFERRAL_EXPIRED",
                      explanation=[])


def check_days_ahead(day: dt.date, field: str = "tanggalperiksa") -> None:
    """A queue's day lies within :data:`QUEUE_DAYS` days from today (A-Q25)."""
    last = jakarta_today() + dt.timedelta(days=QUEUE_DAYS - 1)
    if day > last:
        raise Invalid(Msg("error.queue.day_too_far", day=day, last=last, days=QUEUE_DAYS), field=field)


def add_queue(session: Session, facility_code: str, body: dict, *, actor: Actor, source: str = SOURCE_BRIDGING) -> dict:
    """A queue entry as the SIMRS sends it to ``antrean/add`` (field names of the catalogue)."""
    if not isinstance(body, dict):
        raise Invalid(Msg("error.queue.body_object"), field="body")
    booking = _text(body, "kodebooking", size=40)
    if not _CODE.fullmatch(booking):
        raise Invalid(Msg("error.queue.booking_format"), field="kodebooking")
    kind = (_text(body, "jenispasien", size=10) or "").upper()
    if kind not in ("JKN", "NON JKN"):
        raise Invalid(Msg("error.queue.patient_kind"), field="jenispasien")
    jkn = kind == "JKN"
    nik = _text(body, "nik", size=16)
    if not NIK_RE.fullmatch(nik):
        raise Invalid(Msg("error.queue.nik_format"), field="nik")
    day = parse_date(_text(body, "tanggalperiksa", size=10), "tanggalperiksa")
    if day < jakarta_today():
        raise Invalid(Msg("error.queue.date_past", day=day), field="tanggalperiksa")
    check_days_ahead(day)
    visit_type = _whole(body, "jeniskunjungan", low=1, high=4) if jkn else (_whole(body, "jeniskunjungan", required=False,
                                                                                   low=1, high=4) or 1)
    reference = _text(body, "nomorreferensi", required=jkn, size=40)
    hours = (_text(body, "jampraktek", size=13) or "").replace(" ", "")
    new_patient = _whole(body, "pasienbaru", low=0, high=1)
    doctor_code = _doctor_code(body.get("kodedokter"))
    pol = _poli(body.get("kodepoli"))
    queue_number = _text(body, "nomorantrean", required=False, size=20)
    seq = _whole(body, "angkaantrean", required=queue_number is not None, low=0)
    if seq is not None and queue_number is None:
        raise Invalid(Msg("error.queue.empty", field="nomorantrean"), field="nomorantrean")
    estimate = _whole(body, "estimasidilayani", low=0, high=2**63 - 1)
    quotas = {k: _whole(body, k, required=False) for k in ("kuotajkn", "sisakuotajkn", "kuotanonjkn", "sisakuotanonjkn")}
    kind_of_letter = None if not jkn else "control" if visit_type == 3 else "referral"
    card = valid_card(_text(body, "nomorkartu", size=13)) if jkn else None
    with unit_of_work(session):
        ctx = _practice(session, facility_code, doctor_code=doctor_code, poli=pol.code, day=day, hours=hours,
                        booking=booking, letter=kind_of_letter, reference=reference, card=card)
        if ctx.doctor_name is None:
            raise _doctor_unknown(ctx.code, doctor_code)
        if ctx.window_id is None or ctx.closed:
            raise Refused(f"Jadwal dokter {ctx.doctor_name} di poli {pol.code} pada {DAY_NAMES[day.isoweekday()]} {day} "
                          f"jam {hours} tidak ada atau tutup", rule="NO_SCHEDULE", explanation=[])
        if ctx.booking_taken is not None:
            raise Duplicate("Terdapat duplikasi Kode Booking", field="kodebooking")
        participant = None
        if jkn:  # the patient's own checks first: they do not depend on other takes, so no lock is held yet
            elig = care_eligibility.of_row(session, ctx.participant, day, card_number=card)
            participant = elig.participant
            if participant.nik != nik:
                raise Invalid(Msg("error.queue.nik_not_participant", nik=str(nik), card=str(card)), field="nik")
            if not elig.active:
                raise refuse_inactive(elig, day)
            _check_reference(ctx.code, participant, visit_type, reference, day, ctx.letter)
        values = dict(
            facility_code=ctx.code, booking_code=booking, jkn=jkn, participant_id=participant.id if participant else None,
            card_number=card, nik=nik, phone=_text(body, "nohp", required=False, size=20), poli_code=pol.code,
            poli_name=_text(body, "namapoli", required=False), new_patient=bool(new_patient),
            mr_number=_text(body, "norm", required=False, size=40), service_date=day, doctor_code=doctor_code,
            doctor_name=_text(body, "namadokter", required=False) or ctx.doctor_name, practice_hours=hours,
            visit_type=visit_type, reference_number=reference, queue_number=queue_number, queue_seq=seq,
            estimated_ms=estimate, quota_jkn=quotas["kuotajkn"], quota_jkn_left=quotas["sisakuotajkn"],
            quota_non_jkn=quotas["kuotanonjkn"], quota_non_jkn_left=quotas["sisakuotanonjkn"],
            notes=_text(body, "keterangan", required=False, size=500), source=source, status="ACTIVE")
        # no savepoint: an entry that would break a unique key (the number, the patient's active entry at
        # the clinic, the booking code — a concurrent entry won it) is not inserted

        def audited(number: str) -> dict:  # the entry's audit row, numbered
            return audit.columns(actor, "queue.add", object_type="hospital_queue", object_id=booking,
                                 facility_code=ctx.code, branch_code=ctx.branch_code,
                                 summary=Msg("audit.sum.queue", kind=kind, number=number, poli=pol.code, day=day))
        counter = None if queue_number is not None else f"Q{ctx.code}{pol.code}{doctor_code}{day:%y%m%d}"
        added = _add_entry(session, values, counter, audited)
        queue_number = values["queue_number"]
        if added is None:
            _not_taken(session, ctx.code, day, pol.code, doctor_code, nik, queue_number)
            raise Duplicate("Terdapat duplikasi Kode Booking", field="kodebooking")
        if ctx.capacity is not None:  # counted with this entry: after the counter, under its lock
            taken = session.scalar(select(func.count()).select_from(HospitalQueueRow).where(
                HospitalQueueRow.facility_code == ctx.code, HospitalQueueRow.service_date == day,
                HospitalQueueRow.doctor_code == doctor_code, HospitalQueueRow.practice_hours == hours,
                HospitalQueueRow.status != "CANCELLED"))
            if taken > ctx.capacity:  # refused: the entry, its audit row and the counter's increment roll back
                raise Refused(f"Kuota jadwal dokter {ctx.doctor_name} pada {day} jam {hours} sudah penuh "
                              f"({ctx.capacity})", rule="SCHEDULE_FULL", explanation=[])
        return queue_view(SimpleNamespace(**values, id=added.id, created_at=added.created_at), [])


def _add_entry(session: Session, values: dict, counter: str | None, audited):
    """Insert the entry (``values``) and its audit row (``audited(number)``: :func:`audit.columns`), both
    skipped if the entry breaks a unique key: the entry's (id, created_at), or None. With ``counter`` jkn
    numbers it (A-Q14): the counter of the clinic, doctor and day is incremented and the entry gets its
    number in ``values`` — on PostgreSQL the counter, the entry and the audit row in one statement, the
    use case's last: the counter's row is locked from there to the commit. Taken after every
    check: concurrent takes wait for this one and see each other's entries, and the number, the entry
    and its audit row commit, or roll back, together."""
    if counter is not None and session.get_bind().dialect.name == "postgresql":
        audit_row = audited(NUMBER_MARK)
        row = PreparedWrite.first(session, _numbered_insert(tuple(values), tuple(audit_row)), {
            **values, **audit.parameters(audit_row), "counter": counter, "created_at": utcnow(),
            "number_mark": NUMBER_MARK})
        values.update(queue_number=f"{values['poli_code']}-{row.seq}", queue_seq=row.seq)
        return row if row.id is not None else None
    if counter is not None:
        seq = next_serial(session, counter)
        values.update(queue_number=f"{values['poli_code']}-{seq}", queue_seq=seq)
    row = session.execute(_insert_entry(session), values).first()
    if row is not None:
        audit.insert_row(session, audited(values["queue_number"]))
    return row


#: the queue number in an audit row's summary written before the number is known, replaced by it in SQL
NUMBER_MARK = "\u27e8nomorantrean\u27e9"
_NUMBERED: dict = {}


def _numbered_insert(keys: tuple, audit_keys: tuple):
    """PostgreSQL: the counter's upsert, the entry's insert with its number and the audit row of the entry
    (``NUMBER_MARK`` in its summary replaced by the number; its time the entry's), one statement answering
    (seq, id, created_at), id None when the entry was skipped (built once per set of columns, prepared)."""
    if (keys, audit_keys) not in _NUMBERED:
        entries = HospitalQueueRow.__table__
        serial = serial_upsert(pg_insert, bindparam("counter")).cte("serial")
        given = [k for k in keys if k not in ("queue_number", "queue_seq")] + ["created_at"]
        number = bindparam("poli_code", type_=String) + "-" + cast(serial.c.last, String)
        rows = select(*(bindparam(k, type_=entries.c[k].type) for k in given), number, serial.c.last)
        entry = (pg_insert(entries).from_select(given + ["queue_number", "queue_seq"], rows).on_conflict_do_nothing()
                 .returning(entries.c.id, entries.c.created_at, entries.c.queue_number).cte("entry"))
        audited = audit.inserted_with(entry, audit_keys, entry.c.created_at, summary=func.replace(
            bindparam("audit_summary", type_=String), bindparam("number_mark", type_=String), entry.c.queue_number))
        _NUMBERED[keys, audit_keys] = select(
            serial.c.last.label("seq"), entry.c.id, entry.c.created_at, audited.c.id.label("audit_id")).select_from(
            serial.outerjoin(entry, true()).outerjoin(audited, true()))
    return _NUMBERED[keys, audit_keys]


_INSERT: dict = {}


def _insert_entry(session: Session):
    """INSERT of an entry that skips one breaking a unique key, answering its id (built once per database kind)."""
    kind = session.get_bind().dialect.name
    if kind not in _INSERT:
        _INSERT[kind] = (dialect_insert(session, HospitalQueueRow.__table__).on_conflict_do_nothing()
                         .returning(HospitalQueueRow.id, HospitalQueueRow.created_at))
    return _INSERT[kind]


def _not_taken(session: Session, code: str, day: dt.date, poli: str, doctor_code, nik: str, number: str) -> None:
    """Refused when the patient has an active entry at the clinic that day, Duplicate when the number
    is taken (also when a concurrent entry of theirs, or with that number, has just won)."""
    if session.scalar(select(HospitalQueueRow.booking_code).where(
            HospitalQueueRow.facility_code == code, HospitalQueueRow.service_date == day,
            HospitalQueueRow.poli_code == poli, HospitalQueueRow.nik == nik, HospitalQueueRow.status == "ACTIVE")):
        raise Refused(f"Pasien dengan NIK {nik} sudah memiliki antrean aktif di poli {poli} pada {day}",
                      rule="ACTIVE_QUEUE", explanation=[])
    if session.scalar(select(HospitalQueueRow.id).where(
            HospitalQueueRow.facility_code == code, HospitalQueueRow.service_date == day,
            HospitalQueueRow.poli_code == poli, HospitalQueueRow.doctor_code == doctor_code,
            HospitalQueueRow.queue_number == number)):
        raise Duplicate(f"Nomor antrean {number} sudah dipakai pada {day} di poli {poli}", field="nomorantrean")


def add_pharmacy(session: Session, facility_code: str, body: dict, *, actor: Actor) -> dict:
    """The pharmacy queue of an entry (``antrean/farmasi/add``)."""
    if not isinstance(body, dict):
        raise Invalid(Msg("error.queue.body_object"), field="body")
    kind = (_text(body, "jenisresep", size=20) or "").lower()
    if kind not in PRESCRIPTIONS[:2]:
        raise Invalid(Msg("error.queue.prescription_kind"), field="jenisresep")
    number = _whole(body, "nomorantrean", low=0)
    with unit_of_work(session):
        row = _entry_locked(session, facility_code, body.get("kodebooking"))
        if row.status == "CANCELLED":
            raise Refused(f"Antrean {row.booking_code} sudah dibatalkan", rule="CANCELLED", explanation=[])
        if row.pharmacy_number is not None:
            raise Duplicate(f"Antrean farmasi untuk kodebooking {row.booking_code} sudah ada", field="kodebooking")
        session.execute(_UPDATE_ENTRY, {"entry_id": row.id, "prescription_type": kind, "pharmacy_number": number,
                                        "pharmacy_notes": _text(body, "keterangan", required=False, size=500)})
        audit.record(session, actor, "queue.pharmacy", object_type="hospital_queue", object_id=row.booking_code,
                     facility_code=row.facility_code, branch_code=row.branch_code,
                     summary=Msg("audit.sum.pharmacy_queue", number=number, kind=kind))
        return {"kodebooking": row.booking_code, "jenisresep": kind, "nomorantrean": number}


#: an entry's task times (task id, the hospital's time, when received)
_TASKS = PreparedRead(select(QueueTaskRow.task_id, QueueTaskRow.at_ms, QueueTaskRow.received_at)
                      .where(QueueTaskRow.queue_id == bindparam("queue_id")))
_INSERT_TASK = insert(QueueTaskRow.__table__)
#: an entry's columns given as parameters, by its id (``entry_id``)
_UPDATE_ENTRY = update(HospitalQueueRow.__table__).where(HospitalQueueRow.id == bindparam("entry_id"))


def _tasks(session: Session, queue_id: int) -> dict:
    return {t.task_id: t for t in _TASKS.all(session, {"queue_id": queue_id})}


#: the columns of an entry that its task times, pharmacy queue and cancelling read, by facility and
#: booking code, locked, with the branch serving the facility
_ENTRY_LOCKED = PreparedRead(
    select(HospitalQueueRow.id, HospitalQueueRow.facility_code, HospitalQueueRow.booking_code, HospitalQueueRow.status,
           HospitalQueueRow.new_patient, HospitalQueueRow.cancel_reason, HospitalQueueRow.pharmacy_number,
           select(KabKotaRow.branch_code).where(KabKotaRow.code == FacilityRow.kabkota_code).scalar_subquery()
           .label("branch_code"))
    .join(FacilityRow, FacilityRow.code == HospitalQueueRow.facility_code)
    .where(HospitalQueueRow.facility_code == bindparam("code"), HospitalQueueRow.booking_code == bindparam("booking"))
    .with_for_update(of=HospitalQueueRow))


def _entry_locked(session: Session, facility_code: str, booking_code):
    """The entry's columns of :data:`_ENTRY_LOCKED`, its row locked, in one round trip where these were
    three; an unknown facility or booking code answered as :func:`facility` and :func:`_booking`
    answer it."""
    code, text = (facility_code or "").strip().upper(), str(booking_code or "").strip()
    if text:
        found = _ENTRY_LOCKED.first(session, {"code": code, "booking": text})
        if found is not None:
            return found
    fac = facility(session, facility_code, "facility_code")  # its NotFound
    _booking(session, fac.code, booking_code)  # its Invalid or NotFound
    raise Conflict(Msg("error.concurrent_change"))  # the entry was added since


def update_task(session: Session, facility_code: str, body: dict, *, actor: Actor) -> dict:
    """A task time (``antrean/updatewaktu``), in the order the catalogue's notes set: new patients
    1-2-3-4-5, returning ones 3-4-5, then 6-7 when there are drugs; each time not earlier than the
    task before it; 99 cancels (A-Q01)."""
    if not isinstance(body, dict):
        raise Invalid(Msg("error.queue.body_object"), field="body")
    task = _whole(body, "taskid", low=1, high=99)
    if task not in TASK_NAMES:
        raise Invalid(Msg("error.queue.taskid_range"), field="taskid")
    at_ms = _whole(body, "waktu", low=0, high=2**63 - 1)
    prescription = (_text(body, "jenisresep", required=False, size=20) or "").lower() or None
    if prescription is not None and prescription not in PRESCRIPTIONS:
        raise Invalid(Msg("error.queue.prescription_kind_task"), field="jenisresep")
    with unit_of_work(session):
        row = _entry_locked(session, facility_code, body.get("kodebooking"))
        tasks = _tasks(session, row.id)
        if task in tasks:
            raise Duplicate(f"TaskId={task} sudah ada", field="taskid")
        if row.status == "CANCELLED":
            raise Refused(f"Antrean {row.booking_code} sudah dibatalkan", rule="CANCELLED", explanation=[])
        if task != 99:
            first = 1 if row.new_patient else 3
            if task < first:
                raise Refused(f"TaskId={task} tidak valid untuk pasien {'baru' if row.new_patient else 'lama'}: "
                              f"alur dimulai dari TaskId={first} [{CATALOGUE}]", rule="TASK_ORDER", explanation=[])
            if task > first and task - 1 not in tasks:
                raise Refused(f"TaskId={task} tidak valid / TaskId sebelumnya belum terkirim [{CATALOGUE}]",
                              rule="TASK_ORDER", explanation=[])
            if task > first and at_ms < tasks[task - 1].at_ms:
                raise Refused(f"Waktu TaskId={task} lebih awal dari waktu TaskId={task - 1} [{CATALOGUE}]",
                              rule="TASK_TIME_ORDER", explanation=[])
        changed = {}
        if task == 99:
            changed = {"status": "CANCELLED", "cancel_reason": row.cancel_reason or TASK_NAMES[99]}
        elif task == 5:
            changed["status"] = "DONE"
        if prescription is not None:
            changed["prescription_type"] = prescription
        if changed:
            session.execute(_UPDATE_ENTRY, {"entry_id": row.id, **changed})
        _add_task(session, {"queue_id": row.id, "task_id": task, "at_ms": at_ms}, audit.columns(
            actor, "queue.task", object_type="hospital_queue", object_id=row.booking_code,
            facility_code=row.facility_code, branch_code=row.branch_code,
            summary=Msg("audit.sum.queue_task", task=task, at=str(at_ms))))
        return {"kodebooking": row.booking_code, "taskid": task, "waktu": at_ms}


def _add_task(session: Session, values: dict, audit_row: dict) -> None:
    """Insert the task time (``values``) and its audit row (:func:`audit.columns`): on PostgreSQL in one
    prepared statement, one round trip less."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(_INSERT_TASK, values)
        audit.insert_row(session, audit_row)
        return
    PreparedWrite.first(session, _task_insert(tuple(audit_row)),
                        {**values, **audit.parameters(audit_row), "received_at": utcnow()})


_TASK_INSERTS: dict = {}


def _task_insert(audit_keys: tuple):
    """PostgreSQL: a task time's insert and its audit row at the time it was received (built once, prepared)."""
    if audit_keys not in _TASK_INSERTS:
        tasks = QueueTaskRow.__table__
        added = insert(tasks).values(queue_id=bindparam("queue_id"), task_id=bindparam("task_id"),
                                     at_ms=bindparam("at_ms"), received_at=bindparam("received_at")).returning(
            tasks.c.queue_id, tasks.c.received_at).cte("task")
        audited = audit.inserted_with(added, audit_keys, added.c.received_at)
        _TASK_INSERTS[audit_keys] = select(added.c.queue_id, audited.c.id.label("audit_id")).select_from(
            added.outerjoin(audited, true()))
    return _TASK_INSERTS[audit_keys]


def cancel_queue(session: Session, facility_code: str, body: dict, *, actor: Actor) -> dict:
    """Cancel an entry (``antrean/batal``) that has not been served at the clinic yet (A-Q01)."""
    if not isinstance(body, dict):
        raise Invalid(Msg("error.queue.body_object"), field="body")
    reason = _text(body, "keterangan", size=500)
    with unit_of_work(session):
        row = _entry_locked(session, facility_code, body.get("kodebooking"))
        if row.status == "CANCELLED":
            raise Refused(f"Antrean {row.booking_code} sudah dibatalkan", rule="CANCELLED", explanation=[])
        if row.status == "DONE" or 4 in _tasks(session, row.id):
            raise Refused(f"Antrean {row.booking_code} sudah dilayani dan tidak dapat dibatalkan",
                          rule="ALREADY_SERVED", explanation=[])
        session.execute(_UPDATE_ENTRY, {"entry_id": row.id, "status": "CANCELLED", "cancel_reason": reason})
        audit.record(session, actor, "queue.cancel", object_type="hospital_queue", object_id=row.booking_code,
                     facility_code=row.facility_code, branch_code=row.branch_code,
                     summary=Msg("audit.sum.queue_cancelled", reason=reason))
        return {"kodebooking": row.booking_code}


# --- reading ------------------------------------------------------------------------------

def _status_text(row: HospitalQueueRow, tasks: Iterable[int]) -> str:
    if row.status == "CANCELLED":
        return "Batal"
    if row.status == "DONE":
        return "Selesai dilayani"
    return "Sedang dilayani" if 4 in set(tasks) else "Belum dilayani"


def _ms(instant: dt.datetime) -> int:
    aware = instant if instant.tzinfo else instant.replace(tzinfo=dt.timezone.utc)
    return int(aware.timestamp() * 1000)


def queue_view(row: HospitalQueueRow, tasks: Iterable[int]) -> dict:
    return {"booking_code": row.booking_code, "date": row.service_date.isoformat(), "poli": row.poli_code,
            "doctor_code": row.doctor_code, "practice_hours": row.practice_hours, "nik": row.nik,
            "card_number": row.card_number or "", "phone": row.phone or "", "mr_number": row.mr_number or "",
            "visit_type": row.visit_type, "reference_number": row.reference_number or "", "source": row.source,
            "jkn": row.jkn, "queue_number": row.queue_number, "queue_seq": row.queue_seq, "estimated_ms": row.estimated_ms,
            "created_ms": _ms(row.created_at or dt.datetime.now(dt.timezone.utc)),
            "status": _status_text(row, tasks)}


def _views(session: Session, rows: list[HospitalQueueRow]) -> list[dict]:
    ids = [r.id for r in rows]
    done: dict[int, set[int]] = {}
    if ids:
        for qid, tid in session.execute(select(QueueTaskRow.queue_id, QueueTaskRow.task_id)
                                        .where(QueueTaskRow.queue_id.in_(ids))):
            done.setdefault(qid, set()).add(tid)
    return [queue_view(r, done.get(r.id, ())) for r in rows]


def queues(session: Session, facility_code: str, *, on: "dt.date | str | None" = None, booking_code: str | None = None,
           active: bool = False, poli: str | None = None, doctor_code: str | None = None, weekday: int | None = None,
           hours: str | None = None, limit: int = 1000) -> list[dict]:
    """Entries of a facility: of a day, one booking code, or those not served yet (from today)."""
    stmt = select(HospitalQueueRow).where(HospitalQueueRow.facility_code == facility_code)
    if on is not None:
        stmt = stmt.where(HospitalQueueRow.service_date == parse_date(on, "tanggal"))
    if booking_code is not None:
        stmt = stmt.where(HospitalQueueRow.booking_code == booking_code.strip())
    if active:
        stmt = stmt.where(HospitalQueueRow.status == "ACTIVE", HospitalQueueRow.service_date >= jakarta_today())
    if poli:
        stmt = stmt.where(HospitalQueueRow.poli_code == poli.strip().upper())
    if doctor_code:
        stmt = stmt.where(HospitalQueueRow.doctor_code == doctor_code.strip())
    if hours:
        stmt = stmt.where(HospitalQueueRow.practice_hours == hours.replace(" ", ""))
    rows = list(session.scalars(stmt.order_by(HospitalQueueRow.service_date, HospitalQueueRow.poli_code,
                                              HospitalQueueRow.queue_seq, HospitalQueueRow.id).limit(limit)))
    if weekday is not None:
        rows = [r for r in rows if r.service_date.isoweekday() == weekday]
    return _views(session, rows)


def task_list(session: Session, facility_code: str, booking_code) -> list[dict]:
    """The task times sent for an entry: as the hospital sent them and as received."""
    row = _booking(session, facility_code, booking_code)
    tasks = sorted(_tasks(session, row.id).values(), key=lambda t: (t.task_id == 99, t.task_id))
    return [{"booking_code": row.booking_code, "task_id": t.task_id, "task_name": TASK_NAMES[t.task_id],
             "sent_at": dt.datetime.fromtimestamp(t.at_ms / 1000, JAKARTA),
             "received_at": (t.received_at if t.received_at.tzinfo else t.received_at.replace(tzinfo=dt.timezone.utc))
             .astimezone(JAKARTA)} for t in tasks]


def waiting_times(session: Session, facility_code: str, *, start: dt.date, end: dt.date, clock: str) -> list[dict]:
    """Per day and clinic: entries, and the total and mean seconds of task N (the time from task N to
    task N+1, N = 1..6) over the entries that have both, by the hospital's times (``rs``) or by the
    times they reached the server (``server``) — the catalogue's dashboard notes."""
    if clock not in ("rs", "server"):
        raise Invalid(Msg("error.queue.time_source"), field="waktu")
    fac = facility(session, facility_code, "facility_code")
    rows = session.execute(select(HospitalQueueRow.id, HospitalQueueRow.service_date, HospitalQueueRow.poli_code)
                           .where(HospitalQueueRow.facility_code == fac.code, HospitalQueueRow.service_date >= start,
                                  HospitalQueueRow.service_date <= end)).all()
    times: dict[int, dict[int, float]] = {}
    if rows:
        for t in session.scalars(select(QueueTaskRow).where(QueueTaskRow.queue_id.in_([r[0] for r in rows]))):
            seconds = t.at_ms / 1000 if clock == "rs" else _ms(t.received_at) / 1000
            times.setdefault(t.queue_id, {})[t.task_id] = seconds
    groups: dict[tuple[dt.date, str], dict] = {}
    for qid, day, poli in rows:
        g = groups.setdefault((day, poli), {"count": 0, "sum": [0.0] * 7, "n": [0] * 7})
        g["count"] += 1
        mine = times.get(qid, {})
        for n in range(1, 7):
            if n in mine and n + 1 in mine:
                g["sum"][n] += mine[n + 1] - mine[n]
                g["n"][n] += 1
    out = []
    for (day, poli), g in sorted(groups.items()):
        pol = care_codes.polis().get(poli)
        item = {"facility_code": fac.code, "facility_name": fac.name, "poli": poli, "poli_name": pol.name if pol else "",
                "date": day.isoformat(), "count": g["count"]}
        for n in range(1, 7):
            item[f"total_{n}"] = int(g["sum"][n])
            item[f"mean_{n}"] = int(g["sum"][n] / g["n"][n]) if g["n"][n] else 0
        out.append(item)
    return out
