"""Policies: presets, TOML files and their located problems."""

from __future__ import annotations

import pytest

from allocator.io import InputError, policy_presets, read_policy, write_policy
from models import Policy


@pytest.mark.parametrize(
    "name", ["default", "strict-dispersion", "shared-housing", "weighted"]
)
def test_read_policy_loads_preset_by_name(name):
    """Tests that each shipped preset loads by name and keeps its name."""
    assert read_policy(name).name == name


def test_policy_presets_lists_the_shipped_files():
    """Tests that the presets are the TOML files in allocator/policies."""
    presets = policy_presets()
    assert {"default", "strict-dispersion", "shared-housing", "weighted"} <= (
        set(presets)
    )
    assert all(path.suffix == ".toml" for path in presets.values())


def test_read_policy_default_preset_equals_builtin_defaults():
    """
    Tests that every rule of default.toml equals the built-in default of
    models.Policy (the description is prose and differs).
    """
    default = read_policy("default")
    assert default.model_copy(update={"description": ""}) == Policy()


def test_read_policy_strict_dispersion_sets_building_cap():
    """Tests that a preset's values override the defaults."""
    policy = read_policy("strict-dispersion")
    assert policy.dispersion.building_cap == 2
    assert policy.weights.dispersion == 1000


def test_write_policy_roundtrips_including_none(tmp_path):
    """
    Tests that a written policy reads back equal, with a rule switched off
    (None), which TOML has no value for, kept as None.
    """
    policy = read_policy("strict-dispersion").model_copy(
        update={
            "dispersion": Policy().dispersion.model_copy(
                update={"area_cap_share": None, "building_cap": None}
            )
        }
    )
    write_policy(policy, tmp_path / "p.toml")
    assert read_policy(tmp_path / "p.toml") == policy


def test_read_policy_reports_bad_toml_with_line(tmp_path):
    """Tests that a TOML syntax error names the file and line."""
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\n[weights]\nhoused = = 3\n')
    with pytest.raises(InputError) as caught:
        read_policy(path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.rule) == (
        "mine.toml", 3, "syntax"
    )


def test_read_policy_reports_unknown_field_with_path_and_line(tmp_path):
    """
    Tests that a misspelt field names the file, its line and its dotted
    field path.
    """
    path = tmp_path / "mine.toml"
    path.write_text(
        'name = "mine"\n\n[dispersion]\narea_cap_shar = 0.2\n'
    )
    with pytest.raises(InputError) as caught:
        read_policy(path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.rule) == (
        "mine.toml", 4, "dispersion.area_cap_shar", "unknown-field"
    )


def test_read_policy_reports_every_invalid_field(tmp_path):
    """Tests that several invalid values are all reported, each located."""
    path = tmp_path / "mine.toml"
    path.write_text(
        'horizon_days = -1\nobjective = "fastest"\n'
        "[deadlines]\npriority_months = 9\nstandard_months = 6\n"
    )
    with pytest.raises(InputError) as caught:
        read_policy(path)
    located = {(p.row, p.column, p.rule) for p in caught.value.problems}
    assert located == {
        (1, "horizon_days", "out-of-range"),
        (2, "objective", "unknown-value"),
        (3, "deadlines", "invalid"),
    }


def test_read_policy_reports_unknown_name():
    """Tests that a name that is neither file nor preset lists presets."""
    with pytest.raises(InputError) as caught:
        read_policy("no-such-policy")
    (problem,) = caught.value.problems
    assert problem.rule == "missing-file"
    assert "strict-dispersion" in problem.message
