"""The CLI lookups and export, run as a user would (a real subprocess)."""

import csv
import io
import json
import os
import subprocess
import sys

JKN = [sys.executable, "-m", "jkn.cli"]


def run(*args, lang: str | None = None):
    env = {**os.environ, "JKN_LANG": lang} if lang else {k: v for k, v in os.environ.items() if k != "JKN_LANG"}
    return subprocess.run([*JKN, *args], capture_output=True, text=True, timeout=60, env=env)


def test_lookup_region_json():
    result = run("lookup", "region", "12.17", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["branch"]["name"] == "Pematang Siantar"


def test_lookup_nik_and_bad_nik():
    good = run("lookup", "nik", "3275015203910001")
    assert json.loads(good.stdout)["region"]["code"] == "32.75"
    bad = run("lookup", "nik", "123")
    assert bad.returncode == 2 and "length" in bad.stderr


def test_unknown_region_code_exits_2_with_suggestions():
    result = run("lookup", "region", "99.99")
    assert result.returncode == 2
    assert "kesalahan:" in result.stderr and "mungkin maksud Anda" in result.stderr  # Indonesian by default
    english = run("lookup", "region", "99.99", lang="en")
    assert "error:" in english.stderr and "did you mean" in english.stderr


def test_branch_contacts_read_as_text_in_indonesian():
    """Phone numbers are text (``(0911) 3825199``), never a Python tuple."""
    result = run("lookup", "branch", "Ambon")
    assert result.returncode == 0, result.stderr
    assert "telepon:" in result.stdout and "('" not in result.stdout and "Kelas" in result.stdout


def test_export_csv(tmp_path):
    target = tmp_path / "hierarchy.csv"
    assert run("export", "hierarchy", "--format", "csv", "-o", str(target)).returncode == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == 514


def test_db_upgrade_creates_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    result = run("db", "upgrade", "--db", url)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.sqlite3").exists()


def test_lookup_branch_by_a_name_several_branches_share_asks_which():
    """"Jakarta" names five branches: the CLI lists them and asks, never answers a near miss (Surakarta)."""
    result = run("lookup", "branch", "Jakarta")
    assert result.returncode == 2 and "Surakarta" not in result.stdout + result.stderr
    assert "beberapa kantor cabang" in result.stderr
    for name in ("Jakarta Pusat", "Jakarta Selatan", "Jakarta Timur", "Jakarta Barat", "Jakarta Utara"):
        assert name in result.stderr
    one = run("lookup", "branch", "Jakarta Timur")
    assert one.returncode == 0 and one.stdout.startswith("Kantor Cabang Jakarta Timur (033")
