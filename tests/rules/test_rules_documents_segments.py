"""Registration and data-change documents (Pendaftaran, Perubahan Data); segment eligibility (Peserta)."""
from datetime import date

import pytest

from jkn.domain import Segment
from jkn.rules import (
    Circumstances,
    RuleError,
    change_documents,
    change_types,
    check_eligibility,
    family_member_documents,
    list_segments,
    registration_documents,
    registration_options,
)


@pytest.mark.parametrize("seg", list(Segment))
def test_every_segment_has_an_individual_route(seg):
    opts = [r for r in registration_options(seg) if r.mode == "individual"]
    assert opts
    for r in opts:
        d = registration_documents(seg, subtype=r.id)
        assert d.value.items and d.value.source


def test_private_employee_documents_as_in_the_guide():
    items = registration_documents("PPU_SWASTA", circumstances=Circumstances()).value.items
    texts = [i.text for i in items]
    assert "Bukti potongan iuran Jaminan Kesehatan" in texts  # Pendaftaran I.B.b.4
    assert not any("KITAS" in t for t in texts)
    foreign = registration_documents("PPU_SWASTA", circumstances=Circumstances(foreign=True)).value.items
    assert any("KITAS/KITAP" in i.text for i in foreign)      # I.B.b.7


def test_subtype_needed_when_the_guide_has_several_lists():
    with pytest.raises(RuleError, match="PPU.PNS_BUMN_BUMD"):
        registration_documents("PPU_PNS")
    d = registration_documents("PPU_PNS", subtype="PPU.PNS_BUMN_BUMD")
    assert d.value.items[2].text == "Asli/foto copy SK PNS yang dipekerjakan pada BUMN/BUMD"


def test_collective_non_worker_group_needs_two():
    with pytest.raises(RuleError, match="paling sedikit 2 anggota"):
        registration_documents("BP_PENSIUNAN_LAINNYA", mode="collective", group_size=1)  # Pendaftaran III.A
    assert registration_documents("BP_INVESTOR", mode="collective", group_size=2).value.min_members == 2
    assert registration_documents("PPU_SWASTA", mode="collective").value.min_members is None


def test_family_member_documents():
    assert any("membayar iuran" in i.text for i in family_member_documents().value.items)


def test_card_replacement_and_changes():
    ids = [c.id for c in change_types()]
    assert ids[:2] == ["CARD_LOST", "CARD_DAMAGED_OR_WRONG"] and len(ids) == 12
    assert change_documents("CARD_LOST").value.card_replaced is True           # Perubahan Data 1.a
    assert change_documents("ADDRESS").value.card_replaced is False            # Perubahan Data 2.b
    assert "3 (tiga) bulan" in change_documents("FKTP_CHANGE").value.items[0].text
    with pytest.raises(RuleError, match="hanya berlaku bagi peserta PPU"):
        change_documents("CHILD_REPLACEMENT", segment="PBPU_MANDIRI")
    with pytest.raises(RuleError, match="tidak dikenal"):
        change_documents("NAME")


def test_segments_listing():
    assert len(list_segments()) == 23


@pytest.mark.parametrize("seg, as_of, kw, eligible", [
    ("PPU_SWASTA", "2014-06-30", dict(foreign=True, work_started=date(2014, 1, 1)), False),
    ("PPU_SWASTA", "2014-07-01", dict(foreign=True, work_started=date(2014, 1, 1)), True),  # paling singkat 6 bulan
    ("PBPU_MANDIRI", "2014-03-01", dict(foreign=True, work_started=date(2014, 1, 1)), False),
    ("BP_INVESTOR", "2014-03-01", dict(foreign=True, work_started=date(2014, 1, 1)), False),
    ("PBPU_MANDIRI", "2014-03-01", {}, True),
    ("PBI", "2014-03-01", dict(pbi_designated=True), True),
    ("PBI", "2014-03-01", dict(pbi_designated=False), False),
])
def test_eligibility(seg, as_of, kw, eligible):
    assert check_eligibility(seg, as_of, **kw).value is eligible


def test_eligibility_errors():
    with pytest.raises(RuleError, match="mulai bekerja di Indonesia wajib diisi"):
        check_eligibility("PPU_SWASTA", "2014-06-01", foreign=True)
    with pytest.raises(RuleError, match="Penetapan PBI wajib diisi"):
        check_eligibility("PBI", "2014-06-01")


def _texts(d) -> list[str]:
    return [i.text for i in d.value.items]


