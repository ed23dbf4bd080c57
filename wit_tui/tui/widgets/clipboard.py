"""Copying a table out as TSV, through the terminal (OSC 52), so it reaches the local clipboard over SSH too.

The terminal, not the machine running the app, owns the clipboard a user pastes from; OSC 52 asks the terminal to
set it. Inside tmux the sequence must be wrapped in tmux's passthrough (DCS ``tmux;`` with every ESC doubled) to
reach the outer terminal; the plain sequence is sent as well, for a tmux that takes OSC 52 itself.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable, Mapping, Sequence

from rich.text import Text
from textual.app import App
from textual.widget import Widget

ESC = "\x1b"

#: the biggest table ctrl+y copies from the datapoints grid (it walks every row)
MAX_COPY_ROWS = 10_000

_BLANKS = re.compile(r"[\t\r\n\x0b\x0c]")


def osc52(text: str, *, tmux: bool = False) -> str:
    """The escape sequence that puts ``text`` on the terminal's clipboard (wrapped for tmux when ``tmux``)."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"{ESC}]52;c;{payload}\a"
    if not tmux:
        return sequence
    return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ESC}\\"


def in_tmux(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the app runs inside tmux (which needs the passthrough wrapping)."""
    return bool((os.environ if environ is None else environ).get("TMUX"))


def plain(cell: object) -> str:
    """A cell as copied text: what is displayed, without styling; tabs and line breaks become spaces."""
    text = cell.plain if isinstance(cell, Text) else "" if cell is None else str(cell)
    return _BLANKS.sub(" ", text)


def tsv(header: Sequence[object] | None, rows: Iterable[Sequence[object]]) -> str:
    """Rows (and a header line) as tab-separated text, one line each, ending with a newline."""
    lines = [] if header is None else ["\t".join(plain(c) for c in header)]
    lines.extend("\t".join(plain(c) for c in row) for row in rows)
    return "\n".join(lines) + "\n" if lines else ""


def copy_to_terminal(app: App, text: str) -> None:
    """Put ``text`` on the clipboard: the app's own copy (OSC 52), and under tmux the same through passthrough."""
    app.copy_to_clipboard(text)
    if in_tmux():
        # the app exposes no public writer for raw output; its driver is the one terminal stream
        driver = getattr(app, "_driver", None)
        if driver is not None:
            driver.write(osc52(text, tmux=True))


def copied_note(rows: int, columns: int, *, cell: bool = False) -> str:
    """What a copy says it did."""
    if cell:
        return "Copied 1 cell"
    return f"Copied {rows:,} row{'s' if rows != 1 else ''} ({columns} column{'s' if columns != 1 else ''}) as TSV"


def too_big_note(rows: int) -> str:
    """Why ctrl+y copied nothing."""
    return f"Not copied: {rows:,} rows is more than {MAX_COPY_ROWS:,}; filter first, or save the rows with ctrl+s"


def tell(widget: Widget, text: str) -> None:
    """Show a short note in the nearest view's note line (an ancestor with ``say``), else as a toast."""
    for node in widget.ancestors_with_self:
        say = getattr(node, "say", None)
        if callable(say):
            say(text)
            return
    widget.app.notify(text, timeout=6)


__all__ = [
    "MAX_COPY_ROWS",
    "copied_note",
    "copy_to_terminal",
    "in_tmux",
    "osc52",
    "plain",
    "tell",
    "too_big_note",
    "tsv",
]
