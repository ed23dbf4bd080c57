"""The minimal-edits panel: the smallest one- and two-feature changes of THIS point that flip each model.

Its result depends on the point, the overlay, the thresholds (binary) and the
regression gap; any change recomputes it. Enter on a suggestion applies it.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wit_tui.engine.session.editing import show
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif import point as point_questions
from wit_tui.engine.whatif.minimal_edit import MinimalEdit, MinimalEdits
from wit_tui.render.format import fmt
from wit_tui.render.text import literal
from wit_tui.tui.jobs import JobFn, Jobs
from wit_tui.tui.views.datapoints.common import MODEL_COLORS, ApplyEdit, PointContext
from wit_tui.tui.views.datapoints.panels.base import PointPanel
from wit_tui.tui.widgets.text_static import TextStatic


class MinimalEditsPanel(PointPanel):
    ACTIONS = frozenset({"gap"})
    KEY = "m"
    GROUP = "dp.min"

    def __init__(self, session: Session, jobs: Jobs, **kwargs: Any) -> None:
        super().__init__(session, jobs, **kwargs)
        self.choices: list[tuple[int, MinimalEdit]] = []  # the suggestions listed: (model index, edit)

    def compose(self) -> ComposeResult:
        yield TextStatic(id="dp-min-head")
        yield OptionList(id="dp-min-list")

    def head(self) -> Static:
        return self.query_one("#dp-min-head", Static)

    @property
    def options(self) -> OptionList:
        return self.query_one("#dp-min-list", OptionList)

    def can(self, action: str, parameters: tuple[Any, ...]) -> bool:
        return action != "gap" or self.session.task.kind == "regression"

    def inputs(self, context: PointContext) -> tuple[Any, ...]:
        return (*super().inputs(context), context.gap_steps)

    def computing_text(self, context: PointContext) -> str:
        return "Searching one- and two-feature edits… (computing)"

    def show_state(self, text: Text) -> None:
        super().show_state(text)
        self.options.clear_options()
        self.choices = []

    def job(self, context: PointContext) -> tuple[str, JobFn] | None:
        s, i, thr, steps = self.session, context.point, context.thresholds, context.gap_steps

        def fn(progress, cancelled):
            return point_questions.every_minimal_edit(
                s, i, thr, gap_steps=steps, progress=progress, cancelled=cancelled
            )

        return "Minimal edits…", fn

    def draw(self, context: PointContext) -> None:
        results: list[MinimalEdits] = self.result
        head = Text()
        head.append(f"Smallest edits of #{context.point} that change the prediction\n", style="bold")
        head.append(
            "What the model would predict for edited copies of this point — not a causal claim.\n", style="italic"
        )
        head.append("enter applies the highlighted edit (R reverts)", style="dim")
        self.head().update(head)
        options: list[Option] = []
        self.choices = []
        for r in results:
            color = MODEL_COLORS[r.model_index]
            title = Text.assemble(
                (f"{r.model}", f"bold {color}"), (f" predicts {fmt(r.prediction)} · {r.n_scored:,} edits scored", "dim")
            )
            options.append(Option(literal(title), disabled=True))
            if not r.edits:
                none = Text("  no one- or two-feature edit on the grids flips it", style="dim")
                options.append(Option(none, disabled=True))
            for e in r.edits:
                options.append(Option(literal(self._line(e)), id=f"min-{len(self.choices)}"))
                self.choices.append((r.model_index, e))
        self.options.set_options(options)
        first = next((k for k, o in enumerate(options) if not o.disabled), None)
        if first is not None:
            self.options.highlighted = first

    def _line(self, e: MinimalEdit) -> Text:
        change = ", ".join(f"{c.feature} {show(c.old)} → {show(c.new)}" for c in e.changes)
        return Text.assemble(
            f" change {change}",
            (f" · size {e.cost:.3f}", "dim"),
            (f" → {fmt(e.prediction)}", "bold"),
            (f" ({e.score:.3f})" if self.session.task.kind != "regression" else "", "dim"),
        )

    @on(OptionList.OptionSelected, "#dp-min-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        oid = event.option.id or ""
        if oid.startswith("min-") and self.current:
            _m, e = self.choices[int(oid[4:])]
            self.post_message(ApplyEdit({c.feature: c.new for c in e.changes}, "Edit applied; R reverts the point."))


__all__ = ["MinimalEditsPanel"]
