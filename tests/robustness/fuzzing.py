"""
Mutations of the town sample for the fuzz tests, and the harness that
runs them through the readers and counts crashes.

A crash is any exception other than ``InputError`` while reading and
validating, or an ``InputError`` with a problem that names no file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from allocator.io import (
    FormatReport,
    InputError,
    format_problems,
    read_instance,
    summary_rows,
    write_instance,
)
from allocator.io.layout import ALL_TABLES

ROOT = Path(__file__).resolve().parents[2]
TOWN = ROOT / "instances" / "samples" / "town"

DIR = "<dir>"
"""A file replaced by a folder of the same name."""

NAMES = tuple(f"{t}.csv" for t in ALL_TABLES)

TOWN_FILES: dict[str, bytes] = {
    p.name: p.read_bytes() for p in sorted(TOWN.iterdir())
}
TOWN_ROWS: dict[str, list[list[str]]] = {
    name: list(csv.reader(io.StringIO(data.decode("utf-8"))))
    for name, data in TOWN_FILES.items()
}
COLUMNS = sorted({c for rows in TOWN_ROWS.values() for c in rows[0]})
IDS = sorted({
    row[0] for rows in TOWN_ROWS.values() for row in rows[1:12] if row
})

NASTY = (
    "", " ", "abc", "-1", "-999999", "0", "1e309", "-1e309", "nan", "inf",
    "-inf", "9" * 30, "9" * 5000, "1.5", "1,5", "1 000", "12.500,50",
    "−5", "true", "ja", "JA", "nei", "sann", "maybe", "none", "None",
    "null", "NULL", "2025-02-30", "31.02.2025", "1.1.2026", "0000-00-00",
    "99999-01-01", "9999-12-31", "0001-01-01", "46010", "86400", "1.1.1",
    "waterfront|lava", "waterfront|", "|", "||", "none|waterfront",
    "=1+1", '"', '""', "'", "a;b", "a,b", "a\nb", "\r", "\x00", "ø",
    "Ø" * 200, "😀", "\u202e", "\ufeff", "\u00a0", "head", "partner",
    "child", "F", "M", "X", "Q", "lock", "ban", "municipal", "school",
    "walk", "transit", "-0", "+5", "0x10", "1_000", "  5  ", "x" * 101,
    "x" * 5000, "-3", "61", "120", "121", "1000", "1001", "200001",
    "10000", "-10001", "K-9999", "A-999", "H-99999", "../../etc/passwd",
    "{}", "[]", "SY", "sy", "SYR", "S1", "1e3", "1E-3", "0.0000001",
)
"""Cell texts of every kind that breaks something somewhere."""

JSON_POOL = (
    None, True, False, 0, -1, 1, 2**63, -(2**63), 10**30, 1.5, -0.0,
    1e308, [], {}, [1, "a"], {"a": 1}, [[[]]], {"id": "H-00001"},
    [{"age": 30, "sex": "F", "relation": "head"}],
    [{"age": "x"}], {"households": 5}, ["waterfront", "lava"],
    ["waterfront", "waterfront"], {"": None}, [None], "H-00001",
    "D-00001", "K-3405", "A-001", "N-00001", "S-0001", "B-00001",
)
"""JSON values of every type, for fields of every type."""

JSON_VALUES = st.one_of(
    st.sampled_from(JSON_POOL),
    st.sampled_from(NASTY),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)

CELL_TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(IDS),
    st.text(max_size=15),
    st.integers(-(10**25), 10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@dataclass
class Tally:
    """Inputs run and crashes found by one fuzz test."""

    inputs: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)

    def run(self, path: Path, description) -> None:
        """
        Read ``path`` as ``read_instance`` does (every fifth input as
        ``pseudonymise`` does, dropping identifier columns); record what
        happened.
        """
        self.inputs += 1
        outcome = attempt(path, drop_identifiers=self.inputs % 5 == 0)
        if outcome.startswith("crash"):
            if len(self.crashes) < 5:
                self.crashes.append(f"{description!r}\n{outcome}")
            else:
                self.crashes.append("...")
            outcome = "crash"
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def attempt(path: Path, drop_identifiers: bool = False) -> str:
    """
    ``"valid"`` or ``"invalid"`` (an ``InputError`` whose every problem
    names its file), or ``"crash: ..."`` with the traceback.
    """
    report = FormatReport()
    try:
        instance = read_instance(
            path, report, drop_identifiers=drop_identifiers
        )
        summary_rows(instance, report)
        return "valid"
    except InputError as error:
        try:
            problems = error.problems
            assert problems, "InputError without problems"
            for p in problems:
                assert isinstance(p.file, str) and p.file, p
                assert p.row is None or (
                    isinstance(p.row, int) and p.row >= 0
                ), p
                assert p.column is None or isinstance(p.column, str), p
                assert p.message and p.rule, p
            format_problems(problems)
            str(error)
            report.describe()
        except Exception:  # noqa: BLE001 - counted, not raised
            return "crash: " + traceback.format_exc(limit=6)
        return "invalid"
    except Exception:  # noqa: BLE001 - counted, not raised
        return "crash: " + traceback.format_exc(limit=8)


def _scratch() -> str | None:
    """A memory-backed folder for scratch files where there is one."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class Workspace:
    """
    A scratch folder (in memory where possible) whose files are rewritten
    only where they change; removed when the test ends.
    """

    def __init__(self, files: dict[str, bytes]):
        self.root = Path(tempfile.mkdtemp(prefix="fuzz-", dir=_scratch()))
        self.folder = self.root / "instance"
        self.folder.mkdir()
        self.current: dict[str, bytes | str] = {}
        self.set(files)

    def set(self, files: dict[str, bytes | str]) -> Path:
        for name in set(self.current) | set(files):
            new, old = files.get(name), self.current.get(name)
            if new is old or (new == old and new is not None):
                continue
            path = self.folder / name
            if old == DIR:
                shutil.rmtree(path)
            elif old is not None:
                path.unlink()
            if new == DIR:
                path.mkdir()
            elif new is not None:
                path.write_bytes(new)
        self.current = dict(files)
        return self.folder

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def file(self, name: str, data: bytes) -> Path:
        path = self.root / name
        path.write_bytes(data)
        return path


