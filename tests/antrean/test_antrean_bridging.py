"""Antrean RS (BPJS side) driven by the UNMODIFIED ``bpjs-bridging`` client (its ``antrean``
service) against ``jkn serve`` on loopback, on SQLite and PostgreSQL (docs/antrean.md).

A hospital sets its doctor's schedule, adds a JKN patient's queue entry with the FKTP referral,
sends the task times 3-4-5-6-7, adds the pharmacy queue, reads the task list, its registrations
and the waiting-time dashboards; every refusal the issue names is answered in the envelope and
writes nothing.
"""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest
from bpjs import Bridging
from sqlalchemy import select
from support.care_world import JknServe, build_world, count
from support.databases import BACKENDS, truncate_business_tables

from jkn.bridging.core.crypto import signature
from jkn.services.care import facilities, queues, referrals, vclaim_consumers
from jkn.services.portal.audit import SYSTEM, summary_text
from jkn.store.engine import session_factory
from jkn.store.portal_tables import AuditEventRow
from jkn.store.queue_tables import DoctorScheduleRow, HospitalQueueRow, QueueTaskRow

DOCTOR, OTHER_DOCTOR = "33690", "700"


class Desk:
    """The hospital's SIMRS: unmodified clients of one facility. The server answers one write per
    signed header (A-C16) and the signature covers cons-id and the second, so a write goes through
    a consumer of the facility that has not written in this second."""

    def __init__(self, srv, cred: dict, base: str = "/antreanrs"):
        self.srv, self.facility, self.base = srv, cred["facility_code"], base
        self.clients = [self._client(cred)]
        self.last: dict[str, int] = {}

    def _client(self, cred: dict) -> Bridging:
        return Bridging({"host": self.srv.url + self.base, "consid": cred["cons_id"], "secret": cred["secret"],
                         "user_key": cred["user_key"]}, "antrean")

    def get(self, path: str) -> dict:
        return self.clients[0].request(path)

    def post(self, path: str, body: dict) -> dict:
        second = int(time.time())
        c = next((c for c in self.clients if self.last.get(c.consid) != second), None)
        if c is None:
            with session_factory(self.srv.engine)() as s:
                c = self._client(vclaim_consumers.create_consumer(s, self.facility, actor=SYSTEM))
            self.clients.append(c)
        try:
            return c.request(path, "POST", body)
        finally:
            self.last[c.consid] = int(time.time())


def ok(res: dict):
    assert res["metaData"]["code"] == 200, res
    return res["response"]


def refused(res: dict, code: int = 201, contains: str = "") -> str:
    assert res["metaData"]["code"] == code, res
    assert res["response"] is None
    assert contains.lower() in res["metaData"]["message"].lower(), res
    return res["metaData"]["message"]


@pytest.fixture(scope="module", params=BACKENDS)
def hospital(request, _prepared):
    url, engine = _prepared(request.param)
    truncate_business_tables(engine)
    world = build_world(engine)
    S = session_factory(engine)
    with S() as s:
        facilities.add_staff(s, world.rsud, actor=SYSTEM, name="DR. OKTORA, SP.A", role="SPECIALIST",
                             registration_number=DOCTOR, poli_code="ANA")
    with S() as s:
        facilities.add_staff(s, world.rsud, actor=SYSTEM, name="drg. Kusumawati, Sp.BM", role="SPECIALIST",
                             registration_number=OTHER_DOCTOR, poli_code="BED")
    with S() as s:
        world.referral = referrals.create_referral(
            s, actor=SYSTEM, card_number=world.active, from_facility=world.fktp, referral_date=world.today,
            diagnosis="J45", poli="ANA", to_facility=world.rsud)["number"]
    with JknServe(url, env={"JKN_VCLAIM_CONSUMER_CACHE": "0"}) as srv:
        srv.world, srv.engine = world, engine
        srv.desk = Desk(srv, world.rs_v2)
        ok(srv.desk.post("jadwaldokter/updatejadwaldokter", {
            "kodepoli": "ANA", "kodesubspesialis": "ANA", "kodedokter": int(DOCTOR),
            "jadwal": [{"hari": str(d), "buka": "08:00", "tutup": "12:00"} for d in range(1, 8)]}))
        yield srv
    truncate_business_tables(engine)


