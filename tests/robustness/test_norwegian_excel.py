"""CSV files as Excel in a Norwegian locale saves them, read as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from allocator.cli import main
from allocator.io import (
    FormatReport,
    InputError,
    read_instance,
    summary_rows,
    write_instance,
)
from allocator.pipeline import propose

from .norwegian import norwegian_excel_copy

ROOT = Path(__file__).resolve().parents[2]
TOWN = ROOT / "instances" / "samples" / "town"


@pytest.fixture(scope="module")
def town():
    return read_instance(TOWN)


@pytest.fixture(scope="module")
def town_outcome(town):
    return propose(town)


def _renamed(instance, renamed):
    """The instance with the names the copy changed, changed the same."""
    update = {}
    for table, names in renamed.items():
        update[table] = tuple(
            row.model_copy(update={"name": names.get(row.name, row.name)})
            for row in getattr(instance, table)
        )
    return instance.model_copy(update=update)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_norwegian_excel_copy_of_town_validates_and_solves_the_same(
    town, town_outcome, tmp_path, capsys, encoding
):
    """
    Tests that the town sample saved as Norwegian Excel saves CSV
    (semicolons, decimal commas, grouped thousands, Windows-1252 or UTF-8
    with a byte-order mark, dd.mm.yyyy and d.m.yyyy, ja/nei and
    SANN/USANN, names with æ, ø, å) validates with exit 0, reads as the
    same instance apart from the names, says what it detected, and
    solves to the same matches and objective.
    """
    copy = tmp_path / "town-no"
    renamed = norwegian_excel_copy(TOWN, copy, encoding=encoding)
    raw = (copy / "areas.csv").read_bytes()
    assert b";" in raw and "Ø".encode(encoding.replace("-sig", "")) in raw
    dwellings = (copy / "dwellings.csv").read_bytes()
    assert b",5;" in dwellings and b"\r\n" in dwellings
    if encoding == "cp1252":
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")

    assert main(["validate", str(copy)]) == 0
    assert "valid" in capsys.readouterr().out

    report = FormatReport()
    instance = read_instance(copy, report)
    assert instance == _renamed(town, renamed)
    assert any("Ø" in a.name for a in instance.areas)
    text = report.describe()
    shown = "windows-1252" if encoding == "cp1252" else "utf-8 with BOM"
    for part in ("CSV: separator ';'", "decimal comma", f"encoding {shown}",
                 "dd.mm.yyyy", "ja/nei", "sann/usann",
                 "thousands grouped"):
        assert part in text, (part, text)
    assert ("format", text) in summary_rows(instance, report)

    outcome = propose(instance)
    assert outcome.check.ok
    pairs = {(m.household, m.dwelling) for m in outcome.proposal.matches}
    assert pairs == {
        (m.household, m.dwelling) for m in town_outcome.proposal.matches
    }
    assert outcome.proposal.objective == town_outcome.proposal.objective


def test_canonical_form_is_described_and_written_canonically(
    town, tmp_path
):
    """
    Tests that the committed sample is described as canonical CSV, and
    that writing an instance read from a Norwegian copy writes the
    canonical form again (UTF-8, commas, ISO dates, true/false).
    """
    report = FormatReport()
    read_instance(TOWN, report)
    assert report.describe() == (
        "CSV: separator ',', decimal point, encoding utf-8, dates "
        "yyyy-mm-dd, booleans true/false"
    )
    copy = tmp_path / "no"
    norwegian_excel_copy(TOWN, copy)
    again = tmp_path / "again"
    write_instance(read_instance(copy), again)
    text = (again / "dwellings.csv").read_bytes().decode("utf-8")
    assert ";" not in text and "true" in text and "ja" not in text
    assert "2026-" in text
    report = FormatReport()
    read_instance(again, report)
    assert report.describe().startswith("CSV: separator ','")


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("5,3", 5.3),
        ("12 500,50", 12500.5),
        ("12\u00a0500", 12500.0),
        ("12.500,50", 12500.5),
        ("−250,5", None),  # a minus sign; rent must not be negative
        ("1,234", 1.234),
        ("1.5", 1.5),
    ],
)
def test_decimal_comma_under_semicolons(tmp_path, cell, value):
    """
    Tests how numbers read in a semicolon-separated file: the comma is
    the decimal sign, thousands may be grouped by spaces (or dots before
    a decimal comma), and a plain decimal point still reads.
    """
    folder = tmp_path / "i"
    write_instance(read_instance(TOWN), folder)
    _semicolons(folder / "dwellings.csv", "rent_nok", cell)
    if value is None:
        with pytest.raises(InputError) as caught:
            read_instance(folder)
        (problem,) = caught.value.problems
        assert (problem.file, problem.row, problem.column) == (
            "dwellings.csv", 2, "rent_nok"
        )
        return
    assert read_instance(folder).dwellings[0].rent_nok == value


def test_decimal_comma_is_refused_under_commas(tmp_path):
    """
    Tests that in a comma-separated file a quoted "12,500" is not taken
    for 12.5 (nor for 12500): it is reported at its cell.
    """
    folder = tmp_path / "i"
    write_instance(read_instance(TOWN), folder)
    path = folder / "dwellings.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("rent_nok")] = '"12,500"'
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        read_instance(folder)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.rule) == (
        2, "rent_nok", "wrong-type"
    )


def test_impossible_norwegian_date_is_located(tmp_path):
    """Tests that 31.02.2026 is reported at its cell, not guessed at."""
    folder = tmp_path / "i"
    write_instance(read_instance(TOWN), folder)
    _semicolons(folder / "dwellings.csv", "available_from", "31.02.2026")
    with pytest.raises(InputError) as caught:
        read_instance(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.rule) == (
        "dwellings.csv", 2, "available_from", "wrong-type"
    )


def test_excel_sep_line_and_tabs_are_understood(town, tmp_path):
    """
    Tests Excel's optional ``sep=;`` first line, and tab-separated text.
    """
    folder = tmp_path / "i"
    write_instance(town, folder)
    areas = folder / "areas.csv"
    areas.write_text("sep=;\n" + areas.read_text().replace(",", ";"))
    nodes = folder / "nodes.csv"
    nodes.write_text(nodes.read_text().replace(",", "\t"))
    assert read_instance(folder) == town


def test_mixed_encodings_in_one_file_are_reported(town, tmp_path):
    """
    Tests that a file holding UTF-8 letters and a Windows-1252 byte is an
    encoding problem on the row of that byte, not silent mojibake.
    """
    folder = tmp_path / "i"
    write_instance(town, folder)
    path = folder / "areas.csv"
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"S\xc3\xb8r", b"S\xf8r")  # row 4: Sørøst
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError) as caught:
        read_instance(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.rule) == (
        "areas.csv", 4, "encoding"
    )


def _semicolons(path: Path, column: str, text: str) -> None:
    """Rewrite a canonical CSV file with semicolons, setting row 2's cell."""
    rows = [line.split(",") for line in path.read_text().splitlines()]
    rows[1][rows[0].index(column)] = text
    path.write_text("\n".join(";".join(cells) for cells in rows) + "\n")


