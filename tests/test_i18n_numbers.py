"""Whole numbers written as Babel writes them, in every language."""

from __future__ import annotations

import pytest

from allocator.i18n import LANGS, Translator, _babel_locale, _number_pattern

WHOLE = [0, 1, -1, 9, 10, 99, 100, 999, 1000, -1000, 1001, 9999, 12345,
         -12345, 99999, 100000, 999999, 1000000, -1234567, 10**12,
         -(10**15) - 1, 2**63]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("digits", [None, 0])
def test_whole_numbers_read_as_babel_writes_them(lang, digits):
    """Tests that a whole number, with the locale's format or with no
    decimals, reads as Babel's pattern writes it."""
    t = Translator(lang)
    pattern = None if digits is None else "#,##0"
    for value in WHOLE + list(range(-1100, 1100, 7)):
        expected = _number_pattern(t.locale, pattern).apply(
            value, _babel_locale(t.locale))
        assert t.number(value, digits) == expected, value


def test_other_numbers_keep_babel():
    """Tests that decimals and floats still go through Babel."""
    t = Translator("nb")
    assert t.number(1234, 2) == "1\xa0234,00"
    assert t.number(1234.5) == "1\xa0234,5"
    assert t.number(2.5, 0) == "2"
