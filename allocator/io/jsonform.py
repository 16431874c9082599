"""The JSON instance form: one document, the model's own serialisation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from models import TABLES, Instance, Member

from ..i18n import _
from ._atomic import write_text_atomic
from .assemble import Parsed, Record, build_instance
from .detect import FileFormat, FormatReport, is_direct_identifier
from .layout import HEADER, MEMBERS, OPTIONAL_TABLES, row_model
from .problems import InputError, LocatedProblem, message_of, rule_of


def json_path(parts) -> str:
    """
    A JSON path such as ``households[3].members[1].age``.

    Parameters
    ----------
    parts
        Keys and 0-based indices from the document root.
    """
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class JsonLocator:
    """
    Locates problems in a JSON instance: row is the 1-based index in the
    table's array, column the JSON path of the field.
    """

    label: str

    def at(self, table, number, path):
        if table == HEADER or number is None:
            prefix = () if table == HEADER else (table,)
            return self.label, None, json_path(prefix + tuple(path)) or None
        return self.label, number, json_path((table, number - 1, *path))

    def describe(self, table, number):
        return json_path((table, number - 1))


def read_json(
    path: Path,
    report: FormatReport | None = None,
    drop_identifiers: bool = False,
) -> Instance:
    """
    Read an instance from a JSON file.

    Parameters
    ----------
    path
        The JSON file, as written by ``write_json``.
    report
        Filled with the encoding found, when given.
    drop_identifiers
        Drop fields outside the format that hold direct identifiers (see
        ``allocator.io.detect.is_direct_identifier``) from every row and
        member instead of reporting them; only ``pseudonymise`` asks.

    Raises
    ------
    InputError
        Listing every problem found.
    """
    report = FormatReport.reading(report, "JSON")
    label = path.name
    document = load_json(path, report.file(label))
    locator = JsonLocator(label)
    problems: list[LocatedProblem] = []
    if not isinstance(document, dict):
        raise InputError([LocatedProblem(
            label, None, None, "wrong-type",
            _("The document must be a JSON object with the instance's "
              "fields."),
        )])
    header_fields = set(row_model(HEADER).model_fields)
    if drop_identifiers:
        _drop_identifiers(document, label, header_fields, report.dropped)
    for key in document:
        if key not in header_fields and key not in TABLES:
            problems.append(LocatedProblem(
                label, None, key, "unknown-field",
                _("Unknown field: not part of the format."),
            ))
    header = Record(
        0, {k: v for k, v in document.items() if k in header_fields}
    )
    tables: dict[str, list[Record]] = {}
    unreadable: set[str] = set()
    for table in TABLES:
        records = _table_records(document, table, label, problems)
        if records is None:
            unreadable.add(table)
            records = []
        tables[table] = records
    parsed = Parsed(header, tables, unreadable, problems, locator)
    return build_instance(parsed)


def _drop_identifiers(document: dict, label, header_fields, dropped) -> None:
    """Remove direct-identifier fields outside the format, noting each."""

    def drop(row: dict, known, where: str) -> None:
        for key in [k for k in row if isinstance(k, str)]:
            if key not in known and is_direct_identifier(key):
                del row[key]
                dropped.append((label, f"{where}.{key}" if where else key))

    drop(document, header_fields | set(TABLES), "")
    for table in TABLES:
        rows = document.get(table)
        if not isinstance(rows, list):
            continue
        known = set(row_model(table).model_fields)
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                continue
            drop(row, known, json_path((table, index)))
            members = row.get(MEMBERS) if table == "households" else None
            if isinstance(members, list):
                for k, member in enumerate(members):
                    if isinstance(member, dict):
                        drop(member, set(Member.model_fields),
                             json_path((table, index, MEMBERS, k)))


def _table_records(document, table, label, problems) -> list[Record] | None:
    rows = document.get(table, [])
    if not isinstance(rows, list):
        problems.append(LocatedProblem(
            label, None, table, "wrong-type",
            _("{table} must be an array of objects.", table=table),
        ))
        return None
    records = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            problems.append(LocatedProblem(
                label, index + 1, json_path((table, index)), "wrong-type",
                _("Each row must be a JSON object."),
            ))
            continue
        records.append(Record(index + 1, row))
    return records


def read_model(path: str | Path, model, missing: str,
               name_in_folder: str | None = None):
    """
    A JSON document the project wrote (a proposal, a placement), read and
    validated as ``model``.

    Parameters
    ----------
    path
        The file, or the folder that holds it as ``name_in_folder`` (the
        writers write a folder, and users name either).
    model
        The pydantic model the document must validate as.
    missing
        The message when the file is not there.
    name_in_folder
        The file's name in a folder that ``path`` names.

    Raises
    ------
    InputError
        ``missing`` when the file is not there; else every problem of the
        JSON or of the model, located by its index and field path.
    """
    path = Path(path)
    if name_in_folder is not None and path.is_dir():
        path = path / name_in_folder
    if not path.is_file():
        raise InputError([LocatedProblem(
            path.name, None, None, "missing-file", missing,
        )])
    document = load_json(path)
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise InputError(
            LocatedProblem(
                path.name,
                e["loc"][1] + 1
                if len(e["loc"]) > 1 and isinstance(e["loc"][1], int)
                else None,
                json_path(e["loc"]) or None,
                rule_of(e["type"]),
                message_of(e),
            )
            for e in error.errors()
        ) from None


def load_json(path: Path, detected: FileFormat | None = None):
    """
    Parse a JSON file, turning any failure into a located ``InputError``.

    Parameters
    ----------
    path
        The file.
    detected
        Receives the encoding found, when given.
    """
    label = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError([LocatedProblem(
            label, None, None, "unreadable",
            _("File could not be read ({error}).",
              error=error.strerror or error),
        )]) from None
    if detected is not None:
        bom = data.startswith(b"\xef\xbb\xbf")
        detected.encoding = "utf-8 with BOM" if bom else "utf-8"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError([LocatedProblem(
            label, None, None, "encoding",
            _("File is not UTF-8 text (line {line}, byte {byte}).",
              line=line, byte=format(data[error.start], "#04x")),
        )]) from None
    duplicated: list[str] = []
    try:
        document = json.loads(
            text, object_pairs_hook=lambda pairs: _object(pairs, duplicated))
    except json.JSONDecodeError as error:
        raise InputError([LocatedProblem(
            label, None, None, "syntax",
            _("JSON not understood at line {line}, column {column}: "
              "{error}.", line=error.lineno, column=error.colno,
              error=error.msg),
        )]) from None
    except RecursionError:
        raise InputError([LocatedProblem(
            label, None, None, "syntax", _("JSON nested too deeply."),
        )]) from None
    except ValueError as error:
        # Python refuses integers of more than 4300 digits.
        raise InputError([LocatedProblem(
            label, None, None, "syntax",
            _("JSON not understood: {error}.", error=error),
        )]) from None
    if duplicated:
        # json keeps the last of two equal keys without a word; one of
        # them was written by mistake, and which is not ours to guess.
        raise InputError([
            LocatedProblem(label, None, key, "duplicate-key",
                           _("Key {key} appears twice in one object; "
                             "keep one.", key=repr(key)))
            for key in sorted(set(duplicated))[:50]
        ])
    return document


def _object(pairs: list[tuple[str, object]], duplicated: list[str]) -> dict:
    """A JSON object, noting keys that appear more than once."""
    document = dict(pairs)
    if len(document) < len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                duplicated.append(key[:64])
            seen.add(key)
    return document


def write_json(instance: Instance, path: Path) -> None:
    """
    Write an instance as JSON (the model's own serialisation), atomically.

    Set-valued fields are written sorted: pydantic writes a frozenset in
    hash order, which changes between runs, and the same instance should
    give the same bytes (for diffs and for hashes in provenance).

    Parameters
    ----------
    instance
        The instance.
    path
        The JSON file.
    """
    document = instance.model_dump(mode="json")
    for table in TABLES:
        for row, model_row in zip(
            document[table], getattr(instance, table), strict=True
        ):
            for name, value in row.items():
                if isinstance(getattr(model_row, name), frozenset):
                    row[name] = sorted(value)
    for table in OPTIONAL_TABLES:
        if not document[table]:
            del document[table]  # written only when they hold rows
    text = json.dumps(document, indent=2, ensure_ascii=False)
    write_text_atomic(path, text + "\n")
