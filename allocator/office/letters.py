"""
Offer letters: one per household offered a dwelling, from a template the
office can edit, in Norwegian (bokmål) or English; as PDF (fpdf2, no
browser) and as printable HTML.

A template is plain UTF-8 text with ``$name`` placeholders (Python's
``string.Template``): a line starting ``# `` is the heading, lines
starting ``- `` make a list, blank lines separate paragraphs. The
placeholders are those of ``PLACEHOLDERS``; an unknown one is an error
naming it. The shipped templates are ``templates/letter.nb.txt`` and
``templates/letter.en.txt``. A letter holds no sensitive field: only the
household's id and composition, and the dwelling.
"""

from __future__ import annotations

import html
import string
from datetime import date, timedelta
from pathlib import Path

from models import Instance, Proposal
from models._base import file_stem

from ..i18n import Translator, translator
from ..io._atomic import atomic_file, write_text_atomic
from .views import TENURE_TEXT, composition, move_in, place_text

TEMPLATES = Path(__file__).parent / "templates"
LETTERS_DIR = "letters"
REPLY_DAYS = 14
"""Days the household has to reply, from the letter's date."""

PLACEHOLDERS = (
    "household", "persons", "composition", "dwelling", "address", "area",
    "municipality", "bedrooms", "floor_area", "tenure", "rent", "move_in",
    "lease_months", "date", "reply_by",
)


class TemplateProblem(ValueError):
    """A letter template that names an unknown placeholder."""


def template_text(lang: str, path: str | Path | None = None) -> str:
    """The template: the office's file, or the shipped one."""
    if path is not None:
        return Path(path).read_text(encoding="utf-8-sig")
    return (TEMPLATES / f"letter.{lang}.txt").read_text(encoding="utf-8")


def check_template(text: str) -> None:
    """Raise ``TemplateProblem`` naming any unknown placeholder."""
    unknown = []
    for match in string.Template.pattern.finditer(text):
        name = match.group("named") or match.group("braced")
        if name and name not in PLACEHOLDERS:
            unknown.append(name)
        if match.group("invalid") is not None:
            unknown.append(text[match.start():match.start() + 12])
    if unknown:
        raise TemplateProblem(
            f"unknown placeholder(s) in the letter template: "
            f"{', '.join(sorted(set(unknown)))}; known: "
            f"{', '.join(PLACEHOLDERS)}.")


def letter_values(match, instance: Instance, t: Translator,
                  today: date) -> dict[str, str]:
    """The placeholders of one household's letter, as text."""
    h = next(x for x in instance.households if x.id == match.household)
    d = next(x for x in instance.dwellings if x.id == match.dwelling)
    areas = {a.id: a for a in instance.areas}
    municipality = next((m.name or m.id for m in instance.municipalities
                         if m.id == d.municipality), d.municipality)
    area = areas.get(d.area)
    return {
        "household": h.id,
        "persons": t.number(h.size),
        "composition": composition(h, t),
        "dwelling": d.id,
        "address": place_text(d, areas, t),
        "area": (area.name or area.id) if area else d.area,
        "municipality": municipality,
        "bedrooms": t.number(d.bedrooms),
        "floor_area": t.number(d.floor_area_m2, 0),
        "tenure": t._(TENURE_TEXT.get(d.tenure.value, d.tenure.value)),
        "rent": t.money(d.rent_nok),
        "move_in": t.date(move_in(d, instance.as_of), "long"),
        "lease_months": "" if d.lease_months is None
        else t.number(d.lease_months),
        "date": t.date(today, "long"),
        "reply_by": t.date(today + timedelta(days=REPLY_DAYS), "long"),
    }


def blocks(text: str) -> list[tuple[str, object]]:
    """A filled template as ``(kind, content)`` blocks: ``heading``,
    ``para`` (lines) and ``list`` (items)."""
    out: list[tuple[str, object]] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [ln.rstrip() for ln in chunk.strip("\n").split("\n")
                 if ln.strip()]
        if not lines:
            continue
        if lines[0].startswith("# "):
            out.append(("heading", lines[0][2:].strip()))
            lines = lines[1:]
            if not lines:
                continue
        if all(ln.startswith("- ") for ln in lines):
            out.append(("list", [ln[2:] for ln in lines]))
        else:
            out.append(("para", lines))
    return out


