"""The Aplicares service paths (after ``/aplicaresws/``; literal segments case-insensitive), as its
catalogue and clients (SIMRS Khanza, mLITE, ssecd/jkn, bpjs-bridging) call them — docs/aplicares.md:

``GET rest/ref/kelas``; ``POST rest/bed/create/{kodeppk}``, ``rest/bed/update/{kodeppk}``,
``rest/bed/delete/{kodeppk}``; ``GET rest/bed/read/{kodeppk}/{start}/{limit}``.

Success is ``metadata.code`` 1 with the messages clients compare ("OK", "Data berhasil
disimpan.", "Data berhasil diupdate.", "Data berhasil dihapus."); every refusal code 0 with the
reason. A consumer reports only its own hospital's beds (``kodeppk`` is its facility).
"""

from __future__ import annotations

from jkn.bridging.core.envelope import Answer
from jkn.bridging.core.protocol import Call, Router
from jkn.reference import care_codes
from jkn.services.care import beds
from jkn.i18n import Msg
from jkn.services.errors import Invalid

router = Router()
SAVED, UPDATED, DELETED = "Data berhasil disimpan.", "Data berhasil diupdate.", "Data berhasil dihapus."


def _body(call: Call) -> dict:
    if not isinstance(call.body, dict):
        raise Invalid(Msg("bridging.aplicares.body"), field="body")
    return call.body


@router.add("GET", "rest/ref/kelas")
def classes(call: Call):
    listed = [{"kodekelas": c.code, "namakelas": c.name} for c in care_codes.bed_classes().values()]
    return Answer({"list": listed}, meta={"totalitems": len(listed)})


@router.add("POST", "rest/bed/create/{kodeppk}")
def create(call: Call):
    beds.create_room(call.session, call.params["kodeppk"], _body(call), actor=call.actor,
                     consumer_facility=call.consumer.facility_code)
    return Answer(None, SAVED)


@router.add("POST", "rest/bed/update/{kodeppk}")
def update(call: Call):
    beds.update_room(call.session, call.params["kodeppk"], _body(call), actor=call.actor,
                     consumer_facility=call.consumer.facility_code)
    return Answer(None, UPDATED)


@router.add("POST", "rest/bed/delete/{kodeppk}")
def delete(call: Call):
    beds.delete_room(call.session, call.params["kodeppk"], _body(call), actor=call.actor,
                     consumer_facility=call.consumer.facility_code)
    return Answer(None, DELETED)


@router.add("GET", "rest/bed/read/{kodeppk}/{start}/{limit}")
def read(call: Call):
    total, rows = beds.read_rooms(call.session, call.params["kodeppk"], call.params["start"], call.params["limit"],
                                  consumer_facility=call.consumer.facility_code)
    return Answer({"list": rows}, meta={"totalitems": total})
