"""The command line's edge (issue #10): options parsed with the API's bounds, and user errors
shown as a message with exit code 2, never a traceback.

``bounded(JknDate)`` is a ``typer.Option(parser=...)`` that refuses what the REST API refuses
(jkn.services.bounds). :class:`UserErrors` is the ``jkn`` group: it turns the errors a user can
cause and fix (a domain rule, invalid input, an unreachable database, a file or port that cannot
be used) into ``error: ...`` on standard error and exit code 2; anything else is a bug and keeps
its traceback. Messages are read in ``JKN_LANG`` (Indonesian by default; ``JKN_LANG=en`` for English).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from typing import Any

import typer
from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import ArgumentError, OperationalError
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from jkn.commands import frame
from jkn.i18n import DEFAULT_LANGUAGE, Msg, pick_language, render, translator
from jkn.i18n.catalogue import catalogue
from jkn.reference.nik import NikError
from jkn.rules.decision import RuleError, localize
from jkn.services.errors import DomainError, error_text, validation_message

err = Console(stderr=True, soft_wrap=True)
#: DomainError details worth a line of their own
_DETAILS = ("field", "card_number", "missing", "code", "rule")


def cli_language() -> str:
    """The language of the command line: ``JKN_LANG`` when it has a catalogue, else Indonesian."""
    return pick_language(os.environ.get("JKN_LANG", "").strip().lower() or None)


def say(key: str, **values: Any) -> str:
    """A catalogue message in the command line's language."""
    return translator(cli_language())(key, **values)


def _said(exc: ValidationError) -> str:
    """What pydantic refused, in the command line's language (typer's own refusals, ``'x' is not one
    of ...``, said again from the catalogue)."""
    def one(error: Any) -> str:
        raw = str((error.get("ctx") or {}).get("error", "")) if error.get("type") == "value_error" else ""
        return frame.said(raw) if raw and frame.said(raw) != raw else str(render(error_text(error), cli_language()))

    return "; ".join(one(e) for e in exc.errors())


def bounded(kind: Any) -> Callable[[Any], Any]:
    """A typer option parser for an annotated type of jkn.services.bounds."""
    adapter = TypeAdapter(kind)

    def parse(value: Any) -> Any:
        try:
            return adapter.validate_python(value)
        except ValidationError as exc:
            raise typer.BadParameter(_said(exc)) from None

    return parse


def _deciding(explanation: list[dict] | None, lang: str) -> list[dict]:
    """The steps that decided a refusal, read in ``lang`` (all of them when none is marked as deciding)."""
    steps = localize(explanation, lang)
    return [s for s in steps if s["decisive"]] or steps


def os_error(exc: OSError) -> str:
    """What the system refused (no such file, permission denied, port in use...) in the command line's
    language; the system's own words for an error the catalogue does not name."""
    said = Msg(f"cli.os.{errno.errorcode.get(exc.errno or 0, '')}")
    return said.render(cli_language()) if said.key in catalogue(DEFAULT_LANGUAGE) else str(exc.strerror or exc)


def describe(exc: BaseException) -> list[str] | None:
    """The lines that tell the user what to fix, or None when ``exc`` is not a user error."""
    lang = cli_language()
    if isinstance(exc, DomainError):
        lines = [exc.text(lang)] + [f"  {k}: {exc.details[k]}" for k in _DETAILS if exc.details.get(k)]
        lines += [f"  - {s['text']}  ({s['source_name']})" for s in _deciding(exc.details.get("explanation"), lang)]
        return lines + ["  " + say("cli.did_you_mean", code=s.get("code"), name=s.get("name", ""))
                        for s in exc.details.get("suggestions") or []]
    if isinstance(exc, ValidationError):
        return [say("cli.invalid", what=validation_message(exc.errors()))]
    if isinstance(exc, NikError):
        return [Msg("cli.nik", field=exc.field, reason=exc.say).render(lang)]
    if isinstance(exc, RuleError):
        return [render(exc.msg, lang) if exc.msg else str(exc)]
    if isinstance(exc, OperationalError):
        return [say("cli.database_unusable", reason=str(exc.orig).strip().splitlines()[0])]
    if isinstance(exc, ArgumentError):
        return [say("cli.not_a_database_url", reason=str(exc))]
    if isinstance(exc, OSError) and exc.errno != errno.EPIPE:
        said = os_error(exc)
        return [f"{said}: {exc.filename}" if exc.filename else said]
    return None


def _framed(exc: ClickException) -> ClickException:
    """typer's usage error said in the command line's language (its help when no arguments were given
    is shown as it is)."""
    return exc if isinstance(exc, frame.Said) or type(exc).__name__ == "NoArgsIsHelpError" else frame.Said(exc)


class UserErrors(TyperGroup):
    """The ``jkn`` group: user errors of any command → their message and exit code 2; typer's frame
    (usage, help panels, the parser's errors) in the command line's language (:mod:`jkn.commands.frame`)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        frame.install(cli_language())
        frame.dress(self)
        return super().main(*args, **kwargs)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except ClickException as exc:
            raise _framed(exc) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except typer.BadParameter as exc:
            if isinstance(exc.__cause__, ValidationError):  # typer's own check of an option's type or range
                exc.message = _said(exc.__cause__)
            raise _framed(exc) from None
        except ClickException as exc:
            raise _framed(exc) from None
        except Exception as exc:
            lines = describe(exc)
            if lines is None:
                raise
            label = say("cli.error")
            err.print(f"[red]{escape(label)}:[/red] {escape(lines[0])}")
            for line in lines[1:]:
                err.print(escape(line))
            raise typer.Exit(code=2) from None