def entry(w, booking: str, **kw) -> dict:
    body = {"kodebooking": booking, "jenispasien": "JKN", "nomorkartu": w.active, "nik": w.active_nik,
            "nohp": "085635228888", "kodepoli": "ANA", "namapoli": "Anak", "pasienbaru": 0, "norm": "123345",
            "tanggalperiksa": w.today.isoformat(), "kodedokter": int(DOCTOR), "namadokter": "DR. OKTORA, SP.A",
            "jampraktek": "08:00-12:00", "jeniskunjungan": 1, "nomorreferensi": w.referral, "nomorantrean": "A-12",
            "angkaantrean": 12, "estimasidilayani": 1_700_000_000_000, "sisakuotajkn": 5, "kuotajkn": 30,
            "sisakuotanonjkn": 5, "kuotanonjkn": 30, "keterangan": "Peserta harap 30 menit lebih awal"}
    body.update(kw)
    return body


def rows(engine, table) -> int:
    return count(engine, table)


# --- references and schedules -----------------------------------------------------------------

def test_references_doctors_and_patient_lookup(hospital):
    w, desk = hospital.world, hospital.desk
    polis = ok(desk.get("ref/poli"))["list"]
    assert {"nmpoli": "Anak", "nmsubspesialis": "Anak", "kdsubspesialis": "ANA", "kdpoli": "ANA"} in polis
    doctors = ok(desk.get("ref/dokter"))["list"]
    assert {"namadokter": "DR. OKTORA, SP.A", "kodedokter": 33690} in doctors
    for kind, number in (("nik", w.active_nik), ("noka", w.active)):
        assert ok(desk.get(f"ref/pasien/fp/identitas/{kind}/noidentitas/{number}")) == {
            "nomorkartu": w.active, "nik": w.active_nik, "tgllahir": "1990-01-05", "daftarfp": 0}
    refused(desk.get("ref/pasien/fp/identitas/nik/noidentitas/3273019999999999"), 201)
    refused(desk.get("ref/poli/fp"), 201, "sidik jari")


def test_schedule_is_read_by_clinic_and_date_as_the_hospital_set_it(hospital):
    w, desk = hospital.world, hospital.desk
    day = w.today
    got = ok(desk.get(f"jadwaldokter/kodepoli/ANA/tanggal/{day}"))["list"]
    assert got == [{"kodesubspesialis": "ANA", "hari": day.isoweekday(), "kapasitaspasien": None, "libur": 0,
                    "namahari": queues.DAY_NAMES[day.isoweekday()], "jadwal": "08:00 - 12:00",
                    "namasubspesialis": "Anak", "namadokter": "DR. OKTORA, SP.A", "kodepoli": "ANA", "namapoli": "Anak",
                    "kodedokter": 33690}]
    refused(desk.get(f"jadwaldokter/kodepoli/BED/tanggal/{day}"), 201)  # no schedule at surgery
    before = rows(hospital.engine, DoctorScheduleRow)
    refused(desk.post("jadwaldokter/updatejadwaldokter", {"kodepoli": "ANA", "kodesubspesialis": "ANA",
                                                          "kodedokter": 99999, "jadwal": [
                                                              {"hari": "1", "buka": "08:00", "tutup": "12:00"}]}),
            201, "Dokter 99999 tidak ditemukan")
    refused(desk.post("jadwaldokter/updatejadwaldokter", {"kodepoli": "ANA", "kodesubspesialis": "ANA",
                                                          "kodedokter": int(DOCTOR), "jadwal": [
                                                              {"hari": "9", "buka": "08:00", "tutup": "12:00"}]}), 400)
    refused(desk.post("jadwaldokter/updatejadwaldokter", {"kodepoli": "ANA", "kodesubspesialis": "ANA",
                                                          "kodedokter": int(DOCTOR), "jadwal": [
                                                              {"hari": "1", "buka": "13:00", "tutup": "12:00"}]}), 400)
    assert rows(hospital.engine, DoctorScheduleRow) == before


# --- a queue entry from add to pharmacy ----------------------------------------------------------

