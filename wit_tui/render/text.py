"""User data as text: never read as markup, and never able to drive the terminal.

Column names, model names and category values come from files anyone can write. Shown through markup they
can crash the app (``[/]``) or lose characters (``weight [kg]`` shown as ``weight``); written to a terminal
raw, an escape sequence in them can clear the screen, set the window title or write the clipboard (OSC 52).

Every control character is replaced by one visible character of the same width, so a value keeps its length,
a table keeps its alignment and the spans of a styled ``Text`` stay valid: C0 controls and DEL by their Unicode
control pictures (ESC shows as ``␛``, BEL as ``␇``), C1 controls and the bidirectional overrides and isolates
(which can make text read in another order than it is stored) by ``�``, as they have no picture.
"""

from __future__ import annotations

from typing import Any

from rich.columns import Columns
from rich.console import Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

#: C1 controls and the bidirectional embeddings, overrides and isolates: shown as the replacement character
_NO_PICTURE = (*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))

#: one character for one, so a ``Text``'s spans and a cell's width are unchanged
CONTROL_PICTURES: dict[int, str] = {
    **{c: chr(0x2400 + c) for c in range(0x20)},
    0x7F: "\u2421",
    **dict.fromkeys(_NO_PICTURE, "\ufffd"),
}

#: the same, but line breaks and tabs kept: for messages and notes, which may span lines
_KEEP_LINES = {c: r for c, r in CONTROL_PICTURES.items() if c not in (0x0A, 0x09)}


def printable(value: Any, *, lines: bool = False) -> str:
    """``str(value)`` with every control character replaced by a visible one (see the module docstring).

    ``lines=True`` keeps newlines and tabs (a message of several lines); a single value (a name, a cell) has
    none, so by default a newline shows as ``␊`` instead of breaking a one-line layout."""
    s = str(value)
    if s.isprintable() and not _has_bidi(s):
        return s
    return s.translate(_KEEP_LINES if lines else CONTROL_PICTURES)


def _has_bidi(s: str) -> bool:
    """Whether ``s`` holds a bidi override or isolate (``isprintable`` counts them as printable)."""
    return any("\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" for ch in s) if not s.isascii() else False


def safe(value: Any, style: str = "", *, lines: bool = False) -> Text:
    """User data as a rich ``Text``: literal (``[/]`` is two brackets and a slash) and printable."""
    if isinstance(value, Text):
        return safe_text(value, lines=lines)
    return Text(printable(value, lines=lines), style=style, end="")


def safe_text(text: Text, *, lines: bool = False) -> Text:
    """A ``Text`` built elsewhere (perhaps holding data) made printable, its styles kept."""
    clean = printable(text.plain, lines=lines)
    if clean == text.plain:
        return text
    out = text.copy()
    out.plain = clean
    return out


def literal(renderable: Any) -> Any:
    """A renderable built for a widget, made literal and printable throughout.

    Strings (which rich and Textual read as markup) become ``Text``; a ``Text``, the parts of a ``Group`` or
    ``Columns`` and a ``Table``'s title, headers and cells are cleaned in place, so the same object comes back (a
    caller comparing by identity still can). Anything else (a plot, a Textual ``Content``) is returned as is."""
    if isinstance(renderable, str):
        return Text(printable(renderable, lines=True))
    if isinstance(renderable, Text):
        clean = printable(renderable.plain, lines=True)
        if clean != renderable.plain:
            renderable.plain = clean
        return renderable
    if isinstance(renderable, Group | Columns):
        renderable.renderables[:] = [literal(r) for r in renderable.renderables]
    elif isinstance(renderable, Table):
        for attr in ("title", "caption"):
            if getattr(renderable, attr) is not None:
                setattr(renderable, attr, literal(getattr(renderable, attr)))
        for column in renderable.columns:
            column.header = literal(column.header)
            column.footer = literal(column.footer)
            column._cells[:] = [literal(c) for c in column._cells]
    elif isinstance(renderable, Padding | Panel):
        renderable.renderable = literal(renderable.renderable)
    return renderable


def quoted(value: Any) -> str:
    """``'value'`` as ``repr`` would quote a name in a message, but printable and without Python's escapes."""
    return f"'{printable(value)}'"


__all__ = ["CONTROL_PICTURES", "literal", "printable", "quoted", "safe", "safe_text"]
