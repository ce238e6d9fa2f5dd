"""``jkn calc`` as a user types it."""

import json
import subprocess
import sys


def run(*args):
    return subprocess.run([sys.executable, "-m", "jkn.cli", "calc", *args], capture_output=True, text=True, timeout=60)


def test_contribution_json():
    result = run("contribution", "--segment", "PPU_PNS", "--as-of", "2014-06-01", "--wage", "3000000", "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    # Iuran §2: 5% of salary, 3% employer, 2% participant
    assert (body["employer"], body["participant"]) == (90_000, 60_000)


def test_penalty_text_output_and_bad_input():
    ok = run("penalty", "--segment", "PBPU_MANDIRI", "--as-of", "2014-12-15", "--unpaid", "2014-05=42500")
    assert ok.returncode == 0 and "karena:" in ok.stdout
    # one month unpaid, but 7 months and 5 days late: more than 6 (Penghentian 2)
    lines = ok.stdout.splitlines()
    assert lines[0].startswith("Pelayanan kesehatan dihentikan sementara: pada 15 Desember 2014")  # the answer first
    assert "Terlambat 7 bulan 5 hari" in ok.stdout  # each step names its source, not its machine id
    assert "(Panduan Peserta, Penghentian Pelayanan Kesehatan, butir 1)" in " ".join(ok.stdout.split())
    assert "guide:" not in ok.stdout
    owed = run("penalty", "--segment", "PPU_SWASTA", "--as-of", "2014-04-20", "--penalty-owed", "24000",
               "--suspended-since", "2014-04-11", "--json")
    body = json.loads(owed.stdout)
    assert (body["amount_due"], body["suspended"]) == (24_000, True)
    assert run("penalty", "--segment", "PPU_SWASTA", "--as-of", "2014-04-20", "--unpaid", "2014-01").returncode == 2
    bad = run("contribution", "--segment", "PPU_SWASTA", "--as-of", "2014-06-01")
    assert bad.returncode == 2 and "Upah wajib diisi" in bad.stderr


def test_the_answer_and_steps_in_english_on_request():
    import os

    out = subprocess.run([sys.executable, "-m", "jkn.cli", "calc", "care-class", "--segment", "PPU_SWASTA",
                          "--as-of", "2015-06-01", "--wage", "5000000"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "JKN_LANG": "en", "COLUMNS": "200"})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "A participant of segment Wage earner: private employee is entitled to room class II."
    assert "  - Wage Rp 5,000,000: room class II.  (Participant Guide, Manfaat Akomodasi Rawat Inap, item 2.d)" in lines
    body = json.loads(run("care-class", "--segment", "PPU_SWASTA", "--as-of", "2015-06-01", "--wage", "5000000",
                          "--json").stdout)
    assert body["answer"].startswith("Peserta segmen PPU Pegawai Swasta berhak atas Kelas rawat II")
    assert {"source": "guide:Manfaat Akomodasi Rawat Inap:2.d", "decisive": False} .items() <= body["explanation"][-1].items()