def test_queue_entry_task_times_pharmacy_lists_and_dashboards(hospital):
    w, desk, engine = hospital.world, hospital.desk, hospital.engine
    assert ok(desk.post("antrean/add", entry(w, "RSUD-A012"))) is None
    got = ok(desk.get("antrean/pendaftaran/kodebooking/RSUD-A012"))["list"]
    assert len(got) == 1 and got[0]["status"] == "Belum dilayani" and got[0]["kodedokter"] == 33690
    assert {k: got[0][k] for k in ("kodebooking", "tanggal", "kodepoli", "jampraktek", "nik", "nokapst", "nohp",
                                    "norekammedis", "jeniskunjungan", "nomorreferensi", "ispeserta", "noantrean",
                                    "estimasidilayani")} == {
        "kodebooking": "RSUD-A012", "tanggal": w.today.isoformat(), "kodepoli": "ANA", "jampraktek": "08:00-12:00",
        "nik": w.active_nik, "nokapst": w.active, "nohp": "085635228888", "norekammedis": "123345",
        "jeniskunjungan": 1, "nomorreferensi": w.referral, "ispeserta": 1, "noantrean": "A-12",
        "estimasidilayani": 1_700_000_000_000}
    assert "RSUD-A012" in [r["kodebooking"] for r in ok(desk.get("antrean/pendaftaran/aktif"))["list"]]
    assert "RSUD-A012" in [r["kodebooking"] for r in ok(desk.get(f"antrean/pendaftaran/tanggal/{w.today}"))["list"]]

    t0 = 1_700_000_000_000
    # a returning patient starts at task 3; 1 is refused, 5 before 4 is refused, an earlier time is refused
    refused(desk.post("antrean/updatewaktu", {"kodebooking": "RSUD-A012", "taskid": 1, "waktu": t0}), 201, "TaskId=1")
    ok(desk.post("antrean/updatewaktu", {"kodebooking": "RSUD-A012", "taskid": 3, "waktu": t0}))
    refused(desk.post("antrean/updatewaktu", {"kodebooking": "RSUD-A012", "taskid": 5, "waktu": t0 + 60_000}), 201,
            "TaskId=5 tidak valid / TaskId sebelumnya belum terkirim")
    refused(desk.post("antrean/updatewaktu", {"kodebooking": "RSUD-A012", "taskid": 4, "waktu": t0 - 1}), 201,
            "lebih awal")
    ok(desk.post("antrean/updatewaktu", {"kodebooking": "RSUD-A012", "taskid": 4, "waktu": t0 + 600_000}))
    assert ok(desk.get("antrean/pendaftaran/kodebooking/RSUD-A012"))["list"][0]["status"] == "Sedang dilayani"
    refused(desk.post("antrean/updatewaktu", {"kodebooking": "RSUD-A012", "taskid": 4, "waktu": t0 + 600_000}), 208,
            "TaskId=4 sudah ada")
    ok(desk.post("antrean/updatewaktu", {"kodebooking": "RSUD-A012", "taskid": 5, "waktu": t0 + 1_500_000,
                                         "jenisresep": "Racikan"}))
    ok(desk.post("antrean/farmasi/add", {"kodebooking": "RSUD-A012", "jenisresep": "racikan", "nomorantrean": 1,
                                         "keterangan": ""}))
    refused(desk.post("antrean/farmasi/add", {"kodebooking": "RSUD-A012", "jenisresep": "racikan", "nomorantrean": 2,
                                              "keterangan": ""}), 208)
    ok(desk.post("antrean/updatewaktu", {"kodebooking": "RSUD-A012", "taskid": 6, "waktu": t0 + 1_800_000}))
    ok(desk.post("antrean/updatewaktu", {"kodebooking": "RSUD-A012", "taskid": 7, "waktu": t0 + 2_400_000}))
    assert ok(desk.get("antrean/pendaftaran/kodebooking/RSUD-A012"))["list"][0]["status"] == "Selesai dilayani"
    assert "RSUD-A012" not in [r["kodebooking"] for r in
                               (desk.get("antrean/pendaftaran/aktif")["response"] or {"list": []})["list"]]
    # a served entry is not cancelled
    refused(desk.post("antrean/batal", {"kodebooking": "RSUD-A012", "keterangan": "x"}), 201, "sudah dilayani")

    tasks = ok(desk.post("antrean/getlisttask", {"kodebooking": "RSUD-A012"}))["list"]
    assert [t["taskid"] for t in tasks] == [3, 4, 5, 6, 7]
    sent = dt.datetime.fromtimestamp(t0 / 1000, dt.timezone(dt.timedelta(hours=7)))
    assert tasks[0] == {"wakturs": sent.strftime("%d-%m-%Y %H:%M:%S WIB"), "waktu": tasks[0]["waktu"],
                        "taskname": "akhir waktu layan admisi/mulai waktu tunggu poli", "taskid": 3,
                        "kodebooking": "RSUD-A012"}
    assert tasks[0]["waktu"].endswith(" WIB")

    # dashboards are answered plain (Antrean RS does; bpjs-bridging would try to decrypt them)
    for path in (f"dashboard/waktutunggu/tanggal/{w.today}/waktu/rs",
                 f"dashboard/waktutunggu/bulan/{w.today:%m}/tahun/{w.today.year}/waktu/rs"):
        board = signed_get(hospital, path)
        assert board["metadata"] == {"code": 200, "message": "OK"}
        (ana,) = [r for r in board["response"]["list"] if r["kodepoli"] == "ANA"]
        assert ana["kdppk"] == w.rsud and ana["nmppk"] == "RSUD KOTA BANDUNG" and ana["jumlah_antrean"] >= 1
        assert (ana["waktu_task3"], ana["waktu_task4"], ana["waktu_task5"], ana["waktu_task6"]) == (600, 900, 300, 600)
        assert ana["avg_waktu_task3"] == 600 and ana["waktu_task1"] == 0 and ana["tanggal"] == w.today.isoformat()
    server = signed_get(hospital, f"dashboard/waktutunggu/tanggal/{w.today}/waktu/server")["response"]["list"]
    assert server[0]["waktu_task3"] < 600  # the server received them seconds apart
    refused_plain = signed_get(hospital, f"dashboard/waktutunggu/tanggal/{w.today}/waktu/jam")
    assert refused_plain["metadata"]["code"] == 400
    # every write was audited as the consumer that signed it
    with session_factory(engine)() as s:
        audited = s.execute(select(AuditEventRow.action, AuditEventRow.summary, AuditEventRow.actor).where(
            AuditEventRow.object_id == "RSUD-A012").order_by(AuditEventRow.id)).all()
    actions = [a.action for a in audited]
    assert actions.count("queue.task") == 5 and "queue.add" in actions and "queue.pharmacy" in actions
    assert [summary_text(a.summary, "en") for a in audited if a.action == "queue.task"] == [
        f"task {n} at {t0 + dt_ms}" for n, dt_ms in ((3, 0), (4, 600_000), (5, 1_500_000), (6, 1_800_000),
                                                     (7, 2_400_000))]
    assert all(a.actor.startswith("vclaim:") for a in audited)


