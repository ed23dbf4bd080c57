"""The frequency view of one column (F): each value's count, share and each model's accuracy or mean score.

A table most frequent value first; escape closes, enter on a value closes with the filter that keeps its rows
(``column == value``, a bin's ``low <= column < high``, ``column is missing``) for the caller to add to its
filters, or None.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.frequency import Bin, Frequencies, value_frequencies
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif.filter_tokens import value_filter
from wit_tui.render.frequency import frequency_text
from wit_tui.render.text import safe
from wit_tui.tui.widgets.wide_table import WideTable

FREQUENCY_CSS = """
FrequencyScreen {
    align: center middle;
}
FrequencyScreen > .dialog {
    width: 96%;
    max-width: 120;
    height: auto;
    max-height: 90%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}
FrequencyScreen .dialog-title {
    text-style: bold;
    margin-bottom: 1;
}
FrequencyScreen .dialog-keys {
    color: $text-muted;
}
FrequencyScreen WideTable {
    height: auto;
    max-height: 20;
}
"""

KEYS_NOTE = "↑/↓ move · enter keeps the rows with this value (adds a filter) · esc closes"


class FrequencyScreen(ModalScreen[str | None]):
    """The frequency table of ``column`` over ``rows`` (None: every datapoint) at ``decisions``' thresholds."""

    DEFAULT_CSS = FREQUENCY_CSS
    BINDINGS = [Binding("escape", "close", "Close", id="frequency.close")]

    def __init__(
        self,
        session: Session,
        column: str,
        rows: Sequence[int] | np.ndarray | None = None,
        decisions: Decisions | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.column = column
        self.frequencies: Frequencies | None = None
        self.problem = ""
        try:
            self.frequencies = value_frequencies(session, column, rows, decisions)
        except WitError as exc:
            self.problem = f"{exc.message} {exc.hint}"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            freq = self.frequencies
            if freq is None:
                yield Static(safe(self.problem, lines=True), classes="dialog-title")
            else:
                text = frequency_text(freq)
                yield Static(safe(text.title, lines=True), classes="dialog-title")
                table = WideTable(id="frequency-table", cursor_type="row", zebra_stripes=True)
                table.fixed_columns = 1
                for k, name in enumerate(text.header):
                    table.add_column(Text(name, justify="right" if text.right[k] else "left"), key=f"c{k}")
                for r, row in enumerate(text.rows):
                    cells = [Text(c, justify="right" if text.right[k] else "left") for k, c in enumerate(row)]
                    table.add_row(*cells, key=str(r))
                yield table
            yield Static(KEYS_NOTE if freq is not None else "esc closes", classes="dialog-keys")

    def on_mount(self) -> None:
        tables = self.query(WideTable)
        if tables:
            tables.first().focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(self.expression(int(str(event.row_key.value))))

    def expression(self, row: int) -> str | None:
        """The filter keeping the rows of value row ``row`` (None: no such row)."""
        freq = self.frequencies
        if freq is None or not 0 <= row < len(freq.rows):
            return None
        value: Any = freq.rows[row].value
        if isinstance(value, Bin):
            return value_filter(self.column, value.low, value.high)
        return value_filter(self.column, value)

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["FrequencyScreen"]
