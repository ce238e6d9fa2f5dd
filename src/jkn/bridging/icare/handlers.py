"""The iCare service paths (after ``/wsihs/`` or ``/ihs_dev/``), as its clients call them (ssecd/jkn
``icare.ts``, bpjs-bridging's ``icare`` service, SIMRS integrations): ``POST api/rs/validate``
``{"param": card number, "kodedokter": doctor code}`` (hospitals) and ``POST api/pcare/validate``
``{"param": card number}`` (FKTPs; ``kodedokter`` optional). The answer ``response`` is
``{"url": link}``, sealed for 2.0 consumers; ``metaData.code`` numeric (200 success). The link is
built on ``JKN_PUBLIC_URL`` or, unset, on the request's Host."""

from __future__ import annotations

import os

from jkn.bridging.core.protocol import Call, Router
from jkn.services.care import icare
from jkn.i18n import Msg
from jkn.services.errors import Invalid

router = Router()


def _base(call: Call) -> str:
    public = os.environ.get("JKN_PUBLIC_URL", "").strip()
    return public or f"http://{call.extra.get('host') or '127.0.0.1'}"


def _validate(call: Call, path: str) -> dict:
    if not isinstance(call.body, dict):
        raise Invalid(Msg("bridging.icare.body"), field="body")
    url = icare.validate(call.session, actor=call.actor, path=path, consumer_facility=call.consumer.facility_code,
                         card_number=call.body.get("param"), doctor_code=call.body.get("kodedokter"),
                         base_url=_base(call))
    return {"url": url}


@router.add("POST", "api/rs/validate")
def rs_validate(call: Call):
    return _validate(call, "rs")


@router.add("POST", "api/pcare/validate")
def pcare_validate(call: Call):
    return _validate(call, "pcare")