LETTER_CSS = """
body { font-family: Georgia, 'DejaVu Serif', serif; font-size: 11.5pt;
       line-height: 1.45; color: #111; max-width: 42em; margin: 3em auto;
       padding: 0 1.5em; }
h1 { font-size: 1.45em; margin: 0 0 1.2em; }
ul { padding-left: 1.2em; } li { margin: 0.15em 0; }
@media print { @page { size: A4; margin: 25mm 22mm; }
  body { margin: 0; max-width: none; padding: 0; } }
"""


def letter_html(filled: str, lang: str, title: str) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>", f"<html lang=\"{lang}\"><head>"
        "<meta charset=\"utf-8\">", f"<title>{e(title)}</title>",
        f"<style>{LETTER_CSS}</style></head><body><main>",
    ]
    for kind, content in blocks(filled):
        if kind == "heading":
            parts.append(f"<h1>{e(content)}</h1>")
        elif kind == "list":
            parts.append("<ul>" + "".join(f"<li>{e(i)}</li>"
                                          for i in content) + "</ul>")
        else:
            parts.append("<p>" + "<br>".join(e(x) for x in content)
                         + "</p>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _font_path() -> Path:
    """DejaVu Sans, shipped with matplotlib: æ, ø, å and dashes."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def letter_pdf(filled: str, title: str, made: date) -> bytes:
    """The letter as an A4 PDF (fpdf2), dated ``made`` so that the same
    letter gives the same bytes."""
    from datetime import UTC, datetime

    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(made.year, made.month, made.day,
                                   tzinfo=UTC))
    pdf.set_title(title)
    fonts = _font_path()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(22, 25, 22)
    pdf.set_auto_page_break(True, margin=25)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, content in blocks(filled):
        if kind == "heading":
            pdf.set_font("DejaVu", "B", 16)
            pdf.multi_cell(width, 8, content, new_x="LMARGIN",
                           new_y="NEXT")
            pdf.ln(4)
            continue
        pdf.set_font("DejaVu", "", 11)
        if kind == "list":
            for item in content:
                pdf.set_x(pdf.l_margin + 4)
                pdf.multi_cell(width - 4, 6, "\u2022 " + item, align="L",
                               new_x="LMARGIN", new_y="NEXT")
        else:
            for line in content:
                pdf.multi_cell(width, 6, line, align="L", new_x="LMARGIN",
                               new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def write_letters(proposal: Proposal, instance: Instance,
                  out_dir: str | Path, lang: str | None = None,
                  template: str | Path | None = None,
                  households: list[str] | None = None,
                  today: date | None = None,
                  pdf: bool = True) -> list[Path]:
    """
    Write an offer letter for each household offered a dwelling (or for
    ``households`` only): ``<household>.html`` and ``<household>.pdf``
    (the id as a safe file name, ``models.file_stem``)
    in ``out_dir``, each atomically.

    Parameters
    ----------
    template
        The office's template file; default the shipped one of ``lang``.
    today
        The letter's date; default the proposal's planning date.
    pdf
        Whether to write the PDF too.

    Returns
    -------
    list
        The HTML letters written (the PDFs lie beside them).

    Raises
    ------
    TemplateProblem
        When the template names an unknown placeholder.
    """
    t = translator(lang)
    text = template_text(t.lang, template)
    check_template(text)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    today = today or proposal.provenance.as_of
    wanted = None if households is None else set(households)
    written = []
    for m in sorted(proposal.matches, key=lambda m: m.household):
        if wanted is not None and m.household not in wanted:
            continue
        values = letter_values(m, instance, t, today)
        filled = string.Template(text).substitute(values)
        title = t._("Offer of a dwelling to household {household}",
                    household=m.household)
        path = out / f"{file_stem(m.household)}.html"
        write_text_atomic(path, letter_html(filled, t.lang, title))
        if pdf:
            with atomic_file(out / f"{file_stem(m.household)}.pdf") as \
                    temporary:
                temporary.write_bytes(letter_pdf(filled, title, today))
        written.append(path)
    return written
