"""Performance & fairness: how good is each model, for whom, at which threshold.

Three panels under one status line: the overview (every metric of the task for each model with the difference,
confusion matrices, ROC and precision-recall curves, or residuals), the slice table (per-slice metrics and
thresholds, the fairness strategies and Fairlearn's MetricFrame summary) and the worst slices. This view holds
the keys and routes them: the decisions (thresholds, strategy, cost ratio, ground truth) are the app's, written
only by :class:`~.decisions.DecisionEditor`; every panel draws from them and redraws when they are replaced.
Work off the UI thread (ground truth, slices, strategies, worst slices, validation) goes through ``self.jobs``:
one engine call each, progress on the job line, escape cancels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import ContentSwitcher

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.tui.jobs import JobDone, JobFailed, JobLine
from wit_tui.tui.views.base import SessionView
from wit_tui.tui.views.performance.calibration import CalibrationPanel
from wit_tui.tui.views.performance.common import Panel, PerfState
from wit_tui.tui.views.performance.decisions import ACTIONS as DECISION_ACTIONS
from wit_tui.tui.views.performance.decisions import PREPARE, STRATEGY, DecisionEditor
from wit_tui.tui.views.performance.export import DecisionsExporter, DecisionsLoader
from wit_tui.tui.views.performance.keys import NO_TRUTH, VIEW_KEYS, key_of
from wit_tui.tui.views.performance.overview import OverviewPanel
from wit_tui.tui.views.performance.slicer import GROUP as SLICES
from wit_tui.tui.views.performance.slicer import Slicer
from wit_tui.tui.views.performance.slices import SlicesPanel
from wit_tui.tui.views.performance.status import StatusLine
from wit_tui.tui.views.performance.worst import WorstPanel
from wit_tui.tui.widgets.status_note import StatusNote
from wit_tui.tui.widgets.wide_table import WideTable


class Part(Protocol):
    """A part of the screen that serves keys: it names them and says when each one works."""

    ACTIONS: frozenset[str]

    def can(self, action: str, parameters: tuple) -> bool: ...


class PerformanceView(SessionView):
    TITLE = "2 Performance & fairness"
    HELP = (
        "How good is each model, for whom, at which threshold: metrics, confusion matrices, ROC / PR curves, "
        "slices, fairness strategies, worst slices."
    )
    HELP_NOTES = (
        "A row is predicted positive when its score ≥ the threshold (sklearn's convention). Panels: a overview, d "
        "slices (the disaggregated metrics), w worst slices, C calibration (reliability diagram, ECE, Brier score, "
        "log loss per model and per slice; U: uniform / quantile bins; D on a slice: its curves and matrices); the "
        "footer shows the keys of the panel in focus.\n"
        "Thresholds are exact (a binary search on the sorted scores), never a 0.01 grid. [ ] { } move every "
        "threshold (per-slice ones too); t types them (one number for every model, or one per model: 0.4, 0.6); "
        "enter or e on a slice types that slice's threshold, + / - nudge it. Cost = ratio·FP + FN on raw counts "
        "(c sets the ratio FP:FN: 1, 2.5, 0.25…); o sets each model's cost-optimal threshold (ties to the highest "
        "threshold, as the What-If Tool). f picks a strategy for the current slices: Single threshold, Group "
        "thresholds (each slice its own cost-optimal threshold), Demographic parity (equal positive rate), Equal "
        "opportunity (equal TPR), Equal accuracy — the cheapest thresholds whose rates are within the tolerance "
        "(T, default 0.01) of each other, searched over every distinct score; the gap that remains is shown. "
        "Slices: b slices by a feature, x crosses it with a second; numeric features in quantile buckets (n sets "
        "the count, u switches to equal width); slices under 30 rows are marked *; ←/→ (h/l) move the column "
        "cursor, s / S sort by the current column (O picks the column from a list), i shows both models with Δ or "
        "one model. The fairness summary is Fairlearn's MetricFrame for the decisions made. Worst slices (w) rank "
        "every single-feature slice (X adds two-feature crosses) by the lower end of a simultaneous 95% interval of "
        "how much worse the model does there than on the rest (m picks the metric, M the model to rank; s / S sort "
        "by the current column). g picks the ground-truth column, p the positive class (multi-class: the class for "
        "one-vs-rest). v: `wit-tui validate` of model 2 against model 1 with the --config file (and its threshold).\n"
        "Intervals (95% unless --ci-level): Wilson for rates and the multinomial bootstrap for F1 and the fairness "
        "gaps follow every threshold move; DeLong's AUC and the row bootstraps (average precision…) come from a job "
        "and read … until ready. The overview and the fairness summary show them; I toggles them in the panel shown "
        "(the slice table: a low–high column after each metric)."
    )
    BINDINGS = VIEW_KEYS
    KEY_HOSTS = (SlicesPanel, WorstPanel, CalibrationPanel, WideTable)

    def __init__(self, session, options=None, **kwargs) -> None:
        super().__init__(session, options, **kwargs)
        self.state = PerfState()
        self.editor = DecisionEditor(self, self.state)
        self.slicer = Slicer(self, self, self.state, self.editor)
        self.exporter = DecisionsExporter(self, self.state)
        self.loader = DecisionsLoader(self, self.state, self.editor, self.options.decisions)
        self.panel: Panel = "overview"
        self._ovr_class = 0  # the one-vs-rest class the slices were built for

    # -- layout ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="perf-body"):
            yield StatusLine(self.session, self.state.slices, id="perf-status")
            yield StatusNote(id="perf-note")
            yield JobLine(id="perf-job")
            with ContentSwitcher(id="perf-panels", initial="panel-overview"):
                yield OverviewPanel(self.session, self.state, id="panel-overview")
                yield SlicesPanel(self.session, self.state, self.editor, self.slicer, id="panel-slices")
                yield WorstPanel(self.session, self.state, self.jobs, id="panel-worst")
                yield CalibrationPanel(self.session, self.state, self.jobs, id="panel-calibration")

    def on_mount(self) -> None:
        self.watch(self.app, "decisions", self._decisions_changed, init=False)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def overview(self) -> OverviewPanel:
        return self.query_one(OverviewPanel)

    @property
    def slices(self) -> SlicesPanel:
        return self.query_one(SlicesPanel)

    @property
    def worst(self) -> WorstPanel:
        return self.query_one(WorstPanel)

    @property
    def calibration(self) -> CalibrationPanel:
        return self.query_one(CalibrationPanel)

    def focus_target(self) -> Widget:
        return self.query_one(
            {
                "overview": "#panel-overview",
                "slices": "#slices-table",
                "worst": "#worst-table",
                "calibration": "#calib-scroll",
            }[self.panel]
        )

    # -- readiness and keys ---------------------------------------------------------
    def session_ready(self) -> None:
        super().session_ready()
        self.status.ready = self.overview.ready = True
        if self.session.has_label:
            self.editor.start_prepare(None, None)
        else:
            self.render_all()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Each key is asked of the part that serves it; the current panel's own key is left out of the footer."""
        if action == "show_panel":
            return self.ready and parameters[0] != self.panel
        if action == "cancel":
            return self.jobs.running()
        if action == "validate":
            return self.overview.can(action, parameters)
        if action == "worst":
            return self.worst.can(action, parameters)
        if action == "intervals":
            return self.ready and self.panel in ("overview", "slices") and self.decisions.truth is not None
        part = self._serving(action)
        return True if part is None else part.can(action, parameters)

    def why_not(self, action: str, parameters: tuple) -> str:
        """Why the view's key ``action`` does nothing now, in words ("" when it applies)."""
        if self.check_action(action, parameters):
            return ""
        key = key_of(VIEW_KEYS, action, parameters)
        if not self.ready:
            return f"{key}: the models are still being scored; it works once they are."
        if action == "show_panel":
            return f"{key}: this is the {parameters[0]} panel already."
        if action == "cancel":
            return "escape: no job is running."
        if action == "validate":
            return f"{key}: validation compares the models on the data's label; open the data with --label."
        if action == "intervals" and self.panel == "worst":
            return f"{key}: the worst slices rank by an interval already; I shows them in the overview and slices."
        if action == "intervals" and self.panel == "calibration":
            return f"{key}: intervals are shown in the overview and the slice table."
        if self.decisions.truth is None:
            return f"{key}: {NO_TRUTH}"
        kind = self.session.task.kind
        if action == "positive":
            return f"{key}: a regression has no positive class."
        if action in DECISION_ACTIONS or action == "export_decisions":
            return f"{key}: thresholds, costs and strategies are for binary tasks; this one is {kind}."
        return ""

    # -- jobs ---------------------------------------------------------------------------
    def on_job_done(self, done: JobDone) -> None:
        if not self.jobs.is_current(done):
            return
        if done.group == PREPARE:
            self._truth_ready(done.result)
        elif done.group == STRATEGY:
            self.editor.strategy_done(*done.result)
        elif done.group == SLICES:
            self.slicer.done(done.result)
            self.loader.slices_ready()  # --decisions: its per-slice thresholds on the slices just built
            self._ovr_class = self.decisions.ovr_class
            self.render_all()
            key, self.state.slices.focus_key = self.state.slices.focus_key, None
            if key is not None:
                self.slices.focus_slice(key)
            self.refresh_bindings()

    def _truth_ready(self, truth) -> None:
        old = self.decisions.truth
        if old is None or old.key != truth.key:
            self.worst.truth_changed()
        if truth.unknown:
            self.notify(
                f"{len(truth.unknown)} value(s) of {truth.label!r} are not classes of the model "
                f"({', '.join(truth.unknown[:5])}); they count as negatives / errors.",
                timeout=8,
            )
        self.state.slices.table = None
        self.editor.truth_ready(truth)
        self.loader.truth_ready()  # --decisions: its cost ratio, tolerance and slicing, the first time
        if self.state.slices.active:
            self.slicer.start()
        self.render_all()
        self.refresh_bindings()

    def on_job_failed(self, failed: JobFailed) -> None:
        super().on_job_failed(failed)  # the notification, while the job is still the current one
        if self.jobs.is_current(failed):
            if failed.group == PREPARE and self.decisions.truth is None:
                self.overview.show_error(failed.text)
            if failed.group == SLICES:
                self.slicer.failed()
                self.render_all()

    def action_cancel(self) -> None:
        slicing = self.jobs.running(SLICES)
        names = ", ".join(self.jobs.cancel())
        self.editor.pending_strategy = None
        if slicing:
            self.slicer.cancelled()
            self.render_all()
        self.say(f"Cancelled: {names}.")

    # -- drawing ---------------------------------------------------------------------------
    def _decisions_changed(self, decisions: Decisions) -> None:
        if decisions.ovr_class != self._ovr_class and self.state.slices.active and decisions.truth is not None:
            self._ovr_class = decisions.ovr_class
            self.slicer.start()
        self.render_all()
        self.refresh_bindings()

    def render_all(self) -> None:
        """The status line and the panel shown (the others draw when shown)."""
        self.status.render_status()
        if self.panel == "overview":
            self.overview.render_panel()
        elif self.panel == "slices":
            self.slices.render_panel()
        elif self.panel == "calibration":
            self.calibration.render_panel()
        else:
            self.worst.render_panel()

    def render_performance(self) -> None:
        """Redraw everything (kept for callers of the earlier screen)."""
        self.render_all()

    def action_show_panel(self, panel: Panel) -> None:
        self.panel = panel
        self.query_one("#perf-panels", ContentSwitcher).current = f"panel-{panel}"
        self.refresh_bindings()
        self.render_all()
        self.call_after_refresh(self.focus_target().focus)

    # -- the panel router: a key's action is the method of the part that declares it -----------
    def _parts(self) -> tuple[Part, ...]:
        return (self.editor, self.slicer, self.exporter)

    def _serving(self, action: str) -> Part | None:
        return next((part for part in self._parts() if action in part.ACTIONS), None)

    if not TYPE_CHECKING:  # the type checker keeps seeing only the attributes this class defines

        def __getattr__(self, name: str):
            """``action_x`` of a key served by a part (``ACTIONS``) is that part's method of the same name."""
            if name.startswith("action_") and "editor" in self.__dict__ and self.is_mounted:
                part = self._serving(name[len("action_") :])
                if part is not None:
                    return getattr(part, name)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def action_worst(self) -> None:
        if self.panel != "worst":
            self.action_show_panel("worst")
        self.worst.ensure()

    def on_worst_panel_slice_by(self, message: WorstPanel.SliceBy) -> None:
        slices = self.state.slices
        slices.features, slices.where, slices.edges = list(message.features), None, {}  # the worst slices' buckets
        self.slicer.changed(focus=message.key)
        self.action_show_panel("slices")

    def action_intervals(self) -> None:
        """``I``: the intervals beside the numbers of the panel shown, on or off."""
        (self.overview if self.panel == "overview" else self.slices).toggle_intervals()

    def action_validate(self) -> None:
        if self.panel != "overview":
            self.action_show_panel("overview")
        self.overview.validate(self.jobs, self.options)


__all__ = ["PerformanceView"]
