"""The gettext catalogues: one ``.po`` file per language, read with Babel at first use.

Message ids are stable keys (``sim.title``); ``msgstr`` holds the text with ``{name}`` placeholders
(``str.format``). A missing or empty translation falls back to Indonesian, then to the key, which the
catalogue test (tests/i18n) forbids.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from babel.messages.pofile import read_po

DOMAIN = "jkn"
DEFAULT_LANGUAGE = "id"


def _locales():
    return files("jkn.i18n") / "locales"


@cache
def languages() -> tuple[str, ...]:
    """Indonesian first, then every other language that has a catalogue (a new language is one file)."""
    found = sorted(p.name for p in _locales().iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())
    return (DEFAULT_LANGUAGE, *(lang for lang in found if lang != DEFAULT_LANGUAGE))


@cache
def catalogue(lang: str) -> dict[str, str]:
    """``{msgid: msgstr}`` of the language's catalogue (untranslated entries left out)."""
    with (_locales() / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fh:
        po = read_po(fh, locale=lang, domain=DOMAIN)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str) and m.string}


def pick_language(*candidates: str | None) -> str:
    """The first candidate that has a catalogue (``?lang=``, cookie, ``Accept-Language``), else Indonesian."""
    for candidate in candidates:
        if candidate in languages():
            return candidate
    return DEFAULT_LANGUAGE


def accept_language(header: str | None) -> str | None:
    """The best language of an ``Accept-Language`` header that has a catalogue (q-values honoured)."""
    if not header:
        return None
    ranked = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag.strip().lower().split("-")[0]))
    for _q, _i, lang in sorted(ranked):
        if lang in languages():
            return lang
    return None


def text(lang: str, key: str, **values) -> str:
    """The text for ``key`` in ``lang`` (falling back to Indonesian, then the key), values filled in."""
    template = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return template.format(**values) if values else template


def translator(lang: str):
    """``t(key, **values)`` bound to ``lang``; values that are :class:`~jkn.i18n.message.Msg` render in ``lang``."""
    from jkn.i18n.message import render

    def t(key: str, **values) -> str:
        return text(lang, key, **{k: render(v, lang) for k, v in values.items()})

    return t
