# size-exception: view — moved here as it was; the views issue (next) splits this view into panels
# size-exception: PerformanceView — moved here as it was; the views issue (next) splits this view into panels
# size-exception: _multiclass_overview — moved here as it was; the views issue (next) splits this view into panels
# size-exception: _render_slices — moved here as it was; the views issue (next) splits this view into panels
# size-exception: _render_worst — moved here as it was; the views issue (next) splits this view into panels
"""Performance & fairness: how good is each model, for whom, at which threshold.

Three panels over one status line: the overview (every metric of the task for each model with the difference,
confusion matrices, ROC and precision-recall curves, or residuals), the slice table (per-slice metrics and
thresholds, the fairness strategies and Fairlearn's MetricFrame summary) and the worst slices. Everything the
panels show comes from the engine (``ground_truth``, ``performance``, ``slice_metrics``, ``thresholds``,
``fairness``, ``worst_slices``), the same functions ``wit-tui report`` and ``validate`` call. A threshold move is
a binary search per model and per slice, done on the UI thread; building indexes, strategies and worst slices
run in thread workers with a progress line (escape cancels).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from rich.columns import Columns
from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ContentSwitcher, DataTable, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker
from textual_plotext import PlotextPlot

from wit_tui.engine.analysis.ground_truth import GroundTruth, ground_truth, label_choices
from wit_tui.engine.analysis.performance import class_index, truth_index, truth_performance
from wit_tui.engine.analysis.slice_outcomes import TASK_WORST_METRICS, WORST_METRICS
from wit_tui.engine.analysis.slice_table import SliceMetricsTable, slice_table
from wit_tui.engine.analysis.threshold_strategies import model_strategies
from wit_tui.engine.analysis.worst_slices import SMALL_SLICE, WorstSlices, session_worst_slices
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import Cancelled
from wit_tui.engine.metrics.binary import BinaryMetrics, RegressionMetrics
from wit_tui.engine.metrics.fairness import fairness_summary
from wit_tui.engine.metrics.operating_points import cost
from wit_tui.engine.metrics.slice_index import binary_rates
from wit_tui.engine.metrics.threshold_values import (
    check_cost_ratio,
    check_tolerance,
    default_thresholds,
    nudge_threshold,
    nudge_thresholds,
    parse_number,
    parse_thresholds,
    threshold_range,
)
from wit_tui.engine.metrics.thresholds import (
    CONSTRAINED,
    DEFAULT_TOLERANCE,
    STRATEGIES,
    STRATEGY_HELP,
    StrategyResult,
)
from wit_tui.engine.slicing import DEFAULT_BUCKETS, Slicing, check_buckets
from wit_tui.engine.validation.run import validate_session
from wit_tui.render.figures import PrFigure, ResidualsFigure, RocFigure, ScatterFigure
from wit_tui.render.tables import (
    compare_table,
    confusion_table,
    fairness_tables,
    layout_key,
    multiclass_confusion,
    num,
    per_class_table,
    signed,
    thr,
)
from wit_tui.render.validation import validation_renderables, verdict
from wit_tui.tui.dialogs.form import FormField, FormScreen
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.views.base import SessionView
from wit_tui.tui.widgets.plot import show_figure
from wit_tui.tui.widgets.wide_table import WideTable

NOTE_SECONDS = 8.0
JOB_GROUPS = ("perf.prepare", "perf.slices", "perf.strategy", "perf.worst")
RATE_LABELS = {
    "selection_rate": "selection rate",
    "recall": "TPR (recall)",
    "fpr": "FPR",
    "fnr": "FNR",
    "accuracy": "accuracy",
    "precision": "precision",
}
GAP_LABELS = {
    "demographic_parity_difference": "demographic parity difference",
    "demographic_parity_ratio": "demographic parity ratio",
    "equalized_odds_difference": "equalized odds difference",
    "equalized_odds_ratio": "equalized odds ratio",
    "equal_opportunity_difference": "equal opportunity difference",
    "equal_opportunity_ratio": "equal opportunity ratio",
}
# slice table columns per task: (key, header, kind); "thr" and "cost" are binary-only derived columns
BINARY_COLUMNS = (
    ("thr", "thr", "thr"),
    ("selection_rate", "pos", "num"),
    ("accuracy", "acc", "num"),
    ("precision", "prec", "num"),
    ("recall", "rec", "num"),
    ("fpr", "FPR", "num"),
    ("fnr", "FNR", "num"),
    ("f1", "F1", "num"),
    ("auc", "AUC", "num"),
    ("cost", "cost", "cost"),
)
MULTICLASS_COLUMNS = (
    ("accuracy", "acc", "num"),
    ("macro_f1", "mF1", "num"),
    ("weighted_f1", "wF1", "num"),
    ("ovr_selection_rate", "pos", "num"),
    ("ovr_precision", "prec", "num"),
    ("ovr_recall", "rec", "num"),
    ("ovr_f1", "F1", "num"),
    ("ovr_auc", "AUC", "num"),
)
REGRESSION_COLUMNS = (
    ("mae", "MAE", "num"),
    ("rmse", "RMSE", "num"),
    ("r2", "R²", "num"),
    ("mean_error", "bias", "num"),
)


class ThresholdsChanged(Message):
    """The user moved a model's decision threshold; other views re-label their datapoints."""

    def __init__(self, thresholds: list[float]) -> None:
        super().__init__()
        self.thresholds = list(thresholds)


def _short(name: str, width: int = 8) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


