# size-exception: view — moved here as it was; the views issue (next) splits this view into panels
# size-exception: DatapointView — moved here as it was; the views issue (next) splits this view into panels
# size-exception: _render_cf — moved here as it was; the views issue (next) splits this view into panels
"""Datapoint editor: browse every datapoint, edit one and re-infer it live, ask what-if questions about it.

The left pane is the datapoint table (a virtual DataGrid: only visible rows
are ever formatted) or one analysis panel — nearest counterfactual, minimal
edits, ICE / partial dependence, local attributions, run history. The right
pane is the selected point's inference and its editable features, always
visible, so a panel recomputes as the point is edited. Everything is computed
by the engine; slow searches run in thread workers and post their results
back. Two models are always shown side by side.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ContentSwitcher, DataTable, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker
from textual_plotext import PlotextPlot

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.values import same
from wit_tui.engine.data.scoring import labels_from
from wit_tui.engine.session.editing import (
    add_point,
    apply_edits,
    delete_point,
    duplicate_point,
    edit_text,
    feature_spec,
    range_note,
    revert_feature,
    revert_point,
    show,
    step_feature,
)
from wit_tui.engine.whatif import browse
from wit_tui.engine.whatif.attribution import Attribution, local_attributions
from wit_tui.engine.whatif.counterfactual import Counterfactual, default_gap, nearest_counterfactual
from wit_tui.engine.whatif.dependence import Curves, ice, ice_many, partial_dependence, rank_by_variation
from wit_tui.engine.whatif.distance_space import Metric, distance_space, space_ready
from wit_tui.engine.whatif.minimal_edit import MinimalEdits, minimal_edits
from wit_tui.render.figures import DependenceFigure
from wit_tui.render.format import fmt
from wit_tui.render.palette import MODEL_STYLES as MODEL_COLORS
from wit_tui.tui.dialogs.confirm import ConfirmScreen
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.views.base import SessionView
from wit_tui.tui.widgets.data_grid import DataGrid, GridColumn
from wit_tui.tui.widgets.plot import show_figure
from wit_tui.tui.widgets.prompt_bar import PromptBar

PANELS = {
    "table": "dp-grid",
    "cf": "dp-cf",
    "min": "dp-min",
    "ice": "dp-ice",
    "attr": "dp-attr",
    "hist": "dp-hist",
}

HELP_NOTES = """\
Editing: e (or enter) edits the highlighted feature — numbers are typed, categories picked from the values seen \
in the data; +/- step a number by a size close to a tenth of its std (whole numbers by ≥ 1) or move to the \
next/previous category. Every edit re-infers the point with every model at once and adds a run to its history (H). \
Edited points are marked * and added ones + in the table; a value outside the data's range is accepted and \
marked ⚠. ctrl+s writes them to CSV (temp file, then rename); every change is also autosaved and offered back \
at the next start on the same files (see the README).
Filter (/): column names, numbers, "text", == != < <= > >=, in [...], not in [...], is missing, and/or/not, \
parentheses; score_<model> and pred_<model> too. Nothing is evaluated as Python.
Nearest counterfactual (c): the closest other datapoint a model predicts differently (binary: the other class at \
the current threshold; multi-class: another argmax; regression: a prediction at least the gap away, default the \
std of the predictions). Distance, per feature as the What-If Tool: numeric |a−b|/std (sample std over the data), \
categorical 0 if equal else Σp² (the chance two random points share a value), missing on either side 1. \
L1 = Σ terms, L2 = √(Σ terms²). The label and ID-like columns never count; ties go to the lowest id.
Minimal edits (m): the smallest change to THIS point (one or two features along their grids) that flips the \
prediction, sized with the same L1 distance — a search over the model, not a causal claim.
ICE (p): the prediction as one feature sweeps 20 points between its 1st and 99th percentile (categories: the top \
20); P adds partial dependence averaged over a 1,000-row sample; v orders the features by how much they move it.
Attributions (a): a LIME-style weighted ridge surrogate around the point (seeded), with its local fidelity R²."""


NO_MATCH = (
    "No datapoint matches the filter (text compares exactly, case included); / then enter on an empty line clears it."
)


def _compact(value: float) -> str:
    """A non-negative number in at most 5 characters (0.123, 12.3, 123, 1.2e5)."""
    if value < 10:
        return f"{value:.3f}"
    if value < 100:
        return f"{value:.1f}"
    if value < 100_000:
        return f"{value:.0f}"
    return f"{value:.1e}".replace("e+0", "e").replace("e+", "e")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


class FeatureTable(DataTable):
    """The selected point's features; j/k move like everywhere else."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="features_table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="features_table.up"),
    ]


