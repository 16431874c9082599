"""proposal.xlsx for people and proposal.csv in the input's dialect."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from allocator.cli import main
from allocator.io import write_proposal
from allocator.io.tabular import read_csv
from allocator.office.workbook import (
    NORWEGIAN_EXCEL,
    QUICK_DEFLATE,
    sniff_dialect,
)
from models import SENSITIVE_FIELDS
from tests.robustness.norwegian import norwegian_excel_copy

ROOT = Path(__file__).resolve().parents[2]
TOWN = ROOT / "instances" / "samples" / "town"


@pytest.fixture(scope="module")
def book_paths(city, tmp_path_factory):
    instance, policy, proposal = city
    out = {}
    for lang in ("en", "nb"):
        folder = tmp_path_factory.mktemp(lang)
        write_proposal(proposal, folder, instance=instance, lang=lang,
                       policy=policy)
        out[lang] = folder / "proposal.xlsx"
    return out


@pytest.fixture(scope="module")
def books(book_paths):
    return {lang: openpyxl.load_workbook(path)
            for lang, path in book_paths.items()}


def test_workbook_members_are_deflated_at_the_quick_level(book_paths):
    """Tests that each member of the officer's workbook is deflated at
    ``QUICK_DEFLATE`` (its compressed size is what that level gives, and
    not what zlib's default gives)."""
    with zipfile.ZipFile(book_paths["nb"]) as archive:
        sheets = [info for info in archive.infolist()
                  if info.filename.startswith("xl/worksheets/")]
        assert sheets
        for info in archive.infolist():
            assert info.compress_type == zipfile.ZIP_DEFLATED
            data = archive.read(info)
            assert info.compress_size == len(_deflated(data, QUICK_DEFLATE))
        largest = max(sheets, key=lambda info: info.file_size)
        data = archive.read(largest)
        assert largest.compress_size != len(_deflated(data, 6))


def _deflated(data: bytes, level: int) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def _rows(sheet):
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)]


def test_matches_sheet_has_names_sizes_dates_and_yes_no(books, city):
    """Tests that the officer's match sheet shows, beside the ids, the
    area name, municipality name, bedrooms, rent, household size and
    composition, a move-in date stored as a date, and ja/nei."""
    instance, _, proposal = city
    book = books["nb"]
    assert book.sheetnames[:6] == ["Tildelinger", "Venter",
                                   "Tomme boliger", "Områder",
                                   "Bindende regler", "Nøkkeltall"]
    rows = _rows(book["Tildelinger"])
    assert len(rows) == len(proposal.matches)
    m = min(proposal.matches, key=lambda m: m.household)
    d = next(d for d in instance.dwellings if d.id == m.dwelling)
    h = next(h for h in instance.households if h.id == m.household)
    area = next(a for a in instance.areas if a.id == d.area)
    row = rows[0]
    assert row["Husstand"] == m.household and row["Bolig"] == d.id
    assert row["Adresse eller område"] == area.name
    assert row["Kommune"] == instance.municipalities[0].name
    assert row["Soverom"] == d.bedrooms
    assert row["Månedsleie"] == d.rent_nok
    assert row["Personer"] == h.size
    assert "voksen" in row["Sammensetning"]
    assert isinstance(row["Innflyttingsdato"], datetime)
    assert row["Innflyttingsdato"].date() == max(instance.as_of,
                                                 d.available_from)
    assert row["Innen fristen"] in ("ja", "nei")
    assert {r["Låst av boligkontoret"] for r in rows} <= {"ja", "nei"}


def test_empty_dwellings_sheet_lists_every_dwelling_left_empty(books, city):
    """Tests that the sheet of empty dwellings has each unmatched
    dwelling once, with dates as dates."""
    instance, _, proposal = city
    rows = _rows(books["en"]["Empty dwellings"])
    taken = {m.dwelling for m in proposal.matches}
    assert sorted(r["Dwelling"] for r in rows) == sorted(
        d.id for d in instance.dwellings if d.id not in taken)
    assert all(isinstance(r["Available from"], datetime) for r in rows)


