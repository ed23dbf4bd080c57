"""How one line of a DataGrid is drawn: cells fitted to their columns, the pinned part and the scrolled part.

Control characters would break a one-line-per-row layout (a "\\n" in a cell would start a new terminal line) or
drive the terminal (an escape sequence in a value), so they are shown as visible stand-ins (``render.text``), one
character for one, which keeps ``Text`` spans valid.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from wit_tui.render.text import printable, safe_text
from wit_tui.tui.widgets.grid_columns import GridLayout, is_number

__all__ = ["GRID_CSS", "Cell", "LineStyles", "fit_cell", "fit_str", "fit_text", "render_line"]

Cell = str | Text
"""A display cell: plain text or pre-styled rich ``Text``."""

_ELLIPSIS = "…"

#: the grid's look: the current row, the current cell (stronger), the current column's header
GRID_CSS = """
DataGrid {
    background: $surface;
    color: $foreground;
    height: 1fr;
    &:focus {
        background-tint: $foreground 5%;
    }
    & > .datagrid--header {
        text-style: bold;
        background: $panel;
        color: $foreground;
    }
    & > .datagrid--header-current {
        text-style: bold underline;
        color: $text-accent;
    }
    &:ansi > .datagrid--header {
        background: ansi_bright_blue;
        color: ansi_default;
    }
    & > .datagrid--cursor {
        background: $block-cursor-background 60%;
        color: $block-cursor-foreground;
    }
    & > .datagrid--cursor-blurred {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    & > .datagrid--cell {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    & > .datagrid--stripe {
        background: $surface-lighten-1 50%;
    }
    & > .datagrid--empty {
        color: $text-muted;
        text-style: italic;
    }
}
"""


def fit_str(value: str, width: int, justify: str) -> str:
    """Truncate (with ellipsis) / pad a plain string to exactly ``width`` cells (the fast path: no ``Text``)."""
    value = printable(value)
    length = cell_len(value)
    if length > width:
        # set_cell_size also handles double-width characters split at the edge.
        return set_cell_size(value, width - 1) + _ELLIPSIS
    if length < width:
        pad = " " * (width - length)
        return pad + value if justify == "right" else value + pad
    return value


def fit_text(value: Text, width: int, justify: str) -> Text:
    """Truncate (with ellipsis) / pad a rich ``Text`` to exactly ``width`` cells."""
    text = safe_text(value).copy()
    text.truncate(width, overflow="ellipsis")
    text.align("right" if justify == "right" else "left", width)
    return text


class LineStyles:
    """The styles of one line: its own, and the current cell's (None: no current cell on this line)."""

    __slots__ = ("current", "line")

    def __init__(self, line: Style, current: Style | None = None) -> None:
        self.line = line
        self.current = current


def fit_cell(console: Console, value: Cell, width: int, justify: str, style: Style) -> list[Segment]:
    """The segments of one cell fitted to ``width`` cells: text cut with "…"; a number is whole or only "…"."""
    if isinstance(value, Text):
        if cell_len(value.plain) > width and is_number(value.plain):
            value = _ELLIPSIS
        else:
            text = fit_text(value, width, justify)
            # render() draws the spans only: the Text's own style goes under them, over the line's
            own = console.get_style(text.style, default=None) if text.style else None
            return list(Segment.apply_style(text.render(console), style=style + own if own else style))
    value = str(value)
    if cell_len(printable(value)) > width and is_number(value):
        value = _ELLIPSIS
    return [Segment(fit_str(value, width, justify), style)]


def _cells(
    console: Console,
    grid: GridLayout,
    cells: Sequence[Cell],
    span: range,
    styles: LineStyles,
    current: int,
    room: dict[int, int],
) -> list[Segment]:
    """Segments of the shown columns ``span``, a one-cell gap between them; column ``current`` in its style.

    ``room``: the columns not drawn whole, with the cells their text gets from the column's start (0: blank).
    """
    segments: list[Segment] = []
    append = segments.append
    for index in span:
        style = styles.line
        if index != span.start:
            append(Segment(" ", style))
        width = grid.widths[index]
        fit = room.get(index, width)
        if fit <= 0:
            append(Segment(" " * width, style))
            continue
        if index == current and styles.current is not None:
            style = style + styles.current
        source = grid.indices[index]
        value = cells[source] if source < len(cells) else ""
        segments.extend(fit_cell(console, value, fit, grid.columns[index].justify, style))
        if fit < width:
            append(Segment(" " * (width - fit), styles.line))
    return segments


def _room(grid: GridLayout, scroll_x: int, visible: int, current: int) -> dict[int, int]:
    """The scrolled columns not drawn whole, with the cells their text gets (0: blank).

    A number cut by an edge reads as another one ("583" or "0.9" for "0.9583"), so a column that is not wholly in
    view is blank, header included. The current column is the exception when it starts in view but does not fit
    (wider than the whole scrolled part): it gets the cells up to the right edge, its text cut with "…" and a
    number that does not fit shown as "…" alone, never as some of its digits.
    """
    edge = scroll_x + visible
    room: dict[int, int] = {}
    for index in range(grid.pinned, len(grid.columns)):
        start = grid.starts[index]
        end = start + grid.widths[index]
        if start >= scroll_x and end <= edge:
            continue
        room[index] = edge - start if index == current and scroll_x <= start < edge else 0
    return room


def render_line(
    console: Console,
    grid: GridLayout,
    cells: Sequence[Cell],
    styles: LineStyles,
    current: int,
    scroll_x: int,
    width: int,
    shown: int,
) -> Strip:
    """One screen line ``width`` cells wide: the pinned columns, then the others scrolled by ``scroll_x``
    (``shown``: cells not under a scrollbar); a scrolled column not wholly in view is blank (see :func:`_room`)."""
    style = styles.line
    pinned_width = grid.pinned_width
    pinned: list[Segment] = []
    if grid.pinned:
        pinned = _cells(console, grid, cells, range(grid.pinned), styles, current, {})
        pinned.append(Segment(" ", style))
    room = max(0, width - pinned_width)
    visible = max(0, min(width, shown) - pinned_width)
    cut = _room(grid, scroll_x, visible, current)
    rest = _cells(console, grid, cells, range(grid.pinned, len(grid.columns)), styles, current, cut)
    body = Strip(rest, grid.scroll_width).crop_extend(scroll_x, scroll_x + room, style)
    if not pinned:
        return body
    head = Strip(pinned, pinned_width)
    if pinned_width > width:
        return head.crop_extend(0, width, style)
    return Strip.join([head, body])
