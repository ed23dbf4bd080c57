"""The keys of every table, one list: the datapoints grid and the wide tables move, resize, hide and copy alike.

Both widgets implement the same action names, so a key means the same thing in every table and the help screen,
the palette and a keymap override (by binding id) see one set. Row keys that clash with a screen (``g`` is the
ground truth on the performance screen) are not here: :data:`TOP_BOTTOM_VI` adds ``g``/``G`` where they are free.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from textual.binding import Binding, BindingType
from textual.widget import Widget

from wit_tui.tui.widgets import clipboard
from wit_tui.tui.widgets.grid_columns import ColumnChoices

#: the current column's width changes by this many cells per ``<`` / ``>``
WIDTH_STEP = 2

ROW_KEYS: list[BindingType] = [
    Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
    Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
    Binding("pageup,ctrl+b", "cursor_page_up", "Page up", show=False, id="table.page_up"),
    Binding("pagedown,ctrl+f", "cursor_page_down", "Page down", show=False, id="table.page_down"),
    Binding("home,ctrl+home", "cursor_top", "First row", show=False, id="table.top"),
    Binding("end,ctrl+end", "cursor_bottom", "Last row", show=False, id="table.bottom"),
    Binding("enter", "select_cursor", "Select row", show=False, id="table.select"),
]

COLUMN_KEYS: list[BindingType] = [
    Binding("left,h", "column_step(-1)", "Column left", show=False, id="table.column_left"),
    Binding("right,l", "column_step(1)", "Column right", show=False, id="table.column_right"),
    Binding("shift+left", "column_edge(0)", "First column", show=False, id="table.column_first"),
    Binding("shift+right", "column_edge(1)", "Last column", show=False, id="table.column_last"),
    Binding("less_than_sign", f"resize_column({-WIDTH_STEP})", "Narrow column", show=False, id="table.narrow"),
    Binding("greater_than_sign", f"resize_column({WIDTH_STEP})", "Widen column", show=False, id="table.widen"),
    Binding("z", "hide_column", "Hide column", show=False, id="table.hide"),
    Binding("Z", "show_columns", "Show hidden columns", show=False, id="table.unhide"),
]

COPY_KEYS: list[BindingType] = [
    Binding("y", "copy('cell')", "Copy cell", show=False, id="table.copy_cell"),
    Binding("Y", "copy('row')", "Copy row (TSV)", show=False, id="table.copy_row"),
    Binding("ctrl+y", "copy('table')", "Copy table (TSV)", show=False, id="table.copy_table"),
]

#: the keys of every table
TABLE_KEYS: list[BindingType] = [*ROW_KEYS, *COLUMN_KEYS, *COPY_KEYS]

#: first / last row on ``g`` / ``G``, for tables on screens where ``g`` is free (the datapoints grid)
TOP_BOTTOM_VI: list[BindingType] = [
    Binding("g", "cursor_top", "First row", show=False, id="table.top_vi"),
    Binding("G", "cursor_bottom", "Last row", show=False, id="table.bottom_vi"),
]


class TableKeys:
    """What the table keys do, on top of a few hooks each table implements (its column layout, its rows).

    A mixin, listed before the widget class, so both tables share one meaning of every key."""

    _choices: ColumnChoices

    # -- hooks -------------------------------------------------------------------------------
    def _shown_keys(self) -> Sequence[str]:
        """Keys of the shown columns, left to right."""
        raise NotImplementedError

    def _current_index(self) -> int:
        raise NotImplementedError

    def _goto_column(self, index: int) -> None:
        """Make shown column ``index`` (clamped) current and scroll it into view."""
        raise NotImplementedError

    def _widths(self, index: int) -> tuple[int, int]:
        """Shown column ``index``'s width now and the narrowest it may get."""
        raise NotImplementedError

    def _columns_changed(self, hidden: bool) -> None:
        """Lay the columns out again after ``_choices`` changed (``hidden``: the hidden set did)."""
        raise NotImplementedError

    def _row_total(self) -> int:
        raise NotImplementedError

    def _copy_rows(self, start: int, stop: int) -> tuple[list[object], list[list[object]]]:
        """The header and rows ``start .. stop-1`` of the shown columns, as displayed."""
        raise NotImplementedError

    def _copy_limit(self) -> int | None:
        """The most rows ctrl+y copies (None: any)."""
        return None

    # -- actions -----------------------------------------------------------------------------
    def action_column_step(self, step: int) -> None:
        """Move the column cursor ``step`` columns."""
        self._goto_column(self._current_index() + step)

    def action_column_edge(self, last: int) -> None:
        """Go to the first (0) or last (1) column."""
        self._goto_column(len(self._shown_keys()) - 1 if last else 0)

    def action_resize_column(self, step: int) -> None:
        """Narrow (< 0) or widen the current column."""
        keys = self._shown_keys()
        if not keys:
            return
        index = self._current_index()
        width, narrowest = self._widths(index)
        if self._choices.resize(keys[index], width, step, narrowest):
            self._columns_changed(hidden=False)
        elif step < 0:
            self._tell("The column is as narrow as it gets: its header's first letters and its numbers show whole")

    def action_hide_column(self) -> None:
        """Hide the current column (never the last one shown)."""
        keys = self._shown_keys()
        if keys and self._choices.hide(keys[self._current_index()], len(keys)):
            self._columns_changed(hidden=True)
        else:
            self._tell("The last column shown cannot be hidden")

    def action_show_columns(self) -> None:
        """Show every hidden column again."""
        if self._choices.show_all():
            self._columns_changed(hidden=True)
        else:
            self._tell("No column is hidden")

    def action_copy(self, what: str) -> None:
        """Copy the current cell, the current row (with the header) or the whole table (with the header) as TSV."""
        total = self._row_total()
        keys = self._shown_keys()
        if not total or not keys:
            self._tell("Nothing to copy")
            return
        widget = cast(Widget, self)
        row = getattr(self, "cursor_row", 0)
        if what == "cell":
            _, rows = self._copy_rows(row, row + 1)
            cells = rows[0] if rows else []
            index = self._current_index()
            clipboard.copy_to_terminal(widget.app, clipboard.plain(cells[index] if index < len(cells) else ""))
            self._tell(clipboard.copied_note(1, 1, cell=True))
            return
        limit = self._copy_limit()
        if what == "table" and limit is not None and total > limit:
            self._tell(clipboard.too_big_note(total))
            return
        start, stop = (row, row + 1) if what == "row" else (0, total)
        header, rows = self._copy_rows(start, stop)
        clipboard.copy_to_terminal(widget.app, clipboard.tsv(header, rows))
        self._tell(clipboard.copied_note(len(rows), len(header)))

    def _tell(self, text: str) -> None:
        clipboard.tell(cast(Widget, self), text)


__all__ = ["COLUMN_KEYS", "COPY_KEYS", "ROW_KEYS", "TABLE_KEYS", "TOP_BOTTOM_VI", "TableKeys", "WIDTH_STEP"]
