"""Antrean FKTP at /antreanfktp driven over HTTP by the clinic's client (the BPJS signature of its
P-Care consumer; Antrean's lowercase ``metadata``), against ``jkn serve`` on SQLite and PostgreSQL:
the clinics and doctors of a date from the clinic's schedules, add with the clinic's number, call,
cancel, and a full schedule refused; the entries are the same queue P-Care ``pendaftaran`` reads."""

from __future__ import annotations

from support.care_world import count
from test_pcare_bridging import PCare, clinic, ok  # noqa: F401  (the same live clinic)

from jkn.services.care import queues
from jkn.services.portal.audit import SYSTEM
from jkn.store.engine import session_factory
from jkn.store.primary_care_tables import FktpRegistrationRow


def answer(reply: tuple[int, dict], code: int = 200, contains: str = ""):
    status, env = reply
    assert env["metadata"]["code"] == code, env
    assert contains.lower() in env["metadata"]["message"].lower(), env
    return env["response"]


def test_antrean_fktp_references_add_call_cancel_and_full(clinic):  # noqa: F811
    w = clinic.world
    aq = PCare(clinic, w.fktp_v2, base="/antreanfktp")
    day = w.today.isoformat()
    with session_factory(clinic.engine)() as s:
        queues.set_schedule(s, w.fktp, actor=SYSTEM, poli="ANA", subspecialist="ANA", doctor_code="128",
                            windows=[queues.window(w.today.isoweekday(), "08:00", "12:00", 1)])
    assert {"namapoli": "Anak", "nmsubspesialis": "Anak", "kdsubspesialis": "ANA", "kodepoli": "ANA"} in \
        answer(aq.call("GET", f"ref/poli/tanggal/{day}"))["list"]
    assert answer(aq.call("GET", f"ref/dokter/kodepoli/ANA/tanggal/{day}"))["list"] == [
        {"namadokter": "dr. Rina", "kodedokter": 128, "jampraktek": "08:00-12:00", "kapasitas": 1}]
    answer(aq.call("GET", f"ref/dokter/kodepoli/INT/tanggal/{day}"), 201)

    entry = {"nomorkartu": w.active, "nik": w.active_nik, "nohp": "081234567890", "kodepoli": "ANA",
             "namapoli": "Anak", "norm": "RM-001", "tanggalperiksa": day, "kodedokter": 128, "namadokter": "dr. Rina",
             "jampraktek": "08:00-12:00", "nomorantrean": "A-1", "angkaantrean": 1, "keterangan": ""}
    before = count(clinic.engine, FktpRegistrationRow)
    answer(aq.call("POST", "antrean/add", {**entry, "kodedokter": 999}), 201, "jadwal dokter")
    answer(aq.call("POST", "antrean/add", {**entry, "jampraktek": "13:00-16:00"}), 201, "jadwal dokter")
    answer(aq.call("POST", "antrean/add", {**entry, "nomorkartu": w.other, "nik": None}), 201, "terdaftar di FKTP")
    answer(aq.call("POST", "antrean/add", {**entry, "nomorkartu": w.suspended}), 201, w.suspended)
    answer(aq.call("POST", "antrean/add", {**entry, "nomorantrean": "A 1!"}), 400)
    assert count(clinic.engine, FktpRegistrationRow) == before

    answer(aq.call("POST", "antrean/add", entry))
    answer(aq.call("POST", "antrean/add", {**entry, "nomorantrean": "A-9"}), 201, "A-1")  # one waiting per clinic
    pc = clinic.pcare
    today = w.today.strftime("%d-%m-%Y")
    assert ok(pc.call("GET", f"pendaftaran/noUrut/A-1/tglDaftar/{today}"))["status"] == "Menunggu"
    where = {"tanggalperiksa": day, "kodepoli": "ANA", "nomorkartu": w.active}
    answer(aq.call("POST", "antrean/batal", {**where, "alasan": "pasien berhalangan"}))
    assert ok(pc.call("GET", f"pendaftaran/noUrut/A-1/tglDaftar/{today}"))["status"] == "Dibatalkan"
    answer(aq.call("POST", "antrean/batal", where), 400, "A-1")

    # a cancelled entry does not count against the doctor's capacity; a called-absent one does
    answer(aq.call("POST", "antrean/add", {**entry, "nomorantrean": "A-2", "angkaantrean": 2}))
    answer(aq.call("POST", "antrean/panggil", {**where, "status": 3, "waktu": 1700000000000}), 400)
    answer(aq.call("POST", "antrean/panggil", {**where, "status": 2, "waktu": 1700000000000}))
    assert ok(pc.call("GET", f"pendaftaran/noUrut/A-2/tglDaftar/{today}"))["status"] == "Tidak hadir"
    answer(aq.call("POST", "antrean/add", {**entry, "nomorantrean": "A-3", "angkaantrean": 3}), 201, "penuh")

    # a hospital's consumer is refused
    answer(PCare(clinic, w.rs_v2, base="/antreanfktp_dev").call("GET", f"ref/poli/tanggal/{day}"), 401,
           "Antrean FKTP untuk FKTP")
