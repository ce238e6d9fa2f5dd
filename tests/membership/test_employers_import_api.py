"""Employers and the collective import over HTTP: template, CSV and XLSX, per-row errors in
Bahasa Indonesia and English, all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

from membership.membership_helpers import FKTP_A, FKTP_B, employer, nik
from openpyxl import Workbook, load_workbook


def test_employer_crud_with_optimistic_lock(api):
    e = employer(api, "PT Maju")
    assert e["code"].isdigit() and len(e["code"]) == 8 and e["payer_code"] == f"E{e['code']}"
    r = api.get(f"/api/v1/employers/{e['code']}")
    assert r.headers["etag"] == '"1"'
    ok = api.patch(f"/api/v1/employers/{e['code']}", json={"version": 1, "address": "Jl. Thamrin 9"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = api.patch(f"/api/v1/employers/{e['code']}", json={"version": 1, "name": "PT Lama"})
    assert stale.status_code == 409
    stale = api.patch(f"/api/v1/employers/{e['code']}", json={"version": 2, "name": "PT Lama"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    assert api.get(f"/api/v1/employers/{e['code']}").json()["name"] == "PT Maju"
    assert api.get("/api/v1/employers", params={"q": "maju"}).json()["total"] >= 1
    assert api.get("/api/v1/employers/99999999").status_code == 404
    r = api.post("/api/v1/employers", json={"name": "X", "sector": "MARS", "kabkota_code": "31.71"})
    assert r.status_code == 422


def test_template_downloads(api):
    x = api.get("/api/v1/imports/template")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    wb = load_workbook(io.BytesIO(x.content), read_only=True)
    header = next(wb.worksheets[0].iter_rows(values_only=True))
    assert header[:3] == ("nik", "nama", "hubungan") and "petunjuk" in wb.sheetnames
    c = api.get("/api/v1/imports/template", params={"format": "csv"})
    assert c.text.splitlines()[0].startswith("nik,nama,hubungan")


def _rows(n_families: int, emp_fktp: str = FKTP_A) -> list[dict]:
    rows = []
    for i in range(n_families):
        head_birth = dt.date(1970 + i % 20, 1 + i % 12, 1 + i % 27)
        head = nik(head_birth, "L")
        rows.append({"nik": head, "nama": f"Pekerja {i}", "hubungan": "PESERTA", "segmen": "PPU_SWASTA",
                     "gaji": str(3_000_000 + 1000 * i), "kode_faskes": emp_fktp, "kabkota": "31.71",
                     "status_kawin": "KAWIN", "tmt": "2014-02-01"})
        rows.append({"nik": nik(dt.date(1975, 5, 5), "P"), "nama": f"Istri {i}", "hubungan": "SUAMI_ISTRI",
                     "nik_peserta": head, "status_kawin": "KAWIN"})
        rows.append({"nik": nik(dt.date(2005, 6, 6), "L"), "nama": f"Anak {i}", "hubungan": "ANAK_KANDUNG",
                     "nik_peserta": head})
    return rows


def _csv(rows: list[dict]) -> bytes:
    cols = ["nik", "nama", "hubungan", "nik_peserta", "segmen", "gaji", "kode_faskes", "kabkota", "status_kawin", "tmt"]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in cols})
    return buf.getvalue().encode()


def _xlsx(rows: list[dict]) -> bytes:
    cols = ["nik", "nama", "hubungan", "nik_peserta", "segmen", "gaji", "kode_faskes", "kabkota", "status_kawin", "tmt"]
    wb = Workbook()
    ws = wb.active
    ws.append(cols)
    for r in rows:
        ws.append([int(r[c]) if c == "gaji" and r.get(c) else (dt.date.fromisoformat(r[c]) if c == "tmt" and r.get(c)
                                                               else r.get(c)) for c in cols])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(api, name, content, **form):
    return api.post("/api/v1/imports", files={"file": (name, content)},
                    data={"registered_on": "2014-02-01", **form})


def test_import_csv_and_xlsx(api):
    e = employer(api, "PT Kolektif")
    r = _upload(api, "karyawan.csv", _csv(_rows(3)), employer_code=e["code"])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["ok"] and body["participants"] == 9 and body["families"] == 3
    assert api.get(f"/api/v1/imports/{body['batch_id']}").json()["rows"] == 9
    r = _upload(api, "karyawan.xlsx", _xlsx(_rows(2, FKTP_B)), employer_code=e["code"])
    assert r.status_code == 201, r.text
    emps = api.get(f"/api/v1/employers/{e['code']}/employees").json()
    assert emps["total"] == 5
    card = body["sample_cards"][0]
    family = api.get("/api/v1/participants", params={"q": card}).json()["items"][0]["family_id"]
    members = api.get("/api/v1/participants", params={"family_id": family}).json()["items"]
    assert {m["member_status"] for m in members} == {"HEAD", "CORE"}
    hist = api.get(f"/api/v1/participants/{card}/history").json()["entries"]
    assert hist[0]["kind"] == "COLLECTIVE_IMPORT"


def test_import_is_all_or_nothing_with_errors_per_row(api):
    e = employer(api, "PT Salah")
    rows = _rows(3)
    good_nik = rows[0]["nik"]
    rows[4]["nik"] = rows[4]["nik"][:-1] + "X"  # row 6: not digits
    rows[5]["nik_peserta"] = "3171010101010999"  # row 7: head not in the file
    rows[6]["gaji"] = "tiga juta"  # row 8
    rows[7]["kode_faskes"] = "NOPE"
    r = _upload(api, "salah.csv", _csv(rows), employer_code=e["code"])
    assert r.status_code == 422
    report = r.json()
    assert report["ok"] is False and report["participants"] == 0
    by_row = {(x["row"], x["column"]): x for x in report["errors"]}
    assert by_row[(6, "nik")]["message"].endswith("hanya boleh berisi angka")
    assert by_row[(7, "nik_peserta")]["code"] == "head_missing"
    assert by_row[(8, "gaji")]["message"] == "gaji: 'tiga juta' bukan bilangan bulat rupiah"
    # nothing written: the good family is not registered
    assert api.get(f"/api/v1/participants/{good_nik}").status_code == 404
    en = _upload(api, "salah.csv", _csv(rows), employer_code=e["code"], lang="en").json()
    assert any(x["message"] == "gaji: 'tiga juta' is not a whole number of rupiah" for x in en["errors"])


def test_import_refuses_registered_niks_and_bad_files(api):
    e = employer(api, "PT Dua Kali")
    rows = _rows(1)
    assert _upload(api, "a.csv", _csv(rows), employer_code=e["code"]).status_code == 201
    again = _upload(api, "a.csv", _csv(rows), employer_code=e["code"], lang="en")
    assert again.status_code == 422
    assert {x["code"] for x in again.json()["errors"]} == {"nik_taken"}
    missing_col = _upload(api, "b.csv", b"nik,nama\n3171011203850001,A\n")
    assert missing_col.status_code == 422 and missing_col.json()["errors"][0]["code"] == "header_missing"
    broken = _upload(api, "c.xlsx", b"PK\x03\x04 not really a zip")
    assert broken.status_code == 422 and broken.json()["errors"][0]["code"] == "bad_file"
    no_employer = _upload(api, "d.csv", _csv(_rows(1)))
    assert no_employer.status_code == 422 and no_employer.json()["errors"][0]["code"] == "employer_required"


def test_import_reports_every_rule_refusal_of_every_family(api):
    e = employer(api, "PT Banyak Salah")
    rows = _rows(3)
    rows[1]["kode_faskes"] = "NOPE1"  # row 3, the first family's spouse: no such FKTP
    rows[2]["kode_faskes"] = "NOPE2"  # row 4, the same family's child: another refusal of the same family
    rows[7]["kode_faskes"] = "NOPE3"  # row 9, the third family's child
    r = _upload(api, "salah.csv", _csv(rows), employer_code=e["code"])
    assert r.status_code == 422, r.text
    report = r.json()
    refused = sorted((x["row"], x["column"]) for x in report["errors"])
    assert refused == [(3, "kode_faskes"), (4, "kode_faskes"), (9, "kode_faskes")]
    assert report["participants"] == 0 and api.get(f"/api/v1/participants/{rows[3]['nik']}").status_code == 404
