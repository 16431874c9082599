"""The input template (``allocator template``) and the Norwegian aliases
the readers accept."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from allocator.cli import main
from allocator.io import read_instance, read_proposal
from allocator.io.detect import fold
from allocator.io.layout import ALL_TABLES, layout
from allocator.io.norwegian import COLUMNS, SHEETS, VALUES
from allocator.io.template import (
    GUIDE,
    ORDER,
    all_tables_placed,
    columns,
    description,
)
from models import Tenure

NB_ROWS = {
    # Norwegian sheet -> rows by Norwegian header, as an officer types them.
    "husstander": [
        {"id": "H-1", "vedtaksdato": date(2025, 11, 3),
         "trenger_trinnfri": "nei", "unngå_egenskaper": "sjønært",
         "ønsker_sentralt": "ja"},
        {"id": "H-2", "vedtaksdato": date(2025, 12, 1),
         "trenger_trinnfri": "ja", "unngå_egenskaper": "ingen"},
    ],
    "medlemmer": [
        {"husstand": "H-1", "alder": 38, "kjønn": "kvinne",
         "rolle": "hovedperson"},
        {"husstand": "H-1", "alder": 9, "kjønn": "mann", "rolle": "barn"},
        {"husstand": "H-1", "alder": 6, "kjønn": "kvinne", "rolle": "barn"},
        {"husstand": "H-2", "alder": 27, "kjønn": "mann",
         "rolle": "hovedperson"},
    ],
    "boliger": [
        {"id": "D-1", "kommune": "K-1", "område": "A-1",
         "disposisjonsform": "kommunal", "soverom": 2,
         # A decimal comma in a text cell.
         "areal_m2": "64,5", "trinnfri": "nei", "heis": "nei",
         "egenskaper": "støy", "husleie_kr": 9800,
         "ledig_fra": date(2026, 1, 15)},
        {"id": "D-2", "kommune": "K-1", "område": "A-2",
         "disposisjonsform": "privat_leie", "soverom": 1,
         "areal_m2": 38.0, "trinnfri": "ja", "heis": "ja", "etasje": 3,
         "husleie_kr": "7 500", "ledig_fra": date(2026, 1, 1),
         "ledig_til": date(2027, 6, 30)},
    ],
    "områder": [
        {"id": "A-1", "kommune": "K-1", "navn": "Sentrum",
         "bosatte_husstander": 800, "flyktninghusstander": 12},
        {"id": "A-2", "kommune": "K-1", "navn": "Nord",
         "bosatte_husstander": 500, "flyktninghusstander": 3},
    ],
    "kommuner": [
        {"id": "K-1", "navn": "Småby", "kvote_husstander": 5},
    ],
    "oppsett": [
        {"navn": "Januar 2026", "dato": date(2026, 1, 5)},
    ],
}


def _fill(path, rows_by_sheet):
    """Fill a template's sheets by header, as an officer would."""
    book = openpyxl.load_workbook(path)
    for name, rows in rows_by_sheet.items():
        sheet = book[name]
        headers = [c.value for c in sheet[1]]
        for number, row in enumerate(rows, start=2):
            for header, value in row.items():
                sheet.cell(row=number, column=headers.index(header) + 1,
                           value=value)
    # The office's own notes: a notes column and a notes sheet.
    homes = book["boliger" if "boliger" in book.sheetnames else "dwellings"]
    homes.cell(row=1, column=homes.max_column + 1, value="merknad")
    homes.cell(row=2, column=homes.max_column, value="Nyoppusset bad")
    book.create_sheet("notater")["A1"] = "Ring utleier om D-2"
    book.save(path)


