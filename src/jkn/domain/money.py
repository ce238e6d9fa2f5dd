"""Money is integer rupiah (architecture.md: "Money is integer rupiah")."""
from __future__ import annotations


class Rupiah(int):
    """A whole-rupiah amount. An ``int`` in every respect; refuses floats and bools."""

    __slots__ = ()

    def __new__(cls, value: object = 0) -> "Rupiah":
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"rupiah must be a whole number (int), got {value!r}")
        return super().__new__(cls, value)

    def format(self) -> str:
        """Indonesian notation, e.g. ``Rp 25.500``."""
        sign = "-" if self < 0 else ""
        return f"{sign}Rp {abs(int(self)):,}".replace(",", ".")

    def __repr__(self) -> str:
        return f"Rupiah({int(self)})"
