"""The overview panel: every metric of the task per model with the difference, confusion matrices, and two plots."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.columns import Columns
from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static
from textual_plotext import PlotextPlot

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.ground_truth import GroundTruth
from wit_tui.engine.analysis.performance import class_index, truth_index, truth_performance
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.binary import MulticlassMetrics, RegressionMetrics
from wit_tui.engine.metrics.operating_points import cost
from wit_tui.engine.metrics.undefined import Undefined, as_float
from wit_tui.engine.session.session import Session
from wit_tui.render.figures import PrFigure, ResidualsFigure, RocFigure, ScatterFigure
from wit_tui.render.format import undefined_notes
from wit_tui.render.intervals import level_text
from wit_tui.render.tables import (
    Row,
    compare_notes,
    compare_table,
    confusion_table,
    multiclass_confusion,
    per_class_table,
)
from wit_tui.tui.jobs import JobDone, JobFailed, Jobs
from wit_tui.tui.options import RunOptions
from wit_tui.tui.views.base import decisions_of
from wit_tui.tui.views.performance.common import PerfState, ShownCache, binary_metrics, strategy_block
from wit_tui.tui.views.performance.intervals import (
    ModelIntervals,
    WorkerIntervals,
    cell_text,
    inline_intervals,
    note_text,
    options_of,
    overall_intervals,
    view_of,
)
from wit_tui.tui.views.performance.validation import ValidationBox
from wit_tui.tui.widgets.plot import show_figure
from wit_tui.tui.widgets.text_static import TextStatic

NO_LABEL = (
    "[b]No ground truth.[/b] This data was opened without --label, so there is nothing to measure "
    "performance against.\nPress [b]g[/b] to pick the column that holds the true answer (or reopen "
    "with [b]--label COLUMN[/b]); the Datapoint editor and Features screens work without it."
)


#: the rates of the binary overview, in order: (BinaryMetrics name, row label)
BINARY_ROWS = (
    ("accuracy", "accuracy"),
    ("precision", "precision"),
    ("recall", "recall (TPR)"),
    ("f1", "F1"),
    ("fpr", "FPR"),
    ("fnr", "FNR"),
)


#: the confusion counts as rows of the overview's table (the matrices below add each cell's share)
CONFUSION_ROWS = (
    ("tn", "true negatives TN"),
    ("fp", "false positives FP"),
    ("fn", "false negatives FN"),
    ("tp", "true positives TP"),
)


class OverviewPanel(VerticalScroll):
    """Everything of the task for each model, at the decisions made (always current: drawn from them)."""

    ACTIONS = ValidationBox.ACTIONS

    def __init__(self, session: Session, state: PerfState, **kwargs) -> None:
        super().__init__(can_focus=True, **kwargs)
        self.session = session
        self.state = state
        self.ready = False
        self.show_intervals = True  # I: the interval columns (on: two models with them fit 80 columns)
        self._cache = ShownCache()
        self._worker = WorkerIntervals("intervals-overall", "Intervals (DeLong AUC, bootstraps)…")
        self._deferred = False  # the worker's intervals were asked for while the screen was hidden

    def compose(self) -> ComposeResult:
        yield ValidationBox(id="perf-validation")
        yield TextStatic("", id="perf-summary")
        with Horizontal(id="perf-plots"):
            yield PlotextPlot(id="perf-plot")
            yield PlotextPlot(id="perf-plot2")

    def on_mount(self) -> None:
        self.query_one("#perf-validation").display = False
        self.query_one("#perf-plots").display = False

    @property
    def names(self) -> list[str]:
        return self.session.model_names

    def can(self, action: str, parameters: tuple = ()) -> bool:
        return self.ready and self.session.has_label  # "validate"

    def validate(self, jobs: Jobs, options: RunOptions) -> None:
        """``v``: the check table of ``wit-tui validate`` at the top of the overview."""
        self.query_one(ValidationBox).start(jobs, options, self.session)
        self.scroll_home(animate=False)

    def toggle_intervals(self) -> None:
        self.show_intervals = not self.show_intervals
        self.render_panel()

    def on_job_done(self, done: JobDone) -> None:
        if self._worker.done(done):
            done.stop()
            self.render_panel()

    def on_job_failed(self, failed: JobFailed) -> None:
        if self._worker.done(failed):
            self.render_panel()  # the view's handler says why; the cells read –

    def _threshold_free(self, truth: GroundTruth) -> list[ModelIntervals] | None:
        """The intervals a worker computes once per ground truth (… until they are in); not while the screen
        is hidden: the bootstraps cost a second of CPU beside the screen the user is on (started when shown)."""
        if getattr(self.app, "active_view", None) is not view_of(self):
            self._deferred = True
            return None
        session, opts = self.session, options_of(self)
        return self._worker.get(self, (truth,), opts, lambda: overall_intervals(session, truth, opts))

    def on_show(self) -> None:
        """The screen is shown: compute what was deferred while it was hidden."""
        if self._deferred:
            self._deferred = False
            self.render_panel()

    def _ci(
        self, rows: Sequence[Row], keys: Sequence[str | None], inline: list[ModelIntervals], truth: GroundTruth
    ) -> list:
        """Each row's interval per model (None: a row without one): inline ones first, then the worker's."""
        free = self._threshold_free(truth)
        out: list = []
        for (_label, _values, kind), key in zip(rows, keys, strict=True):
            if key is None:
                out.append(None)
                continue
            cells = []
            for i in range(len(self.names)):
                if key in inline[i]:
                    cells.append(cell_text(inline[i][key], 0, kind))
                else:
                    cells.append(self._worker.cell(free, i, key, 0, kind))
            out.append(cells)
        return out

    def show_error(self, text: str) -> None:
        """The ground truth could not be prepared (and none is): say why where the numbers would be."""
        self.query_one("#perf-summary", Static).update(Text.assemble(("Cannot evaluate: ", "bold red"), text))

    def render_panel(self) -> None:
        summary = self.query_one("#perf-summary", Static)
        plots = self.query_one("#perf-plots")
        if not self.ready:
            return
        decisions = decisions_of(self)
        truth = decisions.truth
        if truth is None:
            if self.session.label_problem is not None:  # the label holds none of the classes: say so, not "none"
                self.show_error(str(self.session.label_problem))
            elif not self.session.has_label:
                summary.update(Text.from_markup(NO_LABEL))
            plots.display = False
            return
        kind = self.session.task.kind
        try:
            if kind == "binary":
                self._cache.show(summary, self._binary(decisions, truth))
            elif kind == "multiclass":
                self._cache.show(summary, self._multiclass(truth))
                self._multiclass_plots(truth, decisions.ovr_class)
            else:
                self._cache.show(summary, self._regression(truth))
        except WitError as exc:
            summary.update(Text(f"{exc.message} {exc.hint}"))
            plots.display = False
            return
        plots.display = True

    # binary ------------------------------------------------------------------------
    def _binary(self, decisions: Decisions, truth: GroundTruth) -> Group:
        s, names = self.session, self.names
        ms = [binary_metrics(s, truth, decisions, self.state.slices, i) for i in range(len(names))]
        idx = [truth_index(s, truth, i) for i in range(len(names))]
        per_slice = decisions.slice_thresholds(self.state.slices.key) is not None
        thr_row = [None if per_slice else t for t in decisions.thresholds]
        ratio = decisions.cost_ratio
        rows: list[Row] = [
            ("threshold (per slice: d)" if per_slice else "threshold", thr_row, "thr"),
            *((label, [m.value(key) for m in ms], "num") for key, label in BINARY_ROWS),
            ("ROC AUC", [x.value("auc") for x in idx], "num"),
            ("average precision", [x.value("average_precision") for x in idx], "num"),
            ("positive rate", [m.value("selection_rate") for m in ms], "pct"),
            (f"cost {ratio:g}·FP+FN", [float(cost(m.fp, m.fn, ratio)) for m in ms], "cost"),
            # the confusion counts in the table itself: at 80×24 they show without scrolling past it
            *((label, [float(getattr(m, key)) for m in ms], "int") for key, label in CONFUSION_ROWS),
        ]
        labels = (str(truth.negative), str(truth.positive))
        cms = [
            confusion_table(f"{name}: confusion matrix", (m.tn, m.fp, m.fn, m.tp), labels)
            for name, m in zip(names, ms, strict=True)
        ]
        if len(ms) == 2:
            a, b = ms
            delta = (b.tn - a.tn, b.fp - a.fp, b.fn - a.fn, b.tp - a.tp)
            cms.append(confusion_table(f"Δ {names[1]} − {names[0]}", delta, labels, signed_cells=True))
        keys = [None, *(key for key, _ in BINARY_ROWS), "auc", "average_precision", "selection_rate"]
        keys += [None] * (len(rows) - len(keys))
        parts: list = [*self._metrics(rows, keys, ms, truth), Text(""), Columns(cms, padding=(1, 4))]
        block = strategy_block(names, decisions, self.state.strategy_run)
        if block:
            parts += [Text(""), *block]
        roc_points = [(m.fpr, m.recall) for m in ms]
        pr_points = [(m.recall, m.precision) if m.tp + m.fp else None for m in ms]
        show_figure(self.query_one("#perf-plot", PlotextPlot), RocFigure.of(names, idx, roc_points))
        pr = PrFigure.of(names, idx, pr_points, title="Precision-recall")
        show_figure(self.query_one("#perf-plot2", PlotextPlot), pr)
        return Group(*parts)

    def _metrics(self, rows: Sequence[Row], keys: Sequence[str | None], ms: list, truth: GroundTruth) -> list:
        """The table of every metric with, while intervals are on, each one's interval and the note naming how
        (binary: Wilson for the rates, bootstrap for F1 and AP, DeLong for the AUC; else each method found)."""
        names = self.names
        if not self.show_intervals:
            return [compare_table(names, rows), *compare_notes(names, rows)]
        opts = options_of(self)
        inline = [inline_intervals(np.array([m.tn, m.fp, m.fn, m.tp]), opts) for m in ms] if ms else [{}] * len(names)
        ci = self._ci(rows, keys, inline, truth)
        if ms:
            covers = {"wilson": "rates", "bootstrap": "F1 and average precision", "delong": "AUC"}
        else:
            by_method: dict[str, list[str]] = {}
            for (label, _v, _k), key in zip(rows, keys, strict=True):
                for found in self._worker.values or []:
                    if key in found:
                        by_method.setdefault(found[key].method, []).append(label)
                        break
            covers = {m: ", ".join(labels) for m, labels in by_method.items()}
        note = note_text(opts, covers) if covers else "Intervals: computing…" if self._worker.pending() else ""
        shown = [Text(note + (" (I hides them)" if note else ""), style="dim")]
        header = f"{level_text(opts.level)} CI"
        return [compare_table(names, rows, intervals=ci, interval_header=header), *compare_notes(names, rows), *shown]

    # multi-class -------------------------------------------------------------------
    def _multiclass(self, truth: GroundTruth) -> Group:
        s = self.session
        perfs = [truth_performance(s, truth, i) for i in range(len(s.models))]
        ms = [p.multiclass for p in perfs if p.multiclass is not None]
        assert len(ms) == len(perfs)  # a multi-class task fills each model's multiclass block
        rows = [
            ("accuracy", [m.accuracy for m in ms], "num"),
            ("macro F1", [m.f1_macro for m in ms], "num"),
            ("weighted F1", [m.f1_weighted for m in ms], "num"),
            ("macro precision", [m.precision_macro for m in ms], "num"),
            ("macro recall", [m.recall_macro for m in ms], "num"),
            ("weighted precision", [m.precision_weighted for m in ms], "num"),
            ("weighted recall", [m.recall_weighted for m in ms], "num"),
        ]
        keys = ["accuracy", "macro_f1", "weighted_f1", "macro_precision", "macro_recall"]
        keys += ["weighted_precision", "weighted_recall"]
        parts: list = [*self._metrics(rows, keys, [], truth), Text("")]
        parts += self._per_class(truth, ms)
        parts.append(Columns(self._confusions(ms), padding=(1, 4)))
        return Group(*parts)

    def _per_class(self, truth: GroundTruth, ms: list[MulticlassMetrics]) -> list:
        names = self.names
        aucs = [self._class_aucs(truth, i) for i in range(len(ms))]
        labels = [str(c) for c in ms[0].labels]
        title = "per class (one-vs-rest AUC of the class's score)"
        parts: list = []
        # undefined (a class never predicted has no precision) as NaN: the tables read –, the notes say why
        rates = ("precision", "recall", "f1")
        shown = [{k: np.array([as_float(v) for v in m.per_class(k)]) for k in rates} for m in ms]
        for name, m, v, auc in zip(names, ms, shown, aucs, strict=True):
            table = per_class_table(f"{name}: {title}", labels, v["precision"], v["recall"], v["f1"], m.support, auc)
            parts += [table, Text("")]
        if len(ms) == 2:
            a, b = shown
            delta = (b["precision"] - a["precision"], b["recall"] - a["recall"], b["f1"] - a["f1"])
            support = ms[1].support - ms[0].support
            table = per_class_table(
                f"Δ {names[1]} − {names[0]}", labels, *delta, support, aucs[1] - aucs[0], signed_values=True
            )
            parts += [table, Text("")]
        entries = [
            (k, f"{name}: {lab}", v.reason)
            for name, m in zip(names, ms, strict=True)
            for k in rates
            for lab, v in zip(labels, m.per_class(k), strict=True)
            if isinstance(v, Undefined)
        ]
        notes = undefined_notes(entries)
        return parts + ([*(Text(line, style="dim") for line in notes), Text("")] if notes else [])

    def _confusions(self, ms: list[MulticlassMetrics]) -> list:
        names = self.names
        labels = [str(c) for c in ms[0].labels]
        title = "confusion matrix (rows true, columns predicted; % of the row)"
        cms = [
            multiclass_confusion(f"{name}: {title}", labels, m.confusion_matrix, m.confusion_normalized)
            for name, m in zip(names, ms, strict=True)
        ]
        if len(ms) == 2:
            delta = ms[1].confusion_matrix - ms[0].confusion_matrix
            cms.append(multiclass_confusion(f"Δ {names[1]} − {names[0]} (counts)", labels, delta, None))
        return cms

    def _class_aucs(self, truth: GroundTruth, i: int) -> np.ndarray:
        s = self.session
        if s.scores(i).proba is None:
            return np.full(len(s.task.classes), np.nan)
        return np.array([class_index(s, truth, i, c).roc_auc for c in range(len(s.task.classes))])

    def _multiclass_plots(self, truth: GroundTruth, c: int) -> None:
        s = self.session
        cls = s.task.classes[c]
        models = [i for i in range(len(self.names)) if s.scores(i).proba is not None]
        names = [self.names[i] for i in models]
        indexes = [class_index(s, truth, i, c) for i in models]
        points = [None] * len(models)
        roc = RocFigure.of(names, indexes, points, title=f"ROC: {cls} vs rest (p: class)")
        show_figure(self.query_one("#perf-plot", PlotextPlot), roc)
        pr = PrFigure.of(names, indexes, points, title=f"Precision-recall: {cls} vs rest")
        show_figure(self.query_one("#perf-plot2", PlotextPlot), pr)

    # regression --------------------------------------------------------------------
    def _regression(self, truth: GroundTruth) -> Group:
        s, names = self.session, self.names
        found = [truth_performance(s, truth, i).regression for i in range(len(s.models))]
        rs: list[RegressionMetrics] = [r for r in found if r is not None]
        assert len(rs) == len(found)  # a regression task fills each model's regression block
        rows = [
            ("MAE", [r.mae for r in rs], "num"),
            ("RMSE", [r.rmse for r in rs], "num"),
            ("R²", [r.r2 for r in rs], "num"),
            ("mean error (bias)", [r.mean_error for r in rs], "num"),
        ]
        mask = truth.labelled
        residuals = list(zip(names, [r.residuals for r in rs], strict=True))
        show_figure(
            self.query_one("#perf-plot", PlotextPlot), ResidualsFigure.of(residuals, "Residuals (prediction − label)")
        )
        preds = [(name, s.scores(i).score[mask]) for i, name in enumerate(names)]
        scatter = ScatterFigure.of(truth.y[mask].astype(np.float64), preds, "Predicted vs actual")
        show_figure(self.query_one("#perf-plot2", PlotextPlot), scatter)
        return Group(*self._metrics(rows, ["mae", "rmse", "r2", "mean_error"], [], truth))


__all__ = ["OverviewPanel"]
