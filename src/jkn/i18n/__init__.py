"""Every text a person reads, in their language: gettext catalogues managed with Babel.

- :mod:`jkn.i18n.catalogue`: the ``.po`` catalogues (``locales/<lang>/LC_MESSAGES/jkn.po``), one per
  language; Indonesian is the default, English the second, a third language is one more file.
- :mod:`jkn.i18n.message`: :class:`Msg`, a message id with its values, rendered late in the reader's
  language, so that pure rules can say things without knowing who reads them.
- :mod:`jkn.i18n.formats`: money, numbers and dates in the locale's formats (Babel).
"""

from jkn.i18n.catalogue import DEFAULT_LANGUAGE, languages, pick_language, translator
from jkn.i18n.formats import format_date, format_month, format_number, format_rupiah
from jkn.i18n.message import Msg, N_, Rp, from_json, render, to_json

__all__ = ["DEFAULT_LANGUAGE", "Msg", "N_", "Rp", "format_date", "format_month", "format_number", "format_rupiah",
           "languages", "pick_language", "render", "from_json", "to_json", "translator"]
