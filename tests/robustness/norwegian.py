"""Copies of an instance as Excel in a Norwegian locale saves CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from allocator.io.layout import ALL_TABLES, layout

NBSP = "\u00a0"

FREE_TEXT = {
    # table -> column -> new text from the old: names only, which no rule
    # reads, so matching cannot change.
    "areas": {"name": lambda old: f"Lillehammer {old.lower()} – Ø"},
    "municipalities": {"name": lambda old: "Lillehammer kommune (Øst, "
                       "syntetisk) – Æ/Å"},
    "sites": {"name": lambda old: f"{old} på Åsen"},
}
"""Names changed in the copy, with æ, ø and å in them."""


def norwegian_text(value: str, base: str, kind: str, row: int) -> str:
    """
    A canonical cell written as Norwegian Excel writes it.

    Parameters
    ----------
    value
        The canonical cell text.
    base, kind
        The column's value type and layout kind.
    row
        Data row number, to vary the styles between rows.
    """
    if not value:
        return value
    if kind == "bool":
        truth = value == "true"
        if row % 7 == 3:
            return "SANN" if truth else "USANN"
        return ("ja" if truth else "nei") if row % 2 else (
            "Ja" if truth else "Nei"
        )
    if base == "date":
        day = date.fromisoformat(value)
        if row % 3 == 0:
            return f"{day.day}.{day.month}.{day.year}"
        return day.strftime("%d.%m.%Y")
    if base == "float":
        number = float(value)
        if abs(number) >= 1000 and row % 2:
            # Excel with a "# ##0,00" format: thousands grouped by a
            # no-break space.
            return f"{number:,.2f}".replace(",", NBSP).replace(".", ",")
        return value.replace(".", ",")
    return value


def norwegian_excel_copy(
    source: Path, target: Path, encoding: str = "cp1252"
) -> dict[str, dict[str, str]]:
    """
    Write a copy of a canonical CSV instance as Norwegian Excel saves it:
    semicolons, decimal commas (thousands grouped with a no-break space in
    some rows), ``dd.mm.yyyy`` and ``d.m.yyyy`` dates, ``ja``/``nei`` and
    ``SANN``/``USANN``, CRLF line ends, Windows-1252 (or another
    encoding); area, municipality and site names get æ, ø, å.

    Parameters
    ----------
    source
        A folder of canonical CSV files.
    target
        The folder to write.
    encoding
        ``"cp1252"`` (Excel's "CSV (semikolondelt)") or ``"utf-8-sig"``
        (Excel's "CSV UTF-8").

    Returns
    -------
    dict
        Table -> old name -> new name, for the names changed.
    """
    target.mkdir(parents=True, exist_ok=True)
    renamed: dict[str, dict[str, str]] = {}
    for table in ALL_TABLES:
        path = source / f"{table}.csv"
        if not path.exists():
            continue
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
        header, data = rows[0], rows[1:]
        kinds = {}
        for f in layout(table).fields:
            for column in f.columns:
                kinds[column] = (f.base, f.kind)
        out = [header]
        for number, cells in enumerate(data, start=2):
            new = []
            for column, value in zip(header, cells, strict=True):
                base, kind = kinds.get(column, ("text", "scalar"))
                text = norwegian_text(value, base, kind, number)
                change = FREE_TEXT.get(table, {}).get(column)
                if change and value:
                    text = change(value)
                    renamed.setdefault(table, {})[value] = text
                new.append(text)
            out.append(new)
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(out)
        (target / f"{table}.csv").write_bytes(
            buffer.getvalue().encode(encoding)
        )
    return renamed
