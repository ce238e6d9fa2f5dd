"""Participant segments, from Panduan Peserta, "Peserta Jaminan Kesehatan".

Codes are fixed (the REST API, CLI and database use them). Each member carries its group
(PBI / PPU / PBPU / BP), its Indonesian label and the item of the guide that defines it.
"""
from __future__ import annotations

from enum import Enum


class SegmentGroup(str, Enum):
    """The four groups of the guide."""

    PBI = "PBI"    #: Penerima Bantuan Iuran (government pays)
    PPU = "PPU"    #: Pekerja Penerima Upah (wage earners)
    PBPU = "PBPU"  #: Pekerja Bukan Penerima Upah (non-wage workers)
    BP = "BP"      #: Bukan Pekerja (non-workers)


class Segment(str, Enum):
    """A participant segment. ``Segment("PPU_SWASTA").group is SegmentGroup.PPU``."""

    def __new__(cls, code: str, group: str, label: str, item: str):
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.group = SegmentGroup(group)
        obj.label = label
        obj.item = item
        return obj

    PBI = ("PBI", "PBI", "Penerima Bantuan Iuran: fakir miskin dan orang tidak mampu", "1")
    PPU_PNS = ("PPU_PNS", "PPU", "Pegawai Negeri Sipil", "2, PPU a")
    PPU_TNI = ("PPU_TNI", "PPU", "Anggota TNI", "2, PPU b")
    PPU_POLRI = ("PPU_POLRI", "PPU", "Anggota Polri", "2, PPU c")
    PPU_PEJABAT_NEGARA = ("PPU_PEJABAT_NEGARA", "PPU", "Pejabat Negara", "2, PPU d")
    PPU_PPNPN = ("PPU_PPNPN", "PPU", "Pegawai Pemerintah non Pegawai Negeri", "2, PPU e")
    PPU_BUMN = ("PPU_BUMN", "PPU", "Pegawai BUMN", "2, PPU f (Iuran 3)")
    PPU_BUMD = ("PPU_BUMD", "PPU", "Pegawai BUMD", "2, PPU f (Iuran 3)")
    PPU_SWASTA = ("PPU_SWASTA", "PPU", "Pegawai Swasta", "2, PPU f")
    PPU_LAINNYA = ("PPU_LAINNYA", "PPU", "Pekerja lain yang menerima Upah", "2, PPU g")
    PBPU_MANDIRI = ("PBPU_MANDIRI", "PBPU", "Pekerja di luar hubungan kerja atau Pekerja mandiri", "2, PBPU a")
    PBPU_LAINNYA = ("PBPU_LAINNYA", "PBPU", "Pekerja lain yang bukan penerima Upah", "2, PBPU b")
    BP_INVESTOR = ("BP_INVESTOR", "BP", "Investor", "2, BP a")
    BP_PEMBERI_KERJA = ("BP_PEMBERI_KERJA", "BP", "Pemberi Kerja", "2, BP b")
    BP_PENSIUNAN_PNS = ("BP_PENSIUNAN_PNS", "BP", "Pegawai Negeri Sipil yang berhenti dengan hak pensiun", "2, BP c")
    BP_PENSIUNAN_TNI_POLRI = ("BP_PENSIUNAN_TNI_POLRI", "BP", "Anggota TNI dan Anggota Polri yang berhenti dengan hak pensiun", "2, BP c")
    BP_PENSIUNAN_PEJABAT_NEGARA = ("BP_PENSIUNAN_PEJABAT_NEGARA", "BP", "Pejabat Negara yang berhenti dengan hak pensiun", "2, BP c")
    BP_PENSIUNAN_LAINNYA = ("BP_PENSIUNAN_LAINNYA", "BP", "Penerima pensiun lain", "2, BP c")
    BP_JANDA_DUDA_YATIM_PENSIUNAN = ("BP_JANDA_DUDA_YATIM_PENSIUNAN", "BP", "Janda, duda, atau anak yatim piatu dari penerima pensiun", "2, BP c")
    BP_VETERAN = ("BP_VETERAN", "BP", "Veteran", "2, BP d")
    BP_PERINTIS = ("BP_PERINTIS", "BP", "Perintis Kemerdekaan", "2, BP e")
    BP_JANDA_DUDA_YATIM_VETERAN_PERINTIS = ("BP_JANDA_DUDA_YATIM_VETERAN_PERINTIS", "BP", "Janda, duda, atau anak yatim piatu dari Veteran atau Perintis Kemerdekaan", "2, BP f")
    BP_LAINNYA = ("BP_LAINNYA", "BP", "Bukan Pekerja lain yang mampu membayar iuran", "2, BP g")

    @classmethod
    def parse(cls, code: "str | Segment") -> "Segment":
        """Look a segment up by code, with an error that lists the valid codes."""
        if isinstance(code, Segment):
            return code
        try:
            return cls(str(code).strip().upper())
        except ValueError:
            raise ValueError(
                f"unknown segment {code!r}; use one of: {', '.join(s.value for s in cls)}"
            ) from None

    @property
    def source(self) -> str:
        return f"Panduan Peserta, Peserta Jaminan Kesehatan, {self.item}"

    def __str__(self) -> str:
        return self.value


#: Wage earners working for a government institution (Iuran 2: 5%, 3% employer / 2% worker).
GOVERNMENT_WAGE_EARNERS = frozenset({
    Segment.PPU_PNS, Segment.PPU_TNI, Segment.PPU_POLRI,
    Segment.PPU_PEJABAT_NEGARA, Segment.PPU_PPNPN,
})
#: Veterans, pioneers and their survivors (Iuran 6: government pays a formula amount).
VETERAN_SEGMENTS = frozenset({
    Segment.BP_VETERAN, Segment.BP_PERINTIS, Segment.BP_JANDA_DUDA_YATIM_VETERAN_PERINTIS,
})
#: Pensioners of the state and their survivors (class by grade, Manfaat Akomodasi 2-3).
STATE_PENSIONERS = frozenset({
    Segment.BP_PENSIUNAN_PNS, Segment.BP_PENSIUNAN_TNI_POLRI,
    Segment.BP_PENSIUNAN_PEJABAT_NEGARA, Segment.BP_JANDA_DUDA_YATIM_PENSIUNAN,
})
