"""Random streams, apportioning and identifiers for the generator."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def stream(seed: int, preset: str, *key: int) -> np.random.Generator:
    """
    An independent random stream for one part of one preset.

    Each part (municipalities, one municipality's network, its dwellings,
    the households, ...) has its own spawn key, so changing how one part is
    drawn never shifts the numbers another part gets.
    """
    preset_key = zlib.crc32(preset.encode())
    sequence = np.random.SeedSequence(seed, spawn_key=(preset_key, *key))
    return np.random.default_rng(sequence)


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Splits ``total`` in proportion to ``weights`` (largest remainder)."""
    w = np.asarray(weights, float)
    if total <= 0 or w.sum() <= 0:
        return [0] * len(w)
    exact = w / w.sum() * total
    counts = np.floor(exact).astype(int)
    short = total - int(counts.sum())
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:short]] += 1
    return [int(c) for c in counts]


def pick(rng: np.random.Generator, table: Mapping[T, float]) -> T:
    """A key of ``table`` drawn with probability proportional to its value."""
    u = rng.random() * sum(table.values())
    last = None
    for key, weight in table.items():
        last = key
        u -= weight
        if u < 0:
            return key
    return last  # rounding left u a hair above zero


def draw(rng: np.random.Generator, cdf: np.ndarray) -> int:
    """An index drawn with probability proportional to its weight, given
    the cumulative weights."""
    k = int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"))
    return min(k, len(cdf) - 1)


def round_random(rng: np.random.Generator, value: float) -> int:
    """Rounds down or up at random so the mean is ``value``."""
    low = int(np.floor(value))
    return low + int(rng.random() < value - low)


def days(value: float) -> timedelta:
    return timedelta(days=int(round(value)))


def ids(prefix: str, count: int, width: int) -> list[str]:
    """``count`` identifiers ``prefix-0001`` zero-padded so they sort."""
    width = max(width, len(str(count)))
    return [f"{prefix}-{k:0{width}d}" for k in range(1, count + 1)]
