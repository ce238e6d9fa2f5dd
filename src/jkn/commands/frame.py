"""The frame typer draws around jkn's own words — the usage line, the help panels and their titles,
the help option, the parser's errors (``No such option``, ``Missing argument``...) — read from jkn's
one catalogue in the command line's language (issue 11).

typer passes some of its texts through gettext (``from gettext import gettext as _`` in
``typer.core`` and ``typer.rich_utils``); its own copy of click (``typer._click``) writes the rest as
f-strings, with no gettext. Both are keyed by their English source text:

- :data:`GETTEXT`: typer's gettext msgids. :func:`install` gives typer's ``_`` our catalogue and
  reads rich_utils' panel titles (``Options``, ``Error``...) again through it;
- :data:`SOURCES`: the texts of typer's click, as its source writes them (every ``{...}`` field
  written ``{}``). :func:`dress` sets the help option's text, the usage prefix and the metavars on
  each command of the tree; :func:`said` matches a message against the templates and says it again.

tests/cli/test_cli_frame.py enumerates typer's texts from its installed sources, so a typer upgrade
that adds or changes one fails until this table and the catalogue have it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import typer.core
import typer.rich_utils as rich_utils
from typer._click.core import Context
from typer._click.exceptions import BadParameter, UsageError
from typer._click.formatting import HelpFormatter

from jkn.i18n import DEFAULT_LANGUAGE, Msg
from jkn.i18n.catalogue import catalogue

#: typer's gettext msgids (typer.core, typer.rich_utils) → ``cli.frame.<key>``
GETTEXT = {
    "(dynamic)": "dynamic", "Aborted!": "aborted", "Aborted.": "aborted", "required": "required",
    "default: {default}": "default", "env var: {var}": "env_var", "Arguments": "arguments", "Options": "options",
    "Commands": "commands", "Missing command.": "missing_command", "No such command {name!r}.": "no_such_command",
    "(deprecated) ": "deprecated", "[default: {}]": "default_bracket", "[env var: {}]": "env_var_bracket",
    "[required]": "required_bracket", "Error": "error_title",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "try_help_rich",
}
#: the texts of typer's click and typer's own f-strings a user can read → ``cli.frame.<key>``
#: (the catalogue's text takes the fields in order: ``{0}``, ``{1}``...)
SOURCES = {
    "Usage: ": "usage", "[OPTIONS]": "options_metavar", "COMMAND [ARGS]...": "command_metavar",
    "Show this message and exit.": "help_option", "Error: {}": "error", "Try '{} {}' for help.\n": "try_help",
    "Invalid value for {}: {}": "invalid_value_for", "Invalid value: {}": "invalid_value",
    "Missing {}{}.": "missing", "Missing {}{}. {}": "missing_more", " (env var: '{}')": "env_var_hint",
    "No such option: {}": "no_such_option", "(Possible options: {})": "possible_options",
    "Could not open file {}: {}": "cannot_open", "unknown error": "unknown_error",
    "Got unexpected extra argument(s) ({})": "extra_arguments", "Option {} requires {}": "option_requires",
    "an argument.": "an_argument", "{} arguments.": "n_arguments",
    "Option {} does not take a value.": "option_takes_no_value", "Argument {} takes {} values.": "argument_takes",
    "{}. Did you mean {}?": "did_you_mean", "Choose from:\n\t{}": "choose_from",
    "Value {} is not a valid {}.": "not_valid", "Value must be an iterable.": "not_iterable",
    "{} is not one of {}.": "not_one_of", "{} {} does not exist.": "path_missing", "{} {} is a file.": "path_is_file",
    "{} {} is a directory.": "path_is_dir", "{} {} is not readable.": "path_unreadable",
    "{} {} is not writable.": "path_unwritable", "{} does not match the formats {}.": "formats",
    "{} values are required, but {} given.": "values_required", "value is not a valid tuple": "not_tuple",
    "None is not a valid string": "not_string",
}
#: words typer puts into those texts: a parameter's kind, a path's kind
WORDS = {"argument": "word_argument", "option": "word_option", "parameter": "word_parameter",
         "file": "word_file", "dir": "word_dir", "path": "word_path"}
#: rich_utils' texts read once at import (their English, kept to be read again in another language)
_RICH = {name: getattr(rich_utils, name) for name in (
    "DEPRECATED_STRING", "DEFAULT_STRING", "ENVVAR_STRING", "REQUIRED_LONG_STRING", "ARGUMENTS_PANEL_TITLE",
    "OPTIONS_PANEL_TITLE", "COMMANDS_PANEL_TITLE", "ERRORS_PANEL_TITLE", "ABORTED_TEXT", "RICH_HELP")}
_lang = DEFAULT_LANGUAGE


def _text(key: str, *fields: str) -> str:
    template = Msg(f"cli.frame.{key}").render(_lang)
    return template.format(*fields) if fields else template


def gettext(msgid: str) -> str:
    """typer's gettext: the catalogue's text for one of typer's msgids (the msgid when it has none)."""
    return _text(GETTEXT[msgid]) if msgid in GETTEXT else msgid


