"""The slices panel: per-slice metrics and thresholds of each model, and Fairlearn's MetricFrame summary."""

from __future__ import annotations

from typing import Literal

import numpy as np
from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.worst_slices import SMALL_SLICE
from wit_tui.engine.metrics.fairness import fairness_summary
from wit_tui.engine.session.session import Session
from wit_tui.render.intervals import level_text
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.jobs import JobDone, JobFailed
from wit_tui.tui.views.base import decisions_of
from wit_tui.tui.views.performance.common import (
    PerfState,
    ShownCache,
    current_column,
    fit_columns,
    name_room,
    strategy_block,
)
from wit_tui.tui.views.performance.decisions import DecisionEditor
from wit_tui.tui.views.performance.keys import NO_TRUTH, SLICE_KEYS, key_of
from wit_tui.tui.views.performance.multiclass_fairness import MulticlassFairnessBox
from wit_tui.tui.views.performance.slice_detail import slice_detail_screen
from wit_tui.tui.views.performance.slice_intervals import SliceIntervals, fairness_parts
from wit_tui.tui.views.performance.slice_rows import (
    binary_values,
    slice_counts,
    slice_notes,
    sort_options,
    sorted_slices,
    static_values,
    table_columns,
    table_rows,
)
from wit_tui.tui.views.performance.slicer import Slicer
from wit_tui.tui.widgets.text_static import TextStatic
from wit_tui.tui.widgets.wide_table import WideTable

PINNED = 2  # the slice's name and its count never scroll away
ModelColumns = Literal[-1, 0, 1]  # -1: every model (and Δ), else that model only
NO_SLICES = (
    "No slices yet: press [b]b[/b] to slice by a feature ([b]x[/b] crosses it with a second; numeric features in "
    "quantile buckets, [b]n[/b] sets the count, [b]u[/b] equal width)."
)


