"""Errors a use case raises; the API maps each kind to one HTTP status, the CLI to exit code 2.

The message is a catalogue :class:`~jkn.i18n.Msg` (``NotFound(Msg("error.participant_unknown",
card=...))``), read in the caller's language: the page's, the API's ``Accept-Language``, the CLI's
``JKN_LANG``. Its key is the error's stable machine ``code``. A plain string is still accepted (not yet
in the catalogue: read as written, coded by the error's kind).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from jkn.i18n import DEFAULT_LANGUAGE, Msg, render


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


def validation_message(errors: Iterable[Mapping]) -> str:
    """pydantic's validation errors as one line, ``where: what`` for each."""
    return "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in errors)
