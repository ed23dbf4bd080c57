"""The datapoint table: a virtual DataGrid over the ids the browser chose, and the cursor <-> id mapping.

Only visible rows are ever formatted (:func:`wit_tui.engine.whatif.browse.page`);
predictions are labelled at the editor's thresholds, read when a page is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from rich.text import Text
from textual.message import Message

from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif import browse
from wit_tui.render.format import fmt
from wit_tui.tui.widgets.data_grid import DataGrid, GridColumn


def make_columns(s: Session) -> list[GridColumn]:
    """id, truth, each model's prediction (and score), then the features, sized from a sample of the data."""
    task = s.task
    cls_width = max([len(str(c)) for c in task.classes] + [4])
    columns = [GridColumn("id", "#", max(4, len(str(s.n_total)) + 2), "right")]
    if s.has_label:
        assert s.label is not None  # a session has ground truth only with a label column
        width = 8 if task.kind == "regression" else min(12, max(len(s.label), cls_width))
        columns.append(GridColumn("truth", s.label, width, "right" if task.kind == "regression" else "left"))
    for m, model in enumerate(s.models):
        if task.kind == "regression":
            columns.append(GridColumn(f"pred:{m}", model.name, max(8, min(12, len(model.name))), "right"))
        else:
            columns.append(GridColumn(f"pred:{m}", model.name, min(14, max(len(model.name), cls_width + 2))))
            columns.append(GridColumn(f"score:{m}", s.tasks[m].score_label[:5], 5, "right"))
    sample = s.data.iloc[: min(200, s.n_rows)]
    for f in s.features:
        longest = max((len(fmt(v)) for v in sample[f].tolist()), default=4)
        width = max(4, min(16, max(min(len(f), 12), longest)))
        columns.append(GridColumn(f"f:{f}", f, width, "right" if s.data[f].dtype.kind in "iuf" else "left"))
    return columns


class PointTable(DataGrid):
    """Every datapoint shown (or the browser's ids), one row each; edited rows marked *, added ones +."""

    def __init__(self, session: Session, thresholds: Callable[[], tuple[float, ...]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self._thresholds = thresholds
        self.ids: np.ndarray | None = None  # what is shown, in order (None: every id in id order)
        self._point_columns: list[GridColumn] = []
        self._moved_pending = False

    class CursorMoved(Message):
        """The cursor rests on another row (once per burst of moves: a held key outruns the side pane)."""

    def show(self, ids: np.ndarray | None, *, keep_cursor: bool = False) -> None:
        """Show ``ids`` (the first time: build the columns)."""
        if not self._point_columns:
            self._point_columns = make_columns(self.session)
        self.ids = ids
        self.set_source(self._point_columns, self.n_shown, self._rows, keep_cursor=keep_cursor)

    @property
    def n_shown(self) -> int:
        return self.session.n_total if self.ids is None else len(self.ids)

    def id_at(self, pos: int) -> int:
        return pos if self.ids is None else int(self.ids[pos])

    def pos_of(self, point: int) -> int | None:
        """The row of datapoint ``point`` (None: not shown)."""
        if self.ids is None:
            return point if 0 <= point < self.session.n_total else None
        hits = np.flatnonzero(self.ids == point)
        return int(hits[0]) if len(hits) else None

    def cursor_id(self) -> int | None:
        """The datapoint under the cursor (None: nothing shown)."""
        n = self.n_shown
        return self.id_at(min(self.cursor_row, n - 1)) if n else None

    def on_data_grid_row_highlighted(self, _event: DataGrid.RowHighlighted) -> None:
        if not self._moved_pending:
            self._moved_pending = True
            self.call_after_refresh(self._moved)

    def _moved(self) -> None:
        self._moved_pending = False
        self.post_message(self.CursorMoved())

    def _rows(self, start: int, stop: int) -> list[list[str | Text]]:
        s = self.session
        pg = browse.page(s, self.ids, start, stop, self._thresholds())
        rows: list[list[str | Text]] = []
        for k, i in enumerate(pg.ids.tolist()):
            marker = "+" if s.is_added(i) else ("*" if pg.changed[k] else "")
            row: list[str | Text] = [Text(f"{i}{marker}", style="bold yellow") if marker else str(i)]
            truth = pg.truth[k]
            if s.has_label:
                row.append(fmt(truth))
            for m in range(len(s.models)):
                row.extend(self._prediction(pg.labels[m][k], pg.scores[m][k], truth))
            edited = s.edited_values(i) if not s.is_added(i) else {}
            for f in s.features:
                value = fmt(pg.features[f][k])
                row.append(Text(value, style="bold yellow") if f in edited else value)
            rows.append(row)
        return rows

    def _prediction(self, pred: Any, score: float, truth: Any) -> list[str | Text]:
        if self.session.task.kind == "regression":
            return [fmt(float(pred))]
        cell = Text(fmt(pred))
        if truth is not None and not (isinstance(truth, float) and math.isnan(truth)):
            ok = pred == truth
            cell.append(" ✓" if ok else " ✗", style="green" if ok else "red")
        return [cell, f"{score:.3f}"]


__all__ = ["PointTable", "make_columns"]
