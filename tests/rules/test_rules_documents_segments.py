"""Registration and data-change documents (Pendaftaran, Perubahan Data); segment eligibility (Peserta)."""
from datetime import date

import pytest

from jkn.domain import Segment
from jkn.rules import (RuleError, change_documents, change_types, check_eligibility, family_member_documents,
                       list_segments, registration_documents, registration_options)


@pytest.mark.parametrize("seg", list(Segment))
def test_every_segment_has_an_individual_route(seg):
    opts = [r for r in registration_options(seg) if r.mode == "individual"]
    assert opts
    for r in opts:
        d = registration_documents(seg, subtype=r.id, foreign=True)
        assert d.value.items and d.value.source


def test_private_employee_documents_as_in_the_guide():
    items = registration_documents("PPU_SWASTA").value.items
    texts = [i.text for i in items]
    assert "Bukti potongan iuran Jaminan Kesehatan" in texts  # Pendaftaran I.B.b.4
    assert not any("KITAS" in t for t in texts)
    foreign = registration_documents("PPU_SWASTA", foreign=True).value.items
    assert any("KITAS/KITAP" in i.text for i in foreign)      # I.B.b.7


def test_subtype_needed_when_the_guide_has_several_lists():
    with pytest.raises(RuleError, match="PPU.PNS_BUMN_BUMD"):
        registration_documents("PPU_PNS")
    d = registration_documents("PPU_PNS", subtype="PPU.PNS_BUMN_BUMD")
    assert d.value.items[2].text == "Asli/foto copy SK PNS yang dipekerjakan pada BUMN/BUMD"


def test_collective_non_worker_group_needs_two():
    with pytest.raises(RuleError, match="at least 2 members"):
        registration_documents("BP_PENSIUNAN_LAINNYA", mode="collective", group_size=1)  # Pendaftaran III.A
    assert registration_documents("BP_INVESTOR", mode="collective", group_size=2).value.min_members == 2
    assert registration_documents("PPU_SWASTA", mode="collective").value.min_members is None


def test_family_member_documents():
    assert any("membayar iuran" in i.text for i in family_member_documents().value.items)


def test_card_replacement_and_changes():
    ids = [c.id for c in change_types()]
    assert ids[:2] == ["CARD_LOST", "CARD_DAMAGED_OR_WRONG"] and len(ids) == 11
    assert change_documents("CARD_LOST").value.card_replaced is True           # Perubahan Data 1.a
    assert change_documents("ADDRESS").value.card_replaced is False            # Perubahan Data 2.b
    assert "3 (tiga) bulan" in change_documents("FKTP_CHANGE").value.items[0].text
    with pytest.raises(RuleError, match="applies only to PPU"):
        change_documents("CHILD_REPLACEMENT", segment="PBPU_MANDIRI")
    with pytest.raises(RuleError, match="unknown change"):
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
    with pytest.raises(RuleError, match="work_started"):
        check_eligibility("PPU_SWASTA", "2014-06-01", foreign=True)
    with pytest.raises(RuleError, match="pbi_designated"):
        check_eligibility("PBI", "2014-06-01")
