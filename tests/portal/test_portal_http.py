"""Portal security over HTTP (a real server): CSRF on every form, cookie flags, sessions ended by
a password change, safe redirects, roles kept to their pages. Log-in throttling and the session
timeouts: test_login_defence.py and test_sessions_http.py."""

from __future__ import annotations

import pytest
from portal_world import PASSWORD, build_world, login
from sqlalchemy.orm import Session
from support.portal_login import token

from jkn.services.portal import accounts
from jkn.services.portal.audit import SYSTEM


@pytest.fixture(scope="module")
def site(server, _prepared):
    url, engine = _prepared(server.backend)
    return server, build_world(engine), engine


def test_login_sets_a_hardened_cookie_and_redirects_safely(site):
    server, world, _ = site
    client, r = login(server, world.users["medan"])
    assert r.status_code == 303 and r.headers["location"] == "/petugas"
    cookie = r.headers["set-cookie"]
    assert "jkn_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http here; https requests get Secure
    # an open redirect is ignored
    page = client.get("/masuk")  # already logged in: goes home
    assert page.status_code == 303
    anonymous = server.client()
    r = anonymous.get("/petugas")
    assert r.status_code == 303 and r.headers["location"] == "/masuk?next=%2Fpetugas"
    form = anonymous.get("/masuk").text
    r = anonymous.post("/masuk", data={"username": world.users["medan"], "password": PASSWORD,
                                      "csrf_token": token(form), "next": "//evil.example/x"})
    assert r.headers["location"] == "/petugas"


def test_every_form_post_needs_the_session_csrf_token(site):
    server, world, _ = site
    client, _ = login(server, world.users["medan"])
    body = {"channel": "HOTLINE", "category": "COMPLAINT", "subject": "s", "description": "d",
            "complainant_name": "A", "kabkota_code": "12.71"}
    assert client.post("/pengaduan/baru", data=body).status_code == 403
    assert client.post("/pengaduan/baru", data={**body, "csrf_token": "forged"}).status_code == 403
    other, _ = login(server, world.users["medan2"])  # another session's token does not work either
    assert client.post("/pengaduan/baru", data={**body, "csrf_token": token(other.get("/akun").text)}).status_code == 403
    ok = client.post("/pengaduan/baru", data={**body, "csrf_token": token(client.get("/akun").text)})
    assert ok.status_code == 303
    assert client.post("/keluar").status_code == 403  # log-out is a form too


def test_password_change_ends_the_other_sessions(site):
    server, world, engine = site
    with Session(engine) as s, s.begin():
        accounts.create_user(s, SYSTEM, username="ganti.sandi", password=PASSWORD, role="HEAD_OFFICE", full_name="G")
    first, _ = login(server, "ganti.sandi")
    second, _ = login(server, "ganti.sandi")
    assert first.get("/dasbor").status_code == 200
    page = second.get("/akun")
    r = second.post("/akun/sandi", data={"csrf_token": token(page.text), "current_password": PASSWORD,
                                         "new_password": "sandi-baru-99", "repeat_password": "sandi-baru-99"})
    assert r.status_code == 303
    assert second.get("/dasbor").status_code == 200  # the session that changed it goes on
    assert first.get("/dasbor").status_code == 303  # the other one is logged out
    assert login(server, "ganti.sandi", "sandi-baru-99")[1].status_code == 303


def test_roles_keep_to_their_pages(site):
    server, world, _ = site
    budi, _ = login(server, world.users["budi"])
    assert budi.get("/petugas").status_code == 403
    assert budi.get(f"/petugas/peserta/{world.medan_card}").status_code == 403
    assert budi.get("/dasbor").status_code == 403
    assert budi.get("/pemberi-kerja").status_code == 403
    assert budi.get("/peserta").status_code == 200
    pt, _ = login(server, world.users["pt"])
    assert pt.get("/peserta").status_code == 403 and pt.get("/faskes").status_code == 403
    assert pt.get("/pemberi-kerja").status_code == 200
    rs, _ = login(server, world.users["rs"])
    assert rs.get("/petugas/audit").status_code == 403 and rs.get("/pengaduan").status_code == 403
    medan, _ = login(server, world.users["medan"])
    assert medan.get("/admin/pengguna").status_code == 403
    assert medan.get(f"/dasbor?level=branch&code={world.bekasi_branch}").status_code == 403
    assert medan.get("/dasbor?level=national").status_code == 403
    r = medan.get(f"/petugas/peserta/{world.bekasi_card}/ubah")
    assert r.status_code == 403 and "di luar wilayah kerja Anda" in r.text


