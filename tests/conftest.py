"""Fixtures shared by the test packages."""

from __future__ import annotations

import pytest

from allocator import i18n


@pytest.fixture
def norwegian():
    """The messages of library calls in Norwegian for one test."""
    with i18n.speaking("nb"):
        yield
