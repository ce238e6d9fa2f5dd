"""Every command's ``--help`` reads in Indonesian by default (issue 11, "every CLI message ... has both
languages"): the crawl test's detector (a word only the English catalogue uses) finds nothing in the help
of any group or command of ``jkn``, frame included; with ``JKN_LANG=en`` the same help is English."""

from __future__ import annotations

import re

import pytest
from test_crawl import ENGLISH_ONLY, WORD
from typer.main import get_command
from typer.testing import CliRunner

from jkn.cli import app

runner = CliRunner()


def _paths() -> list[list[str]]:
    """Every group and command of ``jkn``, as the arguments that reach it."""
    found = []

    def walk(cmd, path):
        found.append(path)
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(get_command(app), [])
    return found


def _help(path: list[str], lang: str) -> str:
    r = runner.invoke(app, [*path, "--help"], prog_name="jkn", env={"JKN_LANG": lang, "COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    return r.output


def _prose(said: str, path: list[str]) -> str:
    """The help without what are names, not words: the usage line (after its frame word), options
    (``--output``), metavars and types (``{card}``, ``<path>``), the arguments' and sub-commands' names."""
    lines = said.strip().splitlines()
    assert lines[0].startswith("Penggunaan: jkn"), lines[0]
    command = get_command(app)
    for name in path:
        command = command.commands[name]
    named = [*(getattr(command, "commands", None) or {}), *(p.name for p in command.params)]
    names = "|".join(re.escape(n) for n in sorted(named, key=len, reverse=True))
    text = "\n".join(re.sub(rf"^(│\s+(?:\*\s+)?)({names})\s", r"\1 ", line) for line in lines[1:])
    return re.sub(r"--?[\w-]+|<[^>]*>|\{[^}]*\}", " ", text)


def test_every_help_reads_in_indonesian():
    english = {}
    for path in _paths():
        words = sorted({w for w in WORD.findall(_prose(_help(path, ""), path)) if w.lower() in ENGLISH_ONLY})
        if words:
            english[" ".join(path) or "jkn"] = words
    assert english == {}


@pytest.mark.parametrize("path", [[], ["care", "facility", "add"], ["participants", "checklist"]])
def test_the_same_help_is_english_with_jkn_lang_en(path):
    said = _help(path, "en")
    assert "Usage: jkn" in said and "Options" in said and "Penggunaan" not in said and "Opsi" not in said
    assert "Show this message and exit." in said


def test_the_crawl_covers_every_command():
    paths = [" ".join(p) for p in _paths()]
    assert len(paths) > 60 and "care facility staff-add" in paths and "bank reconcile" in paths


def test_every_help_written_in_code_has_its_catalogue_entry():
    """A command or option given a ``help=`` in code without a ``cli.help.…`` entry would show its English
    source on the Indonesian page of help; the detector above cannot see words the catalogue never used."""
    from jkn.i18n.catalogue import catalogue

    keys, missing = catalogue("id"), []

    def walk(cmd, path):
        dotted = ".".join(path) or "jkn"
        if cmd.help and f"cli.help.{dotted}" not in keys:
            missing.append(dotted)
        for p in cmd.params:
            if getattr(p, "help", None) and p.name != "help" and not {f"cli.help.{dotted}.{p.name}",
                                                                       f"cli.help.param.{p.name}"} & set(keys):
                missing.append(f"{dotted}.{p.name}")
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(get_command(app), [])
    assert missing == []


def test_only_a_group_offers_commands_in_its_usage():
    """A command with no sub-command (``jkn demo`` once was a group of none) must not say ``PERINTAH [ARGUMEN]...``."""
    offers, groups = set(), set()
    for path in _paths():
        command = get_command(app)
        for name in path:
            command = command.commands[name]
        if getattr(command, "commands", None):
            groups.add(" ".join(path))
        if "PERINTAH" in _help(path, "").strip().splitlines()[0]:
            offers.add(" ".join(path))
    assert offers == groups and "demo" not in offers
