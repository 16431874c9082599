"""What a reader found out about the files it read: the format report."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ..i18n import N_, _

MAX_FILES_NAMED = 3
"""Files named after a style that only some files use."""

_ASPECTS = ("dates", "booleans")
ASPECT_WORD = {"dates": N_("dates"), "booleans": N_("booleans")}
"""The conventions detected, in words."""

DIRECT_IDENTIFIERS = frozenset({
    # Names of persons.
    "name", "names", "navn", "fornavn", "etternavn", "mellomnavn",
    "firstname", "lastname", "fullname", "surname", "givenname",
    # National identity numbers.
    "fodselsnummer", "foedselsnummer", "fnr", "personnummer", "pnr",
    "dnummer", "dnr", "ssn", "nin", "passport", "passnummer", "duf",
    "dufnummer", "fodselsdato", "birthdate", "dateofbirth", "dob",
    # Contact details.
    "phone", "telephone", "telefon", "tlf", "mobil", "mobile", "mobilnummer",
    "telefonnummer", "phonenumber", "email", "epost", "mail",
    "emailaddress", "epostadresse",
    # Addresses.
    "address", "adresse", "gateadresse", "postadresse", "street", "gate",
    "postnummer", "postnr", "zip", "zipcode", "postcode",
})
"""
Column names (folded: lower case, no accents or separators) that hold
direct identifiers of persons or addresses. ``pseudonymise`` drops such
columns when they are not part of the format; ``name`` columns of areas,
municipalities and sites are part of it and are kept.
"""

_TOKEN = re.compile(r"[^a-z0-9]+")


def fold(name: str) -> str:
    """
    A column name folded for matching: lower case, ASCII, ``ø`` as ``o``,
    ``æ`` as ``ae``, ``å`` as ``a``, separators removed.

    Parameters
    ----------
    name
        The column name as written.
    """
    text = name.strip().lower()
    text = text.replace("ø", "o").replace("æ", "ae").replace("å", "a")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isascii() and c.isalnum())


def is_direct_identifier(column: str) -> bool:
    """
    Whether a column (not part of the format) holds a direct identifier.

    A column matches when its folded name, or one of the words it is made
    of (``household_name``, ``e-post``, ``Telefon nr``), is a known
    identifier name.

    Parameters
    ----------
    column
        The column name as written in the header.
    """
    if fold(column) in DIRECT_IDENTIFIERS:
        return True
    lowered = column.strip().lower()
    lowered = lowered.replace("ø", "o").replace("æ", "ae").replace("å", "a")
    words = [w for w in _TOKEN.split(lowered) if w]
    return any(w in DIRECT_IDENTIFIERS for w in words)


NOTES = frozenset({
    "note", "notes", "notat", "notater", "merknad", "merknader",
    "kommentar", "kommentarer", "comment", "comments", "remarks",
})
"""Folded names of notes columns and sheets: the office's own text,
accepted on any sheet (and as extra sheets of a workbook) and never
read."""


def is_notes(name: str) -> bool:
    """Whether a column or sheet name is one of the office's notes."""
    return fold(name) in NOTES


INSTRUCTIONS = frozenset({
    "instructions", "instruksjoner", "veiledning", "readme", "lesmeg",
})
"""Folded names of a workbook's guide sheet (the template's first sheet),
skipped when reading."""


def is_instructions(name: str) -> bool:
    """Whether a sheet name is that of the template's guide sheet."""
    return fold(name) in INSTRUCTIONS


def did_you_mean(name: str, known) -> str:
    """`` did you mean 'x'?`` for the closest known name, else empty."""
    import difflib

    close = difflib.get_close_matches(name.strip().lower(), list(known),
                                      n=1, cutoff=0.75)
    if not close:
        return ""
    return " " + _("did you mean {name!r}?", name=close[0])


@dataclass
class FileFormat:
    """
    How one file (or sheet) was written.

    Parameters
    ----------
    label
        File name as the user knows it.
    encoding
        ``"utf-8"``, ``"utf-8 with BOM"``, ``"windows-1252"``,
        ``"utf-16"``; empty for sheets of a workbook.
    separator
        The CSV separator; empty for sheets and JSON.
    seen
        ``(aspect, style)`` -> cells written that way, e.g.
        ``("dates", "dd.mm.yyyy")``.
    """

    label: str
    encoding: str = ""
    separator: str = ""
    seen: Counter = field(default_factory=Counter)