def test_marriage_payslip_only_for_an_active_civil_servant():
    # "Foto copy daftar gaji yang dilegalisir (bagi PNS aktif)" (Perubahan Data 2.f, Pernikahan)
    pns = change_documents("MARRIAGE", segment="PPU_PNS", circumstances=Circumstances(married=True))
    assert "Foto copy daftar gaji yang dilegalisir (bagi PNS aktif)" in _texts(pns)
    for seg in ("PBPU_MANDIRI", "PPU_TNI", "PPU_SWASTA", "BP_PENSIUNAN_PNS"):
        d = change_documents("MARRIAGE", segment=seg, circumstances=Circumstances(married=True))
        assert not any("daftar gaji" in t for t in _texts(d)), seg
        assert any("hanya jika peserta adalah PNS aktif: tidak, tidak diperlukan" in str(s.text)
                   for s in d.steps)
    # the child's birth certificate only "apabila terjadi penambahan anak maupun anak angkat"
    assert not any("akte kelahiran" in t for t in _texts(pns))
    with_child = change_documents("MARRIAGE", segment="PPU_PNS", circumstances=Circumstances(children=1))
    assert any("akte kelahiran" in t for t in _texts(with_child))


def test_kitas_only_for_a_foreign_national():
    for d in (family_member_documents(circumstances=Circumstances()),
              registration_documents("PBPU_MANDIRI", subtype="PBPU.MANDIRI", circumstances=Circumstances()),
              registration_documents("BP_INVESTOR", circumstances=Circumstances())):
        assert not any("KITAS" in t for t in _texts(d))
    wna = family_member_documents(circumstances=Circumstances(foreign=True))
    assert "Bagi WNA menunjukkan Kartu Ijin Tinggal Sementara/Tetap (KITAS/KITAP)" in _texts(wna)


def test_birth_has_its_own_list():
    d = change_documents("BIRTH", segment="PBPU_MANDIRI", circumstances=Circumstances(children=1))
    assert d.value.id == "BIRTH" and "A-M21" in d.value.source
    assert _texts(d) == [
        "Mengisi Formulir Perubahan Data Peserta (FPDP)",
        "Foto copy akte kelahiran anak/surat keterangan kelahiran/akta dari pengadilan negeri apabila terjadi "
        "penambahan anak maupun anak angkat"]  # no marriage certificate, no spouse's photo
    pns = change_documents("BIRTH", segment="PPU_PNS", circumstances=Circumstances(children=1))
    assert "Foto copy daftar gaji yang dilegalisir (bagi PNS aktif)" in _texts(pns)


def test_pension_decree_only_when_becoming_a_pensioner():
    # "Perubahan Jenis Kepesertaan (PNS aktif menjadi Penerima Pensiun)": "Asli SK Pensiun" (2.e)
    retire = change_documents("PARTICIPATION_TYPE", segment="PPU_PNS", new_segment="BP_PENSIUNAN_PNS",
                              circumstances=Circumstances())
    assert "Asli SK Pensiun" in _texts(retire)
    hired = change_documents("PARTICIPATION_TYPE", segment="PBPU_MANDIRI", new_segment="PPU_SWASTA",
                             circumstances=Circumstances())
    assert _texts(hired) == ["Mengisi Formulir Perubahan Data Peserta (FPDP)", "Asli Kartu Peserta"]


def test_photo_not_for_a_child_under_five_and_school_letter_only_for_students():
    toddler = change_documents("CHILD_REPLACEMENT", segment="PPU_SWASTA", circumstances=Circumstances(
        children=1, all_under_five=True))
    older = change_documents("CHILD_REPLACEMENT", segment="PPU_SWASTA", circumstances=Circumstances(children=1))
    assert not any("Pasfoto" in t for t in _texts(toddler)) and any("Pasfoto" in t for t in _texts(older))
    school = ("Surat Keterangan dari sekolah/ perguruan tinggi (bagi anak berusia lebih dari 21 tahun sampai dengan "
              "usia ke 25 tahun)")
    assert school not in _texts(registration_documents("PPU_PNS", subtype="PPU.PNS", circumstances=Circumstances(
        married=True, children=2)))
    assert school in _texts(registration_documents("PPU_PNS", subtype="PPU.PNS", circumstances=Circumstances(
        married=True, children=2, students_21_25=1)))


def test_codes_keep_the_place_in_the_guides_list():
    whole = registration_documents("PBPU_MANDIRI", subtype="PBPU.MANDIRI").value.items
    assert [i.number for i in whole] == [1, 2, 3, 4, 5, 6]                    # the whole list without circumstances
    single = registration_documents("PBPU_MANDIRI", subtype="PBPU.MANDIRI",
                                    circumstances=Circumstances(foreign=True)).value.items
    assert [i.number for i in single] == [1, 2, 3, 6] and "KITAS" in single[-1].text  # II.B.1 d) stays item 6
