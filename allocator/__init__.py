"""
The housing allocator: propose, check and explain allocations of
settlement-ready refugee households to dwellings.

The Python API mirrors the command line::

    from allocator import read_instance, read_policy, propose
    outcome = propose(read_instance("town/"), read_policy("default"))
    outcome.proposal       # models.Proposal
    outcome.check.ok       # the independent checker's verdict
"""

import os as _os
import signal as _signal
import sys as _sys

from ._lazy import lazy_names

if _os.path.basename(_sys.argv[0] if _sys.argv else "") in ("allocator",
                                                           "-m"):
    # Started as the command: Ctrl-C while the modules load (a second
    # or two) ends quietly with 130 instead of a traceback from inside an
    # import; ``cli.main`` puts Python's own handler back once loaded.
    def _interrupted_while_loading(signum, frame):
        _os.write(2, b"interrupted: nothing written.\n")
        _os._exit(130)

    _signal.signal(_signal.SIGINT, _interrupted_while_loading)


def _runs_the_command_line() -> bool:
    """Whether this process is the ``allocator`` command (its script, or
    ``python -m allocator.cli``), not another module of the package run
    with ``-m``."""
    if _os.path.basename(_sys.argv[0] if _sys.argv else "") == "allocator":
        return True
    given = getattr(_sys, "orig_argv", [])
    return any(flag == "-m" and module == "allocator.cli"
               for flag, module in zip(given, given[1:]))


if _runs_the_command_line():
    from . import collector as _collector

    # Off until the command begins (``cli.main``): what loads before it
    # lives as long as the process.
    _collector.pause_start()

# Where each name of the API lives. They are imported on first use, so a
# command pays only for what it runs (``allocator --help`` needs none of
# NumPy, NetworkX or the engines).
_API = {
    "ENGINES": ".engines",
    "InputError": ".io",
    "Outcome": ".pipeline",
    "PlacementOutcome": ".placement",
    "build_proposal": ".explain",
    "check_proposal": ".check",
    "compile_instance": ".compile",
    "generate": ".generate",
    "household_story": ".story",
    "place": ".placement",
    "propose": ".pipeline",
    "read_instance": ".io",
    "read_policy": ".io",
    "read_proposal": ".io",
    "solve": ".engines",
    "write_instance": ".io",
    "write_proposal": ".io",
}


__getattr__, __dir__ = lazy_names(__name__, _API, globals())


__all__ = [
    "ENGINES",
    "InputError",
    "Outcome",
    "PlacementOutcome",
    "build_proposal",
    "check_proposal",
    "compile_instance",
    "generate",
    "household_story",
    "place",
    "propose",
    "read_instance",
    "read_policy",
    "read_proposal",
    "solve",
    "write_instance",
    "write_proposal",
]
