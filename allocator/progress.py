"""What a long solve has reached so far: its best value and its bound.

Engines call ``note`` as they improve; whoever runs the solve (the CLI)
may ``listen`` and show it. Nobody listening costs a function call.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterator

Listener = Callable[[str, "float | None", "float | None", float], None]
"""``listener(stage, best, bound, elapsed_seconds)``."""

_listener: Listener | None = None
_began = 0.0
_lock = threading.Lock()


def note(stage: str, best: float | None = None,
         bound: float | None = None) -> None:
    """Tells any listener that ``stage`` reached ``best`` (a feasible
    value, or ``None``) with ``bound`` (``None`` or infinite: none yet)."""
    listener = _listener
    if listener is not None:
        listener(stage, best, bound, time.perf_counter() - _began)


@contextlib.contextmanager
def listen(listener: Listener) -> Iterator[None]:
    """Calls ``listener`` on every ``note`` inside the block; elapsed
    seconds count from the block's start."""
    global _listener, _began
    with _lock:
        _listener, _began = listener, time.perf_counter()
    try:
        yield
    finally:
        with _lock:
            _listener = None


def gap(best: float | None, bound: float | None) -> float | None:
    """Relative gap of a maximisation, or ``None`` when either is
    missing."""
    if best is None or bound is None or not math.isfinite(bound):
        return None
    return max(0.0, bound - best) / max(1.0, abs(best))
