"""``jkn care mobilejkn check`` (issue #14): a SIMRS developer tests the hospital-side Mobile JKN
service they wrote. Against a conforming service on loopback every check passes (exit 0); against
the same service with four faults each fault is a named failure (exit 1); a service that is down
fails every check with a reason, and the report follows the command line's language."""

from __future__ import annotations

import json

import pytest
from support.live_server import LiveServer
from support.mobile_jkn_hospital import Hospital
from typer.testing import CliRunner

from jkn.cli import app
from jkn.services.care.common import jakarta_today

runner = CliRunner()
CARD, NIK = "0001234567890", "1271014402900003"


def _serve(hospital: Hospital) -> LiveServer:
    return LiveServer("", app=hospital.app())


def _check(url: str, hospital: Hospital, *extra: str, env: dict | None = None):
    return runner.invoke(app, ["care", "mobilejkn", "check", "--url", url, "--username", hospital.username,
                               "--password", hospital.password, "--poli", "ANA", "--doctor", "33690",
                               "--hours", "07:00-14:00", "--date", jakarta_today().isoformat(), "--card", CARD,
                               "--nik", NIK, "--referral", "0001R0040116A000001", *extra], env=env or {})


@pytest.fixture
def new_patient_file(tmp_path):
    path = tmp_path / "pasien-baru.json"
    path.write_text(json.dumps({"nomorkartu": "0009876543210", "nik": "1271010101900001", "nomorkk": "1271010101900009",
                                "nama": "Pasien Uji", "jeniskelamin": "P", "tanggallahir": "1990-01-01",
                                "nohp": "081234567890", "alamat": "Jl. Uji 1", "kodeprop": "12", "namaprop": "",
                                "kodedati2": "12.71", "namadati2": "", "kodekec": "", "namakec": "", "kodekel": "",
                                "namakel": "", "rw": "", "rt": ""}))
    return str(path)


def test_every_check_passes_against_a_conforming_service(new_patient_file):
    hospital = Hospital(patients={CARD: "RM00001"})
    with _serve(hospital) as server:
        r = _check(server.url, hospital, "--new-patient", new_patient_file, "--json")
    assert r.exit_code == 0, r.stdout
    checks = {c["check"]: c for c in json.loads(r.stdout)}
    assert {c["status"] for c in checks.values()} == {"PASS"}, [c for c in checks.values() if c["status"] != "PASS"]
    assert len(checks) == 27
    # each web service was called, with valid and invalid input
    called = {name for name, _ in hospital.calls}
    assert called == {"auth", "statusantrean", "ambilantrean", "sisaantrean", "batalantrean", "checkinantrean",
                      "pasienbaru", "jadwaloperasirs", "jadwaloperasipasien"}
    # the take was cancelled, the second take checked in
    states = sorted((b["status"], bool(b["checked_in"])) for b in hospital.bookings.values())
    assert states == [("Batal", False), ("Belum", True)]


def test_a_broken_service_fails_the_checks_its_faults_break():
    hospital = Hospital(patients={CARD: "RM00001"}, broken=True)
    with _serve(hospital) as server:
        r = _check(server.url, hospital, "--json")
    assert r.exit_code == 1
    checks = {c["check"]: c for c in json.loads(r.stdout)}
    failed = {name for name, c in checks.items() if c["status"] == "FAIL"}
    assert failed == {"status_bad_token", "take_valid", "take_after_cancel", "left_valid", "cancel_twice"}
    assert "estimasidilayani" in checks["take_valid"]["detail"]
    assert "waktutunggu" in checks["left_valid"]["detail"]
    assert "seharusnya 201" in checks["cancel_twice"]["detail"]
    assert checks["new_patient_valid"]["status"] == "SKIP" and "--new-patient" in checks["new_patient_valid"]["detail"]


def test_the_report_reads_in_the_command_lines_language_and_a_service_down_fails_everything():
    hospital = Hospital(patients={CARD: "RM00001"})
    with _serve(hospital) as server:
        indonesian = _check(server.url, hospital)
        english = _check(server.url, Hospital(patients={CARD: "RM00001"}, password="salah"), env={"JKN_LANG": "en"})
        hospital.down = True
        down = _check(server.url, hospital, "--json")
    assert indonesian.exit_code == 0
    assert "LULUS  Token: user dan password benar memberi token" in indonesian.stdout
    assert "lulus, 0 gagal" in indonesian.stdout
    assert english.exit_code == 1
    assert "FAIL   Token: the right user and password give a token — metadata.code 201, expected 200" in english.stdout
    assert down.exit_code == 1
    checks = json.loads(down.stdout)
    assert {c["status"] for c in checks} <= {"FAIL", "SKIP"}
    assert all("HTTP 500" in c["detail"] for c in checks if c["status"] == "FAIL" and c["check"] != "envelope")
