"""
Messages in Norwegian (bokmål) and English.

Every user-facing text is written in English in the code, marked with
``_`` (or ``N_`` where it is only named, to be translated later), and
looked up in the message catalogues ``allocator/locale/<lang>/LC_MESSAGES/
allocator.po`` (written by Babel, read here). Numbers and dates are
formatted for the language too. The language is ``--lang nb|en`` where
a command takes it, else the locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``, ``LANGUAGE``), else English.

``tests/test_i18n.py`` extracts every marked message from the code and
fails when one has no entry, or an empty one, in either catalogue.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

LANGS = ("nb", "en")
"""Languages with a catalogue: Norwegian bokmål, English."""

DOMAIN = "allocator"
LOCALE_DIR = Path(__file__).parent / "locale"

_NORWEGIAN = ("nb", "no", "nn")


def N_(message: str) -> str:
    """Marks a message for the catalogues without translating it here."""
    return message


def resolve_lang(lang: str | None = None) -> str:
    """
    The language to use: ``lang`` when given (``nb``, ``no`` and ``nn``
    read as ``nb``), else the locale's, else ``en``.

    Raises
    ------
    ValueError
        When ``lang`` names a language with no catalogue.
    """
    if lang:
        code = lang.strip().lower().replace("-", "_").split("_")[0]
        if code in _NORWEGIAN:
            return "nb"
        if code == "en":
            return "en"
        raise ValueError(
            f"language {lang!r} not available; choose one of "
            f"{', '.join(LANGS)}."
        )
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name, "")
        code = value.split(":")[0].split(".")[0].split("_")[0].lower()
        if code in _NORWEGIAN:
            return "nb"
        if code and code not in ("c", "posix"):
            return "en"
    return "en"


@cache
def catalogue(lang: str) -> dict[str, str | tuple[str, ...]]:
    """The catalogue of a language as ``{msgid: msgstr}``, a plural's
    msgstr the tuple of its forms (``po_messages``)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    return po_messages(path.read_text("utf-8"))


def po_messages(text: str) -> dict[str, str | tuple[str, ...]]:
    """
    The messages of a ``.po`` catalogue's text as Babel's ``read_po``
    gives them (``tests/test_i18n_catalogue.py`` holds the two to the
    same answer), obsolete entries and the header left out.

    Babel reads every entry into a full ``Message`` (flags, locations,
    format checks) and loads its parser with it: 0.03 to 0.05 s of every
    Norwegian command, for the one thing needed here, the texts, which
    take a few milliseconds to read from the entries' plain form.
    """
    messages: dict[str, str | tuple[str, ...]] = {}
    plurals = 2
    for block in text.split("\n\n"):
        fields = _entry_fields(block)
        msgid = fields.get("msgid")
        if msgid == "":
            found = re.search(r"nplurals=(\d+)", fields.get("msgstr", ""))
            plurals = int(found.group(1)) if found else plurals
        if not msgid:
            continue
        if "msgid_plural" not in fields:
            messages[msgid] = fields.get("msgstr", "")
            continue
        forms = [""] * plurals
        for name, value in fields.items():
            if name.startswith("msgstr[") and int(name[7:-1]) < plurals:
                forms[int(name[7:-1])] = value
        messages[msgid] = tuple(forms)
    return messages


_ESCAPE = re.compile(r'\\([\\trn"])')
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"'}


def _entry_fields(block: str) -> dict[str, str]:
    """The keywords of one entry (``msgid``, ``msgstr[0]``, ...) and
    their texts, continued lines joined and escapes read; comments
    (and obsolete entries, ``#~``) skipped."""
    fields: dict[str, str] = {}
    name = None
    for line in block.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith('"') and name is not None:
            fields[name] += _unquoted(line)
            continue
        name, _, rest = line.partition(" ")
        fields[name] = _unquoted(rest)
    return fields


def _unquoted(text: str) -> str:
    """A quoted ``.po`` string's text, as Babel's ``unescape`` reads it."""
    return _ESCAPE.sub(lambda m: _ESCAPED[m.group(1)], text.strip()[1:-1])


