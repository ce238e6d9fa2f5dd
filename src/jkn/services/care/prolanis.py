"""The chronic-disease programme (Prolanis) of an FKTP (P-Care ``kelompok``): the clinic's clubs
for diabetes (01) and hypertension (02), their activities (01 exercise, 10 education, 11 both:
the codes of the public P-Care clients) and who took part. Clubs and activities are the clinic's
data; a participant takes part at the FKTP where they are registered (TATA CARA MENDAPATKAN
PELAYANAN KESEHATAN §1)."""

from __future__ import annotations


from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.care.common import facility, parse_date, participant_by_card
from jkn.services.errors import Conflict, Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.membership_tables import ParticipantRow
from jkn.store.primary_care_tables import ProlanisActivityRow, ProlanisAttendanceRow, ProlanisClubRow

GROUPS = {"01": "Diabetes Melitus", "02": "Hipertensi"}
ACTIVITIES = {"01": "Senam", "10": "Penyuluhan", "11": "Penyuluhan dan Senam"}


def _short(value, field: str, size: int) -> str | None:
    text = str(value).strip() if value is not None else ""
    if len(text) > size:
        raise Invalid(Msg("error.prolanis.too_long", field=field, size=size), field=field)
    return text or None


def club_view(c: ProlanisClubRow) -> dict:
    return {"id": c.id, "facility_code": c.facility_code, "group": c.group_code, "group_name": GROUPS[c.group_code],
            "name": c.name, "address": c.address, "start_date": c.start_date.isoformat(),
            "end_date": c.end_date.isoformat() if c.end_date else None, "leader_name": c.leader_name,
            "leader_phone": c.leader_phone}


def add_club(session: Session, facility_code: str, *, actor: Actor, group: str, name: str, start_date,
             end_date=None, address: str | None = None, leader_name: str | None = None,
             leader_phone: str | None = None) -> dict:
    if group not in GROUPS:
        raise Invalid(Msg("error.prolanis.group"), field="group")
    name = _short(name, "name", 120)
    if not name:
        raise Invalid(Msg("error.prolanis.name_required"), field="name")
    start, end = parse_date(start_date, "start_date"), parse_date(end_date, "end_date", required=False)
    if end is not None and end < start:
        raise Invalid(Msg("error.prolanis.dates"), field="end_date")
    with unit_of_work(session):
        fac = facility(session, facility_code)
        if fac.level != "FKTP":
            raise Invalid(Msg("error.care.primary_care_level", code=str(fac.code), level=fac.level), field="facility_code")
        if session.scalar(select(ProlanisClubRow.id).where(ProlanisClubRow.facility_code == fac.code,
                                                           ProlanisClubRow.name == name)):
            raise Conflict(Msg("error.prolanis.club_taken", name=name), field="name")
        row = ProlanisClubRow(facility_code=fac.code, group_code=group, name=name, start_date=start, end_date=end,
                              address=_short(address, "address", 240), leader_name=_short(leader_name, "leader_name", 120),
                              leader_phone=_short(leader_phone, "leader_phone", 20))
        session.add(row)
        session.flush()
        audit.record_at_facility(session, actor, "prolanis.club.add", fac, object_type="prolanis_club",
                                 object_id=row.id, summary=Msg("audit.summary.prolanis", name=name))
        return club_view(row)


def clubs(session: Session, facility_code: str, group: str) -> list[dict]:
    if group not in GROUPS:
        raise Invalid(Msg("error.prolanis.group"), field="kdJenisKelompok")
    rows = session.scalars(select(ProlanisClubRow).where(ProlanisClubRow.facility_code == facility_code,
                                                         ProlanisClubRow.group_code == group).order_by(ProlanisClubRow.id))
    return [club_view(c) for c in rows]


def activity_view(a: ProlanisActivityRow, c: ProlanisClubRow) -> dict:
    return {"id": a.id, "club": club_view(c), "date": a.activity_date.isoformat(), "activity": a.activity_code,
            "activity_name": ACTIVITIES[a.activity_code], "topic": a.topic, "speaker": a.speaker, "place": a.place,
            "notes": a.notes, "cost": a.cost}


def _club(session: Session, facility_code: str, club_id) -> ProlanisClubRow:
    try:
        row = session.get(ProlanisClubRow, int(str(club_id).strip()))
    except ValueError:
        row = None
    if row is None or row.facility_code != facility_code:
        raise NotFound(Msg("error.prolanis.club_unknown", number=str(club_id)), field="clubId")
    return row


