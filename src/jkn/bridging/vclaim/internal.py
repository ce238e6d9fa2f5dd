"""VClaim's internal referrals (``SEP/Internal/{noSep}``, ``SEP/Internal/delete``) over
:mod:`jkn.services.care.internal_referrals` (assumption A-V50). Field names as the public clients read
them (ssecd/jkn ``src/vclaim/sep.ts`` ``listInternal``/``deleteInternal``; the VClaim catalogue's
example)."""

from __future__ import annotations

from jkn.bridging.core.protocol import Call
from jkn.bridging.vclaim.handlers import _empty, _own_sep, _request, _required_sep, _s, router
from jkn.services.care import internal_referrals


def _row(r: dict) -> dict:
    """One row of the list; what VClaim shows and is not recorded here (``flaginternal``,
    ``opsikonsul``, ``flagsep``) is null."""
    return {"tujuanrujuk": r["to_poli"]["code"], "nmtujuanrujuk": r["to_poli"]["name"].upper(),
            "nmpoliasal": r["from_poli"]["name"].upper(), "tglrujukinternal": r["date"], "nosep": r["from_sep"],
            "nosepref": r["sep_number"], "ppkpelsep": r["facility_code"], "nokapst": r["card_number"],
            "tglsep": r["from_sep_date"], "nosurat": r["number"], "flaginternal": None,
            "kdpoliasal": r["from_poli"]["code"], "kdpolituj": r["to_poli"]["code"], "kdpenunjang": r["support"] or "0",
            "nmpenunjang": r["support_name"], "diagppk": r["diagnosis"]["code"], "kddokter": r["doctor_code"],
            "nmdokter": r["doctor_name"], "flagprosedur": r["procedure_flag"], "opsikonsul": None, "flagsep": None,
            "fuser": r["created_by"], "fdate": r["created_on"], "nmdiag": r["diagnosis"]["name"]}


@router.add("GET", "SEP/Internal/{no}")
def internal_list(call: Call):
    s = _own_sep(call, call.params["no"])
    rows = internal_referrals.of_sep(call.session, s["number"])
    if not rows:
        _empty(f"SEP internal {s['number']}")
    return {"count": str(len(rows)), "list": [_row(r) for r in rows]}


@router.add("DELETE", "SEP/Internal/delete")
def internal_delete(call: Call):
    """Answer: the internal referral's SEP number (as the other SEP deletes)."""
    t = _request(call, "t_sep")
    number = _own_sep(call, _required_sep(t))["number"]
    done = internal_referrals.withdraw(call.session, actor=call.actor, facility_code=call.consumer.facility_code,
                                       sep_number=number, letter_number=_s(t, "noSurat") or "",
                                       day=_s(t, "tglRujukanInternal") or None, poli=_s(t, "kdPoliTuj") or None)
    return done["sep_number"]
