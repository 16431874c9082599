"""The order of a household's row: best quality first, ties by dwelling."""

import numpy as np
import pytest

from allocator.candidates import best_first


@pytest.mark.parametrize("high", [10, 2**20, 2**60])
def test_best_first_is_quality_then_dwelling(high):
    rng = np.random.default_rng(high)
    dwellings = rng.permutation(5_000).astype(np.int64)
    quality = rng.integers(-high, high, size=5_000, dtype=np.int64)
    quality[::7] = quality[0]  # ties, broken by the dwelling
    expected = np.lexsort((dwellings, -quality))
    assert np.array_equal(best_first(quality, dwellings), expected)


def test_best_first_of_an_empty_row():
    assert len(best_first(np.zeros(0, np.int64), np.zeros(0, np.int64))) == 0
