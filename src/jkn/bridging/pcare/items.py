"""P-Care ``obat`` and ``tindakan``: the DPHO list, a visit's drugs and procedures, a thin call
into :mod:`jkn.services.care.visit_items` (the same use cases as the FKTP desk's visit page)."""

from __future__ import annotations

from jkn.bridging.core.protocol import Call
from jkn.bridging.pcare.common import body, listed, page, router, text
from jkn.services.care import pcare_codes, visit_items


@router.add("GET", "obat/dpho/{q}/{row}/{limit}")
def dpho(call: Call):
    """BPJS's DPHO list as loaded (A-Q08), by code or part of the name."""
    rows = [{"kdObat": c["code"], "nmObat": c["name"], "sedia": None}
            for c in pcare_codes.codes(call.session, "dpho", query=call.params["q"])]
    return page(rows, call.params["row"], call.params["limit"])


@router.add("GET", "obat/kunjungan/{no}")
def drugs(call: Call):
    rows = visit_items.drugs(call.session, call.params["no"], facility_code=call.consumer.facility_code)
    return listed([{"kdObatSK": d["id"], "racikan": d["compounded"], "kdRacikan": d["compound_code"],
                    "obatDPHO": d["code"] is not None, "obat": {"kdObat": d["code"], "nmObat": d["name"]},
                    "signa1": d["signa1"], "signa2": d["signa2"], "jmlObat": d["quantity"],
                    "jmlPermintaan": d["requested"], "nmObatNonDPHO": None if d["code"] else d["name"]} for d in rows])


@router.add("POST", "obat/kunjungan")
def add_drug(call: Call):
    """A drug of a visit; answers P-Care's ``[{field: "kdObatSK"}, {field: "kdRacikan"}]``."""
    b = body(call)
    dpho_drug = b.get("obatDPHO") not in (False, "false", 0, "0")
    d = visit_items.add_drug(call.session, text(b, "noKunjungan") or "", actor=call.actor,
                             facility_code=call.consumer.facility_code, code=text(b, "kdObat") if dpho_drug else None,
                             name=None if dpho_drug else text(b, "nmObatNonDPHO"), signa1=b.get("signa1"),
                             signa2=b.get("signa2"), quantity=b.get("jmlObat"), requested=b.get("jmlPermintaan"),
                             compounded=b.get("racikan") in (True, "true", 1, "1"), compound_code=text(b, "kdRacikan"))
    return [{"field": "kdObatSK", "message": str(d["id"])}, {"field": "kdRacikan", "message": d["compound_code"]}]


@router.add("DELETE", "obat/{sk}/kunjungan/{no}")
def delete_drug(call: Call):
    visit_items.delete_drug(call.session, call.params["sk"], call.params["no"], actor=call.actor,
                            facility_code=call.consumer.facility_code)
    return None


@router.add("GET", "tindakan/kdTkp/{tkp}/{row}/{limit}")
def procedure_list(call: Call):
    """BPJS's procedures of a type of care (10 RJTP, 20 RITP, 50 promotif) as loaded (A-Q08)."""
    kind = f"tindakan-{call.params['tkp']}"
    rows = [{"kdTindakan": c["code"], "nmTindakan": c["name"], "maxTarif": None, "withValue": None}
            for c in pcare_codes.codes(call.session, kind)] if kind in pcare_codes.KINDS else []
    return page(rows, call.params["row"], call.params["limit"])


@router.add("GET", "tindakan/kunjungan/{no}")
def procedures(call: Call):
    rows = visit_items.procedures(call.session, call.params["no"], facility_code=call.consumer.facility_code)
    return listed([{"kdTindakanSK": t["id"], "kdTindakan": t["code"], "nmTindakan": t["name"], "biaya": t["fee"],
                    "keterangan": t["notes"], "hasil": t["result"]} for t in rows])


@router.add("POST", "tindakan")
def add_procedure(call: Call):
    b = body(call)
    t = visit_items.add_procedure(call.session, text(b, "noKunjungan") or "", actor=call.actor,
                                  facility_code=call.consumer.facility_code, code=text(b, "kdTindakan") or "",
                                  fee=b.get("biaya"), notes=text(b, "keterangan"), result=b.get("hasil"))
    return {"field": "kdTindakanSK", "message": str(t["id"])}


@router.add("PUT", "tindakan")
def update_procedure(call: Call):
    """Correct a procedure (``kdTindakanSK`` of ``noKunjungan``); the fields as ``POST tindakan``."""
    b = body(call)
    t = visit_items.update_procedure(call.session, text(b, "kdTindakanSK") or "", text(b, "noKunjungan") or "",
                                     actor=call.actor, facility_code=call.consumer.facility_code,
                                     code=text(b, "kdTindakan") or "", fee=b.get("biaya"),
                                     notes=text(b, "keterangan"), result=b.get("hasil"))
    return {"field": "kdTindakanSK", "message": str(t["id"])}


@router.add("DELETE", "tindakan/{sk}/kunjungan/{no}")
def delete_procedure(call: Call):
    visit_items.delete_procedure(call.session, call.params["sk"], call.params["no"], actor=call.actor,
                                 facility_code=call.consumer.facility_code)
    return None