# ---------------------------------------------------------------- CSV


def _rows(files: dict, name: str) -> list[list[str]]:
    data = files.get(name)
    if data is None or data == DIR:
        return []
    if data is TOWN_FILES.get(name):
        return [list(r) for r in TOWN_ROWS[name]]
    text = data.decode("utf-8", errors="replace")
    try:
        return list(csv.reader(io.StringIO(text.replace("\x00", ""))))
    except csv.Error:
        return []


def _csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(
        rows
    )
    return buffer.getvalue().encode("utf-8", errors="surrogatepass")


def _pick(items, k: int):
    return items[k % len(items)]


# Strategies are built once: building them inside a composite on every
# draw costs more than reading the instance.
_CSV_KINDS = st.sampled_from((
    "cell", "cell", "cell", "cell", "flip", "truncate", "drop_column",
    "dup_column", "rename_column", "drop_row", "dup_row", "swap_rows",
    "delete", "swap_files", "empty", "random_bytes", "dir", "extra",
    "semicolons", "cp1252", "utf16", "insert_line", "header_only",
    "ragged",
))
_NAME = st.sampled_from(NAMES)
_K = st.integers(0, 10**6)
_COLUMN = st.integers(0, 40)
_FLIPS = st.lists(
    st.tuples(st.integers(0, 10**6), st.integers(1, 255)),
    min_size=1, max_size=4,
)
_HEADER_TEXT = st.one_of(
    st.sampled_from(COLUMNS), st.sampled_from(NASTY), st.text(max_size=10),
    st.sampled_from(("navn", "Name", "ID", " id ", "fnr")),
)
_BYTES = st.binary(max_size=300)


