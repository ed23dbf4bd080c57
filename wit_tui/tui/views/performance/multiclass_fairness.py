"""The fairness summary of a multi-class task: the class ``p`` picked against the rest, by slice, and the largest
gap over every class.

Every class's one-vs-rest numbers (DeLong per group and class, the gap bootstraps) are one engine call per model
in a worker, once per slice table; ``p`` then only redraws.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from wit_tui.engine.analysis.ground_truth import GroundTruth
from wit_tui.engine.analysis.multiclass_groups import session_multiclass_fairness
from wit_tui.engine.analysis.slice_table import SliceMetricsTable
from wit_tui.engine.metrics.multiclass_fairness import MulticlassFairness
from wit_tui.engine.metrics.slice_intervals import DEFAULT_INTERVALS
from wit_tui.engine.session.session import Session
from wit_tui.render.multiclass_fairness import class_fairness_tables
from wit_tui.tui.jobs import JobDone, JobFailed
from wit_tui.tui.views.base import SessionView
from wit_tui.tui.widgets.text_static import TextStatic

GROUP = "perf.multiclass_fairness"


class MulticlassFairnessBox(TextStatic):
    """Under the slice table of a multi-class task (hidden otherwise): one class against the rest by group."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.display = False
        self._table: SliceMetricsTable | None = None  # the slice table the results (or the job) are for
        self._fairness: list[MulticlassFairness] | None = None
        self._cls = ""
        self._error = ""

    @property
    def view(self) -> SessionView:
        return next(a for a in self.ancestors if isinstance(a, SessionView))

    @property
    def fairness(self) -> list[MulticlassFairness] | None:
        """Each model's one-vs-rest fairness of the slices shown (None while it is computed)."""
        return self._fairness

    def hide(self) -> None:
        self.display = False

    def show(self, session: Session, truth: GroundTruth, table: SliceMetricsTable | None, cls: str) -> None:
        """Draw class ``cls`` for the slices of ``table``; a new table starts the job first (none: hidden)."""
        if table is None:
            self.hide()
            return
        self.display = True
        self._cls = cls
        if table is not self._table:
            self._table, self._fairness, self._error = table, None, ""
            self._start(session, truth, table)
        self._draw()

    def _start(self, session: Session, truth: GroundTruth, table: SliceMetricsTable) -> None:
        slicing = table.slicing
        chosen = self.view.options.intervals
        options = DEFAULT_INTERVALS if chosen is None else chosen
        n_models = len(session.models)

        def run(_progress, _cancelled) -> list[MulticlassFairness]:
            return [
                session_multiclass_fairness(session, i, slicing, truth=truth, options=options) for i in range(n_models)
            ]

        self.view.jobs.run(GROUP, "Multi-class fairness: every class against the rest…", run, reply_to=self)

    def _draw(self) -> None:
        head = Text.assemble(
            ("Fairness summary", "bold"),
            f" — class {self._cls} against the rest (p picks the class): Fairlearn's MetricFrame on "
            f"y == {self._cls} and prediction == {self._cls}; groups = the slices.",
        )
        if self._error:
            self.update(Group(head, Text.assemble(("Cannot compute: ", "bold red"), self._error)))
            return
        if self._fairness is None:
            self.update(Group(head, Text("Computing every class against the rest…", style="dim")))
            return
        chosen = self.view.options.intervals
        o = DEFAULT_INTERVALS if chosen is None else chosen
        names = self.view.session.model_names
        width = self.size.width or self.app.size.width
        tables = class_fairness_tables(names, self._fairness, self._cls, o.level, o.resamples, o.seed, width)
        self.update(Group(head, tables))

    def on_job_done(self, done: JobDone) -> None:
        if done.group != GROUP:
            return
        done.stop()
        if self.view.jobs.is_current(done):
            self._fairness = done.result
            self._draw()

    def on_job_failed(self, failed: JobFailed) -> None:
        if failed.group == GROUP and self.view.jobs.is_current(failed):
            self._error = failed.text
            self._draw()


__all__ = ["GROUP", "MulticlassFairnessBox"]
