"""Which columns a grid shows, how wide, and where: the column layout, pinned columns at the left.

Kept apart from the widget so the arithmetic (hidden columns, widths the user chose, pinned columns that never
scroll) is one pure value, rebuilt whenever one of its inputs changes and easy to test.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

#: no column narrower than this: a header's first letters stay readable
MIN_WIDTH = 3

__all__ = ["MIN_WIDTH", "ColumnChoices", "GridColumn", "GridLayout", "is_number", "layout", "min_width"]


@dataclass(frozen=True)
class GridColumn:
    """One column of a DataGrid.

    Widths are fixed (in terminal cells) so that the grid never needs to look at all rows to lay itself out.
    """

    key: str
    """Stable identifier (not displayed)."""
    label: str
    """Header text."""
    width: int
    """Width in terminal cells (text is truncated with an ellipsis; a number widens its column)."""
    justify: str = "left"
    """``"left"`` or ``"right"``."""


# a displayed number: sign, digits with thousands separators, decimals, exponent, percent
_NUMBER = re.compile(r"[+\-−]?(?:\d[\d,_]*(?:\.\d*)?|\.\d+)(?:[eE][+\-]?\d+)?%?")


def is_number(text: str) -> bool:
    """Whether a displayed cell is a number (marks such as ✓ ✗ and spaces aside): a number is never cut."""
    core = text.replace("✓", "").replace("✗", "").strip().rstrip("*+").strip()
    return bool(core) and _NUMBER.fullmatch(core) is not None


def min_width(column: GridColumn) -> int:
    """The narrowest a column may get: the header's first letters stay readable."""
    return max(1, min(MIN_WIDTH, max(column.width, len(column.label))))


@dataclass(frozen=True)
class GridLayout:
    """The shown columns, left to right, with their widths and places.

    The first ``pinned`` shown columns are drawn at the left edge whatever the horizontal scroll; ``starts`` of
    the others count from the start of the scrolled part (a one-cell gap separates columns everywhere).
    """

    columns: tuple[GridColumn, ...] = ()
    indices: tuple[int, ...] = ()  # each shown column's place in the source's columns
    widths: tuple[int, ...] = ()
    pinned: int = 0
    starts: tuple[int, ...] = ()

    @property
    def pinned_width(self) -> int:
        """Cells taken by the pinned columns and the gap after them."""
        return sum(self.widths[: self.pinned]) + self.pinned

    @property
    def scroll_width(self) -> int:
        """Cells of the scrolled part (the columns after the pinned ones)."""
        rest = self.widths[self.pinned :]
        return sum(rest) + max(0, len(rest) - 1)

    @property
    def total_width(self) -> int:
        return self.pinned_width + self.scroll_width if self.columns else 0

    def index_of(self, key: str) -> int | None:
        for index, column in enumerate(self.columns):
            if column.key == key:
                return index
        return None

    def column_at(self, x: int, scroll_x: int) -> int | None:
        """The shown column under screen cell ``x`` of a line scrolled by ``scroll_x`` (None: a gap or nothing)."""
        pinned_width = self.pinned_width
        if x < pinned_width:
            offset, span = x, range(self.pinned)
        else:
            offset, span = scroll_x + x - pinned_width, range(self.pinned, len(self.columns))
        for index in span:
            start = self.starts[index]
            if start <= offset < start + self.widths[index]:
                return index
        return None


def layout(columns: Sequence[GridColumn], widths: Mapping[str, int], hidden: Set[str], pinned: int) -> GridLayout:
    """Lay out ``columns``: hidden keys left out, widths the user (or a wide number) set, the first ``pinned``
    source columns that are shown pinned."""
    shown = [(k, c) for k, c in enumerate(columns) if c.key not in hidden]
    if not shown:
        return GridLayout()
    indices = tuple(k for k, _ in shown)
    cols = tuple(c for _, c in shown)
    sizes = tuple(max(1, int(widths.get(c.key, c.width))) for c in cols)
    n_pinned = sum(1 for k in indices if k < pinned)
    if n_pinned >= len(cols):  # something must be able to scroll into view
        n_pinned = len(cols) - 1
    starts: list[int] = []
    position = 0
    for index, size in enumerate(sizes):
        if index == n_pinned:
            position = 0
        starts.append(position)
        position += size + 1
    return GridLayout(cols, indices, sizes, n_pinned, tuple(starts))


class ColumnChoices:
    """What the user chose about columns, by key, so it survives a re-sort, a filter or a refresh: widths set with
    ``<``/``>`` (or widened for a number) and the hidden columns."""

    def __init__(self) -> None:
        self.widths: dict[str, int] = {}
        self.hidden: set[str] = set()

    def resize(self, key: str, current: int, step: int, narrowest: int) -> bool:
        """Change a column's width by ``step`` cells, not below ``narrowest``; False: it could not change."""
        new = max(narrowest, current + step)
        if new == current:
            return False
        self.widths[key] = new
        return True

    def hide(self, key: str, n_shown: int) -> bool:
        """Hide a column, never the last one shown; False: nothing hidden."""
        if n_shown <= 1 or key in self.hidden:
            return False
        self.hidden.add(key)
        return True

    def show_all(self) -> bool:
        """Show the hidden columns again; False: none were hidden."""
        if not self.hidden:
            return False
        self.hidden.clear()
        return True
