# size-exception: data_grid — a leaf widget with one concern, a virtual table (like Textual's DataTable)
# size-exception: DataGrid — the same leaf widget: cursor, paging, columns and rendering share its state
"""A virtual, read-only table widget that scales to millions of rows.

Textual's built-in ``DataTable`` copies every cell into Python objects up
front, which is far too slow (and memory hungry) for a 1,000,000-row
dataset.  ``DataGrid`` instead uses Textual's *line API*: it is a
``ScrollView`` whose ``render_line(y)`` renders only the lines currently on
screen, asking a caller-supplied ``get_rows(start, stop)`` callback for the
display cells of just those rows (one call per visible block, not per line).
Rendered lines are kept in small LRU caches so redraws and cursor moves are
cheap.

This module deliberately has no dependency on the rest of ``wit_tui``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from wit_tui.render.text import printable, safe_text

__all__ = ["Cell", "DataGrid", "GetRows", "GridColumn"]

Cell = str | Text
"""A display cell: plain text or pre-styled rich ``Text``."""

GetRows = Callable[[int, int], list[list[Cell]]]
"""``get_rows(start, stop)`` -> display cells of rows ``start .. stop-1``."""

# Control characters would break a one-line-per-row layout (a "\n" in a cell
# would start a new terminal line) or drive the terminal (an escape sequence in
# a value), so they are shown as visible stand-ins (``render.text``), one
# character for one, which keeps ``Text`` spans valid.

_ELLIPSIS = "…"

# Cells horizontally scrolled per left/right key press.
_H_SCROLL_STEP = 4


@dataclass(frozen=True)
class GridColumn:
    """One column of a :class:`DataGrid`.

    Widths are fixed (in terminal cells) so that the grid never needs to look
    at all rows to lay itself out.
    """

    key: str
    """Stable identifier (not displayed)."""
    label: str
    """Header text."""
    width: int
    """Width in terminal cells (values are truncated with an ellipsis)."""
    justify: str = "left"
    """``"left"`` or ``"right"``."""


def _fit_str(value: str, width: int, justify: str) -> str:
    """Truncate (with ellipsis) / pad a plain string to exactly ``width`` cells.

    Plain strings take this fast path instead of building a ``Text``.
    """
    value = printable(value)
    length = cell_len(value)
    if length > width:
        # set_cell_size also handles double-width characters split at the edge.
        return set_cell_size(value, width - 1) + _ELLIPSIS
    if length < width:
        pad = " " * (width - length)
        return pad + value if justify == "right" else value + pad
    return value


def _fit_text(value: Text, width: int, justify: str) -> Text:
    """Truncate (with ellipsis) / pad a rich ``Text`` to exactly ``width`` cells."""
    text = safe_text(value).copy()
    text.truncate(width, overflow="ellipsis")
    text.align("right" if justify == "right" else "left", width)
    return text


class DataGrid(ScrollView, can_focus=True):
    """A virtual table: renders only visible rows, fetched on demand.

    Call :meth:`set_source` with the columns, the row count and a
    ``get_rows(start, stop)`` callback.  Line 0 is a sticky header (it scrolls
    horizontally with the body but not vertically); line ``y >= 1`` shows row
    ``scroll_y + y - 1``.  With a virtual height of ``n_rows + 1`` the last row
    lands exactly on the last line when scrolled to the bottom.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup,ctrl+b", "cursor_page_up", "Page up", show=False),
        Binding("pagedown,ctrl+f", "cursor_page_down", "Page down", show=False),
        Binding("home,g", "cursor_top", "Top", show=False),
        Binding("end,G", "cursor_bottom", "Bottom", show=False),
        Binding("left,h", "scroll_cells_left", "Scroll left", show=False),
        Binding("right,l", "scroll_cells_right", "Scroll right", show=False),
        Binding("enter", "select_cursor", "Select row", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "datagrid--header",
        "datagrid--cursor",
        "datagrid--cursor-blurred",
        "datagrid--stripe",
        "datagrid--empty",
    }

    DEFAULT_CSS = """
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
        &:ansi > .datagrid--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .datagrid--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .datagrid--cursor-blurred {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
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

    class RowHighlighted(Message):
        """Posted when the cursor row changes, and after :meth:`set_source`."""

        def __init__(self, grid: DataGrid, row: int) -> None:
            super().__init__()
            self.grid: DataGrid = grid
            """The grid that sent the message."""
            self.row: int = row
            """Cursor position in the current view (``0 .. n_rows-1``)."""

        @property
        def control(self) -> DataGrid:
            """Alias of ``grid`` so ``@on(..., "#selector")`` works."""
            return self.grid

    class RowSelected(Message):
        """Posted when the user presses enter (or double-clicks) on a row."""

        def __init__(self, grid: DataGrid, row: int) -> None:
            super().__init__()
            self.grid: DataGrid = grid
            """The grid that sent the message."""
            self.row: int = row
            """Selected position in the current view (``0 .. n_rows-1``)."""

        @property
        def control(self) -> DataGrid:
            """Alias of ``grid`` so ``@on(..., "#selector")`` works."""
            return self.grid

    def __init__(
        self,
        *,
        zebra_stripes: bool = False,
        empty_text: str = "no rows",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Create an empty grid; give it data with :meth:`set_source`.

        Args:
            zebra_stripes: Shade every other row.
            empty_text: Text shown (dim) when the source has no rows.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.zebra_stripes = zebra_stripes
        self.empty_text = empty_text
        self._columns: list[GridColumn] = []
        self._widths: list[int] = []
        self._starts: list[int] = []
        self._total_width = 0
        self._n_rows = 0
        self._get_rows: GetRows = lambda start, stop: []
        self._cursor = 0
        # Display cells per row index; big enough for several pages so
        # scrolling back and forth does not hit get_rows again.
        self._row_cache: LRUCache[int, Sequence[Cell]] = LRUCache(4096)
        # Final (cropped) strips; keyed on everything that changes the pixels.
        self._line_cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._header_cache: dict[tuple[int, int, int, bool], Strip] = {}

    # ------------------------------------------------------------------ API

    @property
    def n_rows(self) -> int:
        """Number of rows in the current source."""
        return self._n_rows

    @property
    def cursor_row(self) -> int:
        """Cursor position (0 .. n_rows-1; 0 when the source is empty)."""
        return self._cursor

    @property
    def columns(self) -> list[GridColumn]:
        """The current columns (a copy)."""
        return list(self._columns)

    def row_cells(self, row: int) -> list[Cell]:
        """The display cells of ``row``, as the source gives them to be drawn."""
        return list(self._get_rows(row, row + 1)[0])

    def set_source(
        self,
        columns: list[GridColumn],
        n_rows: int,
        get_rows: GetRows,
        *,
        keep_cursor: bool = False,
    ) -> None:
        """Replace the data shown by the grid.

        Nothing is fetched here; ``get_rows`` is called lazily for visible rows.

        Args:
            columns: Column definitions, left to right.
            n_rows: Total number of rows.
            get_rows: ``get_rows(start, stop)`` returns the display cells of
                rows ``start .. stop-1`` (lists of ``str`` or ``Text``).
            keep_cursor: Keep the cursor row (clamped) and scroll position,
                e.g. when re-sorting or re-filtering; otherwise go to the top.
        """
        self._columns = list(columns)
        self._widths = [max(1, int(column.width)) for column in self._columns]
        self._total_width = sum(self._widths) + max(0, len(self._widths) - 1) if self._widths else 0
        self._starts = [sum(self._widths[:k]) + k for k in range(len(self._widths))]
        self._n_rows = max(0, int(n_rows))
        self._get_rows = get_rows
        self._clear_caches(data=True)
        self.virtual_size = Size(self._total_width, self._n_rows + 1)
        if keep_cursor:
            self._cursor = self._clamp(self._cursor)
            if self.is_mounted:
                # Re-validate the scroll offset against the new virtual size.
                self.scroll_to(x=self.scroll_x, y=self.scroll_y, animate=False, force=True)
        else:
            self._cursor = 0
            if self.is_mounted:
                self.scroll_to(x=0, y=0, animate=False, force=True)
        self._scroll_cursor_into_view()
        self.refresh()
        if self._n_rows:
            self.post_message(self.RowHighlighted(self, self._cursor))

    def refresh_rows(self) -> None:
        """The data changed but not its size: drop cached rows and redraw."""
        self._clear_caches(data=True)
        self.refresh()

    def move_cursor(self, row: int) -> None:
        """Move the cursor to ``row`` (clamped) and scroll it into view.

        Posts :class:`RowHighlighted` if the cursor row changed.
        """
        self._set_cursor(row)

    # ------------------------------------------------------------ internals

    def _clamp(self, row: int) -> int:
        return max(0, min(int(row), self._n_rows - 1)) if self._n_rows else 0

    def _clear_caches(self, data: bool = False) -> None:
        self._line_cache.clear()
        self._header_cache.clear()
        if data:
            self._row_cache.clear()

    @property
    def _body_height(self) -> int:
        """Number of lines available for rows (visible height minus header).

        Uses the region inside the scrollbars, so a horizontal scrollbar does
        not hide the last row.
        """
        return self.scrollable_content_region.height - 1

    def _set_cursor(self, row: int, scroll_y: int | None = None) -> None:
        """Move the cursor, optionally scroll, keep it visible, post a message."""
        old = self._cursor
        new = self._clamp(row)
        self._cursor = new
        if scroll_y is not None and self.is_mounted:
            self.scroll_to(y=scroll_y, animate=False, force=True)
        self._scroll_cursor_into_view()
        if new != old:
            # Only the two affected lines need repainting (a scroll repaints all).
            self.refresh_line(old + 1)
            self.refresh_line(new + 1)
            self.post_message(self.RowHighlighted(self, new))

    def _scroll_cursor_into_view(self) -> None:
        """Scroll vertically (only as much as needed) so the cursor is visible."""
        body = self._body_height
        if not self.is_mounted or body <= 0 or not self._n_rows:
            return
        top = round(self.scroll_y)
        cursor = self._cursor
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, force=True)
        elif cursor > top + body - 1:
            self.scroll_to(y=cursor - body + 1, animate=False, force=True)

    def _ensure_rows(self, start: int, stop: int) -> None:
        """Make sure rows ``start .. stop-1`` are cached, with one ``get_rows`` call.

        The fetched block is widened to a page in the direction of travel so
        that scrolling a line at a time does not call ``get_rows`` per line.
        """
        start = max(0, start)
        stop = min(self._n_rows, stop)
        if start >= stop:
            return
        cache = self._row_cache
        missing = [row for row in range(start, stop) if row not in cache]
        if not missing:
            return
        first, last = missing[0], missing[-1] + 1
        page = max(1, self._body_height)
        if last - first < page:
            if first == start and last < stop:
                # Rows missing at the top: we are moving up, prefetch upwards.
                first = max(0, last - page)
            else:
                last = min(self._n_rows, max(last, first + page))
        rows = self._get_rows(first, last)
        for offset, cells in enumerate(rows[: last - first]):
            cache[first + offset] = cells
        # Tolerate a short answer: missing rows show as blank rather than
        # triggering a fetch on every repaint.
        for row in range(first + len(rows), last):
            cache[row] = ()

    def _row_cells(self, row: int) -> Sequence[Cell]:
        cells = self._row_cache.get(row)
        if cells is None:
            self._ensure_rows(row, row + 1)
            cells = self._row_cache.get(row, ())
        return cells

    def _render_cells(self, cells: Sequence[Cell], style: Style) -> Strip:
        """Render one full-width (uncropped) line of cells in ``style``."""
        segments: list[Segment] = []
        append = segments.append
        console = self.app.console
        widths = self._widths
        for index, column in enumerate(self._columns):
            if index:
                append(Segment(" ", style))
            width = widths[index]
            value = cells[index] if index < len(cells) else ""
            if isinstance(value, Text):
                text = _fit_text(value, width, column.justify)
                segments.extend(Segment.apply_style(text.render(console), style=style))
            else:
                append(Segment(_fit_str(str(value), width, column.justify), style))
        return Strip(segments, self._total_width)

    def _header_strip(self, scroll_x: int, width: int, base: Style) -> Strip:
        visible = self._visible_width(width)
        key = (scroll_x, width, visible, self.has_focus)
        strip = self._header_cache.get(key)
        if strip is None:
            style = base + self.get_component_rich_style("datagrid--header")
            labels = [column.label for column in self._columns]
            strip = self._render_cells(labels, style).crop_extend(scroll_x, scroll_x + width, style)
            strip = self._blank_cut_column(strip, scroll_x, visible, width, style)
            self._header_cache[key] = strip
        return strip

    def _row_strip(self, row: int, scroll_x: int, width: int, base: Style) -> Strip:
        is_cursor = row == self._cursor
        focused = self.has_focus
        visible = self._visible_width(width)
        key = (row, is_cursor, focused, scroll_x, width, visible, self.zebra_stripes)
        strip = self._line_cache.get(key)
        if strip is None:
            style = base
            if self.zebra_stripes and row % 2:
                style = style + self.get_component_rich_style("datagrid--stripe")
            if is_cursor:
                style = style + self.get_component_rich_style(
                    "datagrid--cursor" if focused else "datagrid--cursor-blurred"
                )
            strip = self._render_cells(self._row_cells(row), style).crop_extend(scroll_x, scroll_x + width, style)
            strip = self._blank_cut_column(strip, scroll_x, visible, width, style)
            self._line_cache[key] = strip
        return strip

    def _visible_width(self, width: int) -> int:
        """Cells of a line actually shown: the line's width less a vertical scrollbar, if any."""
        shown = self.scrollable_content_region.width
        return min(width, shown) if shown > 0 else width

    def _blank_cut_column(self, strip: Strip, scroll_x: int, visible: int, width: int, style: Style) -> Strip:
        """Blank the column the right edge cuts through (it shows whole once scrolled into view).

        A number cut to its first characters reads as another number ("0.99" for "0.993",
        "226,8" for "226,802"), so a partly visible last column is not drawn. A column wider than
        the whole view, or one that starts left of it, is left as it is.
        """
        edge = scroll_x + visible
        for start, col_width in zip(self._starts, self._widths, strict=False):
            end = start + col_width
            if start < edge < end:
                if start <= scroll_x or col_width >= visible:
                    return strip
                keep = start - scroll_x
                return strip.crop(0, keep).extend_cell_length(width, style)
        return strip

    # ------------------------------------------------------------ rendering

    def render_lines(self, crop: Region) -> list[Strip]:
        """Prefetch the whole visible page with one ``get_rows`` call."""
        top = round(self.scroll_y)
        self._ensure_rows(top, top + max(0, self._body_height))
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """Render content line ``y`` (0 = header, then rows from ``scroll_y``)."""
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self.rich_style
        if y == 0:
            return self._header_strip(scroll_x, width, base)
        if not self._n_rows:
            if y == 1:
                style = base + self.get_component_rich_style("datagrid--empty")
                text = set_cell_size(self.empty_text, max(0, width))
                return Strip([Segment(text, style)], max(0, width))
            return Strip.blank(width, base)
        row = scroll_y + y - 1
        if row >= self._n_rows or row < 0:
            return Strip.blank(width, base)
        return self._row_strip(row, scroll_x, width, base)

    def notify_style_update(self) -> None:
        """Theme / CSS changed: cached strips hold stale colours."""
        super().notify_style_update()
        self._clear_caches()
        self.refresh()

    # --------------------------------------------------------------- events

    def _on_resize(self, event: events.Resize) -> None:
        """Keep the cursor visible when the terminal (or layout) changes size."""
        self._clear_caches()
        self._scroll_cursor_into_view()

    async def _on_click(self, event: events.Click) -> None:
        """Click moves the cursor; double-click selects the row."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1 or not self._n_rows:
            return
        row = round(self.scroll_y) + offset.y - 1
        if row >= self._n_rows:
            return
        self._set_cursor(row)
        if event.chain >= 2:
            self.post_message(self.RowSelected(self, row))

    # -------------------------------------------------------------- actions

    def action_cursor_up(self) -> None:
        """Move the cursor up one row."""
        self._set_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        """Move the cursor down one row."""
        self._set_cursor(self._cursor + 1)

    def action_cursor_page_up(self) -> None:
        """Move up a page, keeping the cursor at the same screen line."""
        page = max(1, self._body_height)
        self._set_cursor(self._cursor - page, scroll_y=round(self.scroll_y) - page)

    def action_cursor_page_down(self) -> None:
        """Move down a page, keeping the cursor at the same screen line."""
        page = max(1, self._body_height)
        self._set_cursor(self._cursor + page, scroll_y=round(self.scroll_y) + page)

    def action_cursor_top(self) -> None:
        """Jump to the first row."""
        self._set_cursor(0)

    def action_cursor_bottom(self) -> None:
        """Jump to the last row."""
        self._set_cursor(self._n_rows - 1)

    def action_scroll_cells_left(self) -> None:
        """Scroll the columns left by a few cells."""
        self.scroll_to(x=self.scroll_x - _H_SCROLL_STEP, animate=False, force=True)

    def action_scroll_cells_right(self) -> None:
        """Scroll the columns right by a few cells."""
        self.scroll_to(x=self.scroll_x + _H_SCROLL_STEP, animate=False, force=True)

    def action_select_cursor(self) -> None:
        """Post :class:`RowSelected` for the cursor row."""
        if self._n_rows:
            self.post_message(self.RowSelected(self, self._cursor))
