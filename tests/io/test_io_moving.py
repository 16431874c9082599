"""Located problems in the moving-on columns of households.csv."""

from __future__ import annotations

from tests.io.test_io_csv_problems import located


def test_moving_on_that_is_not_a_boolean_is_located(csv_dir, edit_cell):
    """Tests that moving_on 'kanskje' is a wrong type at its cell."""
    edit_cell(csv_dir / "households.csv", 2, "moving_on", "kanskje")
    assert located(csv_dir) == {
        ("households.csv", 2, "moving_on", "wrong-type")
    }


def test_moving_on_needs_a_current_dwelling(csv_dir, edit_cell):
    """Tests that a tenant moving on without a dwelling is located."""
    edit_cell(csv_dir / "households.csv", 3, "moving_on", "ja")
    edit_cell(csv_dir / "households.csv", 3, "current_dwelling", "")
    assert located(csv_dir) == {
        ("households.csv", 3, "moving_on", "moving-on")
    }


def test_two_sitting_tenants_of_one_dwelling_are_located(csv_dir,
                                                         edit_cell):
    """Tests that a second tenant of the same dwelling is located at its
    current_dwelling."""
    for row in (3, 4):
        edit_cell(csv_dir / "households.csv", row, "moving_on", "true")
        edit_cell(csv_dir / "households.csv", row, "current_dwelling", "D-1")
    assert located(csv_dir) == {
        ("households.csv", 4, "current_dwelling", "moving-on")
    }
