"""P-Care ``kelompok`` (Prolanis clubs, activities and who took part) and ``MCU`` (a visit's
medical check-up), thin calls into :mod:`jkn.services.care.prolanis` and :mod:`jkn.services.care.mcu`."""

from __future__ import annotations

from jkn.bridging.core.protocol import Call
from jkn.bridging.pcare.common import body, ddmmyyyy, listed, pdate, router, text
from jkn.services.care import mcu, prolanis
from jkn.services.care.common import valid_card


def _club(c: dict) -> dict:
    return {"clubId": c["id"], "kdProgram": c["group"], "nmProgram": c["group_name"], "nama": c["name"],
            "alamat": c["address"], "tglMulai": ddmmyyyy(c["start_date"]), "tglAkhir": ddmmyyyy(c["end_date"]),
            "ketua_nama": c["leader_name"], "ketua_noHP": c["leader_phone"]}


@router.add("GET", "kelompok/club/{jenis}")
def clubs(call: Call):
    return listed([_club(c) for c in prolanis.clubs(call.session, call.consumer.facility_code, call.params["jenis"])])


@router.add("GET", "kelompok/kegiatan/{tgl}")
def activities(call: Call):
    rows = prolanis.activities(call.session, call.consumer.facility_code, pdate(call.params["tgl"], "tglPelayanan"))
    return listed([{"eduId": str(a["id"]), "clubProl": _club(a["club"]), "tglPelayanan": ddmmyyyy(a["date"]),
                    "kegiatan": {"kode": a["activity"], "nama": a["activity_name"]},
                    "kelompok": {"kode": a["club"]["group"], "nama": a["club"]["group_name"]}, "materi": a["topic"],
                    "pembicara": a["speaker"], "lokasi": a["place"], "keterangan": a["notes"], "biaya": a["cost"]}
                   for a in rows])


@router.add("POST", "kelompok/kegiatan")
def add_activity(call: Call):
    b = body(call)
    a = prolanis.add_activity(call.session, call.consumer.facility_code, actor=call.actor, club_id=text(b, "clubId"),
                              day=pdate(b.get("tglPelayanan"), "tglPelayanan"), activity=text(b, "kdKegiatan") or "",
                              group=text(b, "kdKelompok"), topic=text(b, "materi"), speaker=text(b, "pembicara"),
                              place=text(b, "lokasi"), notes=text(b, "keterangan"), cost=b.get("biaya"))
    return {"field": "eduId", "message": str(a["id"])}


@router.add("DELETE", "kelompok/kegiatan/{edu}")
def delete_activity(call: Call):
    prolanis.delete_activity(call.session, call.consumer.facility_code, call.params["edu"], actor=call.actor)
    return None


@router.add("GET", "kelompok/peserta/{edu}")
def members(call: Call):
    return listed([{"peserta": {"noKartu": m["card_number"], "nama": m["name"], "sex": m["sex"],
                                "tglLahir": ddmmyyyy(m["birth_date"])}}
                   for m in prolanis.members(call.session, call.consumer.facility_code, call.params["edu"])])


@router.add("POST", "kelompok/peserta")
def add_member(call: Call):
    b = body(call)
    prolanis.add_member(call.session, call.consumer.facility_code, text(b, "eduId"), valid_card(text(b, "noKartu")),
                        actor=call.actor)
    return {"field": "noKartu", "message": text(b, "noKartu")}


@router.add("DELETE", "kelompok/peserta/{edu}/{card}")
def remove_member(call: Call):
    prolanis.remove_member(call.session, call.consumer.facility_code, call.params["edu"],
                           valid_card(call.params["card"]), actor=call.actor)
    return None


@router.add("GET", "MCU/kunjungan/{no}")
def mcu_of_visit(call: Call):
    return listed(mcu.of_visit(call.session, call.params["no"], facility_code=call.consumer.facility_code))


@router.add("POST", "MCU")
def mcu_add(call: Call):
    b = body(call)
    m = mcu.save(call.session, b, pdate(b.get("tglPelayanan"), "tglPelayanan"), actor=call.actor,
                 facility_code=call.consumer.facility_code)
    return {"field": "kdMCU", "message": str(m["kdMCU"])}


@router.add("PUT", "MCU")
def mcu_edit(call: Call):
    b = body(call)
    m = mcu.save(call.session, b, pdate(b.get("tglPelayanan"), "tglPelayanan"), actor=call.actor,
                 facility_code=call.consumer.facility_code, mcu_id=text(b, "kdMCU") or "")
    return {"field": "kdMCU", "message": str(m["kdMCU"])}


@router.add("DELETE", "MCU/{kd}/kunjungan/{no}")
def mcu_delete(call: Call):
    mcu.remove(call.session, call.params["kd"], call.params["no"], actor=call.actor,
               facility_code=call.consumer.facility_code)
    return None
