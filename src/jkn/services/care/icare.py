"""iCare (issue #13): a treating doctor's look at a participant's service history. The facility's
system asks for it (``validate``) with the card number and the doctor's code; the answer is a
short-lived signed link to a page served here that shows the participant's SEPs, referrals and
first-level visits (docs/icare.md, assumption A-V32).

Who may ask: a doctor (DOCTOR, SPECIALIST, DENTIST) registered at the asking facility under that
code (``registration_number``, the DPJP code), for a participant in care there now — at a hospital
a live SEP of today or an inpatient stay not yet discharged; at an FKTP a participant registered
there or seen there today. The link names the doctor and expires after
``JKN_ICARE_LINK_SECONDS`` (default 600).
"""

from __future__ import annotations

import datetime as dt
import os

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.care import primary_care, referrals
from jkn.services.care import sep as sep_service
from jkn.services.care.common import facility, jakarta_today, participant_by_card, valid_card
from jkn.services.errors import Forbidden, Invalid, NotFound
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.secret_key import server_secret
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import FacilityStaffRow, SepRow, VisitRow

DOCTOR_ROLES = ("DOCTOR", "SPECIALIST", "DENTIST")
LEVELS = {"rs": "FKRTL", "pcare": "FKTP"}
SECRET_META_KEY = "icare.secret_key"
SALT = "jkn.icare.history"
VIEWER_PATH = "/icare/"
HISTORY_DAYS = 366  # at most what Monitoring/HistoriPelayanan answers at once


def link_seconds() -> int:
    """``JKN_ICARE_LINK_SECONDS``: how long a link opens the history (60 to 86,400; default 600)."""
    raw = os.environ.get("JKN_ICARE_LINK_SECONDS", "").strip()
    value = int(raw) if raw.isdigit() else 600
    return min(max(value, 60), 86_400)


def _serializer(session: Session) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(server_secret(session, SECRET_META_KEY), salt=SALT)


def _doctor(session: Session, facility_code: str, code) -> FacilityStaffRow:
    text = str(code).strip() if code is not None else ""
    if not text or len(text) > 40:
        raise Invalid(Msg("error.care.doctor_required"), field="kodedokter")
    row = session.scalar(select(FacilityStaffRow).where(FacilityStaffRow.facility_code == facility_code,
                                                        FacilityStaffRow.registration_number == text,
                                                        FacilityStaffRow.active.is_(True),
                                                        FacilityStaffRow.role.in_(DOCTOR_ROLES)))
    if row is None:
        raise NotFound(Msg("error.care.doctor_not_here", text=text, facility_code=str(facility_code)), field="kodedokter")
    return row


def _in_care(session: Session, participant, facility_code: str, level: str, today: dt.date) -> None:
    if level == "FKRTL":
        here = session.scalar(select(SepRow.number).where(
            SepRow.participant_id == participant.id, SepRow.facility_code == facility_code,
            SepRow.deleted_at.is_(None), SepRow.sep_date <= today,
            or_(SepRow.sep_date == today, (SepRow.service_type == "1") & SepRow.discharge_date.is_(None))).limit(1))
    else:
        here = participant.fktp_code == facility_code or session.scalar(select(VisitRow.id).where(
            VisitRow.participant_id == participant.id, VisitRow.facility_code == facility_code,
            VisitRow.visit_date == today).limit(1))
    if not here:
        what = Msg("error.care.icare_live_sep") if level == "FKRTL" else Msg("error.care.icare_registered_or_visit")
        raise Forbidden(Msg("error.care.icare_not_in_care", card_number=str(participant.card_number),
                            facility_code=str(facility_code), what=what))


def validate(session: Session, *, actor: Actor, path: str, consumer_facility: str, card_number,
             doctor_code, base_url: str) -> str:
    """iCare ``api/{rs|pcare}/validate``: the link a doctor opens to see the participant's history."""
    with unit_of_work(session):
        fac = facility(session, consumer_facility)
        if fac.level != LEVELS[path]:
            raise Invalid(Msg("error.care.icare_level", path=path, levels=LEVELS[path], code=str(fac.code),
                              level=fac.level),
                          field="path")
        card = valid_card(None if card_number is None else str(card_number).strip())
        participant = participant_by_card(session, card)
        doctor = _doctor(session, fac.code, doctor_code) if (path == "rs" or doctor_code not in (None, "")) else None
        _in_care(session, participant, fac.code, fac.level, jakarta_today())
        token = _serializer(session).dumps({"c": card, "f": fac.code, "d": doctor.registration_number if doctor else "",
                                            "n": doctor.name if doctor else ""})
        audit.record_at_facility(session, actor, "icare.validate", fac, object_type="participant", object_id=card,
                                 summary=Msg("audit.sum.icare_link", name=doctor.name if doctor else fac.name),
                                 after={"doctor": doctor.registration_number if doctor else None})
        return base_url.rstrip("/") + VIEWER_PATH + token


def history(session: Session, token: str) -> dict:
    """The page behind a link: the participant's SEPs, referrals and first-level visits of the last
    year, with who the link was for. Raises Forbidden for a forged or expired link."""
    try:
        data = _serializer(session).loads(token, max_age=link_seconds())
    except SignatureExpired:
        raise Forbidden(Msg("error.care.icare_expired")) from None
    except BadSignature:
        raise Forbidden(Msg("error.care.icare_foreign")) from None
    today = jakarta_today()
    start = today - dt.timedelta(days=HISTORY_DAYS - 1)
    p = participant_by_card(session, data["c"])
    return {"participant": {"card_number": p.card_number, "name": p.name, "birth_date": p.birth_date.isoformat(),
                            "sex": p.sex, "care_class": p.care_class, "fktp_code": p.fktp_code},
            "facility": facility(session, data["f"]).name, "doctor": data.get("n") or "",
            "since": start.isoformat(), "until": today.isoformat(),
            "seps": list(reversed(sep_service.history(session, p.card_number, start, today, max_days=HISTORY_DAYS))),
            "referrals": referrals.referrals_for_card(session, p.card_number),
            "visits": list(reversed(primary_care.list_visits(session, card_number=p.card_number,
                                                             date_from=start, date_to=today)))}
