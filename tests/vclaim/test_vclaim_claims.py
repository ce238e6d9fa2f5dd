"""LPK (claim sheets), PRB (referral-back letters), rujukan khusus and the claims monitor through the UNMODIFIED
``bpjs-bridging`` client against ``jkn serve`` on SQLite and PostgreSQL (issue #13): paths, bodies
and answers as the public client libraries send and read them; bad input answered in the envelope
with nothing written; another hospital's records answered as unknown."""

from __future__ import annotations

import datetime as dt
import time

from aplicares.test_aplicares_bridging import aplicare, write
from support.care_world import count
from vclaim.test_vclaim_bridging import bridge, client, ok, referral, refused, send, t_sep  # noqa: F401

from jkn.services.billing.service_penalties import record_discharge
from jkn.services.portal.audit import SYSTEM
from jkn.store.care_tables import BackReferralRow, ClaimSheetRow, SpecialReferralRow
from jkn.store.engine import session_factory


def _lpk(no_sep: str, day: dt.date, **kw) -> dict:
    sheet = {"noSep": no_sep, "tglMasuk": str(day), "tglKeluar": str(day), "jaminan": "1", "poli": {"poli": "INT"},
             "perawatan": {"ruangRawat": "1", "kelasRawat": "3", "spesialistik": "INT", "caraKeluar": "1",
                           "kondisiPulang": "1"},
             "diagnosa": [{"kode": "I21", "level": "1"}, {"kode": "I10", "level": "2"}],
             "procedure": [{"kode": "88.72"}],
             "rencanaTL": {"tindakLanjut": "4", "dirujukKe": {"kodePPK": ""},
                           "kontrolKembali": {"tglKontrol": str(day + dt.timedelta(days=7)), "poli": "INT"}},
             "DPJP": "3", "user": "Coba Ws"}
    sheet.update(kw)
    return {"request": {"t_lpk": sheet}}


