"""The Antrean RS service paths this server answers, each a thin call into
:mod:`jkn.services.care.queues` (paths, fields and answers of BPJS's Antrean RS catalogue; see
docs/antrean.md). Every path reads or writes the signing hospital's own schedules and queues.
"""

from __future__ import annotations

import datetime as dt

from jkn.bridging.core import envelope
from jkn.bridging.core.protocol import Call, ProtocolError, Router
from jkn.reference import care_codes
from jkn.services.care import queues
from jkn.services.care.common import (month_span, parse_date, participant_by_card, participant_by_nik, valid_card,
                                      valid_nik)
from jkn.services.errors import Invalid, NotFound

router = Router()
#: the answer of something sent a second time (a booking code, a task id), as Antrean RS gives it
DUPLICATE = envelope.Code("208", 200, "Terdapat duplikasi Kode Booking", "sent again (Antrean RS)")


def admit(_sessions, _headers, consumer) -> None:
    """Antrean RS is the hospitals' service: an FKTP's consumer is refused (A-Q05)."""
    if consumer.facility_level != "FKRTL":
        raise ProtocolError(envelope.UNAUTHORIZED, f"Unauthorized: {consumer.facility_code} is an "
                            f"{consumer.facility_level}; Antrean RS is for hospitals (FKRTL)")


def _once(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except queues.Duplicate as exc:
        raise ProtocolError(DUPLICATE, exc.message) from None


def _listed(rows: list, what: str) -> dict:
    if not rows:
        raise NotFound(f"{what}: data tidak ditemukan")
    return {"list": rows}


def _code(value: str) -> int | str:
    return int(value) if value.isdigit() else value


# --- references -------------------------------------------------------------------------------

@router.add("GET", "ref/poli")
def ref_poli(call: Call):
    """Every clinic of the poli reference, each its own sub-specialty (A-Q02)."""
    return _listed([{"nmpoli": p.name, "nmsubspesialis": p.name, "kdsubspesialis": p.code, "kdpoli": p.code}
                    for p in care_codes.polis().values()], "poli")


@router.add("GET", "ref/dokter")
def ref_dokter(call: Call):
    return _listed([{"namadokter": d["name"], "kodedokter": _code(d["code"])}
                    for d in queues.doctors(call.session, call.consumer.facility_code)], "dokter")


@router.add("GET", "ref/poli/fp")
def ref_poli_fp(call: Call):
    """Which clinics require fingerprints is BPJS's setting; jkn holds none (A-Q06)."""
    raise NotFound("Poli finger print: data tidak ditemukan (jkn tidak menyimpan data sidik jari)")


@router.add("GET", "ref/pasien/fp/identitas/{jenis}/noidentitas/{nomor}")
def ref_pasien_fp(call: Call):
    kind = call.params["jenis"].lower()
    if kind == "noka":
        p = participant_by_card(call.session, valid_card(call.params["nomor"]))
    elif kind == "nik":
        p = participant_by_nik(call.session, valid_nik(call.params["nomor"]))
    else:
        raise Invalid("identitas harus nik atau noka", field="identitas")
    return {"nomorkartu": p.card_number, "nik": p.nik, "tgllahir": p.birth_date.isoformat(), "daftarfp": 0}


# --- schedules --------------------------------------------------------------------------------

@router.add("GET", "jadwaldokter/kodepoli/{poli}/tanggal/{tanggal}")
def jadwal_dokter(call: Call):
    rows = queues.schedules(call.session, call.consumer.facility_code, poli=call.params["poli"],
                            on=call.params["tanggal"])
    return _listed([{"kodesubspesialis": r["subspecialist"], "hari": r["weekday"], "kapasitaspasien": r["capacity"],
                     "libur": int(r["closed"]), "namahari": r["day_name"], "jadwal": f"{r['opens']} - {r['closes']}",
                     "namasubspesialis": r["subspecialist_name"], "namadokter": r["doctor_name"],
                     "kodepoli": r["poli"], "namapoli": r["poli_name"], "kodedokter": _code(r["doctor_code"])}
                    for r in rows], "jadwal dokter")


@router.add("POST", "jadwaldokter/updatejadwaldokter")
def update_jadwal(call: Call):
    body = call.body if isinstance(call.body, dict) else {}
    days = body.get("jadwal")
    if not isinstance(days, list) or not all(isinstance(d, dict) for d in days):
        raise Invalid("jadwal harus daftar {hari, buka, tutup}", field="jadwal")
    queues.set_schedule(call.session, call.consumer.facility_code, actor=call.actor, poli=body.get("kodepoli"),
                        subspecialist=body.get("kodesubspesialis"), doctor_code=body.get("kodedokter"),
                        windows=[queues.window(d.get("hari"), d.get("buka"), d.get("tutup")) for d in days])
    return None


# --- queue entries and task times -------------------------------------------------------------

@router.add("POST", "antrean/add")
def antrean_add(call: Call):
    """The hospital's entry; one it leaves unnumbered (no ``nomorantrean``) gets the clinic's next number,
    answered (A-Q14)."""
    q = _once(queues.add_queue, call.session, call.consumer.facility_code, call.body, actor=call.actor)
    numbered = isinstance(call.body, dict) and str(call.body.get("nomorantrean") or "").strip()
    return None if numbered else {"kodebooking": q["booking_code"], "nomorantrean": q["queue_number"],
                                  "angkaantrean": q["queue_seq"]}


@router.add("POST", "antrean/farmasi/add")
def antrean_farmasi_add(call: Call):
    _once(queues.add_pharmacy, call.session, call.consumer.facility_code, call.body, actor=call.actor)
    return None


@router.add("POST", "antrean/updatewaktu")
def antrean_update_waktu(call: Call):
    _once(queues.update_task, call.session, call.consumer.facility_code, call.body, actor=call.actor)
    return None


@router.add("POST", "antrean/batal")
def antrean_batal(call: Call):
    queues.cancel_queue(call.session, call.consumer.facility_code, call.body, actor=call.actor)
    return None


def _wib(instant: dt.datetime) -> str:
    return instant.strftime("%d-%m-%Y %H:%M:%S WIB")


@router.add("POST", "antrean/getlisttask", write=False)
def antrean_list_task(call: Call):
    body = call.body if isinstance(call.body, dict) else {}
    rows = queues.task_list(call.session, call.consumer.facility_code, body.get("kodebooking"))
    return _listed([{"wakturs": _wib(r["sent_at"]), "waktu": _wib(r["received_at"]), "taskname": r["task_name"],
                     "taskid": r["task_id"], "kodebooking": r["booking_code"]} for r in rows], "task id")


# --- dashboards (answered plain, as Antrean RS does) -------------------------------------------

def _dashboard(call: Call, start: dt.date, end: dt.date) -> dict:
    rows = queues.waiting_times(call.session, call.consumer.facility_code, start=start, end=end,
                                clock=call.params["waktu"].lower())
    inserted = int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000)
    out = []
    for r in rows:
        item = {"kdppk": r["facility_code"], "nmppk": r["facility_name"], "kodepoli": r["poli"],
                "namapoli": r["poli_name"], "tanggal": r["date"], "jumlah_antrean": r["count"], "insertdate": inserted}
        for n in range(1, 7):
            item[f"waktu_task{n}"] = r[f"total_{n}"]
            item[f"avg_waktu_task{n}"] = r[f"mean_{n}"]
        out.append(item)
    return _listed(out, "dashboard")


