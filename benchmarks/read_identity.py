"""
Fingerprints what ``read_instance`` gives for each instance path: a
digest of the whole instance (every model object's values with their
types, the fields set, extra fields and private attributes) or of the
problems of the ``InputError`` (file, row, column, rule, message), and
the detected format, so that two revisions can be compared on valid
and broken inputs alike. Run one revision through ``PYTHONPATH`` (a
``git archive`` of it) and the other as installed, then compare::

    PYTHONPATH=/tmp/base python benchmarks/read_identity.py \\
        /tmp/base.json NAT CITY instances/samples/* BROKEN/*
    python benchmarks/read_identity.py /tmp/new.json NAT CITY \\
        instances/samples/* BROKEN/*
    diff /tmp/base.json /tmp/new.json   # nothing
"""

from __future__ import annotations

import argparse
import hashlib
import json
from enum import Enum
from pathlib import Path

from pydantic import BaseModel


def state(value) -> object:
    """Everything ``value`` holds, nested objects included, with the
    type of each part."""
    if isinstance(value, BaseModel):
        held = value.__getstate__()
        return ("model", type(value).__qualname__,
                [(k, state(v)) for k, v in held["__dict__"].items()],
                sorted(held["__pydantic_fields_set__"]),
                repr(held["__pydantic_extra__"]),
                repr(held["__pydantic_private__"]))
    if isinstance(value, Enum):
        return ("enum", type(value).__qualname__, value.value)
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, [state(v) for v in value])
    if isinstance(value, (frozenset, set)):
        return (type(value).__name__,
                sorted(repr(state(v)) for v in value))
    if isinstance(value, dict):
        return ("dict", [(state(k), state(v)) for k, v in value.items()])
    return (type(value).__name__, repr(value))


def fingerprint(path: Path) -> list[str]:
    """The digest of what reading ``path`` gives, and its detected
    format."""
    from allocator.io import FormatReport, InputError, read_instance

    report = FormatReport()
    try:
        read = repr(state(read_instance(path, report)))
        outcome = "instance"
    except InputError as error:
        read = repr([(p.file, p.row, p.column, p.rule, p.message)
                     for p in error.problems])
        outcome = f"{len(error.problems)} problems"
    digest = hashlib.sha256(read.encode()).hexdigest()
    return [f"{outcome} {digest}", report.describe()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("instances", type=Path, nargs="+")
    args = parser.parse_args(argv)
    found = {str(path): fingerprint(path) for path in args.instances}
    args.out.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
