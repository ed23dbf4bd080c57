"""The datapoint table: a virtual DataGrid over the ids the browser chose, and the cursor <-> id mapping.

Only visible rows are ever formatted (:func:`wit_tui.engine.whatif.browse.page`);
predictions are labelled at the editor's thresholds, read when a page is drawn. The
key columns (``#``, the label, each model's prediction and score) are pinned at the
left, so both models' scores stay in view however far right the cursor goes. The
keys that act on the current column (sort, frequency) live here: the footer shows
them while the table has focus, and the view does the work (:class:`ColumnCommand`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message

from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif import browse
from wit_tui.render.format import fitted, fmt
from wit_tui.render.precision import decimals_used
from wit_tui.tui.views.datapoints.common import cell_text
from wit_tui.tui.widgets.data_grid import DataGrid, GridColumn

#: a score cell's width: a probability (0.123) or a margin (-1.23) as :func:`fitted` writes it in that many
SCORE_WIDTH = 5


def key_columns(s: Session) -> int:
    """How many of the first columns are the key ones (pinned): #, the label, each model's prediction and score."""
    per_model = 1 if s.task.kind == "regression" else 2
    return 1 + int(s.has_label) + per_model * len(s.models)


def proba_columns(s: Session) -> list[GridColumn]:
    """Each model's probability of each class (multi-class; none otherwise), keys ``proba:<model>:<class>``."""
    if s.task.kind != "multiclass":
        return []
    out = []
    for m, model in enumerate(s.models):
        for k, c in enumerate(s.tasks[m].classes):
            name = f"{model.name[:6]} P({c})"
            out.append(GridColumn(f"proba:{m}:{k}", name, max(SCORE_WIDTH, min(14, len(name))), "right"))
    return out


def make_columns(s: Session, probabilities: bool = False) -> list[GridColumn]:
    """id, truth, each model's prediction (and score), every class's probability when asked (multi-class), then
    the features, sized from a sample of the data."""
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
            columns.append(GridColumn(f"score:{m}", s.tasks[m].score_label[:5], SCORE_WIDTH, "right"))
    if probabilities:
        columns.extend(proba_columns(s))
    sample = s.data.iloc[: min(200, s.n_rows)]
    for f in s.features:
        longest = max((len(cell_text(v)) for v in sample[f].tolist()), default=4)
        width = max(4, min(16, max(min(len(f), 12), longest)))
        columns.append(GridColumn(f"f:{f}", f, width, "right" if s.data[f].dtype.kind in "iuf" else "left"))
    return columns


def _table_key(key: str, action: str, text: str, id_: str, show: bool = True) -> Binding:
    return Binding(key, action, text, show=show, id=f"datapoints.{id_}")


TABLE_KEYS: list[BindingType] = [
    _table_key("s", "column_command('sort', False)", "Sort", "sort"),
    _table_key("S", "column_command('sort', True)", "Sort descending", "sort_desc", False),
    _table_key("F", "column_command('frequency', False)", "Frequency", "frequency"),
]


class PointTable(DataGrid):
    """Every datapoint shown (or the browser's ids), one row each; edited rows marked *, added ones +."""

    BINDINGS = TABLE_KEYS

    def __init__(self, session: Session, thresholds: Callable[[], tuple[float, ...]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self._thresholds = thresholds
        self.ids: np.ndarray | None = None  # what is shown, in order (None: every id in id order)
        self._point_columns: list[GridColumn] = []
        self.probabilities = False  # every class's probability as columns (multi-class)
        self._moved_pending = False
        #: one number format per float column: the decimals its loaded values are written with (41.2 and 45.0,
        #: never 41.2000 beside 45); read once from the first rows, like the columns' widths
        sample = session.data.iloc[: min(2000, session.n_rows)]
        self._decimals = {f: decimals_used(sample[f]) for f in session.features if session.data[f].dtype.kind == "f"}

    class CursorMoved(Message):
        """The cursor rests on another row (once per burst of moves: a held key outruns the side pane)."""

    class ColumnCommand(Message):
        """A key for the current column: ``name`` "sort" (``descending``) or "frequency"; ``column`` its key."""

        def __init__(self, name: str, column: str | None, descending: bool) -> None:
            super().__init__()
            self.name, self.column, self.descending = name, column, descending

    def action_column_command(self, name: str, descending: bool) -> None:
        self.post_message(self.ColumnCommand(name, self.cursor_column_key, descending))

    def show(self, ids: np.ndarray | None, *, keep_cursor: bool = False) -> None:
        """Show ``ids`` (the first time: build the columns)."""
        first = not self._point_columns
        if first:
            self._point_columns = make_columns(self.session, self.probabilities)
        self.ids = ids
        pinned = key_columns(self.session)
        self.set_source(self._point_columns, self.n_shown, self._point_rows, keep_cursor=keep_cursor, pinned=pinned)
        if first and len(self._point_columns) > pinned:  # the cursor starts on the data, beside the key columns
            self.move_to_column(self._point_columns[pinned].key)

    def show_probabilities(self, on: bool) -> None:
        """Show (or hide) every class's probability per model as columns after the key ones."""
        self.probabilities = on
        self._point_columns = make_columns(self.session, on)
        self.show(self.ids, keep_cursor=True)

    def column_label(self, key: str) -> str:
        """The header of column ``key`` (for a note or the sort's name)."""
        return next((c.label for c in self._point_columns if c.key == key), key)

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

    def _point_rows(self, start: int, stop: int) -> list[list[str | Text]]:
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
            if self.probabilities and s.task.kind == "multiclass":
                for m in range(len(s.models)):
                    row.extend(fitted(float(p), SCORE_WIDTH) for p in _proba(s, m, i))
            edited = s.edited_values(i) if not s.is_added(i) else {}
            for f in s.features:
                value = self._value_text(f, pg.features[f][k], f in edited)
                row.append(Text(value, style="bold yellow") if f in edited else value)
            rows.append(row)
        return rows

    def _value_text(self, feature: str, value: Any, edited: bool) -> str:
        """A float in its column's one format; an edited value as typed (every digit: it is the user's own)."""
        decimals = self._decimals.get(feature)
        if edited or decimals is None or not isinstance(value, float | np.floating) or not math.isfinite(value):
            return cell_text(value)
        return f"{float(value):,.{decimals}f}"

    def _prediction(self, pred: Any, score: float, truth: Any) -> list[str | Text]:
        if self.session.task.kind == "regression":
            return [fmt(float(pred))]
        cell = Text(fmt(pred))
        if truth is not None and not (isinstance(truth, float) and math.isnan(truth)):
            ok = pred == truth
            cell.append(" ✓" if ok else " ✗", style="green" if ok else "red")
        return [cell, fitted(score, SCORE_WIDTH)]


def _proba(s: Session, m: int, i: int) -> np.ndarray:
    """Model ``m``'s class probabilities of datapoint ``i`` (its current ones when edited or added)."""
    if s.is_changed(i):
        proba = s.point_scores(i)[m].proba
    else:
        proba = s.scores(m).proba
        proba = None if proba is None else proba[i : i + 1]
    n = len(s.tasks[m].classes)
    return np.full(n, np.nan) if proba is None else np.asarray(proba[0], dtype=np.float64)


__all__ = ["TABLE_KEYS", "PointTable", "key_columns", "make_columns", "proba_columns"]