@st.composite
def csv_operation(draw):
    """One mutation of a CSV folder, as a tuple naming it and its data."""
    kind = draw(_CSV_KINDS)
    name = draw(_NAME)
    k = draw(_K)
    if kind == "cell":
        return (kind, name, k, draw(_COLUMN), draw(CELL_TEXT))
    if kind == "flip":
        return (kind, name, k, draw(_FLIPS))
    if kind in ("rename_column", "insert_line"):
        return (kind, name, k, draw(_HEADER_TEXT))
    if kind == "swap_files":
        return (kind, name, draw(_NAME))
    if kind == "random_bytes":
        return (kind, name, draw(_BYTES))
    return (kind, name, k)


def apply_csv(files: dict, operation) -> dict:
    """The folder's files after one mutation."""
    files = dict(files)
    kind, name = operation[0], operation[1]
    data = files.get(name)
    if kind == "delete":
        files.pop(name, None)
    elif kind == "swap_files":
        other = operation[2]
        files[name], files[other] = files.get(other), files.get(name)
        files = {k: v for k, v in files.items() if v is not None}
    elif kind == "empty":
        files[name] = b""
    elif kind == "random_bytes":
        files[name] = operation[2]
    elif kind == "dir":
        files[name] = DIR
    elif kind == "extra":
        files[f"extra{operation[2] % 3}.csv"] = b"a,b\n1,2\n"
    elif data is None or data == DIR:
        return files
    elif kind == "flip":
        mutable = bytearray(data)
        for position, mask in operation[3]:
            if mutable:
                mutable[position % len(mutable)] ^= mask
        files[name] = bytes(mutable)
    elif kind == "truncate":
        files[name] = data[: operation[2] % (len(data) + 1)]
    elif kind == "cp1252":
        text = data.decode("utf-8", errors="replace")
        files[name] = text.encode("cp1252", errors="replace")
    elif kind == "utf16":
        files[name] = data.decode("utf-8", errors="replace").encode(
            "utf-16"
        )
    else:
        files[name] = _row_operation(_rows(files, name), operation)
    return files


