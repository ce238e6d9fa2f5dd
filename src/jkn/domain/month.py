"""Calendar month value type (contributions are billed per month)."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month. Ordered; ``Month + n`` / ``Month - n`` shift by n months and
    ``Month - Month`` is the number of months between them."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be 1..9999, got {self.year}")

    @classmethod
    def parse(cls, text: str) -> "Month":
        """Parse ``"YYYY-MM"``."""
        m = _MONTH_RE.match(text.strip()) if isinstance(text, str) else None
        if not m:
            raise ValueError(f"month must be written YYYY-MM, got {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, d: date) -> "Month":
        """The month a date falls in."""
        return cls(d.year, d.month)

    def __add__(self, n: int) -> "Month":
        if not isinstance(n, int) or isinstance(n, bool):
            return NotImplemented
        idx = self.year * 12 + (self.month - 1) + n
        return Month(idx // 12, idx % 12 + 1)

    def __sub__(self, other: "int | Month"):
        if isinstance(other, Month):
            return (self.year * 12 + self.month) - (other.year * 12 + other.month)
        if isinstance(other, int) and not isinstance(other, bool):
            return self + (-other)
        return NotImplemented

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def due_date(self, day: int = 10) -> date:
        """Payment deadline of this month's contribution: "Pembayaran iuran paling lambat
        tanggal 10 (sepuluh) setiap bulan" (Panduan Peserta, Iuran, 7). The rules pass the
        day from parameter ``contribution_due_day``."""
        return date(self.year, self.month, min(day, self.last_day.day))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def add_months(d: date, n: int) -> date:
    """The same day n months later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    m = Month.of(d) + n
    return date(m.year, m.month, min(d.day, m.last_day.day))
