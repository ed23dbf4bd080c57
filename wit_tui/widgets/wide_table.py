"""A DataTable for wide tables read row by row: ←/→ scroll a column's width at a time, home/end to the edges."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable

STEP = 12  # cells per ←/→ press: about one metric column


class WideTable(DataTable):
    """Row cursor; the fixed first column(s) stay while ←/→ move through the others."""

    BINDINGS = [
        Binding("right", "scroll_columns(1)", "Scroll right", show=False),
        Binding("left", "scroll_columns(-1)", "Scroll left", show=False),
        Binding("shift+right", "scroll_columns(100)", "Scroll to the last column", show=False),
        Binding("shift+left", "scroll_columns(-100)", "Scroll to the first column", show=False),
    ]

    def action_scroll_columns(self, steps: int) -> None:
        self.scroll_relative(x=steps * STEP, animate=False)
