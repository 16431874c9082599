"""The report's figures as SVG: bounded at national scale, said so."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from allocator.i18n import translator
from allocator.office import figures
from allocator.office.views import office_view

SVG = "{http://www.w3.org/2000/svg}"


def test_map_is_well_formed_svg_with_one_path_per_kind_of_mark(city):
    """Tests that the map parses as SVG, draws the dwellings matched and
    left empty as one path each (not a mark per dwelling), names every
    area of the city and has no note when nothing is left out."""
    instance, _, proposal = city
    svg, note = figures.map_figure(proposal, instance, translator("en"))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    blue = [p.get("d") for p in root.iter(f"{SVG}path")
            if p.get("fill") == figures.BLUE]
    assert len(blue) == 2  # on the map and in the legend
    assert blue[0].count("M") == len(proposal.matches)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for area in instance.areas:
        assert area.name in texts
    assert note == ""


def test_map_names_only_the_areas_with_most_dwellings(city, monkeypatch):
    """Tests that with more areas than MAX_AREA_LABELS the map names that
    many, and the note says how many of how many."""
    instance, _, proposal = city
    monkeypatch.setattr(figures, "MAX_AREA_LABELS", 5)
    svg, note = figures.map_figure(proposal, instance, translator("en"))
    labels = re.findall(r"<text [^>]*font-size=\"7\"[^>]*>", svg)
    assert len(labels) == 5
    assert note == (f"Only the 5 of {len(instance.areas)} areas with the "
                    "most dwellings are named.")


def test_bar_chart_keeps_the_areas_whose_share_changes_most(city,
                                                           monkeypatch):
    """Tests that with more areas than MAX_BAR_AREAS the chart shows the
    areas with the largest change of share, in the table's order, and
    says so; and that it parses as SVG."""
    instance, policy, proposal = city
    t = translator("nb")
    rows = office_view(proposal, instance, t, policy).areas
    monkeypatch.setattr(figures, "MAX_BAR_AREAS", 4)
    svg, note = figures.dispersion_figure(rows, t, policy)
    ET.fromstring(svg)
    change = sorted(rows, key=lambda r: -abs((r["share_after"] or 0)
                                             - r["share_before"]))
    kept = [r["area"] for r in rows if r in change[:4]]
    names = re.findall(r"text-anchor=\"end\">([^<]*)</text>", svg)
    assert names == kept
    assert note.startswith("Bare de 4 av ")