def _row_operation(rows: list[list[str]], operation) -> bytes:
    kind, _, k = operation[:3]
    if not rows:
        return b""
    header = rows[0]
    width = max(len(header), 1)
    if kind == "cell":
        row = _pick(rows, k)
        column = operation[3] % width
        while len(row) <= column:
            row.append("")
        row[column] = operation[4]
    elif kind == "drop_column":
        column = k % width
        rows = [r[:column] + r[column + 1:] for r in rows]
    elif kind == "dup_column":
        column = k % width
        rows = [r + [r[column] if column < len(r) else ""] for r in rows]
    elif kind == "rename_column":
        if header:
            header[k % len(header)] = operation[3]
    elif kind == "drop_row":
        del rows[k % len(rows)]
    elif kind == "dup_row":
        rows.insert(k % len(rows), list(_pick(rows, k // 7)))
    elif kind == "swap_rows":
        i, j = k % len(rows), (k // 13) % len(rows)
        rows[i], rows[j] = rows[j], rows[i]
    elif kind == "insert_line":
        rows.insert(k % (len(rows) + 1), [operation[3]])
    elif kind == "header_only":
        rows = rows[:1]
    elif kind == "ragged":
        row = _pick(rows, k)
        del row[(k // 3) % (len(row) + 1):]
    elif kind == "semicolons":
        rows = [[c.replace(".", ",") for c in r] for r in rows]
        return _csv(rows, ";")
    return _csv(rows)


# ---------------------------------------------------------------- JSON


def town_json() -> dict:
    """The town sample as a JSON document."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-json-"))
    try:
        write_instance(read_instance(TOWN), folder / "town.json")
        return json.loads((folder / "town.json").read_text())
    finally:
        shutil.rmtree(folder)



def json_operation():
    """One mutation of the JSON document."""
    return st.tuples(
        st.sampled_from((
            "set", "set", "set", "set", "delete", "dup_row", "drop_row",
            "not_list", "not_dict", "member", "extra_key",
        )),
        st.sampled_from((
            "households", "dwellings", "areas", "municipalities", "edges",
            "nodes", "sites", "buildings", "decisions", "travel_times",
            "area_nationalities", "name", "as_of",
        )),
        _K,
        JSON_VALUES,
    )


def apply_json(document: dict, operation) -> None:
    """
    Mutate the document in place, copying on write: the town's own lists
    and objects are shared between examples and never changed.
    """
    kind, table, k, value = operation
    rows = document.get(table)
    if kind == "not_list" or not isinstance(rows, list):
        document[table] = value
        return
    rows = document[table] = list(rows)
    if kind == "dup_row" and rows:
        rows.insert(k % (len(rows) + 1), _pick(rows, k // 5))
        return
    if kind == "drop_row" and rows:
        del rows[k % len(rows)]
        return
    if kind == "not_dict" and rows:
        rows[k % len(rows)] = value
        return
    if not rows or not isinstance(_pick(rows, k), dict):
        return
    index = k % len(rows)
    row = rows[index] = dict(rows[index])
    if kind == "member" and isinstance(row.get("members"), list):
        members = row["members"] = list(row["members"])
        if members and isinstance(members[0], dict):
            at = (k // 3) % len(members)
            if isinstance(members[at], dict) and members[at]:
                target = members[at] = dict(members[at])
                target[_pick(sorted(target), k // 11)] = value
        else:
            row["members"] = value
        return
    if kind == "extra_key":
        row[str(value)[:20]] = value
        return
    keys = sorted(row)
    if not keys:
        return
    key = _pick(keys, k // 17)
    if kind == "delete":
        del row[key]
    else:
        row[key] = value


def json_text_operation():
    """A last mutation of the JSON text: none, or bytes and encodings."""
    return (st.one_of(
        st.just(("none",)),
        st.tuples(st.just("truncate"), st.integers(0, 10**7)),
        st.tuples(st.just("flip"), st.integers(0, 10**7),
                  st.integers(1, 255)),
        st.tuples(st.just("bom"), st.just(0)),
        st.tuples(st.just("utf16"), st.just(0)),
        st.tuples(st.just("random"), st.binary(max_size=200)),
        st.tuples(st.just("huge_number"), st.integers(0, 10**7)),
        st.tuples(st.just("deep"), st.integers(0, 10**7),
                  st.integers(1, 5000)),
    ))


_DUMPED: dict[int, tuple[object, bytes]] = {}


def _dumps(document: dict) -> bytes:
    """
    The document's JSON text; the town's own tables, unchanged by copy on
    write, are serialised once.
    """
    parts = []
    for key, value in document.items():
        cached = _DUMPED.get(id(value))
        if cached is None or cached[0] is not value:
            text = _encode(value)
            if isinstance(value, list) and len(value) > 3:
                _DUMPED[id(value)] = (value, text)
        else:
            text = cached[1]
        parts.append(_encode(key) + b": " + text)
    return b"{" + b", ".join(parts) + b"}"


def _encode(value) -> bytes:
    try:
        return json.dumps(value, ensure_ascii=False).encode(
            "utf-8", errors="surrogatepass"
        )
    except (ValueError, RecursionError):
        return b"null"


def json_bytes(document, text_operation) -> bytes:
    """The JSON text of the document, after a last mutation."""
    data = _dumps(document)
    kind = text_operation[0]
    if kind == "truncate":
        return data[: text_operation[1] % (len(data) + 1)]
    if kind == "flip" and data:
        mutable = bytearray(data)
        mutable[text_operation[1] % len(mutable)] ^= text_operation[2]
        return bytes(mutable)
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "utf16":
        return data.decode("utf-8", errors="replace").encode("utf-16")
    if kind == "random":
        return text_operation[1]
    if kind in ("deep", "huge_number") and data:
        # A number replaced by a value nested thousands deep, or by a
        # number of 5000 digits.
        found = _DIGITS.search(data, text_operation[1] % len(data))
        found = found or _DIGITS.search(data)
        if found:
            start, end = found.span()
            if kind == "deep":
                depth = text_operation[2]
                middle = b"[" * depth + b"1" + b"]" * depth
            else:
                middle = b"9" * 5000
            return data[:start] + middle + data[end:]
    return data


_DIGITS = re.compile(rb"\d+")


# ---------------------------------------------------------------- XLSX


_CELL = re.compile(rb'<c r="[A-Z]+\d+"[^>]*?(?:/>|>.*?</c>)', re.S)


def town_xlsx() -> tuple[bytes, dict[str, bytes], dict[str, list]]:
    """
    The town sample as an XLSX workbook: its bytes, its zip members, and
    the spans of the cells of each worksheet.
    """
    folder = Path(tempfile.mkdtemp(prefix="fuzz-xlsx-"))
    try:
        write_instance(read_instance(TOWN), folder / "town.xlsx")
        data = (folder / "town.xlsx").read_bytes()
    finally:
        shutil.rmtree(folder)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        members = {name: book.read(name) for name in book.namelist()}
    cells = {
        name: [m.span() for m in _CELL.finditer(body)]
        for name, body in members.items()
        if name.startswith("xl/worksheets/")
    }
    return data, members, cells


def _escape(text: str) -> bytes:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .encode("utf-8", errors="replace")
    )


def xlsx_operation(structured: bool):
    """
    One mutation of the town workbook: in its XML (structured), or of its
    bytes as a whole.
    """
    if not structured:
        return st.one_of(
            st.tuples(st.just("random"), _K, st.binary(max_size=400)),
            st.tuples(st.sampled_from(("flip_zip", "truncate_zip")), _K,
                      st.integers(1, 255)),
        )
    return st.one_of(
        st.tuples(
            st.just("cell"), _K,
            st.sampled_from(("text", "number", "bool", "error", "shared",
                             "date", "empty")),
            CELL_TEXT,
        ),
        st.tuples(st.just("cell"), _K, st.just("text"), CELL_TEXT),
        st.tuples(st.sampled_from(("flip_xml", "drop_member")), _K,
                  st.integers(1, 255)),
        st.tuples(st.just("rename_sheet"), _K, st.sampled_from(
            ("Husstander", "households", "HOUSEHOLDS", "x" * 40, "", "a<b")
        )),
    )


def xlsx_bytes(town, operation) -> bytes:
    """The workbook's bytes after one mutation."""
    data, members, cells = town
    kind, k = operation[0], operation[1]
    if kind == "random":
        return operation[2]
    if kind == "flip_zip":
        mutable = bytearray(data)
        mutable[k % len(mutable)] ^= operation[2]
        return bytes(mutable)
    if kind == "truncate_zip":
        return data[: k % len(data)]
    members = dict(members)
    sheets = sorted(cells)
    sheet = _pick(sheets, k)
    body = members[sheet]
    if kind == "cell" and cells[sheet]:
        start, end = _pick(cells[sheet], k // 31)
        reference = re.match(rb'<c r="([A-Z]+\d+)"', body[start:end]).group(1)
        how, text = operation[2], operation[3]
        inner = {
            "text": b' t="inlineStr"><is><t>' + _escape(text) + b"</t></is>",
            "number": b"><v>" + _escape(text) + b"</v>",
            "bool": b' t="b"><v>' + _escape(text) + b"</v>",
            "error": b' t="e"><v>#DIV/0!</v>',
            "shared": b' t="s"><v>' + _escape(text) + b"</v>",
            "date": b' t="d"><v>' + _escape(text) + b"</v>",
            "empty": b"><v></v>",
        }[how]
        cell = b'<c r="' + reference + b'"' + inner + b"</c>"
        members[sheet] = body[:start] + cell + body[end:]
    elif kind == "flip_xml":
        mutable = bytearray(body)
        mutable[k % len(mutable)] ^= operation[2]
        members[sheet] = bytes(mutable)
    elif kind == "rename_sheet":
        workbook = members["xl/workbook.xml"]
        names = re.findall(rb'name="([^"]*)"', workbook)
        if names:
            old = _pick(names, k)
            members["xl/workbook.xml"] = workbook.replace(
                b'name="' + old + b'"',
                b'name="' + _escape(operation[2]).replace(b'"', b"") + b'"',
                1,
            )
    elif kind == "drop_member":
        del members[_pick(sorted(members), k)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as book:
        for name, body in members.items():
            book.writestr(name, body)
    return buffer.getvalue()
