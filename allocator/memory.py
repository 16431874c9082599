"""
Memory before work: an estimate of what compiling and solving an instance
will need, from its sizes, against what the machine has.

The compiler calls ``check`` once the households are grouped into classes
and before the class tables and pairs are built (the parts that grow with
the instance); an instance that would not fit is refused at once with
``NotEnoughMemory``, which the command line turns into exit 4 and one line
saying what to do. The coefficients are measured: ``benchmarks/memory.py``
records sizes, peak resident memory and this estimate in
``benchmarks/MEMORY.md``.
"""

from __future__ import annotations

import logging
import os
import re
import resource
from dataclasses import dataclass

ENV_LIMIT = "ALLOCATOR_MEMORY_LIMIT"
"""Bytes the allocator may use (suffixes K, M, G, T of 1024 allowed):
read instead of the machine's available memory, to run beside other work
or to test the refusal."""

BASE_BYTES = 200 * 2**20
"""The interpreter, libraries and engines loaded, and the dense chunks of
``DENSE_CELLS`` class-by-dwelling cells evaluated at a time."""
PER_HOUSEHOLD = 20_000
"""An instance's household as read (models with members), its arrays,
the proposal and its explanation."""
PER_DWELLING = 4_000
"""A dwelling as read, its arrays and its rows in the proposal."""
PER_CELL = 16
"""One eligible dwelling of one household class in the class tables
(dwelling index, class quality, room flag) and its pricing copy."""
PER_PAIR = 850
"""One eligible pair handed to an engine: its criterion scores, quality
and room, the model's column and the solver's working copies."""


class NotEnoughMemory(MemoryError):
    """An instance refused before the work starts: it would need more
    memory than the machine has. Its message is one line saying what to
    do."""


@dataclass(frozen=True)
class Estimate:
    """Sizes of an instance and the memory its compile and solve need."""

    households: int
    dwellings: int
    classes: int
    cells: int
    """Eligible (class, dwelling) cells of the class tables."""
    pairs: int
    """Eligible pairs handed to the engines (after pruning)."""

    @property
    def bytes(self) -> int:
        return (BASE_BYTES + PER_HOUSEHOLD * self.households
                + PER_DWELLING * self.dwellings + PER_CELL * self.cells
                + PER_PAIR * self.pairs)


def parse_bytes(text: str) -> int:
    """``"512M"`` -> 536870912; plain digits are bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*",
                         text, re.IGNORECASE)
    if match is None:
        from .i18n import _

        raise ValueError(_("{name}={text!r} is not a size such as 8G or "
                           "512M", name=ENV_LIMIT, text=text))
    power = " KMGT".index(match.group(2).upper() or " ")
    return int(float(match.group(1)) * 1024**power)


def available() -> int | None:
    """
    Bytes this process may still take: ``ALLOCATOR_MEMORY_LIMIT`` minus
    what it already holds when set, else the machine's available memory
    (``MemAvailable`` of ``/proc/meminfo``, else free pages); ``None``
    when unknown.
    """
    limit = os.environ.get(ENV_LIMIT)
    if limit:
        try:
            return parse_bytes(limit) - resident()
        except ValueError as exc:
            logging.getLogger(__name__).warning(
                "%s; the machine's available memory is used", exc)
    available_kib = proc_kib("/proc/meminfo", "MemAvailable")
    if available_kib is not None:
        return available_kib * 1024
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def proc_kib(path: str, key: str) -> int | None:
    """
    The figure of the ``key:`` line of a Linux /proc file, in KiB
    (``MemAvailable`` or ``MemTotal`` of ``/proc/meminfo``, ``VmRSS`` of
    ``/proc/<pid>/status``); ``None`` where the file or the line is
    missing or unreadable (another system, or the process gone).
    """
    prefix = f"{key}:"
    try:
        # errors="replace": a status file names the process, in any bytes.
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith(prefix):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def resident() -> int:
    """Bytes this process holds now (its peak so far where the current
    figure is unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB"


def check(estimate: Estimate) -> None:
    """
    Refuse an instance whose compile and solve would need more memory
    than there is.

    Raises
    ------
    NotEnoughMemory
        With one line: the sizes, the memory needed and available, and
        what to do.
    """
    free = available()
    if free is None:
        return
    need = estimate.bytes - resident()
    if need <= free:
        return
    from .i18n import _

    work = (" " + _("({pairs} eligible pairs to solve, {cells} "
                    "class-by-dwelling cells)", pairs=estimate.pairs,
                    cells=estimate.cells)
            if estimate.pairs or estimate.cells else " " + _("as read"))
    raise NotEnoughMemory(_(
        "too large for this machine's memory: {households} households and "
        "{dwellings} dwellings{work} need about {need} more, {free} "
        "available; split the instance by municipality, plan a shorter "
        "horizon or a smaller batch of households and dwellings, or run on "
        "a machine with more memory ({variable} sets the limit).",
        households=estimate.households, dwellings=estimate.dwellings,
        work=work, need=_gib(need), free=_gib(max(free, 0)),
        variable=ENV_LIMIT))
