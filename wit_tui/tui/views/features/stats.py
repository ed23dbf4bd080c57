"""The statistics panel: one row per feature (sortable, flagged), the rows it describes (all loaded rows or
the edited and added datapoints), and the selected feature's histogram below it.

The loaded rows' statistics depend on nothing that changes; the edited rows' are computed again on every
change of the overlay (while a run is on, once more when it ends), and say so on the status line meanwhile.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.feature_splits import FeatureRows, feature_rows, features_profile
from wit_tui.engine.analysis.stats import DatasetProfile, FeatureStats
from wit_tui.engine.session.events import OverlayChanged, SessionEvent
from wit_tui.render.format import fmt
from wit_tui.tui.jobs import JobDone
from wit_tui.tui.views.features.common import FeatureContext, FeaturePanel, cells, num
from wit_tui.tui.views.features.histogram import FeatureHistogram
from wit_tui.tui.widgets.text_table import TextTable

# Numeric and categorical statistics share columns so the table stays narrow.
STAT_COLUMNS = (
    "feature",
    "type",
    "count",
    "missing",
    "zeros",
    "unique",
    "mean | top",
    "std | freq",
    "min",
    "median",
    "max",
    "entropy",
    "non-unif.",
    "importance",
    "flags",
)
SortKey = Literal["data order", "name", "missing share", "non-uniformity", "importance"]
SORTS: tuple[SortKey, ...] = ("data order", "name", "missing share", "non-uniformity", "importance")
STATS_GROUP = "features.stats"
HISTOGRAM_ACTIONS = frozenset({"bins", "toggle_log", "cycle_split", "choose_split_feature", "toggle_overlay"})


def stat_row(st: FeatureStats, importance: str) -> tuple[Any, ...]:
    """The table's cells for one feature (numeric and categorical share the columns)."""
    name = Text(("⚑ " if st.flags else "") + st.name, style="bold yellow" if st.flags else "")
    common = (fmt(st.count), f"{st.missing:,} ({st.missing_pct:.1f}%)")
    nu = "–" if math.isnan(st.non_uniformity) else f"{st.non_uniformity:.3f}"
    flags = ", ".join(st.flags)
    if st.kind == "numeric":
        zeros = "–" if math.isnan(st.zeros_pct) else f"{st.zeros_pct:.1f}%"
        middle = (zeros, fmt(st.unique), fmt(st.mean), fmt(st.std), fmt(st.min), fmt(st.median), fmt(st.max), "")
        return (name, "num", *common, *middle, nu, importance, flags)
    entropy = "–" if math.isnan(st.entropy) else f"{st.entropy:.3f} bits"
    middle = ("", fmt(st.unique), st.top or "–", fmt(st.freq), "", "", "", entropy)
    return (name, "cat", *common, *middle, nu, importance, flags)


