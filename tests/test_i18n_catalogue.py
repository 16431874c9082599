"""The catalogues read as Babel reads them."""

from __future__ import annotations

import io

import pytest
from babel.messages.pofile import read_po

from allocator.i18n import DOMAIN, LANGS, LOCALE_DIR, po_messages


def _babel(text: str, lang: str) -> dict:
    """What Babel reads from a catalogue's text, as ``{msgid: msgstr}``."""
    out = {}
    for message in read_po(io.BytesIO(text.encode("utf-8")), locale=lang):
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        out[key] = message.string
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_reads_as_babel_reads_it(lang):
    """Tests that every message of the catalogue of ``lang`` reads the
    same here as in Babel."""
    text = (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").read_text(
        "utf-8")
    assert po_messages(text) == _babel(text, lang)


SAMPLE = r'''# A translator's comment
msgid ""
msgstr ""
"Language: nb\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#: allocator/cli.py
#, python-brace-format
msgid "wrote {path}"
msgstr "skrev {path}"

#, fuzzy
msgid "a fuzzy one"
msgstr "en uklar"

msgid ""
"a long message "
"on lines"
msgstr ""
"en lang melding "
"på linjer"

msgid "quotes \"and\" a\ttab\\ and\nnew line"
msgstr "sitat \"og\" en\ttab\\ og\nny linje"

msgid "{n} adult"
msgid_plural "{n} adults"
msgstr[0] "{n} voksen"
msgstr[1] ""
"{n} voksne"

msgid "one form given"
msgid_plural "forms given"
msgstr[0] "én form"

msgid "untranslated"
msgstr ""

#~ msgid "obsolete"
#~ msgstr "foreldet"
'''


def test_entries_of_every_kind_read_as_babel_reads_them():
    """Tests continued lines, escapes, fuzzy and untranslated entries,
    plurals (one form missing) and obsolete entries against Babel."""
    assert po_messages(SAMPLE) == _babel(SAMPLE, "nb")
    assert po_messages(SAMPLE)["{n} adult"] == ("{n} voksen", "{n} voksne")