class SlicesPanel(Vertical):
    """The slice table (drawn from the decisions each time: never stale) and the fairness summary under it."""

    BINDINGS = SLICE_KEYS
    SLICER_ACTIONS = Slicer.ACTIONS

    def __init__(self, session: Session, state: PerfState, editor: DecisionEditor, slicer: Slicer, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.state = state
        self.editor = editor
        self.slicer = slicer
        self.sort_key = "slice"
        self.sort_reverse = False
        self.model_view: ModelColumns = -1
        self._order: list[int] = []
        self._columns: list[tuple[str, str]] = []
        self._cells: list[tuple] = []  # what the table shows, per row: each cell's text and style
        self._cache = ShownCache()
        self.intervals = SliceIntervals()

    def compose(self) -> ComposeResult:
        yield TextStatic("", id="slices-note")
        yield WideTable(id="slices-table", cursor_type="row", zebra_stripes=True, pinned=PINNED)
        with VerticalScroll(id="fair-scroll", can_focus=True):
            yield TextStatic("", id="fair-summary")
            yield MulticlassFairnessBox(id="multiclass-fairness")

    @property
    def kind(self) -> str:
        return self.session.task.kind

    @property
    def slice_order(self) -> tuple[int, ...]:
        """The slice codes in the order the table lists them."""
        return tuple(self._order)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return self.can(action, parameters)

    def can(self, action: str, parameters: tuple = ()) -> bool:
        """The panel's keys work while it shows slices (a slice's threshold: a binary task)."""
        if action in self.SLICER_ACTIONS:
            return self.slicer.can(action, parameters)
        slices = self.state.slices
        if slices.table is None or not self._order:
            return False
        if action in ("edit_slice_threshold", "slice_step", "slice_detail"):
            return self.kind == "binary" and slices.sidx is not None and decisions_of(self).truth is not None
        if action == "model_columns":
            return len(self.session.models) == 2
        if action == "sort_column":
            return self._sort_key_of(current_column(self.table)) is not None
        return True

    def why_not(self, action: str, parameters: tuple) -> str:
        """Why the slice table's key ``action`` does nothing now, in words ("" when it applies)."""
        if self.can(action, parameters):
            return ""
        key = key_of(SLICE_KEYS, action, parameters)
        slices = self.state.slices
        if decisions_of(self).truth is None:
            return f"{key}: {NO_TRUTH}"
        if not slices.active:
            return f"{key}: no slices yet: press b to slice by a feature."
        if slices.table is None:
            return f"{key}: the slices are still being built."
        if action == "slice_detail":
            return f"{key}: a slice's curves and confusion matrix are for binary tasks; this one is {self.kind}."
        if action in ("edit_slice_threshold", "slice_step"):
            return f"{key}: per-slice thresholds are for binary tasks; this one is {self.kind}."
        if action == "model_columns":
            return f"{key}: one model is loaded; the table shows it."
        if action == "sort_column":
            return f"{key}: move the column cursor (←/→) onto a column to sort by."
        return ""

    @property
    def table(self) -> WideTable:
        return self.query_one("#slices-table", WideTable)

    def highlighted_slice(self) -> int | None:
        table = self.query_one("#slices-table", DataTable)
        if not self._order or table.row_count == 0:
            return None
        return self._order[min(max(table.cursor_row, 0), len(self._order) - 1)]

    def focus_slice(self, key: tuple) -> None:
        """Put the cursor on the slice named ``key`` (coming from a worst slice)."""
        slicing = self.state.slices.slicing
        if slicing is not None and key in slicing.keys and slicing.keys.index(key) in self._order:
            row = self._order.index(slicing.keys.index(key))
            self.query_one("#slices-table", DataTable).move_cursor(row=row)

    # -- the highlighted slice's threshold (written by the editor) -----------------
    def action_edit_slice_threshold(self) -> None:
        self.editor.edit_slice_threshold(self.highlighted_slice())

    def action_slice_step(self, steps: int) -> None:
        self.editor.slice_step(self.highlighted_slice(), steps)

    def action_slice_detail(self) -> None:
        """``D``: the highlighted slice's curves, confusion matrices and reliability diagram (every model)."""
        k = self.highlighted_slice()
        if k is not None:
            self.app.push_screen(slice_detail_screen(self.session, self.state, decisions_of(self), k))

    @on(DataTable.RowSelected, "#slices-table")
    def _selected(self, _event: DataTable.RowSelected) -> None:
        self.action_edit_slice_threshold()

    # -- the slicing keys (the slicer serves them) -----------------------------------
    def action_slice_feature(self, which: int) -> None:
        self.slicer.action_slice_feature(which)

    def action_buckets(self) -> None:
        self.slicer.action_buckets()

    def action_equal_width(self) -> None:
        self.slicer.action_equal_width()

    # -- sorting -----------------------------------------------------------------
    @staticmethod
    def _sort_key_of(column: str | None) -> str | None:
        """The sort of a column of the table: its values (the slice column: by name)."""
        if column is None:
            return None
        return {"slice": "name", "base": "base_rate"}.get(column, column)

    def action_sort_column(self, descending: bool) -> None:
        """``s`` / ``S``: by the current column, ascending / descending (missing values last)."""
        key = self._sort_key_of(current_column(self.table))
        if key is not None:
            self.sort_key, self.sort_reverse = key, descending
            self.render_panel()

    def action_sort(self) -> None:
        options = sort_options(self.kind, self.session.model_names)

        def chose(key: str | None) -> None:
            if key is not None:
                self.sort_key = key
                self.render_panel()

        marked = [(k, ("● " if k == self.sort_key else "  ") + t) for k, t in options]
        note = "s / S sort by the table's current column; missing values sort last."
        self.app.push_screen(PickScreen("Sort the slices by", marked, note=note), chose)

    def action_model_columns(self) -> None:
        """Cycle the columns: both models with Δ, the first model only, the second only."""
        self.model_view = {-1: 0, 0: 1, 1: -1}[self.model_view]  # type: ignore[assignment]
        self.render_panel()

    # -- intervals -----------------------------------------------------------------
    def toggle_intervals(self) -> None:
        """``I``: each metric column's interval beside it, or not."""
        self.intervals.on = not self.intervals.on
        self.render_panel()

    def on_job_done(self, done: JobDone) -> None:
        if self.intervals.done(done):
            done.stop()
            self.render_panel()

    def on_job_failed(self, failed: JobFailed) -> None:
        if self.intervals.done(failed):
            self.render_panel()  # the view's handler says why; the cells read –

    # -- drawing -----------------------------------------------------------------
    def render_panel(self) -> None:
        note = self.query_one("#slices-note", Static)
        table = self.query_one("#slices-table", WideTable)
        fair = self.query_one("#fair-summary", Static)
        decisions = decisions_of(self)
        slices = self.state.slices
        waiting = None
        if decisions.truth is None:
            waiting = Text("No ground truth: press g to pick the label column.")
        elif not slices.active:
            waiting = Text.from_markup(NO_SLICES)
        elif slices.table is None or (self.kind == "binary" and slices.sidx is None):
            waiting = Text(f"Slicing by {slices.title}…")
        if waiting is not None:
            note.update(waiting)
            self._clear(table)
            fair.update("")
            self.query_one(MulticlassFairnessBox).hide()
            return
        names = self.session.model_names
        if self.kind == "binary":
            values, n, base = binary_values(decisions, slices, len(names))
        else:
            values, n, base = static_values(self.kind, slices, len(names))  # type: ignore[assignment]
        self._order = sorted_slices(slices, self.sort_key, self.sort_reverse, values, n, base)
        shown: list[int] = list(range(len(names))) if self.model_view < 0 else [int(self.model_view)]
        on = self.intervals.on
        ci = self.intervals.cells(self, self.session, decisions, slices) if on else None
        header = f"{level_text(self.intervals.level(self))} CI" if on else None
        columns = table_columns(self.kind, slices, names, shown, base is not None, header)
        rows = table_rows(self.kind, slices, self._order, shown, values, n, base, name_room(self), ci)
        self._fill(table, columns, rows)
        self._cache.show(note, self._note(n))
        below = self._fairness(decisions) if self.kind == "binary" else self._static_note(decisions)
        # right under the table: why each – in it is there (the fairness summary's own – have their notes)
        notes = [Text(line, style="dim") for line in slice_notes(self.kind, decisions, slices, names)]
        if on:  # the methods, named once
            notes.insert(0, Text(self.intervals.note(self, self.kind) + " (I hides them)", style="dim"))
        self._cache.show(fair, Group(*notes, below) if notes else below)
        if self.kind == "multiclass" and decisions.truth is not None:  # one class against the rest, by slice
            cls = str(self.session.task.classes[decisions.ovr_class])
            self.query_one(MulticlassFairnessBox).show(self.session, decisions.truth, slices.table, cls)

    def _note(self, n: np.ndarray) -> Text:
        slices, names = self.state.slices, self.session.model_names
        slicing = slices.slicing
        assert slicing is not None  # the note describes slices that exist
        sort_label = dict(sort_options(self.kind, names)).get(self.sort_key, self.sort_key)
        text = Text.assemble((f"{slices.n_slices} slices", "bold"), f" of {slices.title}")
        kinds = {"edges": "typed", "equal_width": "equal-width"}  # the buckets' kind, as the note names it
        for f, e in (slicing.edges or {}).items():
            how = kinds.get(slicing.kinds.get(f, ""), "quantile")
            text.append(f" · {f}: {len(e) - 1} {how} buckets, edges " + ", ".join(f"{v:.4g}" for v in e))
        order = ("Z→A" if self.sort_key == "name" else "descending") if self.sort_reverse else ""
        text.append(f" · sorted by {sort_label}{f' ({order})' if order else ''}")
        small = int(np.count_nonzero(n < SMALL_SLICE))
        if small:
            text.append(f" · * {small} slice(s) under {SMALL_SLICE} rows: unreliable", style="yellow")
        if len(names) == 2 and self.model_view >= 0:  # the keys are in the footer, a model left out is said here
            text.append(f" · {names[int(self.model_view)]} only (i switches)", style="dim")
        return text

    def _static_note(self, decisions: Decisions) -> Text:
        if self.kind == "multiclass":
            cls = self.session.task.classes[decisions.ovr_class]
            return Text(
                f"acc, mF1, wF1: accuracy, macro and weighted F1 (over the classes present in the slice, as "
                f"sklearn). base(c), pos, prec, rec, F1, AUC: class {cls} against the rest (p picks the class).",
                style="dim",
            )
        return Text(
            "MAE, RMSE, R² as sklearn.metrics; bias = mean of prediction − label; mean y = mean label.", style="dim"
        )

    def _fairness(self, decisions: Decisions) -> Group:
        slices, names = self.state.slices, self.session.model_names
        slicing = slices.slicing
        assert slicing is not None  # drawn only under the slice table
        groups = [slicing.name(k) for k in range(slices.n_slices)]
        summaries = [fairness_summary(slice_counts(decisions, slices, i), groups) for i in range(len(names))]
        head = Text.assemble(
            ("Fairness summary", "bold"),
            " — Fairlearn's MetricFrame for the decisions made "
            "(each slice at its threshold); groups = the slices, whose own rates are the slice "
            "table's pos, rec, FPR, FNR, acc and prec.",
        )
        parts: list = [head, *strategy_block(names, decisions, self.state.strategy_run)]
        parts += [Text(""), *fairness_parts(self, names, decisions, slices, summaries, name_room(self))]
        return Group(*parts)

    def _clear(self, table: DataTable) -> None:
        table.clear(columns=True)
        self._columns = []
        self._cells = []

    def _fill(self, table: WideTable, columns: list[tuple[str, str]], rows: list[list[Text]]) -> None:
        """Show ``rows`` under ``columns``, keeping the cursor row and the scroll position. With the same columns
        and as many rows (a threshold move, a sort, a strategy) only the cells whose text changed are set, in
        place: the table then redraws just those (a rebuild re-renders and re-measures every cell)."""
        shape = [tuple(_cell_key(c) for c in cells) for cells in rows]
        if columns == self._columns and len(rows) == len(self._cells) == table.row_count:
            changes = [
                (f"r{r}", columns[c][1], cell)
                for r, (cells, new, old) in enumerate(zip(rows, shape, self._cells, strict=True))
                if new != old
                for c, cell in enumerate(cells)
                if new[c] != old[c]
            ]
            if changes:
                table.update_cells(changes)
            self._cells = shape
            return
        cursor, scroll_x, scroll_y = table.cursor_row, table.scroll_x, table.scroll_y
        if columns != self._columns:  # a threshold move keeps the columns (and the scroll position)
            table.clear(columns=True)
            for label, key in columns:
                table.add_column(label, key=key)
            self._columns = columns
        else:
            table.clear()
        for r, cells in enumerate(rows):
            table.add_row(*cells, key=f"r{r}")
        fit_columns(table)
        self._cells = shape
        if table.row_count:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1), animate=False, scroll=False)
        table.scroll_to(x=scroll_x, y=scroll_y, animate=False, immediate=True)


def _cell_key(cell: Text) -> tuple:
    return cell.plain, cell.style, cell.justify, tuple(cell.spans)


__all__ = ["SlicesPanel"]