def signed_get(srv, path: str) -> dict:
    cred = srv.world.rs_v2
    ts = str(int(time.time()))
    return httpx.get(f"{srv.url}/antreanrs/{path}", headers={
        "X-cons-id": cred["cons_id"], "X-timestamp": ts, "X-signature": signature(cred["cons_id"], cred["secret"], ts),
        "user_key": cred["user_key"]}).json()


# --- bad input: a clear answer and nothing written ------------------------------------------------

def test_refusals_write_nothing(hospital):
    w, desk, engine = hospital.world, hospital.desk, hospital.engine
    before = (rows(engine, HospitalQueueRow), rows(engine, QueueTaskRow))
    cases = [
        (entry(w, "BAD-1", kodepoli="XYZ"), 201, "Poli 'XYZ' tidak ditemukan"),
        (entry(w, "BAD-2", kodedokter=12345), 201, "Dokter 12345 tidak ditemukan"),
        (entry(w, "BAD-3", kodepoli="BED", kodedokter=int(OTHER_DOCTOR)), 201, "tidak ada atau tutup"),
        (entry(w, "BAD-4", jampraktek="13:00-17:00"), 201, "tidak ada atau tutup"),
        (entry(w, "BAD-5", nomorkartu=w.suspended, nik="3273016202850003"), 201, w.suspended),
        (entry(w, "BAD-6", nomorreferensi="0000R0000000Y000000"), 201, "Nomor rujukan"),
        (entry(w, "BAD-7", jeniskunjungan=3), 201, "surat kontrol"),
        (entry(w, "BAD-8", tanggalperiksa=(w.today - dt.timedelta(days=1)).isoformat()), 400, "sudah lewat"),
        (entry(w, "BAD-9", jenispasien="UMUM"), 400, "jenispasien"),
        (entry(w, "BAD-10", nik="123"), 400, "nik"),
        (entry(w, "BAD-11", nomorreferensi=""), 400, "nomorreferensi"),
    ]
    for body, code, message in cases:
        refused(desk.post("antrean/add", body), code, message)
    refused(desk.post("antrean/updatewaktu", {"kodebooking": "NOPE", "taskid": 3, "waktu": 1}), 201, "tidak ditemukan")
    refused(desk.post("antrean/updatewaktu", {"kodebooking": "NOPE", "taskid": 8, "waktu": 1}), 400, "taskid")
    refused(desk.post("antrean/batal", {"kodebooking": "NOPE", "keterangan": "x"}), 201, "tidak ditemukan")
    assert (rows(engine, HospitalQueueRow), rows(engine, QueueTaskRow)) == before


