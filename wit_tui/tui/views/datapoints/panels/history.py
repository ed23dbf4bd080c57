"""The run-history panel: every run of the point (each edit re-infers it with every model), newest last.

Drawn on the UI thread from the session's history, labelled at the current thresholds: it is redrawn whenever
the point, the overlay or the thresholds change, so it is always current.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from wit_tui.render.format import fmt
from wit_tui.tui.views.datapoints.common import MODEL_COLORS, PointContext, label_of_run
from wit_tui.tui.views.datapoints.panels.base import PanelScroll, PointPanel
from wit_tui.tui.widgets.text_static import TextStatic


class HistoryPanel(PointPanel):
    KEY = "H"
    GROUP = "dp.hist"  # no job: drawn at once

    def compose(self) -> ComposeResult:
        with PanelScroll(classes="panel-scroll", can_focus=True):
            yield TextStatic(id="dp-hist-text")

    def head(self) -> Static:
        return self.query_one("#dp-hist-text", Static)

    def show_for(self, context: PointContext, *, force: bool = False) -> None:
        self.context = context
        self.draw(context)

    def draw(self, context: PointContext) -> None:
        s, i = self.session, context.point
        runs = s.history(i)
        head = Text()
        head.append(f"Runs of datapoint {i}", style="bold")
        if not runs:
            head.append(
                "\nNo runs yet: edit a feature (e) and every model re-infers the point; each edit is a run.",
                style="dim",
            )
            self.head().update(head)
            return
        head.append(" · newest last · Δ against the previous run\n", style="dim")
        width = max(len(m.name) for m in s.models)
        prev = None
        for run in runs:
            newest = run is runs[-1]
            head.append(f"{run.number:>2} ", style="bold")
            head.append(f"{run.change}\n", style="bold" if newest else "")
            for m, model in enumerate(s.models):
                score = run.scores[m]
                head.append(f"   {model.name:<{width}} ", style=MODEL_COLORS[m])
                if s.task.kind == "regression":
                    head.append(f"{fmt(score)}")
                else:
                    label = label_of_run(s, m, score, run.probas[m], context.thresholds[m])
                    head.append(f"{fmt(label)} {score:.3f}")
                if prev is not None:
                    d = score - prev.scores[m]
                    arrow = "▲" if d > 0 else ("▼" if d < 0 else "·")
                    head.append(f" {arrow}{d:+.6f}", style="green" if d > 0 else ("red" if d < 0 else "dim"))
                head.append("\n")
            prev = run
        self.head().update(head)


__all__ = ["HistoryPanel"]
