"""The packaging promises: dependency direction and solver libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import models

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_models_imports_neither_numpy_nor_ortools_nor_allocator():
    """Tests the dependency direction: models is the solver-free contract."""
    for path in (ROOT / "models").rglob("*.py"):
        assert not _imports(path) & {"numpy", "ortools", "allocator",
                                     "pulp", "highspy", "networkx"}, path


def test_importing_models_loads_no_solver():
    """Tests, in a fresh interpreter, that models pulls in no NumPy."""
    code = (
        "import sys, models; "
        "print(sorted(m for m in ('numpy', 'ortools') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_models_package_is_this_repository():
    """Tests that the generic name 'models' resolves to our package."""
    assert Path(models.__file__).resolve().is_relative_to(ROOT)


def test_ortools_and_highspy_import_in_one_process_either_order():
    """Tests the pinned pair that avoids the clashing HiGHS libraries."""
    for order in ("ortools.graph.python.min_cost_flow, highspy",
                  "highspy, ortools.sat.python.cp_model"):
        code = (
            f"import {order}; import pulp; "
            "print('HiGHS' in pulp.listSolvers(onlyAvailable=True))"
        )
        out = subprocess.run([sys.executable, "-c", code],
                             capture_output=True, text=True, cwd=ROOT)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "True"
