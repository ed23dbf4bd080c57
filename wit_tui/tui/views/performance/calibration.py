"""The calibration panel: do the models' probabilities mean what they say — reliability diagram of each model,
ECE / Brier score / log loss per model and, with a slicing chosen, per slice.

Calibration does not depend on the thresholds, so a threshold move never recomputes it; the ground truth, the
one-vs-rest class, the slicing and the bins do (one worker, the engine's :func:`models_calibration`).
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual_plotext import PlotextPlot

from wit_tui.engine.analysis.model_calibration import ModelsCalibration, models_calibration
from wit_tui.engine.metrics.calibration import STRATEGIES, Strategy
from wit_tui.engine.session.session import Session
from wit_tui.render.calibration import calibration_table, method_note, slice_calibration_table, undefined_lines
from wit_tui.render.figures import ReliabilityFigure
from wit_tui.tui.jobs import JobDone, JobFailed, Jobs
from wit_tui.tui.views.base import decisions_of
from wit_tui.tui.views.performance.common import PerfState
from wit_tui.tui.views.performance.keys import CALIBRATION_KEYS, NO_TRUTH, key_of
from wit_tui.tui.widgets.plot import show_figure
from wit_tui.tui.widgets.text_static import TextStatic

GROUP = "perf.calibration"
NOT_CLASSIFIER = "Calibration is of class probabilities: a regression has none."


class CalibrationPanel(Vertical):
    """Reliability diagram and calibration numbers of every model (per slice too), computed off the UI thread; they
    scroll inside (the scroll keys are the scroll area's, not the panel's: the slice table has its own)."""

    BINDINGS = CALIBRATION_KEYS

    def __init__(self, session: Session, state: PerfState, jobs: Jobs, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.state = state
        self.jobs = jobs
        self.strategy: Strategy = "uniform"
        self.result: ModelsCalibration | None = None
        self._result_key: tuple[Any, ...] | None = None
        self._started: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="calib-scroll", can_focus=True):
            yield TextStatic("", id="calib-summary")
            yield PlotextPlot(id="calib-plot")
            yield TextStatic("", id="calib-slices")

    @property
    def names(self) -> list[str]:
        return self.session.model_names

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return self.can(action, parameters)

    def can(self, action: str, parameters: tuple = ()) -> bool:
        return decisions_of(self).truth is not None and self.session.task.kind != "regression"

    def why_not(self, action: str, parameters: tuple) -> str:
        if self.can(action, parameters):
            return ""
        key = key_of(CALIBRATION_KEYS, action, parameters)
        if decisions_of(self).truth is None:
            return f"{key}: {NO_TRUTH}"
        return f"{key}: {NOT_CLASSIFIER}"

    def action_calibration_bins(self) -> None:
        """``U``: the reliability diagram's bins equal-width or by quantile (the ECE keeps its equal-width bins)."""
        self.strategy = STRATEGIES[1 - STRATEGIES.index(self.strategy)]
        self.render_panel()

    # -- computing ---------------------------------------------------------------
    def _key(self) -> tuple[Any, ...] | None:
        """What the numbers depend on (None: nothing to compute)."""
        truth = decisions_of(self).truth
        if truth is None or self.session.task.kind == "regression":
            return None
        slices = self.state.slices
        return (id(truth), truth.key, decisions_of(self).ovr_class, self.strategy, id(slices.table), slices.key)

    def _start(self, key: tuple[Any, ...]) -> None:
        decisions = decisions_of(self)
        session, truth, slices = self.session, decisions.truth, self.state.slices
        codes, n = slices.codes(), slices.n_slices
        ovr, strategy = decisions.ovr_class, self.strategy

        def run(progress, cancelled) -> ModelsCalibration:
            return models_calibration(session, truth, codes, n, ovr_class=ovr, strategy=strategy)

        self._started = key
        self.jobs.run(GROUP, "Calibration…", run, reply_to=self)

    def on_job_done(self, done: JobDone) -> None:
        if done.group != GROUP:
            return
        done.stop()
        if self.jobs.is_current(done) and self._started is not None:
            self.result, self._result_key, self._started = done.result, self._started, None
            self.render_panel()

    def on_job_failed(self, failed: JobFailed) -> None:
        if failed.group == GROUP and self.jobs.is_current(failed):
            self._started = None  # the view's handler says why

    # -- drawing -------------------------------------------------------------------
    def render_panel(self) -> None:
        summary = self.query_one("#calib-summary", TextStatic)
        plot = self.query_one("#calib-plot", PlotextPlot)
        below = self.query_one("#calib-slices", TextStatic)
        key = self._key()
        if key is None:
            summary.update(Text(NO_TRUTH if decisions_of(self).truth is None else NOT_CLASSIFIER))
            plot.display = False
            below.update("")
            return
        if self.result is None or self._result_key != key:
            if self._started != key:
                self._start(key)
            summary.update(Text("Calibration: computing…", style="dim"))
            return
        plot.display = True
        r = self.result
        summary.update(self._summary(r))
        show_figure(plot, ReliabilityFigure.of_calibrations(r.names, r.overall, title=self._title(r)))
        below.update(self._slices(r))

    def _title(self, r: ModelsCalibration) -> str:
        what = ""
        if self.session.task.kind == "multiclass":
            what = f" of {self.session.task.classes[decisions_of(self).ovr_class]} vs rest (p: class)"
        return f"Reliability{what} · {r.n_bins} {r.strategy} bins (U) · diagonal = calibrated"

    def _summary(self, r: ModelsCalibration) -> Group:
        parts: list[Any] = [calibration_table(r.names, r.overall)]
        parts += [Text(line, style="yellow") for line in undefined_lines(r.names, r.overall)]
        parts.append(Text(method_note(r.strategy, r.n_bins), style="dim"))
        return Group(*parts)

    def _slices(self, r: ModelsCalibration) -> Any:
        slicing = self.state.slices.slicing
        if r.slices is None or slicing is None:
            return Text("Slice (b) to see the calibration of each slice.", style="dim")
        names = [slicing.name(k) for k in range(slicing.n_slices)]
        return slice_calibration_table(r.names, names, r.slices, title=f"By {self.state.slices.title}")


__all__ = ["GROUP", "CalibrationPanel"]
