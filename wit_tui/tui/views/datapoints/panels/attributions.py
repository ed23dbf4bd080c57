"""The local-attributions panel: a LIME-style weighted ridge surrogate of each model around the point.

The surrogate explains scores, not labels: its result depends on the point, the
overlay and, multi-class, the class whose probability it explains (C; default each
model's predicted class), not on the thresholds (a threshold change leaves it current).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from wit_tui.engine.whatif import point as point_questions
from wit_tui.engine.whatif.attribution import Attribution
from wit_tui.tui.jobs import JobFn
from wit_tui.tui.views.datapoints.common import MODEL_COLORS, PointContext
from wit_tui.tui.views.datapoints.panels.base import CLASS_KEY, PanelScroll, PointPanel
from wit_tui.tui.widgets.text_static import TextStatic


class AttributionsPanel(PointPanel):
    BINDINGS = [CLASS_KEY]
    ACTIONS = frozenset({"cycle_class"})
    KEY = "a"
    GROUP = "dp.attr"

    def compose(self) -> ComposeResult:
        with PanelScroll(classes="panel-scroll", can_focus=True):
            yield TextStatic(id="dp-attr-text")

    def head(self) -> Static:
        return self.query_one("#dp-attr-text", Static)

    def inputs(self, context: PointContext) -> tuple[Any, ...]:
        return (context.point, context.version, context.target_class)  # scores, not labels: no thresholds

    def computing_text(self, context: PointContext) -> str:
        return "Fitting local surrogates… (computing)"

    def job(self, context: PointContext) -> tuple[str, JobFn] | None:
        s, i, k = self.session, context.point, context.target_class
        return "Local attributions…", lambda progress, cancelled: point_questions.attributions(
            s, i, target_class=k, progress=progress, cancelled=cancelled
        )

    def draw(self, context: PointContext) -> None:
        results: list[Attribution] = self.result
        head = Text()
        head.append(f"Local attributions of #{context.point}", style="bold")
        if self.session.task.kind == "multiclass":
            targets = sorted({a.target for a in results})
            chosen = " (the class chosen)" if context.target_class is not None else " (predicted)"
            head.append(f" · {targets[0]}{chosen}" if len(targets) == 1 else " · each model's predicted class", "bold")
        head.append(" · LIME-style local surrogate\n", style="dim")
        for a in results:
            head.append(f"{a.model} ", style=f"bold {MODEL_COLORS[a.model_index]}")
            head.append(f"{a.prediction:.4f}  ")
            r2_style = "green" if a.fidelity_r2 >= 0.8 else ("yellow" if a.fidelity_r2 >= 0.5 else "red")
            head.append(f"fidelity R² {a.fidelity_r2:.3f}\n", style=r2_style)
        a0 = results[0]
        foot = Text(
            f"\nOutput: {a0.target}. + pushes it up, − down, when the feature has this point's value instead "
            f"of a typical one. Weighted ridge on {a0.n_samples} perturbations (seed {a0.seed}); a low "
            "fidelity R² means the model is not additive around the point."
            + (" C explains another class." if self.session.task.kind == "multiclass" else ""),
            style="dim",
        )
        self.head().update(Group(head, self._table(results), foot))

    def _table(self, results: list[Attribution]) -> Table:
        features = list(results[0].features)
        scale = max([float(np.max(np.abs(a.weights))) for a in results] + [1e-12])
        order = np.argsort(-np.max(np.abs(np.vstack([a.weights for a in results])), axis=0), kind="stable")
        table = Table(box=None, padding=(0, 1), header_style="bold")
        table.add_column("feature", no_wrap=True, max_width=16)
        bar_w = max(3, min(16, ((self.size.width or 60) - 22) // len(results) - 9))
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
        return table


__all__ = ["AttributionsPanel"]
