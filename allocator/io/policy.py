"""Policies as TOML files, and the presets shipped with the engine."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import tomli_w
from pydantic import BaseModel, ValidationError

from models import MunicipalPolicy, Policy

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
    data = _with_municipal_files(data, path, text, label)
    try:
        return Policy.model_validate(_nones(Policy, data))
    except ValidationError as error:
        raise InputError(_locate(error, text, label)) from None


def _with_municipal_files(data, path: Path, text: str, label: str):
    """
    Reads the municipal policies given as files: ``[municipal]`` may map
    a municipality id to a TOML file (relative to this policy's folder)
    holding that municipality's own rules (``models.municipal``), instead
    of writing them inline. Problems in such a file name that file.
    """
    municipal = data.get("municipal")
    if not isinstance(municipal, dict):
        return data
    problems, loaded = [], {}
    for mid, value in municipal.items():
        if not isinstance(value, str):
            continue
        where = ("municipal", str(mid))
        file = path.parent / value
        if not file.is_file():
            problems.append(LocatedProblem(
                label, _line_of(text, where), ".".join(where),
                "missing-file",
                _("The policy of municipality {municipality} names "
                  "{value}, which is not a file beside {label}.",
                  municipality=mid, value=repr(value), label=label),
            ))
            continue
        try:
            own_text = file.read_bytes().decode("utf-8-sig")
            own = tomllib.loads(own_text)
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            found = re.search(r"at line (\d+)", str(error))
            problems.append(LocatedProblem(
                file.name, int(found.group(1)) if found else None, None,
                "syntax", _("TOML not understood: {error}.", error=error),
            ))
            continue
        try:
            MunicipalPolicy.model_validate(own)
        except ValidationError as error:
            problems.extend(_locate(error, own_text, file.name))
            continue
        loaded[mid] = own
    if problems:
        raise InputError(problems)
    return {**data, "municipal": {**municipal, **loaded}}


def municipal_problems(instance, policy: Policy,
                       label: str) -> list[LocatedProblem]:
    """Municipal policies (``[municipal]``) for municipalities the
    instance does not have, located in the policy ``label``."""
    ids = {m.id for m in instance.municipalities}
    return [
        LocatedProblem(
            label, None, f"municipal.{mid}", "unknown-id",
            _("The policy gives its own rules to municipality "
              "{municipality}, which the instance does not have ({n} "
              "municipalities).", municipality=mid, n=len(ids)),
        )
        for mid in sorted(set(policy.municipal) - ids)
    ]


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
    table, or else of the first table written inside it; ``None`` when
    none is written in the file.
    """
    table: tuple[str, ...] = ()
    best, best_depth = None, 0
    deeper = None
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
        elif deeper is None and len(full) > len(path) and (
            full[: len(path)] == path
        ):
            deeper = number  # a table inside it, such as a municipality's
    return best if best is not None else deeper


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