def test_validate_prints_the_detected_format(tmp_path, capsys):
    """
    Tests that ``allocator validate`` says what it detected in a
    Norwegian Excel copy: separator, decimal comma, encoding, date and
    boolean styles.
    """
    copy = tmp_path / "no"
    norwegian_excel_copy(TOWN, copy)
    assert main(["validate", str(copy)]) == 0
    text = capsys.readouterr().out
    for part in ("separator ';'", "decimal comma", "windows-1252",
                 "dd.mm.yyyy", "ja/nei"):
        assert part in text, part


def test_detected_format_of_every_form(town, tmp_path):
    """
    Tests the one-line format description of an XLSX workbook, a JSON
    file, and a CSV folder that fails validation (still described).
    """
    from allocator.io import detected_format

    write_instance(town, tmp_path / "i.xlsx")
    write_instance(town, tmp_path / "i.json")
    assert detected_format(tmp_path / "i.xlsx") == (
        "XLSX: decimal point, dates yyyy-mm-dd, booleans true/false"
    )
    assert detected_format(tmp_path / "i.json") == "JSON: encoding utf-8"
    copy = tmp_path / "no"
    norwegian_excel_copy(TOWN, copy)
    (copy / "municipalities.csv").write_bytes(b"")
    text = detected_format(copy)
    assert "separator ';'" in text and "windows-1252" in text