class DatapointView(SessionView):
    TITLE = "1 Datapoint editor"
    HELP = (
        "Every datapoint with truth, predictions and scores; edit one live, find its nearest counterfactual (CF), "
        "minimal edits, ICE / partial dependence, attributions."
    )
    HELP_NOTES = HELP_NOTES
    BINDINGS = [
        Binding("slash", "filter", "Filter", key_display="/", id="datapoints.filter"),
        Binding("f", "quick_filter", "Quick filters", show=False, id="datapoints.quick_filter"),
        Binding("s", "sort(False)", "Sort ascending", show=False, id="datapoints.sort"),
        Binding("S", "sort(True)", "Sort descending", show=False, id="datapoints.sort_desc"),
        Binding("colon", "jump", "Go to datapoint", key_display=":", show=False, id="datapoints.jump"),
        Binding("e", "edit", "Edit", id="datapoints.edit"),
        Binding("plus,equals_sign", "step(1)", "Step value up", key_display="+", show=False, id="datapoints.step_up"),
        Binding("minus", "step(-1)", "Step value down", key_display="-", show=False, id="datapoints.step_down"),
        Binding("r", "revert_feature", "Revert feature", show=False, id="datapoints.revert_feature"),
        Binding("R", "revert_point", "Revert point", show=False, id="datapoints.revert_point"),
        Binding("D", "duplicate", "Duplicate point", show=False, id="datapoints.duplicate"),
        Binding("A", "add", "Add a point", show=False, id="datapoints.add"),
        Binding("x,delete", "delete", "Delete added point", show=False, id="datapoints.delete"),
        Binding("ctrl+s", "save", "Save", id="datapoints.save"),
        Binding("c", "panel('cf')", "Counterfactual", id="datapoints.counterfactual"),
        Binding("L", "toggle_metric", "L1/L2 distance", show=False, id="datapoints.metric"),
        Binding("w", "restrict", "Restrict CF search…", show=False, id="datapoints.restrict"),
        Binding(
            "right_curly_bracket", "gap(1)", "Regression gap +", key_display="}", show=False, id="datapoints.gap_up"
        ),
        Binding(
            "left_curly_bracket", "gap(-1)", "Regression gap −", key_display="{", show=False, id="datapoints.gap_down"
        ),
        Binding("o", "open_cf(0)", "Go to its CF (model 1)", show=False, id="datapoints.open_cf"),
        Binding("O", "open_cf(1)", "Go to its CF (model 2)", show=False, id="datapoints.open_cf2"),
        Binding("m", "panel('min')", "Minimal edits", show=False, id="datapoints.minimal"),
        Binding("p", "panel('ice')", "ICE", id="datapoints.ice"),
        Binding("P", "toggle_pd", "Partial dependence", show=False, id="datapoints.pd"),
        Binding("v", "rank", "Rank by variation", show=False, id="datapoints.rank"),
        Binding("C", "cycle_class", "Next class (multi-class)", show=False, id="datapoints.class"),
        Binding("a", "panel('attr')", "Attributions", show=False, id="datapoints.attr"),
        Binding("H", "panel('hist')", "Run history", show=False, id="datapoints.history"),
        Binding("J", "next_point(1)", "Next datapoint", show=False, id="datapoints.next"),
        Binding("K", "next_point(-1)", "Previous datapoint", show=False, id="datapoints.prev"),
        Binding("escape", "close_panel", "Back to table", show=False, id="datapoints.back"),
        Binding("d", "focus_detail", "Features", show=False, id="datapoints.detail"),
        Binding("t", "focus_table", "Table", show=False, id="datapoints.table"),
    ]

    class CounterfactualsReady(Message):
        def __init__(self, token: tuple, results: list[Counterfactual]) -> None:
            super().__init__()
            self.token, self.results = token, results

    class MinimalReady(Message):
        def __init__(self, token: tuple, results: list[MinimalEdits]) -> None:
            super().__init__()
            self.token, self.results = token, results

    class CurvesReady(Message):
        def __init__(self, token: tuple, ice: Curves | None, pd: Curves | None, rank: list | None) -> None:
            super().__init__()
            self.token, self.ice, self.pd, self.rank = token, ice, pd, rank

    class AttributionsReady(Message):
        def __init__(self, token: tuple, results: list[Attribution]) -> None:
            super().__init__()
            self.token, self.results = token, results

    class Progress(Message):
        def __init__(self, panel: str, text: str) -> None:
            super().__init__()
            self.panel, self.text = panel, text

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, DatapointView.Progress) and message.panel == self.panel

    def __init__(self, session, **kwargs) -> None:
        super().__init__(session, **kwargs)
        self.thresholds: list[float] = [session.task.default_threshold] * len(session.models)
        self.view: np.ndarray | None = None
        self.sort: browse.SortSpec | None = None
        self.filter_kind: str | None = None  # "expr" | quick filter id
        self.filter_text = ""
        self.filter_model: int | None = None
        self.selected = 0
        self.panel = "table"
        self.metric: Metric = "L1"
        self.restrict: tuple[str, Any] | None = None
        self.gap_steps = 0
        self.pd_global = False
        self.ranked = False
        self.rank: list[tuple[str, float]] | None = None
        self.ice_class: int | None = None
        self.version = 0  # bumps on every overlay change: stale panel results are ignored
        self._feature_order: list[str] = list(session.features)
        self._results: dict[str, tuple[tuple, Any]] = {}
        self._pd_cache: dict[tuple, Curves] = {}
        self._columns: list[GridColumn] = []
        self._last_save: str | None = None
        self._min_options: list[tuple[int, Any]] = []

    # -- layout ---------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("Scoring…", id="dp-status")
        with Horizontal(id="dp-body"):
            with ContentSwitcher(id="dp-left", initial="dp-grid"):
                yield DataGrid(id="dp-grid")
                with VerticalScroll(id="dp-cf", can_focus=True):
                    yield Static(id="dp-cf-text")
                with Vertical(id="dp-min"):
                    yield Static(id="dp-min-head")
                    yield OptionList(id="dp-min-list")
                with Vertical(id="dp-ice"):
                    yield Static(id="dp-ice-head")
                    yield PlotextPlot(id="dp-ice-plot")
                with VerticalScroll(id="dp-attr", can_focus=True):
                    yield Static(id="dp-attr-text")
                with VerticalScroll(id="dp-hist", can_focus=True):
                    yield Static(id="dp-hist-text")
            with Vertical(id="dp-side"):
                yield Static("", id="dp-inference")
                yield FeatureTable(id="dp-features", cursor_type="row", zebra_stripes=True)
                yield Static("", id="dp-note")
        yield PromptBar(id="dp-prompt")

    def on_mount(self) -> None:
        self.query_one("#dp-prompt", PromptBar).display = False

    def focus_target(self) -> Widget:
        if self.panel == "min":
            return self.query_one("#dp-min-list")
        if self.panel != "table":
            return self.query_one("#dp-features")
        return self.query_one("#dp-grid", DataGrid)

    @property
    def grid(self) -> DataGrid:
        return self.query_one("#dp-grid", DataGrid)

    @property
    def features_table(self) -> DataTable:
        return self.query_one("#dp-features", DataTable)

    @property
    def prompt(self) -> PromptBar:
        return self.query_one("#dp-prompt", PromptBar)

    # -- key availability -----------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("focus_detail", "focus_table", "close_panel"):
            return True
        if not self.ready:
            return False
        s = self.session
        i = self.selected
        if action == "delete":
            return i >= s.n_rows
        if action == "revert_feature":
            return s.is_edited(i) and self._current_feature() in s.overlay.edits.get(i, {})
        if action == "revert_point":
            return s.is_edited(i)
        if action == "cycle_class":
            return s.task.kind == "multiclass" and self.panel == "ice"
        if action == "gap":
            return s.task.kind == "regression" and self.panel in ("cf", "min")
        if action == "open_cf":
            return self.panel == "cf" and parameters[0] < len(s.models)
        if action in ("toggle_metric", "restrict"):
            return self.panel == "cf"
        if action in ("toggle_pd",):
            return self.panel == "ice"
        return True

    # -- data -------------------------------------------------------------
    def session_ready(self) -> None:
        super().session_ready()
        s = self.session
        self._columns = self._make_columns()
        self.grid.set_source(self._columns, s.n_total, self._get_rows)
        self._fill_features()
        self._select(0)
        focused = self.app.focused
        if focused is None or self in focused.ancestors_with_self:  # never pull focus from another tab
            self.grid.focus()
        self._update_status()
        self._warm_up()

    def overlay_replaced(self) -> None:
        """The whole overlay was swapped (an autosave restored): recount the rows and redraw."""
        if not self.ready:
            return  # session_ready will draw it
        self._rebuild_view()
        self._after_change(f"Restored {self.session.overlay.n_changed} edited/added datapoint(s) from the autosave.")

    @work(thread=True, exclusive=True, group="dp-warm", exit_on_error=False)
    def _warm_up(self) -> None:
        """Encode the data for distances and the feature specs now, off the UI thread."""
        distance_space(self.session)
        for f in self.session.features:
            feature_spec(self.session, f)

    def _make_columns(self) -> list[GridColumn]:
        s = self.session
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
                columns.append(GridColumn(f"score:{m}", task.score_label[:5], 5, "right"))
        sample = s.data.iloc[: min(200, s.n_rows)]
        for f in s.features:
            longest = max((len(fmt(v)) for v in sample[f].tolist()), default=4)
            width = max(4, min(16, max(min(len(f), 12), longest)))
            columns.append(GridColumn(f"f:{f}", f, width, "right" if s.data[f].dtype.kind in "iuf" else "left"))
        return columns

    def set_thresholds(self, thresholds: list[float]) -> None:
        """Binary predictions follow the threshold chosen on the performance screen."""
        if not self.ready or self.session.task.kind != "binary":
            return
        self.thresholds = list(thresholds)
        self.grid.refresh_rows()
        self._show_inference()
        if self.panel != "table":
            self._refresh_panel()

    def _get_rows(self, start: int, stop: int) -> list[list[str | Text]]:
        s = self.session
        pg = browse.page(s, self.view, start, stop, self.thresholds)
        task = s.task
        rows: list[list[str | Text]] = []
        for k, i in enumerate(pg.ids.tolist()):
            marker = "+" if i >= s.n_rows else ("*" if pg.changed[k] else "")
            row: list[str | Text] = [Text(f"{i}{marker}", style="bold yellow") if marker else str(i)]
            truth = pg.truth[k]
            if s.has_label:
                row.append(fmt(truth))
            for m in range(len(s.models)):
                pred = pg.labels[m][k]
                if task.kind == "regression":
                    row.append(fmt(float(pred)))
                    continue
                cell = Text(fmt(pred))
                if truth is not None and not (isinstance(truth, float) and math.isnan(truth)):
                    ok = pred == truth
                    cell.append(" ✓" if ok else " ✗", style="green" if ok else "red")
                row.append(cell)
                row.append(f"{pg.scores[m][k]:.3f}")
            edited = s.overlay.edits.get(i, {}) if i < s.n_rows else {}
            for f in s.features:
                value = fmt(pg.features[f][k])
                row.append(Text(value, style="bold yellow") if f in edited else value)
            rows.append(row)
        return rows

    def _id_at(self, pos: int) -> int:
        return pos if self.view is None else int(self.view[pos])

    def _pos_of(self, i: int) -> int | None:
        if self.view is None:
            return i if 0 <= i < self.session.n_total else None
        hits = np.flatnonzero(self.view == i)
        return int(hits[0]) if len(hits) else None

    @property
    def _n_view(self) -> int:
        return self.session.n_total if self.view is None else len(self.view)

    @on(DataGrid.RowHighlighted, "#dp-grid")
    def _row_highlighted(self, event: DataGrid.RowHighlighted) -> None:
        # a held key moves the cursor faster than the side panel redraws: draw only the latest row
        if not getattr(self, "_highlight_pending", False):
            self._highlight_pending = True
            self.call_after_refresh(self._flush_highlight)

    def _flush_highlight(self) -> None:
        self._highlight_pending = False
        if self._n_view:
            self._select(self._id_at(min(self.grid.cursor_row, self._n_view - 1)))

    @on(DataGrid.RowSelected, "#dp-grid")
    def _row_selected(self, event: DataGrid.RowSelected) -> None:
        self.features_table.focus()

    def _sync(self) -> None:
        """The grid's cursor is the truth: act on its row even if its RowHighlighted is still queued (fast typing)."""
        if self.ready and self._n_view:
            i = self._id_at(min(self.grid.cursor_row, self._n_view - 1))
            if i != self.selected:
                self._select(i)

    def _select(self, i: int) -> None:
        if not 0 <= i < self.session.n_total:
            return
        changed = i != self.selected
        self.selected = i
        self._show_point()
        self._refresh_keys()
        if self.panel != "table" and (changed or self.panel not in self._results):
            self._refresh_panel()

    # -- the selected point -------------------------------------------------
    def _show_point(self) -> None:
        self._show_inference()
        self._fill_values()

    def _labels_of(self, scores) -> list[Any]:
        task = self.session.task
        return [
            labels_from(sc.score, sc.proba, task, self.thresholds[m])[0]
            if task.kind != "regression"
            else float(sc.score[0])
            for m, sc in enumerate(scores)
        ]

    def _show_inference(self) -> None:
        s = self.session
        i = self.selected
        task = s.task
        lines = Text()
        state = ""
        if i >= s.n_rows:
            state = f" · {s.overlay.origin.get(i, 'added').split(' (')[0]}"
        elif s.is_edited(i):
            state = " · edited"
        lines.append(f"Datapoint {i}", style="bold")
        lines.append(state + "\n", style="yellow")
        truth = s.truth(i)
        if s.has_label:
            lines.append(f"{s.label}: ", style="dim")
            lines.append(f"{fmt(truth)}\n")
        scores = s.point_scores(i)
        labels = self._labels_of(scores)
        runs = s.history(i)
        first = runs[0] if runs else None
        for m, model in enumerate(s.models):
            pred = labels[m]
            score = float(scores[m].score[0])
            lines.append(f"{model.name}: ", style=f"bold {MODEL_COLORS[m]}")
            lines.append(fmt(pred))
            if s.has_label and task.is_classification and truth is not None:
                ok = pred == truth
                lines.append(" ✓" if ok else " ✗", style="green" if ok else "red")
            if task.kind == "binary":
                lines.append(f"  thr {self.thresholds[m]:.2f}", style="dim")
            lines.append(f"\n  {task.score_label} {score:.4f}")
            if first is not None and len(runs) > 1:
                delta = score - first.scores[m]
                lines.append(f" Δ{delta:+.4f}", style="green" if delta > 0 else ("red" if delta < 0 else "dim"))
                if task.kind != "regression":
                    proba = None if first.probas[m] is None else np.array([first.probas[m]])
                    was = labels_from(np.array([first.scores[m]]), proba, task, self.thresholds[m])[0]
                    if was != pred:  # the edits changed the predicted class: say what it was, on its own line
                        lines.append(f"\n  was {fmt(was)} ({first.scores[m]:.4f})", style="yellow")
            lines.append("\n")
        n_lines = lines.plain.count("\n")
        self.query_one("#dp-inference", Static).update(lines, layout=n_lines != getattr(self, "_inference_lines", -1))
        self._inference_lines = n_lines

    def _fill_features(self) -> None:
        # The side pane is narrow (34 columns at 80x24): long feature names are shortened and the variation
        # column comes before the value, so neither the value nor the variation is ever pushed out of sight.
        table = self.features_table
        table.clear(columns=True)
        ranked = bool(self.ranked and self.rank)
        name_w = self._name_width(ranked)
        table.add_column("feature", key="feature", width=name_w)
        if ranked:
            table.add_column("var", key="var", width=5)
        table.add_column("value", key="value", width=self._value_width())
        for f in self._feature_order:
            cells: list[Any] = [_short(f, name_w)]
            if ranked:
                cells.append("")
            cells.append("")
            table.add_row(*cells, key=f)

    def _name_width(self, ranked: bool) -> int:
        longest = max([len(f) for f in self.session.features] + [7])
        return min(longest, 12 if ranked else 16)

    def _value_width(self) -> int:
        """Wide enough for the data's values (categories, a sample of numbers) plus the edit marker, capped."""
        got = getattr(self, "_value_w", None)
        if got is None:
            s = self.session
            sample = s.data.iloc[: min(500, s.n_rows)]
            longest = 6
            for f in s.features:
                col = sample[f]
                if hasattr(col, "cat"):
                    longest = max([longest] + [len(str(c)) for c in col.cat.categories])
                else:
                    longest = max([longest] + [len(fmt(v)) for v in col.tolist()])
            got = self._value_w = min(26, longest + 2)
        return got

    def _fill_values(self) -> None:
        s = self.session
        i = self.selected
        values = s.row(i)
        edited = s.overlay.edits.get(i, {}) if i < s.n_rows else {}
        table = self.features_table
        var = dict(self.rank or [])
        for f in self._feature_order:
            text = Text(fmt(values[f]), style="bold yellow" if f in edited else "")
            if f in edited:
                text.append(" *", style="yellow")
            if range_note(feature_spec(s, f), values[f]):
                text.append(" ⚠", style="bold magenta")  # accepted, but the model never saw such a value
            table.update_cell(f, "value", text)
            if self.ranked and self.rank:
                table.update_cell(f, "var", _compact(var.get(f, 0.0)))

    def _current_feature(self) -> str:
        table = self.features_table
        row = table.cursor_row
        if not self._feature_order:
            return ""
        return self._feature_order[max(0, min(row, len(self._feature_order) - 1))]

    @on(DataTable.RowHighlighted, "#dp-features")
    def _feature_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._refresh_keys()
        if self.panel == "ice":
            self._refresh_panel()

    @on(DataTable.RowSelected, "#dp-features")
    def _feature_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def _refresh_keys(self) -> None:
        """Ask the footer to re-check the keys, only when something they depend on changed (it recomposes)."""
        s = self.session
        i = self.selected
        state = (
            self.ready,
            self.panel,
            i >= s.n_rows,
            s.is_edited(i),
            self._current_feature() in s.overlay.edits.get(i, {}) if self._feature_order else False,
        )
        if state != getattr(self, "_key_state", None):
            self._key_state = state
            self.refresh_bindings()

    def _note(self, text: str | Text = "", error: bool = False) -> None:
        key = (str(text), error)
        if key == getattr(self, "_note_key", None):
            return
        self._note_key = key
        note = self.query_one("#dp-note", Static)
        note.update(text)
        note.set_class(error, "error")

    # -- status line ------------------------------------------------------------
    def _update_status(self) -> None:
        s = self.session
        parts = [f"{s.n_total:,} datapoints"]
        if self.view is not None and (self.filter_kind or len(self.view) != s.n_total):  # not when only sorted
            parts[0] = f"{len(self.view):,} of {s.n_total:,} shown"
        if self.filter_kind:
            parts.append(f"filter: {self.filter_text}")
        if self.sort is not None:
            parts.append(f"sort: {self.sort.label} {'↓' if self.sort.descending else '↑'}")
        if s.overlay.n_changed:
            parts.append(f"{s.overlay.n_changed} changed" + ("" if s.overlay.saved else " (unsaved)"))
        self.query_one("#dp-status", Static).update(" · ".join(parts))

    # -- editing ------------------------------------------------------------------
    def _after_change(self, note: str | Text = "", error: bool = False) -> None:
        """The overlay changed: redraw the row, the point, the status, and any open panel."""
        self.version += 1
        self._results.clear()
        self.grid.refresh_rows()
        self._show_point()
        self._update_status()
        self._note(note, error)
        self._refresh_keys()
        if self.panel != "table":
            self._refresh_panel()

    def action_edit(self) -> None:
        self._sync()
        if not self.ready:
            return
        f = self._current_feature()
        if not f:
            return
        spec = feature_spec(self.session, f)
        current = self.session.row(self.selected)[f]
        if spec.kind == "categorical":
            options = [str(c) for c in spec.categories] + ["(missing)"]
            try:
                now: int | None = spec.categories.index(current)
            except ValueError:
                now = None if current is not None else len(spec.categories)

            def picked(k: int | None) -> None:
                if k is None:
                    return
                value = spec.categories[k] if k < len(spec.categories) else None
                self._apply({f: value})
                self.features_table.focus()

            self.app.push_screen(
                PickScreen(
                    f"{f} of datapoint {self.selected}",
                    options,
                    now,
                    "type to filter · enter sets the value · esc cancels",
                ),
                picked,
            )
            return
        hint = f"number · +/- step {show(spec.step)} · range [{show(spec.low)}, {show(spec.high)}] · empty = missing"
        self.prompt.ask("edit", f"{f} = ", "" if current is None else show(current), hint)

    @property
    def feature_order(self) -> tuple[str, ...]:
        """The features in the order the editor lists them."""
        return tuple(self._feature_order)

    @property
    def minimal_edit_choices(self) -> tuple[tuple[int, Any], ...]:
        """The smallest-edit suggestions listed, as (model index, edit) in list order."""
        return tuple(self._min_options)

    def edit_selected(self, values: dict[str, Any]) -> bool:
        """Set features of the selected datapoint as the editor does; False (with a note) when refused."""
        return self._apply(values)

    def _apply(self, values: dict[str, Any]) -> bool:
        try:
            result = apply_edits(self.session, self.selected, values)
        except WitError as exc:
            self._note(f"{exc.message} {exc.hint}", error=True)
            return False
        self._after_change(result.note)
        return True

    def action_step(self, steps: int) -> None:
        self._sync()
        if not self.ready:
            return
        f = self._current_feature()
        try:
            result = step_feature(self.session, self.selected, f, steps)
        except WitError as exc:
            self._note(f"{exc.message} {exc.hint}", error=True)
            return
        self._after_change(result.note)

    def action_revert_feature(self) -> None:
        self._sync()
        f = self._current_feature()
        if revert_feature(self.session, self.selected, f) is not None:
            self._after_change(f"{f} reverted.")

    def action_revert_point(self) -> None:
        self._sync()
        if revert_point(self.session, self.selected) is not None:
            self._after_change(f"Datapoint {self.selected} reverted.")

    def _grow_view(self, new: int) -> None:
        """An added point joins the end of the current view and is selected."""
        if self.view is not None:
            self.view = np.append(self.view, new)
        self.grid.set_source(self._columns, self._n_view, self._get_rows, keep_cursor=True)
        self.grid.move_cursor(self._n_view - 1)
        self._select(new)

    def action_duplicate(self) -> None:
        self._sync()
        if not self.ready:
            return
        src = self.selected
        new = duplicate_point(self.session, src)
        self._grow_view(new)
        self._after_change(f"Datapoint {new} is a copy of {src}.")

    def action_add(self) -> None:
        if not self.ready:
            return
        try:
            new = add_point(self.session)
        except WitError as exc:
            self._note(f"{exc.message} {exc.hint}", error=True)
            return
        self._grow_view(new)
        self._after_change(f"Datapoint {new} added from the data's medians and modes.")

    def action_delete(self) -> None:
        self._sync()
        i = self.selected
        if i < self.session.n_rows:
            self._note("Only added points can be deleted; R reverts an edited one.", error=True)
            return

        def answer(ok: bool | None) -> None:
            if not ok:
                return
            delete_point(self.session, i)
            if self.view is not None:
                keep = self.view[self.view != i]
                self.view = np.where(keep > i, keep - 1, keep)
            pos = min(self.grid.cursor_row, max(0, self._n_view - 1))
            self.grid.set_source(self._columns, self._n_view, self._get_rows, keep_cursor=True)
            self.grid.move_cursor(pos)
            self.selected = -1
            self._select(self._id_at(pos) if self._n_view else 0)
            self._after_change(f"Datapoint {i} deleted; later added points moved up one id.")

        self.app.push_screen(ConfirmScreen(f"Delete added datapoint {i}?"), answer)

    # -- saving -------------------------------------------------------------------
    def action_save(self) -> None:
        if not self.ready or not self.session.overlay.n_changed:
            self._note("Nothing to save: no edited or added datapoints.", error=True)
            return
        stem = Path(self.session.name).stem.replace(" ", "-") or "data"
        default = self._last_save or str(Path.cwd() / f"{stem}-edits.csv")
        self.prompt.ask(
            "save",
            "save to ",
            default,
            f"{self.session.overlay.n_changed} edited/added point(s) → CSV · enter saves · esc cancels",
        )

    def _save(self, path_text: str, confirmed: bool = False) -> None:
        path = Path(path_text.strip()).expanduser()
        if not path_text.strip():
            self.prompt.error("Give a file name.")
            return
        if path.exists() and not confirmed and str(path) != self._last_save:

            def answer(ok: bool | None) -> None:
                if ok:
                    self._save(path_text, confirmed=True)
                else:
                    self.prompt.input.focus()

            self.app.push_screen(ConfirmScreen(f"{path} exists. Overwrite it?"), answer)
            return
        try:
            n = self.session.save_edits(path, self.thresholds)
        except WitError as exc:
            self.prompt.error(f"{exc.message} {exc.hint}")
            return
        self._last_save = str(path)
        self.prompt.close()
        self.features_table.focus()
        self._update_status()
        self._note(f"Saved {n} datapoint(s) to {path}.")
        self.app.notify(f"Saved {n} datapoint(s) to {path}", timeout=5)

    # -- prompt -------------------------------------------------------------------
    @on(PromptBar.Submitted)
    def _prompt_submitted(self, event: PromptBar.Submitted) -> None:
        mode, value = event.mode, event.value
        if mode == "edit":
            f = self._current_feature()
            try:
                result = edit_text(self.session, self.selected, f, value)
            except WitError as exc:
                self.prompt.error(f"{exc.message} {exc.hint}")
                return
            self.prompt.close()
            self.features_table.focus()
            self._after_change(result.note)
        elif mode == "filter":
            self._apply_expression(value)
        elif mode == "jump":
            self._jump(value)
        elif mode == "save":
            self._save(value)

    @on(PromptBar.Cancelled)
    def _prompt_cancelled(self, event: PromptBar.Cancelled) -> None:
        if self.app.focused is None:
            self.focus_target().focus()

    # -- browse: filter, sort, jump ----------------------------------------------------
    def action_filter(self) -> None:
        if not self.ready:
            return
        cols = ", ".join(self.session.features[:4])
        self.prompt.ask(
            "filter",
            "/",
            self.filter_text if self.filter_kind == "expr" else "",
            f'e.g. age > 40 and sex == "Female" · columns: {cols}, … · empty clears · esc cancels',
        )

    def _apply_expression(self, text: str) -> None:
        if not text.strip():
            self.filter_kind, self.filter_text = None, ""
            self.prompt.close()
            self._rebuild_view()
            return
        try:
            mask = browse.expression_mask(self.session, text, self.thresholds)
        except WitError as exc:
            self.prompt.error(f"{exc.message}")
            return
        self.filter_kind, self.filter_text = "expr", text.strip()
        self.prompt.close()
        self._rebuild_view(mask)

    def _filter_mask(self) -> np.ndarray | None:
        if self.filter_kind is None:
            return None
        if self.filter_kind == "expr":
            return browse.expression_mask(self.session, self.filter_text, self.thresholds)
        return browse.quick_filter_mask(self.session, self.filter_kind, self.filter_model, self.thresholds)  # type: ignore[arg-type]

    def _rebuild_view(self, mask: np.ndarray | None = None) -> None:
        """Re-apply the sort and filter (current values of edited points included); keep the selection if shown."""
        if mask is None and self.filter_kind is not None:
            try:
                mask = self._filter_mask()
            except WitError as exc:
                self._note(f"{exc.message} {exc.hint}", error=True)
                self.filter_kind, self.filter_text = None, ""
                mask = None
        self.view = browse.build_view(self.session, self.sort, mask, self.thresholds)
        keep = self.selected
        self.grid.set_source(self._columns, self._n_view, self._get_rows)
        pos = self._pos_of(keep)
        if pos is not None:
            self.grid.move_cursor(pos)
        elif self._n_view:
            self._select(self._id_at(0))
        self._update_status()
        if self.filter_kind and self._n_view == 0:
            self._note(NO_MATCH, error=True)
        elif getattr(self, "_note_key", ("",))[0] == NO_MATCH:  # an earlier filter's message no longer holds
            self._note("")
        self.focus_target().focus()

    def action_quick_filter(self) -> None:
        if not self.ready:
            return
        s = self.session
        options: list[tuple[str, str | None, int | None]] = [("All datapoints (no filter)", None, None)]
        if s.has_label and s.task.is_classification:
            options.append(("Misclassified by any model", "misclassified", None))
            for m, model in enumerate(s.models):
                options.append((f"Misclassified by {model.name}", "misclassified", m))
            if s.task.kind == "binary":
                for m, model in enumerate(s.models):
                    options.append((f"False positives of {model.name}", "false_positives", m))
                    options.append((f"False negatives of {model.name}", "false_negatives", m))
        options.append(("Edited or added", "edited", None))

        def picked(k: int | None) -> None:
            if k is None:
                return
            label, kind, model = options[k]
            self.filter_kind, self.filter_model = kind, model
            self.filter_text = label.lower() if kind else ""
            self._rebuild_view()

        note = "" if s.has_label else "No label: only the edited filter applies."
        self.app.push_screen(PickScreen("Quick filter", [o[0] for o in options], None, note), picked)

    def _sort_choices(self) -> list[tuple[str, str]]:
        s = self.session
        out = [("id", "# (datapoint id)")]
        if s.has_label:
            out.append(("truth", f"{s.label} (ground truth)"))
        for m, model in enumerate(s.models):
            if s.task.kind == "regression":
                out.append((f"pred:{m}", f"{model.name} prediction"))
            else:
                out.append((f"score:{m}", f"{model.name} {s.task.score_label}"))
                out.append((f"pred:{m}", f"{model.name} predicted class"))
        out.extend((f"f:{f}", f) for f in s.features)
        return out

    def action_sort(self, descending: bool) -> None:
        if not self.ready:
            return
        choices = self._sort_choices()

        def picked(k: int | None) -> None:
            if k is None:
                return
            key, label = choices[k]
            self.sort = (
                None if key == "id" and not descending else browse.SortSpec(key, label.split(" (")[0], descending)
            )
            if self.sort is None or self.sort.key == "id" or browse.order_ready(self.session, self.sort.key):
                self._rebuild_view()  # cached: only a merge of the edited points and a reverse
                return
            self._note(f"Sorting by {label}…")
            self._sort_worker(self.sort.key)

        title = f"Sort {'descending' if descending else 'ascending'} by"
        self.app.push_screen(PickScreen(title, [c[1] for c in choices]), picked)

    @work(thread=True, exclusive=True, group="dp-sort", exit_on_error=False)
    def _sort_worker(self, key: str) -> None:
        """The one stable argsort of a column (about 150 ms on a million rows), off the UI thread; cached after."""
        browse.base_order(self.session, key)
        self.app.call_from_thread(self._sorted, key)

    def _sorted(self, key: str) -> None:
        if self.sort is not None and self.sort.key == key:  # not replaced by another sort meanwhile
            self._rebuild_view()
        self._note("")

    def action_jump(self) -> None:
        if not self.ready:
            return
        self.prompt.ask("jump", "go to datapoint # ", "", f"0 … {self.session.n_total - 1:,}")

    def _jump(self, text: str) -> None:
        try:
            i = int(text.strip().replace(",", "").replace("_", ""))
        except ValueError:
            self.prompt.error(f"{text.strip()!r} is not a datapoint number.")
            return
        if not 0 <= i < self.session.n_total:
            self.prompt.error(f"There is no datapoint {i}; ids run from 0 to {self.session.n_total - 1:,}.")
            return
        pos = self._pos_of(i)
        if pos is None:
            self.prompt.error(f"Datapoint {i} is hidden by the filter; clear it (/ then enter) to see it.")
            return
        self.prompt.close()
        self.action_close_panel()
        self.grid.move_cursor(pos)
        self._select(i)
        self.grid.focus()

    def action_next_point(self, delta: int) -> None:
        if not self.ready or not self._n_view:
            return
        pos = self.grid.cursor_row + delta
        self.grid.move_cursor(max(0, min(self._n_view - 1, pos)))

    # -- focus ------------------------------------------------------------------------
    def action_focus_detail(self) -> None:
        self.features_table.focus()

    def action_focus_table(self) -> None:
        self.action_close_panel()
        self.grid.focus()

    # -- panels -----------------------------------------------------------------------
    def action_panel(self, name: str) -> None:
        self._sync()
        if not self.ready:
            return
        if self.panel == name:
            self.action_close_panel()
            return
        self.panel = name
        self.query_one("#dp-left", ContentSwitcher).current = PANELS[name]
        self.refresh_bindings()
        self._refresh_panel()
        self.focus_target().focus()

    def action_close_panel(self) -> None:
        if self.prompt.is_open:
            self.prompt.action_cancel()
            return
        if self.panel == "table":
            return
        self.panel = "table"
        self.query_one("#dp-left", ContentSwitcher).current = "dp-grid"
        self.refresh_bindings()
        self.grid.focus()
        # J/K may have moved the cursor while the grid was hidden: scroll it into view once laid out again
        self.call_after_refresh(lambda: self.grid.move_cursor(self.grid.cursor_row))

    def _token(self, *extra: Any) -> tuple:
        return (self.selected, self.version, tuple(self.thresholds), *extra)

    def _refresh_panel(self) -> None:
        self._sync()
        panel = self.panel
        if panel == "cf":
            self._start_cf()
        elif panel == "min":
            self._start_min()
        elif panel == "ice":
            self._start_curves()
        elif panel == "attr":
            self._start_attr()
        elif panel == "hist":
            self._render_history()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker says so in its panel and in a notification, instead of failing silently."""
        if event.state != WorkerState.ERROR or not (event.worker.group or "").startswith("dp-"):
            return
        error = event.worker.error
        text = f"{error.message} {error.hint}" if isinstance(error, WitError) else f"{type(error).__name__}: {error}"
        target = {
            "dp-cf": "#dp-cf-text",
            "dp-min": "#dp-min-head",
            "dp-curves": "#dp-ice-head",
            "dp-attr": "#dp-attr-text",
        }.get(event.worker.group or "")
        if target:
            self.query_one(target, Static).update(Text(f"Could not compute: {text}", style="red"))
        # StateChanged does not bubble: the app never sees this view's workers, so say it here
        self.app.notify(text, title="Error", severity="error", timeout=15)

    def on_datapoint_view_progress(self, message: Progress) -> None:
        target = {"cf": "#dp-cf-text", "min": "#dp-min-head", "ice": "#dp-ice-head", "attr": "#dp-attr-text"}
        if message.panel == self.panel:
            self.query_one(target[message.panel], Static).update(Text(message.text, style="dim"))

    # ---- nearest counterfactual
    def _gap(self, m: int) -> float | None:
        if self.session.task.kind != "regression":
            return None
        base = default_gap(self.session, m)
        return max(0.0, base * (1 + 0.1 * self.gap_steps))

    def _restrict_mask(self) -> np.ndarray | None:
        if self.restrict is None:
            return None
        kind, value = self.restrict
        s = self.session
        if kind == "truth":
            return _truth_mask(s, value)
        if kind == "filter":
            return self._filter_mask()
        return None

    def _restrict_label(self) -> str:
        if self.restrict is None:
            return "among all datapoints"
        kind, value = self.restrict
        if kind == "truth":
            return f"among {self.session.label} = {value}"
        return f"within the filter ({self.filter_text})"

    def _start_cf(self) -> None:
        token = self._token("cf", self.metric, self.restrict, self.gap_steps, self.filter_text)
        if self._results.get("cf", (None,))[0] == token:
            self._render_cf()
            return
        self.query_one("#dp-cf-text", Static).update(
            Text("Finding the nearest counterfactual… (computing)", style="dim")
        )
        try:
            restrict = self._restrict_mask()
        except WitError as exc:
            self.restrict = None
            self._note(f"{exc.message} {exc.hint}", error=True)
            restrict = None
        self._cf_worker(
            token,
            self.selected,
            self.metric,
            restrict,
            list(self.thresholds),
            [self._gap(m) for m in range(len(self.session.models))],
        )

    @work(thread=True, exclusive=True, group="dp-cf", exit_on_error=False)
    def _cf_worker(
        self,
        token: tuple,
        i: int,
        metric: Metric,
        restrict: np.ndarray | None,
        thresholds: list[float],
        gaps: list[float | None],
    ) -> None:
        worker = get_current_worker()
        s = self.session
        if not space_ready(s):
            self.post_message(self.Progress("cf", f"Encoding {s.n_rows:,} rows for distances (once)… computing"))
        distance_space(s)
        results = []
        for m in range(len(s.models)):
            if worker.is_cancelled:
                return
            t = thresholds[m] if s.task.kind == "binary" else None
            results.append(
                nearest_counterfactual(
                    s,
                    i,
                    m,
                    metric=metric,
                    threshold=t,
                    gap=gaps[m],
                    restrict=restrict,
                    cancelled=lambda: worker.is_cancelled,
                )
            )
        if not worker.is_cancelled:
            self.post_message(self.CounterfactualsReady(token, results))

    def on_datapoint_view_counterfactuals_ready(self, message: CounterfactualsReady) -> None:
        self._results["cf"] = (message.token, message.results)
        if self.panel == "cf" and message.token == self._token(
            "cf", self.metric, self.restrict, self.gap_steps, self.filter_text
        ):
            self._render_cf()

    def _render_cf(self) -> None:
        s = self.session
        _token, results = self._results["cf"]
        i = self.selected
        head = Text()
        head.append(f"Nearest counterfactual of #{i}", style="bold")
        head.append(f" · {self.metric} · {self._restrict_label()}\n", style="dim")
        rules = sorted({r.rule for r in results})
        if len(rules) > 1:  # e.g. regression: each model has its own prediction and gap
            rules = [f"{r.model}: {r.rule}" for r in results]
        head.append("counts: " + "; ".join(rules) + "\n", style="dim")
        width = max(len(r.model) for r in results)
        for r in results:
            head.append(f"{r.model:<{width}} ", style=f"bold {MODEL_COLORS[r.model_index]}")
            if r.index is None:
                head.append("none — no datapoint qualifies\n", style="red")
                continue
            head.append(f"#{r.index}", style="bold")
            head.append(f" distance {r.distance:.4f}", style="bold")
            head.append(f" (of {r.n_candidates:,})\n", style="dim")
        # one column per distinct counterfactual (both models often agree)
        columns: list[tuple[int, list[Counterfactual]]] = []
        for r in results:
            if r.index is None:
                continue
            for idx, group in columns:
                if idx == r.index:
                    group.append(r)
                    break
            else:
                columns.append((r.index, [r]))
        if not columns:
            self.query_one("#dp-cf-text", Static).update(head)
            return
        longest = max([len(f) for f in s.features] + [len(s.label or "")] + [len(m.name) for m in s.models])
        feat_w, col_w = _cf_widths(self.query_one("#dp-left").size.width or 60, longest, 1 + len(columns))
        table = Table(box=None, padding=(0, 1), pad_edge=False, header_style="bold", expand=False)
        table.add_column("feature", no_wrap=True, max_width=feat_w, overflow="ellipsis")
        table.add_column(f"#{i}", no_wrap=True, max_width=col_w, overflow="ellipsis")
        for idx, group in columns:
            who = "both" if len(group) == len(s.models) > 1 else "/".join(r.model for r in group)
            table.add_column(
                Text(f"#{idx} {who}", style=MODEL_COLORS[group[0].model_index]),
                no_wrap=True,
                max_width=col_w,
                overflow="ellipsis",
            )
        this = s.row(i)
        others = [s.row(idx) for idx, _ in columns]
        labels_this = self._labels_of(s.point_scores(i))
        for m, model in enumerate(s.models):
            cells: list[Text | str] = [Text(f"{model.name}", style=f"dim {MODEL_COLORS[m]}"), Text(fmt(labels_this[m]))]
            for idx, _group in columns:
                lab = self._labels_of(s.point_scores(idx))[m]
                cells.append(Text(fmt(lab), style="bold" if lab != labels_this[m] else ""))
            table.add_row(*cells)
        if s.has_label:
            assert s.label is not None  # a session has ground truth only with a label column
            table.add_row(Text(s.label, style="dim"), fmt(s.truth(i)), *(fmt(s.truth(idx)) for idx, _ in columns))
        differing = {f for f in s.features for o in others if not same(this[f], o[f])}
        order = [f for f in s.features if f in differing] + [f for f in s.features if f not in differing]
        for f in order:
            cells = [Text(f, style="bold" if f in differing else ""), fmt(this[f])]
            for o in others:
                diff = not same(this[f], o[f])
                cells.append(Text(fmt(o[f]), style="bold black on yellow" if diff else "dim"))
            table.add_row(*cells)
        keys = "o / O go to it in the table" if len(s.models) > 1 else "o goes to it in the table"
        foot = Text(
            f"\nHighlighted: values that differ. {keys} · L switches L1/L2 · w restricts the search"
            + (" · { } change the gap" if s.task.kind == "regression" else ""),
            style="dim",
        )
        self.query_one("#dp-cf-text", Static).update(Group(head, table, foot))

    def action_toggle_metric(self) -> None:
        self.metric = "L2" if self.metric == "L1" else "L1"
        self._refresh_panel()

    def action_gap(self, delta: int) -> None:
        self.gap_steps = max(-9, self.gap_steps + delta)
        self._refresh_panel()

    def action_restrict(self) -> None:
        s = self.session
        options: list[tuple[str, tuple[str, Any] | None]] = [("All datapoints", None)]
        if s.has_label and s.task.is_classification:
            options += [(f"{s.label} = {c}", ("truth", c)) for c in s.task.classes]
        if self.filter_kind:
            options.append((f"Datapoints in the current filter ({self.filter_text})", ("filter", None)))

        def picked(k: int | None) -> None:
            if k is None:
                return
            self.restrict = options[k][1]
            self._refresh_panel()

        self.app.push_screen(PickScreen("Look for the counterfactual among", [o[0] for o in options]), picked)

    def action_open_cf(self, m: int) -> None:
        got = self._results.get("cf")
        if not got:
            return
        results = got[1]
        if m >= len(results) or results[m].index is None:
            self._note("No counterfactual to go to.", error=True)
            return
        target = results[m].index
        pos = self._pos_of(target)
        if pos is None:
            self._note(f"Datapoint {target} is hidden by the filter.", error=True)
            return
        self.action_close_panel()
        self.grid.move_cursor(pos)
        self._select(target)

    # ---- minimal edits
    def _start_min(self) -> None:
        token = self._token("min", self.gap_steps)
        if self._results.get("min", (None,))[0] == token:
            self._render_min()
            return
        self.query_one("#dp-min-head", Static).update(
            Text("Searching one- and two-feature edits… (computing)", style="dim")
        )
        self.query_one("#dp-min-list", OptionList).clear_options()
        self._min_worker(
            token, self.selected, list(self.thresholds), [self._gap(m) for m in range(len(self.session.models))]
        )

    @work(thread=True, exclusive=True, group="dp-min", exit_on_error=False)
    def _min_worker(self, token: tuple, i: int, thresholds: list[float], gaps: list[float | None]) -> None:
        worker = get_current_worker()
        s = self.session
        results = []
        for m in range(len(s.models)):
            self.post_message(self.Progress("min", f"Searching edits for {s.models[m].name}… (computing)"))
            t = thresholds[m] if s.task.kind == "binary" else None
            r = minimal_edits(s, i, m, threshold=t, gap=gaps[m], cancelled=lambda: worker.is_cancelled)
            if r is None or worker.is_cancelled:
                return
            results.append(r)
        self.post_message(self.MinimalReady(token, results))

    def on_datapoint_view_minimal_ready(self, message: MinimalReady) -> None:
        self._results["min"] = (message.token, message.results)
        if self.panel == "min" and message.token == self._token("min", self.gap_steps):
            self._render_min()

    def _render_min(self) -> None:
        _token, results = self._results["min"]
        head = Text()
        head.append(f"Smallest edits of #{self.selected} that change the prediction\n", style="bold")
        head.append(
            "What the model would predict for edited copies of this point — not a causal claim.\n", style="italic"
        )
        head.append("enter applies the highlighted edit (R reverts)", style="dim")
        self.query_one("#dp-min-head", Static).update(head)
        ol = self.query_one("#dp-min-list", OptionList)
        options: list[Option] = []
        self._min_options = []
        for r in results:
            color = MODEL_COLORS[r.model_index]
            options.append(
                Option(
                    Text.assemble(
                        (f"{r.model}", f"bold {color}"),
                        (f" predicts {fmt(r.prediction)} · {r.n_scored:,} edits scored", "dim"),
                    ),
                    disabled=True,
                )
            )
            if not r.edits:
                options.append(
                    Option(Text("  no one- or two-feature edit on the grids flips it", style="dim"), disabled=True)
                )
            for e in r.edits:
                change = ", ".join(f"{c.feature} {show(c.old)} → {show(c.new)}" for c in e.changes)
                text = Text.assemble(
                    f" change {change}",
                    (f" · size {e.cost:.3f}", "dim"),
                    (f" → {fmt(e.prediction)}", "bold"),
                    (f" ({e.score:.3f})" if self.session.task.kind != "regression" else "", "dim"),
                )
                options.append(Option(text, id=f"min-{len(self._min_options)}"))
                self._min_options.append((r.model_index, e))
        ol.set_options(options)
        first = next((k for k, o in enumerate(options) if not o.disabled), None)
        if first is not None:
            ol.highlighted = first

    @on(OptionList.OptionSelected, "#dp-min-list")
    def _min_selected(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        if not oid.startswith("min-"):
            return
        _m, e = self._min_options[int(oid[4:])]
        if self._apply({c.feature: c.new for c in e.changes}):
            self._note("Edit applied; R reverts the point.")

    # ---- ICE / partial dependence
    def _start_curves(self) -> None:
        f = self._current_feature()
        if not f:
            return
        token = self._token("ice", f, self.pd_global, self.ranked)
        if self._results.get("ice", (None,))[0] == token:
            self._render_curves()
            return
        self.query_one("#dp-ice-head", Static).update(Text(f"ICE of {f}… (computing)", style="dim"))
        self._curves_worker(token, self.selected, f, self.pd_global, self.ranked)

    @work(thread=True, exclusive=True, group="dp-curves", exit_on_error=False)
    def _curves_worker(self, token: tuple, i: int, feature: str, pd_global: bool, ranked: bool) -> None:
        worker = get_current_worker()
        s = self.session
        rank = None
        if ranked:
            rank = rank_by_variation(ice_many(s, i))
        if worker.is_cancelled:
            return
        curves = ice(s, i, feature)
        pd_curves = None
        if pd_global:
            key = (feature,)
            pd_curves = self._pd_cache.get(key)
            if pd_curves is None:
                self.post_message(
                    self.Progress("ice", f"Partial dependence of {feature} over a 1,000-row sample… (computing)")
                )
                pd_curves = partial_dependence(s, feature, cancelled=lambda: worker.is_cancelled)
                if pd_curves is None:
                    return
                self._pd_cache[key] = pd_curves
        if not worker.is_cancelled:
            self.post_message(self.CurvesReady(token, curves, pd_curves, rank))

    def on_datapoint_view_curves_ready(self, message: CurvesReady) -> None:
        self._results["ice"] = (message.token, (message.ice, message.pd))
        if message.rank is not None:
            self._apply_rank(message.rank)
        if self.panel == "ice" and message.token == self._token(
            "ice", self._current_feature(), self.pd_global, self.ranked
        ):
            self._render_curves()

    def _apply_rank(self, rank: list[tuple[str, float]]) -> None:
        current = self._current_feature()
        self.rank = rank
        order = [f for f, _ in rank]
        if order != self._feature_order or len(self.features_table.columns) != 3:
            self._feature_order = order
            self._fill_features()
            self.features_table.move_cursor(row=order.index(current) if current in order else 0)
        self._fill_values()

    def _render_curves(self) -> None:
        s = self.session
        curves, pd_curves = self._results["ice"][1]
        task = s.task
        f = curves.grid.feature
        cls = self._plot_class(curves)
        what = {"binary": f"{task.score_label} of {task.positive}", "regression": "prediction"}.get(
            task.kind, f"P({task.classes[cls]})" if cls is not None else ""
        )
        head = Text()
        head.append(f"ICE of {f} for datapoint {self.selected}", style="bold")
        head.append(f" · y = {what}", style="dim")
        if pd_curves is not None:
            head.append(f" · PD over {pd_curves.n_rows:,} rows", style="dim")
        if curves.grid.n_other:
            head.append(f" · top {len(curves.grid.values)} categories ({curves.grid.n_other} more)", style="dim")
        head.append(
            "\n↑/↓ in the features picks the feature · P partial dependence · v order by variation"
            + (" · C class" if task.kind == "multiclass" else ""),
            style="dim",
        )
        self.query_one("#dp-ice-head", Static).update(head)

        figure = DependenceFigure.of(curves, pd_curves, s.model_names, task, cls, self.thresholds)
        show_figure(self.query_one("#dp-ice-plot", PlotextPlot), figure)

    def _plot_class(self, curves: Curves) -> int | None:
        if self.session.task.kind != "multiclass":
            return None
        if self.ice_class is None:
            return int(np.argmax(curves.current_scores[0]))
        return self.ice_class % len(self.session.task.classes)

    def action_toggle_pd(self) -> None:
        self.pd_global = not self.pd_global
        self._refresh_panel()

    def action_rank(self) -> None:
        if not self.ready:
            return
        if self.ranked:
            current = self._current_feature()
            self.ranked, self.rank = False, None
            self._feature_order = list(self.session.features)
            self._fill_features()
            self._fill_values()
            self.features_table.move_cursor(row=self._feature_order.index(current))
            self._note("Features in data order.")
            return
        self.ranked = True
        if self.panel != "ice":
            self.action_panel("ice")
        else:
            self._refresh_panel()
        self._note("Features ordered by how much they move the prediction of this point (ICE variation).")

    def action_cycle_class(self) -> None:
        got = self._results.get("ice")
        if not got:
            return
        curves = got[1][0]
        current = self._plot_class(curves) or 0
        self.ice_class = (current + 1) % len(self.session.task.classes)
        self._render_curves()

    # ---- attributions
    def _start_attr(self) -> None:
        token = self._token("attr")
        if self._results.get("attr", (None,))[0] == token:
            self._render_attr()
            return
        self.query_one("#dp-attr-text", Static).update(Text("Fitting local surrogates… (computing)", style="dim"))
        self._attr_worker(token, self.selected)

    @work(thread=True, exclusive=True, group="dp-attr", exit_on_error=False)
    def _attr_worker(self, token: tuple, i: int) -> None:
        worker = get_current_worker()
        n = len(self.session.models)

        def progress(done: int, total: int) -> None:
            self.post_message(self.Progress("attr", f"Fitting local surrogates… {done}/{total} models (computing)"))

        self.post_message(self.Progress("attr", f"Fitting local surrogates… 0/{n} models (computing)"))
        results = local_attributions(self.session, i, progress=progress, cancelled=lambda: worker.is_cancelled)
        if results is not None and not worker.is_cancelled:
            self.post_message(self.AttributionsReady(token, results))

    def on_datapoint_view_attributions_ready(self, message: AttributionsReady) -> None:
        self._results["attr"] = (message.token, message.results)
        if self.panel == "attr" and message.token == self._token("attr"):
            self._render_attr()

    def _render_attr(self) -> None:
        results: list[Attribution] = self._results["attr"][1]
        head = Text()
        head.append(f"Local attributions of #{self.selected}", style="bold")
        head.append(" · LIME-style local surrogate\n", style="dim")
        for a in results:
            head.append(f"{a.model} ", style=f"bold {MODEL_COLORS[a.model_index]}")
            head.append(f"{a.prediction:.4f}  ")
            r2_style = "green" if a.fidelity_r2 >= 0.8 else ("yellow" if a.fidelity_r2 >= 0.5 else "red")
            head.append(f"fidelity R² {a.fidelity_r2:.3f}\n", style=r2_style)
        features = list(results[0].features)
        scale = max([float(np.max(np.abs(a.weights))) for a in results] + [1e-12])
        order = np.argsort(-np.max(np.abs(np.vstack([a.weights for a in results])), axis=0), kind="stable")
        table = Table(box=None, padding=(0, 1), header_style="bold")
        table.add_column("feature", no_wrap=True, max_width=16)
        width = self.query_one("#dp-left").size.width or 60
        bar_w = max(3, min(16, (width - 22) // len(results) - 9))
        for a in results:
            table.add_column(Text(a.model, style=MODEL_COLORS[a.model_index]), no_wrap=True)
        for j in order[:12]:
            cells: list[Any] = [features[j]]
            for a in results:
                w = float(a.weights[j])
                n = int(round(abs(w) / scale * bar_w))
                bar = "█" * n if n else ("▏" if w else "")
                cells.append(Text.assemble((f"{w:+.3f} ", ""), (bar.ljust(bar_w), "green" if w > 0 else "red")))
            table.add_row(*cells)
        a0 = results[0]
        foot = Text(
            f"\nOutput: {a0.target}. + pushes it up, − down, when the feature has this point's value instead "
            f"of a typical one. Weighted ridge on {a0.n_samples} perturbations (seed {a0.seed}); a low "
            "fidelity R² means the model is not additive around the point.",
            style="dim",
        )
        self.query_one("#dp-attr-text", Static).update(Group(head, table, foot))

    # ---- history
    def _render_history(self) -> None:
        s = self.session
        i = self.selected
        runs = s.history(i)
        head = Text()
        head.append(f"Runs of datapoint {i}", style="bold")
        if not runs:
            head.append(
                "\nNo runs yet: edit a feature (e) and every model re-infers the point; each edit is a run.",
                style="dim",
            )
            self.query_one("#dp-hist-text", Static).update(head)
            return
        head.append(" · newest last · Δ against the previous run\n", style="dim")
        task = s.task
        width = max(len(m.name) for m in s.models)
        prev = None
        for run in runs:
            newest = run is runs[-1]
            head.append(f"{run.number:>2} ", style="bold")
            head.append(f"{run.change}\n", style="bold" if newest else "")
            for m, model in enumerate(s.models):
                score = run.scores[m]
                proba = None if run.probas[m] is None else np.array([run.probas[m]])
                head.append(f"   {model.name:<{width}} ", style=MODEL_COLORS[m])
                if task.kind == "regression":
                    head.append(f"{fmt(score)}")
                else:
                    label = labels_from(np.array([score]), proba, task, self.thresholds[m])[0]
                    head.append(f"{fmt(label)} {score:.3f}")
                if prev is not None:
                    d = score - prev.scores[m]
                    arrow = "▲" if d > 0 else ("▼" if d < 0 else "·")
                    head.append(f" {arrow}{d:+.6f}", style="green" if d > 0 else ("red" if d < 0 else "dim"))
                head.append("\n")
            prev = run
        self.query_one("#dp-hist-text", Static).update(head)


def _cf_widths(panel_width: int, longest_name: int, n_values: int) -> tuple[int, int]:
    """Widths of the counterfactual table's name column and of each value column, so the table fits the panel.

    The panel has one column of padding on each side and may show a 2-column scrollbar; rich puts two
    columns between table columns (padding (0, 1), no edge padding).
    """
    usable = max(20, panel_width - 4)
    feat_w = min(18, longest_name)
    col_w = (usable - feat_w) // n_values - 2
    if col_w < 10:
        feat_w = min(12, longest_name)
        col_w = (usable - feat_w) // n_values - 2
    return feat_w, max(6, min(30, col_w))


def _truth_mask(session, value: Any) -> np.ndarray:
    mask = np.zeros(session.n_total, dtype=bool)
    mask[: session.n_rows] = np.asarray(session.y == value, dtype=bool)
    for i in range(session.n_rows, session.n_total):
        mask[i] = session.truth(i) == value
    return mask