def test_lpk_insert_list_update_delete_and_bad_input(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    no_sep = ok(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.other, w.today, jnsPelayanan="1",
                                                           poli={"tujuan": "IGD"}, diagAwal="I21")))["sep"]["noSep"]
    assert ok(send(rs, "LPK/insert", "post", _lpk(no_sep, w.today))) == no_sep
    refused(send(rs, "LPK/insert", "post", _lpk(no_sep, w.today)), "201", "sudah ada")
    row = ok(rs.request(f"LPK/TglMasuk/{w.today}/JnsPelayanan/1"))["lpk"]["list"][0]
    assert row["noSep"] == no_sep and row["tglKeluar"] == str(w.today) and row["jnsPelayanan"] == "1"
    assert row["diagnosa"]["list"][0] == {"level": "1", "list": {"kode": "I21", "nama": row["diagnosa"]["list"][0]
                                                                    ["list"]["nama"]}}
    assert "infarction" in row["diagnosa"]["list"][0]["list"]["nama"].lower()
    assert row["perawatan"]["caraKeluar"] == {"kode": "1", "nama": "Atas Persetujuan Dokter"}
    assert row["perawatan"]["ruangRawat"] == {"kode": "1", "nama": None}  # no room list is held (A-V40)
    assert row["procedure"]["list"] == [{"list": {"kode": "88.72", "nama": None}}]
    assert row["peserta"]["noKartu"] == w.other and row["DPJP"]["dokter"]["kode"] == "3"
    refused(rs.request(f"LPK/TglMasuk/{w.today}/JnsPelayanan/2"), "201")

    before = count(bridge.engine, ClaimSheetRow)
    for bad, said in ((_lpk(no_sep, w.today, diagnosa=[{"kode": "I10", "level": "2"}]), "primer"),
                      (_lpk(no_sep, w.today, tglKeluar=str(w.today - dt.timedelta(days=3))), "tanggal"),
                      (_lpk(no_sep, w.today, procedure=[{"kode": "bedah"}]), "procedure"),
                      (_lpk(no_sep, w.today, perawatan={"ruangRawat": "1", "kelasRawat": "9", "spesialistik": "INT",
                                                        "caraKeluar": "1", "kondisiPulang": "1"}), "kelasRawat")):
        res = send(rs, "LPK/update", "put", bad)
        assert res["metaData"]["code"] in ("400", "201") and said.lower() in res["metaData"]["message"].lower(), res
    refused(send(rs, "LPK/insert", "post", _lpk("0000R0000000V000000", w.today)), "201", "Tidak ada SEP")
    assert count(bridge.engine, ClaimSheetRow) == before

    upd = _lpk(no_sep, w.today, tglKeluar=str(w.today + dt.timedelta(days=2)),
               rencanaTL={"tindakLanjut": "1", "dirujukKe": {"kodePPK": ""}, "kontrolKembali": {}})
    assert ok(send(rs, "LPK/update", "put", upd)) == no_sep
    row = ok(rs.request(f"LPK/TglMasuk/{w.today}/JnsPelayanan/1"))["lpk"]["list"][0]
    assert row["tglKeluar"] == str(w.today + dt.timedelta(days=2)) and row["rencanaTL"]["tindakLanjut"] == "1"
    # another hospital's consumer: the SEP is unknown to it
    other = client(bridge, w.fktp_v2)
    refused(send(other, "LPK/delete", "delete", {"request": {"t_lpk": {"noSep": no_sep}}}), "201", "Tidak ada SEP")
    assert ok(send(rs, "LPK/delete", "delete", {"request": {"t_lpk": {"noSep": no_sep}}})) == no_sep
    refused(rs.request(f"LPK/TglMasuk/{w.today}/JnsPelayanan/1"), "201")

    # once the hospital reports its rooms to Aplicares (its own client), the sheet's room and class
    # must be one of them (A-V53); the list names the room as reported
    beds = aplicare(bridge, w.rs_v2)
    for room in ({"kodekelas": "KL3", "koderuang": "MAWAR", "namaruang": "Ruang Mawar"},
                 {"kodekelas": "VIP", "koderuang": "ANGGREK", "namaruang": "Ruang Anggrek"}):
        assert write(beds, f"rest/bed/create/{w.rsud}", {**room, "kapasitas": "10", "tersedia": "2"}
                     )["metaData"]["code"] == 1
    time.sleep(1.05 - time.time() % 1)  # the Aplicares writes signed this second with the same consumer (A-C16)
    assert {"kode": "MAWAR", "nama": "Ruang Mawar"} in ok(rs.request("referensi/ruangrawat"))["list"]
    care = {"ruangRawat": "MAWAR", "kelasRawat": "5", "spesialistik": "INT", "caraKeluar": "1", "kondisiPulang": "1"}
    before = count(bridge.engine, ClaimSheetRow)
    refused(send(rs, "LPK/insert", "post", _lpk(no_sep, w.today)), "400",
            "Ruang rawat 1 tidak termasuk ruang yang dilaporkan rumah sakit ke Aplicares")
    refused(send(rs, "LPK/insert", "post", _lpk(no_sep, w.today, perawatan={**care, "kelasRawat": "2"})), "400",
            "Kelas rawat 2 tidak dilaporkan ke Aplicares untuk ruang MAWAR")
    assert count(bridge.engine, ClaimSheetRow) == before
    assert ok(send(rs, "LPK/insert", "post", _lpk(no_sep, w.today, perawatan=care))) == no_sep
    row = ok(rs.request(f"LPK/TglMasuk/{w.today}/JnsPelayanan/1"))["lpk"]["list"][0]
    assert row["perawatan"]["ruangRawat"] == {"kode": "MAWAR", "nama": "Ruang Mawar"}
    refused(send(rs, "LPK/update", "put", _lpk(no_sep, w.today, perawatan={**care, "ruangRawat": "MELATI"})),
            "400", "MELATI")
    assert ok(send(rs, "LPK/update", "put", _lpk(no_sep, w.today, perawatan={**care, "ruangRawat": "ANGGREK",
                                                                               "kelasRawat": "2"}))) == no_sep


