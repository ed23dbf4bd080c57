"""A DataTable for wide tables (statistics, slices, worst slices) with the table keys of every table.

A row cursor (the views read rows) with a current column inside it: ←/→ move one column and scroll it into view
whole, the first columns can be pinned, a column can be narrowed, widened or hidden by key (so a refill with the
same columns keeps it), and cells, rows or the table copy out as TSV (:mod:`.table_keys`, :mod:`.clipboard`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.coordinate import Coordinate
from textual.geometry import Size, clamp
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from wit_tui.tui.widgets.clipboard import plain
from wit_tui.tui.widgets.grid_columns import MIN_WIDTH, ColumnChoices, is_number
from wit_tui.tui.widgets.quick_table import QuickTable
from wit_tui.tui.widgets.table_keys import TABLE_KEYS, TableKeys

__all__ = ["WideTable"]


class WideTable(TableKeys, QuickTable):
    """Row cursor and current column; the pinned first column(s) stay while ←/→ move through the others."""

    BINDINGS: ClassVar[list[BindingType]] = list(TABLE_KEYS)

    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {"widetable--cell", "widetable--header"}

    DEFAULT_CSS = """
    WideTable > .widetable--cell { text-style: bold reverse; }
    WideTable > .widetable--header { text-style: bold underline; color: $text-accent; }
    """

    class ColumnHighlighted(Message):
        """Posted when the current column changes (``key``: the column's key, None: no columns)."""

        def __init__(self, table: WideTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> WideTable:
            return self.table

    class ColumnsHidden(Message):
        """Posted when the set of hidden columns changes (``hidden``: their keys)."""

        def __init__(self, table: WideTable, hidden: tuple[str, ...]) -> None:
            super().__init__()
            self.table = table
            self.hidden = hidden

        @property
        def control(self) -> WideTable:
            return self.table

    def __init__(self, *args: Any, pinned: int | None = None, **kwargs: Any) -> None:
        # set first: DataTable's constructor already sets reactives whose watchers read them
        self._choices = ColumnChoices()
        self._pinned = pinned
        self._column_key: str | None = None
        self._all_columns = False  # True while a row is added: its cells are for every column, hidden or not
        kwargs.setdefault("cursor_type", "row")
        super().__init__(*args, **kwargs)

    # -- API --------------------------------------------------------------------------------
    @property
    def cursor_column_key(self) -> str | None:
        """The current column's key (None: no columns)."""
        columns = self.ordered_columns
        index = self.cursor_coordinate.column
        return columns[index].key.value if 0 <= index < len(columns) else None

    @property
    def hidden_columns(self) -> tuple[str, ...]:
        """Keys of the hidden columns, in the table's order."""
        return tuple(key.value for key in self.columns if key.value in self._choices.hidden)

    @property
    def pinned(self) -> int:
        """How many of the first columns never scroll away (the shown ones among them are DataTable's fixed)."""
        return self._pinned if self._pinned is not None else self.fixed_columns

    @pinned.setter
    def pinned(self, count: int) -> None:
        self._pinned = max(0, int(count))
        self._apply_pinned()

    def move_to_column(self, key: str) -> bool:
        """Make the shown column ``key`` current and scroll it into view; False: no such shown column."""
        for index, column in enumerate(self.ordered_columns):
            if column.key.value == key:
                self._goto_column(index)
                return True
        return False

    def add_column(
        self, label: Any, *, width: int | None = None, key: str | None = None, default: Any = None
    ) -> ColumnKey:
        """As DataTable's; a width the user chose for this key (before a refill) is kept, and the pinned count holds
        for the columns of a rebuilt table too."""
        if key is not None and key in self._choices.widths:
            width = self._choices.widths[key]
        added = super().add_column(label, width=width, key=key, default=default)
        self._apply_pinned()
        return added

    def add_row(self, *cells: Any, height: int | None = 1, key: str | None = None, label: Any = None) -> RowKey:
        """As DataTable's: one cell per column, hidden ones included."""
        self._all_columns = True
        try:
            return super().add_row(*cells, height=height, key=key, label=label)
        finally:
            self._all_columns = False

    @property
    def ordered_columns(self) -> list:
        """The shown columns (every column while a row is added)."""
        if self._all_columns:
            return DataTable.ordered_columns.fget(self)  # type: ignore[attr-defined]
        return QuickTable.ordered_columns.fget(self)  # type: ignore[attr-defined]

    # -- rows keys under the names every table uses -------------------------------------------
    action_cursor_page_up = DataTable.action_page_up
    action_cursor_page_down = DataTable.action_page_down
    action_cursor_top = DataTable.action_scroll_top
    action_cursor_bottom = DataTable.action_scroll_bottom

    # -- the current column ---------------------------------------------------------------------
    def _shown_columns(self) -> list:
        hidden = self._choices.hidden
        return [c for c in super()._shown_columns() if c.key.value not in hidden]

    def _clamp_cursor_coordinate(self, coordinate: Coordinate) -> Coordinate:
        row, column = coordinate
        return Coordinate(clamp(row, 0, self.row_count - 1), clamp(column, 0, len(self.ordered_columns) - 1))

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        if old.row != new.row or self.cursor_type != "row":
            super().watch_cursor_coordinate(old, new)
        elif old != new:  # the column only: no RowHighlighted, the row did not change
            self.refresh_row(new.row)
        self._column_moved()

    def _column_moved(self) -> None:
        key = self.cursor_column_key
        if key != self._column_key:
            self._column_key = key
            self.refresh()  # the header of the current column
            self.post_message(self.ColumnHighlighted(self, key))
        self._scroll_column_into_view()

    def _scroll_column_into_view(self) -> None:
        """Scroll horizontally so the current column shows whole, the left edge at a column's start."""
        if not self.is_mounted:
            return
        if self._require_update_dimensions:  # the virtual width is settled on idle
            self.call_after_refresh(self._scroll_column_into_view)
            return
        columns, index = self.ordered_columns, self.cursor_coordinate.column
        if index < self.fixed_columns or index >= len(columns):
            return
        left = self._get_fixed_offset().left
        widths = [c.get_render_width(self) for c in columns[: index + 1]]
        starts = [sum(widths[:k]) + self._row_label_column_width for k in range(index + 1)]
        start, width = starts[index], widths[index]
        room = self.scrollable_content_region.width
        x = round(self.scroll_x)
        if start < x + left or width >= room - left:
            x = start - left
        elif start + width > x + room:  # the first column start that leaves room for it: no column cut at the left
            x = next(s - left for s in starts[self.fixed_columns :] if s - left >= start + width - room)
        if x != round(self.scroll_x):
            self.scroll_to(x=x, animate=False, force=True)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ):
        lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        if column_index < 0 or column_index != self.cursor_coordinate.column:
            return lines
        if row_index == -1:
            name = "widetable--header"
        elif cursor and row_index == self.cursor_coordinate.row and self.cursor_type == "row":
            name = "widetable--cell"
        else:
            return lines
        style = self.get_component_styles(name).rich_style
        return [list(Segment.apply_style(line, post_style=style)) for line in lines]

    # -- widths: a number is never cut --------------------------------------------------------
    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        new_rows = list(new_rows)
        for column in self.columns.values():
            if column.auto_width:
                continue
            for row_key in new_rows:
                text = plain(self._data.get(row_key, {}).get(column.key))
                if cell_len(text) > column.width and is_number(text):
                    column.width = cell_len(text)
        super()._update_dimensions(new_rows)
        shown = sum(c.get_render_width(self) for c in self.ordered_columns) + self._row_label_column_width
        if shown != self.virtual_size.width:  # DataTable counts hidden columns too
            self.virtual_size = Size(shown, self.virtual_size.height)

    def _apply_pinned(self) -> None:
        if self._pinned is None:
            return
        hidden = self._choices.hidden
        first = [key for key in list(self.columns)[: self._pinned] if key.value not in hidden]
        self.fixed_columns = max(0, min(len(first), len(self.ordered_columns) - 1))

    # -- the table keys' hooks (TableKeys) ----------------------------------------------------
    def _shown_keys(self) -> list[str]:
        return [c.key.value or "" for c in self.ordered_columns]

    def _current_index(self) -> int:
        return self.cursor_coordinate.column

    def _goto_column(self, index: int) -> None:
        self.cursor_coordinate = Coordinate(self.cursor_coordinate.row, index)

    def _widths(self, index: int) -> tuple[int, int]:
        column = self.ordered_columns[index]
        numbers = [cell_len(t) for row in self._data.values() if is_number(t := plain(row.get(column.key)))]
        narrowest = max([min(MIN_WIDTH, max(1, column.label.cell_len)), *numbers])
        return column.get_render_width(self) - 2 * self.cell_padding, narrowest

    def _columns_changed(self, hidden: bool) -> None:
        for key, width in self._choices.widths.items():
            column = self.columns.get(ColumnKey(key))
            if column is not None:
                column.auto_width, column.width = False, width
        self._update_count += 1
        self._apply_pinned()
        self._require_update_dimensions = True
        self.check_idle()
        self.cursor_coordinate = self._clamp_cursor_coordinate(self.cursor_coordinate)
        self.refresh()
        self._column_moved()
        if hidden:
            self.post_message(self.ColumnsHidden(self, self.hidden_columns))

    def _row_total(self) -> int:
        return self.row_count

    def _copy_rows(self, start: int, stop: int) -> tuple[list[object], list[list[object]]]:
        header: list[object] = [c.label for c in self.ordered_columns]
        return header, [list(self.get_row_at(r)) for r in range(start, min(stop, self.row_count))]
