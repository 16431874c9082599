"""Policies as TOML files, and the presets shipped with the engine."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import tomli_w
from pydantic import BaseModel, ValidationError

from models import Policy

from ..i18n import _
from ._atomic import write_text_atomic
from .layout import strip_optional
from .problems import InputError, LocatedProblem, message_of, rule_of

PRESETS_DIR = Path(__file__).resolve().parent.parent / "policies"
"""Folder of the policy presets, one TOML file per preset."""

NONE_TEXT = "none"
"""TOML has no null: this string stands for ``None`` (a rule switched off)."""


def policy_presets() -> dict[str, Path]:
    """
    The policy presets shipped with the engine.

    Returns
    -------
    dict
        Preset name (file stem, e.g. ``"strict-dispersion"``) -> path.
    """
    return {path.stem: path for path in sorted(PRESETS_DIR.glob("*.toml"))}


def read_policy(path_or_name: str | Path) -> Policy:
    """
    Read a policy from a TOML file or by preset name.

    Fields left out take their documented defaults. ``"none"`` switches off
    a rule whose value may be ``None`` (e.g. ``building_cap = "none"``).

    Parameters
    ----------
    path_or_name
        A TOML file, or the name of a preset such as ``"default"``.

    Raises
    ------
    InputError
        When the file is missing or not TOML, or a field is unknown or
        invalid; each problem names the file, line and field path.
    """
    path = _resolve(path_or_name)
    label = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([LocatedProblem(
            label, None, None, "encoding", _("File is not UTF-8 text."),
        )]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"at line (\d+)", str(error))
        raise InputError([LocatedProblem(
            label, int(found.group(1)) if found else None, None, "syntax",
            _("TOML not understood: {error}.", error=error),
        )]) from None
    try:
        return Policy.model_validate(_nones(Policy, data))
    except ValidationError as error:
        raise InputError(_locate(error, text, label)) from None


def _resolve(path_or_name: str | Path) -> Path:
    path = Path(path_or_name)
    if path.is_file():
        return path
    presets = policy_presets()
    if str(path_or_name) in presets:
        return presets[str(path_or_name)]
    raise InputError([LocatedProblem(
        path.name or str(path_or_name), None, None, "missing-file",
        _("Policy {name!r} is neither a file nor a preset; presets: "
          "{presets}.", name=str(path_or_name), presets=", ".join(presets)),
    )])


def _nones(model: type[BaseModel], data):
    """Replace ``"none"`` by ``None`` where the model allows ``None``."""
    if not isinstance(data, dict):
        return data
    result = {}
    for key, value in data.items():
        info = model.model_fields.get(key)
        if info is None:
            result[key] = value
            continue
        inner, optional = strip_optional(info.annotation)
        if optional and isinstance(value, str) and value.lower() == NONE_TEXT:
            value = None
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            value = _nones(inner, value)
        result[key] = value
    return result


def _locate(error: ValidationError, text: str, label: str):
    for entry in error.errors():
        path = tuple(str(p) for p in entry["loc"])
        yield LocatedProblem(
            label,
            _line_of(text, path),
            ".".join(path) or None,
            rule_of(entry["type"]),
            message_of(entry),
        )


_TABLE_HEADER = re.compile(r"^\[\s*([^\]]+?)\s*\]")


def _line_of(text: str, path: tuple[str, ...]) -> int | None:
    """
    The line of the TOML key at ``path``, or of its nearest enclosing
    table; ``None`` when neither is written in the file.
    """
    table: tuple[str, ...] = ()
    best, best_depth = None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = _TABLE_HEADER.match(stripped)
        if header:
            table = _key_parts(header.group(1))
            full = table
        elif "=" in stripped and not stripped.startswith("#"):
            full = table + _key_parts(stripped.split("=", 1)[0])
        else:
            continue
        if path[: len(full)] == full and len(full) > best_depth:
            best, best_depth = number, len(full)
    return best


def _key_parts(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in key.split("."))


def write_policy(policy: Policy, path: str | Path) -> None:
    """
    Write a policy as TOML, atomically; ``read_policy`` reads it back equal.

    Parameters
    ----------
    policy
        The policy.
    path
        The TOML file.
    """
    data = _without_nones(policy.model_dump(mode="json"))
    text = (
        f"# Policy {policy.name!r}, written by allocator.io.write_policy.\n"
        + tomli_w.dumps(data)
    )
    write_text_atomic(Path(path), text)


def _without_nones(data):
    if isinstance(data, dict):
        return {k: _without_nones(v) for k, v in data.items()}
    return NONE_TEXT if data is None else data
