"""The ICE / partial-dependence panel: each model's output as one feature of the point sweeps its grid.

The curves depend on the point, the overlay and the feature highlighted in the
inspector (scores, not labels: the thresholds only draw the lines, so a threshold
change redraws them); P adds the partial dependence (cached per feature), v ranks
the features by how much they move this point's prediction, j/k (↑/↓) pick the
previous or next feature of the inspector, and C the class a multi-class plot
follows (the views' one class choice, so it only redraws: the curves hold every class).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif import point as point_questions
from wit_tui.engine.whatif.dependence import Curves
from wit_tui.engine.whatif.point import PointCurves
from wit_tui.render.figures import DependenceFigure
from wit_tui.tui.jobs import JobFn, Jobs
from wit_tui.tui.views.datapoints.common import PointContext, Ranked
from wit_tui.tui.views.datapoints.panels.base import CLASS_KEY, MOVE_KEYS, PointPanel, panel_binding
from wit_tui.tui.widgets.plot import show_figure
from wit_tui.tui.widgets.text_static import TextStatic


class CurvesPanel(PointPanel):
    BINDINGS = [
        panel_binding("P", "toggle_pd", "Partial dependence", "pd", True),
        CLASS_KEY,
        *MOVE_KEYS,  # the previous / next feature
    ]
    ACTIONS = frozenset({"toggle_pd", "cycle_class"})
    KEY = "p"
    GROUP = "dp.curves"
    can_focus = True  # the plot does not scroll: the panel itself holds the focus and its keys

    def __init__(self, session: Session, jobs: Jobs, **kwargs: Any) -> None:
        super().__init__(session, jobs, **kwargs)
        self.with_pd = False
        self.ranked = False  # the features ordered by variation (v)
        self._posted_rank: tuple[tuple[str, float], ...] | None = None

    def compose(self) -> ComposeResult:
        yield TextStatic(id="dp-ice-head")
        yield PlotextPlot(id="dp-ice-plot")

    def head(self) -> Static:
        return self.query_one("#dp-ice-head", Static)

    @property
    def plot(self) -> PlotextPlot:
        return self.query_one("#dp-ice-plot", PlotextPlot)

    def focus_widget(self) -> Widget:
        return self

    def inputs(self, context: PointContext) -> tuple[Any, ...]:
        return (context.point, context.version, context.feature, self.with_pd, self.ranked)

    def computing_text(self, context: PointContext) -> str:
        if self.with_pd:
            return f"ICE and partial dependence of {context.feature} over a 1,000-row sample… (computing)"
        return f"ICE of {context.feature}… (computing)"

    def show_state(self, text: Text) -> None:
        super().show_state(text)
        self.plot.plt.clear_data()  # never the curves of other inputs under a "computing" line
        self.plot.refresh()

    def job(self, context: PointContext) -> tuple[str, JobFn] | None:
        if not context.feature:
            return None
        s, i, f, with_pd, ranked = self.session, context.point, context.feature, self.with_pd, self.ranked

        def fn(progress, cancelled):
            return point_questions.point_curves(
                s, i, f, with_pd=with_pd, ranked=ranked, progress=progress, cancelled=cancelled
            )

        return f"ICE of {f}…", fn

    # -- keys ---------------------------------------------------------------------------------------
    def action_toggle_pd(self) -> None:
        self.with_pd = not self.with_pd
        self.refresh_shown()

    def action_cursor_down(self) -> None:
        self.post_message(PointPanel.Key("feature", 1))

    def action_cursor_up(self) -> None:
        self.post_message(PointPanel.Key("feature", -1))

    def set_ranked(self, ranked: bool) -> None:
        self.ranked = ranked
        if not ranked:
            self._posted_rank = None

    # -- drawing ----------------------------------------------------------------------------------------
    def draw(self, context: PointContext) -> None:
        got: PointCurves = self.result
        if self.ranked and got.rank is not None and got.rank != self._posted_rank:
            self._posted_rank = got.rank
            self.post_message(Ranked(got.rank))
        s, task = self.session, self.session.task
        curves, pd_curves = got.ice, got.pd
        cls = self._plot_class(curves, context)
        score_label = "/".join(dict.fromkeys(t.score_label for t in s.tasks))  # models may score differently
        what = {"binary": f"{score_label} of {task.positive}", "regression": "prediction"}.get(
            task.kind, f"P({task.classes[cls]})" if cls is not None else ""
        )
        head = Text()
        if cls is not None:  # multi-class: the title says which class the curves follow
            head.append(f"ICE · {what} · {got.feature} of datapoint {context.point}", style="bold")
            chosen = "the class chosen" if context.target_class is not None else "the predicted class"
            head.append(f" · y = {what}, {chosen}", style="dim")
        else:
            head.append(f"ICE of {got.feature} for datapoint {context.point}", style="bold")
            head.append(f" · y = {what}", style="dim")
        if pd_curves is not None:
            head.append(f" · PD over {pd_curves.n_rows:,} rows", style="dim")
        if curves.grid.n_other:
            head.append(f" · top {len(curves.grid.values)} categories ({curves.grid.n_other} more)", style="dim")
        head.append(
            "\nj/k (↑/↓) the feature · P partial dependence · v order by variation"
            + (" · C next class" if task.kind == "multiclass" else ""),
            style="dim",
        )
        self.head().update(head)
        figure = DependenceFigure.of(
            curves, pd_curves, s.model_names, task, cls, list(context.thresholds), s.probabilities
        )
        show_figure(self.plot, figure)

    def _plot_class(self, curves: Curves, context: PointContext) -> int | None:
        """The class plotted: the one chosen (C), else the first model's predicted class for the point."""
        if self.session.task.kind != "multiclass":
            return None
        if context.target_class is None:
            return int(np.argmax(curves.current_scores[0]))
        return context.target_class


__all__ = ["CurvesPanel"]