def test_every_table_column_and_value_has_a_norwegian_name():
    """
    Tests that the one table of Norwegian names is complete and that no
    name means two things: a table, column or coded value of the contract
    without a Norwegian name fails here.
    """
    assert set(SHEETS) == set(ALL_TABLES)
    sheet_names = [fold(nb) for nb, _ in SHEETS.values()]
    assert len(set(sheet_names)) == len(sheet_names)
    assert not set(sheet_names) & {fold(t) for t in ALL_TABLES}
    for table in ALL_TABLES:
        assert set(COLUMNS[table]) == set(layout(table).columns), table
        headers = [fold(nb) for nb, _ in COLUMNS[table].values()]
        assert len(set(headers)) == len(headers), table
        english = {fold(c): c for c in layout(table).columns}
        for column, (nb, text) in COLUMNS[table].items():
            # A Norwegian header equal to an English one must mean it.
            assert english.get(fold(nb), column) == column, (table, nb)
            assert text, (table, column)
        for f in layout(table).fields:
            if f.codes is not None:
                assert set(VALUES[f.codes]) == {v.value for v in f.codes}
    for codes, names in VALUES.items():
        folded = [fold(nb) for nb in names.values()]
        assert len(set(folded)) == len(folded), codes
        english = {fold(v.value): v.value for v in codes}
        for value, nb in names.items():
            assert english.get(fold(nb), value) == value, (codes, nb)


def test_template_describes_every_column_from_the_contract():
    """
    Tests that every column of the template has a description in both
    languages, the English one taken from the contract.
    """
    assert all_tables_placed()
    for table in ORDER:
        for column in columns(table):
            for lang in ("en", "nb"):
                assert description(table, column.name, lang), (
                    table, column.name, lang)
    assert description("dwellings", "bedrooms", "en").startswith(
        "Bedrooms (0 for a bedsit)")


def test_norwegian_template_layout(tmp_path):
    """
    Tests the Norwegian template: the guide first, then the sheets in the
    order an office fills them, Norwegian headers with comments,
    dropdowns for coded values and ja/nei, date formats, widths.
    """
    path = tmp_path / "mal.xlsx"
    assert main(["template", "--out", str(path), "--lang", "nb"]) == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:6] == [
        "veiledning", "husstander", "medlemmer", "boliger", "områder",
        "kommuner",
    ]
    homes = book["boliger"]
    headers = [c.value for c in homes[1]]
    assert headers[:7] == [
        "id", "kommune", "område", "bygning", "node", "disposisjonsform",
        "soverom",
    ]
    assert all(c.comment and c.comment.text for c in homes[1])
    lists = {
        headers[next(iter(v.sqref.ranges)).min_col - 1]: v.formula1
        for v in homes.data_validations.dataValidation
    }
    assert "kommunal" in lists["disposisjonsform"]
    assert lists["heis"] == '"ja,nei"'
    assert "sjønært" in lists["egenskaper"]
    column = headers.index("ledig_fra") + 1
    assert homes.cell(row=2, column=column).number_format == "dd.mm.yyyy"
    assert homes.freeze_panes == "A2"
    widths = [homes.column_dimensions[c.column_letter].width
              for c in homes[1]]
    assert min(widths) >= 12
    guide = book["veiledning"]
    texts = " ".join(str(c.value) for row in guide.iter_rows() for c in row
                     if c.value)
    assert "Slik fyller du ut" in texts and "soverom" in texts


@pytest.mark.slow
def test_filled_norwegian_template_validates_and_solves(tmp_path, capsys):
    """
    Tests the done-when of the template: written in Norwegian, filled in
    with Norwegian headers and values (kommunal, ja/nei, dates as dates,
    a decimal comma in a text cell, notes), it validates, solves and the
    checker accepts the proposal.
    """
    path = tmp_path / "mal.xlsx"
    assert main(["template", "--out", str(path), "--lang", "nb"]) == 0
    _fill(path, NB_ROWS)
    assert main(["validate", str(path)]) == 0
    instance = read_instance(path)
    homes = {d.id: d for d in instance.dwellings}
    assert homes["D-1"].tenure is Tenure.MUNICIPAL
    assert homes["D-1"].floor_area_m2 == 64.5
    assert homes["D-2"].rent_nok == 7500
    assert homes["D-2"].available_until == date(2027, 6, 30)
    family = next(h for h in instance.households if h.id == "H-1")
    assert family.needs_step_free is False
    assert [m.relation.value for m in family.members] == [
        "head", "child", "child"]
    assert next(h for h in instance.households
                if h.id == "H-2").avoid_features == frozenset()
    out = tmp_path / "proposal"
    assert main(["solve", str(path), "--out", str(out)]) == 0
    proposal = read_proposal(out / "proposal.json")
    assert {m.household for m in proposal.matches} == {"H-1", "H-2"}
    assert main(["check", str(path), str(out / "proposal.json")]) == 0


