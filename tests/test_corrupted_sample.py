"""A corrupted copy of the town sample: every problem found and located."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from allocator.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "instances" / "samples" / "town"


def _edit(folder: Path, name: str, row: int, column: str, value: str):
    """Sets one cell; ``row`` counts as a spreadsheet does (header is 1)."""
    path = folder / name
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(rows)


def _copy_row(folder: Path, name: str, row: int):
    """Appends a copy of a data row (a duplicate id)."""
    path = folder / name
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    rows.append(rows[row - 1])
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(rows)


def _first_child_row(folder: Path) -> int:
    with (folder / "members.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    relation = rows[0].index("relation")
    return next(i + 1 for i, r in enumerate(rows) if r[relation] == "child")


def _old_child(folder: Path):
    """Makes a child 70 years old: older than its household's head."""
    _edit(folder, "members.csv", _first_child_row(folder), "age", "70")


def _drop_column(folder: Path, name: str, column: str):
    path = folder / name
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    i = rows[0].index(column)
    with path.open("w", newline="") as f:
        csv.writer(f).writerows([r[:i] + r[i + 1:] for r in rows])


#: (kind, how to corrupt, expected "file:row:column" and rule in the output).
#: Each touches a different household or table, so that no problem hides
#: another (a row that fails is left out of the cross-row checks).
CORRUPTIONS = [
    ("wrong type", lambda f: _edit(f, "members.csv", 9, "age", "forty"),
     "members.csv:9:age", "wrong-type"),
    ("negative rent", lambda f: _edit(f, "dwellings.csv", 4, "rent_nok", "-1"),
     "dwellings.csv:4:rent_nok", "out-of-range"),
    ("unknown area", lambda f: _edit(f, "dwellings.csv", 5, "area", "A-999"),
     "dwellings.csv:5:area", "unknown-reference"),
    ("unknown network node",
     lambda f: _edit(f, "dwellings.csv", 6, "node", "N-99999"),
     "dwellings.csv:6:node", "unknown-reference"),
    ("dates out of order",
     lambda f: _edit(f, "dwellings.csv", 7, "available_until", "2020-01-01"),
     "dwellings.csv:7:available_until", "dates-out-of-order"),
    ("unknown tenure",
     lambda f: _edit(f, "dwellings.csv", 8, "tenure", "castle"),
     "dwellings.csv:8:tenure", ""),
    ("bad boolean", lambda f: _edit(f, "dwellings.csv", 9, "damp", "maybe"),
     "dwellings.csv:9:damp", ""),
    ("refugees above residents",
     lambda f: _edit(f, "areas.csv", 2, "refugee_households", "999999"),
     "areas.csv:2:refugee_households", "count-exceeds-total"),
    ("duplicate id", lambda f: _copy_row(f, "sites.csv", 2),
     "sites.csv:45:id", "duplicate-id"),
    ("child older than the household allows", _old_child,
     "members.csv:{child}:age", "member-age"),
    ("permit after the planning date",
     lambda f: _edit(f, "households.csv", 10, "permit_date", "2030-01-01"),
     "households.csv:10:permit_date", "dates-out-of-order"),
    ("unknown sex", lambda f: _edit(f, "members.csv", 20, "sex", "Q"),
     "members.csv:20:sex", ""),
    ("missing column",
     lambda f: _drop_column(f, "area_nationalities.csv", "households"),
     "area_nationalities.csv:1:households", "missing-column"),
    ("edge to an unknown node",
     lambda f: _edit(f, "edges.csv", 3, "target", "N-77777"),
     "edges.csv:3:target", "unknown-reference"),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """Validates one copy of the sample carrying every corruption."""
    folder = tmp_path_factory.mktemp("corrupt") / "town"
    shutil.copytree(SAMPLE, folder)
    for _, corrupt, _, _ in CORRUPTIONS:
        corrupt(folder)
    return folder


def _where(where: str) -> str:
    return where.format(child=_first_child_row(SAMPLE))


def test_corrupted_sample_exits_2_and_lists_every_problem(report, capsys):
    """Tests that all corruptions are reported together, each located."""
    assert main(["validate", str(report)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    missing = [kind for kind, _, where, rule in CORRUPTIONS
               if _where(where) not in err or (rule and rule not in err)]
    assert not missing, f"not reported: {missing}\n{err}"


@pytest.mark.parametrize(("kind", "corrupt", "where", "rule"), CORRUPTIONS,
                         ids=[c[0] for c in CORRUPTIONS])
def test_each_corruption_alone_is_located(kind, corrupt, where, rule,
                                          tmp_path, capsys):
    """Tests one kind of corruption at a time: exit 2, file:row:column."""
    folder = tmp_path / "town"
    shutil.copytree(SAMPLE, folder)
    corrupt(folder)
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert _where(where) in err, err
    assert rule in err
