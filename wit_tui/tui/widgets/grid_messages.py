"""What a DataGrid tells the view: the cursor row moved or was chosen, the current column changed, columns were
hidden. Handlers are named as for messages nested in the grid (``on_data_grid_row_highlighted``)."""

from __future__ import annotations

from textual.message import Message
from textual.widget import Widget

DataGrid = Widget  # the sender (a DataGrid; named loosely so this module does not import the grid)

__all__ = ["ColumnHighlighted", "ColumnsHidden", "RowHighlighted", "RowSelected"]


class RowHighlighted(Message, namespace="data_grid"):
    """Posted when the cursor row changes, and after ``set_source``."""

    def __init__(self, grid: DataGrid, row: int) -> None:
        super().__init__()
        self.grid = grid
        self.row = row
        """Cursor position in the current view (``0 .. n_rows-1``)."""

    @property
    def control(self) -> DataGrid:
        """Alias of ``grid`` so ``@on(..., "#selector")`` works."""
        return self.grid


class RowSelected(Message, namespace="data_grid"):
    """Posted when the user presses enter (or double-clicks) on a row."""

    def __init__(self, grid: DataGrid, row: int) -> None:
        super().__init__()
        self.grid = grid
        self.row = row
        """Selected position in the current view (``0 .. n_rows-1``)."""

    @property
    def control(self) -> DataGrid:
        return self.grid


class ColumnHighlighted(Message, namespace="data_grid"):
    """Posted when the current column changes (``key``: its ``GridColumn`` key, None: no columns)."""

    def __init__(self, grid: DataGrid, key: str | None) -> None:
        super().__init__()
        self.grid = grid
        self.key = key

    @property
    def control(self) -> DataGrid:
        return self.grid


class ColumnsHidden(Message, namespace="data_grid"):
    """Posted when the set of hidden columns changes (``hidden``: their keys, in the source's order)."""

    def __init__(self, grid: DataGrid, hidden: tuple[str, ...]) -> None:
        super().__init__()
        self.grid = grid
        self.hidden = hidden

    @property
    def control(self) -> DataGrid:
        return self.grid
