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

if _os.path.basename(_sys.argv[0] if _sys.argv else "") in ("allocator",
                                                           "-m"):
    # Started as the command: Ctrl-C while the modules load (a second
    # or two) ends quietly with 130 instead of a traceback from inside an
    # import; ``cli.main`` puts Python's own handler back once loaded.
    def _interrupted_while_loading(signum, frame):
        _os.write(2, b"interrupted: nothing written.\n")
        _os._exit(130)

    _signal.signal(_signal.SIGINT, _interrupted_while_loading)


from .check import check_proposal
from .compile import compile_instance
from .engines import ENGINES, solve
from .explain import build_proposal
from .generate import generate
from .io import (
    InputError,
    read_instance,
    read_policy,
    read_proposal,
    write_instance,
    write_proposal,
)
from .pipeline import Outcome, propose
from .placement import PlacementOutcome, place
from .story import household_story

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
