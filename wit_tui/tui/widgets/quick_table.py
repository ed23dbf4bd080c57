"""A DataTable that redraws cheaply when only some cell values change (a threshold move on the performance screen
updates most numbers of a 20 × 30 table): DataTable drops every rendered cell on any update and renders every column of
a visible row, scrolled into view or not. Here a cell's rendering is kept as long as its content, position and
style are the same, and a column outside the horizontal view is drawn as blanks of its width (it is cropped away
anyway; the row cache is dropped whenever the view or the column widths change).

A number cut by an edge reads as another one ("583" or "0.0" for "0.9583"), so a scrolled column whose text is not
wholly in view is blank too, header included. The current column (the cursor's) is the exception when it starts in
view but does not fit (wider than the whole scrolled part): its text gets the cells up to the right edge, cut with
"…", and a number that does not fit shows as "…" alone, never as some of its digits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.render import measure
from textual.widgets import DataTable
from textual.widgets._data_table import default_cell_formatter
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, RowKey

from wit_tui.tui.widgets.clipboard import plain
from wit_tui.tui.widgets.grid_columns import is_number
from wit_tui.tui.widgets.grid_render import fit_cell
from wit_tui.tui.widgets.text_table import TextTable, literal


def _content_key(value: Any) -> tuple | None:
    """What a cell's rendering depends on, hashable; None: not cacheable by content (render as DataTable does)."""
    if isinstance(value, Text):
        return (
            "T",
            value.plain,
            value.style,
            value.justify,
            value.overflow,
            value.no_wrap,
            value.end,
            value.tab_size,
            tuple(value.spans),
        )
    if isinstance(value, str):
        return ("s", value)
    return None


