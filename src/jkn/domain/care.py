"""Care classes, civil-service grades and family relationships."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum


class CareClass(str, Enum):
    """Inpatient room class (kelas rawat). Class I is the best room."""

    I = "I"
    II = "II"
    III = "III"

    @property
    def level(self) -> int:
        """1 for class I (best) .. 3 for class III."""
        return {"I": 1, "II": 2, "III": 3}[self.value]

    def at_least_as_good_as(self, other: "CareClass") -> bool:
        return self.level <= other.level

    @classmethod
    def parse(cls, text: "str | int | CareClass") -> "CareClass":
        if isinstance(text, CareClass):
            return text
        t = str(text).strip().upper().removeprefix("KELAS").strip()
        t = {"1": "I", "2": "II", "3": "III"}.get(t, t)
        try:
            return cls(t)
        except ValueError:
            raise ValueError(f"care class must be I, II or III, got {text!r}") from None


_GRADES = ("I", "II", "III", "IV")
_GRADE_RE = re.compile(r"^(IV|III|II|I)\s*(?:/\s*([A-Fa-f]))?$")


@dataclass(frozen=True, order=True, slots=True)
class Grade:
    """Civil-service grade (golongan I-IV) with optional room letter (ruang a-f),
    as in the guide's "Golongan Kepangkatan" table."""

    golongan: str
    ruang: str | None = None

    def __post_init__(self) -> None:
        if self.golongan not in _GRADES:
            raise ValueError(f"golongan must be I, II, III or IV, got {self.golongan!r}")

    @classmethod
    def parse(cls, text: "str | Grade") -> "Grade":
        """``"III/a"``, ``"III a"``, ``"IV"``."""
        if isinstance(text, Grade):
            return text
        m = _GRADE_RE.match(str(text).strip().upper().replace(" ", "/").replace("//", "/"))
        if not m:
            raise ValueError(f"grade must look like 'III/a' or 'IV', got {text!r}")
        return cls(m.group(1), m.group(2).lower() if m.group(2) else None)

    @property
    def number(self) -> int:
        return _GRADES.index(self.golongan) + 1

    def __str__(self) -> str:
        return f"{self.golongan}/{self.ruang}" if self.ruang else self.golongan


class Relationship(str, Enum):
    """Relationship of a family member to the participant (Anggota Keluarga)."""

    SPOUSE = "SPOUSE"                  #: istri/suami
    CHILD_NATURAL = "CHILD_NATURAL"    #: anak kandung
    CHILD_STEP = "CHILD_STEP"          #: anak tiri dari perkawinan yang sah
    CHILD_ADOPTED = "CHILD_ADOPTED"    #: anak angkat yang sah
    FATHER = "FATHER"                  #: ayah
    MOTHER = "MOTHER"                  #: ibu
    FATHER_IN_LAW = "FATHER_IN_LAW"    #: mertua (laki-laki)
    MOTHER_IN_LAW = "MOTHER_IN_LAW"    #: mertua (perempuan)
    OTHER_RELATIVE = "OTHER_RELATIVE"  #: kerabat lain: saudara kandung/ipar, asisten rumah tangga, dll

    @property
    def is_child(self) -> bool:
        return self in (Relationship.CHILD_NATURAL, Relationship.CHILD_STEP, Relationship.CHILD_ADOPTED)

    @property
    def is_parent(self) -> bool:
        return self in (Relationship.FATHER, Relationship.MOTHER,
                        Relationship.FATHER_IN_LAW, Relationship.MOTHER_IN_LAW)


class MaritalStatus(str, Enum):
    NEVER_MARRIED = "NEVER_MARRIED"  #: belum pernah menikah
    MARRIED = "MARRIED"
    DIVORCED = "DIVORCED"
    WIDOWED = "WIDOWED"


@dataclass(frozen=True, slots=True)
class FamilyMember:
    """A person proposed for cover with a participant."""

    relationship: Relationship
    birth_date: date
    marital_status: MaritalStatus = MaritalStatus.NEVER_MARRIED
    has_income: bool = False
    in_school: bool = False
    name: str = ""
    education_until: date | None = None  #: end date on the school's letter (children 21-25)

    def age_on(self, d: date) -> int:
        """Completed years on date d."""
        years = d.year - self.birth_date.year
        if (d.month, d.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years
