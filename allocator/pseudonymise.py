"""
Pseudonymise an instance: stable pseudonyms for identifiers, a key apart.

Every identifier of the chosen kinds (by default households, dwellings,
buildings, network nodes and service sites: addresses and places identify
people as well as names do) is replaced by a keyed hash of itself,
``HMAC-SHA256(secret, kind + ":" + id)``, in base 32, truncated and
prefixed (``H-``, ``D-``, ...). The same secret gives the same pseudonyms
on every run, so a pseudonymised instance can be refreshed and its
proposals compared; without the secret the pseudonyms cannot be turned
back into identifiers, nor guessed from a list of likely ones.

Every reference is rewritten with its target (decisions, current dwelling
and school, wished-for place, edges, sites, travel times, buildings,
municipality centres), so the pseudonymised instance validates and solves
to the same objective. Rows are sorted by pseudonym, so the order of the
rows gives nothing away either. Columns outside the format that hold
direct identifiers (names, national identity numbers, phone numbers,
e-mail and postal addresses) are dropped before validation; decision
notes (free text) are cleared, site names blanked when sites are
pseudonymised, and network coordinates moved to centre on zero when nodes
are (distances, and so every travel time, unchanged).

The key file holds the secret and the mapping from each pseudonym back to
its original identifier. It is written apart from the data (never inside
the output), readable by its owner only (mode 0600).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from models import Instance

from .i18n import _
from .io import FormatReport, InputError, LocatedProblem, read_instance
from .io import write_instance
from .io._atomic import atomic_file
from .io.assemble import REFERENCES

PREFIXES = {
    "households": "H",
    "dwellings": "D",
    "buildings": "B",
    "nodes": "N",
    "sites": "S",
    "areas": "A",
    "municipalities": "K",
}
"""Kinds of identifier that can be pseudonymised, and their prefixes."""

DEFAULT_KINDS = ("households", "dwellings", "buildings", "nodes", "sites")
"""
Pseudonymised by default. Municipality and area ids stay readable: they
name places of thousands of people, and reports are read by them.
"""

PSEUDONYM_LENGTH = 10
"""Base-32 characters of the keyed hash (50 bits); longer on a clash."""

KEY_FORMAT = "allocator-pseudonym-key"
"""The ``format`` field of a key file."""

SECRET_BYTES = 32

_SORT_KEYS = {
    "edges": ("source", "target", "mode"),
    "travel_times": ("dwelling", "kind"),
    "decisions": ("household", "dwelling", "kind"),
    "area_nationalities": ("area", "nationality"),
}


def pseudonymise_instance(
    path: str | Path,
    out_path: str | Path,
    key_path: str | Path,
    kinds: Iterable[str] = DEFAULT_KINDS,
) -> str:
    """
    Write a pseudonymised copy of an instance, and the key apart from it.

    Parameters
    ----------
    path
        The instance, in any form (CSV folder, ``.xlsx``, ``.json``).
        Direct-identifier columns outside the format are dropped before
        validation instead of being reported.
    out_path
        The pseudonymised instance; its form follows its suffix as in
        ``write_instance`` (no suffix: a CSV folder). Written atomically.
        Must differ from ``path``.
    key_path
        The key file (JSON). When it exists its secret is reused, so the
        same identifiers get the same pseudonyms, and its mapping is
        extended; otherwise a new secret is made. Must not lie inside
        ``out_path``.
    kinds
        Which identifiers to pseudonymise: any of ``PREFIXES``. Default
        ``DEFAULT_KINDS``.

    Returns
    -------
    str
        A summary for the user: what was replaced, dropped and written.

    Raises
    ------
    InputError
        When the instance is not valid, the key file is not a key, or the
        paths would put the key or the output in the wrong place.
    """
    path, out_path, key_path = Path(path), Path(out_path), Path(key_path)
    kinds = tuple(dict.fromkeys(kinds))
    unknown = [k for k in kinds if k not in PREFIXES]
    if unknown:
        raise ValueError(
            _("cannot pseudonymise {kinds}; choose from {choices}.",
              kinds=", ".join(unknown), choices=", ".join(PREFIXES))
        )
    _check_paths(path, out_path, key_path)
    secret, old_mapping = _load_key(key_path)
    reused = secret is not None
    if secret is None:
        secret = secrets.token_bytes(SECRET_BYTES)
    report = FormatReport()
    instance = read_instance(path, report, drop_identifiers=True)
    mapping = {
        kind: pseudonyms(
            [row.id for row in getattr(instance, kind)], kind, secret
        )
        for kind in kinds
    }
    result, notes = pseudonymised(instance, mapping)
    _write_key(key_path, secret, old_mapping, mapping)
    write_instance(result, out_path)
    return _summary(
        instance, kinds, mapping, report, notes, out_path, key_path, reused
    )


def pseudonym(identifier: str, kind: str, secret: bytes,
              length: int = PSEUDONYM_LENGTH) -> str:
    """
    The pseudonym of one identifier: prefix, ``-``, keyed hash.

    Parameters
    ----------
    identifier
        The original identifier, e.g. ``"H-00017"``.
    kind
        Its table, e.g. ``"households"``: the same text in two tables gets
        unrelated pseudonyms.
    secret
        The key's secret.
    length
        Base-32 characters kept.
    """
    digest = hmac.new(
        secret, f"{kind}:{identifier}".encode(), hashlib.sha256
    ).digest()
    text = base64.b32encode(digest).decode().rstrip("=")
    return f"{PREFIXES[kind]}-{text[:length]}"


def pseudonyms(identifiers: list[str], kind: str, secret: bytes
               ) -> dict[str, str]:
    """
    Original -> pseudonym for every identifier of one kind, lengthened
    for the whole kind in the (astronomically rare) case two collide.

    Parameters
    ----------
    identifiers
        The distinct identifiers of the kind.
    kind
        Their table.
    secret
        The key's secret.
    """
    for length in range(PSEUDONYM_LENGTH, 53):
        mapping = {i: pseudonym(i, kind, secret, length) for i in identifiers}
        if len(set(mapping.values())) == len(mapping):
            return mapping
    raise AssertionError("SHA-256 collision")  # pragma: no cover


def pseudonymised(
    instance: Instance, mapping: dict[str, dict[str, str]]
) -> tuple[Instance, list[str]]:
    """
    The instance with identifiers replaced and every reference rewritten.

    Parameters
    ----------
    instance
        The original instance.
    mapping
        Kind -> original -> pseudonym, for the kinds to replace.

    Returns
    -------
    tuple
        The new instance (validated), and notes on what else was changed
        (cleared notes, blanked names, moved coordinates).
    """
    document = {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in instance.model_dump().items()
    }
    notes: list[str] = []
    for kind, table in mapping.items():
        for row in document[kind]:
            row["id"] = table[row["id"]]
    for (table, field), target in REFERENCES.items():
        if target not in mapping:
            continue
        for row in document[table]:
            if row.get(field) is not None:
                row[field] = mapping[target][row[field]]
    cleared = sum(bool(d["note"]) for d in document["decisions"])
    for decision in document["decisions"]:
        decision["note"] = ""
    if cleared:
        notes.append(_("cleared {n} decision note(s) (free text)",
                       n=cleared))
    if "sites" in mapping:
        named = sum(bool(s["name"]) for s in document["sites"])
        for site in document["sites"]:
            site["name"] = ""
        if named:
            notes.append(_("blanked {n} site name(s)", n=named))
    if "nodes" in mapping and document["nodes"]:
        notes.append(_recentre(document["nodes"]))
    for table in (*mapping, *_SORT_KEYS):
        keys = _SORT_KEYS.get(table, ("id",))
        document[table].sort(key=lambda row: tuple(
            str(row[k]) for k in keys
        ))
    return Instance.model_validate(document), notes


def _recentre(nodes: list[dict]) -> str:
    """Move coordinates so they centre on zero, keeping every distance."""
    dx = round(sum(n["x"] for n in nodes) / len(nodes))
    dy = round(sum(n["y"] for n in nodes) / len(nodes))
    for node in nodes:
        node["x"] = round(node["x"] - dx, 6)
        node["y"] = round(node["y"] - dy, 6)
    return _("moved network coordinates to centre on zero (distances "
             "kept)")


def _check_paths(path: Path, out_path: Path, key_path: Path) -> None:
    source, out, key = (p.resolve() for p in (path, out_path, key_path))
    problems = []
    if out == source:
        problems.append(LocatedProblem(
            out_path.name or str(out_path), None, None, "same-path",
            _("The output must differ from the input: the original is "
              "kept, and the pseudonymised copy written beside it."),
        ))
    if key == out or out in key.parents:
        problems.append(LocatedProblem(
            key_path.name, None, None, "key-inside-output",
            _("The key file must be kept apart from the pseudonymised "
              "data, not inside {out}: it turns pseudonyms back into "
              "identifiers.", out=out_path),
        ))
    if key == source or (key.exists() and key.is_dir()):
        problems.append(LocatedProblem(
            key_path.name, None, None, "not-a-key",
            _("{key} is not a key file.", key=key_path),
        ))
    if problems:
        raise InputError(problems)


def _load_key(key_path: Path) -> tuple[bytes | None, dict]:
    """The secret and mapping of an existing key file, or ``None``."""
    if not key_path.exists():
        return None, {}

    def fail(message: str):
        raise InputError([LocatedProblem(
            key_path.name, None, None, "not-a-key", message,
        )])

    try:
        document = json.loads(key_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(_("The key file could not be read ({kind}); give the key "
               "file written by an earlier run, or a new path.",
               kind=type(error).__name__))
    if not isinstance(document, dict) or document.get("format") != (
        KEY_FORMAT
    ):
        fail(_("Not a pseudonym key file (no \"format\": \"{format}\").",
               format=KEY_FORMAT))
    try:
        secret = bytes.fromhex(document["secret"])
    except (KeyError, TypeError, ValueError):
        fail(_("The key file has no valid secret."))
    if len(secret) < 16:
        fail(_("The key file's secret is too short."))
    mapping = document.get("mapping", {})
    if not isinstance(mapping, dict) or not all(
        isinstance(v, dict) for v in mapping.values()
    ):
        fail(_("The key file's mapping is not an object of objects."))
    return secret, mapping


def _write_key(key_path: Path, secret: bytes, old: dict,
               mapping: dict[str, dict[str, str]]) -> None:
    """Write the key file (mode 0600) with the mapping merged in."""
    merged = {kind: dict(rows) for kind, rows in old.items()}
    for kind, table in mapping.items():
        rows = merged.setdefault(kind, {})
        rows.update({new: original for original, new in table.items()})
        merged[kind] = dict(sorted(rows.items()))
    document = {
        "format": KEY_FORMAT,
        "version": 1,
        "warning": "This file turns pseudonyms back into identifiers. "
        "Keep it apart from the pseudonymised data, readable by as few "
        "people as possible.",
        "algorithm": "HMAC-SHA256(secret, kind ':' id), base 32, "
        "truncated, prefixed",
        "secret": secret.hex(),
        "updated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "mapping": merged,
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    with atomic_file(key_path) as temporary:
        temporary.write_text(text, encoding="utf-8")
        os.chmod(temporary, 0o600)
    os.chmod(key_path, 0o600)


def _summary(instance, kinds, mapping, report, notes, out_path, key_path,
             reused) -> str:
    counts = ", ".join(
        f"{len(mapping[kind])} {kind}" for kind in kinds
    )
    lines = [
        _("pseudonymised {name}: {counts}", name=repr(instance.name),
          counts=counts),
        _("kept readable: {tables}", tables=", ".join(
            k for k in ("municipalities", "areas") if k not in kinds
        ) or _("nothing")),
    ]
    if report.dropped:
        lines.append(_("dropped identifier columns: {columns}",
                       columns=", ".join(f"{file}:{column}"
                                         for file, column in report.dropped)))
    lines.extend(notes)
    lines.append(_("wrote {path}", path=out_path))
    lines.append(
        _("key reused and updated: {path} (mode 0600; keep it apart from "
          "the data)", path=key_path) if reused else
        _("key created: {path} (mode 0600; keep it apart from the data)",
          path=key_path)
    )
    return "\n".join(lines)
