"""The minimal-edits panel: the smallest one- and two-feature changes of THIS point that flip each model.

Its result depends on the point, the overlay, the thresholds (binary) and the
regression gap; any change recomputes it. j/k (↑/↓) move between the suggestions,
g/G to the first and last, enter applies the highlighted one. A numeric value is
shown to the decimals its column uses (the edit applied keeps every digit).
"""

from __future__ import annotations

import numbers
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wit_tui.engine.session.editing import show
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif import point as point_questions
from wit_tui.engine.whatif.minimal_edit import MinimalEdit, MinimalEdits
from wit_tui.render.format import fmt
from wit_tui.render.precision import decimals_used, rounded
from wit_tui.render.text import literal
from wit_tui.tui.jobs import JobFn, Jobs
from wit_tui.tui.views.datapoints.common import MODEL_COLORS, ApplyEdit, PointContext
from wit_tui.tui.views.datapoints.panels.base import FIRST_LAST_KEYS, PointPanel, panel_binding
from wit_tui.tui.widgets.table_keys import ROW_KEYS
from wit_tui.tui.widgets.text_static import TextStatic


class EditList(OptionList, inherit_bindings=False):
    """The suggestions: the row keys of every table (j/k, g/G, page, home/end), enter applies the highlighted."""

    BINDINGS = [*ROW_KEYS, *FIRST_LAST_KEYS]

    def action_cursor_page_up(self) -> None:
        self.action_page_up()

    def action_cursor_page_down(self) -> None:
        self.action_page_down()

    def action_cursor_top(self) -> None:
        self.action_first()

    def action_cursor_bottom(self) -> None:
        self.action_last()

    def action_select_cursor(self) -> None:
        self.action_select()


class MinimalEditsPanel(PointPanel):
    BINDINGS = [
        panel_binding("right_curly_bracket", "gap(1)", "Regression gap +", "gap_up", True, "}"),
        panel_binding("left_curly_bracket", "gap(-1)", "Regression gap −", "gap_down", True, "{"),
    ]
    ACTIONS = frozenset({"gap"})
    KEY = "m"
    GROUP = "dp.min"

    def __init__(self, session: Session, jobs: Jobs, **kwargs: Any) -> None:
        super().__init__(session, jobs, **kwargs)
        self.choices: list[tuple[int, MinimalEdit]] = []  # the suggestions listed: (model index, edit)
        self._decimals: dict[str, int] = {}  # per numeric feature: the decimals its data uses (display only)

    def compose(self) -> ComposeResult:
        yield TextStatic(id="dp-min-head")
        yield EditList(id="dp-min-list")

    def focus_widget(self) -> Widget:
        return self.options

    def head(self) -> Static:
        return self.query_one("#dp-min-head", Static)

    @property
    def options(self) -> OptionList:
        return self.query_one("#dp-min-list", OptionList)

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
        head.append("j/k move · enter applies the highlighted edit (R reverts)", style="dim")
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

    def _value(self, feature: str, value: Any, unlike: Any = None) -> str:
        """A value to the decimals its column uses (integer columns as integers, at most 4 places)."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return show(value)
        if feature not in self._decimals:
            column = self.session.data[feature]
            sample = column.iloc[: min(2000, len(column))].dropna().tolist()
            self._decimals[feature] = decimals_used(sample)
        return rounded(value, self._decimals[feature], unlike=unlike)

    def _line(self, e: MinimalEdit) -> Text:
        change = ", ".join(
            f"{c.feature} {self._value(c.feature, c.old)} → {self._value(c.feature, c.new, c.old)}" for c in e.changes
        )
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
