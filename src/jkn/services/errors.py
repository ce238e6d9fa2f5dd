"""Errors a use case raises; the API maps each kind to one HTTP status, the CLI to exit code 2."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class DomainError(Exception):
    """Base: ``message`` says what is wrong and what to fix; ``status`` is the HTTP status."""

    status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    """An unknown code, name or id; ``details['suggestions']`` may list the closest known ones."""

    status = 404

    def __init__(self, message: str, suggestions: list[dict] | None = None, **details):
        super().__init__(message, suggestions=suggestions or [], **details)
        self.suggestions = suggestions or []


class Invalid(DomainError):
    """Input that breaks a rule (422)."""

    status = 422


class Conflict(DomainError):
    """A duplicate or a concurrent change (409)."""

    status = 409


class Forbidden(DomainError):
    """Outside the caller's branch, company, family or facility (403)."""

    status = 403


def validation_message(errors: Iterable[Mapping]) -> str:
    """pydantic's validation errors as one line, ``where: what`` for each."""
    return "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in errors)