def add_activity(session: Session, facility_code: str, *, actor: Actor, club_id, day, activity: str,
                 group: str | None = None, topic=None, speaker=None, place=None, notes=None, cost=None) -> dict:
    when = parse_date(day, "tglPelayanan")
    if activity not in ACTIVITIES:
        raise Invalid(Msg("error.prolanis.activity"), field="kdKegiatan")
    try:
        fee = int(cost) if cost not in (None, "") else None
    except (TypeError, ValueError):
        fee = -1
    if fee is not None and fee < 0:
        raise Invalid(Msg("error.visit.count", field="biaya"), field="biaya")
    with unit_of_work(session):
        club = _club(session, facility_code, club_id)
        if group and group != club.group_code:
            raise Invalid(Msg("error.prolanis.group_of_club", group=group), field="kdKelompok")
        if when < club.start_date or (club.end_date and when > club.end_date):
            raise Invalid(Msg("error.prolanis.outside_club_dates"), field="tglPelayanan")
        row = ProlanisActivityRow(club_id=club.id, activity_date=when, activity_code=activity,
                                  topic=_short(topic, "materi", 2000), speaker=_short(speaker, "pembicara", 120),
                                  place=_short(place, "lokasi", 240), notes=_short(notes, "keterangan", 2000), cost=fee)
        session.add(row)
        session.flush()
        audit.record_at_facility(session, actor, "prolanis.activity.add", facility(session, facility_code),
                                 object_type="prolanis_activity", object_id=row.id,
                                 summary=Msg("audit.summary.prolanis", name=club.name))
        return activity_view(row, club)


def activities(session: Session, facility_code: str, day) -> list[dict]:
    when = parse_date(day, "tglPelayanan")
    rows = session.execute(select(ProlanisActivityRow, ProlanisClubRow).join(
        ProlanisClubRow, ProlanisClubRow.id == ProlanisActivityRow.club_id).where(
        ProlanisClubRow.facility_code == facility_code, ProlanisActivityRow.activity_date == when)
        .order_by(ProlanisActivityRow.id)).all()
    return [activity_view(a, c) for a, c in rows]


def _activity(session: Session, facility_code: str, edu_id) -> tuple[ProlanisActivityRow, ProlanisClubRow]:
    try:
        row = session.get(ProlanisActivityRow, int(str(edu_id).strip()))
    except ValueError:
        row = None
    club = session.get(ProlanisClubRow, row.club_id) if row else None
    if row is None or club.facility_code != facility_code:
        raise NotFound(Msg("error.prolanis.activity_unknown", number=str(edu_id)), field="eduId")
    return row, club


def delete_activity(session: Session, facility_code: str, edu_id, *, actor: Actor) -> None:
    with unit_of_work(session):
        row, club = _activity(session, facility_code, edu_id)
        session.execute(delete(ProlanisAttendanceRow).where(ProlanisAttendanceRow.activity_id == row.id))
        session.delete(row)
        audit.record_at_facility(session, actor, "prolanis.activity.delete", facility(session, facility_code),
                                 object_type="prolanis_activity", object_id=row.id,
                                 summary=Msg("audit.summary.prolanis", name=club.name))


def add_member(session: Session, facility_code: str, edu_id, card_number: str, *, actor: Actor) -> dict:
    with unit_of_work(session):
        row, club = _activity(session, facility_code, edu_id)
        p = participant_by_card(session, card_number)
        if p.fktp_code != facility_code:
            raise Invalid(Msg("care.not_registered_fktp", card=p.card_number, fktp=p.fktp_code, here=facility_code),
                          field="noKartu")
        if session.get(ProlanisAttendanceRow, (row.id, p.id)) is not None:
            raise Conflict(Msg("error.prolanis.member_twice", card=p.card_number), field="noKartu")
        session.add(ProlanisAttendanceRow(activity_id=row.id, participant_id=p.id))
        session.flush()
        audit.record_at_facility(session, actor, "prolanis.member.add", facility(session, facility_code),
                                 object_type="prolanis_activity", object_id=row.id,
                                 summary=Msg("audit.summary.prolanis_member", card=p.card_number, name=club.name))
        return {"eduId": row.id, "card_number": p.card_number}


def members(session: Session, facility_code: str, edu_id) -> list[dict]:
    row, _club_row = _activity(session, facility_code, edu_id)
    rows = session.scalars(select(ParticipantRow).join(ProlanisAttendanceRow, ProlanisAttendanceRow.participant_id ==
                                                       ParticipantRow.id).where(ProlanisAttendanceRow.activity_id == row.id)
                           .order_by(ParticipantRow.card_number))
    return [{"card_number": p.card_number, "name": p.name, "sex": p.sex, "birth_date": p.birth_date.isoformat()}
            for p in rows]


def remove_member(session: Session, facility_code: str, edu_id, card_number: str, *, actor: Actor) -> None:
    with unit_of_work(session):
        row, club = _activity(session, facility_code, edu_id)
        p = participant_by_card(session, card_number)
        seat = session.get(ProlanisAttendanceRow, (row.id, p.id))
        if seat is None:
            raise NotFound(Msg("error.prolanis.member_unknown", card=p.card_number), field="noKartu")
        session.delete(seat)
        audit.record_at_facility(session, actor, "prolanis.member.delete", facility(session, facility_code),
                                 object_type="prolanis_activity", object_id=row.id,
                                 summary=Msg("audit.summary.prolanis_member", card=p.card_number, name=club.name))