def test_sheets_are_set_up_for_reading_and_printing(books):
    """Tests bold frozen headers, an autofilter, column widths, a date
    format, and a landscape A4 set-up that fits the page width."""
    sheet = books["en"]["Matches"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["A"].width >= 10
    assert sheet.column_dimensions["S"].width >= 40
    header = [c.value for c in sheet[1]]
    col = header.index("Move-in date") + 1
    assert sheet.cell(2, col).number_format == "DD.MM.YYYY"
    assert sheet.page_setup.orientation == "landscape"
    # One page wide: a missing fitToWidth means 1 in Office Open XML,
    # which is how XlsxWriter writes it.
    assert (sheet.page_setup.fitToWidth or 1) == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_workbook_and_csv_hold_no_sensitive_field(books, city, tmp_path):
    """Tests that no sensitive field's name or feature appears in the
    people's workbook or the CSV."""
    instance, policy, proposal = city
    write_proposal(proposal, tmp_path, instance=instance, policy=policy,
                   dialect=NORWEGIAN_EXCEL)
    text = (tmp_path / "proposal.csv").read_text(encoding="utf-8-sig")
    for book in books.values():
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                text += " ".join(str(v) for v in row if v is not None)
    for word in (*SENSITIVE_FIELDS, "waterfront", "psychiatry"):
        assert word not in text, word


def test_csv_follows_a_semicolon_input_and_reads_back_the_same(tmp_path):
    """Tests that solving a Norwegian Excel copy of the town writes
    proposal.csv with semicolons, decimal commas and a BOM, and that the
    project's CSV reader reads it back to the same values as the CSV of
    the canonical input."""
    norwegian = tmp_path / "town-nb"
    norwegian_excel_copy(TOWN, norwegian)
    assert sniff_dialect(norwegian) == NORWEGIAN_EXCEL
    assert sniff_dialect(TOWN).separator == ","
    assert main(["solve", str(TOWN), "--out", str(tmp_path / "a")]) == 0
    assert main(["solve", str(norwegian), "--out", str(tmp_path / "b"),
                 "--lang", "nb"]) == 0
    raw = (tmp_path / "b" / "proposal.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.split(b"\r\n")[0].count(b";") > 5
    plain, _ = read_csv(tmp_path / "a" / "proposal.csv")
    semi, _ = read_csv(tmp_path / "b" / "proposal.csv")
    assert semi.separator == ";" and semi.decimal_comma
    assert len(plain.rows) == len(semi.rows)
    decimals = 0
    for (_, a), (_, b) in zip(plain.rows, semi.rows, strict=True):
        for x, y in zip(a, b, strict=True):
            if x != y and _number(x):
                assert float(x) == float(y.replace(",", ".")), (x, y)
                decimals += 1
    header = plain.rows[0][1]
    assert "household" in header


def _number(text: str) -> bool:
    """Whether a cell is a number (explanations follow --lang instead)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_plain_workbook_without_the_instance_is_unchanged(city, tmp_path):
    """Tests that write_proposal without an instance still writes the
    five data sheets only."""
    _, _, proposal = city
    write_proposal(proposal, tmp_path)
    book = openpyxl.load_workbook(tmp_path / "proposal.xlsx")
    assert book.sheetnames == ["matches", "unmatched", "binding", "kpis",
                               "solver"]
    text = (tmp_path / "proposal.csv").read_text()
    assert next(csv.reader(io.StringIO(text)))[0] == "household"


def test_files_written_beside_a_forked_child_are_the_same(city, tmp_path):
    """The CLI's solve writes the JSON, the CSV and the report in a
    forked child while it makes the workbook; every file is as written
    in the process alone."""
    instance, policy, proposal = city
    cells, texts = {}, {}
    for fork in (False, True):
        folder = tmp_path / f"fork-{fork}"
        write_proposal(proposal, folder, instance=instance, policy=policy,
                       lang="nb", fork=fork,
                       extra={"report.html": lambda: "<p>report</p>"})
        book = openpyxl.load_workbook(folder / "proposal.xlsx")
        cells[fork] = {sheet.title: [[c.value for c in row]
                                     for row in sheet.iter_rows()]
                       for sheet in book.worksheets}
        texts[fork] = {name: (folder / name).read_bytes() for name in (
            "proposal.json", "proposal.csv", "report.html")}
    assert cells[True] == cells[False]
    assert len(cells[True]) > 1 and all(cells[True].values())
    assert texts[True] == texts[False]
    assert texts[True]["report.html"] == b"<p>report</p>"
