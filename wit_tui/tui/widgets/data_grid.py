# size-exception: data_grid — a leaf widget with one concern, a virtual table (like Textual's DataTable)
# size-exception: DataGrid — the same leaf widget: cursor, paging, columns and rendering share its state
"""A virtual, read-only table widget that scales to millions of rows.

Textual's built-in ``DataTable`` copies every cell into Python objects up front, which is far too slow (and memory
hungry) for a 1,000,000-row dataset. ``DataGrid`` instead uses Textual's *line API*: it is a ``ScrollView`` whose
``render_line(y)`` renders only the lines currently on screen, asking a caller-supplied ``get_rows(start, stop)``
callback for the display cells of just those rows (one call per visible block, not per line). Rendered lines are
kept in small LRU caches so redraws and cursor moves are cheap.

A column cursor moves one column per key; the first columns can be pinned at the left; a column can be narrowed,
widened or hidden (by key, so a re-sort keeps it); cells, rows and the table copy out as TSV
(:mod:`.clipboard`). The column layout is :mod:`.grid_columns`, the drawing of a line :mod:`.grid_render`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, TypeAlias

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from wit_tui.tui.widgets import clipboard
from wit_tui.tui.widgets.grid_columns import ColumnChoices, GridColumn, GridLayout, layout, min_width
from wit_tui.tui.widgets.grid_messages import ColumnHighlighted, ColumnsHidden, RowHighlighted, RowSelected
from wit_tui.tui.widgets.grid_render import GRID_CSS, Cell, LineStyles, render_line
from wit_tui.tui.widgets.grid_rows import GetRows, RowBlocks, wider_numbers
from wit_tui.tui.widgets.table_keys import TABLE_KEYS, TOP_BOTTOM_VI, TableKeys

__all__ = ["Cell", "DataGrid", "GetRows", "GridColumn"]

_COPY_CHUNK = 1000  # rows fetched at a time for ctrl+y


class DataGrid(TableKeys, ScrollView, can_focus=True):
    """A virtual table: renders only visible rows, fetched on demand.

    Call :meth:`set_source` with the columns, the row count and a ``get_rows(start, stop)`` callback. Line 0 is a
    sticky header (it scrolls horizontally with the body but not vertically); line ``y >= 1`` shows row
    ``scroll_y + y - 1``. With a virtual height of ``n_rows + 1`` the last row lands exactly on the last line when
    scrolled to the bottom.
    """

    BINDINGS: ClassVar[list[BindingType]] = [*TABLE_KEYS, *TOP_BOTTOM_VI]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "datagrid--header",
        "datagrid--header-current",
        "datagrid--cursor",
        "datagrid--cursor-blurred",
        "datagrid--cell",
        "datagrid--stripe",
        "datagrid--empty",
    }

    DEFAULT_CSS = GRID_CSS

    RowHighlighted: TypeAlias = RowHighlighted
    RowSelected: TypeAlias = RowSelected
    ColumnHighlighted: TypeAlias = ColumnHighlighted
    ColumnsHidden: TypeAlias = ColumnsHidden

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
        self._pinned = 0
        self._choices = ColumnChoices()
        self._grid = GridLayout()
        self._n_rows = 0
        self._rows = RowBlocks()
        self._cursor = 0
        self._column = 0  # the current column, an index into the shown columns
        self._column_key: str | None = None
        # Final (cropped) strips; keyed on everything that changes the pixels.
        self._line_cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)

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
    def cursor_column(self) -> int:
        """The current column's place among the shown columns."""
        return self._column

    @property
    def cursor_column_key(self) -> str | None:
        """The current column's key (None: no columns)."""
        return self._column_key

    @property
    def columns(self) -> list[GridColumn]:
        """The source's columns, hidden ones included (a copy)."""
        return list(self._columns)

    @property
    def shown_columns(self) -> list[GridColumn]:
        """The columns drawn, left to right, with the widths they are drawn at."""
        return [
            GridColumn(c.key, c.label, w, c.justify) for c, w in zip(self._grid.columns, self._grid.widths, strict=True)
        ]

    @property
    def hidden_columns(self) -> tuple[str, ...]:
        """Keys of the hidden columns, in the source's order."""
        return tuple(c.key for c in self._columns if c.key in self._choices.hidden)

    @property
    def pinned(self) -> int:
        """How many of the first source columns are pinned at the left."""
        return self._pinned

    def row_cells(self, row: int) -> list[Cell]:
        """The display cells of ``row``, as the source gives them to be drawn."""
        return list(self._rows.get_rows(row, row + 1)[0])

    def set_source(
        self,
        columns: list[GridColumn],
        n_rows: int,
        get_rows: GetRows,
        *,
        keep_cursor: bool = False,
        pinned: int | None = None,
    ) -> None:
        """Replace the data shown by the grid.

        Nothing is fetched here; ``get_rows`` is called lazily for visible rows. Widths the user set and hidden
        columns are kept for columns of the same key; the current column too, when it is still there.

        Args:
            columns: Column definitions, left to right.
            n_rows: Total number of rows.
            get_rows: ``get_rows(start, stop)`` returns the display cells of rows ``start .. stop-1``.
            keep_cursor: Keep the cursor row (clamped) and scroll position, e.g. when re-sorting or
                re-filtering; otherwise go to the top.
            pinned: How many of the first columns never scroll away (None: as before).
        """
        self._columns = list(columns)
        if pinned is not None:
            self._pinned = max(0, int(pinned))
        self._n_rows = max(0, int(n_rows))
        self._rows.reset(get_rows, self._n_rows)
        self._relayout()
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
        self._rows.reset()
        self._line_cache.clear()
        self.refresh()

    def move_cursor(self, row: int) -> None:
        """Move the cursor to ``row`` (clamped) and scroll it into view; posts :class:`RowHighlighted` if moved."""
        self._set_cursor(row)

    def move_to_column(self, key: str) -> bool:
        """Make the shown column ``key`` current and scroll it into view; False: no such shown column."""
        index = self._grid.index_of(key)
        if index is None:
            return False
        self._set_column(index)
        return True

    # ------------------------------------------------------------ internals

    def _clamp(self, row: int) -> int:
        return max(0, min(int(row), self._n_rows - 1)) if self._n_rows else 0

    def _relayout(self) -> None:
        """Lay the columns out again (the current column stays by key) and post what changed."""
        self._grid = layout(self._columns, self._choices.widths, self._choices.hidden, self._pinned)
        self._line_cache.clear()
        self.virtual_size = Size(self._grid.total_width, self._n_rows + 1)
        index = self._grid.index_of(self._column_key) if self._column_key is not None else None
        if index is None:
            index = min(self._column, len(self._grid.columns) - 1)
        self._set_column(max(0, index), force=True)

    @property
    def _body_height(self) -> int:
        """Lines available for rows (inside the scrollbars, so a horizontal one does not hide the last row)."""
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

    def _set_column(self, index: int, *, force: bool = False) -> None:
        """Make shown column ``index`` current, scroll it into view, post :class:`ColumnHighlighted` on a change."""
        shown = self._grid.columns
        index = max(0, min(index, len(shown) - 1)) if shown else 0
        key = shown[index].key if shown else None
        changed = key != self._column_key
        if index != self._column or changed or force:
            self._column = index
            self._column_key = key
            self.refresh()  # the header and the cursor row; other rows come from the line cache
        self._scroll_column_into_view()
        if changed:
            self.post_message(self.ColumnHighlighted(self, key))

    def _scroll_column_into_view(self) -> None:
        """Scroll horizontally so the current column shows whole, the left edge at a column's start."""
        grid = self._grid
        if not self.is_mounted or self._column < grid.pinned or self._column >= len(grid.columns):
            return
        room = self.scrollable_content_region.width - grid.pinned_width
        start = grid.starts[self._column]
        end = start + grid.widths[self._column]
        x = round(self.scroll_x)
        if start < x or end - start >= room:
            x = start
        elif end > x + room:  # the first column start that leaves room for it: no column cut at the left
            x = next(s for s in grid.starts[grid.pinned : self._column + 1] if s >= end - room)
        if x != round(self.scroll_x):
            self.scroll_to(x=x, animate=False, force=True)

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
        """Fetch the rows ``start .. stop-1`` not yet cached; widen a column for a number they hold."""
        fetched = self._rows.ensure(start, stop, self._body_height)
        wider = wider_numbers(self._grid, fetched) if fetched else None
        if wider:
            self._choices.widths.update(wider)
            self._relayout()

    def _row_cells(self, row: int) -> Sequence[Cell]:
        cells = self._rows.cells(row, self._body_height)
        return cells

    def _strip(self, key: tuple[object, ...], cells: Sequence[Cell], styles: LineStyles, width: int) -> Strip:
        strip = self._line_cache.get(key)
        if strip is None:
            scroll_x = round(self.scroll_x)
            shown = self.scrollable_content_region.width or width
            strip = render_line(self.app.console, self._grid, cells, styles, self._column, scroll_x, width, shown)
            self._line_cache[key] = strip
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
        focused = self.has_focus
        where = (scroll_x, width, self.scrollable_content_region.width, focused, self._column)
        if y == 0:
            style = base + self.get_component_rich_style("datagrid--header")
            current = self.get_component_rich_style("datagrid--header-current")
            labels = [column.label for column in self._columns]
            return self._strip(("header", *where), labels, LineStyles(style, current), width)
        if not self._n_rows:
            if y == 1:
                style = base + self.get_component_rich_style("datagrid--empty")
                text = set_cell_size(self.empty_text, max(0, width))
                return Strip([Segment(text, style)], max(0, width))
            return Strip.blank(width, base)
        row = scroll_y + y - 1
        if row >= self._n_rows or row < 0:
            return Strip.blank(width, base)
        return self._row_strip(row, where, base)

    def _row_strip(self, row: int, where: tuple[object, ...], base: Style) -> Strip:
        is_cursor = row == self._cursor
        key = (row, is_cursor, self.zebra_stripes, *where)  # the current column too: it is drawn even if cut
        style, current = base, None
        if self.zebra_stripes and row % 2:
            style = style + self.get_component_rich_style("datagrid--stripe")
        if is_cursor:
            focused = self.has_focus
            style = style + self.get_component_rich_style("datagrid--cursor" if focused else "datagrid--cursor-blurred")
            current = self.get_component_rich_style("datagrid--cell") if focused else None
        return self._strip(key, self._row_cells(row), LineStyles(style, current), self.size.width)

    def notify_style_update(self) -> None:
        """Theme / CSS changed: cached strips hold stale colours."""
        super().notify_style_update()
        self._line_cache.clear()
        self.refresh()

    # --------------------------------------------------------------- events

    def _on_resize(self, event: events.Resize) -> None:
        """Keep the cursor visible when the terminal (or layout) changes size."""
        self._line_cache.clear()
        self._scroll_cursor_into_view()
        self._scroll_column_into_view()

    async def _on_click(self, event: events.Click) -> None:
        """A click makes its cell current (the header: its column); a double-click selects the row."""
        offset = event.get_content_offset(self)
        if offset is None or not self._columns:
            return
        column = self._grid.column_at(offset.x, round(self.scroll_x))
        if column is not None:
            self._set_column(column)
        if offset.y < 1 or not self._n_rows:
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

    # ----------------------------------------------- the table keys' hooks (TableKeys)

    def _shown_keys(self) -> list[str]:
        return [c.key for c in self._grid.columns]

    def _current_index(self) -> int:
        return self._column

    def _goto_column(self, index: int) -> None:
        self._set_column(index)

    def _widths(self, index: int) -> tuple[int, int]:
        return self._grid.widths[index], min_width(self._grid.columns[index])

    def _columns_changed(self, hidden: bool) -> None:
        self._relayout()
        self.refresh()
        if hidden:
            self.post_message(self.ColumnsHidden(self, self.hidden_columns))

    def _row_total(self) -> int:
        return self._n_rows

    def _copy_limit(self) -> int | None:
        return clipboard.MAX_COPY_ROWS

    def _copy_rows(self, start: int, stop: int) -> tuple[list[object], list[list[object]]]:
        indices = self._grid.indices
        rows: list[list[object]] = []
        for first in range(start, stop, _COPY_CHUNK):
            for cells in self._rows.get_rows(first, min(stop, first + _COPY_CHUNK)):
                rows.append([cells[k] if k < len(cells) else "" for k in indices])
        return [c.label for c in self._grid.columns], rows

    def action_select_cursor(self) -> None:
        """Post :class:`RowSelected` for the cursor row."""
        if self._n_rows:
            self.post_message(self.RowSelected(self, self._cursor))
