"""The performance screen's status line: the task, the ground truth, the decisions made, the slicing, and a note."""

from __future__ import annotations

from rich.text import Text

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.metrics.thresholds import CONSTRAINED, STRATEGIES
from wit_tui.engine.session.session import Session
from wit_tui.render.format import thr
from wit_tui.tui.views.base import decisions_of
from wit_tui.tui.views.performance.common import ShownCache, SliceState, thresholds_text
from wit_tui.tui.widgets.text_static import TextStatic


def margins_note(session: Session, thresholds: tuple[float, ...] | None) -> str:
    """Which models' scores are margins, not probabilities, and (binary) at which threshold: two models of one
    session may score differently, so each is read on its own scale. "" when every model gives probabilities."""
    parts = []
    for m, (name, task) in enumerate(zip(session.model_names, session.tasks, strict=True)):
        if task.margins:
            at = "" if thresholds is None else f", threshold {thr(thresholds[m])}"
            parts.append(f"{name}: margins (decision_function){at}")
    return "".join(f" · {p}" for p in parts)


class StatusLine(TextStatic):
    """Two lines on what the numbers below are measured against (notes go to the view's fading note line)."""

    def __init__(self, session: Session, slices: SliceState, **kwargs) -> None:
        super().__init__("Scoring…", **kwargs)
        self.session = session
        self.slices = slices
        self.ready = False
        self._cache = ShownCache()

    def render_status(self) -> None:
        if not self.ready:
            return
        decisions = decisions_of(self)
        if decisions.truth is None:
            self._cache.show(self, Text(""))
            return
        head, line2 = self._lines(decisions)
        line2.append(f"{' · ' if line2.plain else ''}slices: {self.slices.name()}")
        if decisions.truth.flipped:
            line2.append(" · the datapoint editor keeps the session's positive class", style="dim")
        self._cache.show(self, Text("\n").join([head, line2]))

    def _lines(self, decisions: Decisions) -> tuple[Text, Text]:
        t = decisions.truth
        assert t is not None  # the status names the truth once it is prepared
        task = self.session.task
        if task.kind == "binary":
            head = Text.assemble(
                ("Binary", "bold"),
                f" · truth {t.label} · positive ",
                (str(t.positive), "bold"),
                f" · {t.n_labelled:,} labelled · cost FP:FN ",
                (f"{decisions.cost_ratio:g}", "bold"),
            )
            head.append(margins_note(self.session, decisions.thresholds))
            per_slice = decisions.slice_thresholds(self.slices.key) is not None
            shown = thresholds_text(self.session.model_names, decisions.thresholds, per_slice)
            line2 = Text.assemble("Thr ", (shown, "bold"), f" · {STRATEGIES[decisions.strategy]}")
            if decisions.strategy in CONSTRAINED:
                line2.append(f" (tolerance {decisions.tolerance:g})")
            return head, line2
        if task.kind == "multiclass":
            head = Text.assemble(
                ("Multi-class", "bold"),
                f" · truth {t.label} · {t.n_labelled:,} labelled · prediction = argmax · one-vs-rest class ",
                (str(task.classes[decisions.ovr_class]), "bold"),
            )
            head.append(margins_note(self.session, None))
            return head, Text("")
        head = Text.assemble(
            ("Regression", "bold"), f" · truth {t.label} · {t.n_labelled:,} labelled · residual = prediction − label"
        )
        return head, Text("")


__all__ = ["StatusLine"]