def _prb(no_sep: str, card: str, **kw) -> dict:
    t = {"noSep": no_sep, "noKartu": card, "alamat": "Jl. Merdeka 1 Bandung", "email": "pasien@example.id",
         "programPRB": "01", "kodeDPJP": "31537", "keterangan": "Kondisi stabil", "saran": "Kontrol rutin di FKTP",
         "user": "12345", "obat": [{"kdObat": "00196120124", "signa1": "1", "signa2": "1", "jmlObat": "30"}]}
    t.update(kw)
    return {"request": {"t_prb": t}}


def test_prb_insert_lookups_update_delete_and_bad_input(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    no = referral(bridge, w.active, w.today, poli="INT", dx="E11")
    no_sep = ok(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.active, w.today, diagAwal="E11", rujukan={
        "asalRujukan": "1", "tglRujukan": str(w.today), "noRujukan": no, "ppkRujukan": w.fktp})))["sep"]["noSep"]
    before = count(bridge.engine, BackReferralRow)
    refused(send(rs, "PRB/insert", "post", _prb(no_sep, w.active, programPRB="99")), "400", "programPRB")
    refused(send(rs, "PRB/insert", "post", _prb(no_sep, w.other)), "400")
    refused(send(rs, "PRB/insert", "post", _prb(no_sep, w.active, obat=[{"kdObat": "X", "signa1": "1", "signa2": "1",
                                                                         "jmlObat": "nol"}])), "400", "jmlObat")
    assert count(bridge.engine, BackReferralRow) == before

    srb = ok(send(rs, "PRB/insert", "post", _prb(no_sep, w.active)))
    number = srb["noSRB"]
    assert len(number) == 19 and number.startswith(w.rsud) and srb["tglSRB"] == str(w.today)
    assert srb["peserta"]["noKartu"] == w.active and srb["peserta"]["asalFaskes"]["kode"] == w.fktp
    assert srb["obat"]["list"] == [{"jmlObat": "30", "nmObat": None, "signa": "1 x 1"}] and srb["programPRB"] == "01"
    refused(send(rs, "PRB/insert", "post", _prb(no_sep, w.active)), "201", "sudah memiliki")

    got = ok(rs.request(f"prb/{number}/nosep/{no_sep}"))["prb"]
    assert got["noSRB"] == number and got["programPRB"] == {"kode": "01", "nama": "Diabetes Mellitus"}
    assert got["obat"]["obat"][0]["kdObat"] == "00196120124" and got["DPJP"]["kode"] == "31537"
    listed = ok(rs.request(f"prb/tglMulai/{w.today}/tglAkhir/{w.today}"))["prb"]["list"]
    assert [x["noSRB"] for x in listed] == [number] and listed[0]["peserta"]["alamat"] == "Jl. Merdeka 1 Bandung"
    refused(rs.request(f"prb/tglMulai/{w.today}/tglAkhir/{w.today - dt.timedelta(days=1)}"), "400")

    upd = _prb(no_sep, w.active, noSrb=number, kodeDPJP="99999",
               obat=[{"kdObat": "00196120124", "signa1": "2", "signa2": "1", "jmlObat": "60"}])
    assert ok(send(rs, "PRB/Update", "put", upd)) == number
    got = ok(rs.request(f"prb/{number}/nosep/{no_sep}"))["prb"]
    assert got["DPJP"]["kode"] == "99999" and got["obat"]["obat"][0]["jmlObat"] == "60"
    # the potential list needs BPJS's claim verification: said, not invented
    refused(rs.request(f"prbpotensi/tahun/{w.today.year}/bulan/{w.today.month}"), "201", "tidak tersedia")
    # another facility does not see it; the holder deletes it
    refused(client(bridge, w.fktp_v2).request(f"prb/{number}/nosep/{no_sep}"), "201")
    assert ok(send(rs, "PRB/Delete", "delete", {"request": {"t_prb": {"noSrb": number, "noSep": no_sep,
                                                                      "user": "12345"}}})) == number
    refused(rs.request(f"prb/{number}/nosep/{no_sep}"), "201")


