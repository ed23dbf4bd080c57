"""How the headless output reaches a console: data as literal text, and tables printed unwrapped in CI logs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console, RenderableType
from rich.text import Text

from wit_tui.render.text import printable

#: Off a terminal (a CI log) the console widens up to this many columns to fit the widest table.
MAX_LOG_WIDTH = 240


def plain(value: Any, style: str = "") -> Text:
    """Text from the data (a category, a column or model name) for a rich table: never read as markup, so a
    value such as ``[/]`` or ``[bold]`` is printed as is instead of styling the table or raising MarkupError,
    and printable, so an escape sequence in it cannot drive the terminal."""
    return Text(printable(value), style=style)


def print_all(console: Console, renderables: Sequence[RenderableType]) -> None:
    """Print; off a terminal, widen the console to the widest table (up to 240 columns) so CI logs do not wrap."""
    if not console.is_terminal:
        options = console.options.update_width(MAX_LOG_WIDTH)
        widest = max((console.measure(r, options=options).maximum for r in renderables), default=0)
        if widest > console.width:
            console.width = min(MAX_LOG_WIDTH, widest)
    for r in renderables:
        console.print(r)


__all__ = ["MAX_LOG_WIDTH", "plain", "print_all"]
