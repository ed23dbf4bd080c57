"""The datapoint editor as a table: the rows shown and the status line over them, the side panel, the class
probability columns, and the current column's sort and frequency view (``s``/``S``/``F`` are the table's keys;
the work is done here).

The base class of :class:`~wit_tui.tui.views.datapoints.view.DatapointView`, kept apart so the view stays a
composition of its parts; the view builds the parts declared here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from textual import events
from textual.widget import Widget
from textual.widgets import Static

from wit_tui.tui.views.base import SessionView
from wit_tui.tui.views.datapoints.browse import NO_MATCH, Browser
from wit_tui.tui.views.datapoints.edits import PointEditor
from wit_tui.tui.views.datapoints.inspector import Inspector
from wit_tui.tui.views.datapoints.keys import BY_KEY, why_silent
from wit_tui.tui.views.datapoints.panels.router import PanelRouter
from wit_tui.tui.views.datapoints.table import PointTable

#: below this terminal width the side panel starts hidden (\ shows it): the key columns need the room
SIDE_PANEL_MIN_WIDTH = 100


class TableCommands(SessionView):
    """Rows shown, status, side panel, class columns, sort / frequency of the current column, why a key is idle."""

    # the parts, built by the view
    grid: PointTable
    browser: Browser
    inspector: Inspector
    editor: PointEditor
    router: PanelRouter
    selected: int
    side_shown: bool | None  # the user's choice (\); None: as the terminal's width decides

    def focus_target(self) -> Widget:
        return self.grid

    def _select(self, i: int, *, force: bool = False) -> None:
        """Select datapoint ``i`` (the view shows it in the side panel)."""

    def note(self, text: str, error: bool = False) -> None:
        """A short note of the view (saved, sorting, why a key did nothing): the note line, which fades."""
        self.say(text)

    # -- the rows shown ----------------------------------------------------------------------------------
    def show_ids(self, ids: np.ndarray | None, *, keep_position: bool = False) -> None:
        """Show the browser's ids; the selection stays on its datapoint if shown (``keep_position``: its row)."""
        grid = self.grid
        grid.show(ids, keep_cursor=keep_position)
        pos = None if keep_position else grid.pos_of(self.selected)
        if pos is not None:
            grid.move_cursor(pos)
        elif grid.n_shown:
            self._select(grid.id_at(grid.cursor_row), force=keep_position)
        self._update_status()
        if self.browser.filters and grid.n_shown == 0:
            self.inspector.note(NO_MATCH, error=True)
        elif self.inspector.note_text == NO_MATCH:  # an earlier filter's message no longer holds
            self.inspector.note("")
        focused = self.app.focused
        if focused is None or self in focused.ancestors_with_self:
            self.focus_target().focus()

    def _update_status(self) -> None:
        s = self.session
        self.query_one("#dp-status", Static).update(
            " · ".join(self.browser.status_parts(s.n_changed, s.has_unsaved_edits))
        )

    # -- the side panel ------------------------------------------------------------------------------------
    def on_resize(self, _event: events.Resize) -> None:
        self._fit_side_panel()

    def _fit_side_panel(self) -> None:
        """The side panel shows when chosen (\\), else when the terminal is wide enough for it and the table."""
        shown = self.side_shown if self.side_shown is not None else self.app.size.width >= SIDE_PANEL_MIN_WIDTH
        self.inspector.display = shown

    def need_side_panel(self) -> None:
        """A key that works on the selected point (edit, step, revert, the feature list) shows the side panel when
        the terminal's width had hidden it: the table gets the width until the point is worked on."""
        if not self.inspector.display:
            self.side_shown = True
            self._fit_side_panel()

    def action_side_panel(self) -> None:
        """Hide or show the side panel (the selected point): hidden, the table has the whole width."""
        self.side_shown = not self.inspector.display
        self._fit_side_panel()
        focused = self.app.focused
        if not self.inspector.display and focused is not None and self.inspector in focused.ancestors_with_self:
            self.grid.focus()

    # -- the table's columns ---------------------------------------------------------------------------------
    def action_class_columns(self) -> None:
        """Every class's probability per model as table columns (multi-class), or not."""
        kind = self.session.task.kind
        if kind != "multiclass":
            self.note(f"Class probability columns are for multi-class models; this task is {kind}.")
            return
        self.grid.show_probabilities(not self.grid.probabilities)
        self.note("Class probability columns " + ("shown." if self.grid.probabilities else "hidden."))

    def on_point_table_column_command(self, message: PointTable.ColumnCommand) -> None:
        """s / S / F on the table: sort by, or count the values of, the current column."""
        key = message.column
        if not self.ready or key is None:  # never silent
            self.note("The datapoints are still being scored; s, S and F work once they are.")
            return
        named = dict(self.browser.sort_choices())  # "logreg score", not the header's "score"
        label = named.get(key, self.grid.column_label(key)).split(" (")[0]
        if message.name == "sort":
            self.browser.sort_by(key, label, message.descending)
        else:
            self.browser.ask_frequency(key, label, self.decisions)

    # -- keys that do nothing now -----------------------------------------------------------------------------
    def why_not(self, action: str, parameters: tuple[Any, ...]) -> str:
        """Why the view's ``action(*parameters)`` does nothing now ("" when it applies), in words."""
        for key, (bound, params, _shown) in BY_KEY.items():
            if bound == action and params == tuple(parameters):
                return why_silent(self, key)
        return ""


__all__ = ["SIDE_PANEL_MIN_WIDTH", "TableCommands"]
