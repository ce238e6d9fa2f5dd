"""Doctors and schedules, referral targets, rooms and accident SEPs through the UNMODIFIED
``bpjs-bridging`` (and ``pybpjs``) clients against ``jkn serve`` on SQLite and PostgreSQL (issue #13):
each answered from what a hospital reports of itself (its Antrean RS practice schedules, its
Aplicares rooms, the accident SEPs it sent); bad input answered in the envelope with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from support.care_world import count
from vclaim.test_vclaim_bridging import _pybpjs, bridge, client, ok, referral, refused, send, t_sep  # noqa: F401

from jkn.services.care import beds, facilities, queues
from jkn.services.portal.audit import SYSTEM
from jkn.store.care_tables import ControlLetterRow, SepAccidentRow, SepRow
from jkn.store.engine import session_factory

INTERNIST, SECOND, CHILDREN = "4242", "4343", "5151"


@pytest.fixture(scope="module")
def schedules(bridge):
    """The RSUD's doctors and their week as it set them through Antrean RS: two internists on the
    test day (capacities 10 and 5), a paediatrician only on the next weekday; one Aplicares room."""
    w, S = bridge.world, session_factory(bridge.engine)
    today = w.today.isoweekday()
    for code, name, poli, day, cap in ((INTERNIST, "dr. Andi Internis, Sp.PD", "INT", today, 10),
                                      (SECOND, "dr. Budi Internis, Sp.PD", "INT", today, 5),
                                      (CHILDREN, "dr. Citra Anak, Sp.A", "ANA", today % 7 + 1, 8)):
        with S() as s:
            facilities.add_staff(s, w.rsud, actor=SYSTEM, name=name, role="SPECIALIST", registration_number=code,
                                 poli_code=poli)
        with S() as s:
            queues.set_schedule(s, w.rsud, actor=SYSTEM, poli=poli, subspecialist=poli, doctor_code=code,
                                windows=[queues.window(day, "08:00" if code != SECOND else "13:00",
                                                       "12:00" if code != SECOND else "16:00", capacity=cap)])
    with S() as s:
        beds.create_room(s, w.rsud, {"kodekelas": "KL3", "koderuang": "MAWAR", "namaruang": "Ruang Mawar",
                                     "kapasitas": 20, "tersedia": 4}, actor=SYSTEM, consumer_facility=w.rsud)
    return w


def _inpatient(rs, w, card: str, **kw) -> str:
    return ok(send(rs, "SEP/2.0/insert", "post", t_sep(w, card, w.today, jnsPelayanan="1", poli={"tujuan": "IGD"},
                                                      diagAwal="S72", **kw)))["sep"]["noSep"]


def test_control_letter_clinics_and_doctors_of_a_date_come_from_the_schedule(bridge, schedules):
    w = schedules
    rs = client(bridge, w.rs_v2)
    no_sep = _inpatient(rs, w, w.other)
    day, other_day = w.today, w.today + dt.timedelta(days=1)
    clinics = ok(rs.request(f"RencanaKontrol/ListSpesialistik/JnsKontrol/2/nomor/{no_sep}/TglRencanaKontrol/{day}"))
    assert clinics["list"] == [{"kodePoli": "INT", "namaPoli": clinics["list"][0]["namaPoli"], "kapasitas": "15",
                                "jmlRencanaKontroldanRujukan": "0", "persentase": "0.00"}]
    doctors = ok(rs.request(f"RencanaKontrol/JadwalPraktekDokter/JnsKontrol/2/KdPoli/INT/TglRencanaKontrol/{day}"))
    assert doctors["list"] == [
        {"kodeDokter": INTERNIST, "namaDokter": "dr. Andi Internis, Sp.PD", "jadwalPraktek": "08:00 - 12:00",
         "kapasitas": "10"},
        {"kodeDokter": SECOND, "namaDokter": "dr. Budi Internis, Sp.PD", "jadwalPraktek": "13:00 - 16:00",
         "kapasitas": "5"}]
    # the next weekday: only the paediatrician; an SPRI (JnsKontrol 1) names a card (read by pybpjs too)
    spri_clinics = ok(_pybpjs(bridge, w.rs_v2,
                              f"RencanaKontrol/ListSpesialistik/JnsKontrol/1/nomor/{w.active}/TglRencanaKontrol/{other_day}"))
    assert [c["kodePoli"] for c in spri_clinics["list"]] == ["ANA"]
    refused(rs.request(f"RencanaKontrol/JadwalPraktekDokter/JnsKontrol/1/KdPoli/INT/TglRencanaKontrol/{other_day}"))

    # a doctor not practising at the clinic that day is refused, nothing written; one from the schedule is kept
    before = count(bridge.engine, ControlLetterRow)
    body = {"noSEP": no_sep, "kodeDokter": CHILDREN, "poliKontrol": "INT", "tglRencanaKontrol": str(day), "user": "ws"}
    refused(send(rs, "RencanaKontrol/v2/Insert", "post", {"request": body}), "400", "jadwal")
    assert count(bridge.engine, ControlLetterRow) == before
    letter = ok(send(rs, "RencanaKontrol/v2/Insert", "post", {"request": {**body, "kodeDokter": INTERNIST}}))
    assert ok(rs.request(f"RencanaKontrol/noSuratKontrol/{letter['noSuratKontrol']}"))["kodeDokter"] == INTERNIST
    # the letter now fills the clinic's day: 1 of 15
    again = ok(rs.request(f"RencanaKontrol/ListSpesialistik/JnsKontrol/2/nomor/{no_sep}/TglRencanaKontrol/{day}"))
    assert again["list"][0]["jmlRencanaKontroldanRujukan"] == "1" and again["list"][0]["persentase"] == "6.67"
    # an SPRI for the next weekday: the paediatrician, not the internist
    spri = {"noKartu": w.active, "kodeDokter": INTERNIST, "poliKontrol": "ANA", "tglRencanaKontrol": str(other_day),
            "user": "ws"}
    refused(send(rs, "RencanaKontrol/InsertSPRI", "post", {"request": spri}), "400", INTERNIST)
    assert ok(send(rs, "RencanaKontrol/InsertSPRI", "post", {"request": {**spri, "kodeDokter": CHILDREN}}))["noSPRI"]

    # bad input: kind, date, clinic, unknown numbers, another facility's SEP — the envelope, nothing written
    before = count(bridge.engine, ControlLetterRow)
    refused(rs.request(f"RencanaKontrol/ListSpesialistik/JnsKontrol/3/nomor/{no_sep}/TglRencanaKontrol/{day}"),
            "400", "JnsKontrol")
    refused(rs.request(f"RencanaKontrol/ListSpesialistik/JnsKontrol/2/nomor/{no_sep}/TglRencanaKontrol/2026-13-40"),
            "400")
    refused(rs.request(f"RencanaKontrol/JadwalPraktekDokter/JnsKontrol/2/KdPoli/XYZ/TglRencanaKontrol/{day}"), "400")
    refused(rs.request(f"RencanaKontrol/ListSpesialistik/JnsKontrol/2/nomor/0000R0000000V000000/TglRencanaKontrol/{day}"),
            "201", "SEP")
    refused(rs.request(f"RencanaKontrol/ListSpesialistik/JnsKontrol/1/nomor/0009999999999/TglRencanaKontrol/{day}"),
            "201")
    fktp = client(bridge, w.fktp_v2)
    refused(fktp.request(f"RencanaKontrol/ListSpesialistik/JnsKontrol/2/nomor/{no_sep}/TglRencanaKontrol/{day}"),
            "201", "SEP")
    assert count(bridge.engine, ControlLetterRow) == before


def test_dpjp_and_doctor_references_are_the_hospitals_doctors(bridge, schedules):
    w = schedules
    rs = client(bridge, w.rs_v2)
    outpatient = ok(rs.request(f"referensi/dokter/pelayanan/2/tglPelayanan/{w.today}/Spesialis/INT"))["list"]
    assert outpatient == [{"kode": INTERNIST, "nama": "dr. Andi Internis, Sp.PD"},
                          {"kode": SECOND, "nama": "dr. Budi Internis, Sp.PD"}]
    # inpatient: the hospital's doctors of the specialty, whatever the day
    ward = ok(rs.request(f"referensi/dokter/pelayanan/1/tglPelayanan/{w.today}/Spesialis/ANA"))["list"]
    assert ward == [{"kode": CHILDREN, "nama": "dr. Citra Anak, Sp.A"}]
    refused(rs.request(f"referensi/dokter/pelayanan/2/tglPelayanan/{w.today}/Spesialis/ANA"), "201")
    refused(rs.request(f"referensi/dokter/pelayanan/3/tglPelayanan/{w.today}/Spesialis/INT"), "400")
    refused(rs.request("referensi/dokter/pelayanan/2/tglPelayanan/kemarin/Spesialis/INT"), "400")
    assert ok(rs.request("referensi/dokter/internis"))["list"] == outpatient
    assert ok(rs.request(f"referensi/dokter/{CHILDREN}"))["list"] == ward
    refused(rs.request("referensi/dokter/tidak-ada"), "201")
    # another hospital's doctors are not this one's
    refused(client(bridge, w.fktp_v2).request("referensi/dokter/internis"), "201")


def test_referral_target_clinics_facilities_and_rooms(bridge, schedules):
    w = schedules
    fk = client(bridge, w.fktp_v2)
    path = f"Rujukan/ListSpesialistik/PPKRujukan/{w.rsud}/TglRujukan/{w.today}"
    before = ok(fk.request(path))["list"]
    assert [(c["kodeSpesialis"], c["kapasitas"]) for c in before] == [("INT", "15")]
    referral(bridge, w.active, w.today, poli="INT")
    row = ok(fk.request(path))["list"][0]
    assert row["jumlahRujukan"] == str(int(before[0]["jumlahRujukan"]) + 1)
    assert row["persentase"] == f"{int(row['jumlahRujukan']) * 100 / 15:.2f}"
    assert [c["kodeSpesialis"] for c in ok(fk.request(
        f"Rujukan/ListSpesialistik/PPKRujukan/{w.rsud}/TglRujukan/{w.today + dt.timedelta(days=1)}"))["list"]] == ["ANA"]
    # wrong facility: unknown, a clinic (FKTP), a hospital that is no partner; malformed date
    refused(fk.request(f"Rujukan/ListSpesialistik/PPKRujukan/9999R999/TglRujukan/{w.today}"), "201")
    refused(fk.request(f"Rujukan/ListSpesialistik/PPKRujukan/{w.fktp2}/TglRujukan/{w.today}"), "201", "mitra")
    refused(fk.request(f"Rujukan/ListSpesialistik/PPKRujukan/{w.rs_non_partner}/TglRujukan/{w.today}"), "201", "mitra")
    refused(fk.request(f"Rujukan/ListSpesialistik/PPKRujukan/{w.rsud}/TglRujukan/31-12-2026"), "400")
    # no hospital reports its supporting facilities here: said, not invented
    refused(fk.request(f"Rujukan/ListSarana/PPKRujukan/{w.rsud}"), "201", "A-V49")
    refused(fk.request("Rujukan/ListSarana/PPKRujukan/9999R999"), "201")
    # the rooms: the hospital's own Aplicares rooms
    rs = client(bridge, w.rs_v2)
    assert ok(rs.request("referensi/ruangrawat"))["list"] == [{"kode": "MAWAR", "nama": "Ruang Mawar"}]
    refused(fk.request("referensi/ruangrawat"), "201")


def _jaminan(day: dt.date, *, supplement: str = "", **kw) -> dict:
    j = {"lakaLantas": "1", "noLP": "LP/123/XI/2026", "penjamin": {
        "tglKejadian": str(day), "keterangan": "Tabrakan motor di Jl. Asia Afrika",
        "suplesi": {"suplesi": "1" if supplement else "0", "noSepSuplesi": supplement,
                    "lokasiLaka": {"kdPropinsi": "32", "kdKabupaten": "3273", "kdKecamatan": "327301"}}}}
    j.update(kw)
    return j


def test_accident_seps_index_supplements_and_jasa_raharja_monitor(bridge, schedules):
    w = schedules
    rs = client(bridge, w.rs_v2)
    yesterday = w.today - dt.timedelta(days=1)
    card = w.active
    seps, accidents = count(bridge.engine, SepRow), count(bridge.engine, SepAccidentRow)
    # refused accident details write nothing
    for bad, code, said in ((_jaminan(yesterday, penjamin={"keterangan": "tanpa tanggal"}), "400", "tglKejadian"),
                            (_jaminan(w.today + dt.timedelta(days=1)), "400", "sesudah"),
                            (_jaminan(yesterday, supplement="0000R0000000V000000"), "201", "suplesi"),
                            (_jaminan(yesterday, penjamin={"tglKejadian": str(yesterday), "suplesi": {
                                "suplesi": "0", "lokasiLaka": {"kdPropinsi": "99"}}}), "400", "propinsi"),
                            (_jaminan(yesterday, noLP="<script>"), "400", "noLP")):
        res = send(rs, "SEP/2.0/insert", "post", t_sep(w, card, w.today, jnsPelayanan="1", poli={"tujuan": "IGD"},
                                                       diagAwal="S72", jaminan=bad))
        refused(res, code, said)
    assert (count(bridge.engine, SepRow), count(bridge.engine, SepAccidentRow)) == (seps, accidents)

    first = _inpatient(rs, w, card, jaminan=_jaminan(yesterday))
    shown = ok(rs.request(f"SEP/{first}"))
    assert shown["kdStatusKecelakaan"] == "1" and shown["lokasiKejadian"] == {
        "kdKab": "3273", "kdKec": "327301", "kdProp": "32", "ketKejadian": "Tabrakan motor di Jl. Asia Afrika",
        "lokasi": None, "tglKejadian": str(yesterday)}
    # an outpatient follow-up continues the same accident's guarantee (suplesi)
    no_ref = referral(bridge, card, w.today, poli="INT")
    second = ok(send(rs, "SEP/2.0/insert", "post", t_sep(
        w, card, w.today, rujukan={"asalRujukan": "1", "tglRujukan": str(w.today), "noRujukan": no_ref,
                                   "ppkRujukan": w.fktp}, jaminan=_jaminan(yesterday, supplement=first))))["sep"]["noSep"]
    index = ok(rs.request(f"sep/KllInduk/List/{card}"))["list"]
    assert index == [
        {"noSEP": first, "tglKejadian": str(yesterday), "ppkPelSEP": w.rsud, "kdProp": "32", "kdKab": "3273",
         "kdKec": "327301", "ketKejadian": "Tabrakan motor di Jl. Asia Afrika", "noSEPSuplesi": None},
        {**index[1], "noSEP": second, "noSEPSuplesi": first}]
    supplements = ok(_pybpjs(bridge, w.rs_v2, f"sep/JasaRaharja/Suplesi/{card}/tglPelayanan/{w.today}"))["jaminan"]
    assert [(j["noSep"], j["noSepAwal"], j["tglKejadian"], j["noRegister"]) for j in supplements] == [
        (first, first, str(yesterday), None), (second, first, str(yesterday), None)]
    refused(rs.request(f"sep/JasaRaharja/Suplesi/{card}/tglPelayanan/{yesterday}"), "201")
    monitor = ok(rs.request(f"monitoring/JasaRaharja/JnsPelayanan/1/tglMulai/{yesterday}/tglAkhir/{w.today}"))
    row = monitor["jaminan"][0]
    assert len(monitor["jaminan"]) == 1 and row["sep"]["noSEP"] == first and row["sep"]["peserta"]["noKartu"] == card
    assert row["jasaRaharja"]["tglKejadian"] == str(yesterday) and row["jasaRaharja"]["biayaDijamin"] is None
    assert [j["sep"]["noSEP"] for j in ok(rs.request(
        f"monitoring/JasaRaharja/JnsPelayanan/2/tglMulai/{w.today}/tglAkhir/{w.today}"))["jaminan"]] == [second]
    # bad input and other facilities
    refused(rs.request(f"monitoring/JasaRaharja/JnsPelayanan/2/tglMulai/{w.today}/tglAkhir/{yesterday}"), "400")
    refused(rs.request(f"monitoring/JasaRaharja/JnsPelayanan/9/tglMulai/{w.today}/tglAkhir/{w.today}"), "400")
    refused(rs.request(f"monitoring/JasaRaharja/JnsPelayanan/2/tglMulai/2026-02-30/tglAkhir/{w.today}"), "400")
    refused(rs.request("sep/KllInduk/List/0009999999999"), "201")
    refused(rs.request(f"sep/KllInduk/List/{w.other}"), "201")
    refused(rs.request(f"sep/JasaRaharja/Suplesi/{card}/tglPelayanan/2026-1-1x"), "400")
    refused(client(bridge, w.fktp_v2).request(
        f"monitoring/JasaRaharja/JnsPelayanan/1/tglMulai/{yesterday}/tglAkhir/{w.today}"), "201")
    # another participant's SEP cannot be supplemented
    other_ref = referral(bridge, w.other, w.today, poli="INT")
    refused(send(rs, "SEP/2.0/insert", "post", t_sep(
        w, w.other, w.today, rujukan={"asalRujukan": "1", "tglRujukan": str(w.today), "noRujukan": other_ref,
                                      "ppkRujukan": w.fktp2}, jaminan=_jaminan(yesterday, supplement=first))),
            "201", "suplesi")
    # updated to "not an accident": the details go, the index forgets it
    assert send(rs, "SEP/2.0/update", "put", {"request": {"t_sep": {
        "noSep": second, "jaminan": {"lakaLantas": "0"}, "user": "ws"}}})["response"] == second
    assert [r["noSEP"] for r in ok(rs.request(f"sep/KllInduk/List/{card}"))["list"]] == [first]


def test_version_1_1_guarantors_decide_what_jasa_raharja_sees(bridge, schedules):
    """VClaim 1.1 names the guarantors (``penjamin.penjamin``): a traffic accident guaranteed by BPJS
    Ketenagakerjaan only is in the accident index but not in Jasa Raharja's monitor (A-V47)."""
    w = schedules
    old = client(bridge, w.rs_v11, service="aplicare")  # the client's plain mode, as a 1.1 consumer reads
    yesterday = w.today - dt.timedelta(days=1)

    def t(guarantors: str) -> dict:
        return {"request": {"t_sep": {
            "noKartu": w.other, "tglSep": str(w.today), "ppkPelayanan": w.rsud, "jnsPelayanan": "1", "klsRawat": "1",
            "noMR": "MR-7", "rujukan": {"asalRujukan": "1", "tglRujukan": "", "noRujukan": "", "ppkRujukan": ""},
            "catatan": "", "diagAwal": "S72", "poli": {"tujuan": "", "eksekutif": "0"}, "cob": {"cob": "0"},
            "katarak": {"katarak": "0"}, "jkn": {"gawatDarurat": "1"}, "jaminan": {"lakaLantas": "1", "penjamin": {
                "penjamin": guarantors, "tglKejadian": str(yesterday), "keterangan": "jatuh di lokasi kerja",
                "suplesi": {"suplesi": "0", "noSepSuplesi": "",
                            "lokasiLaka": {"kdPropinsi": "32", "kdKabupaten": "3273", "kdKecamatan": ""}}}},
            "skdp": {"noSurat": "", "kodeDPJP": ""}, "noTelp": "0812", "user": "Coba Ws"}}}

    seps = count(bridge.engine, SepRow)
    refused(send(old, "SEP/1.1/insert", "post", t("1,5")), "400", "penjamin")
    refused(send(old, "SEP/1.1/insert", "post", t("2,2")), "400", "penjamin")
    assert count(bridge.engine, SepRow) == seps
    no = ok(send(old, "SEP/1.1/insert", "post", t("2")))["sep"]["noSep"]
    assert [r["noSEP"] for r in ok(old.request(f"sep/KllInduk/List/{w.other}"))["list"]] == [no]
    rs = client(bridge, w.rs_v2)
    monitor = rs.request(f"monitoring/JasaRaharja/JnsPelayanan/1/tglMulai/{yesterday}/tglAkhir/{w.today}")
    assert no not in [j["sep"]["noSEP"] for j in (monitor["response"] or {"jaminan": []})["jaminan"]]
    refused(rs.request(f"sep/JasaRaharja/Suplesi/{w.other}/tglPelayanan/{w.today}"), "201")