class StatsPanel(FeaturePanel):
    """Statistics of the loaded rows or of the edited ones; sorts, including by the importance panel's ranking."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"sort", "reverse_sort", "toggle_edited"} | HISTOGRAM_ACTIONS)

    class WantsImportance(Message):
        """A sort by importance waits for it: the view starts the importance panel's run."""

    def __init__(self, ctx: FeatureContext, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self.sort_index = 0
        self.sort_reverse = False
        self.show_edited = False
        self.pending_sort_by_importance = False
        self.edits_changed = False  # the overlay changed since the edited rows' statistics started
        self.profiles: dict[bool, DatasetProfile] = {}
        self.rows: dict[bool, FeatureRows] = {}
        self.importance: dict[str, float] = {}  # each raw feature's best importance over the models
        self.hist = FeatureHistogram(ctx, id="feat-hist")

    def compose(self) -> ComposeResult:
        table: DataTable[Any] = TextTable(id="feat-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(*STAT_COLUMNS)
        yield table
        yield self.hist

    def handler(self, action: str) -> Callable[..., None]:
        return getattr(self.hist if action in HISTOGRAM_ACTIONS else self, action)

    def focus_target(self) -> Widget:
        return self.query_one("#feat-table")

    @property
    def plots(self) -> dict[tuple, Any]:
        return self.hist.plots

    # -- computing -------------------------------------------------------------------
    def compute(self, edited: bool) -> None:
        """Compute the statistics of the loaded rows, or of the edited ones as they are now."""
        session = self.ctx.session
        rows = feature_rows(session, edited)
        self.rows[edited] = rows
        self.ctx.jobs.run(
            STATS_GROUP,
            f"Statistics of {len(rows.frame):,} rows",
            lambda progress, cancelled: (
                edited,
                features_profile(session, rows, progress=progress, is_cancelled=cancelled),
            ),
            reply_to=self,
        )

    def on_job_done(self, done: JobDone) -> None:
        if done.group != STATS_GROUP:
            return
        done.stop()
        if self.ctx.jobs.is_current(done):
            edited, profile = done.result
            if edited and self.edits_changed:  # edited again while it ran: these rows are not the current ones
                self.refresh_edited()
                return
            self.profiles[edited] = profile
            if self.display:
                self.render_panel()

    def needs_stats(self) -> bool:
        return self.profiles.get(self.show_edited) is None and not self.ctx.jobs.running(STATS_GROUP)

    # -- the table ---------------------------------------------------------------------
    def sorted_stats(self, stats: tuple[FeatureStats, ...]) -> list[FeatureStats]:
        """Rows in the chosen order; features without a value (NaN) stay last either way round."""
        key = SORTS[self.sort_index]
        if key == "data order":
            return list(stats)[::-1] if self.sort_reverse else list(stats)
        if key == "name":
            return sorted(stats, key=lambda st: st.name.lower(), reverse=self.sort_reverse)
        imp = self.importance
        value = {
            "missing share": lambda st: st.missing_pct,
            "non-uniformity": lambda st: st.non_uniformity,
            "importance": lambda st: imp.get(st.name, math.nan),
        }[key]
        sign = 1.0 if self.sort_reverse else -1.0  # largest first unless reversed
        return sorted(stats, key=lambda st: (math.isnan(value(st)), 0.0 if math.isnan(value(st)) else sign * value(st)))

    def render_panel(self) -> None:
        profile = self.profiles.get(self.show_edited)
        if profile is None:
            if not self.ctx.jobs.running(STATS_GROUP):
                self.ctx.status("No statistics: t computes them.")
            return
        table = self.query_one("#feat-table", DataTable)
        table.clear()
        for st in self.sorted_stats(profile.stats):
            importance = num(self.importance[st.name]) if st.name in self.importance else "–"
            table.add_row(*cells(stat_row(st, importance)), key=st.name)
        name = self.ctx.selected_name
        if name is not None and name in table.rows and table.cursor_row != table.get_row_index(name):
            table.move_cursor(row=table.get_row_index(name))
        self.show_status()
        self.hist.show(self.rows.get(self.show_edited) or feature_rows(self.ctx.session, False), profile)

    def show_status(self) -> None:
        profile = self.profiles.get(self.show_edited)
        if profile is None:
            return
        flagged = sum(1 for st in profile.stats if st.flags)
        which = f"{profile.n_rows:,} edited/added datapoints" if self.show_edited else f"{profile.n_rows:,} rows"
        sort = SORTS[self.sort_index] + (" (reversed)" if self.sort_reverse else "")
        if self.pending_sort_by_importance:
            sort += " (computing…)"
        st = profile.by_name().get(self.ctx.selected_name or "")
        flags = f" · {st.name}: {', '.join(st.flags)}" if st is not None and st.flags else ""
        self.ctx.status(f"{len(profile.stats)} features · {which} · sorted by {sort} · ⚑ {flagged} flagged{flags}")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        if key is None or event.data_table.id != "feat-table":
            return
        if key in self.ctx.session.features:
            self.ctx.selected_name = key
        self.show_status()
        self.hist.draw()

    # -- actions -------------------------------------------------------------------------
    def sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.sort_reverse = False
        self.pending_sort_by_importance = False  # moving on from "importance" drops a sort still waiting for it
        if SORTS[self.sort_index] == "importance" and not self.importance:
            self.pending_sort_by_importance = True
            self.app.notify("Sorting by importance once it is computed (permutation importance is running).", timeout=5)
            self.post_message(self.WantsImportance())
        self.render_panel()

    def reverse_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.render_panel()

    def importance_ready(self, best: dict[str, float]) -> None:
        """The importance panel has (new) numbers: a waiting sort takes them."""
        self.importance = best
        if self.pending_sort_by_importance:
            self.pending_sort_by_importance = False
            self.sort_index = SORTS.index("importance")
        if self.display:
            self.render_panel()

    def cancelled(self) -> None:
        self.pending_sort_by_importance = False

    def toggle_edited(self) -> None:
        if not self.show_edited and not self.ctx.session.n_changed:
            self.app.notify("No edited or added datapoints yet: edit them in the Datapoint editor (1).", timeout=5)
            return
        self.show_edited = not self.show_edited
        if self.show_edited:
            self.profiles.pop(True, None)
            self.compute(True)  # edits change: always recomputed (a few rows)
        else:
            self.render_panel()

    # -- changes -------------------------------------------------------------------------
    def decisions_changed(self, decisions: Decisions) -> None:
        if self.display:
            self.hist.decisions_changed(decisions)

    def session_changed(self, event: SessionEvent) -> None:
        """Edits change the edited rows' statistics (the loaded rows' stay): recompute them if shown, else forget.

        A burst of edits runs one computation at a time: a change during a run computes again once its worker
        has ended (the view calls :meth:`refresh_edited` then).
        """
        if not isinstance(event, OverlayChanged):
            return
        self.profiles.pop(True, None)
        self.hist.forget(True)
        if self.show_edited:
            self.edits_changed = True
            self.call_after_refresh(self.refresh_edited)

    def refresh_edited(self) -> None:
        if not self.edits_changed:
            return
        if self.ctx.jobs.running(STATS_GROUP):  # the view calls again once that worker has ended
            return
        self.edits_changed = False
        if self.ctx.session.n_changed:
            self.compute(True)
            if self.display:
                self.ctx.status("The edited datapoints changed: computing their statistics again…")
        else:
            self.show_edited = False
            self.render_panel()


__all__ = ["SORTS", "STAT_COLUMNS", "StatsPanel", "stat_row"]
