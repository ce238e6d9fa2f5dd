"""Collective registration (pendaftaran secara kolektif) from CSV or XLSX.

Guide, PENDAFTARAN I.A / II.A / III.A: "Pendaftaran secara berkelompok kolektif disampaikan dalam
bentuk format data yang disepakati" — the agreed format is the published template
(``template_bytes``; GET /api/v1/imports/template, ``jkn import template``). One row per person;
the participant's row has ``hubungan = PESERTA``, each family member names the participant's NIK
in ``nik_peserta``.

Every row is validated (types, NIK, then the same rules as an individual registration, through
``registration.plan_family``); the report lists every error with its row and column, in Bahasa
Indonesia (default) or English. The import is all or nothing: one error and nothing is written.
XLSX files are read with openpyxl in read-only (streaming) mode.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.domain.segment import Segment, SegmentGroup
from jkn.i18n import Msg
from jkn.services.errors import DomainError, Invalid
from jkn.services.membership import documents, registration
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.schemas import FamilyIn, MemberIn, ParticipantIn
from jkn.services.portal import audit
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.membership_tables import EmployerRow, ImportBatchRow, ParticipantRow

Progress = Callable[[str, int, int | None], None]  # (phase, done, total)

# column → (English alias, required, description id, description en)
COLUMNS: dict[str, tuple[str, bool, str, str]] = {
    "nik": ("nik", True, "NIK 16 digit (isi sebagai teks)", "16-digit NIK (as text)"),
    "nama": ("name", True, "Nama lengkap", "Full name"),
    "hubungan": ("relationship", True, "PESERTA, SUAMI_ISTRI, ANAK_KANDUNG, ANAK_TIRI, ANAK_ANGKAT, AYAH, IBU, "
                 "MERTUA_LAKI, MERTUA_PEREMPUAN, KERABAT_LAIN", "relationship to the participant"),
    "nik_peserta": ("head_nik", False, "NIK peserta (kepala keluarga) bagi anggota keluarga", "participant's NIK, for family members"),
    "jenis_kelamin": ("sex", False, "L atau P (kosong: dari NIK)", "L or P (empty: from the NIK)"),
    "tanggal_lahir": ("birth_date", False, "YYYY-MM-DD (kosong: dari NIK)", "YYYY-MM-DD (empty: from the NIK)"),
    "segmen": ("segment", False, "kode segmen peserta, mis. PPU_SWASTA (baris PESERTA)", "segment code, e.g. PPU_SWASTA (participant rows)"),
    "gaji": ("wage", False, "gaji/upah per bulan dalam rupiah (PPU)", "monthly wage in rupiah (PPU)"),
    "pensiun": ("pension", False, "pensiun per bulan dalam rupiah (pensiunan PNS, TNI/Polri, pejabat negara; wajib "
                "sejak 2018-10)", "monthly pension in rupiah (state pensioners; required from 2018-10)"),
    "golongan": ("grade", False, "golongan/ruang (III/a) atau pangkat", "grade (III/a) or rank"),
    "kelas": ("care_class", False, "I, II atau III (PBPU/BP, kerabat lain; PPU non-PNS sejak 2018-09: tidak ada batas upah bersumber)",
              "I, II or III (PBPU/BP, other relatives; PPU other than PNS from 2018-09: no sourced wage bands)"),
    "kode_faskes": ("fktp_code", False, "kode FKTP pilihan (wajib bagi PESERTA)", "FKTP code (required for the participant)"),
    "kabkota": ("kabkota_code", False, "kode kab/kota alamat, mis. 31.71 (kosong: dari NIK)", "kab/kota code of the address (empty: from the NIK)"),
    "alamat": ("address", False, "alamat", "address"),
    "status_kawin": ("marital_status", False, "BELUM_KAWIN, KAWIN, CERAI_HIDUP, CERAI_MATI", "marital status"),
    "kewarganegaraan": ("nationality", False, "WNI atau WNA", "WNI or WNA"),
    "no_kitas": ("stay_permit", False, "nomor KITAS/KITAP (WNA)", "KITAS/KITAP number (foreign nationals)"),
    "mulai_bekerja": ("work_started", False, "tanggal mulai bekerja di Indonesia (WNA)", "first day of work in Indonesia (WNA)"),
    "sekolah": ("in_school", False, "Y bila anak 21-25 tahun masih sekolah", "Y if a child aged 21-25 is in formal education"),
    "sekolah_sampai": ("education_until", False, "tanggal akhir pendidikan pada surat keterangan sekolah (YYYY-MM-DD; "
                       "wajib bila sekolah = Y)", "end date of formal education on the school's letter (required if sekolah = Y)"),
    "berpenghasilan": ("has_income", False, "Y bila mempunyai penghasilan sendiri", "Y if the person has an own income"),
    "tmt": ("tmt", False, "mulai berlaku (YYYY-MM-DD; kosong: tanggal pendaftaran)", "start of cover (empty: registration date)"),
    "no_kk": ("kk_number", False, "nomor Kartu Keluarga", "family card number"),
}
ALIASES = {alias: col for col, (alias, *_rest) in COLUMNS.items()}
RELATIONSHIPS = {
    "PESERTA": "HEAD", "KEPALA_KELUARGA": "HEAD", "HEAD": "HEAD",
    "SUAMI_ISTRI": "SPOUSE", "SUAMI": "SPOUSE", "ISTRI": "SPOUSE", "SPOUSE": "SPOUSE",
    "ANAK_KANDUNG": "CHILD_NATURAL", "ANAK": "CHILD_NATURAL", "CHILD_NATURAL": "CHILD_NATURAL",
    "ANAK_TIRI": "CHILD_STEP", "CHILD_STEP": "CHILD_STEP", "ANAK_ANGKAT": "CHILD_ADOPTED", "CHILD_ADOPTED": "CHILD_ADOPTED",
    "AYAH": "FATHER", "FATHER": "FATHER", "IBU": "MOTHER", "MOTHER": "MOTHER",
    "MERTUA_LAKI": "FATHER_IN_LAW", "FATHER_IN_LAW": "FATHER_IN_LAW",
    "MERTUA_PEREMPUAN": "MOTHER_IN_LAW", "MOTHER_IN_LAW": "MOTHER_IN_LAW",
    "KERABAT_LAIN": "OTHER_RELATIVE", "OTHER_RELATIVE": "OTHER_RELATIVE",
}
MARITAL = {"BELUM_KAWIN": "NEVER_MARRIED", "KAWIN": "MARRIED", "CERAI_HIDUP": "DIVORCED", "CERAI_MATI": "WIDOWED",
           "NEVER_MARRIED": "NEVER_MARRIED", "MARRIED": "MARRIED", "DIVORCED": "DIVORCED", "WIDOWED": "WIDOWED"}
EXAMPLE = {"nik": "3171011203850001", "nama": "Budi Santoso", "hubungan": "PESERTA", "nik_peserta": "",
           "jenis_kelamin": "L", "tanggal_lahir": "1985-03-12", "segmen": "PPU_SWASTA", "gaji": "4000000", "pensiun": "",
           "golongan": "", "kelas": "", "kode_faskes": "0101P001", "kabkota": "31.71", "alamat": "Jl. Merdeka 1",
           "status_kawin": "KAWIN", "kewarganegaraan": "WNI", "no_kitas": "", "mulai_bekerja": "", "sekolah": "N",
           "sekolah_sampai": "", "berpenghasilan": "Y", "tmt": "2014-03-01", "no_kk": ""}
EXAMPLE_MEMBER = {**{k: "" for k in COLUMNS}, "nik": "3171015506870002", "nama": "Ani Santoso", "hubungan": "SUAMI_ISTRI",
                  "nik_peserta": "3171011203850001", "status_kawin": "KAWIN", "berpenghasilan": "N", "sekolah": "N"}

# ---------------------------------------------------------------- messages

MESSAGES: dict[str, tuple[str, str]] = {
    "header_missing": ("Kolom wajib '{column}' tidak ada pada baris judul", "Required column '{column}' is missing from the header"),
    "header_unknown": ("Kolom '{column}' tidak dikenal (lihat templat)", "Unknown column '{column}' (see the template)"),
    "empty_file": ("Berkas tidak berisi data", "The file contains no data rows"),
    "bad_file": ("Berkas tidak dapat dibaca: {detail}", "The file cannot be read: {detail}"),
    "required": ("{column} wajib diisi", "{column} is required"),
    "bad_date": ("{column}: '{value}' bukan tanggal (YYYY-MM-DD)", "{column}: '{value}' is not a date (YYYY-MM-DD)"),
    "bad_int": ("{column}: '{value}' bukan bilangan bulat rupiah", "{column}: '{value}' is not a whole number of rupiah"),
    "bad_bool": ("{column}: '{value}' harus Y atau N", "{column}: '{value}' must be Y or N"),
    "bad_choice": ("{column}: '{value}' tidak dikenal; pilihan: {choices}", "{column}: '{value}' is not known; choose one of: {choices}"),
    "bad_format": ("{column}: format '{value}' salah", "{column}: '{value}' has the wrong format"),
    "too_long": ("{column}: terlalu panjang", "{column}: too long"),
    "nik_float": ("{column}: NIK ditulis sebagai angka dan kehilangan digit; format sel sebagai teks",
                  "{column}: the NIK is stored as a number and lost digits; format the cells as text"),
    "nik_digits": ("NIK {value} hanya boleh berisi angka", "NIK {value} must contain digits only"),
    "nik_length": ("NIK {value} harus 16 digit", "NIK {value} must be 16 digits long"),
    "nik_date": ("NIK {value}: digit 7-12 bukan tanggal lahir DDMMYY", "NIK {value}: digits 7-12 are not a birth date DDMMYY"),
    "nik_serial": ("NIK {value}: nomor urut (4 digit terakhir) tidak boleh 0000", "NIK {value}: the serial (last 4 digits) cannot be 0000"),
    "nik_region": ("NIK {value}: kode wilayah (4 digit pertama) tidak dikenal", "NIK {value}: the region code (first 4 digits) is not known"),
    "nik_twice": ("NIK {value} muncul lebih dari sekali dalam berkas (juga baris {other})", "NIK {value} appears more than once in the file (also row {other})"),
    "nik_taken": ("NIK {value} sudah terdaftar dengan nomor kartu {card_number}", "NIK {value} is already registered, card number {card_number}"),
    "head_missing": ("nik_peserta {value} tidak ada sebagai PESERTA dalam berkas", "nik_peserta {value} is not a PESERTA row of the file"),
    "head_needs_no_head": ("baris PESERTA tidak boleh mengisi nik_peserta", "a PESERTA row must leave nik_peserta empty"),
    "sex_mismatch": ("jenis kelamin tidak sesuai NIK", "sex does not agree with the NIK"),
    "birth_mismatch": ("tanggal lahir tidak sesuai NIK", "birth date does not agree with the NIK"),
    "birth_future": ("tanggal lahir di masa depan", "birth date is in the future"),
    "kabkota_unknown": ("kode kab/kota {value} tidak dikenal", "kab/kota code {value} is not known"),
    "fktp_unknown": ("kode faskes {value} tidak terdaftar", "no facility with code {value}"),
    "fktp_not_fktp": ("faskes {value} bukan fasilitas kesehatan tingkat pertama (FKTP)", "facility {value} is not a first-level facility (FKTP)"),
    "employer_required": ("pekerja penerima upah memerlukan pemberi kerja (employer_code pada impor)", "wage earners need an employer (employer_code of the import)"),
    "employer_unknown": ("pemberi kerja {value} tidak terdaftar", "no employer {value}"),
    "employer_inactive": ("pemberi kerja {value} tidak aktif", "employer {value} is not active"),
    "employer_not_ppu": ("gaji dan pemberi kerja hanya untuk pekerja penerima upah", "wage and employer are for wage earners only"),
    "wage_required": ("gaji wajib diisi bagi pekerja penerima upah", "wage is required for wage earners"),
    "pension_required": ("pensiun wajib diisi bagi pensiunan negara: iurannya 5% dari pensiun",
                         "the pension is required for state pensioners: they pay 5% of it"),
    "pension_not_pensioner": ("pensiun hanya diisi bagi pensiunan negara", "a pension is for state pensioners only"),
    "care_class_required": ("kerabat lain membayar iuran kelas: isi kelas I, II atau III", "other relatives pay a class rate: fill in class I, II or III"),
    "family_refused": ("anggota keluarga ditolak: {detail}", "family member refused: {detail}"),
    "segment_not_eligible": ("tidak memenuhi syarat segmen: {detail}", "not eligible for the segment: {detail}"),
    "documents_missing": ("dokumen belum ditunjukkan: {detail}", "documents not shown: {detail}"),
    "document_unknown": ("kode dokumen tidak dikenal: {detail}", "unknown document code: {detail}"),
    "group_too_small": ("pendaftaran kolektif ini memerlukan minimal {detail} peserta", "this collective registration needs at least {detail} participants"),
    "rule": ("ditolak oleh aturan: {detail}", "refused by the rules: {detail}"),
}


def message(code: str, lang: str = "id", **params) -> str:
    pair = MESSAGES.get(code)
    if pair is None:
        return str(params.get("detail", code))
    template = pair[0] if lang == "id" else pair[1]
    try:
        return template.format(**{k: ("" if v is None else v) for k, v in params.items()})
    except (KeyError, IndexError):
        return template


@dataclass
class RowError:
    row: int
    column: str | None
    code: str
    params: dict = field(default_factory=dict)

    def render(self, lang: str) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code,
                "message": message(self.code, lang, column=self.column, **self.params)}


# ---------------------------------------------------------------- template

def examples_for(session: Session, employer_code: str) -> tuple[dict, dict]:
    """Sample rows an employer's own template carries, and that import as they are: an employee and
    spouse living in the employer's kab/kota, with NIKs of that region not yet registered, a partner
    FKTP there, class II (A-R09: no sourced wage band after 2018) and cover from the registration date."""
    from jkn.services.care.facilities import list_facilities
    from jkn.services.membership.common import get_employer

    e = get_employer(session, employer_code)
    region = e.kabkota_code.replace(".", "") + "01"
    taken = set(session.scalars(select(ParticipantRow.nik).where(ParticipantRow.nik.like(region + "%"))))

    def free(ddmmyy: str) -> str:
        return next(n for n in (f"{region}{ddmmyy}{i:04d}" for i in range(1, 10000)) if n not in taken)

    fktp = next((f["code"] for f in list_facilities(session, level="FKTP", kabkota_code=e.kabkota_code, limit=50)
                 if f["partnership"] == "PARTNER"), "")
    head, spouse = free("120385"), free("550687")
    return ({**EXAMPLE, "nik": head, "kode_faskes": fktp, "kabkota": e.kabkota_code, "kelas": "II", "tmt": ""},
            {**EXAMPLE_MEMBER, "nik": spouse, "nik_peserta": head})


def template_bytes(fmt: str = "xlsx", examples: tuple[dict, ...] = (EXAMPLE, EXAMPLE_MEMBER)) -> bytes:
    """The published template: header, an example participant and family member (``examples``: an
    employer's own, see ``examples_for``); for XLSX a second sheet explains every column in Bahasa
    Indonesia and English."""
    cols = list(COLUMNS)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for example in examples:
            w.writerow(example)
        return buf.getvalue().encode("utf-8")
    if fmt != "xlsx":
        raise Invalid(Msg("error.membership.import_format"), field="format")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "peserta"
    ws.append(cols)
    for c in ws[1]:
        c.font = Font(bold=True)
    for example in examples:
        ws.append([example[c] for c in cols])
    for idx, col in enumerate(cols, start=1):
        letter = ws.cell(row=1, column=idx).column_letter
        ws.column_dimensions[letter].width = max(12, len(col) + 4)
        # text: NIKs keep their 16 digits, in the examples and in every row the employer types (a column
        # style, not 2,000 styled cells: those took seconds to write)
        ws.column_dimensions[letter].number_format = "@"
        for row in range(2, 2 + len(examples)):
            ws.cell(row=row, column=idx).number_format = "@"
    info = wb.create_sheet("petunjuk")
    info.append(["kolom", "wajib", "keterangan", "English alias", "description"])
    for col, (alias, required, desc_id, desc_en) in COLUMNS.items():
        info.append([col, "ya" if required else "", desc_id, alias, desc_en])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- reading

def _rows_csv(data: BinaryIO) -> Iterator[tuple[int, list]]:
    text = io.TextIOWrapper(data, encoding="utf-8-sig", newline="")
    sample = text.read(4096)
    text.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for i, row in enumerate(csv.reader(text, dialect), start=1):
        yield i, row


def _rows_xlsx(data: BinaryIO) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    wb = load_workbook(data, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            yield i, list(row)
    finally:
        wb.close()


def detect_format(filename: str | None, head: bytes) -> str:
    if head.startswith(b"PK"):
        return "xlsx"
    if filename and filename.lower().endswith(".xlsx"):
        return "xlsx"
    return "csv"


def _cell(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return v


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]


def _text(v: Any, column: str, row: int, errors: list[RowError]) -> str | None:
    if v is None:
        return None
    if isinstance(v, float):
        if column in ("nik", "nik_peserta", "no_kk"):
            errors.append(RowError(row, column, "nik_float", {"value": v}))
            return None
        v = int(v) if v.is_integer() else v
    if isinstance(v, (dt.datetime, dt.date)):
        return v.date().isoformat() if isinstance(v, dt.datetime) else v.isoformat()
    return str(v).strip()


def _date(v: Any, column: str, row: int, errors: list[RowError]) -> dt.date | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v).strip()[:10])
    except ValueError:
        errors.append(RowError(row, column, "bad_date", {"value": v}))
        return None


def _int(v: Any, column: str, row: int, errors: list[RowError]) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool):
        errors.append(RowError(row, column, "bad_int", {"value": v}))
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    t = str(v).strip().replace(".", "").replace(",", "").replace(" ", "")
    if t.isdigit():
        return int(t)
    errors.append(RowError(row, column, "bad_int", {"value": v}))
    return None


def _bool(v: Any, column: str, row: int, errors: list[RowError]) -> bool:
    if v is None:
        return False
    t = str(v).strip().upper()
    if t in ("Y", "YA", "YES", "TRUE", "1"):
        return True
    if t in ("N", "T", "TIDAK", "NO", "FALSE", "0"):
        return False
    errors.append(RowError(row, column, "bad_bool", {"value": v}))
    return False


def _choice(v: Any, column: str, row: int, errors: list[RowError], table: dict[str, str]) -> str | None:
    if v is None:
        return None
    key = str(v).strip().upper().replace(" ", "_").replace("/", "_")
    if key not in table:
        shown = [k for k in table if k not in table.values()] or list(table)
        errors.append(RowError(row, column, "bad_choice", {"value": v, "choices": ", ".join(shown)}))
        return None
    return table[key]


def parse_rows(rows: Iterator[tuple[int, list]], errors: list[RowError], progress: Progress | None = None,
               total: int | None = None) -> list[ParsedRow]:
    header = None
    out: list[ParsedRow] = []
    for i, raw in rows:
        if header is None:
            names = [str(c).strip().lower() if c is not None else "" for c in raw]
            header = [ALIASES.get(n, n) for n in names]
            for n in header:
                if n and n not in COLUMNS:
                    errors.append(RowError(i, n, "header_unknown"))
            for col, (_a, required, *_r) in COLUMNS.items():
                if required and col not in header:
                    errors.append(RowError(i, col, "header_missing"))
            if errors:
                return []
            continue
        cells = [_cell(c) for c in raw]
        if not any(c is not None for c in cells):
            continue
        values = {col: cells[j] if j < len(cells) else None for j, col in enumerate(header) if col}
        out.append(ParsedRow(i, values))
        if progress and len(out) % 5000 == 0:
            progress("read", len(out), total)
    if header is None or not out:
        errors.append(RowError(1, None, "empty_file"))
    if progress:
        progress("read", len(out), len(out))
    return out


@dataclass
class Person:
    row: int
    relationship: str
    head_nik: str | None
    fields: dict[str, Any]


def typed_row(r: ParsedRow, errors: list[RowError]) -> Person | None:
    v, n = r.values, r.row
    before = len(errors)
    nik = _text(v.get("nik"), "nik", n, errors)
    name = _text(v.get("nama"), "nama", n, errors)
    rel = _choice(v.get("hubungan"), "hubungan", n, errors, RELATIONSHIPS)
    for col, val in (("nik", nik), ("nama", name), ("hubungan", v.get("hubungan"))):
        if val is None and not any(e.row == n and e.column == col for e in errors[before:]):
            errors.append(RowError(n, col, "required"))
    head_nik = _text(v.get("nik_peserta"), "nik_peserta", n, errors)
    fields = {
        "nik": nik, "name": name,
        "sex": (_text(v.get("jenis_kelamin"), "jenis_kelamin", n, errors) or None),
        "birth_date": _date(v.get("tanggal_lahir"), "tanggal_lahir", n, errors),
        "nationality": (_text(v.get("kewarganegaraan"), "kewarganegaraan", n, errors) or "WNI").upper(),
        "stay_permit": _text(v.get("no_kitas"), "no_kitas", n, errors),
        "marital_status": _choice(v.get("status_kawin"), "status_kawin", n, errors, MARITAL) or "NEVER_MARRIED",
        "in_school": _bool(v.get("sekolah"), "sekolah", n, errors),
        "education_until": _date(v.get("sekolah_sampai"), "sekolah_sampai", n, errors),
        "has_income": _bool(v.get("berpenghasilan"), "berpenghasilan", n, errors),
        "care_class": _text(v.get("kelas"), "kelas", n, errors),
        "fktp_code": _text(v.get("kode_faskes"), "kode_faskes", n, errors),
        # participant-only fields
        "segment": _text(v.get("segmen"), "segmen", n, errors),
        "wage": _int(v.get("gaji"), "gaji", n, errors),
        "pension": _int(v.get("pensiun"), "pensiun", n, errors),
        "grade": _text(v.get("golongan"), "golongan", n, errors),
        "kabkota_code": _text(v.get("kabkota"), "kabkota", n, errors),
        "address": _text(v.get("alamat"), "alamat", n, errors),
        "work_started": _date(v.get("mulai_bekerja"), "mulai_bekerja", n, errors),
        "tmt": _date(v.get("tmt"), "tmt", n, errors),
        "kk_number": _text(v.get("no_kk"), "no_kk", n, errors),
    }
    if nik is not None:
        from jkn.reference.nik import NikError
        from jkn.reference.nik import parse as parse_nik
        try:
            parse_nik(nik)
        except NikError as exc:
            errors.append(RowError(n, "nik", f"nik_{exc.field}", {"value": nik}))
    if fields["sex"]:
        fields["sex"] = fields["sex"].upper()
    if fields["care_class"]:
        fields["care_class"] = {"1": "I", "2": "II", "3": "III"}.get(fields["care_class"], fields["care_class"].upper())
    if len(errors) > before:
        return None
    if rel == "HEAD" and head_nik:
        errors.append(RowError(n, "nik_peserta", "head_needs_no_head"))
        return None
    if rel != "HEAD" and not head_nik:
        errors.append(RowError(n, "nik_peserta", "required"))
        return None
    return Person(n, rel, head_nik, fields)


# pydantic field → template column, for error reports
FIELD_COLUMNS = {"nik": "nik", "name": "nama", "sex": "jenis_kelamin", "birth_date": "tanggal_lahir",
                 "nationality": "kewarganegaraan", "stay_permit": "no_kitas", "marital_status": "status_kawin",
                 "in_school": "sekolah", "education_until": "sekolah_sampai", "has_income": "berpenghasilan", "segment": "segmen", "address": "alamat",
                 "kabkota_code": "kabkota", "employer_code": None, "wage": "gaji", "pension": "pensiun", "grade": "golongan",
                 "care_class": "kelas", "fktp_code": "kode_faskes", "work_started": "mulai_bekerja",
                 "relationship": "hubungan", "tmt": "tmt", "kk_number": "no_kk"}
PYDANTIC_CODES = {"missing": "required", "string_pattern_mismatch": "bad_format", "literal_error": "bad_choice",
                  "enum": "bad_choice", "string_too_long": "too_long", "greater_than_equal": "bad_int",
                  "int_parsing": "bad_int", "date_parsing": "bad_date", "date_from_datetime_parsing": "bad_date"}


@dataclass
class Family:
    head: Person
    members: list[Person] = field(default_factory=list)


def _family_in(f: Family, employer_code: str | None, registered_on: dt.date) -> FamilyIn:
    hf = dict(f.head.fields)
    tmt, kk = hf.pop("tmt"), hf.pop("kk_number")
    if hf.get("segment") is None and employer_code:
        hf["segment"] = "PPU_SWASTA"
    hf["segment"] = (hf.get("segment") or "").upper() or None
    seg = hf["segment"]
    if seg in Segment.__members__ and Segment(seg).group is SegmentGroup.PPU:
        hf["employer_code"] = employer_code
    clean = {k: v for k, v in hf.items() if v is not None}
    head = ParticipantIn(**clean)
    members = []
    for m in f.members:
        mf = {k: v for k, v in m.fields.items() if k in MemberIn.model_fields and v is not None}
        members.append(MemberIn(relationship=m.relationship, **mf))
    return FamilyIn(head=head, members=members, kk_number=kk, tmt=tmt, registered_on=registered_on)


def _family_rows(f: Family) -> list[Person]:
    return [f.head] + f.members


def _error_for(exc: DomainError, f: Family) -> RowError:
    d = exc.details
    code = d.get("code") or "rule"
    fieldname = str(d.get("field") or "")
    row = f.head.row
    person = f.head
    if fieldname.startswith("members[") or fieldname.startswith("member["):
        try:
            idx = int(fieldname.split("[", 1)[1].split("]", 1)[0])
            person = f.members[idx]
            row = person.row
        except (ValueError, IndexError):
            pass
    elif code == "family_refused" and d.get("refused"):
        person = f.members[d["refused"][0]] if d["refused"][0] < len(f.members) else f.head
        row = person.row
    leaf = fieldname.split(".")[-1] if fieldname else None
    column = FIELD_COLUMNS.get(leaf, leaf) if leaf else None
    params = {"value": d.get("value"), "card_number": d.get("card_number"), "detail": exc.message}
    if code == "nik_taken":
        params["value"] = d.get("nik")
        column = "nik"
        row = next((p.row for p in _family_rows(f) if p.fields.get("nik") == d.get("nik")), row)
    return RowError(row, column, code, params)


def _refusals(session: Session, lookups, f: Family, fam_in: FamilyIn, first: RowError) -> list[RowError]:
    """Every rule refusal of a refused family, not only the first the rules engine met: the whole
    family's, then the head's alone, then each member's with the head (a member is checked against a
    head the rules accept; a refusal of the head is reported once)."""
    found = [first]
    parts = [(Family(f.head), fam_in.model_copy(update={"members": []}))]
    parts += [(Family(f.head, [m]), fam_in.model_copy(update={"members": [m_in]}))
              for m, m_in in zip(f.members, fam_in.members)]
    for part, part_in in parts:
        try:
            registration.plan_family(session, part_in, lookups, check_niks=False, documents_mode=None)
        except DomainError as exc:
            refusal = _error_for(exc, part)
            if refusal not in found:
                found.append(refusal)
    return found


@dataclass
class ImportResult:
    ok: bool
    rows: int
    families: int
    participants: int = 0
    errors: list[RowError] = field(default_factory=list)
    batch_id: int | None = None
    sample_cards: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: every data row of the file as read: row number, NIK, name, relationship (for ``result_workbook``)
    people: list[tuple[int, str, str, str]] = field(default_factory=list)

    def as_dict(self, lang: str = "id", max_errors: int = 1000) -> dict[str, Any]:
        return {"ok": self.ok, "rows": self.rows, "families": self.families, "participants": self.participants,
                "batch_id": self.batch_id, "sample_cards": self.sample_cards, "error_count": len(self.errors),
                "errors": [e.render(lang) for e in sorted(self.errors, key=lambda e: (e.row, e.column or ""))[:max_errors]],
                "seconds": round(self.seconds, 3)}


def import_file(session: Session, data: BinaryIO | bytes, *, actor: Actor, filename: str = "upload",
                employer_code: str | None = None, registered_on: dt.date | None = None,
                documents_shown: list[str] | None = None, progress: Progress | None = None) -> ImportResult:
    """Validate every row, then write everything in one transaction — or nothing. Either way one
    audit row (``employer.upload`` with the written batch, ``employer.upload.refused`` with the
    error count) names the actor."""
    result = _import(session, data, actor=actor, filename=filename, employer_code=employer_code,
                     registered_on=registered_on, documents_shown=documents_shown, progress=progress)
    if not result.ok:
        with unit_of_work(session):
            _audit_upload(session, actor, result, filename, employer_code)
    return result


def _audit_upload(session: Session, actor: Actor, result: "ImportResult", filename: str,
                  employer_code: str | None) -> None:
    employer = session.scalar(select(EmployerRow).where(EmployerRow.code == employer_code)) if employer_code else None
    audit.record(session, actor, "employer.upload" if result.ok else "employer.upload.refused", object_type="employer",
                 object_id=employer_code, branch_code=employer.branch_code if employer else None,
                 summary=Msg("audit.sum.collective_import", file=filename, rows=result.rows,
                             registered=result.participants, errors=len(result.errors)),
                 after={"batch_id": result.batch_id, "errors": len(result.errors)})


def _import(session: Session, data: BinaryIO | bytes, *, actor: Actor, filename: str, employer_code: str | None,
            registered_on: dt.date | None, documents_shown: list[str] | None,
            progress: Progress | None) -> ImportResult:
    import time

    started = time.perf_counter()
    raw = data if isinstance(data, bytes) else data.read()
    fmt = detect_format(filename, raw[:4])
    digest = hashlib.sha256(raw).hexdigest()
    registered_on = registered_on or jakarta_today()
    errors: list[RowError] = []
    try:
        reader = _rows_xlsx(io.BytesIO(raw)) if fmt == "xlsx" else _rows_csv(io.BytesIO(raw))
        parsed = parse_rows(reader, errors, progress)
    except (OSError, ValueError, KeyError, csv.Error, UnicodeDecodeError) as exc:
        errors.append(RowError(1, None, "bad_file", {"detail": str(exc)[:200]}))
        parsed = []
    except Exception as exc:  # openpyxl raises many kinds for a broken zip
        errors.append(RowError(1, None, "bad_file", {"detail": f"{type(exc).__name__}: {str(exc)[:200]}"}))
        parsed = []
    if errors:
        return ImportResult(False, len(parsed), 0, errors=errors, seconds=time.perf_counter() - started)

    people = [p for p in (typed_row(r, errors) for r in parsed) if p is not None]
    # duplicates within the file, families
    first_row: dict[str, int] = {}
    for p in people:
        nik = p.fields["nik"]
        if nik in first_row:
            errors.append(RowError(p.row, "nik", "nik_twice", {"value": nik, "other": first_row[nik]}))
        else:
            first_row[nik] = p.row
    families: dict[str, Family] = {}
    for p in people:
        if p.relationship == "HEAD":
            families.setdefault(p.fields["nik"], Family(p))
    for p in people:
        if p.relationship != "HEAD":
            fam = families.get(p.head_nik)
            if fam is None:
                errors.append(RowError(p.row, "nik_peserta", "head_missing", {"value": p.head_nik}))
            else:
                fam.members.append(p)
    # NIKs already registered (one query per thousand)
    niks = [p.fields["nik"] for p in people]
    for i in range(0, len(niks), 1000):
        for nik, card in session.execute(select(ParticipantRow.nik, ParticipantRow.card_number)
                                         .where(ParticipantRow.nik.in_(niks[i:i + 1000]))):
            errors.append(RowError(first_row.get(nik, 0), "nik", "nik_taken", {"value": nik, "card_number": card}))
    # every family through the same checks as an individual registration
    lookups = registration.Lookups(session)
    plans = []
    bad_rows = {e.row for e in errors}
    for k, f in enumerate(families.values()):
        if any(p.row in bad_rows for p in _family_rows(f)):
            continue
        try:
            fam_in = _family_in(f, employer_code, registered_on)
        except ValidationError as exc:
            for err in exc.errors():
                loc = [str(x) for x in err["loc"]]
                person = f.head
                if len(loc) >= 2 and loc[0] == "members":
                    person = f.members[int(loc[1])]
                leaf = loc[-1] if loc else None
                errors.append(RowError(person.row, FIELD_COLUMNS.get(leaf, leaf),
                                       PYDANTIC_CODES.get(err["type"], "bad_format"),
                                       {"value": err.get("input") if not isinstance(err.get("input"), dict) else None,
                                        "choices": ", ".join(map(str, (err.get("ctx") or {}).get("expected", "").split(", ")))
                                        if err.get("ctx") else "", "detail": err.get("msg")}))
            continue
        except ValueError:
            errors.append(RowError(f.head.row, "segmen", "bad_choice", {"value": f.head.fields.get("segment"),
                                                                      "choices": ", ".join(s.value for s in Segment)}))
            continue
        try:
            plans.append(registration.plan_family(session, fam_in, lookups, check_niks=False, documents_mode=None))
        except DomainError as exc:
            errors += _refusals(session, lookups, f, fam_in, _error_for(exc, f))
        if progress and k % 2000 == 0:
            progress("check", k, len(families))
    if progress:
        progress("check", len(families), len(families))
    n_people = sum(1 + len(p.members) for p in plans)
    if not errors:
        try:
            collective = _collective_documents(plans, documents_shown, n_people)
        except DomainError as exc:
            errors.append(RowError(1, None, exc.details.get("code") or "rule", {"detail": exc.message}))
    if errors:
        return ImportResult(False, len(parsed), len(families), errors=errors, seconds=time.perf_counter() - started,
                            people=_people(parsed))
    with unit_of_work(session):
        change = registration.record_change(
            session, kind="COLLECTIVE_IMPORT", effective_date=min(p.tmt for p in plans), recorded_on=registered_on,
            actor=actor.name, request={"filename": filename, "format": fmt, "sha256": digest, "rows": len(parsed),
                                       "employer_code": employer_code},
            steps=[s for c in collective for s in c.steps],
            employer_id=plans[0].employer.id if plans[0].employer else None)
        for c in collective:
            documents.record(session, change, c, None)
        heads = registration.write_plans(session, plans, actor=actor.name, change=change)
        batch = ImportBatchRow(employer_id=change.employer_id, filename=filename[:200], file_format=fmt, sha256=digest,
                               rows=len(parsed), participants=n_people, actor=actor.name, change_id=change.id)
        session.add(batch)
        session.flush()
        result = ImportResult(True, len(parsed), len(families), n_people, batch_id=batch.id, sample_cards=heads[:5],
                              people=_people(parsed))
        _audit_upload(session, actor, result, filename, employer_code)
    if progress:
        progress("write", n_people, n_people)
    result.seconds = time.perf_counter() - started
    return result


def _people(parsed: list[ParsedRow]) -> list[tuple[int, str, str, str]]:
    return [(r.row, str(r.values.get("nik") or ""), str(r.values.get("nama") or ""), str(r.values.get("hubungan") or ""))
            for r in parsed]


def result_workbook(session: Session, result: ImportResult, lang: str = "id") -> bytes:
    """The import's whole result as XLSX: one line per row of the file with its card number (once
    registered) or every error found on it, then errors of the file as a whole; a second sheet sums up."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    cards: dict[str, str] = {}
    niks = [nik for _row, nik, _name, _rel in result.people]
    if result.ok:
        for i in range(0, len(niks), 1000):
            cards.update(session.execute(select(ParticipantRow.nik, ParticipantRow.card_number)
                                         .where(ParticipantRow.nik.in_(niks[i:i + 1000]))).all())
    by_row: dict[int, list[str]] = {}
    for e in sorted(result.errors, key=lambda e: (e.row, e.column or "")):
        by_row.setdefault(e.row, []).append(e.render(lang)["message"])
    say = {"id": ("baris", "nik", "nama", "hubungan", "no_kartu", "status", "kesalahan", "Terdaftar", "Ditolak",
                  "Tidak didaftarkan (berkas ditolak)"),
           "en": ("row", "nik", "name", "relationship", "card_number", "status", "errors", "Registered", "Refused",
                  "Not registered (file refused)")}[lang if lang == "en" else "id"]
    wb = Workbook()
    ws = wb.active
    ws.title = "hasil"
    ws.append(list(say[:7]))
    for c in ws[1]:
        c.font = Font(bold=True)
    seen = set()
    for row, nik, name, rel in result.people:
        seen.add(row)
        errors = by_row.get(row, [])
        status = say[7] if result.ok else (say[8] if errors else say[9])
        ws.append([row, nik, name, rel, cards.get(nik, ""), status, "; ".join(errors)])
    for row, errors in sorted(by_row.items()):
        if row not in seen:  # the header, or the file as a whole
            ws.append([row, "", "", "", "", say[8], "; ".join(errors)])
    for letter, width in zip("ABCDEFG", (8, 20, 28, 16, 16, 28, 90)):
        ws.column_dimensions[letter].width = width
        ws.column_dimensions[letter].number_format = "@"
    summary = wb.create_sheet("ringkasan")
    for item in (("ok", result.ok), ("rows", result.rows), ("families", result.families),
                 ("participants", result.participants), ("errors", len(result.errors)), ("batch", result.batch_id)):
        summary.append(list(item))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _collective_documents(plans, shown: list[str] | None, n_people: int) -> list:
    """The collective checklist per segment group. Uploading the file in the agreed format is
    the "format data yang disepakati" item; by default the uploader declares the forms and
    photos of the list handed in with it (assumption A-M08)."""
    out = []
    seen = set()
    for pl in plans:
        group = pl.segment.group
        if group in seen:
            continue
        seen.add(group)
        check = documents.registration_checklist(pl.segment, pl.tmt, mode="collective",
                                                 group_size=n_people if group is SegmentGroup.BP else None)
        codes = [i.code for i in check.items] if shown is None else shown
        out.append(documents.demand(check, [c for c in codes if c in {i.code for i in check.items}]))
    return out


def batch_view(session: Session, batch_id: int) -> dict[str, Any]:
    b = session.get(ImportBatchRow, batch_id)
    if b is None:
        from jkn.services.errors import NotFound
        raise NotFound(Msg("error.membership.import_batch_unknown", batch_id=str(batch_id)))
    return {"id": b.id, "filename": b.filename, "format": b.file_format, "sha256": b.sha256, "rows": b.rows,
            "participants": b.participants, "actor": b.actor, "change_id": b.change_id,
            "created_at": b.created_at.isoformat()}
