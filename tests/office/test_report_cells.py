"""The report's table cells, each distinct value rendered once."""

from __future__ import annotations

from allocator.office.report import _column_cells


def test_equal_values_of_other_types_are_rendered_apart():
    """Tests that 0 and False, and 1 and True, equal as keys, are each
    rendered as their own type, whichever comes first in the column."""
    cells = _column_cells([0, False, 1, True, 0], "<td>",
                          lambda v: f"{type(v).__name__}:{v}")
    assert cells == ["<td>int:0</td>", "<td>bool:False</td>",
                     "<td>int:1</td>", "<td>bool:True</td>",
                     "<td>int:0</td>"]


def test_unhashable_values_are_rendered_one_by_one():
    """Tests that a column with an unhashable value is still rendered."""
    assert _column_cells([[1], [1]], "<td>", str) == ["<td>[1]</td>"] * 2
