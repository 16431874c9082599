"""
Generated hostile values in every column of every table and in every
policy field, in all three forms, through ``validate`` and then
``solve`` as the command runs them: each ends in located problems
(``file:row:column: message [rule]``, exit 2) or a proposal the
independent checker accepts (exit 0), nothing else; and what validate
accepts, solve never breaks.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pytest
import tomli_w
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from allocator.cli import main
from allocator.io import read_instance, write_instance
from allocator.requirements import MODE_UNAVAILABLE
from models import Policy

from .fuzzing import NASTY

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "instances" / "samples" / "tiny"
TABLES = {p.name: list(csv.reader(io.StringIO(p.read_text("utf-8"))))
          for p in sorted(TINY.glob("*.csv"))}
CELLS = [(name, column) for name, rows in TABLES.items()
         for column in rows[0] if len(rows) > 1]

LOCATED = re.compile(r"^[^:\s][^:]*(:\d+)?(:[^:]+)?: .+ \[[a-z-]+\]$")

EXAMPLES = 20
"""Per form: each example validates and solves the tiny sample once."""

HOSTILE = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(["[red]x", "a[/]b", "\x07", "1e10", str(2**63),
                     str(2**63 - 1), "10000000000", "-0.0", "1e-300"]),
    st.integers(-(2**64), 2**64).map(str),
    st.text(max_size=6),
)

TOML_VALUES = st.one_of(
    st.sampled_from([0, -1, 1, 10**4, 10**4 + 1, 10**10, 2**63 - 1,
                     -(2**63), 0.0, -0.5, 1e308, float("inf"),
                     float("nan"), "", "x[/]", "a\x07b", "lava", True,
                     False, [], ["x"], {}]),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),
    st.text(max_size=6),
)


def _policy_fields() -> list[tuple[str, ...]]:
    fields = []

    def walk(prefix, value):
        if isinstance(value, dict) and value:
            for key, item in value.items():
                walk((*prefix, key), item)
        else:
            fields.append(prefix)

    walk((), Policy().model_dump(mode="json"))
    return fields


POLICY_FIELDS = _policy_fields()


def fuzz():
    return settings(max_examples=EXAMPLES, deadline=None, database=None,
                    phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck))


def _judge(path: Path, policy: Path | None, out: Path, capsys) -> None:
    extra = [] if policy is None else ["--policy", str(policy)]
    code = main(["validate", str(path), *extra])
    err = capsys.readouterr().err
    _located_or_valid(code, err)
    solved = main(["solve", str(path), "--out", str(out), *extra,
                   "--time-limit", "20"])
    err = capsys.readouterr().err
    _located_or_valid(solved, err)
    # What validate accepts, solve keeps; what it refuses, solve refuses.
    # Validation accepts an instance placement can use (blank permit
    # dates, members' sex): solve then names itself and what it lacks.
    assert solved == code or (code, solved) == (0, MODE_UNAVAILABLE), (
        code, solved, err)
    if solved == 0:
        assert (out / "proposal.json").is_file()


def _located_or_valid(code: int, err: str) -> None:
    assert "Traceback" not in err
    assert code in (0, 2, MODE_UNAVAILABLE), (code, err)
    if code == MODE_UNAVAILABLE:
        assert "cannot run on this instance" in err, err
        assert len(err.strip().splitlines()) == 1, err
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) >= 2, err
        for line in lines[1:]:
            assert LOCATED.match(line), line


@pytest.fixture
def scratch():
    folder = Path(tempfile.mkdtemp(prefix="hostile-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_hostile_cells_in_csv(scratch, capsys):
    """Tests hostile text in every CSV column of every table."""
    @fuzz()
    @given(st.sampled_from(CELLS), st.integers(1, 50), HOSTILE)
    def run(cell, pick, value):
        name, column = cell
        rows = [list(r) for r in TABLES[name]]
        r = 1 + pick % (len(rows) - 1)
        rows[r][rows[0].index(column)] = value
        folder = scratch / "csv"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(TINY, folder)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        (folder / name).write_text(buffer.getvalue(), encoding="utf-8")
        _judge(folder, None, scratch / "out", capsys)

    run()


@pytest.mark.slow
def test_hostile_cells_in_xlsx(scratch, capsys):
    """Tests hostile text in every column of every sheet of a workbook."""
    book_path = write_instance(read_instance(TINY), scratch / "base.xlsx")

    @fuzz()
    @given(st.sampled_from(CELLS), st.integers(1, 50), HOSTILE)
    def run(cell, pick, value):
        name, column = cell
        book = openpyxl.load_workbook(book_path)
        sheet = book[name.removesuffix(".csv")]
        header = [c.value for c in sheet[1]]
        if column not in header or sheet.max_row < 2:
            return
        r = 2 + pick % (sheet.max_row - 1)
        try:
            sheet.cell(r, header.index(column) + 1, value)
        except Exception:  # noqa: BLE001 - openpyxl refuses the text
            return
        path = scratch / "hostile.xlsx"
        book.save(path)
        _judge(path, None, scratch / "out", capsys)

    run()


@pytest.mark.slow
def test_hostile_values_in_json(scratch, capsys):
    """Tests hostile values of every JSON type in every field."""
    document = json.loads(read_instance(TINY).model_dump_json())
    fields = [(table, key) for table, rows in document.items()
              if isinstance(rows, list) and rows
              for key in rows[0]]

    @fuzz()
    @given(st.sampled_from(fields), st.integers(0, 50),
           st.one_of(HOSTILE, TOML_VALUES.filter(
               lambda v: v == v and v not in (float("inf"),
                                              float("-inf")))))
    def run(field, pick, value):
        table, key = field
        changed = json.loads(json.dumps(document))
        rows = changed[table]
        rows[pick % len(rows)][key] = value
        path = scratch / "hostile.json"
        path.write_text(json.dumps(changed), encoding="utf-8")
        _judge(path, None, scratch / "out", capsys)

    run()


@pytest.mark.slow
def test_hostile_policy_fields(scratch, capsys):
    """Tests hostile values in every policy field, on the tiny sample."""
    @fuzz()
    @given(st.sampled_from(POLICY_FIELDS), TOML_VALUES)
    def run(field, value):
        policy: dict = {}
        where = policy
        for key in field[:-1]:
            where = where.setdefault(key, {})
        where[field[-1]] = value
        path = scratch / "p.toml"
        try:
            path.write_text(tomli_w.dumps(policy), encoding="utf-8")
        except (TypeError, ValueError):
            return  # not writable as TOML
        _judge(TINY, path, scratch / "out", capsys)

    run()
