"""Datapoint editor: browse every datapoint with its ground truth and each model's prediction; inspect one."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from wit_tui.engine.scoring import labels_from
from wit_tui.screens.base import SessionView
from wit_tui.widgets.data_grid import DataGrid, GridColumn
from wit_tui.widgets.format import fmt

ID_WIDTH = 7


class DatapointView(SessionView):
    TITLE = "1 Datapoint editor"
    HELP = "Every datapoint with ground truth and each model's prediction and score; the selected one in detail."
    BINDINGS = [
        Binding("d", "focus_detail", "Detail", id="datapoints.detail"),
        Binding("t", "focus_table", "Table", id="datapoints.table"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="dp-body"):
            yield DataGrid(id="dp-grid")
            with Vertical(id="dp-side"):
                yield Static("Scoring…", id="dp-inference")
                table = DataTable(id="dp-features", cursor_type="row", zebra_stripes=True)
                table.add_columns("feature", "value")
                yield table

    def focus_target(self) -> Widget:
        return self.query_one("#dp-grid", DataGrid)

    def action_focus_detail(self) -> None:
        self.query_one("#dp-features").focus()

    def action_focus_table(self) -> None:
        self.query_one("#dp-grid").focus()

    # -- data ---------------------------------------------------------
    def session_ready(self) -> None:
        super().session_ready()
        s = self.session
        self.thresholds = [s.task.default_threshold] * len(s.models)
        self._labels = [self._predicted_labels(i) for i in range(len(s.models))]
        columns = [GridColumn("id", "#", ID_WIDTH, "right")]
        if s.has_label:
            columns.append(GridColumn("truth", f"{s.label}", 10))
        for m in s.models:
            columns.append(GridColumn(f"pred:{m.name}", f"{m.name}", 12))
            columns.append(GridColumn(f"score:{m.name}", s.task.score_label[:5], 7, "right"))
        for f in s.features:
            width = max(6, min(16, len(f)))
            columns.append(GridColumn(f"f:{f}", f, width, "right" if s.data[f].dtype.kind in "iuf" else "left"))
        self._columns = columns
        grid = self.query_one("#dp-grid", DataGrid)
        grid.set_source(columns, s.n_rows, self._get_rows)
        self._show_row(0)
        if self.app.focused is None or not isinstance(self.app.focused, DataGrid):
            grid.focus()

    def _predicted_labels(self, i: int) -> np.ndarray:
        scores = self.session.scores(i)
        return labels_from(scores.score, scores.proba, self.session.task, self.thresholds[i])

    def set_thresholds(self, thresholds: list[float]) -> None:
        """Binary predictions follow the threshold chosen on the performance screen."""
        if not self.ready or self.session.task.kind != "binary":
            return
        self.thresholds = list(thresholds)
        self._labels = [self._predicted_labels(i) for i in range(len(self.session.models))]
        grid = self.query_one("#dp-grid", DataGrid)
        grid.refresh_rows()
        self._show_row(grid.cursor_row)

    def _get_rows(self, start: int, stop: int) -> list[list[str | Text]]:
        s = self.session
        frame = s.data.iloc[start:stop]
        feature_cols = [frame[f].tolist() for f in s.features]
        truth = s.y[start:stop] if s.has_label else None
        rows = []
        for k in range(stop - start):
            i = start + k
            row: list[str | Text] = [str(i)]
            if truth is not None:
                row.append(fmt(truth[k]))
            for m in range(len(s.models)):
                pred = self._labels[m][i]
                cell = Text(fmt(pred))
                if truth is not None and s.task.is_classification:
                    ok = pred == truth[k]
                    cell.append(" ✓" if ok else " ✗", style="green" if ok else "red")
                row.append(cell)
                row.append(f"{s.scores(m).score[i]:.3f}")
            row.extend(fmt(_clean(col[k])) for col in feature_cols)
            rows.append(row)
        return rows

    @on(DataGrid.RowHighlighted, "#dp-grid")
    def _row_highlighted(self, event: DataGrid.RowHighlighted) -> None:
        self._show_row(event.row)

    def _show_row(self, i: int) -> None:
        s = self.session
        if not 0 <= i < s.n_rows:
            return
        values = s.row(i)
        lines = Text()
        lines.append(f"Datapoint {i}\n", style="bold")
        if s.has_label:
            lines.append(f"{s.label}: ", style="dim")
            lines.append(f"{fmt(s.y[i])}\n")
        for m, model in enumerate(s.models):
            pred = self._labels[m][i]
            lines.append(f"{model.name}: ", style="bold")
            lines.append(fmt(pred))
            lines.append(f"  {s.task.score_label} {s.scores(m).score[i]:.4f}")
            if s.task.kind == "binary":
                lines.append(f" (thr {self.thresholds[m]:.2f})", style="dim")
            if s.has_label and s.task.is_classification:
                ok = pred == s.y[i]
                lines.append(" ✓" if ok else " ✗", style="green" if ok else "red")
            lines.append("\n")
        self.query_one("#dp-inference", Static).update(lines)
        table = self.query_one("#dp-features", DataTable)
        table.clear()
        for f in s.features:
            table.add_row(f, fmt(values[f]), key=f)


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value
