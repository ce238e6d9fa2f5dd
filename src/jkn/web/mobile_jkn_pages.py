"""Mobile JKN for the participant (issue #14): take a queue number at their own FKTP for a clinic
and a day, or at the hospital and clinic of a valid referral or control letter (jkn keeps that
queue, or calls the hospital's own Mobile JKN service, :mod:`jkn.services.care.mobile_jkn`), see their place (how many wait before them, the number last called, the estimate read
from the clinic's own pace, A-Q11), check in on the day, cancel. The same queue as the FKTP desk,
P-Care ``pendaftaran`` and Antrean FKTP (:mod:`jkn.services.care.fktp_queue`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.i18n import Msg
from jkn.services.care import facilities, fktp_queue, mobile_jkn, pcare_codes, queues
from jkn.services.care.common import jakarta_today
from jkn.services.errors import DomainError, NotFound
from jkn.web.form_values import in_form_terms
from jkn.web.officer_pages import Form_, _text
from jkn.web.participant_pages import Participant, _me
from jkn.web.security import Portal, csrf_protect, page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]
#: the queue form's labels for the P-Care fields its errors name
TAKE_LABELS = {"tglDaftar": Msg("mjkn.date"), "kdPoli": Msg("facility.poli")}


def _page(request: Request, portal: Portal, session: Session, *, status_code: int = 200, **extra):
    me = _me(session, portal)
    today = jakarta_today()
    letters = mobile_jkn.letters(session, me, today)
    hospital_entries = mobile_jkn.of_participant(session, me)
    return page(request, portal, "participant/queue.html", status_code=status_code,
                fktp={"code": me.fktp_code, "name": facilities.facility_name(session, me.fktp_code)},
                polis=pcare_codes.fktp_polis(session), entries=fktp_queue.of_participant(session, me.id, since=today),
                days=[(today + dt.timedelta(days=n)).isoformat() for n in range(queues.QUEUE_DAYS)],
                letters=letters, hospital_entries=[{**e, "live": mobile_jkn.live(session, e)} for e in hospital_entries],
                operations=mobile_jkn.operations(session, me, hospital_entries, letters),
                **extra)


@router.get("/peserta/antrean", response_class=HTMLResponse)
def queue(request: Request, portal: Participant, session: DB, ok: str = ""):
    return _page(request, portal, session, ok=ok, values={})


@router.post("/peserta/antrean", response_class=HTMLResponse)
def take(request: Request, portal: Participant, session: DB, form: Form_):
    me = _me(session, portal)
    try:
        fktp_queue.register(session, actor=portal.actor, facility_code=me.fktp_code, card_number=me.card_number,
                            day=_text(form, "date") or jakarta_today(), poli=_text(form, "poli") or "",
                            source="MOBILE_JKN", complaint=_text(form, "complaint"))
    except DomainError as exc:
        return _page(request, portal, session, status_code=exc.status, error=in_form_terms(exc, TAKE_LABELS),
                     explanation=exc.details.get("explanation"), values=dict(form))
    return RedirectResponse("/peserta/antrean?ok=queue_taken", status_code=303)


@router.post("/peserta/antrean/{registration}/{action}", response_class=HTMLResponse)
def act(request: Request, portal: Participant, session: DB, registration: int, action: str):
    me = _me(session, portal)
    mine = {e["id"]: e for e in fktp_queue.of_participant(session, me.id, since=jakarta_today())}
    try:
        if registration not in mine:
            raise NotFound(Msg("error.queue.unknown", number=str(registration)), field="registration")
        if action == "batal":
            fktp_queue.cancel(session, mine[registration]["facility_code"], actor=portal.actor,
                              registration_id=registration, reason=None)
        elif action == "hadir":
            fktp_queue.check_in(session, registration, actor=portal.actor, participant_id=me.id)
        else:
            return Response(status_code=404)
    except DomainError as exc:
        return _page(request, portal, session, status_code=exc.status, error=exc.say, values={})
    return RedirectResponse(f"/peserta/antrean?ok=queue_{'cancelled' if action == 'batal' else 'checked_in'}",
                            status_code=303)


@router.post("/peserta/antrean/rumah-sakit", response_class=HTMLResponse)
def take_at_hospital(request: Request, portal: Participant, session: DB, form: Form_):
    """A number at the hospital and clinic of a valid referral or control letter (A-Q12)."""
    me = _me(session, portal)
    try:
        mobile_jkn.take(session, me, _text(form, "letter") or "", _text(form, "date") or jakarta_today(),
                        actor=portal.actor)
    except DomainError as exc:
        return _page(request, portal, session, status_code=exc.status, error=exc.say, values={})
    return RedirectResponse("/peserta/antrean?ok=queue_taken", status_code=303)


@router.post("/peserta/antrean/rumah-sakit/{booking}/{action}", response_class=HTMLResponse)
def act_at_hospital(request: Request, portal: Participant, session: DB, booking: str, action: str):
    """Cancel (``batal``) or check in (``hadir``) at the hospital: through its own Mobile JKN
    service when it runs one; its refusal or silence is shown and nothing changes."""
    me = _me(session, portal)
    steps = {"batal": (mobile_jkn.cancel, "queue_cancelled"), "hadir": (mobile_jkn.check_in, "queue_checked_in")}
    if action not in steps:
        return Response(status_code=404)
    use_case, ok = steps[action]
    try:
        use_case(session, me, booking, actor=portal.actor)
    except DomainError as exc:
        return _page(request, portal, session, status_code=exc.status, error=exc.say, values={})
    return RedirectResponse(f"/peserta/antrean?ok={ok}", status_code=303)