class PerformanceView(SessionView):
    TITLE = "2 Performance & fairness"
    HELP = (
        "How good is each model, for whom, at which threshold: metrics, confusion matrices, ROC / PR curves, "
        "slices, fairness strategies, worst slices."
    )
    HELP_NOTES = (
        "A row is predicted positive when its score ≥ the threshold (sklearn's convention). Panels: a overview, "
        "l slices, w worst slices.\n"
        "Thresholds are exact (a binary search on the sorted scores), never a 0.01 grid. [ ] { } move every "
        "threshold (per-slice ones too); t types them (one number for every model, or one per model: 0.4, 0.6); "
        "enter or e on a slice types that slice's threshold, + / - nudge it. Cost = ratio·FP + FN on raw counts "
        "(c sets the ratio FP:FN: 1, 2.5, 0.25…); o sets each model's cost-optimal threshold (ties to the highest "
        "threshold, as the What-If Tool). f picks a strategy for the current slices: Single threshold, Group "
        "thresholds (each slice its own cost-optimal threshold), Demographic parity (equal positive rate), Equal "
        "opportunity (equal TPR), Equal accuracy — the cheapest thresholds whose rates are within the tolerance "
        "(T, default 0.01) of each other, searched over every distinct score; the gap that remains is shown. "
        "Slices: b slices by a feature, x crosses it with a second; numeric features in quantile buckets (n sets "
        "the count, u switches to equal width); slices under 30 rows are marked *; ←/→ scroll the columns, s sorts "
        "by any of them (S reverses), i shows both models with Δ or one model. The fairness summary is "
        "Fairlearn's MetricFrame for the decisions made. Worst slices (w) rank every single-feature slice (X adds "
        "two-feature crosses) by the lower end of a simultaneous 95% interval of how much worse the model does "
        "there than on the rest (m picks the metric, M the model to rank). g picks the ground-truth column, p the "
        "positive class (multi-class: the class for one-vs-rest). v: `wit-tui validate` of model 2 against model 1 "
        "with the --config file (and its threshold)."
    )
    BINDINGS = [
        Binding("right_square_bracket", "threshold(1)", "Thr +0.01", key_display="]", id="perf.up"),
        Binding("left_square_bracket", "threshold(-1)", "Thr −0.01", key_display="[", id="perf.down"),
        Binding("right_curly_bracket", "threshold(10)", "Thr +0.1", key_display="}", show=False, id="perf.up10"),
        Binding("left_curly_bracket", "threshold(-10)", "Thr −0.1", key_display="{", show=False, id="perf.down10"),
        Binding("t", "type_threshold", "Type thr", id="perf.type_threshold"),
        Binding("r", "reset_threshold", "Reset thr", show=False, id="perf.reset"),
        Binding("c", "cost_ratio", "Cost ratio", id="perf.cost_ratio"),
        Binding("o", "cost_optimal", "Cost-optimal thr", show=False, id="perf.cost_optimal"),
        Binding("f", "strategy", "Strategy", id="perf.strategy"),
        Binding("T", "tolerance", "Fairness tolerance…", show=False, id="perf.tolerance"),
        Binding("b", "slice_feature(1)", "Slice by", id="perf.slice1"),
        Binding("x", "slice_feature(2)", "Cross with…", show=False, id="perf.slice2"),
        Binding("n", "buckets", "Bucket count…", show=False, id="perf.buckets"),
        Binding("u", "equal_width", "Equal-width / quantile buckets", show=False, id="perf.equal_width"),
        Binding("s", "sort", "Sort slices…", show=False, id="perf.sort"),
        Binding("i", "model_columns", "Slice table: both models / one", show=False, id="perf.model_columns"),
        Binding("S", "reverse_sort", "Reverse slice sort", show=False, id="perf.sort_reverse"),
        Binding("e", "edit_slice_threshold", "Slice threshold…", show=False, id="perf.slice_threshold"),
        Binding("plus", "slice_step(1)", "Slice thr +0.01", key_display="+", show=False, id="perf.slice_up"),
        Binding("minus", "slice_step(-1)", "Slice thr −0.01", key_display="-", show=False, id="perf.slice_down"),
        Binding("a", "show_panel('overview')", "Overview", show=False, id="perf.overview"),
        Binding("l", "show_panel('slices')", "Slices", id="perf.slices"),
        Binding("w", "worst", "Worst slices", id="perf.worst"),
        Binding("m", "worst_metric", "Worst-slice metric…", show=False, id="perf.worst_metric"),
        Binding("X", "toggle_crosses", "Worst: 2-feature crosses", show=False, id="perf.crosses"),
        Binding("M", "rank_model", "Worst: rank by the other model", show=False, id="perf.rank_model"),
        Binding("g", "ground_truth", "Ground truth…", show=False, id="perf.ground_truth"),
        Binding("p", "positive", "Positive class…", show=False, id="perf.positive"),
        Binding("v", "validate", "Validate", id="perf.validate"),
        Binding("escape", "cancel", "Cancel the running job", show=False, id="perf.cancel"),
    ]

    # -- messages from workers -------------------------------------------------
    class JobProgress(Message):
        def __init__(self, group: str, label: str, done: int, total: int) -> None:
            super().__init__()
            self.group, self.label, self.done, self.total = group, label, done, total

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, PerformanceView.JobProgress) and message.group == self.group

    class Prepared(Message):
        def __init__(self, version: int, truth: GroundTruth) -> None:
            super().__init__()
            self.version, self.truth = version, truth

    class SlicesReady(Message):
        def __init__(self, version: int, table: SliceMetricsTable) -> None:
            super().__init__()
            self.version, self.table = version, table

    class StrategyReady(Message):
        def __init__(self, version: int, strategy: str, results: list[StrategyResult]) -> None:
            super().__init__()
            self.version, self.strategy, self.results = version, strategy, results

    class WorstReady(Message):
        def __init__(self, version: int, settings: tuple, result: WorstSlices) -> None:
            super().__init__()
            self.version, self.settings, self.result = version, settings, result

    def __init__(self, session, **kwargs) -> None:
        super().__init__(session, **kwargs)
        task = session.task
        n_models = len(session.models)
        self.truth: GroundTruth | None = None
        self.thresholds: list[float] = [task.default_threshold] * n_models
        self.slice_thr: list[np.ndarray] | None = None
        self.ratio = 1.0
        self.tolerance = DEFAULT_TOLERANCE
        self.strategy = "custom"
        self.results: list[StrategyResult] | None = None
        self.features: list[str] = []
        self.buckets = DEFAULT_BUCKETS
        self.equal_width = False
        self.slicing: Slicing | None = None
        self.sidx: list | None = None
        self.slice_auc: list[np.ndarray] | None = None
        self.slice_static: list | None = None
        self.slice_ovr: list | None = None
        self.sort_key = "slice"
        self.sort_reverse = False
        self.model_view = -1  # slice table columns: -1 every model (and Δ), else that model only
        self.panel = "overview"
        self.ovr_class = 0
        self.worst_metric = TASK_WORST_METRICS[task.kind][0]
        self.crosses = False
        self.rank_model = 0
        self.worst: WorstSlices | None = None
        self.worst_settings: tuple | None = None
        self._version = 0
        self._jobs: dict[str, str] = {}
        self._slice_order: list[int] = []
        self._pending_strategy: str | None = None
        self._message: Text | None = None
        self._message_until = 0.0
        self._good_features: list[str] = []
        self._table_columns: list = []
        self._table_cells: list[tuple] = []  # what the slice table shows, per row: each cell's text and style
        self._focus_key: tuple | None = None
        self._job_workers: dict[str, Worker] = {}
        self._shown: dict[str | None, tuple] = {}  # per Static: the content last shown by _show and its layout key

    # -- layout ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="perf-body"):
            yield Static("Scoring…", id="perf-status")
            with Horizontal(id="perf-job"):
                yield Static("", id="perf-job-label")
                yield ProgressBar(id="perf-job-bar", show_eta=False)
                yield Static("esc cancels", id="perf-job-keys")
            with ContentSwitcher(id="perf-panels", initial="panel-overview"):
                with VerticalScroll(id="panel-overview", can_focus=True):
                    yield Static("", id="perf-validation")
                    yield Static("", id="perf-summary")
                    with Horizontal(id="perf-plots"):
                        yield PlotextPlot(id="perf-plot")
                        yield PlotextPlot(id="perf-plot2")
                with Vertical(id="panel-slices"):
                    yield Static("", id="slices-note")
                    yield WideTable(id="slices-table", cursor_type="row", zebra_stripes=True)
                    with VerticalScroll(id="fair-scroll", can_focus=True):
                        yield Static("", id="fair-summary")
                with Vertical(id="panel-worst"):
                    yield Static("", id="worst-note")
                    yield WideTable(id="worst-table", cursor_type="row", zebra_stripes=True)

    def focus_target(self) -> Widget:
        return self.query_one(
            {"overview": "#panel-overview", "slices": "#slices-table", "worst": "#worst-table"}[self.panel]
        )

    def on_mount(self) -> None:
        self.query_one("#perf-validation", Static).display = False
        self.query_one("#perf-job").display = False
        self.query_one("#perf-plots").display = False
        self.query_one("#slices-table", DataTable).fixed_columns = 1
        self.query_one("#worst-table", DataTable).fixed_columns = 2

    # -- properties ------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.session.task.kind

    @property
    def names(self) -> list[str]:
        return self.session.model_names

    @property
    def probabilities(self) -> bool:
        return self.session.task.score_method == "predict_proba"

    @property
    def upper(self) -> float:
        return threshold_range(self.probabilities)[1]

    @property
    def n_slices(self) -> int:
        return self.slicing.n_slices if self.slicing is not None else 0

    def _binary_ready(self) -> bool:
        return self.ready and self.truth is not None and self.kind == "binary"

    def _known_truth(self) -> GroundTruth:
        """The ground truth the panels measure against; read only once it is prepared."""
        assert self.truth is not None, "the ground truth is not prepared yet"
        return self.truth

    # -- readiness -------------------------------------------------------------
    def session_ready(self) -> None:
        super().session_ready()
        self.thresholds = [self.session.task.default_threshold] * len(self.session.models)
        if self.session.has_label:
            self._start_prepare(None, None)
        else:
            self._render_all()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("show_panel",):
            return self.ready
        binary = self._binary_ready()
        if action in (
            "threshold",
            "reset_threshold",
            "type_threshold",
            "cost_ratio",
            "cost_optimal",
            "strategy",
            "tolerance",
        ):
            return binary
        if action in ("edit_slice_threshold", "slice_step"):
            return binary and self.sidx is not None and self.panel == "slices"
        if action in ("slice_feature",):
            return self.ready and self.truth is not None and (parameters[0] == 1 or bool(self.features))
        if action in ("buckets", "equal_width"):
            return self.ready and self.truth is not None
        if action in ("sort", "reverse_sort"):
            return self.slicing is not None and self.panel == "slices"
        if action == "model_columns":
            return self.slicing is not None and self.panel == "slices" and len(self.session.models) == 2
        if action in ("worst", "worst_metric", "toggle_crosses"):
            return self.ready and self.truth is not None
        if action == "rank_model":
            return self.ready and self.truth is not None and len(self.session.models) == 2
        if action == "ground_truth":
            return self.ready
        if action == "positive":
            return self.ready and self.truth is not None and self.kind != "regression"
        if action == "validate":
            return self.ready and self.session.has_label
        if action == "cancel":
            return bool(self._jobs)
        return True

    # -- jobs: progress, errors, cancel ----------------------------------------------
    def _start_job(self, group: str, label: str, worker: Worker) -> None:
        """Show the progress line for ``worker`` (the newest of its group: an older one ending is ignored)."""
        self._jobs[group] = label
        self._job_workers[group] = worker
        self.query_one("#perf-job-label", Static).update(Text(label))
        self.query_one("#perf-job-bar", ProgressBar).update(total=None, progress=0)
        self.query_one("#perf-job").display = True
        self.refresh_bindings()

    def _end_job(self, group: str) -> None:
        self._jobs.pop(group, None)
        if self._jobs:
            self.query_one("#perf-job-label", Static).update(Text(next(iter(self._jobs.values()))))
        else:
            self.query_one("#perf-job").display = False
        self.refresh_bindings()

    def on_performance_view_job_progress(self, message: JobProgress) -> None:
        if message.group in self._jobs:
            self.query_one("#perf-job-label", Static).update(Text(message.label))
            self.query_one("#perf-job-bar", ProgressBar).update(total=message.total, progress=message.done)

    def _progress(self, group: str, label: str) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            self.post_message(self.JobProgress(group, label, done, total))

        return report

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        group = event.worker.group
        if group not in JOB_GROUPS or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        if self._job_workers.get(group) is not event.worker:
            return  # a job replaced by a newer one of the same group
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            text = (
                f"{error.message} {error.hint}".strip()
                if isinstance(error, WitError)
                else f"{type(error).__name__}: {error}"
            )
            job = self._jobs.get(group, group).rstrip("….")
            self._note(Text.assemble((f"Could not finish: {job}. ", "bold red"), text))
            if group == "perf.prepare" and self.truth is None:
                self.query_one("#perf-summary", Static).update(Text.assemble(("Cannot evaluate: ", "bold red"), text))
            if group == "perf.slices":  # e.g. an identifier column: back to the slices that worked
                self.features = list(self._good_features)
                self._pending_strategy = None
                self._version += 1
                if self.features:
                    self._start_slices()
                self._render_all()
        self._end_job(group)

    def action_cancel(self) -> None:
        names = ", ".join(self._jobs.values())
        slicing = "perf.slices" in self._jobs
        for group in list(self._jobs):
            self.workers.cancel_group(self, group)
            self._end_job(group)
        self._pending_strategy = None
        if slicing:  # no half-built slices: back to none
            self.features = []
            self._version += 1
            self._render_all()
        self._note(Text(f"Cancelled: {names}."))

    def _note(self, text: Text | str) -> None:
        """A message under the status line (errors, cancellations), shown for a few seconds."""
        self._message = text if isinstance(text, Text) else Text(text)
        self._message_until = time.monotonic() + NOTE_SECONDS
        self._render_status()
        self.set_timer(NOTE_SECONDS + 0.1, self._render_status)

    @staticmethod
    def _cancelled() -> Callable[[], bool]:
        worker = get_current_worker()
        return lambda: worker.is_cancelled

    # -- ground truth ------------------------------------------------------------
    def _start_prepare(self, label: str | None, positive: Any) -> None:
        self._version += 1
        self._start_job(
            "perf.prepare", "Sorting scores and building curves…", self._prepare(self._version, label, positive)
        )

    @work(thread=True, exclusive=True, group="perf.prepare", exit_on_error=False)
    def _prepare(self, version: int, label: str | None, positive: Any) -> None:
        s = self.session
        truth = ground_truth(s, label, positive)
        for i in range(len(s.models)):
            if s.task.kind == "binary":
                idx = truth_index(s, truth, i)
                idx.roc_curve, idx.roc_auc, idx.pr_curve, idx.average_precision  # noqa: B018 - cached properties
            elif s.task.kind == "multiclass" and s.scores(i).proba is not None:
                for c in range(len(s.task.classes)):
                    idx = class_index(s, truth, i, c)
                    idx.roc_curve, idx.roc_auc, idx.pr_curve, idx.average_precision  # noqa: B018
            if get_current_worker().is_cancelled:
                return
        truth_performance(s, truth, 0)  # raises a clear WitError if no row is labelled
        if not get_current_worker().is_cancelled:
            self.post_message(self.Prepared(version, truth))

    def on_performance_view_prepared(self, message: Prepared) -> None:
        if message.version != self._version:
            return
        changed = self.truth is None or self.truth.key != message.truth.key
        self.truth = message.truth
        if changed:
            self.thresholds = [self.session.task.default_threshold] * len(self.session.models)
            self.slice_thr = None
            self.results = None
            self.strategy = "custom"
            self.worst = None
            self._post_thresholds()
        if self.truth.unknown:
            self.notify(
                f"{len(self.truth.unknown)} value(s) of {self.truth.label!r} are not classes of the model "
                f"({', '.join(self.truth.unknown[:5])}); they count as negatives / errors.",
                timeout=8,
            )
        self.slicing = None
        self.sidx = None
        if self.features:
            self._start_slices()
        self._render_all()
        self.refresh_bindings()

    def action_ground_truth(self) -> None:
        choices = label_choices(self.session)
        current = choices.index(self.truth.label) if self.truth is not None and self.truth.label in choices else None

        def picked(k: int | None) -> None:
            if k is not None:
                self._start_prepare(choices[k], None)

        self.app.push_screen(
            PickScreen(
                "Ground truth: which column holds the true answer?",
                choices,
                current,
                "type to filter · enter pick · esc cancel · model inputs are listed last",
            ),
            picked,
        )

    def action_positive(self) -> None:
        classes = list(self.session.task.classes)
        if self.kind == "binary":
            title = "Positive class (the one the threshold is applied to)"
            current = str(self._known_truth().positive)
        else:
            title = "Class for one-vs-rest curves and slice metrics"
            current = str(classes[self.ovr_class])
        options = [(str(j), ("● " if str(c) == current else "  ") + str(c)) for j, c in enumerate(classes)]

        def chose(key: str | None) -> None:
            if key is None:
                return
            j = int(key)
            if self.kind == "binary":
                truth = self._known_truth()
                if classes[j] != truth.positive:
                    self._start_prepare(truth.label, classes[j])
            else:
                self.ovr_class = j
                if self.features:
                    self._start_slices()
                self._render_all()

        self.app.push_screen(PickScreen(title, options), chose)

    # -- thresholds ----------------------------------------------------------------
    def _post_thresholds(self) -> None:
        """Tell the other views (the datapoint editor labels points with these thresholds)."""
        if self.truth is not None and self.truth.flipped:
            return  # the datapoint editor keeps the session's positive class
        self.post_message(ThresholdsChanged(self.thresholds))

    def _to_custom(self) -> None:
        if self.strategy != "custom":
            self.strategy = "custom"

    def action_threshold(self, steps: int) -> None:
        if not self._binary_ready():
            return
        self.thresholds = nudge_thresholds(self.thresholds, steps, self.probabilities)
        if self.slice_thr is not None:
            self.slice_thr = [np.array(nudge_thresholds(a.tolist(), steps, self.probabilities)) for a in self.slice_thr]
        self._to_custom()
        self._refresh_numbers()
        self._post_thresholds()

    def action_reset_threshold(self) -> None:
        self.thresholds = default_thresholds(self.session.task.default_threshold, len(self.session.models))
        self.slice_thr = None
        self.results = None
        self.strategy = "custom"
        self._refresh_numbers()
        self._post_thresholds()

    def _parse_thresholds(self, text: str) -> list[float]:
        return parse_thresholds(text, len(self.session.models), self.probabilities)

    def action_type_threshold(self) -> None:
        current = (
            ", ".join(_exact(t) for t in self.thresholds)
            if len(set(self.thresholds)) > 1
            else _exact(self.thresholds[0])
        )
        lo, hi = threshold_range(self.probabilities)
        rng = "from 0 to 1" if self.probabilities else "any number (margins)"

        def done(values: list[float] | None) -> None:
            if values is None:
                return
            self.thresholds = values
            self.slice_thr = None
            self._to_custom()
            self._refresh_numbers()
            self._post_thresholds()

        self.app.push_screen(
            FormScreen(
                "Threshold",
                [FormField("t", f"threshold ({rng}); one, or one per model: 0.4, 0.6", current)],
                lambda v: self._parse_thresholds(v["t"]),
                note="A row is predicted positive when its score ≥ the threshold. Per-slice thresholds are cleared.",
            ),
            done,
        )

    def action_cost_ratio(self) -> None:
        def check(values: dict[str, str]) -> float:
            return check_cost_ratio(parse_number(values["r"], "The cost ratio"))

        def done(r: float | None) -> None:
            if r is None:
                return
            self.ratio = r
            if self.strategy != "custom":
                self._run_strategy_now(self.strategy)
            self._refresh_numbers()

        self.app.push_screen(
            FormScreen(
                "Cost ratio FP:FN",
                [FormField("r", "cost of a false positive / cost of a false negative", f"{self.ratio:g}")],
                check,
                note="1 = equal; 4 = a false positive costs four false negatives; 0.25 = the reverse. "
                "Cost = ratio·FP + FN on raw counts (the What-If Tool's).",
            ),
            done,
        )

    def action_cost_optimal(self) -> None:
        self._run_strategy_now("single")

    def action_tolerance(self) -> None:
        def check(values: dict[str, str]) -> float:
            return check_tolerance(parse_number(values["t"], "The tolerance"))

        def done(t: float | None) -> None:
            if t is None:
                return
            self.tolerance = t
            if self.strategy in CONSTRAINED:
                self._run_strategy_now(self.strategy)
            self._render_status()

        self.app.push_screen(
            FormScreen(
                "Fairness tolerance",
                [FormField("t", "largest gap allowed between the slices' rates (0 to 1)", f"{self.tolerance:g}")],
                check,
                note="Demographic parity, equal opportunity and equal accuracy find the cheapest thresholds whose "
                "rates are all within this of each other.",
            ),
            done,
        )

    def action_strategy(self) -> None:
        options = [
            (key, f"{'● ' if key == self.strategy else '  '}{title} — {STRATEGY_HELP[key]}")
            for key, title in STRATEGIES.items()
        ]

        def chose(key: str | None) -> None:
            if key is None:
                return
            if key == "custom":
                self.strategy = "custom"
                self.results = None
                self._render_all()
                return
            self._run_strategy_now(key)

        note = f"Cost ratio FP:FN {self.ratio:g} · slices: {self._slicing_name()}"
        self.app.push_screen(PickScreen("Threshold strategy (each model separately)", options, note=note), chose)

    def _run_strategy_now(self, strategy: str) -> None:
        if strategy not in ("single",) and self.sidx is None:
            if self.features:
                self._pending_strategy = strategy  # the slices are being built: run when they are ready
                return
            self.notify(
                f"{STRATEGIES[strategy]} needs slices: press b to slice by a feature first.", severity="warning"
            )
            return
        self._start_job(
            "perf.strategy",
            f"{STRATEGIES[strategy]}: searching every distinct score…",
            self._strategy_worker(self._version, strategy, self.ratio, self.tolerance, self.truth, self.sidx),
        )

    @work(thread=True, exclusive=True, group="perf.strategy", exit_on_error=False)
    def _strategy_worker(
        self,
        version: int,
        strategy: str,
        ratio: float,
        tolerance: float,
        truth: GroundTruth | None,
        indexes: list | None,
    ) -> None:
        assert truth is not None, "the ground truth is not prepared yet"
        try:
            results = model_strategies(
                self.session, truth, strategy, ratio, tolerance, indexes, self.upper, is_cancelled=self._cancelled()
            )
        except Cancelled:
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.StrategyReady(version, strategy, results))

    def on_performance_view_strategy_ready(self, message: StrategyReady) -> None:
        if message.version != self._version:
            return
        self.strategy = message.strategy
        self.results = message.results
        if message.strategy == "single":
            thresholds = []
            for r in message.results:
                assert r.threshold is not None  # "single" gives each model one threshold
                thresholds.append(float(r.threshold))
            self.thresholds = thresholds
            self.slice_thr = None
        else:
            self.slice_thr = [np.array(r.thresholds, dtype=np.float64) for r in message.results]
        notes = {r.note for r in message.results if r.note}
        for n in notes:
            self.notify(n, severity="warning", timeout=10)
        self._refresh_numbers()
        self._post_thresholds()

    # -- slicing ---------------------------------------------------------------------
    def _slicing_name(self) -> str:
        if not self.features:
            return "none (b)"
        return " × ".join(self.features) + (f" ({self.n_slices})" if self.slicing is not None else " (…)")

    def _buckets_name(self) -> str:
        return f"numeric features in {self.buckets} {'equal-width' if self.equal_width else 'quantile'} buckets"

    def action_slice_feature(self, which: int) -> None:
        feats = [f for f in self.session.features if self.truth is None or f != self.truth.label]
        if which == 2:
            feats = [f for f in feats if f != self.features[0]]
        options = ["(none)"] + feats
        now = self.features[which - 1] if len(self.features) >= which else None
        current = options.index(now) if now in options else 0

        def picked(k: int | None) -> None:
            if k is None:
                return
            feature = None if k == 0 else options[k]
            if which == 1:
                self.features = [] if feature is None else [feature] + [f for f in self.features[1:] if f != feature]
            else:
                self.features = self.features[:1] + ([] if feature is None else [feature])
            self._slices_changed()

        title = "Slice by which feature?" if which == 1 else f"Cross {self.features[0]} with which feature?"
        self.app.push_screen(PickScreen(title, options, current), picked)

    def action_buckets(self) -> None:
        def check(values: dict[str, str]) -> int:
            text = values["n"].strip()
            try:
                n = int(text)
            except ValueError:
                raise WitError(f"The number of buckets must be a whole number, not {text!r}.", "Type e.g. 4.") from None
            return check_buckets(n)

        def done(n: int | None) -> None:
            if n is not None and n != self.buckets:
                self.buckets = n
                self._slices_changed()

        self.app.push_screen(
            FormScreen(
                "Buckets for numeric features",
                [FormField("n", "number of buckets (1 to 1000)", str(self.buckets))],
                check,
                note="Quantile buckets (pd.qcut) by default; u switches to equal width. "
                "A numeric feature with at most this many values gets one slice per value.",
            ),
            done,
        )

    def action_equal_width(self) -> None:
        self.equal_width = not self.equal_width
        self.notify(f"Numeric slices: {'equal-width' if self.equal_width else 'quantile'} buckets.", timeout=3)
        self._slices_changed()

    def _slices_changed(self) -> None:
        if self.slice_thr is not None and self.strategy == "custom":
            self.notify("Per-slice thresholds cleared: the slices changed.", timeout=4)
        self.slice_thr = None
        if self.strategy not in ("custom", "single"):
            if self.features:
                self._pending_strategy = self.strategy
            else:
                self.strategy = "custom"
        self.results = None if self.strategy != "single" else self.results
        self.slicing = None
        self.sidx = None
        self.worst = None
        self._version += 1
        if self.features:
            self._start_slices()
            if self.panel == "overview":
                self.action_show_panel("slices")
        self._render_all()

    def _start_slices(self) -> None:
        self._start_job(
            "perf.slices",
            f"Slicing by {' × '.join(self.features)}…",
            self._slices_worker(
                self._version, self.truth, list(self.features), self.buckets, self.equal_width, self.ovr_class
            ),
        )

    @work(thread=True, exclusive=True, group="perf.slices", exit_on_error=False)
    def _slices_worker(
        self, version: int, truth: GroundTruth, features: list[str], buckets: int, equal_width: bool, ovr_class: int
    ) -> None:
        table = slice_table(self.session, truth, features, buckets, equal_width=equal_width, ovr_class=ovr_class)
        if not get_current_worker().is_cancelled:
            self.post_message(self.SlicesReady(version, table))

    def on_performance_view_slices_ready(self, message: SlicesReady) -> None:
        if message.version != self._version:
            return
        self._good_features = list(self.features)
        table = message.table
        self.slicing = table.slicing
        self.sidx = None if table.indexes is None else list(table.indexes)
        self.slice_auc = None if table.auc is None else list(table.auc)
        self.slice_static = None if table.static is None else list(table.static)
        self.slice_ovr = None if table.ovr is None else list(table.ovr)
        pending, self._pending_strategy = self._pending_strategy, None
        if pending is not None and self.kind == "binary":
            self._run_strategy_now(pending)
        self._render_all()
        key, self._focus_key = self._focus_key, None
        if key is not None and key in self.slicing.keys:  # coming from a worst slice: put the cursor on it
            k = self.slicing.keys.index(key)
            if k in self._slice_order:
                self.query_one("#slices-table", DataTable).move_cursor(row=self._slice_order.index(k))
        self.refresh_bindings()

    # -- per-slice thresholds -----------------------------------------------------------
    def _effective(self, i: int) -> np.ndarray:
        """Model ``i``'s threshold on each slice."""
        if self.slice_thr is not None:
            return self.slice_thr[i]
        return np.full(self.n_slices, self.thresholds[i])

    def _highlighted_slice(self) -> int | None:
        table = self.query_one("#slices-table", DataTable)
        if not self._slice_order or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), len(self._slice_order) - 1)
        return self._slice_order[row]

    def _set_slice_thresholds(self, k: int, values: list[float]) -> None:
        if self.slice_thr is None:
            self.slice_thr = [self._effective(i).copy() for i in range(len(self.session.models))]
        for i, v in enumerate(values):
            self.slice_thr[i][k] = v
        self._to_custom()
        self._refresh_numbers()

    def action_edit_slice_threshold(self) -> None:
        k = self._highlighted_slice()
        if k is None or self.slicing is None or not self._binary_ready():
            return
        name = " × ".join(self.slicing.labels[k])
        now = [float(self._effective(i)[k]) for i in range(len(self.session.models))]
        current = _exact(now[0]) if len(set(now)) == 1 else ", ".join(_exact(v) for v in now)

        def done(values: list[float] | None) -> None:
            if values is not None:
                self._set_slice_thresholds(k, values)

        self.app.push_screen(
            FormScreen(
                f"Threshold for {name}",
                [FormField("t", "threshold; one, or one per model: 0.4, 0.6", current)],
                lambda v: self._parse_thresholds(v["t"]),
                note="Only this slice's rows use it; the strategy becomes Custom.",
            ),
            done,
        )

    @on(DataTable.RowSelected, "#slices-table")
    def _slice_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_edit_slice_threshold()

    def action_slice_step(self, steps: int) -> None:
        k = self._highlighted_slice()
        if k is None or not self._binary_ready():
            return
        values = [
            nudge_threshold(float(self._effective(i)[k]), steps, self.probabilities)
            for i in range(len(self.session.models))
        ]
        self._set_slice_thresholds(k, values)

    # -- sorting the slice table ----------------------------------------------------------
    def _sort_options(self) -> list[tuple[str, str]]:
        out = [("slice", "slice order"), ("name", "slice name A→Z"), ("n", "rows (n)")]
        if self.kind == "binary":
            out.append(("base_rate", "base rate"))
        for key, header, _ in self._columns():
            for i, name in enumerate(self.names):
                label = f"{header} · {name}" if len(self.names) > 1 else header
                out.append((f"{key}@{i}", label))
            if len(self.names) == 2:
                out.append((f"{key}@d", f"Δ {header}"))
        return out

    def action_sort(self) -> None:
        options = self._sort_options()

        def chose(key: str | None) -> None:
            if key is not None:
                self.sort_key = key
                self._render_slices()

        self.app.push_screen(
            PickScreen(
                "Sort the slices by",
                [(k, ("● " if k == self.sort_key else "  ") + t) for k, t in options],
                note="S reverses the order; missing values sort last.",
            ),
            chose,
        )

    def action_reverse_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._render_slices()

    def action_model_columns(self) -> None:
        """Cycle the slice table's columns: both models with Δ, the first model only, the second only."""
        self.model_view = {-1: 0, 0: 1, 1: -1}[self.model_view]
        self._render_slices()

    # -- panels ---------------------------------------------------------------------------
    def action_show_panel(self, panel: str) -> None:
        self.panel = panel
        self.query_one("#perf-panels", ContentSwitcher).current = f"panel-{panel}"
        self.refresh_bindings()
        self._render_panel()
        self.call_after_refresh(self.focus_target().focus)

    def action_worst(self) -> None:
        if self.panel != "worst":
            self.action_show_panel("worst")
        if self.worst is None or self.worst_settings != self._worst_settings():
            self._start_worst()

    def _worst_settings(self) -> tuple:
        t: tuple = ()
        if self.kind == "binary":
            t = tuple(self.thresholds)
            if self.slice_thr is not None:
                t += (tuple(self.features), tuple(tuple(a.tolist()) for a in self.slice_thr))
        return (
            self.truth.key if self.truth else None,
            self.worst_metric,
            self.crosses,
            self.rank_model,
            self.buckets,
            self.equal_width,
            t,
        )

    @property
    def slice_order(self) -> tuple[int, ...]:
        """The slice codes in the order the slices table lists them."""
        return tuple(self._slice_order)

    @property
    def row_thresholds(self) -> list:
        """Each model's decisions as worst slices applies them (see ``_row_thresholds``)."""
        return self._row_thresholds()

    def _row_thresholds(self) -> list:
        """Each model's decisions for worst slices: its threshold, or per data row its slice's threshold."""
        if self.kind != "binary" or self.slice_thr is None or self.slicing is None:
            return list(self.thresholds)
        codes = self.slicing.codes
        out = []
        for i in range(len(self.session.models)):
            row = np.full(len(codes), self.thresholds[i])
            inside = codes >= 0
            row[inside] = self.slice_thr[i][codes[inside]]
            out.append(row)
        return out

    def _start_worst(self) -> None:
        if self.truth is None:
            return
        label = f"Worst slices by {self.worst_metric}" + (" (with 2-feature crosses)" if self.crosses else "")
        self._start_job(
            "perf.worst",
            label + "…",
            self._worst_worker(
                self._version,
                self._worst_settings(),
                self.truth,
                self.worst_metric,
                self._row_thresholds(),
                self.rank_model,
                self.buckets,
                self.equal_width,
                self.crosses,
                label,
            ),
        )

    @work(thread=True, exclusive=True, group="perf.worst", exit_on_error=False)
    def _worst_worker(
        self,
        version: int,
        settings: tuple,
        truth: GroundTruth,
        metric: str,
        thresholds: list,
        model: int,
        buckets: int,
        equal_width: bool,
        crosses: bool,
        label: str,
    ) -> None:
        try:
            result = session_worst_slices(
                self.session,
                truth,
                metric,
                thresholds=thresholds,
                model=model,
                buckets=buckets,
                equal_width=equal_width,
                crosses=crosses,
                progress=self._progress("perf.worst", label),
                is_cancelled=self._cancelled(),
            )
        except Cancelled:
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.WorstReady(version, settings, result))

    def on_performance_view_worst_ready(self, message: WorstReady) -> None:
        if message.version != self._version:
            return
        self.worst = message.result
        self.worst_settings = message.settings
        self._render_worst()

    def action_worst_metric(self) -> None:
        options = [
            (m, f"{'● ' if m == self.worst_metric else '  '}{m} — {WORST_METRICS[m][1]}")
            for m in TASK_WORST_METRICS[self.kind]
        ]
        if self.kind == "binary" and not self.probabilities:
            options = [o for o in options if o[0] not in ("log_loss", "brier_score")]

        def chose(key: str | None) -> None:
            if key is not None:
                self.worst_metric = key
                self.action_worst()

        self.app.push_screen(PickScreen("Rank slices by how much worse they are on", options), chose)

    def action_toggle_crosses(self) -> None:
        self.crosses = not self.crosses
        self.action_worst()

    def action_rank_model(self) -> None:
        self.rank_model = 1 - self.rank_model
        self.action_worst()

    @on(DataTable.RowSelected, "#worst-table")
    def _worst_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a worst slice: slice the table by its feature(s)."""
        if self.worst is None or not self.worst.findings:
            return
        row = event.cursor_row
        if not 0 <= row < len(self.worst.findings):
            return
        finding = self.worst.findings[row]
        self.features = list(finding.features)
        self._focus_key = finding.key
        self._slices_changed()
        self.action_show_panel("slices")

    # -- validation (the same engine call as `wit-tui validate`) --------
    def action_validate(self) -> None:
        if self.panel != "overview":
            self.action_show_panel("overview")
        panel = self.query_one("#perf-validation", Static)
        panel.display = True
        config = getattr(self.session, "validation_config", None)
        if config is None:
            panel.update(
                Text.from_markup(
                    "[b]No validation config.[/b] Start wit-tui with [b]--config checks.toml[/b] (the TOML file of "
                    "`wit-tui validate`, e.g. examples/validate-adult.toml) and press [b]v[/b] here to see every check."
                )
            )
            return
        panel.update(Text(f"Validating with {config.source}…"))
        self.query_one("#panel-overview", VerticalScroll).scroll_home(animate=False)
        self.run_validation(config)

    @work(thread=True, exclusive=True, group="validate", exit_on_error=False)
    def run_validation(self, config) -> None:
        s = self.session
        two = len(s.models) == 2
        try:
            result = validate_session(
                s, config, candidate=1 if two else 0, baseline=0 if two else None, rubber_stamp=not two
            )
        except WitError as exc:
            self.app.call_from_thread(self._show_validation_error, exc)
            return
        self.app.call_from_thread(self._show_validation, result, config.source)

    def _show_validation(self, result, source: str) -> None:
        parts = [verdict(result), *validation_renderables(result, config=source), Text("")]
        self.query_one("#perf-validation", Static).update(Group(*parts))

    def _show_validation_error(self, exc: WitError) -> None:
        self.query_one("#perf-validation", Static).update(
            Text.assemble(("Cannot validate: ", "bold red"), f"{exc.message} {exc.hint}".strip())
        )

    # -- numbers ------------------------------------------------------------------------------
    def _binary_metrics(self, i: int) -> BinaryMetrics:
        """Model ``i``'s decisions over every labelled row (each slice at its own threshold when set)."""
        if self.slice_thr is not None and self.sidx is not None:
            return self.sidx[i].at(self.slice_thr[i])
        return truth_index(self.session, self._known_truth(), i).at(self.thresholds[i])

    def _slice_counts(self, i: int) -> np.ndarray:
        assert self.sidx is not None  # slice counts are read once the slices are indexed
        return self.sidx[i].counts_at(self._effective(i))

    # -- rendering ---------------------------------------------------------------------------
    def _show(self, widget: Static, content: Any) -> None:
        """``widget.update(content)``, without a new layout of the screen when the content takes the same height
        as what the widget shows (new numbers of the same widths: a threshold move), and not at all when a text is
        unchanged."""
        key = layout_key(content)
        last = self._shown.get(widget.id)
        same = last is not None and key is not None and last[0] is widget.content and last[1] == key
        if (
            same
            and last is not None
            and isinstance(content, Text)
            and isinstance(last[0], Text)
            and content == last[0]
            and content.style == last[0].style
        ):
            return
        widget.update(content, layout=not same)
        self._shown[widget.id] = (content, key)

    def render_performance(self) -> None:
        """Redraw everything (kept for callers of the earlier screen)."""
        self._render_all()

    def _render_all(self) -> None:
        self._render_status()
        self._render_panel()

    def _render_panel(self) -> None:
        if self.panel == "overview":
            self._render_overview()
        elif self.panel == "slices":
            self._render_slices()
        else:
            self._render_worst()

    def _refresh_numbers(self) -> None:
        """After a threshold or cost change: the status and the visible panel (O(slices · log n))."""
        self._render_status()
        if self.panel in ("overview", "slices"):
            self._render_panel()
        elif self.panel == "worst":
            self._render_worst()

    def _render_status(self) -> None:
        status = self.query_one("#perf-status", Static)
        s = self.session
        message = self._message if time.monotonic() < self._message_until else None
        if not self.ready:
            return
        if self.truth is None:
            self._show(status, message or Text(""))
            return
        t = self.truth
        task = s.task
        if task.kind == "binary":
            head = Text.assemble(
                ("Binary", "bold"),
                f" · truth {t.label} · positive ",
                (str(t.positive), "bold"),
                f" · {t.n_labelled:,} labelled · cost FP:FN ",
                (f"{self.ratio:g}", "bold"),
            )
            if task.score_method == "decision_function":
                head.append(" · decision_function margins")
            parts = []
            for i, name in enumerate(self.names):
                if self.slice_thr is not None:
                    parts.append(f"{name} per slice")
                else:
                    parts.append(f"{name} {thr(self.thresholds[i])}")
            line2 = Text.assemble("Thr ", ("  ".join(parts), "bold"), f" · {STRATEGIES[self.strategy]}")
            if self.strategy in CONSTRAINED:
                line2.append(f" (tolerance {self.tolerance:g})")
        elif task.kind == "multiclass":
            head = Text.assemble(
                ("Multi-class", "bold"),
                f" · truth {t.label} · {t.n_labelled:,} labelled · prediction = argmax · one-vs-rest class ",
                (str(task.classes[self.ovr_class]), "bold"),
            )
            line2 = Text("")
        else:
            head = Text.assemble(
                ("Regression", "bold"),
                f" · truth {t.label} · {t.n_labelled:,} labelled · residual = prediction − label",
            )
            line2 = Text("")
        line2.append(f"{' · ' if line2.plain else ''}slices: {self._slicing_name()}")
        if t.flipped:
            line2.append(" · the datapoint editor keeps the session's positive class", style="dim")
        lines = [head, line2]
        if message is not None:
            lines.append(message)
        self._show(status, Text("\n").join(lines))

    # overview ------------------------------------------------------------------------------
    def _render_overview(self) -> None:
        summary = self.query_one("#perf-summary", Static)
        plots = self.query_one("#perf-plots")
        s = self.session
        if not self.ready:
            return
        if self.truth is None:
            if not s.has_label:
                summary.update(
                    Text.from_markup(
                        "[b]No ground truth.[/b] This data was opened without --label, so there is nothing to measure "
                        "performance against.\nPress [b]g[/b] to pick the column that holds the true answer (or reopen "
                        "with [b]--label COLUMN[/b]); the Datapoint editor and Features screens work without it."
                    )
                )
            plots.display = False
            return
        try:
            if self.kind == "binary":
                self._show(summary, self._binary_overview())
                self._binary_plots()
            elif self.kind == "multiclass":
                self._show(summary, self._multiclass_overview())
                self._multiclass_plots()
            else:
                self._show(summary, self._regression_overview())
                self._regression_plots()
        except WitError as exc:
            summary.update(Text(f"{exc.message} {exc.hint}"))
            plots.display = False
            return
        plots.display = True

    def _binary_overview(self) -> Group:
        s = self.session
        ms = [self._binary_metrics(i) for i in range(len(s.models))]
        truth = self._known_truth()
        idx = [truth_index(s, truth, i) for i in range(len(s.models))]
        thr_row = [None if self.slice_thr is not None else self.thresholds[i] for i in range(len(s.models))]
        rows: list[tuple[str, Sequence[float | None], str]] = [
            ("threshold" if self.slice_thr is None else "threshold (per slice: l)", thr_row, "thr"),
            ("accuracy", [m.accuracy for m in ms], "num"),
            ("precision", [m.precision for m in ms], "num"),
            ("recall (TPR)", [m.recall for m in ms], "num"),
            ("F1", [m.f1 for m in ms], "num"),
            ("FPR", [m.fpr for m in ms], "num"),
            ("FNR", [m.fnr for m in ms], "num"),
            ("ROC AUC", [x.roc_auc for x in idx], "num"),
            ("average precision", [x.average_precision for x in idx], "num"),
            ("positive rate", [m.selection_rate for m in ms], "pct"),
            (f"cost {self.ratio:g}·FP+FN", [float(cost(m.fp, m.fn, self.ratio)) for m in ms], "cost"),
        ]
        table = compare_table(self.names, rows)
        labels = (str(truth.negative), str(truth.positive))
        cms = [
            confusion_table(f"{name}: confusion matrix", (m.tn, m.fp, m.fn, m.tp), labels)
            for name, m in zip(self.names, ms, strict=True)
        ]
        if len(ms) == 2:
            a, b = ms
            cms.append(
                confusion_table(
                    f"Δ {self.names[1]} − {self.names[0]}",
                    (b.tn - a.tn, b.fp - a.fp, b.fn - a.fn, b.tp - a.tp),
                    labels,
                    signed_cells=True,
                )
            )
        parts: list = [table, Text("")]
        parts.append(Columns(cms, padding=(1, 4)))
        if self.results and self.strategy != "custom":
            parts += [Text(""), self._strategy_text()]
        return Group(*parts)

    def _strategy_text(self) -> Text:
        out = Text.assemble((f"{STRATEGIES[self.strategy]}", "bold"), f" (cost ratio {self.ratio:g}): ")
        for i, r in enumerate(self.results or []):
            if i:
                out.append(" · ")
            out.append(f"{self.names[i]} cost {fmt_cost(r.cost)}")
            if r.rate:
                out.append(f", {RATE_LABELS[r.rate]} gap {num(r.gap)}")
        if self.results and len(self.results) == 2:
            out.append(f" · Δ cost {signed(self.results[1].cost - self.results[0].cost, kind='cost')}")
        return out

    def _binary_plots(self) -> None:
        s = self.session
        indexes = [truth_index(s, self._known_truth(), i) for i in range(len(self.names))]
        metrics = [self._binary_metrics(i) for i in range(len(self.names))]
        roc_points = [(m.fpr, m.recall) for m in metrics]
        pr_points = [(m.recall, m.precision) if m.tp + m.fp else None for m in metrics]
        show_figure(self.query_one("#perf-plot", PlotextPlot), RocFigure.of(self.names, indexes, roc_points))
        show_figure(
            self.query_one("#perf-plot2", PlotextPlot),
            PrFigure.of(self.names, indexes, pr_points, title="Precision-recall"),
        )

    def _multiclass_overview(self) -> Group:
        s = self.session
        perfs = [truth_performance(s, self._known_truth(), i) for i in range(len(s.models))]
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
        aucs = [self._class_aucs(i) for i in range(len(s.models))]
        labels = [str(c) for c in ms[0].labels]
        parts: list = [compare_table(self.names, rows), Text("")]
        for name, m, auc in zip(self.names, ms, aucs, strict=True):
            parts += [
                per_class_table(
                    f"{name}: per class (one-vs-rest AUC of the class's score)",
                    labels,
                    m.precision,
                    m.recall,
                    m.f1,
                    m.support,
                    auc,
                ),
                Text(""),
            ]
        if len(ms) == 2:
            a, b = ms
            parts += [
                per_class_table(
                    f"Δ {self.names[1]} − {self.names[0]}",
                    labels,
                    b.precision - a.precision,
                    b.recall - a.recall,
                    b.f1 - a.f1,
                    b.support - a.support,
                    aucs[1] - aucs[0],
                    signed_values=True,
                ),
                Text(""),
            ]
        cms = [
            multiclass_confusion(
                f"{name}: confusion matrix (rows true, columns predicted; % of the row)",
                labels,
                m.confusion_matrix,
                m.confusion_normalized,
            )
            for name, m in zip(self.names, ms, strict=True)
        ]
        if len(ms) == 2:
            cms.append(
                multiclass_confusion(
                    f"Δ {self.names[1]} − {self.names[0]} (counts)",
                    labels,
                    ms[1].confusion_matrix - ms[0].confusion_matrix,
                    None,
                )
            )
        parts.append(Columns(cms, padding=(1, 4)))
        return Group(*parts)

    def _class_aucs(self, i: int) -> np.ndarray:
        s = self.session
        if s.scores(i).proba is None:
            return np.full(len(s.task.classes), np.nan)
        truth = self._known_truth()
        return np.array([class_index(s, truth, i, c).roc_auc for c in range(len(s.task.classes))])

    def _multiclass_plots(self) -> None:
        s = self.session
        c = self.ovr_class
        cls = s.task.classes[c]
        models = [i for i in range(len(self.names)) if s.scores(i).proba is not None]
        names = [self.names[i] for i in models]
        indexes = [class_index(s, self._known_truth(), i, c) for i in models]
        points = [None] * len(models)
        roc = RocFigure.of(names, indexes, points, title=f"ROC: {cls} vs rest (p: class)")
        show_figure(self.query_one("#perf-plot", PlotextPlot), roc)
        pr = PrFigure.of(names, indexes, points, title=f"Precision-recall: {cls} vs rest")
        show_figure(self.query_one("#perf-plot2", PlotextPlot), pr)

    def _regression_metrics(self) -> list[RegressionMetrics]:
        """Each model's regression metrics against the prepared ground truth."""
        s, truth = self.session, self._known_truth()
        rs = [truth_performance(s, truth, i).regression for i in range(len(s.models))]
        known = [r for r in rs if r is not None]
        assert len(known) == len(rs)  # a regression task fills each model's regression block
        return known

    def _regression_overview(self) -> Group:
        rs = self._regression_metrics()
        rows = [
            ("MAE", [r.mae for r in rs], "num"),
            ("RMSE", [r.rmse for r in rs], "num"),
            ("R²", [r.r2 for r in rs], "num"),
            ("mean error (bias)", [r.mean_error for r in rs], "num"),
        ]
        return Group(compare_table(self.names, rows))

    def _regression_plots(self) -> None:
        s = self.session
        truth = self._known_truth()
        mask = truth.labelled
        rs = self._regression_metrics()
        residuals = list(zip(self.names, [r.residuals for r in rs], strict=True))
        residuals_figure = ResidualsFigure.of(residuals, "Residuals (prediction − label)")
        show_figure(self.query_one("#perf-plot", PlotextPlot), residuals_figure)
        preds = [(name, s.scores(i).score[mask]) for i, name in enumerate(self.names)]
        actual = truth.y[mask].astype(np.float64)
        scatter = ScatterFigure.of(actual, preds, "Predicted vs actual")
        show_figure(self.query_one("#perf-plot2", PlotextPlot), scatter)

    # slices ---------------------------------------------------------------------------------
    def _columns(self) -> tuple:
        return {"binary": BINARY_COLUMNS, "multiclass": MULTICLASS_COLUMNS, "regression": REGRESSION_COLUMNS}[self.kind]

    def _slice_values(self) -> tuple[dict[str, list[np.ndarray]], np.ndarray, np.ndarray | None]:
        """Per column key, one array per model (slices in slicing order); the row counts; the base rate."""
        K = self.n_slices
        values: dict[str, list[np.ndarray]] = {}
        base = None
        if self.kind == "binary":
            assert self.sidx is not None and self.slice_auc is not None  # read once the slices are indexed
            for i in range(len(self.names)):
                counts = self._slice_counts(i)
                rates = binary_rates(counts)
                for key, _h, _k in BINARY_COLUMNS:
                    if key == "thr":
                        v = self._effective(i)
                    elif key == "auc":
                        v = self.slice_auc[i]
                    elif key == "cost":
                        v = np.asarray(cost(counts[:, 1], counts[:, 2], self.ratio), dtype=np.float64)
                    else:
                        v = rates[key]
                    values.setdefault(key, []).append(np.asarray(v, dtype=np.float64))
                base = rates["base_rate"]
            n = self.sidx[0].counts.astype(np.float64)
        else:
            static, ovr = self.slice_static, self.slice_ovr
            assert static is not None  # read once the slice metrics are computed
            for i in range(len(self.names)):
                sm = static[i]
                for key, _h, _k in self._columns():
                    if key.startswith("ovr_"):
                        assert ovr is not None  # one-vs-rest columns exist only with their metrics
                        o = ovr[i]
                        v = o.values[key[4:]]
                    else:
                        v = sm.values[key]
                    values.setdefault(key, []).append(np.asarray(v, dtype=np.float64))
            n = static[0].values["example_count"]
            if self.kind == "regression":
                base = static[0].values["mean_label"]
            else:
                base = ovr[0].values["base_rate"] if ovr else None
        assert all(len(a) == K for arrs in values.values() for a in arrs)
        return values, n, base

    def _render_slices(self) -> None:
        note = self.query_one("#slices-note", Static)
        table = self.query_one("#slices-table", WideTable)
        fair = self.query_one("#fair-summary", Static)
        if self.truth is None:
            note.update(Text("No ground truth: press g to pick the label column."))
            self._clear_table(table)
            fair.update("")
            return
        if not self.features:
            note.update(
                Text.from_markup(
                    "No slices yet: press [b]b[/b] to slice by a feature ([b]x[/b] crosses it with a "
                    "second; numeric features in quantile buckets, [b]n[/b] sets the count, [b]u[/b] "
                    "equal width)."
                )
            )
            self._clear_table(table)
            fair.update("")
            return
        if self.slicing is None or (self.kind == "binary" and self.sidx is None):
            note.update(Text(f"Slicing by {' × '.join(self.features)}…"))
            self._clear_table(table)
            fair.update("")
            return
        values, n, base = self._slice_values()
        K = self.n_slices
        order = self._sorted_slices(values, n, base)
        self._slice_order = order
        shown = list(range(len(self.names))) if self.model_view < 0 else [self.model_view]
        two = len(shown) == 2
        base_header = {"binary": "base", "multiclass": "base(c)", "regression": "mean y"}[self.kind]
        columns = [(" × ".join(sorted(self.slicing.features)), "slice"), ("n", "n")]
        if base is not None:
            columns.append((base_header, "base"))
        for key, header, _kind in self._columns():
            for i in shown:
                name = self.names[i]
                columns.append((f"{header}·{_short(name)}" if len(self.names) == 2 else header, f"{key}@{i}"))
            if two:
                columns.append((f"Δ{header}", f"{key}@d"))
        rows: list[list[Text]] = []
        for k in order:
            cells: list[Text] = [Text(" × ".join(self.slicing.labels[k]))]
            small = n[k] < SMALL_SLICE
            cells.append(
                Text(f"{int(n[k]):,}" + ("*" if small else ""), justify="right", style="yellow" if small else "")
            )
            if base is not None:
                cells.append(Text(num(base[k]), justify="right"))
            for key, _header, kind in self._columns():
                vals = [values[key][i][k] for i in shown]
                for v in vals:
                    cells.append(
                        Text(thr(v) if kind == "thr" else (fmt_cost(v) if kind == "cost" else num(v)), justify="right")
                    )
                if two:
                    d = vals[1] - vals[0] if kind != "thr" else vals[1] - vals[0]
                    cells.append(
                        Text(signed(d, kind="cost" if kind == "cost" else "num"), justify="right", style="dim")
                    )
            rows.append(cells)
        self._fill_table(table, columns, rows)
        sort_label = dict(self._sort_options()).get(self.sort_key, self.sort_key)
        small = int(np.count_nonzero(n < SMALL_SLICE))
        text = Text.assemble((f"{K} slices", "bold"), f" of {' × '.join(self.features)}")
        edges = self.slicing.edges
        if edges:
            kind = "equal-width" if self.equal_width else "quantile"
            for f, e in edges.items():
                text.append(f" · {f}: {len(e) - 1} {kind} buckets, edges " + ", ".join(f"{v:.4g}" for v in e))
        text.append(f" · sorted by {sort_label}{' (reversed)' if self.sort_reverse else ''}")
        if small:
            text.append(f" · * {small} slice(s) under {SMALL_SLICE} rows: unreliable", style="yellow")
        hint = " · ←/→ columns"
        if len(self.names) == 2:
            hint += " · i: " + (
                "both models"
                if self.model_view == 1
                else f"{self.names[(self.model_view + 1) % 2]} only"
                if self.model_view >= 0
                else f"{self.names[0]} only"
            )
        if self.kind == "binary":
            hint += " · enter/e: slice threshold, +/-: nudge, f: strategy"
        text.append(hint, style="dim")
        self._show(note, text)
        self._show(fair, self._fairness_renderable() if self.kind == "binary" else self._static_note())

    def _clear_table(self, table: DataTable) -> None:
        table.clear(columns=True)
        self._table_columns = []
        self._table_cells = []

    def _fill_table(self, table: WideTable, columns: list[tuple[str, str]], rows: list[list[Text]]) -> None:
        """Show ``rows`` under ``columns``, keeping the cursor row and the scroll position. With the same columns
        and as many rows (a threshold move, a sort, a strategy) only the cells whose text changed are set, in
        place: the table then redraws just those (a rebuild re-renders and re-measures every cell)."""
        shape = [tuple(_cell_key(c) for c in cells) for cells in rows]
        if columns == self._table_columns and len(rows) == len(self._table_cells) == table.row_count:
            changes = [
                (f"r{r}", columns[c][1], cell)
                for r, (cells, new, old) in enumerate(zip(rows, shape, self._table_cells, strict=True))
                if new != old
                for c, cell in enumerate(cells)
                if new[c] != old[c]
            ]
            if changes:
                table.update_cells(changes)
            self._table_cells = shape
            return
        cursor, scroll_x, scroll_y = table.cursor_row, table.scroll_x, table.scroll_y
        if columns != self._table_columns:  # a threshold move keeps the columns (and the scroll position)
            table.clear(columns=True)
            for label, key in columns:
                table.add_column(label, key=key)
            self._table_columns = columns
        else:
            table.clear()
        for r, cells in enumerate(rows):
            table.add_row(*cells, key=f"r{r}")
        self._table_cells = shape
        if table.row_count:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1), animate=False, scroll=False)
        table.scroll_to(x=scroll_x, y=scroll_y, animate=False, immediate=True)

    def _static_note(self) -> Text:
        if self.kind == "multiclass":
            cls = self.session.task.classes[self.ovr_class]
            return Text(
                f"acc, mF1, wF1: accuracy, macro and weighted F1 (over the classes present in the slice, as "
                f"sklearn). base(c), pos, prec, rec, F1, AUC: class {cls} against the rest (p picks the class).",
                style="dim",
            )
        return Text(
            "MAE, RMSE, R² as sklearn.metrics; bias = mean of prediction − label; mean y = mean label.", style="dim"
        )

    def _fairness_renderable(self) -> Group:
        slicing = self.slicing
        assert slicing is not None  # drawn only under the slice table
        names = [slicing.name(k) for k in range(self.n_slices)]
        summaries = [fairness_summary(self._slice_counts(i), names) for i in range(len(self.names))]
        head = Text.assemble(
            ("Fairness summary", "bold"),
            " — Fairlearn's MetricFrame for the decisions made "
            "(each slice at its threshold); groups = the slices, whose own rates are the slice "
            "table's pos, rec, FPR, FNR, acc and prec.",
        )
        parts: list = [head]
        if self.results and self.strategy != "custom":
            parts.append(self._strategy_text())
            for r in self.results:
                if r.note:
                    parts.append(Text(r.note, style="yellow"))
        parts += [Text(""), fairness_tables(self.names, summaries, RATE_LABELS, GAP_LABELS)]
        return Group(*parts)

    def _sorted_slices(self, values: dict[str, list[np.ndarray]], n: np.ndarray, base: np.ndarray | None) -> list[int]:
        K = self.n_slices
        key = self.sort_key
        if key == "slice":
            order = list(range(K))
            return order[::-1] if self.sort_reverse else order
        if key == "name":
            slicing = self.slicing
            assert slicing is not None  # slices are sorted only once there are slices
            order = sorted(range(K), key=lambda k: slicing.name(k).lower())
            return order[::-1] if self.sort_reverse else order
        if key == "n":
            col = n
        elif key == "base_rate":
            col = base if base is not None else np.zeros(K)
        else:
            name, _, which = key.partition("@")
            if name not in values:
                return list(range(K))
            arrs = values[name]
            col = arrs[1] - arrs[0] if which == "d" else arrs[int(which)]
        col = np.asarray(col, dtype=np.float64)
        nan = np.isnan(col)
        finite = [k for k in range(K) if not nan[k]]
        finite.sort(key=lambda k: col[k], reverse=self.sort_reverse)
        return finite + [k for k in range(K) if nan[k]]

    # worst slices -------------------------------------------------------------------------------
    def _render_worst(self) -> None:
        note = self.query_one("#worst-note", Static)
        table = self.query_one("#worst-table", DataTable)
        if self.truth is None:
            note.update(Text("No ground truth: press g to pick the label column."))
            return
        w = self.worst
        if w is None:
            if "perf.worst" not in self._jobs:
                note.update(
                    Text.from_markup(
                        "Press [b]w[/b] to rank every single-feature slice by how much worse the "
                        "model does there than on the rest."
                    )
                )
            table.clear(columns=True)
            return
        stale = self.worst_settings != self._worst_settings()
        rank = self.names[w.model]
        at = ""
        if self.kind == "binary":
            assert self.worst_settings is not None  # set together with self.worst
            t = self.worst_settings[-1]
            at = (
                f" at the per-slice thresholds of {' × '.join(t[-2])}"
                if len(t) > len(self.names)
                else f" at threshold {thr(t[w.model])}"
            )
        text = Text.assemble(
            (f"Worst slices by {w.metric}", "bold"),
            f" ({w.bad}; ranked for {rank}",
            at,
            ") · ",
            "single features" + (" and 2-feature crosses" if w.crosses else ""),
            f" · {len(w.findings):,} slices",
        )
        text.append(
            f"\nRank = lower end of the interval of 'worse by' (slice − rest); {w.test}; q = Benjamini–Hochberg.",
            style="dim",
        )
        if stale:
            text.append("\nThe settings changed since this ranking: press w to recompute.", style="yellow")
        if w.skipped:
            text.append("\nSkipped: " + "; ".join(w.skipped[:4]) + (" …" if len(w.skipped) > 4 else ""), style="dim")
        text.append(
            " · m metric · X crosses" + (" · M model" if len(self.names) == 2 else "") + " · enter: slice by it",
            style="dim",
        )
        note.update(text)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_column("#", key="rank")
        table.add_column("slice", key="slice")
        table.add_column("n", key="n")
        for name in self.names:
            table.add_column(f"{w.metric[:8]}·{_short(name)}" if len(self.names) > 1 else w.metric, key=f"v{name}")
        if len(self.names) == 2:
            table.add_column("Δ", key="d")
        table.add_column("rest", key="rest")
        table.add_column("worse by", key="worse")
        table.add_column(f"{100 * w.confidence:.0f}% interval", key="ci")
        table.add_column("p", key="p")
        table.add_column("q", key="q")
        for r, f in enumerate(w.findings[:500]):
            readable = " × ".join(f"{feat}={lab}" for (feat, _v), lab in zip(f.key, f.labels, strict=True))
            cells: list[Any] = [
                Text(str(r + 1), justify="right"),
                Text(readable),
                Text(f"{f.n_rows:,}" + ("*" if f.small else ""), justify="right", style="yellow" if f.small else ""),
            ]
            cells += [Text(num(v), justify="right") for v in f.values]
            if len(self.names) == 2:
                cells.append(Text(signed(f.values[1] - f.values[0]), justify="right", style="dim"))
            sure = f.ci_low > 0
            cells += [
                Text(num(f.rest), justify="right"),
                Text(signed(f.worse_by), justify="right", style="bold red" if sure else ""),
                Text(f"[{signed(f.ci_low)}, {signed(f.ci_high)}]", justify="right"),
                Text(f"{f.p_value:.2g}", justify="right"),
                Text(f"{f.q_value:.2g}", justify="right"),
            ]
            table.add_row(*cells)
        if table.row_count:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1), animate=False)


def _exact(value: float) -> str:
    """A threshold to pre-fill a dialog with: the shortest text that reads back as the same float (an exact
    threshold found by a search must not move when the dialog is confirmed unchanged)."""
    return repr(float(value))


def _cell_key(cell: Text) -> tuple:
    return cell.plain, cell.style, cell.justify, tuple(cell.spans)


def fmt_cost(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


__all__ = ["PerformanceView", "ThresholdsChanged"]