def test_duplicates_second_active_entry_cancel_and_a_full_schedule(hospital):
    w, desk, engine = hospital.world, hospital.desk, hospital.engine
    day = w.today
    ok(desk.post("antrean/add", entry(w, "RSUD-B001", nomorantrean="B-1", angkaantrean=1,
                                      nik="3273011203880002", nomorkartu="", jenispasien="NON JKN",
                                      nomorreferensi="")))
    n = rows(engine, HospitalQueueRow)
    refused(desk.post("antrean/add", entry(w, "RSUD-B001", nomorantrean="B-2")), 208, "Terdapat duplikasi Kode Booking")
    refused(desk.post("antrean/add", entry(w, "RSUD-B002", nomorantrean="B-3", angkaantrean=3,
                                           nik="3273011203880002", nomorkartu="", jenispasien="NON JKN",
                                           nomorreferensi="")), 201, "sudah memiliki antrean aktif")
    assert rows(engine, HospitalQueueRow) == n
    # cancelled: out of the active list, no more task times, and the patient may queue again
    ok(desk.post("antrean/batal", {"kodebooking": "RSUD-B001", "keterangan": "Terjadi perubahan jadwal dokter"}))
    assert ok(desk.get("antrean/pendaftaran/kodebooking/RSUD-B001"))["list"][0]["status"] == "Batal"
    refused(desk.post("antrean/updatewaktu", {"kodebooking": "RSUD-B001", "taskid": 3, "waktu": 1}), 201, "dibatalkan")
    refused(desk.post("antrean/batal", {"kodebooking": "RSUD-B001", "keterangan": "x"}), 201, "dibatalkan")
    ok(desk.post("antrean/add", entry(w, "RSUD-B004", nomorantrean="B-4", angkaantrean=4, nik="3273011203880002",
                                      nomorkartu="", jenispasien="NON JKN", nomorreferensi="")))
    # a capacity the hospital gave: full once reached (the cancelled entry does not count)
    with session_factory(engine)() as s:
        taken = len(s.scalars(select(HospitalQueueRow.id).where(
            HospitalQueueRow.facility_code == w.rsud, HospitalQueueRow.service_date == day,
            HospitalQueueRow.doctor_code == DOCTOR, HospitalQueueRow.status != "CANCELLED")).all())
        queues.set_schedule(s, w.rsud, actor=SYSTEM, poli="ANA", subspecialist="ANA", doctor_code=DOCTOR,
                            windows=[queues.window(day.isoweekday(), "08:00", "12:00", capacity=taken + 1)])
    ok(desk.post("antrean/add", entry(w, "RSUD-B005", nomorantrean="B-5", angkaantrean=5, nik="3273015107800004",
                                      nomorkartu="", jenispasien="NON JKN", nomorreferensi="")))
    n = rows(engine, HospitalQueueRow)
    refused(desk.post("antrean/add", entry(w, "RSUD-B006", nomorantrean="B-6", angkaantrean=6, nik="3273010101010001",
                                           nomorkartu="", jenispasien="NON JKN", nomorreferensi="")), 201, "penuh")
    assert rows(engine, HospitalQueueRow) == n
    got = ok(desk.get(f"jadwaldokter/kodepoli/ANA/tanggal/{day}"))["list"]
    assert got[0]["kapasitaspasien"] == taken + 1
    # the hospital's update keeps the capacity of the same window
    ok(desk.post("jadwaldokter/updatejadwaldokter", {"kodepoli": "ANA", "kodesubspesialis": "ANA",
                                                     "kodedokter": int(DOCTOR), "jadwal": [
        {"hari": str(d), "buka": "08:00", "tutup": "12:00"} for d in range(1, 8)]}))
    assert ok(desk.get(f"jadwaldokter/kodepoli/ANA/tanggal/{day}"))["list"][0]["kapasitaspasien"] == taken + 1


