"""The io package's dependencies."""

from __future__ import annotations

import ast
from pathlib import Path

import allocator.io

HEAVY = {"numpy", "ortools", "pulp", "highspy", "networkx"}


def test_io_imports_no_numerical_package():
    """
    Tests that no module of allocator.io imports NumPy or a solver, so that
    reading and validating input stays light (openpyxl, which may pull in
    NumPy, is imported only inside the XLSX functions).
    """
    found = set()
    for path in Path(allocator.io.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            found |= {
                (path.name, n) for n in names if n.split(".")[0] in HEAVY
            }
    assert found == set()