def test_english_template_round_trip(tmp_path):
    """
    Tests the English template: filled in with the English names, it
    reads as the same instance as the Norwegian one.
    """
    path = tmp_path / "template.xlsx"
    assert main(["template", "--out", str(path), "--lang", "en"]) == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == GUIDE["en"]
    assert book.sheetnames[1:5] == [
        "households", "members", "dwellings", "areas"]
    english = {}
    for nb_sheet, rows in NB_ROWS.items():
        table = next(t for t, (nb, _) in SHEETS.items() if nb == nb_sheet)
        by_nb = {nb: c for c, (nb, _) in COLUMNS[table].items()}
        values = {fold(nb): en for names in VALUES.values()
                  for en, nb in names.items()}
        values.update({"ja": "yes", "nei": "no", "ingen": "none",
                       "64,5": 64.5, "7 500": 7500})
        english[table] = [
            {by_nb[k]: values.get(fold(v), v) if isinstance(v, str) else v
             for k, v in row.items()}
            for row in rows
        ]
    _fill(path, english)
    nb_path = tmp_path / "mal.xlsx"
    assert main(["template", "--out", str(nb_path), "--lang", "nb"]) == 0
    _fill(nb_path, NB_ROWS)
    assert read_instance(path) == read_instance(nb_path)
    assert main(["validate", str(path)]) == 0


def test_empty_template_reads_as_an_empty_instance_needing_rows(tmp_path):
    """
    Tests that an empty template is read sheet by sheet (the guide is
    skipped) and only asks for the planning round's row and a
    municipality.
    """
    from allocator.io import InputError

    path = tmp_path / "mal.xlsx"
    assert main(["template", "--out", str(path), "--lang", "nb"]) == 0
    with pytest.raises(InputError) as caught:
        read_instance(path)
    rules = {(p.file, p.rule) for p in caught.value.problems}
    assert rules == {("mal.xlsx[oppsett]", "required"),
                     ("mal.xlsx[kommuner]", "required")}


def test_template_refuses_a_name_that_is_not_a_workbook(tmp_path, capsys):
    """Tests that --out must name an .xlsx file (exit 2)."""
    assert main(["template", "--out", str(tmp_path / "mal.csv")]) == 2
    assert "xlsx" in capsys.readouterr().err


def test_norwegian_headers_and_values_read_in_csv(tmp_path):
    """
    Tests that the CSV reader takes the same Norwegian aliases, mixed
    with English headers, and suggests a Norwegian header for a misspelt
    one.
    """
    from allocator.io import InputError

    folder = tmp_path / "csv"
    folder.mkdir()
    files = {
        "instance.csv": "navn;dato\nJanuar;05.01.2026\n",
        "municipalities.csv": "id;navn\nK-1;Småby\n",
        "areas.csv": "id;kommune\nA-1;K-1\n",
        "dwellings.csv": "id;municipality;område;disposisjonsform;soverom;"
                         "areal_m2;ledig_fra\n"
                         "D-1;K-1;A-1;Kommunal;2;64,5;15.01.2026\n",
        "households.csv": "id;vedtaksdato\nH-1;03.11.2025\n",
        "members.csv": "husstand;alder;kjønn;rolle\nH-1;30;kvinne;"
                       "hovedperson\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    instance = read_instance(folder)
    assert instance.dwellings[0].tenure is Tenure.MUNICIPAL
    assert instance.dwellings[0].bedrooms == 2
    (folder / "dwellings.csv").write_text(
        files["dwellings.csv"].replace("soverom", "sovrom"),
        encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_instance(folder)
    assert any("did you mean 'soverom'" in p.message
               for p in caught.value.problems)