def test_a_clinic_cannot_use_antrean_rs_and_the_development_alias_answers(hospital):
    w = hospital.world
    fk = Bridging({"host": hospital.url + "/antreanrs", "consid": w.fktp_v2["cons_id"], "secret": w.fktp_v2["secret"],
                   "user_key": w.fktp_v2["user_key"]}, "antrean")
    refused(fk.request("ref/poli"), 401, "Antrean RS is for hospitals")
    dev = Desk(hospital, w.rs_v2, base="/antreanrs_dev")
    assert ok(dev.get("ref/dokter"))["list"]
    bad = Bridging({"host": hospital.url + "/antreanrs", "consid": w.rs_v2["cons_id"], "secret": "wrong-secret",
                    "user_key": w.rs_v2["user_key"]}, "antrean")
    refused(bad.request("ref/poli"), 401)
    refused(dev.get("antrean/tidakada"), 404)


def _own_doctor(hospital, code: str, name: str) -> None:
    """An internist of the hospital practising 08:00-12:00 every day, with no capacity other tests set."""
    with session_factory(hospital.engine)() as s:
        facilities.add_staff(s, hospital.world.rsud, actor=SYSTEM, name=name, role="SPECIALIST",
                             registration_number=code, poli_code="INT")
    with session_factory(hospital.engine)() as s:
        queues.set_schedule(s, hospital.world.rsud, actor=SYSTEM, poli="INT", subspecialist="INT", doctor_code=code,
                            windows=[queues.window(d, "08:00", "12:00") for d in range(1, 8)])


def test_concurrent_entries_with_one_booking_code_or_queue_number_write_one(hospital):
    """Real concurrency: the same booking code (then the same queue number) sent at once by two of
    the hospital's consumers: one entry is written, the other answer is a refusal."""
    from concurrent.futures import ThreadPoolExecutor

    w, engine = hospital.world, hospital.engine
    with session_factory(engine)() as s:
        creds = [vclaim_consumers.create_consumer(s, w.rsud, actor=SYSTEM) for _ in range(2)]
    desks = [Desk(hospital, c) for c in creds]
    _own_doctor(hospital, "4242", "dr. Race, Sp.PD")
    race = dict(nomorkartu="", jenispasien="NON JKN", nomorreferensi="", kodepoli="INT", kodedokter=4242)
    bodies = [
        [entry(w, "RACE-1", nomorantrean="R-1", angkaantrean=101, nik="3273010101010011", **race)] * 2,
        [entry(w, f"RACE-2{i}", nomorantrean="R-2", angkaantrean=102, nik=f"327301010101002{i}", **race)
         for i in range(2)],
    ]
    for pair in bodies:
        before = rows(engine, HospitalQueueRow)
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda d_b: d_b[0].post("antrean/add", d_b[1]), zip(desks, pair)))
        codes = sorted(a["metaData"]["code"] for a in answers)
        assert codes[0] == 200 and codes[1] in (201, 208), answers
        assert rows(engine, HospitalQueueRow) == before + 1


def test_a_number_the_hospital_gives_twice_is_refused_and_nothing_written(hospital):
    """The entry is written in one statement that skips an entry breaking a unique key; the answer
    still says which key: the number given twice (208), the patient's second active entry (201)."""
    w, desk, engine = hospital.world, hospital.desk, hospital.engine
    _own_doctor(hospital, "4343", "dr. Twice, Sp.PD")
    given = dict(nomorkartu="", jenispasien="NON JKN", nomorreferensi="", kodepoli="INT", kodedokter=4343)
    ok(desk.post("antrean/add", entry(w, "TWICE-1", nomorantrean="T-1", angkaantrean=1, nik="3273010101010031",
                                      **given)))
    n = rows(engine, HospitalQueueRow)
    refused(desk.post("antrean/add", entry(w, "TWICE-2", nomorantrean="T-1", angkaantrean=1, nik="3273010101010032",
                                           **given)), 208, "Nomor antrean T-1 sudah dipakai")
    refused(desk.post("antrean/add", entry(w, "TWICE-3", nomorantrean="T-3", angkaantrean=3, nik="3273010101010031",
                                           **given)), 201, "sudah memiliki antrean aktif")
    assert rows(engine, HospitalQueueRow) == n
    assert ok(desk.get("antrean/pendaftaran/kodebooking/TWICE-1"))["list"][0]["noantrean"] == "T-1"