@router.add("GET", "dashboard/waktutunggu/tanggal/{tanggal}/waktu/{waktu}", plain=True)
def dashboard_tanggal(call: Call):
    day = parse_date(call.params["tanggal"], "tanggal")
    return _dashboard(call, day, day)


@router.add("GET", "dashboard/waktutunggu/bulan/{bulan}/tahun/{tahun}/waktu/{waktu}", plain=True)
def dashboard_bulan(call: Call):
    start, end = month_span(call.params["tahun"], call.params["bulan"])
    return _dashboard(call, start, end)


# --- registrations --------------------------------------------------------------------------------

def _detail(r: dict) -> dict:
    return {"kodebooking": r["booking_code"], "tanggal": r["date"], "kodepoli": r["poli"],
            "kodedokter": _code(r["doctor_code"]), "jampraktek": r["practice_hours"], "nik": r["nik"],
            "nokapst": r["card_number"], "nohp": r["phone"], "norekammedis": r["mr_number"],
            "jeniskunjungan": r["visit_type"], "nomorreferensi": r["reference_number"], "sumberdata": r["source"],
            "ispeserta": int(r["jkn"]), "noantrean": r["queue_number"], "estimasidilayani": r["estimated_ms"],
            "createdtime": r["created_ms"], "status": r["status"]}


@router.add("GET", "antrean/pendaftaran/tanggal/{tanggal}")
def pendaftaran_tanggal(call: Call):
    rows = queues.queues(call.session, call.consumer.facility_code, on=call.params["tanggal"])
    return _listed([_detail(r) for r in rows], f"antrean tanggal {call.params['tanggal']}")


@router.add("GET", "antrean/pendaftaran/kodebooking/{kodebooking}")
def pendaftaran_kodebooking(call: Call):
    rows = queues.queues(call.session, call.consumer.facility_code, booking_code=call.params["kodebooking"])
    return _listed([_detail(r) for r in rows], f"antrean {call.params['kodebooking']}")


@router.add("GET", "antrean/pendaftaran/aktif")
def pendaftaran_aktif(call: Call):
    rows = queues.queues(call.session, call.consumer.facility_code, active=True)
    return _listed([_detail(r) for r in rows], "antrean belum dilayani")


@router.add("GET", "antrean/pendaftaran/kodepoli/{poli}/kodedokter/{dokter}/hari/{hari}/jampraktek/{jam}")
def pendaftaran_jadwal(call: Call):
    try:
        weekday = int(call.params["hari"])
    except ValueError:
        raise Invalid("hari harus 1 sampai 7", field="hari") from None
    rows = queues.queues(call.session, call.consumer.facility_code, active=True, poli=call.params["poli"],
                         doctor_code=call.params["dokter"], weekday=weekday, hours=call.params["jam"])
    return _listed([_detail(r) for r in rows], "antrean belum dilayani")
