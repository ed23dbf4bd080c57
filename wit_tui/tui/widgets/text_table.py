"""A DataTable whose labels and cells are text, never markup.

Textual's DataTable reads a string cell or label as markup: a category ``[/]`` raises MarkupError, a column
``weight [kg]`` is shown as ``weight``. Every table of the app holds data, so strings are made literal (and
printable: an escape sequence in a value must not reach the terminal) on their way in.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from wit_tui.render.text import safe


def literal(value: Any) -> Any:
    """A cell as the table should see it: strings and Text made literal and printable, numbers as they are."""
    return safe(value) if isinstance(value, str | Text) else value


class TextTable(DataTable):
    """DataTable with literal text (see the module docstring); otherwise the same API."""

    def add_column(
        self, label: Any, *, width: int | None = None, key: str | None = None, default: Any = None
    ) -> ColumnKey:
        return super().add_column(literal(label), width=width, key=key, default=literal(default))

    def add_row(self, *cells: Any, height: int | None = 1, key: str | None = None, label: Any = None) -> RowKey:
        return super().add_row(
            *(literal(c) for c in cells), height=height, key=key, label=None if label is None else literal(label)
        )

    def update_cell(
        self, row_key: RowKey | str, column_key: ColumnKey | str, value: Any, *, update_width: bool = False
    ) -> None:
        super().update_cell(row_key, column_key, literal(value), update_width=update_width)


__all__ = ["TextTable", "literal"]