@dataclass
class FormatReport:
    """
    What reading an instance detected: form, encodings, separators and the
    conventions of numbers, dates and booleans; and any direct-identifier
    columns dropped (only when reading for ``pseudonymise``).

    Pass one to ``read_instance(path, report=...)``; it is filled even when
    reading fails.

    Parameters
    ----------
    form
        ``"CSV"``, ``"XLSX"`` or ``"JSON"``.
    files
        File label -> its format, in reading order.
    dropped
        ``(file, column)`` of every direct-identifier column dropped.
    wide
        Placement tables read as wide matrices, described, e.g.
        ``pair_scores.csv: wide matrix, 661 households x 40
        municipalities``.
    """

    form: str = ""
    files: dict[str, FileFormat] = field(default_factory=dict)
    dropped: list[tuple[str, str]] = field(default_factory=list)
    wide: list[str] = field(default_factory=list)

    def file(self, label: str) -> FileFormat:
        """The format record of ``label``, created on first use."""
        if label not in self.files:
            self.files[label] = FileFormat(label)
        return self.files[label]

    def describe(self) -> str:
        """
        One line for the validation summary, e.g. ``CSV: separator ';',
        decimal comma, encoding windows-1252, dates dd.mm.yyyy, booleans
        ja/nei``. A style used by only some files names them.
        """
        if not self.form:
            return _("not read")
        parts: list[str] = []
        files = list(self.files.values())
        if self.form == "CSV":
            parts.append(_attribute(
                _("separator"), {f.label: repr(f.separator) for f in files
                              if f.separator},
            ))
        parts.append(_numbers(files))
        if self.form != "XLSX":
            parts.append(_attribute(
                _("encoding"), {f.label: f.encoding for f in files
                             if f.encoding},
            ))
        for aspect in _ASPECTS:
            parts.append(_styles(aspect, files))
        if self.dropped:
            shown = ", ".join(f"{file}:{column}"
                              for file, column in self.dropped)
            parts.append(_("dropped identifier columns {shown}",
                           shown=shown))
        parts += self.wide
        return f"{self.form}: " + ", ".join(p for p in parts if p)

    @classmethod
    def reading(cls, report: FormatReport | None, form: str
                ) -> FormatReport:
        """``report`` (a new one when ``None``), set to the form a reader
        is about to read."""
        report = report if report is not None else cls()
        report.form = form
        return report


def _attribute(what: str, values: dict[str, str]) -> str:
    """``encoding utf-8`` or ``encoding windows-1252 (areas.csv), utf-8``."""
    by_value: dict[str, list[str]] = {}
    for label, value in values.items():
        by_value.setdefault(value, []).append(label)
    if not by_value:
        return ""
    if len(by_value) == 1:
        return f"{what} {next(iter(by_value))}"
    ordered = sorted(by_value.items(), key=lambda kv: len(kv[1]))
    texts = [f"{value} ({_named(labels)})" for value, labels in ordered[:-1]]
    texts.append(_("{value} (other files)", value=ordered[-1][0]))
    return f"{what} " + ", ".join(texts)


def _named(labels: list[str]) -> str:
    shown = ", ".join(labels[:MAX_FILES_NAMED])
    more = len(labels) - MAX_FILES_NAMED
    return shown + (" " + _("and {more} more", more=more)
                    if more > 0 else "")


def _numbers(files: list[FileFormat]) -> str:
    comma = [f.label for f in files if f.seen["numbers", "decimal comma"]]
    point = [f.label for f in files if f.seen["numbers", "decimal point"]]
    grouped = [f.label for f in files
               if f.seen["numbers", "thousands grouped"]]
    parts = []
    if comma:
        parts.append(_("decimal comma") + (
            f" ({_named(comma)})" if point else ""
        ))
    if point:
        parts.append(_("decimal point") + (
            f" ({_named(point)})" if comma else ""
        ))
    if grouped:
        parts.append(_("thousands grouped ({files})",
                       files=_named(grouped)))
    return ", ".join(parts)


def _styles(aspect: str, files: list[FileFormat]) -> str:
    totals: Counter = Counter()
    labels: dict[str, list[str]] = {}
    for f in files:
        for (kind, style), n in f.seen.items():
            if kind == aspect and n:
                totals[style] += n
                labels.setdefault(style, []).append(f.label)
    if not totals:
        return ""
    if len(totals) == 1:
        return f"{_(ASPECT_WORD[aspect])} {next(iter(totals))}"
    styles = [s for s, _n in totals.most_common()]
    return f"{_(ASPECT_WORD[aspect])} " + ", ".join(
        f"{s} ({_named(labels[s])})" for s in styles
    )
