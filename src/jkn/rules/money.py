"""Percentages of rupiah amounts and the one rounding rule (assumption A-01)."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from jkn.domain.money import Rupiah
from jkn.i18n import Msg, Rp
from jkn.rules.decision import Step
from jkn.rules.parameters import param_entry

_MODES = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN, "half_even": ROUND_HALF_EVEN}


def pct(base: int, percent: str | Decimal) -> Decimal:
    """``percent``% of ``base``, exact."""
    return Decimal(int(base)) * Decimal(str(percent)) / Decimal(100)


def to_rupiah(amount: Decimal, as_of: date) -> tuple[Rupiah, Step]:
    """Round an exact amount to whole rupiah by parameter ``rounding_rule``."""
    e = param_entry("rounding_rule", as_of)
    r = Rupiah(int(amount.quantize(Decimal(1), rounding=_MODES[e.value])))
    return r, Step(Msg("money.rounded", exact=amount.normalize(), amount=Rp(int(r)), rule=Msg(f"money.rule.{e.value}")),
                   e.source)


def fmt(amount: int) -> str:
    return Rupiah(int(amount)).format()
