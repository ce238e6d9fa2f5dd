"""Errors a use case raises; the API maps each kind to one HTTP status, the CLI to exit code 2.

The message is a catalogue :class:`~jkn.i18n.Msg` (``NotFound(Msg("error.participant_unknown",
card=...))``), read in the caller's language: the page's, the API's ``Accept-Language``, the CLI's
``JKN_LANG``. Its key is the error's stable machine ``code``. A plain string is still accepted (not yet
in the catalogue: read as written, coded by the error's kind).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from jkn.i18n import DEFAULT_LANGUAGE, Msg, render
from jkn.i18n.catalogue import catalogue


class DomainError(Exception):
    """Base: ``message`` says what is wrong and what to fix (in Indonesian; :meth:`text` in another
    language); ``status`` is the HTTP status; ``kind`` the machine code of an error with no key."""

    status = 400
    kind = "bad_request"

    def __init__(self, message: str | Msg, **details):
        self.say = message
        self.message = render(message, DEFAULT_LANGUAGE)
        super().__init__(self.message)
        self.details = details

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        return render(self.say, lang)

    @property
    def code(self) -> str:
        """A stable machine code: the ``code`` detail, else the catalogue key, else the error's kind."""
        return self.details.get("code") or (self.say.key if isinstance(self.say, Msg) else self.kind)


class NotFound(DomainError):
    """An unknown code, name or id; ``details['suggestions']`` may list the closest known ones."""

    status = 404
    kind = "not_found"

    def __init__(self, message: str | Msg, suggestions: list[dict] | None = None, **details):
        super().__init__(message, suggestions=suggestions or [], **details)
        self.suggestions = suggestions or []


class Invalid(DomainError):
    """Input that breaks a rule (422)."""

    status = 422
    kind = "invalid"


class Conflict(DomainError):
    """A duplicate or a concurrent change (409)."""

    status = 409
    kind = "conflict"


class Forbidden(DomainError):
    """Outside the caller's branch, company, family or facility (403)."""

    status = 403
    kind = "forbidden"


class BadValue(ValueError):
    """A validator's refusal said as a catalogue message (read in the reader's language by
    :func:`error_text`); ``str()`` is the Indonesian text."""

    def __init__(self, msg: Msg) -> None:
        self.msg = msg
        super().__init__(msg.render(DEFAULT_LANGUAGE))


def error_text(error: Mapping) -> Msg | str:
    """What one pydantic error says, as a catalogue message: a :class:`BadValue`'s own message, else
    ``pydantic.<type>`` with pydantic's context (``ge``, ``max_length``...). The catalogue names every
    type of pydantic-core (tests/api/test_error_language.py); pydantic's ``error`` (a parser's or a
    validator's English) is left out; pydantic's English only for a type it adds before the catalogue does."""
    ctx = dict(error.get("ctx") or {})
    if isinstance(ctx.get("error"), BadValue):
        return ctx["error"].msg
    key = f"pydantic.{error.get('type')}"
    if key not in catalogue(DEFAULT_LANGUAGE):
        return str(error.get("msg", "")).removeprefix("Value error, ")
    if isinstance(ctx.get("expected"), str):
        ctx["expected"] = ctx["expected"].replace(" or ", ", ")
    return Msg(f"pydantic.{error.get('type')}", **{k: v for k, v in ctx.items() if k != "error"})


def validation_message(errors: Iterable[Mapping]) -> Msg | str:
    """pydantic's validation errors as one message, ``where: what`` for each (``; `` between)."""
    items = [Msg("validation.item", where=".".join(str(x) for x in e["loc"]), what=error_text(e)) for e in errors]
    if not items:
        return ""
    said = items[-1]
    for item in reversed(items[:-1]):
        said = Msg("validation.more", first=item, rest=said)
    return said
