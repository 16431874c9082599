"""
Click's and Typer's own words (``Usage:``, ``Options``, ``Arguments``,
``[required]``, ``Show this message and exit.``) in the language in use.

Typer looks its words up with ``gettext.gettext``, bound as ``_`` in its
modules when they load, at the time a help page is written (and so does
click, where it is the click Typer runs on). ``translated`` points those
names at the catalogues of ``allocator.i18n`` for the length of a
command line run and puts the originals back afterwards. The click that
Typer carries with it (``typer._click``) writes ``Usage:`` and the help
option's text without gettext: for those ``translated`` gives its
``Context`` a help formatter that writes them translated. The words are
marked here so that the catalogues hold them (click and Typer fill the
placeholders themselves).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager

from .i18n import N_, current

MODULES = ("typer.core",)
"""The modules whose ``_`` writes the words of a help page or an error."""

CLICK_MODULES = ("click.core", "click.formatting", "click.decorators",
                 "click.exceptions", "click.parser", "click.types")
"""The same in click, where Typer runs on click itself; where Typer
carries its own, loading click (another package may have installed it)
would cost every command its import for nothing."""

WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Arguments"),
    N_("Commands"),
    N_("required"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Show this message and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing parameter: {param_name}"),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Missing command."),
    N_("Option {name!r} does not take a value."),
    N_("Aborted!"),
)
"""The words translated; any other passes through in English."""


def _lookup(message: str) -> str:
    """``message`` from the catalogue of the language in use, unformatted
    (click fills the placeholders)."""
    return current().gettext(message)


HELP_OPTION = "Show this message and exit."
"""The help option's text as click writes it."""


def _formatter(base: type) -> type:
    """A help formatter like ``base`` that writes ``Usage:`` and the help
    option's text in the language in use."""

    class Formatter(base):
        def write_usage(self, prog, args="", prefix=None):
            if prefix is None:
                prefix = _lookup("Usage:") + " "
            super().write_usage(prog, args, prefix)

        def write_dl(self, rows, *args, **kwargs):
            rows = [(term, _lookup(text) if text == HELP_OPTION else text)
                    for term, text in rows]
            super().write_dl(rows, *args, **kwargs)

    Formatter.__name__ = Formatter.__qualname__ = f"Translated{base.__name__}"
    return Formatter


@contextmanager
def translated() -> Iterator[None]:
    """Click's and Typer's words in the language in use while inside."""
    saved: list[tuple[object, str, object]] = []
    carried = importlib.util.find_spec("typer._click") is not None
    for name in MODULES if carried else MODULES + CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if callable(getattr(module, "_", None)):
            saved.append((module, "_", module._))
            module._ = _lookup
    try:
        from typer._click.core import Context
    except ImportError:  # a Typer that runs on click itself
        Context = None
    if Context is not None and "formatter_class" in vars(Context):
        saved.append((Context, "formatter_class", Context.formatter_class))
        Context.formatter_class = _formatter(Context.formatter_class)
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
