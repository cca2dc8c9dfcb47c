"""Babel's extraction method for this code base (pyproject.toml's [tool.babel]): besides the gettext calls
(`_`, `N_`, `ngettext`, `pgettext`), what a person reads that is written as plain English where it is defined:

- a click command's or group's docstring (its help), and every `help="..."` of an option;
- a table column's header (`Col(key, header)`, or the key spelt out when no header is given);
- the class name of every event (context `event`), shown in timelines.

A gettext call whose message is not a literal cannot be extracted: `problems` names each (the catalog test). What
was marked where it is defined is looked up where it is shown with `i18n.translated`, which it does not flag.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import IO, Any

GETTEXT = {"_": 1, "N_": 1, "gettext": 1, "ngettext": 2, "pgettext": 2}
COMMAND_DECORATORS = {"command", "group"}


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple]:
    """Babel's method signature: (lineno, funcname, message or messages, comments) for each message."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        yield from _found(node)


def problems(source: str) -> list[tuple[int, str]]:
    """(line, what) for each gettext call that no extractor can read: its message is built at run time."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT:
            wanted = GETTEXT[_name(node.func)]
            if len(node.args) < wanted or not all(_text(a) is not None for a in node.args[:wanted]):
                found.append((node.lineno, f"{_name(node.func)}() of a message built at run time"))
    return found


def _found(node: ast.AST) -> Iterator[tuple]:
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name in GETTEXT:
            texts = [_text(a) for a in node.args[:GETTEXT[name]]]
            if texts and all(t is not None for t in texts):
                yield node.lineno, name, texts[0] if len(texts) == 1 else tuple(texts), []
        for keyword in node.keywords:
            if keyword.arg == "help" and _text(keyword.value):
                yield keyword.value.lineno, "_", _text(keyword.value), []
        if name == "Col":
            header = _header(node)
            if header:
                yield node.lineno, "_", header, []
    elif isinstance(node, ast.FunctionDef) and any(_is_command(d) for d in node.decorator_list):
        doc = ast.get_docstring(node, clean=True)
        if doc:
            yield node.lineno, "_", doc, []
    elif isinstance(node, ast.ClassDef) and any(_name(b).endswith(("Event", "Created")) for b in node.bases):
        yield node.lineno, "pgettext", ("event", node.name), []


def _header(node: ast.Call) -> str | None:
    given = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "header"), None)
    if given is not None:
        return _text(given) or None
    key = _text(node.args[0]) if node.args else None
    return key.replace("_", " ") if key else None


def _is_command(decorator: ast.expr) -> bool:
    return isinstance(decorator, ast.Call) and _name(decorator.func) in COMMAND_DECORATORS


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