class QuickTable(TextTable):
    """A TextTable that keeps cell renderings by content and can set many cells at once."""

    def __init__(self, *args, **kwargs) -> None:
        # set first: DataTable's constructor already sets reactives whose watchers clear the caches
        self._content_cache: LRUCache[tuple, Any] = LRUCache(20000)  # cell renderings by content and place
        self._styles: dict = {}  # component styles and background colours until the next repaint
        self._window: tuple | None = None
        self._spans: list[tuple[int, int]] = []  # each column's [start, end) in the scrollable line
        self._view: tuple[int, int] = (0, 0)  # the part of the scrollable line that can be seen
        self._env: tuple | None = None  # None outside a row's rendering: no content cache, no culling
        super().__init__(*args, **kwargs)

    # -- updating values in place --------------------------------------------------------
    def update_cells(self, changes: Iterable[tuple[RowKey | str, ColumnKey | str, Any]]) -> int:
        """Set many cells at once (one cache invalidation, not one per cell); each column widens to fit its new
        values as if the rows had been added again, and never narrows. Returns how many cells changed."""
        console = self.app.console
        changed = 0
        widened = False
        for row_key, column_key, value in changes:
            row_key = RowKey(row_key) if isinstance(row_key, str) else row_key
            column_key = ColumnKey(column_key) if isinstance(column_key, str) else column_key
            try:
                row = self._data[row_key]
                column = self.columns[column_key]
            except KeyError:
                raise CellDoesNotExist(f"No cell exists for row_key={row_key!r}, column_key={column_key!r}.") from None
            value = literal(value)
            row[column_key] = value
            changed += 1
            width = _measure(console, value)
            if width > column.content_width:
                column.content_width = width
                widened = True
            if not column.auto_width and width > column.width and is_number(plain(value)):
                column.width = width  # a width the user chose, but a number is never cut
                widened = True
        if changed:
            self._update_count += 1
            if widened:
                self._require_update_dimensions = True  # the virtual width, on idle
                self.check_idle()
            self.refresh()
        return changed

    # -- rendering ----------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        self._content_cache.clear()
        self._styles.clear()
        super().notify_style_update()

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):
        if repaint:  # as Widget drops its cached component styles
            self._styles.clear()
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _clear_caches(self) -> None:
        self._styles.clear()
        super()._clear_caches()

    def get_component_styles(self, *names: str):
        """DataTable reads ``.rich_style`` of these several times per row drawn, each a walk up the DOM: once per
        repaint is enough (Widget caches its component rich styles the same way)."""
        key = (names, self._pseudo_class_state)
        styles = self._styles.get(key)
        if styles is None:
            styles = self._styles[key] = _ComponentStyles(super().get_component_styles(*names))
        return styles

    @property
    def background_colors(self):
        colors = self._styles.get("background_colors")
        if colors is None:
            colors = self._styles["background_colors"] = super().background_colors
        return colors

    @property
    def ordered_columns(self):
        """DataTable rebuilds this list (a reverse lookup per column) several times per row drawn."""
        key = (self._update_count, id(self._column_locations), len(self._column_locations), len(self.columns))
        cached = self._styles.get("ordered_columns")
        if cached is None or cached[0] != key:
            cached = self._styles["ordered_columns"] = (key, self._shown_columns())
        return list(cached[1])

    def _shown_columns(self) -> list:
        """The columns drawn, left to right (a subclass may leave some out)."""
        return DataTable.ordered_columns.fget(self)  # type: ignore[attr-defined]

    def _set_window(self, widths: tuple[int, ...], fixed_columns: int) -> None:
        """Each column's place in the scrollable line and the part of it in view, when the view or widths change."""
        scroll_x = self.scroll_offset.x
        visible = self.scrollable_content_region.width
        window = (scroll_x, self.size.width, visible, widths, fixed_columns, self._row_label_column_width)
        if window == self._window:
            return
        self._row_render_cache.clear()  # the cached rows hold blanks for the columns then out of view
        self._window = window
        x = 0
        self._spans = []
        for w in widths:
            self._spans.append((x, x + w))
            x += w
        # _render_line keeps [scroll_x + fixed, scroll_x + width) of the scrollable line; a scrollbar covers the end
        # of it, the row labels (drawn first) push it right
        fixed = sum(widths[:fixed_columns])
        self._view = (scroll_x + fixed, scroll_x + visible - self._row_label_column_width)

    def _render_line_in_row(self, row_key, line_no, base_style, cursor_location, hover_location):
        columns = self.ordered_columns
        fixed_columns = self.fixed_columns
        self._set_window(tuple(column.get_render_width(self) for column in columns), fixed_columns)
        if row_key is self._header_row_key:
            row, height, values = None, self.header_height, None
        else:
            row = self.rows.get(row_key)
            if row is None or row.auto_height:  # as DataTable: measured rows are rendered there
                return super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)
            height, values = row.height, self._data.get(row_key, {})
        # what a cell's rendering depends on besides its content and place, the same for the whole row (reactives
        # are slow to read); the row's cells, so that _render_cell needs no lookups
        env = (
            self._show_hover_cursor,
            self._pseudo_class_state,
            self.show_cursor,
            self.cursor_type,
            self.fixed_rows,
            fixed_columns,
            self.cell_padding,
            height,
            self.cursor_foreground_priority,
            self.cursor_background_priority,
        )
        self._env = (env, row, values, columns)
        try:
            return super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)
        finally:
            self._env = None

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ):
        if self._env is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        env, row, values, columns = self._env
        height = env[7]
        fit = width
        if column_index >= env[5] and column_index < len(self._spans):
            start, end = self._spans[column_index]
            lo, hi = self._view
            pad = self.cell_padding  # the padding may be cut, not the text
            if start + pad < lo or end - pad > hi:  # not whole in view: only its width matters, or the current one
                current = column_index == self.cursor_coordinate.column and lo <= start < hi
                fit = hi - start if current else 0
                if fit <= 2 * pad:
                    return [[Segment(" " * width, base_style)] for _ in range(max(height, 1))]
        if column_index == -1:
            value = row.label if row is not None else None
        elif row is None:  # the header
            value = columns[column_index].label
        else:
            value = values.get(columns[column_index].key)
        if fit < width:
            return self._fitted_cell(value, row_index, column_index, base_style, width, fit, cursor, hover)
        content = _content_key(value)
        if content is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (content, row_index, column_index, base_style, width, cursor, hover, env)
        lines = self._content_cache.get(key)
        if lines is None:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
            self._content_cache[key] = lines
        return lines

    def _fitted_cell(
        self, value: Any, row_index: int, column_index: int, base_style: Style, width: int, fit: int, *flags: bool
    ):
        """A cell drawn ``width`` wide whose text gets the first ``fit`` cells: cut with "…", a number whole or "…"."""
        lines = super()._render_cell(row_index, column_index, base_style, width, *flags)
        style = (
            next((segment.style for segment in lines[0] if segment.style is not None), base_style)
            if lines
            else base_style
        )
        pad = self.cell_padding
        justify = value.justify if isinstance(value, Text) else "right" if isinstance(value, int | float) else "left"
        cell = value if isinstance(value, Text) else "" if value is None else str(value)
        text = fit_cell(self.app.console, cell, fit - 2 * pad, justify or "left", style)
        line = [Segment(" " * pad, style), *text, Segment(" " * (width - fit + pad), style)]
        return [line] + [[Segment(" " * width, style)] for _ in range(len(lines) - 1)]


class _ComponentStyles:
    """A component's styles with their Rich style worked out once."""

    __slots__ = ("_styles", "rich_style")

    def __init__(self, styles) -> None:
        self._styles = styles
        self.rich_style = styles.rich_style

    def __getattr__(self, name: str):
        return getattr(self._styles, name)


def _measure(console, value: Any) -> int:
    """A cell's content width as DataTable measures a new row's cells (height-1 rows)."""
    if value is None:
        return 0
    if isinstance(value, Text):  # what Text.__rich_measure__ gives as the maximum, without building options
        lines = value.plain.splitlines()
        return max(cell_len(line) for line in lines) if lines else 0
    return measure(console, default_cell_formatter(value, wrap=False, height=1), 1)


__all__ = ["QuickTable"]
