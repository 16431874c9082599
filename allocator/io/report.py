"""The logic of the ``validate`` and ``schema`` commands."""

from __future__ import annotations

from collections.abc import Iterable

from models import Instance, Policy, Proposal

from .problems import LocatedProblem


def format_problems(problems: Iterable[LocatedProblem]) -> str:
    """
    Every problem on a line of its own, ``file:row:column: message [rule]``,
    sorted by file, then row.

    Parameters
    ----------
    problems
        The problems, for instance ``InputError.problems``.
    """
    ordered = sorted(problems, key=LocatedProblem.sort_key)
    return "\n".join(str(problem) for problem in ordered)


def json_schemas() -> dict[str, dict]:
    """
    The JSON Schemas of the three documents users write or read.

    Returns
    -------
    dict
        ``"instance"``, ``"policy"`` and ``"proposal"`` -> JSON Schema.
    """
    return {
        "instance": Instance.model_json_schema(),
        "policy": Policy.model_json_schema(),
        "proposal": Proposal.model_json_schema(),
    }
