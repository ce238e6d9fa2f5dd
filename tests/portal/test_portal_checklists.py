"""The officer's pages show the documents the registration and the change will demand (issue #9,
point 7): the registration form's live checklist and the change form, over HTTP."""

from __future__ import annotations

from test_portal_http import login, site  # noqa: F401 - the site fixture and the log-in helper


def test_registration_form_checklist_follows_the_family(site):  # noqa: F811
    server, world, _ = site
    medan, _ = login(server, world.users["medan"])

    def listed(**values) -> str:
        r = medan.get("/petugas/daftar/dokumen", params={"registered_on": "2014-03-01", **values})
        assert r.status_code == 200, r.text
        return r.text

    alone = listed(segment="PBPU_MANDIRI", members=1, m0_nik="1271014505500009", m0_name="Ibu",
                   m0_relationship="MOTHER")
    assert "PBPU.MANDIRI/3" in alone and "ANGGOTA_KELUARGA_LAIN" not in alone and "KITAS" not in alone
    children = {f"m{i}_{k}": v for i in range(4) for k, v in
                (("nik", f"12710101011{i}000{i + 1}"), ("name", f"Anak {i}"), ("relationship", "CHILD_NATURAL"),
                 ("birth_date", f"201{i}-01-01"))}
    four = listed(segment="PPU_SWASTA", nationality="WNA", members=4, **children)
    assert "ANGGOTA_KELUARGA_LAIN/4" in four and "KITAS/KITAP" in four  # the 4th child pays 1%; a WNA registers


def test_change_form_checklist_follows_the_participant(site):  # noqa: F811
    server, world, _ = site
    medan, _ = login(server, world.users["medan"])
    marriage = medan.get(f"/petugas/peserta/{world.siti_card}/ubah", params={"kind": "MARRIAGE"})
    assert marriage.status_code == 200 and "Surat Nikah" in marriage.text
    assert "bagi PNS aktif" not in marriage.text  # Siti is PBPU
    birth = medan.get(f"/petugas/peserta/{world.siti_card}/ubah", params={"kind": "BIRTH"})
    assert "BIRTH/3" in birth.text and "Surat Nikah" not in birth.text
