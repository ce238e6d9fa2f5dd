"""The late-payment regimes (params/late_payment.toml, jkn.rules.late_payment) as the property tests
draw them: the days each one is in force (tests/rules/test_rules_late_payment.py checks them against
the engine's parameters)."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from jkn.services.membership.common import jakarta_today

#: name -> (first day, last day, regime, at most N months of arrears demanded to reactivate)
REGIMES = {
    "2014": (date(2014, 1, 1), date(2016, 6, 30), "arrears_penalty", None),  # guide: 2% a month, all arrears
    "2016-07": (date(2016, 7, 1), date(2018, 9, 30), "service_penalty", 12),  # Perpres 19/2016 (REGS §2)
    "2018-10": (date(2018, 10, 1), date(2019, 12, 31), "service_penalty", 24),  # Perpres 82/2018 (REGS §3)
    "2020 relief": (date(2020, 1, 1), date(2020, 12, 31), "service_penalty", 6),  # Perpres 64/2020 Pasal 42 ayat 3a
    "2021+": (date(2021, 1, 1), jakarta_today(), "service_penalty", 24),  # Perpres 64/2020 Pasal 42 ayat 3
}
SERVICE_REGIMES = [name for name, (_, _, kind, _) in REGIMES.items() if kind == "service_penalty"]


def day_in(name: str) -> st.SearchStrategy[date]:
    """A day on which regime ``name`` is in force."""
    first, last, _, _ = REGIMES[name]
    return st.dates(first, last)