def text(source: str) -> str:
    """The catalogue's text for one of :data:`SOURCES` that has no field."""
    return _text(SOURCES[source])


def install(lang: str) -> None:
    """Read typer's texts in ``lang`` from now on (the ``jkn`` group calls it as it starts)."""
    global _lang
    _lang = lang
    typer.core._ = rich_utils._ = gettext
    for name, english in _RICH.items():
        setattr(rich_utils, name, gettext(english))


@cache
def _templates() -> list[tuple[re.Pattern, str, bool]]:
    """(pattern, key, whether it is a fragment inside a text) per template, the most specific first."""
    found = []
    for source, key in SOURCES.items():
        parts = source.split("{}")
        regex = ""
        for i, part in enumerate(parts[:-1]):  # a field right before another field is one word
            regex += re.escape(part) + (r"(\S+)" if parts[i + 1] == "" and i + 2 < len(parts) else "(.*?)")
        found.append((re.compile(regex + re.escape(parts[-1]), re.DOTALL), key, source.startswith(" ")))
    return sorted(found, key=lambda t: -len(t[0].pattern.replace("(.*?)", "").replace(r"(\S+)", "")))


def said(message: str) -> str:
    """A message of typer's click said again in the catalogue's words (its fields too); as it was when
    no template matches (a message of jkn's is already in the catalogue's words)."""
    if message in WORDS:
        return _text(WORDS[message])
    for pattern, key, fragment in _templates():
        if fragment:
            message = pattern.sub(lambda m, key=key: _text(key, *map(said, m.groups())), message)
            continue
        m = pattern.fullmatch(message)
        if m:
            return _text(key, *map(said, m.groups()))
    return message


def _message(exc: Any) -> str:
    """An error's message in the catalogue's words; a bad parameter's from its parts (its hint may hold
    ``: `` itself, ``'--db' (env var: 'JKN_DATABASE_URL')``)."""
    if type(exc) is not BadParameter:
        return said(exc.format_message())
    hint = exc.param_hint if exc.param_hint is not None else exc.param.get_error_hint() if exc.param else None
    if hint is None:
        return _text("invalid_value", said(exc.message))
    hint = hint if isinstance(hint, str) else " / ".join(repr(x) for x in hint)
    return _text("invalid_value_for", said(hint), said(exc.message))


class Said(UsageError):
    """A usage error of typer's click, said in the catalogue's words (same context and exit code)."""

    def __init__(self, exc: Any) -> None:
        super().__init__(_message(exc), getattr(exc, "ctx", None))
        self.exit_code = exc.exit_code

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:  # typer without rich
        from typer._click.utils import echo

        if self.ctx is not None:
            hint = _text(SOURCES["Try '{} {}' for help.\n"], self.ctx.command_path, self.ctx.help_option_names[0])
            echo(f"{self.ctx.get_usage()}\n{hint}", file=file, err=True)
        echo(_text("error", self.message), file=file, err=True)


class _Formatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, text("Usage: ") if prefix is None else prefix)


class _Context(Context):
    formatter_class = _Formatter


def dress(command: Any, path: tuple[str, ...] = ()) -> None:
    """Give every command of the tree the catalogue's frame (usage prefix, metavars, help option) and
    its help (``cli.help.<path>``; ``cli.help.jkn`` for the group itself, ``.<param>`` for a parameter,
    ``cli.help.param.<param>`` for a parameter that says the same on every command). The ``help=`` and
    docstrings in the code are the developers' words; a user reads the catalogue's (a command without
    its entries fails tests/i18n/test_cli_help.py)."""
    command.context_class = _Context
    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = text("[OPTIONS]")
    if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        command.subcommand_metavar = text("COMMAND [ARGS]...")
    helper = command.get_help_option(_Context(command))
    if helper is not None:
        helper.help = text("Show this message and exit.")
    dotted = ".".join(path) or "jkn"
    helps = catalogue(DEFAULT_LANGUAGE)
    if f"cli.help.{dotted}" in helps:
        command.help, command.short_help = Msg(f"cli.help.{dotted}").render(_lang), None
    for param in command.params:  # this command's own text, else the one its name has everywhere (``--db``)
        said = next((m for m in (Msg(f"cli.help.{dotted}.{param.name}"), Msg(f"cli.help.param.{param.name}"))
                     if m.key in helps), None)
        if said is not None:
            param.help = said.render(_lang)
    for name, sub in (getattr(command, "commands", None) or {}).items():
        dress(sub, (*path, name))
