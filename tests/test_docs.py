"""The documentation names only things that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _test_names() -> set[str]:
    names = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        names |= set(re.findall(r"^def (test_\w+)", path.read_text(), re.M))
    return names


def test_every_test_named_in_the_rules_table_exists():
    """Tests that the README's rules table cites real tests."""
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Rules"):readme.index("### How to add")]
    cited = set(re.findall(r"`(?:[\w/]+\.py::)?(test_\w+)`", table))
    assert cited, "the rules table cites no test"
    assert cited <= _test_names(), sorted(cited - _test_names())


def test_rules_table_covers_every_requirement_of_sections_7_1_and_7_2():
    """Tests that requirements 7.1.1-7.1.11 and 7.2.12-7.2.24 each appear."""
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Rules"):readme.index("### How to add")]
    wanted = [f"7.1.{i}" for i in range(1, 12)]
    wanted += [f"7.2.{i}" for i in range(12, 25)]
    missing = [w for w in wanted if not re.search(rf"{re.escape(w)}\b", table)]
    assert not missing, missing
