"""Pages name things in the reader's words (issue 11, "names, not codes"): a form's error names the
field by the form's label, never the bridging protocol's field (``tglDaftar``, ``tglRencanaKontrol``,
``care_type``), which the P-Care/VClaim answers keep; over a real server and database."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from jkn.services.care import sep as sep_service
from jkn.services.care.common import jakarta_today
from jkn.services.portal.audit import SYSTEM

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "portal"))
from portal_world import PASSWORD, build_world, login  # noqa: E402
from support.databases import truncate_business_tables  # noqa: E402
from support.live_server import LiveServer  # noqa: E402
from support.portal_login import token  # noqa: E402


@pytest.fixture(scope="module")
def _site(_prepared):
    url, engine = _prepared("sqlite")
    truncate_business_tables(engine)  # the world's people are other modules' too
    world = build_world(engine)
    with LiveServer(url) as server:
        yield server, world, engine
    truncate_business_tables(engine)


@pytest.fixture(scope="module")
def site(_site):
    return _site[:2]


def _alert(html: str) -> str:
    return html.split('role="alert"><p>', 1)[1].split("</p>", 1)[0]


def _refused(client, form: str, action: str, data: dict) -> str:
    """The alert of a form posted with bad input: the page at ``form``, then ``data`` posted to ``action``
    with its CSRF token, answered 422."""
    r = client.post(action, data={"csrf_token": token(client.get(form).text), **data})
    assert r.status_code == 422, r.text
    return _alert(r.text)


def test_participant_queue_names_the_date_by_its_label(site):
    server, world = site
    siti, _ = login(server, world.users["siti"])
    said = _refused(siti, "/peserta/antrean", "/peserta/antrean", {"date": "besok", "poli": "001"})
    assert "tglDaftar" not in said and said.startswith("Tanggal periksa"), said
    en = _refused(siti, "/peserta/antrean", "/peserta/antrean?lang=en", {"date": "besok", "poli": "001"})
    assert "tglDaftar" not in en, en


def test_spri_names_the_planned_date_by_its_label(site):
    server, world = site
    rs, _ = login(server, world.users["rs"])
    said = _refused(rs, "/faskes/spri", "/faskes/spri",
                    {"card_number": world.medan_card, "control_date": "lusa", "poli": "INT"})
    assert "tglRencanaKontrol" not in said and said.startswith("Tanggal rencana rawat inap"), said


def test_fktp_visit_names_the_care_type_by_its_label(site):
    server, world = site
    clinic, _ = login(server, world.users["puskesmas"])
    said = _refused(clinic, "/faskes/kunjungan/baru", "/faskes/kunjungan",
                    {"card_number": world.medan_card, "care_type": "IGD", "diagnosis": "J06.9"})
    assert "care_type" not in said and said.startswith("Jenis pelayanan harus RJTP"), said


def test_dashboard_names_its_levels_not_their_codes(site):
    server, world = site
    officer, _ = login(server, world.users["medan"])
    r = officer.get("/dasbor?level=xx")
    assert r.status_code == 422
    said = _alert(r.text)
    assert said == "Tingkat dasbor harus Nasional, Kedeputian Wilayah atau Kantor Cabang", said
    assert "Branch office" in _alert(officer.get("/dasbor?level=xx&lang=en").text)


def test_api_403_says_what_the_caller_may_not_do_and_keeps_the_permission_for_machines(site):
    server, world = site
    with server.client(auth=(world.users["siti"], PASSWORD)) as siti:
        r = siti.get("/api/v1/status-endings")
        en = siti.get("/api/v1/status-endings", headers={"Accept-Language": "en"})
    assert r.status_code == en.status_code == 403
    problem = r.json()
    assert problem["detail"] == "Peran Anda (Peserta) tidak berwenang melihat data peserta.", problem
    assert en.json()["detail"] == "Your role (Participant) may not see participant data.", en.json()
    assert problem["permission"] == en.json()["permission"] == ["participant.read"]
    assert problem["code"] == "error.auth.role_may_not_do"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_permission_has_words(lang):
    from jkn.i18n.catalogue import catalogue
    from jkn.services.portal.auth import CAPABILITIES

    missing = {c for role in CAPABILITIES.values() for c in role if f"capability.{c}" not in catalogue(lang)}
    assert not missing


def _options(html: str, select: str) -> list[str]:
    part = html.split(f'<select id="{select}"', 1)[1].split("</select>", 1)[0]
    return [o.split(">", 1)[1].split("<", 1)[0].strip() for o in part.split("<option")[1:] if 'value=""' not in o]


def test_english_simulator_and_card_name_segments_in_english(site):
    server, world = site
    with server.client() as anon:
        english = _options(anon.get("/simulasi?lang=en").text, "segment")
        indonesian = _options(anon.get("/simulasi?lang=id").text, "segment")
    assert "Non-wage earner: self-employed" in english and "PBPU Pekerja Mandiri" in indonesian, (english, indonesian)
    assert not any("Pekerja" in o or "Pegawai" in o for o in english), english
    siti, _ = login(server, world.users["siti"])
    card = siti.get("/peserta/kartu?lang=en").text
    segment = card.split("Participant type</dt><dd>", 1)[1].split("</dd>", 1)[0]
    born = card.split("Date of birth</dt><dd>", 1)[1].split("</dd>", 1)[0]
    assert segment.startswith(("Wage earner", "Non-wage earner", "Contribution assistance")), segment
    assert not born[:4].isdigit(), born  # a date in words, not 1990-01-05


def test_the_site_has_an_icon(site):
    server, _world = site
    with server.client() as anon:
        r = anon.get("/favicon.ico", follow_redirects=True)
        home = anon.get("/").text
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml") and b"<svg" in r.content
    assert 'rel="icon"' in home and "/static/favicon.svg" in home


def test_control_letter_list_names_its_dates_by_their_labels(site):
    server, world = site
    rs, _ = login(server, world.users["rs"])
    r = rs.get("/faskes/surat-kontrol?dari=kemarin&sampai=2026-01-01")
    assert r.status_code == 422
    said = _alert(r.text)
    assert "tglAwal" not in said and said.startswith("Dari harus tanggal"), said


def test_sep_form_names_its_date_by_its_label(site):
    server, world = site
    rs, _ = login(server, world.users["rs"])
    said = _refused(rs, "/faskes/sep", "/faskes/sep", {"card_number": world.medan_card, "sep_date": "hari ini",
                                                        "service_type": "2", "diagnosis": "A09", "poli": "INT"})
    assert "tglSep" not in said and said.startswith("Tanggal SEP harus tanggal"), said


def _inpatient_sep(world, engine) -> str:
    with Session(engine) as s:
        rsud = world.fktp["FKRTL"][0]
        return sep_service.insert_sep(s, actor=SYSTEM, card_number=world.medan_spouse_card,
                                      sep_date=jakarta_today(), facility_code=rsud, service_type="1",
                                      diagnosis="S72", poli="IGD", emergency=True)["number"]


def test_sep_page_names_the_discharge_and_control_dates_by_their_labels(_site):
    server, world, engine = _site
    number = _inpatient_sep(world, engine)
    rs, _ = login(server, world.users["rs"])
    said = _refused(rs, f"/faskes/sep/{number}", f"/faskes/sep/{number}/pulang", {"discharge_date": "besok"})
    assert "tglPulang" not in said and said.startswith("Tanggal pulang harus tanggal"), said
    said = _refused(rs, f"/faskes/sep/{number}", f"/faskes/sep/{number}/surat-kontrol",
                    {"control_date": "lusa", "control_poli": "INT"})
    assert "tglRencanaKontrol" not in said and said.startswith("Tanggal rencana kontrol"), said


def test_fktp_queue_names_the_clinic_by_its_label(site):
    server, world = site
    clinic, _ = login(server, world.users["puskesmas"])
    said = _refused(clinic, "/faskes/antrean", "/faskes/antrean", {"card_number": world.medan_card, "poli": ""})
    assert "kdPoli" not in said and said.startswith("Poli tujuan"), said


def test_fktp_visit_names_the_discharge_date_by_its_label(site):
    server, world = site
    clinic, _ = login(server, world.users["puskesmas"])
    said = _refused(clinic, "/faskes/kunjungan/baru", "/faskes/kunjungan", {
        "card_number": world.medan_card, "care_type": "RITP", "diagnosis": "A09", "discharge_date": "besok"})
    assert "tglPulang" not in said and said.startswith("Tanggal pulang harus tanggal"), said


def test_fktp_referral_names_its_date_by_its_label(site):
    server, world = site
    clinic, _ = login(server, world.users["puskesmas"])
    said = _refused(clinic, "/faskes/rujukan", "/faskes/rujukan",
                    {"card_number": world.medan_card, "referral_date": "besok", "diagnosis": "A09"})
    assert "tglRujukan" not in said and said.startswith("Tanggal rujukan harus tanggal"), said
