"""The message catalogues: every message the code marks exists, filled,
in Norwegian (bokmål) and English, with the same placeholders."""

from __future__ import annotations

from datetime import date

import pytest

from allocator.catalogues import extract, placeholders, read_catalogue
from allocator.i18n import LANGS, resolve_lang, translator


@pytest.fixture(scope="module")
def messages():
    return extract()


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_has_a_translation(messages, lang):
    """Tests that each marked message of the code is in the catalogue of
    ``lang`` with a non-empty text (every plural form), and that the
    translation uses exactly the placeholders of the English text."""
    catalogue = read_catalogue(lang)
    missing, empty, wrong = [], [], []
    for msgid, where in messages.items():
        key = msgid if isinstance(msgid, str) else msgid[0]
        entry = catalogue.get(key)
        if entry is None:
            missing.append(f"{where[0]}: {key!r}")
            continue
        forms = entry.string if isinstance(entry.string, tuple) \
            else (entry.string,)
        if not all(forms):
            empty.append(f"{where[0]}: {key!r}")
            continue
        english = placeholders(key if isinstance(msgid, str)
                               else " ".join(msgid))
        for form in forms:
            if placeholders(form) - english or (
                    isinstance(msgid, str) and placeholders(form)
                    != english):
                wrong.append(f"{where[0]}: {key!r} -> {form!r}")
    assert not missing, "not in the catalogue (run `make catalogues`): " \
        + "; ".join(missing[:20])
    assert not empty, "untranslated: " + "; ".join(empty[:20])
    assert not wrong, "placeholders differ: " + "; ".join(wrong[:20])


def test_catalogues_hold_no_message_the_code_no_longer_uses(messages):
    """Tests that the catalogues are in step with the code."""
    keys = {m if isinstance(m, str) else m[0] for m in messages}
    for lang in LANGS:
        stale = {m.id if isinstance(m.id, str) else m.id[0]
                 for m in read_catalogue(lang) if m.id} - keys
        assert not stale, (lang, sorted(stale)[:10])


def test_language_from_option_or_locale(monkeypatch):
    """Tests that --lang wins, Norwegian locales give nb, others en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    assert resolve_lang(None) == "en"
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")
    assert resolve_lang(None) == "nb"
    assert resolve_lang("en") == "en"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert resolve_lang(None) == "en"
    assert resolve_lang("no") == "nb"
    with pytest.raises(ValueError):
        resolve_lang("sv")


def test_numbers_dates_and_plurals_follow_the_language():
    """Tests Babel's formats and plural forms through the catalogues."""
    nb, en = translator("nb"), translator("en")
    assert nb.money(12500) == "kr 12\xa0500"
    assert en.money(12500) == "NOK 12,500"
    assert nb.date(date(2026, 3, 1), "short") == "01.03.2026"
    assert nb.date(date(2026, 3, 1), "long") == "1. mars 2026"
    assert nb.ngettext("{n} adult", "{n} adults", 2) == "2 voksne"
    assert en.ngettext("{n} adult", "{n} adults", 1) == "1 adult"
    assert nb.yes_no(True) == "ja" and en.yes_no(False) == "no"