@dataclass(frozen=True)
class Translator:
    """
    Messages, numbers and dates in one language.

    ``gettext`` (also ``_``) looks a message up and fills its
    ``{placeholders}``; a message missing from the catalogue falls back
    to the English text (the test of the catalogues keeps that from
    happening).
    """

    lang: str = "en"
    _cat: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def locale(self) -> str:
        return "nb_NO" if self.lang == "nb" else "en_GB"

    def gettext(self, message: str, /, **values) -> str:
        text = self._cat.get(message) or message
        if isinstance(text, tuple):
            text = text[0] or message
        return text.format(**values) if values else text

    _ = gettext

    def ngettext(self, singular: str, plural: str, n: int, /,
                 **values) -> str:
        found = self._cat.get(singular)
        if isinstance(found, tuple) and all(found):
            forms = found
        else:
            forms = (singular, plural)
        text = forms[0] if n == 1 else forms[-1]
        return text.format(n=n, **values)

    def number(self, value, digits: int | None = None) -> str:
        """A number with the language's separators (``1 234,5`` in nb)."""
        if value is None:
            return ""
        if type(value) is int and not digits:
            # Whole numbers, most of those a report writes: Python's own
            # grouping with the language's separator reads as Babel's
            # (tests/test_i18n_numbers.py) in a twentieth of the time.
            return f"{value:,}".replace(",", _group_separator(self.locale))
        pattern = None if digits is None else (
            "#,##0" + ("." + "0" * digits if digits else ""))
        return _number_pattern(self.locale, pattern).apply(
            value, _babel_locale(self.locale))

    def percent(self, share: float | None, digits: int = 1) -> str:
        if share is None:
            return ""
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
        return _number_pattern(self.locale, pattern).apply(
            share, _babel_locale(self.locale))

    def money(self, nok: float | None) -> str:
        """Kroner without decimals: ``kr 12 500`` / ``NOK 12,500``."""
        if nok is None:
            return ""
        return self.gettext("NOK {amount}",
                            amount=self.number(round(nok), 0))

    def date(self, day: date | None, style: str = "medium") -> str:
        from babel.dates import format_date

        if day is None:
            return ""
        if style == "short":
            return day.strftime("%d.%m.%Y") if self.lang == "nb" \
                else day.isoformat()
        return format_date(day, format="long" if style == "long"
                           else "medium", locale=self.locale)

    def yes_no(self, value: bool | None) -> str:
        if value is None:
            return ""
        return self.gettext("yes") if value else self.gettext("no")


# What babel's format_decimal and format_percent do on every call, once:
# parsing the locale and the pattern was most of the time of formatting
# a number (60 us of 80), and a national report formats tens of
# thousands.


@cache
def _babel_locale(code: str):
    from babel import Locale

    return Locale.parse(code)


@cache
def _group_separator(code: str) -> str:
    """What separates groups of three digits in the locale's numbers."""
    return _babel_locale(code).number_symbols["latn"]["group"]


@cache
def _number_pattern(code: str, pattern: str | None):
    """Babel's parsed pattern; ``None``: the locale's decimal format."""
    from babel.numbers import parse_pattern

    if pattern is None:
        return _babel_locale(code).decimal_formats[None]
    return parse_pattern(pattern)


def translator(lang: str | None = None) -> Translator:
    """The translator for ``lang`` (see ``resolve_lang``)."""
    code = resolve_lang(lang)
    if code == "en":
        # English needs no catalogue: its messages are the English texts
        # (tests/test_i18n_english.py keeps its catalogue so), and reading
        # it took 0.03 s or more of every English solve.
        return Translator(code)
    return Translator(code, catalogue(code))


_current: list[Translator] = [Translator("en")]
"""The language of the messages of a run: English until the command line
chooses (``use``), so that library calls and tests read the same."""


def use(lang: str | None) -> Translator:
    """Make ``lang`` (see ``resolve_lang``) the language of ``_`` and
    ``ngettext``; returns its translator."""
    _current[0] = translator(lang)
    return _current[0]


@contextmanager
def speaking(lang: str | None) -> Iterator[Translator]:
    """``lang`` in use within the block (see ``use``), and the language
    in use before it again after, however the block ends."""
    before = _current[0]
    try:
        yield use(lang)
    finally:
        _current[0] = before


def current() -> Translator:
    """The translator of the language in use."""
    return _current[0]


def _(message: str, /, **values) -> str:
    """``message`` in the language in use, its ``{placeholders}`` filled."""
    return _current[0].gettext(message, **values)


def ngettext(singular: str, plural: str, n: int, /, **values) -> str:
    """The form of ``singular``/``plural`` for ``n`` in the language in
    use."""
    return _current[0].ngettext(singular, plural, n, **values)


__all__ = ["LANGS", "N_", "Translator", "_", "catalogue", "current",
           "ngettext", "resolve_lang", "translator", "use"]
