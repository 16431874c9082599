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
    many, those with the most dwellings, and the note says how many of
    how many."""
    instance, _, proposal = city
    monkeypatch.setattr(figures, "MAX_AREA_LABELS", 5)
    svg, note = figures.map_figure(proposal, instance, translator("en"))
    labels = re.findall(r"font-size=\"7\"[^>]*>([^<]*)</text>", svg)
    count = {a.id: 0 for a in instance.areas}
    for d in instance.dwellings:
        count[d.area] += 1
    most = sorted(instance.areas, key=lambda a: (-count[a.id], a.id))[:5]
    assert labels == [a.name for a in most]
    assert note == (f"Only 5 of the {len(instance.areas)} areas are named: "
                    "those with the most dwellings, where the name has "
                    "room.")


def test_map_leaves_out_a_name_that_would_overlap(city):
    """Tests that of two areas at the same place only the one with more
    dwellings is named."""
    instance, _, proposal = city
    first, second = instance.areas[:2]
    node = next(d.node for d in instance.dwellings if d.area == first.id)
    moved = [d.model_copy(update={"node": node})
             if d.area in (first.id, second.id) else d
             for d in instance.dwellings]
    crowded = instance.model_copy(update={"dwellings": tuple(moved)})
    svg, note = figures.map_figure(proposal, crowded, translator("en"))
    labels = re.findall(r"font-size=\"7\"[^>]*>([^<]*)</text>", svg)
    assert (first.name in labels) != (second.name in labels)
    assert note.startswith(f"Only {len(instance.areas) - 1} of the ")


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
