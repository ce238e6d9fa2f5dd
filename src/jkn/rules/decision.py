"""Every rule returns a Decision: a value plus the steps that produced it, each citing
its source (architecture.md: "Every decision explains itself")."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any, Generic, TypeVar

from jkn.domain.month import Month
from jkn.i18n import Msg, from_json, render, to_json

T = TypeVar("T")

GUIDE = "Panduan Peserta"


def cite(section: str, item: str = "") -> str:
    """Citation of a clause of the participant guide (read by :func:`jkn.rules.sources.reference`)."""
    return f"{GUIDE}, {section}, {item}" if item else f"{GUIDE}, {section}"


def assumption(aid: str) -> str:
    """Citation of a documented assumption (docs/assumptions.md); it is named by the text it reads."""
    return f"assumption {aid} (docs/assumptions.md)"


class RuleError(ValueError):
    """Invalid input to a rule; the message says what to fix. It may be a :class:`Msg`, rendered late in
    the reader's language (``str()`` reads Indonesian)."""

    def __init__(self, message: "str | Msg" = "", *args: Any) -> None:
        super().__init__(str(message), *args)
        self.msg = message if isinstance(message, Msg) else None


class NotAvailable(RuleError):
    """The rule has no sourced value for this date: "not available for this date", or give it as input."""


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a decision: what it says (a :class:`Msg`, read in the reader's language), the citation
    it rests on (as written in the rule or parameter), and whether it decided the outcome."""

    text: "Msg | str"
    source: str
    decisive: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready and storable: Indonesian ``text``, machine ``source``, ``source_name``, ``decisive``,
        and the message itself (``msg``) to read it again in another language (:func:`localize`)."""
        source, name = _source(self.source)
        out = {"text": str(self.text), "source": source, "source_name": name, "decisive": self.decisive}
        if isinstance(self.text, Msg):
            out["msg"] = to_json(self.text)
        return out


@lru_cache(maxsize=2048)
def _source(raw: str) -> tuple[str, str]:
    """(machine id, Indonesian name) of a step's citation: a few hundred, each read once."""
    from jkn.rules.sources import reference

    ref = reference(raw)
    return ref.id, str(ref.name)


@dataclass(frozen=True)
class Decision(Generic[T]):
    """``value``, the ``answer`` in one sentence (outcome and main reason) and the ``steps`` that explain it."""

    value: T
    steps: list[Step] = field(default_factory=list)
    answer: "Msg | None" = None

    def explain(self) -> list[dict[str, Any]]:
        return [s.as_dict() for s in self.steps]

    def answer_json(self) -> Any:
        """The answer, storable (:func:`jkn.i18n.to_json`), or None."""
        return to_json(self.answer) if self.answer is not None else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"value": ..., "answer": ..., "explanation": [...]}``."""
        return {"value": jsonable(self.value), "answer": str(self.answer) if self.answer else None,
                "explanation": self.explain()}


def localize(steps: "list[dict] | None", lang: str) -> list[dict[str, Any]]:
    """Explanation steps (``Step.as_dict``, as stored) read in ``lang``: the reason that decided first, each
    with ``text``, ``source`` (machine id), ``source_name`` and ``decisive``. Steps stored before sources
    had ids carry the citation as written: it is read again."""
    from jkn.rules.sources import by_id, reference

    out = []
    for s in steps or []:
        text = render(from_json(s["msg"]), lang) if s.get("msg") else s.get("text", "")
        if "source_name" in s:
            source, name = s.get("source", ""), by_id(s.get("source", ""))
            name = render(name, lang) if name is not None else s["source_name"]
        else:
            ref = reference(s.get("source", ""))
            source, name = ref.id, render(ref.name, lang)
        out.append({"text": text, "source": source, "source_name": name, "decisive": bool(s.get("decisive"))})
    return sorted(out, key=lambda s: not s["decisive"])


def read_explained(value: Any, lang: str) -> Any:
    """A JSON value (a service's answer) with every ``explanation`` in it read in ``lang`` (:func:`localize`)
    and every stored ``answer`` too (:func:`answer_text`); the rest as it is."""
    if isinstance(value, list):
        return [read_explained(v, lang) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, v in value.items():
        if key == "explanation" and isinstance(v, list) and all(isinstance(s, dict) and "text" in s for s in v):
            out[key] = localize(v, lang)
        elif key == "answer" and isinstance(v, dict):
            out[key] = answer_text(v, lang)
        else:
            out[key] = read_explained(v, lang)
    return out


def background(steps: "list[dict] | None") -> list[dict[str, Any]]:
    """Steps of earlier decisions kept as background of a later one: none of them decided it."""
    return [{**s, "decisive": False} for s in steps or []]


def answer_text(answer: Any, lang: str) -> str | None:
    """A stored answer (:meth:`Decision.answer_json`, or plain text) read in ``lang``."""
    if answer is None:
        return None
    return render(from_json(answer), lang) if isinstance(answer, dict) else str(answer)


def jsonable(v: Any) -> Any:
    """Dataclasses, enums, dates, months and decimals into JSON-ready values."""
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, Msg):
        return str(v)
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
    """A list of Step with a shorthand ``add(text, source, decisive=False)``."""

    def add(self, text: "Msg | str", source: str, decisive: bool = False) -> None:
        self.append(Step(text, source, decisive))