def test_rujukan_khusus_insert_list_delete_and_bad_input(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    no = referral(bridge, w.active, w.today - dt.timedelta(days=1), poli="INT", dx="N18")
    body = {"noRujukan": no, "diagnosa": [{"kode": "P;N18"}, {"kode": "S;I10"}], "procedure": [{"kode": "39.95"}],
            "user": "Coba Ws"}
    before = count(bridge.engine, SpecialReferralRow)
    refused(send(rs, "Rujukan/Khusus/insert", "post", {**body, "diagnosa": [{"kode": "S;N18"}]}), "400", "primer")
    refused(send(rs, "Rujukan/Khusus/insert", "post", {**body, "noRujukan": "0000X0000000Y000000"}), "201")
    refused(send(client(bridge, w.fktp2_v2), "Rujukan/Khusus/insert", "post", body), "201")  # not addressed to it
    assert count(bridge.engine, SpecialReferralRow) == before

    r = ok(send(rs, "Rujukan/Khusus/insert", "post", body))["rujukan"]
    assert r["norujukan"] == no and r["nokapst"] == w.active and r["diagppk"] == "N18"
    assert r["tglrujukan_awal"] == str(w.today - dt.timedelta(days=1)) and r["tglrujukan_berakhir"] > r["tglrujukan_awal"]
    refused(send(rs, "Rujukan/Khusus/insert", "post", body), "201", "sudah tercatat")
    listed = ok(rs.request(f"Rujukan/Khusus/List/Bulan/{w.today.month}/Tahun/{w.today.year}"))["rujukan"]
    assert [x["norujukan"] for x in listed] == [no]
    ident = listed[0]["idrujukan"]
    refused(send(rs, "Rujukan/Khusus/delete", "post", {"request": {"t_rujukan": {
        "idRujukan": ident, "noRujukan": "0000X0000000Y000000", "user": "Coba Ws"}}}), "201")
    assert ok(send(rs, "Rujukan/Khusus/delete", "post", {"request": {"t_rujukan": {
        "idRujukan": ident, "noRujukan": no, "user": "Coba Ws"}}})) == no
    refused(rs.request(f"Rujukan/Khusus/List/Bulan/{w.today.month}/Tahun/{w.today.year}"), "201")


def test_monitoring_klaim_reads_the_stays_the_hospital_closed_with_their_amount(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    day = w.today - dt.timedelta(days=2)
    no_sep = ok(send(rs, "SEP/2.0/insert", "post", t_sep(w, w.active, day, jnsPelayanan="1", poli={"tujuan": "IGD"},
                                                           diagAwal="I21", noMR="MR-42")))["sep"]["noSep"]
    path = f"Monitoring/Klaim/Tanggal/{day}/JnsPelayanan/1/Status/1"
    refused(rs.request(path), "201")  # not closed yet: no claim
    with session_factory(bridge.engine)() as s:  # the hospital closes the stay with its amount (REST, CLI)
        record_discharge(s, no_sep, discharged_on=day, ina_cbg_amount=7_250_000, actor=SYSTEM)
    k = ok(rs.request(path))["klaim"]
    assert [x["noSEP"] for x in k] == [no_sep] and k[0]["biaya"]["byPengajuan"] == "7250000"
    assert k[0]["status"] == "Proses Verifikasi" and k[0]["tglPulang"] == str(day) and k[0]["tglSep"] == str(day)
    assert k[0]["peserta"] == {"nama": "SITI AMINAH", "noKartu": w.active, "noMR": "MR-42"}
    assert k[0]["Inacbg"] == {"kode": None, "nama": None} and k[0]["biaya"]["bySetujui"] is None
    # no verification runs here: nothing is pending or paid; outpatient claims are not held
    refused(rs.request(f"Monitoring/Klaim/Tanggal/{day}/JnsPelayanan/1/Status/3"), "201")
    refused(rs.request(f"Monitoring/Klaim/Tanggal/{day}/JnsPelayanan/2/Status/1"), "201")
    refused(rs.request(f"Monitoring/Klaim/Tanggal/{day}/JnsPelayanan/1/Status/9"), "400")
    refused(client(bridge, w.fktp_v2).request(path), "201")  # another facility's consumer sees none
