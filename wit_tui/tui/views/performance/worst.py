"""The worst-slices panel: every slice ranked by how much worse a model does there than on the rest.

A ranking is computed at the decisions of the moment (the thresholds, per slice
too); it keeps the inputs it was computed from, and once they differ from the
current ones the panel says so in words (``computed at thresholds …; press w to
recompute``) instead of showing old numbers as current.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.slice_outcomes import TASK_WORST_METRICS, WORST_METRICS
from wit_tui.engine.analysis.worst_slices import WorstSlices, session_worst_slices
from wit_tui.engine.metrics.undefined import UNDEFINED_WHEN
from wit_tui.engine.session.session import Session
from wit_tui.render.format import UNDEFINED
from wit_tui.render.tables import thr
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.jobs import JobDone, Jobs
from wit_tui.tui.views.base import decisions_of
from wit_tui.tui.views.performance.common import (
    PerfState,
    current_column,
    fit_columns,
    name_room,
    thresholds_text,
)
from wit_tui.tui.views.performance.keys import NO_TRUTH, WORST_KEYS, key_of
from wit_tui.tui.views.performance.worst_rows import SHOWN, sortable, worst_cells, worst_columns, worst_order
from wit_tui.tui.widgets.text_static import TextStatic
from wit_tui.tui.widgets.wide_table import WideTable

GROUP = "perf.worst"
PINNED = 3  # rank, slice, n never scroll away


@dataclass(frozen=True)
class Ranking:
    """A worst-slices result with what it was computed from."""

    result: WorstSlices
    settings: tuple[Any, ...]  # metric, crosses, model, buckets, equal width, truth
    decided: tuple[Any, ...]  # the decisions it used (thresholds, per slice)
    at: str  # the thresholds in words


class WorstPanel(Vertical):
    """The ranking of the rank model's worst slices, and the keys that change it."""

    BINDINGS = WORST_KEYS

    class SliceBy(Message):
        """Enter on a worst slice: slice the slice table by its feature(s), cursor on it."""

        def __init__(self, features: list[str], key: tuple) -> None:
            super().__init__()
            self.features, self.key = features, key

    def __init__(self, session: Session, state: PerfState, jobs: Jobs, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.state = state
        self.jobs = jobs
        self.metric = TASK_WORST_METRICS[session.task.kind][0]
        self.crosses = False
        self.rank_model = 0
        self.ranking: Ranking | None = None
        self.sort: tuple[str, bool] | None = None  # the column the table is sorted by, descending (None: rank)
        self._order: list[int] = []  # the findings' indexes in the order the table lists them
        self._started: tuple[tuple[Any, ...], tuple[Any, ...], str] | None = None  # the running job's inputs

    def compose(self) -> ComposeResult:
        yield TextStatic("", id="worst-note")
        yield WideTable(id="worst-table", cursor_type="row", zebra_stripes=True, pinned=PINNED)

    @property
    def names(self) -> list[str]:
        return self.session.model_names

    @property
    def table(self) -> WideTable:
        return self.query_one("#worst-table", WideTable)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return self.can(action, parameters)

    def can(self, action: str, parameters: tuple = ()) -> bool:
        if decisions_of(self).truth is None:
            return False
        if action == "sort_column":
            return self.ranking is not None and sortable(current_column(self.table))
        return action != "rank_model" or len(self.session.models) == 2

    def why_not(self, action: str, parameters: tuple) -> str:
        """Why the worst slices' key ``action`` does nothing now, in words ("" when it applies)."""
        if self.can(action, parameters):
            return ""
        key = key_of(WORST_KEYS, action, parameters)
        if decisions_of(self).truth is None:
            return f"{key}: {NO_TRUTH}"
        if action == "rank_model":
            return f"{key}: one model is loaded; the ranking is for it."
        if action == "sort_column" and self.ranking is None:
            return f"{key}: no ranking yet: press w to rank the slices."
        if action == "sort_column":
            return f"{key}: move the column cursor (←/→) onto a column to sort by."
        return ""

    # -- what a ranking depends on ----------------------------------------------
    def _settings(self, decisions: Decisions) -> tuple[Any, ...]:
        slices = self.state.slices
        truth = None if decisions.truth is None else decisions.truth.key
        return (self.metric, self.crosses, self.rank_model, slices.buckets, slices.equal_width, truth)

    def _decided(self, decisions: Decisions) -> tuple[Any, ...]:
        if self.session.task.kind != "binary":
            return ()
        per_slice = decisions.slice_thresholds(self.state.slices.key)
        if per_slice is None:
            return (decisions.thresholds,)
        return (decisions.thresholds, self.state.slices.key, tuple(tuple(a.tolist()) for a in per_slice))

    def stale(self) -> bool:
        """True when the ranking shown was computed from other settings or decisions than the current ones."""
        decisions = decisions_of(self)
        r = self.ranking
        return r is not None and (r.settings != self._settings(decisions) or r.decided != self._decided(decisions))

    # -- computing -----------------------------------------------------------------
    def ensure(self) -> None:
        """``w``: compute the ranking unless the one shown is current."""
        if self.ranking is None or self.stale():
            self.start()

    def start(self) -> None:
        decisions = decisions_of(self)
        truth = decisions.truth
        if truth is None:
            return
        slices = self.state.slices
        thresholds = decisions.row_thresholds(slices.codes(), slices.key)
        metric, model, crosses = self.metric, self.rank_model, self.crosses
        buckets, equal_width = slices.buckets, slices.equal_width
        label = f"Worst slices by {metric}" + (" (with 2-feature crosses)" if crosses else "")
        per_slice = decisions.slice_thresholds(slices.key) is not None
        at = ""
        if self.session.task.kind == "binary":
            at = (
                f" at the per-slice thresholds of {slices.title}"
                if per_slice
                else f" at threshold {thr(decisions.thresholds[model])}"
            )
        session = self.session

        def run(progress, cancelled) -> WorstSlices:
            return session_worst_slices(
                session, truth, metric, thresholds=thresholds, model=model, buckets=buckets,
                equal_width=equal_width, crosses=crosses, progress=progress, is_cancelled=cancelled,
            )  # fmt: skip

        self._started = (self._settings(decisions), self._decided(decisions), at)
        self.jobs.run(GROUP, label + "…", run, reply_to=self)
        self.render_panel()

    def on_job_done(self, done: JobDone) -> None:
        if done.group != GROUP:
            return
        done.stop()
        if self.jobs.is_current(done) and self._started is not None:
            (settings, decided, at), self._started = self._started, None
            self.ranking = Ranking(done.result, settings, decided, at)
            self.render_panel()

    def truth_changed(self) -> None:
        """Another ground truth: a ranking of the old one means nothing."""
        self.ranking = None
        self.jobs.invalidate(GROUP)

    # -- keys --------------------------------------------------------------------------
    def action_worst_metric(self) -> None:
        kind = self.session.task.kind
        options = [
            (m, f"{'● ' if m == self.metric else '  '}{m} — {WORST_METRICS[m][1]}") for m in TASK_WORST_METRICS[kind]
        ]
        if kind == "binary" and not all(self.session.probabilities):  # a margins model has no log loss / Brier
            options = [o for o in options if o[0] not in ("log_loss", "brier_score")]

        def chose(key: str | None) -> None:
            if key is not None:
                self.metric = key
                self.ensure()

        self.app.push_screen(PickScreen("Rank slices by how much worse they are on", options), chose)

    def action_toggle_crosses(self) -> None:
        self.crosses = not self.crosses
        self.ensure()

    def action_rank_model(self) -> None:
        self.rank_model = 1 - self.rank_model
        self.ensure()

    def action_sort_column(self, descending: bool) -> None:
        """``s`` / ``S``: the findings by the current column, ascending / descending (the rank column: the ranking)."""
        key = current_column(self.table)
        if self.ranking is not None and key is not None and sortable(key):
            self.sort = (key, descending)
            self.render_panel()

    @on(DataTable.RowSelected, "#worst-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        r = self.ranking
        if r is not None and 0 <= event.cursor_row < len(self._order):
            finding = r.result.findings[self._order[event.cursor_row]]
            self.post_message(self.SliceBy(list(finding.features), finding.key))

    # -- drawing -------------------------------------------------------------------
    def render_panel(self) -> None:
        note = self.query_one("#worst-note", Static)
        table = self.table
        if decisions_of(self).truth is None:
            note.update(Text("No ground truth: press g to pick the label column."))
            return
        r = self.ranking
        if r is None:
            if not self.jobs.running(GROUP):
                note.update(
                    Text.from_markup(
                        "Press [b]w[/b] to rank every single-feature slice by how much worse the "
                        "model does there than on the rest."
                    )
                )
            table.clear(columns=True)
            return
        note.update(self._note(r))
        self._fill(table, r.result)

    def _note(self, r: Ranking) -> Text:
        w = r.result
        text = Text()
        decisions = decisions_of(self)
        # first, so a short terminal (the note is at most 4 lines) never hides that the numbers are old
        if r.decided != self._decided(decisions):
            at = thresholds_text(self.names, r.decided[0], len(r.decided) > 1)
            text.append(
                f"Stale: computed at thresholds {at}; the thresholds changed since: press w to recompute.\n",
                style="bold yellow",
            )
        elif r.settings != self._settings(decisions):
            text.append("The settings changed since this ranking: press w to recompute.\n", style="yellow")
        text.append_text(
            Text.assemble(
                (f"Worst slices by {w.metric}", "bold"),
                f" ({w.bad}; ranked for {self.names[w.model]}",
                r.at,
                ") · ",
                "single features" + (" and 2-feature crosses" if w.crosses else ""),
                f" · {len(w.findings):,} slices",
            )
        )
        text.append(
            f"\nRank = lower end of the interval of 'worse by' (slice − rest); {w.test}; q = Benjamini–Hochberg.",
            style="dim",
        )
        why = UNDEFINED_WHEN.get(w.metric)
        if why and any(math.isnan(v) for f in w.findings for v in (*f.values, f.rest)):
            text.append(f" {UNDEFINED} {w.metric}: {why} there.", style="dim")  # on the same line: 4 lines at most
        if w.skipped:
            text.append("\nSkipped: " + "; ".join(w.skipped[:4]) + (" …" if len(w.skipped) > 4 else ""), style="dim")
        if self.sort is not None and self.sort[0] != "rank":
            label = next((h for h, k in worst_columns(w, self.names) if k == self.sort[0]), self.sort[0])
            text.append(f" · sorted by {label}{' (descending)' if self.sort[1] else ''}", style="bold")
        text.append(" · enter: slice by it", style="dim")
        return text

    def _fill(self, table: WideTable, w: WorstSlices) -> None:
        """The findings in the order chosen (first the ranking's), every column as wide as its widest cell at once."""
        names = self.names
        cursor = table.cursor_row
        key, descending = self.sort or ("rank", False)
        self._order = worst_order(w, key, descending)[:SHOWN]
        table.clear(columns=True)
        for label, column in worst_columns(w, names):
            table.add_column(label, key=column)
        room = name_room(self)
        for r in self._order:
            table.add_row(*worst_cells(r, w.findings[r], len(names) == 2, room))
        fit_columns(table)
        if table.row_count:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1), animate=False)


__all__ = ["Ranking", "WorstPanel"]
