"""English reads no catalogue: the English catalogue must say what the
code says, so that skipping it changes no text."""

from __future__ import annotations

from allocator.catalogues import read_catalogue
from allocator.i18n import catalogue, translator


def test_english_catalogue_repeats_the_english_texts():
    """Tests that every entry of the English catalogue gives each message
    its own text (both plural forms), which is why ``translator("en")``
    and ``use("en")`` need not read it."""
    differing = []
    for entry in read_catalogue("en"):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        forms = entry.string if isinstance(entry.string, tuple) \
            else (entry.string,)
        if tuple(forms) != tuple(ids):
            differing.append(ids[0])
    assert not differing, "English catalogue differs from the code: " \
        + "; ".join(repr(d) for d in differing[:20])


def test_english_translator_reads_as_its_catalogue_would():
    """Tests that the English translator, without a catalogue, words a
    message, a plural and a missing message as the catalogue does."""
    english = translator("en")
    for key, text in catalogue("en").items():
        forms = text if isinstance(text, tuple) else (text,)
        if any("{" in f.replace("{n}", "") for f in forms):
            continue
        if isinstance(text, tuple):
            assert english.ngettext(key, text[-1], 1) == text[0].format(n=1)
            assert english.ngettext(key, text[-1], 2) == text[-1].format(
                n=2)
        else:
            assert english.gettext(key) == text
    assert english.gettext("not a message") == "not a message"
