"""The frame typer draws around jkn's words reads in the command line's language (issue 11): the usage
line, the help panels, the help option and the parser's errors are Indonesian by default and English
with ``JKN_LANG=en``; and every text of typer's that can reach a user is in jkn.commands.frame's table
and both catalogues, enumerated from typer's installed sources, so an upgrade that adds one fails here.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest
import typer
from babel.messages.extract import extract
from support.care_world import JKN
from typer.testing import CliRunner

from jkn.cli import app
from jkn.commands import frame
from jkn.i18n.catalogue import catalogue, languages

runner = CliRunner()
TYPER = Path(typer.__file__).parent
#: the modules of typer whose texts a user of a command can read (shell completion is off in jkn)
READ = ("_click/exceptions.py", "_click/parser.py", "_click/core.py", "_click/decorators.py",
        "_click/formatting.py", "core.py", "_coercion.py", "_param_types.py", "_adapters.py")
#: texts of those modules that no user of jkn reads: errors in a command's definition (a programmer's),
#: type names, the plain help drawn without rich (rich is a dependency) and the marks of deprecated
#: commands (jkn has none)
NOT_READ = {
    "Missing parameter: {}",  # the exception's str(), not what is shown
    "Cannot have two nargs < 0", "Invalid start character for option ({})", "unknown action '{}'",
    "Callable[..., Any]", "At least one help option should be provided", "Expected two columns for definition list",
    "Boolean option {} cannot use the same flag for true/false.", "Command has no name.", "Name '{}' defined twice",
    "In Typer, only the parameter 'autocompletion' is supported. The support for 'shell_complete' is deprecated "
    "and will be removed in upcoming versions. ",
    "Expected one list item type, got: {}", "List types with complex sub-types are not currently supported",
    "Tuple types with complex sub-types are not currently supported", "Typer currently doesn't support Union types",
    "_TyperParameter | None", "Context | None",
    "env var: {}",  # help without rich
    "(DEPRECATED: {})", "DeprecationWarning: The command {} is deprecated.{}",
}


def _texts(path: Path) -> set[str]:
    """The string literals of a module (f-strings with each field as ``{}``), docstrings and the msgids
    of typer's gettext left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        for stmt in getattr(node, "body", None) if isinstance(getattr(node, "body", None), list) else ():
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                skip.add(id(stmt.value))
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in ast.walk(node) if v is not node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            skip.update(id(a) for a in node.args)
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            found.add("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
    return found


def _sentences() -> set[str]:
    """typer's texts with words and a space: what it says, not its identifiers."""
    every = set().union(*(_texts(TYPER / name) for name in READ))
    return {t for t in every if re.search(r"[A-Za-z]{2,}", t) and " " in t.replace("{}", "").strip()}


def _gettext_msgids() -> set[str]:
    found = set()
    for path in TYPER.rglob("*.py"):
        with path.open("rb") as fh:
            found.update(m for _l, m, _c, _x in extract("python", fh, keywords={"_": None}) if isinstance(m, str))
    return found


def test_every_text_of_typers_click_a_user_can_read_is_in_the_table():
    assert sorted(_sentences() - NOT_READ - set(frame.SOURCES)) == []


def test_the_table_names_only_texts_typer_has():
    every = set().union(*(_texts(TYPER / name) for name in READ))
    assert sorted(set(frame.SOURCES) - every) == []
    assert sorted(NOT_READ - every) == []


def test_every_gettext_msgid_of_typer_is_in_the_table():
    assert _gettext_msgids() == set(frame.GETTEXT)


@pytest.mark.parametrize("lang", languages())
def test_every_text_of_the_table_is_in_the_catalogue(lang):
    keys = {*frame.GETTEXT.values(), *frame.SOURCES.values(), *frame.WORDS.values()}
    assert sorted(k for k in keys if f"cli.frame.{k}" not in catalogue(lang)) == []


def _run(args: list[str], lang: str | None):
    return runner.invoke(app, args, prog_name="jkn", env={"JKN_LANG": lang} if lang else {"JKN_LANG": ""})


FRAMES = {  # what the user sees, per language
    "id": {"usage": "Penggunaan: jkn lookup region [OPSI]", "help": "Lihat 'jkn lookup region --help' untuk bantuan.",
           "title": "Kesalahan", "missing": "Belum diisi: argumen 'code_or_name'.", "option": "Tidak ada opsi: --bogus",
           "value": "Nilai tidak sah untuk '--port'", "command": "Tidak ada perintah 'regio'. Mungkin maksud Anda 'region'?",
           "extra": "Ada argumen berlebih yang tidak diharapkan (b)", "needs": "Opsi '--port' memerlukan satu nilai.",
           "panels": ("Opsi", "Perintah", "Tampilkan bantuan ini lalu keluar.", "Penggunaan: jkn [OPSI] PERINTAH [ARGUMEN]...")},
    "en": {"usage": "Usage: jkn lookup region [OPTIONS]", "help": "Try 'jkn lookup region --help' for help.",
           "title": "Error", "missing": "Missing argument 'code_or_name'.", "option": "No such option: --bogus",
           "value": "Invalid value for '--port'", "command": "No such command 'regio'. Did you mean 'region'?",
           "extra": "Got unexpected extra argument(s) (b)", "needs": "Option '--port' requires an argument.",
           "panels": ("Options", "Commands", "Show this message and exit.", "Usage: jkn [OPTIONS] COMMAND [ARGS]...")},
}
ENGLISH_FRAME = ("Usage:", "Try '", "for help", "Missing argument", "No such", "Invalid value", "Did you mean",
                 "Got unexpected", "requires an argument", "Show this message", "Options", "Commands", "Error")


@pytest.mark.parametrize("lang", [None, "id", "en"])
def test_a_users_mistake_is_framed_in_the_command_lines_language(lang):
    said = FRAMES[lang or "id"]
    r = _run(["lookup", "region"], lang)
    assert r.exit_code == 2 and said["usage"] in r.output and said["help"] in r.output, r.output
    assert said["title"] in r.output and said["missing"] in r.output
    r = _run(["lookup", "region", "--bogus", "x"], lang)
    assert r.exit_code == 2 and said["option"] in r.output, r.output
    r = _run(["serve", "--port", "abc"], lang)
    assert r.exit_code == 2 and said["value"] in r.output, r.output
    r = _run(["lookup", "regio"], lang)
    assert r.exit_code == 2 and said["command"] in r.output, r.output
    r = _run(["lookup", "region", "a", "b"], lang)
    assert r.exit_code == 2 and said["extra"] in r.output, r.output
    r = _run(["serve", "--port"], lang)
    assert r.exit_code == 2 and said["needs"] in r.output, r.output
    r = _run(["--help"], lang)
    assert r.exit_code == 0 and all(p in r.output for p in said["panels"]), r.output
    if lang != "en":
        for args in (["lookup", "region"], ["serve", "--port", "abc"], ["lookup", "regio"], ["--help"], ["calc", "--help"]):
            output = _run(args, lang).output
            assert not [w for w in ENGLISH_FRAME if w in output], output


def test_the_installed_command_frames_in_both_languages(tmp_path):
    """The console script itself, as a user runs it (rich draws the panels to a real stream)."""
    base = {"PATH": "/usr/bin:/bin", "COLUMNS": "100"}
    r = subprocess.run([str(JKN), "lookup", "region", "--bogus", "x"], capture_output=True, text=True, timeout=60,
                       cwd=tmp_path, env=base)
    assert r.returncode == 2 and "Penggunaan: jkn lookup region" in r.stderr and "Tidak ada opsi: --bogus" in r.stderr
    assert "Kesalahan" in r.stderr and "Usage" not in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = subprocess.run([str(JKN), "lookup", "region", "--bogus", "x"], capture_output=True, text=True, timeout=60,
                       cwd=tmp_path, env={**base, "JKN_LANG": "en"})
    assert r.returncode == 2 and "Usage: jkn lookup region" in r.stderr and "No such option: --bogus" in r.stderr


def test_a_message_is_said_again_with_its_fields():
    frame.install("id")
    bad = typer.BadParameter("Value 'x' is not a valid Foo.", param_hint="'--db' (env var: 'JKN_DATABASE_URL')")
    assert frame.Said(bad).format_message() == (
        "Nilai tidak sah untuk '--db' (variabel lingkungan: 'JKN_DATABASE_URL'): Nilai 'x' bukan Foo yang sah.")
    assert frame.said("file '/x y' does not exist.") == "berkas '/x y' tidak ada."
    assert frame.said("harus bilangan bulat") == "harus bilangan bulat"  # jkn's own words stay as they are


@pytest.mark.parametrize("lang,said", [("", "Dibatalkan."), ("en", "Aborted.")])
def test_an_abandoned_prompt_says_so_in_the_command_lines_language(lang, said, tmp_path):
    r = runner.invoke(app, ["users", "create-admin", "someone", "--db", f"sqlite:///{tmp_path}/x.sqlite3"], input="",
                      prog_name="jkn", env={"JKN_LANG": lang})
    assert r.exit_code == 1 and said in r.output and "Traceback" not in r.output, r.output
    assert ("Kata sandi" if lang == "" else "Password") in r.output
