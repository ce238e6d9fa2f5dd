"""The message catalogues are complete: every key the code and the templates use is translated in
every language, with the same placeholders, and no catalogue entry is dead (issue 11, "a test that
fails on any untranslated or missing text")."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract

from jkn.i18n.catalogue import DEFAULT_LANGUAGE, catalogue, languages

SRC = Path(__file__).resolve().parents[2] / "src" / "jkn"
KEYWORDS = {"t": None, "N_": None, "Msg": None, "say": None}  # say(): the CLI (jkn.commands.edge)
# A key built at run time from a code: ``t("cover." ~ reason)`` in Jinja, ``Msg(f"cover.{reason}")`` in Python.
# A key handed to a template as the page's error: ``render(..., error_key="upload.too_big")``.
ERROR_KEY = re.compile(r"""error_key=["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")
DYNAMIC = (re.compile(r"""["']([a-z0-9_.]+\.)["']\s*~"""), re.compile(r"""(?:\bt|\bMsg|\bN_)\(\s*f["']([a-z0-9_.]+\.)\{"""))


def _used() -> tuple[dict[str, str], set[str]]:
    """``{key: first place used}`` of literal keys, and the prefixes of keys built at run time."""
    keys: dict[str, str] = {}
    prefixes: set[str] = set()
    for path in sorted(SRC.rglob("*")):
        if path.suffix == ".py":
            method, options = "python", {}
        elif path.suffix == ".html":
            method, options = "jinja2.ext:babel_extract", {"extensions": ""}
        else:
            continue
        with path.open("rb") as fh:
            for line, key, _comments, _context in extract(method, fh, keywords=KEYWORDS, options=options):
                if isinstance(key, str) and re.fullmatch(r"[a-z0-9_]+(\.[A-Za-z0-9_\-]+)+", key):
                    keys.setdefault(key, f"{path.relative_to(SRC)}:{line}")
        for key in ERROR_KEY.findall(path.read_text(encoding="utf-8")):
            keys.setdefault(key, str(path.relative_to(SRC)))
        for pattern in DYNAMIC:
            prefixes.update(pattern.findall(path.read_text(encoding="utf-8")))
    from jkn.web.labels import PREFIXES  # the names of codes: ``segment.`` + code ...

    prefixes.update(PREFIXES.values())
    return keys, prefixes


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_indonesian_is_first_and_english_is_there():
    assert languages()[0] == DEFAULT_LANGUAGE == "id"
    assert "en" in languages()


@pytest.mark.parametrize("lang", [lang for lang in languages() if lang != DEFAULT_LANGUAGE])
def test_every_language_translates_every_entry_with_the_same_placeholders(lang):
    indonesian, other = catalogue(DEFAULT_LANGUAGE), catalogue(lang)
    assert sorted(set(indonesian) - set(other)) == [], f"untranslated in {lang}"
    assert sorted(set(other) - set(indonesian)) == [], f"in {lang} but not in Indonesian"
    wrong = {k: (_placeholders(indonesian[k]), _placeholders(other[k])) for k in indonesian
             if _placeholders(indonesian[k]) != _placeholders(other[k])}
    assert wrong == {}


def test_every_key_used_in_code_and_templates_is_in_the_catalogue():
    keys, _ = _used()
    missing = {k: where for k, where in keys.items() if k not in catalogue(DEFAULT_LANGUAGE)}
    assert missing == {}


def test_every_catalogue_entry_is_used():
    keys, prefixes = _used()
    dead = [k for k in catalogue(DEFAULT_LANGUAGE) if k not in keys and not k.startswith(tuple(prefixes))]
    assert dead == []


def test_a_third_language_is_one_file(tmp_path, monkeypatch):
    """Dropping ``<lang>/LC_MESSAGES/jkn.po`` beside the others adds a language; what it does not
    translate yet reads in Indonesian."""
    import shutil

    from jkn.i18n import catalogue as cat

    locales = tmp_path / "locales"
    shutil.copytree(SRC / "i18n" / "locales", locales)
    (locales / "jv" / "LC_MESSAGES").mkdir(parents=True)
    (locales / "jv" / "LC_MESSAGES" / "jkn.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "search.button"\nmsgstr "Goleki"\n', encoding="utf-8")
    monkeypatch.setattr(cat, "_locales", lambda: locales)
    for cached in (cat.languages, cat.catalogue):
        cached.cache_clear()
    try:
        assert cat.languages() == ("id", "en", "jv")
        assert cat.pick_language("jv") == "jv"
        assert cat.text("jv", "search.button") == "Goleki"
        assert cat.text("jv", "search.title") == catalogue("id")["search.title"]
    finally:
        for cached in (cat.languages, cat.catalogue):
            cached.cache_clear()


def test_accept_language_picks_the_best_catalogue():
    from jkn.i18n.catalogue import accept_language

    assert accept_language("en-US,en;q=0.9,id;q=0.8") == "en"
    assert accept_language("fr-FR, id;q=0.5, en;q=0.4") == "id"
    assert accept_language("fr, de") is None
    assert accept_language(None) is None


def test_no_key_is_entered_twice():
    """Parallel branches merge catalogue entries by union: a key entered twice would silently keep one text."""
    for lang in languages():
        keys = re.findall(r'^msgid "(.+)"$', (SRC / "i18n" / "locales" / lang / "LC_MESSAGES" / "jkn.po")
                          .read_text(encoding="utf-8"), flags=re.M)
        assert sorted({k for k in keys if keys.count(k) > 1}) == [], lang


def test_every_entry_has_one_text():
    """A union merge of two branches that added the same key keeps the key once and both texts: the
    second ``msgstr`` would be dropped silently by the reader, so the file must hold none."""
    for lang in languages():
        text = (SRC / "i18n" / "locales" / lang / "LC_MESSAGES" / "jkn.po").read_text(encoding="utf-8")
        kinds = [line.split(" ", 1)[0] for line in text.splitlines() if line.startswith(("msgid ", "msgstr "))]
        assert all(a != b for a, b in zip(kinds, kinds[1:])), lang
