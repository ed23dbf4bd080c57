"""Which rows a DataGrid holds: blocks fetched from the source a page at a time, and how wide their numbers are.

The grid never walks all rows: a page is fetched when it comes into view (widened in the direction of travel, so
scrolling a line at a time does not call the source per line) and kept in an LRU cache.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.cache import LRUCache

from wit_tui.tui.widgets.grid_columns import GridLayout, is_number
from wit_tui.tui.widgets.grid_render import Cell

__all__ = ["GetRows", "RowBlocks", "wider_numbers"]

GetRows = Callable[[int, int], list[list[Cell]]]
"""``get_rows(start, stop)`` -> display cells of rows ``start .. stop-1``."""


def _no_rows(start: int, stop: int) -> list[list[Cell]]:
    return []


class RowBlocks:
    """The source's rows, fetched by block and cached (big enough for several pages, so scrolling back and forth
    does not hit the source again)."""

    def __init__(self, size: int = 4096) -> None:
        self.get_rows: GetRows = _no_rows
        self.n_rows = 0
        self._cache: LRUCache[int, Sequence[Cell]] = LRUCache(size)

    def reset(self, get_rows: GetRows | None = None, n_rows: int | None = None) -> None:
        """Forget every cached row (and take a new source)."""
        if get_rows is not None:
            self.get_rows = get_rows
        if n_rows is not None:
            self.n_rows = max(0, int(n_rows))
        self._cache.clear()

    def ensure(self, start: int, stop: int, page: int) -> Sequence[Sequence[Cell]]:
        """Make sure rows ``start .. stop-1`` are cached, with at most one source call; returns the rows fetched
        (none when all were cached)."""
        start, stop = max(0, start), min(self.n_rows, stop)
        if start >= stop:
            return []
        cache = self._cache
        missing = [row for row in range(start, stop) if row not in cache]
        if not missing:
            return []
        first, last = missing[0], missing[-1] + 1
        page = max(1, page)
        if last - first < page:
            if first == start and last < stop:
                # Rows missing at the top: we are moving up, prefetch upwards.
                first = max(0, last - page)
            else:
                last = min(self.n_rows, max(last, first + page))
        rows = self.get_rows(first, last)
        for offset, cells in enumerate(rows[: last - first]):
            cache[first + offset] = cells
        # Tolerate a short answer: missing rows show as blank rather than triggering a fetch on every repaint.
        for row in range(first + len(rows), last):
            cache[row] = ()
        return rows

    def cells(self, row: int, page: int) -> Sequence[Cell]:
        """Row ``row``'s display cells (fetched with its page if need be)."""
        cells = self._cache.get(row)
        if cells is None:
            self.ensure(row, row + 1, page)
            cells = self._cache.get(row, ())
        return cells


def wider_numbers(grid: GridLayout, rows: Sequence[Sequence[Cell]]) -> dict[str, int]:
    """The columns whose numbers in ``rows`` do not fit, with the width that fits them: a number is never cut."""
    wider: dict[str, int] = {}
    for index, column in enumerate(grid.columns):
        source, width = grid.indices[index], grid.widths[index]
        need = width
        for cells in rows:
            if source < len(cells):
                value = cells[source]
                text = value.plain if isinstance(value, Text) else str(value)
                if cell_len(text) > need and is_number(text):
                    need = cell_len(text)
        if need > width:
            wider[column.key] = need
    return wider
