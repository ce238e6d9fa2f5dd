"""Every rule returns a Decision: a value plus the steps that produced it, each citing
its source (architecture.md: "Every decision explains itself")."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, TypeVar

from jkn.domain.month import Month

T = TypeVar("T")

GUIDE = "Panduan Peserta"


def cite(section: str, item: str = "") -> str:
    """Source label for a clause of the participant guide (seed 001)."""
    return f"{GUIDE}, {section}, {item}" if item else f"{GUIDE}, {section}"


def assumption(aid: str) -> str:
    """Source label for a documented assumption (docs/assumptions.md)."""
    return f"assumption {aid} (docs/assumptions.md)"


class RuleError(ValueError):
    """Invalid input to a rule; the message says what to fix."""


class NotAvailable(RuleError):
    """The rule has no sourced value for this date: "not available for this date", or give it as input."""


@dataclass(frozen=True, slots=True)
class Step:
    text: str
    source: str


@dataclass(frozen=True)
class Decision(Generic[T]):
    """``value`` and the ``steps`` that explain it."""

    value: T
    steps: list[Step] = field(default_factory=list)

    def explain(self) -> list[dict[str, str]]:
        return [{"text": s.text if isinstance(s.text, str) else str(s.text), "source": s.source} for s in self.steps]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"value": ..., "explanation": [...]}``."""
        return {"value": jsonable(self.value), "explanation": self.explain()}


def jsonable(v: Any) -> Any:
    """Dataclasses, enums, dates, months and decimals into JSON-ready values."""
    if isinstance(v, Enum):
        return v.value
    if v is None or isinstance(v, (bool, str, float)):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, (date, Month)):
        return v.isoformat() if isinstance(v, date) else str(v)
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, Decision):
        return v.as_dict()
    if dataclasses.is_dataclass(v):
        return {f.name: jsonable(getattr(v, f.name)) for f in dataclasses.fields(v)}
    if isinstance(v, dict):
        return {str(jsonable(k)): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        return [jsonable(x) for x in v]
    return str(v)


class Steps(list):
    """A list of Step with a shorthand ``add(text, source)``."""

    def add(self, text: str, source: str) -> None:
        self.append(Step(text, source))
