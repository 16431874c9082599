"""
Keeping the message catalogues whole: extract every marked message from
the code, and merge it into ``allocator/locale/<lang>/LC_MESSAGES/
allocator.po`` (Babel). ``make catalogues`` runs ``update``; translators
then fill the empty Norwegian entries. English entries are the English
text itself.

A message is marked by calling ``_``, ``gettext``, ``ngettext`` or ``N_``
on a literal string (``t._("...")``, ``t.ngettext("one", "many", n)``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from .i18n import DOMAIN, LANGS, LOCALE_DIR

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
ROOTS = ("allocator", "models")
STABLE_DATE = datetime(2026, 1, 1, tzinfo=UTC)
"""Header dates of the catalogues, fixed so that updates diff cleanly."""
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def source_root() -> Path:
    return Path(__file__).resolve().parent.parent


def extract() -> dict[str | tuple[str, str], list[str]]:
    """Every marked message: msgid (or (singular, plural)) -> locations."""
    from babel.messages.extract import extract_from_dir

    found: dict = {}
    root = source_root()
    for folder in ROOTS:
        for filename, lineno, message, _comments, _ctx in extract_from_dir(
            root / folder, method_map=[("**.py", "python")],
            keywords=KEYWORDS,
        ):
            if not message or (isinstance(message, tuple)
                               and not message[0]):
                continue
            if isinstance(message, tuple):
                message = tuple(m for m in message if m)
                if len(message) == 1:
                    message = message[0]
            found.setdefault(message, []).append(
                f"{folder}/{filename}:{lineno}")
        for path in sorted((root / folder).rglob("*.py")):
            for lineno, doc in command_docstrings(path):
                found.setdefault(doc, []).append(
                    f"{path.relative_to(root)}:{lineno}")
    return found


def command_docstrings(path: Path) -> list[tuple[int, str]]:
    """
    The docstrings of the functions of ``path`` decorated as commands
    (``@app.command()``): the command line's help, translated when it
    runs (``allocator.cli``), cleaned as ``inspect.cleandoc`` does.
    """
    import ast

    text = path.read_text(encoding="utf-8")
    if ".command(" not in text:
        return []
    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            call = deco.func if isinstance(deco, ast.Call) else deco
            if isinstance(call, ast.Attribute) and call.attr == "command":
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    found.append((node.lineno, doc))
                break
    return found


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str):
    from babel.messages.pofile import read_po

    path = po_path(lang)
    if not path.exists():
        from babel.messages.catalog import Catalog

        return Catalog(locale=lang, domain=DOMAIN)
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def update(translations: dict[str, dict] | None = None) -> dict[str, int]:
    """
    Merge the extracted messages into every catalogue: new ones are added
    (English: the text itself; others: from ``translations[lang]`` or
    empty), ones no longer in the code are dropped, translations kept.

    Returns the number of untranslated messages by language.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    messages = extract()
    missing = {}
    for lang in LANGS:
        old = read_catalogue(lang)
        given = (translations or {}).get(lang, {})
        cat = Catalog(locale=lang, domain=DOMAIN, project="housing-allocator",
                      version="1", charset="utf-8", fuzzy=False,
                      creation_date=STABLE_DATE, revision_date=STABLE_DATE,
                      copyright_holder="the housing-allocator authors",
                      last_translator="the housing-allocator authors",
                      language_team=lang)
        missing[lang] = 0
        for msgid in sorted(messages, key=lambda m: m if isinstance(m, str)
                            else m[0]):
            key = msgid if isinstance(msgid, str) else msgid[0]
            previous = old.get(key)
            string = previous.string if previous is not None else None
            if lang == "en":
                string = msgid
            elif key in given:
                string = given[key]
            if isinstance(msgid, tuple):
                if not isinstance(string, tuple | list) or not all(string):
                    string = ("", "")
            elif not isinstance(string, str):
                string = ""
            if not (all(string) if isinstance(string, tuple | list)
                    else string):
                missing[lang] += 1
            cat.add(msgid, string=tuple(string)
                    if isinstance(string, list) else string,
                    locations=[(loc.rsplit(":", 1)[0], int(loc.rsplit(":", 1)[1])) for loc in
                               messages[msgid][:3]])
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, cat, width=76, sort_output=True, include_lineno=False,
                     include_previous=False, omit_header=False)
    return missing


def placeholders(text: str) -> set[str]:
    return {m.group(1) for m in PLACEHOLDER.finditer(text)}


if __name__ == "__main__":
    import sys

    for lang, n in update().items():
        print(f"{lang}: {n} untranslated")
    sys.exit(0)
