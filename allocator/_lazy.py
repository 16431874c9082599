"""
Names of a package imported from their modules on first use, so that a
command pays only for what it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module


def lazy_names(package: str, names: dict[str, str], namespace: dict,
               ) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """
    The module ``__getattr__`` and ``__dir__`` of ``package`` whose
    ``names`` (name -> relative module) are imported when first read and
    then kept in its ``namespace`` (its ``globals()``).
    """

    def __getattr__(name: str):
        if name not in names:
            raise AttributeError(
                f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(names[name], package), name)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(list(namespace) + list(names))

    return __getattr__, __dir__
