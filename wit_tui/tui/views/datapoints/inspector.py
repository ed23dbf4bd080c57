"""The selected point, always on the right: its inference by every model, its editable features, one note line.

The inference block labels the point at the editor's thresholds and shows how far
each model's score moved since its first run (multi-class: every class's probability
for every model, the predicted class marked ▸); the feature table lists the
features (in data order, or ranked by ICE variation with a ``var`` column), marks
edited values ``*`` and values outside the data's range ``⚠``. The edits are in
:mod:`.edits`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from wit_tui.engine.session.editing import feature_spec, range_note
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif import point as point_questions
from wit_tui.render.format import fmt
from wit_tui.tui.views.datapoints.common import MODEL_COLORS, compact, label_of_run, labels_of, short
from wit_tui.tui.views.datapoints.panels.base import FIRST_LAST_KEYS
from wit_tui.tui.widgets.table_keys import ROW_KEYS
from wit_tui.tui.widgets.text_static import TextStatic
from wit_tui.tui.widgets.text_table import TextTable


class FeatureTable(TextTable, inherit_bindings=False):
    """The selected point's features: the row keys of every table (the same keys and ids), g/G included."""

    BINDINGS = [*ROW_KEYS, *FIRST_LAST_KEYS]

    def action_cursor_page_up(self) -> None:
        self.action_page_up()

    def action_cursor_page_down(self) -> None:
        self.action_page_down()

    def action_cursor_top(self) -> None:
        self.move_cursor(row=0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(row=max(0, self.row_count - 1))


def title_of(s: Session, i: int, width: int | None = None) -> tuple[str, str]:
    """The point's title and state ("Datapoint 16281", " · copy of #14"): the words shorten to fit ``width``
    ("#16281 · copy of #14"), the numbers never."""
    state = f" · {point_questions.origin(s, i)}" if s.is_added(i) else (" · edited" if s.is_edited(i) else "")
    title = f"Datapoint {i}"
    if width is not None and len(title + state) > width:
        title = f"#{i}"
    return title, state


def class_table(s: Session, scores: Sequence[Any], labels: Sequence[Any]) -> Text:
    """Multi-class: every class's probability (rows) for every model (columns); ▸ marks each model's predicted
    class. Class names shorten to fit; the probabilities never."""
    classes = s.task.classes
    probabilities = all(t.probabilities for t in s.tasks)
    name_w = min(max(len(str(c)) for c in classes), 12)
    cells = [[f"{p:.3f}" if probabilities else f"{p:.2f}" for p in sc.class_scores[0]] for sc in scores]
    col_w = max([6] + [len(v) + 1 for col in cells for v in col])
    out = Text()
    out.append(f"{'P(class)' if probabilities else 'score':<{name_w}}", style="dim")
    for m, model in enumerate(s.models):
        out.append(f" {short(model.name, col_w):>{col_w}}", style=f"bold {MODEL_COLORS[m]}")
    for k, c in enumerate(classes):
        out.append(f"\n{short(str(c), name_w):<{name_w}}")
        for m in range(len(s.models)):
            mine = labels[m] == c
            value = ("▸" if mine else "") + cells[m][k]
            out.append(f" {value:>{col_w}}", style=f"bold {MODEL_COLORS[m]}" if mine else "")
    return out


def inference_text(s: Session, i: int, thresholds: Sequence[float], width: int | None = None) -> Text:
    """Datapoint ``i``: its state, truth, and each model's prediction and score (Δ since the first run); every
    class's probability for a multi-class task."""
    task = s.task
    lines = Text()
    title, state = title_of(s, i, width)
    lines.append(title, style="bold")
    lines.append(state + "\n", style="yellow")
    truth = s.truth(i)
    if s.has_label:
        lines.append(f"{s.label}: ", style="dim")
        lines.append(f"{fmt(truth)}\n")
    scores = s.point_scores(i)
    labels = labels_of(s, scores, thresholds)
    runs = s.history(i)
    first = runs[0] if len(runs) > 1 else None
    for m, model in enumerate(s.models):
        pred, score = labels[m], float(scores[m].score[0])
        lines.append(f"{model.name}: ", style=f"bold {MODEL_COLORS[m]}")
        lines.append(fmt(pred))
        if s.has_label and task.is_classification and truth is not None:
            ok = pred == truth
            lines.append(" ✓" if ok else " ✗", style="green" if ok else "red")
        if task.kind == "binary":
            lines.append(f"  thr {thresholds[m]:.2f}", style="dim")
        if task.kind != "multiclass":  # multi-class: the class table below has every probability
            lines.append(f"\n  {s.tasks[m].score_label} {score:.4f}")
        if first is not None:
            delta = score - first.scores[m]
            lines.append(f" Δ{delta:+.4f}", style="green" if delta > 0 else ("red" if delta < 0 else "dim"))
            if task.kind != "regression":
                was = label_of_run(s, m, first.scores[m], first.probas[m], thresholds[m])
                if was != pred:  # the edits changed the predicted class: say what it was, on its own line
                    lines.append(f"\n  was {fmt(was)} ({first.scores[m]:.4f})", style="yellow")
        lines.append("\n")
    if task.kind == "multiclass":
        lines.append_text(class_table(s, scores, labels))
        lines.append("\n")
    return lines


class Inspector(Vertical):
    """The right pane: inference, features, note."""

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.order: list[str] = list(session.features)  # the features in the order listed
        self.rank: tuple[tuple[str, float], ...] | None = None  # by ICE variation (v), when ranked
        self._inference_lines = -1
        self._note_key: tuple[str, bool] | None = None
        self._value_w: int | None = None

    def compose(self) -> ComposeResult:
        yield TextStatic("", id="dp-inference")
        yield FeatureTable(id="dp-features", cursor_type="row", zebra_stripes=True)
        yield TextStatic("", id="dp-note")

    @property
    def table(self) -> FeatureTable:
        return self.query_one("#dp-features", FeatureTable)

    # -- drawing ----------------------------------------------------------------------------------------
    def show_point(self, i: int, thresholds: Sequence[float]) -> None:
        block = self.query_one("#dp-inference", Static)
        width = block.content_size.width or None
        lines = inference_text(self.session, i, thresholds, width)
        # the lines on screen, wrapped: a longer title that wraps needs the height, or its end is cut off
        n_lines = len(lines.wrap(self.app.console, width)) if width else lines.plain.count("\n")
        block.update(lines, layout=n_lines != self._inference_lines)
        self._inference_lines = n_lines
        self._fill_values(i)

    def fill(self) -> None:
        """(Re)build the feature table's rows. The pane is narrow (34 columns at 80x24): long names are
        shortened and the variation column comes before the value, so neither is pushed out of sight."""
        table = self.table
        table.clear(columns=True)
        ranked = self.rank is not None
        name_w = min(max([len(f) for f in self.session.features] + [7]), 12 if ranked else 16)
        table.add_column("feature", key="feature", width=name_w)
        if ranked:
            table.add_column("var", key="var", width=5)
        table.add_column("value", key="value", width=self._value_width())
        for f in self.order:
            cells: list[Any] = [short(f, name_w)] + ([""] if ranked else []) + [""]
            table.add_row(*cells, key=f)

    def _value_width(self) -> int:
        """Wide enough for the data's values (categories, a sample of numbers) plus the edit marker, capped."""
        if self._value_w is None:
            s = self.session
            sample = s.data.iloc[: min(500, s.n_rows)]
            longest = 6
            for f in s.features:
                col = sample[f]
                if hasattr(col, "cat"):
                    longest = max([longest] + [len(str(c)) for c in col.cat.categories])
                else:
                    longest = max([longest] + [len(fmt(v)) for v in col.tolist()])
            self._value_w = min(26, longest + 2)
        return self._value_w

    def _fill_values(self, i: int) -> None:
        s = self.session
        values = s.row(i)
        edited = s.edited_values(i)
        table = self.table
        var = dict(self.rank or ())
        for f in self.order:
            text = Text(fmt(values[f]), style="bold yellow" if f in edited else "")
            if f in edited:
                text.append(" *", style="yellow")
            if range_note(feature_spec(s, f), values[f]):
                text.append(" ⚠", style="bold magenta")  # accepted, but the model never saw such a value
            table.update_cell(f, "value", text)
            if self.rank is not None:
                table.update_cell(f, "var", compact(var.get(f, 0.0)))

    def set_rank(self, rank: tuple[tuple[str, float], ...] | None, i: int) -> None:
        """Order the features by ``rank`` (None: data order), keeping the cursor on its feature."""
        current = self.current_feature()
        self.rank = rank
        order = [f for f, _ in rank] if rank is not None else list(self.session.features)
        if order != self.order or len(self.table.columns) != (3 if rank is not None else 2):
            self.order = order
            self.fill()
            self.table.move_cursor(row=order.index(current) if current in order else 0)
        self._fill_values(i)

    def current_feature(self) -> str:
        if not self.order:
            return ""
        return self.order[max(0, min(self.table.cursor_row, len(self.order) - 1))]

    def note(self, text: str | Text = "", error: bool = False) -> None:
        key = (str(text), error)
        if key == self._note_key:
            return
        self._note_key = key
        note = self.query_one("#dp-note", Static)
        note.update(text)
        note.set_class(error, "error")

    @property
    def note_text(self) -> str:
        return "" if self._note_key is None else self._note_key[0]


__all__ = ["FeatureTable", "Inspector", "class_table", "inference_text", "title_of"]