def test_admin_creates_a_user_and_everything_is_audited(site):
    server, world, _ = site
    admin, _ = login(server, world.users["admin"])
    page = admin.get("/admin/pengguna")
    r = admin.post("/admin/pengguna", data={"csrf_token": token(page.text), "username": "petugas.baru",
                                            "full_name": "Petugas Baru", "password": "sandi-petugas-1",
                                            "role": "BRANCH_OFFICER", "branch": world.bekasi_branch})
    assert r.status_code == 303
    new, r = login(server, "petugas.baru", "sandi-petugas-1")
    assert r.headers["location"] == "/petugas"
    new.post("/keluar", data={"csrf_token": token(new.get("/akun").text)})
    assert new.get("/petugas").status_code == 303
    bekasi, _ = login(server, world.users["bekasi"])
    audit = bekasi.get("/petugas/audit").text
    assert "<td>Pengguna dibuat</td>" in audit and "<td>Keluar</td>" in audit and "petugas.baru" in audit
    assert "Cetak kartu peserta" not in audit or world.medan_branch not in audit


def test_a_page_address_with_a_value_of_the_wrong_type_answers_in_indonesian(site):
    """``/petugas/keluarga/abc`` is no page (404), ``?days=abc`` names the input (422): an Indonesian page
    either way, not FastAPI's English JSON (``Input should be a valid integer``)."""
    server, world, _ = site
    medan, _ = login(server, world.users["medan"])
    for path in ("/petugas/keluarga/abc", "/petugas/permohonan/abc"):
        r = medan.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html"), (path, r.text[:200])
        assert "Halaman tidak ditemukan." in r.text, r.text[:500]
    r = medan.get("/petugas/status-berakhir?days=abc")
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "Data tidak valid: days" in r.text and "Input should" not in r.text
    pt, _ = login(server, world.users["pt"])
    r = pt.get("/pemberi-kerja/tagihan/abc")
    assert r.status_code == 404 and "Input should" not in r.text
    # the REST API keeps its Problem body
    r = medan.get("/api/v1/participants?limit=abc", headers={"Accept-Language": "en"})
    assert r.status_code == 422 and r.json()["field"] == "limit"


def test_a_garbled_version_on_a_form_is_refused_not_taken_as_none(site):
    """The record's version a form sends is the optimistic lock: ``abc`` is refused with the input named (it used
    to be read as no version at all, and the change went through unchecked)."""
    server, world, _ = site
    budi, _ = login(server, world.users["budi"])
    r = budi.post("/peserta/fktp", data={"csrf_token": token(budi.get("/peserta/fktp").text),
                                         "fktp_code": world.fktp["FKTP"][0], "version": "abc"})
    assert r.status_code == 422 and 'bukan &#34;abc&#34;' in r.text, r.text[-1500:]
    medan, _ = login(server, world.users["medan"])
    body = {"channel": "HOTLINE", "category": "COMPLAINT", "subject": "Versi", "description": "d",
            "complainant_name": "A", "kabkota_code": "12.71"}
    r = medan.post("/pengaduan/baru", data={**body, "csrf_token": token(medan.get("/akun").text)})
    number = r.headers["location"].rsplit("/", 1)[-1].split("?")[0]
    r = medan.post(f"/pengaduan/{number}/jawab", data={"csrf_token": token(medan.get(f"/pengaduan/{number}").text),
                                                      "answer": "Sudah", "version": "abc"})
    assert r.status_code == 422 and 'bukan &#34;abc&#34;' in r.text
