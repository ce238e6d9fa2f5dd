"""Page text in Bahasa Indonesia (default) and English, from ``locales/<lang>.json``.

The language comes from ``?lang=`` (remembered in a cookie) or the ``lang`` cookie.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


@cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((files("jkn.web") / "locales" / f"{lang}.json").read_text(encoding="utf-8"))


def pick_language(query_lang: str | None, cookie_lang: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def translator(lang: str):
    """``t(key, **values)``: the text for ``key`` in ``lang``, falling back to Indonesian, then the key."""
    texts, fallback = catalogue(lang), catalogue(DEFAULT_LANGUAGE)

    def t(key: str, **values) -> str:
        text = texts.get(key) or fallback.get(key) or key
        return text.format(**values) if values else text

    return t
