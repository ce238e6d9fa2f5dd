"""The one coverage check of a care event, at the FKTP (a visit) and at the hospital (an SEP).

Panduan Peserta: PELAYANAN KESEHATAN YANG TIDAK DIJAMIN 1-17 name no level, and YANG DIJAMIN §3
covers "persalinan sampai dengan anak ketiga" at "Fasilitas Kesehatan Tingkat Pertama maupun
Tingkat Lanjutan" (A-C12). So both levels pass here: the purpose a diagnosis or clinic implies
(A-C04), the exclusions the facility declares, and deliveries (A-C13) counted over FKTP visits and
SEPs together (A-C14) go to ``rules.coverage.check_service``. A refusal is one ``Refused``: the
exclusion's or rule's code, "why [clause]", and every step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jkn.rules import coverage
from jkn.rules import referral as referral_rules
from jkn.i18n import Msg
from jkn.rules.decision import background
from jkn.services.care.common import REFUSED, refuse
from jkn.services.errors import Invalid
from jkn.store.care_tables import SepRow, VisitRow


def valid_exclusions(codes: Iterable[str], field: str = "excluded") -> list[str]:
    """Exclusion codes a facility declares, upper-cased; 422 for a code ``coverage.exclusions()`` lacks."""
    known = {x.code for x in coverage.exclusions()}
    out = [str(x).upper() for x in codes or () if x]
    bad = [x for x in out if x not in known]
    if bad:
        raise Invalid(Msg("error.care.exclusion_unknown", bad=bad, value=', '.join(sorted(known))), field=field)
    return out


def valid_child_number(value, field: str) -> int | None:
    """A declared delivery's child number (1 for the first child), or None."""
    if value is None or value == "":
        return None
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise Invalid(Msg("error.care.child_order_number", field=field), field=field) from None
    if n < 1:
        raise Invalid(Msg("error.care.at_least_one", field=field), field=field)
    return n


def delivery_dates(session: Session, participant_id: int, as_of: dt.date) -> set[dt.date]:
    """Dates of the deliveries recorded for a participant: FKTP visits with a delivery diagnosis, and
    live SEPs with a delivery diagnosis or a declared child number (A-C13)."""
    prefixes = [x["prefix"] for x in referral_rules.care_param("delivery_diagnoses", as_of).value]
    visits = select(VisitRow.visit_date).where(
        VisitRow.participant_id == participant_id, or_(*(VisitRow.diagnosis_code.startswith(x) for x in prefixes)))
    seps = select(SepRow.sep_date).where(
        SepRow.participant_id == participant_id, SepRow.deleted_at.is_(None),
        or_(SepRow.delivery_child_number.is_not(None), *(SepRow.diagnosis_code.startswith(x) for x in prefixes)))
    return set(session.scalars(visits)) | set(session.scalars(seps))


def check_cover(session: Session, participant_id: int, day: dt.date, steps: list[dict], *, service: str,
                level: str, diagnosis: str | None = None, poli: str | None = None, excluded: Iterable[str] = (),
                delivery_child_number: int | None = None, answer: Msg = REFUSED, **situation) -> None:
    """Append the cited coverage steps of a care event to ``steps``; raise ``Refused`` if not covered.

    ``service`` is the care given unless it is a delivery (a delivery diagnosis or a declared
    ``delivery_child_number``), then ``DELIVERY``; ``situation`` goes to ``check_service`` as is
    (facility_contracted, at_registered_fktp, referral_letter, emergency).
    """
    implied = referral_rules.exclusions_for(diagnosis or "", poli, day)
    steps += implied.explain()
    number = None
    is_delivery = referral_rules.delivery_diagnosis(diagnosis, day)
    if is_delivery.value or delivery_child_number is not None:
        if is_delivery.value:
            steps += is_delivery.explain()
        count = coverage.delivery_number(delivery_child_number, delivery_dates(session, participant_id, day), day)
        steps += count.explain()
        service, number = "DELIVERY", count.value
    decision = coverage.check_service(service, day, level=level, delivery_number=number,
                                      excluded=list(dict.fromkeys([*excluded, *implied.value])), **situation)
    if not decision.value.allowed:
        raise refuse(decision, before=steps, answer=answer)
    steps[:] = background(steps) + decision.explain()  # the coverage decision decides; earlier steps are background
