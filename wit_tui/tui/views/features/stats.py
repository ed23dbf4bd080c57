"""The statistics panel: one row per feature (sortable, flagged), the rows it describes (all loaded rows or
the edited and added datapoints), and the selected feature's histogram below it.

The loaded rows' statistics depend on nothing that changes; the edited rows' are computed again on every
change of the overlay (while a run is on, once more when it ends), and say so on the status line meanwhile.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar, Literal

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.feature_splits import FeatureRows, feature_rows, features_profile
from wit_tui.engine.analysis.stats import DatasetProfile, FeatureStats
from wit_tui.engine.session.events import OverlayChanged, SessionEvent
from wit_tui.tui.dialogs.frequency import FrequencyScreen
from wit_tui.tui.jobs import JobDone
from wit_tui.tui.views.base import decisions_of
from wit_tui.tui.views.features.common import FeatureContext, FeaturePanel, panel_key
from wit_tui.tui.views.features.histogram import FeatureHistogram
from wit_tui.tui.views.features.stat_table import STAT_COLUMNS, sort_rows, table_cells
from wit_tui.tui.widgets.wide_table import WideTable

SortKey = Literal["data order", "name", "missing share", "non-uniformity", "importance"]
SORTS: tuple[SortKey, ...] = ("data order", "name", "missing share", "non-uniformity", "importance")
STATS_GROUP = "features.stats"
#: the histogram's rows while the table has focus (6 rows of bars), and while it has focus itself (up to)
PLOT_MIN, PLOT_WANT = 10, 24
#: the table's rows while the histogram has focus: its header and three rows around the current one
TABLE_MIN = 4
HISTOGRAM_ACTIONS = frozenset({"bins", "toggle_log", "cycle_split", "choose_split_feature", "toggle_overlay"})


def share_rows(total: int, table_rows: int, plot_focus: bool) -> tuple[int, int]:
    """The statistics table's and the histogram's heights in ``total`` rows (the table wants ``table_rows``, its
    header included). The focused one gets the room: the table shows its rows with a histogram of at least
    ``PLOT_MIN`` rows under it; a focused histogram gets up to ``PLOT_WANT`` rows, the table keeping ``TABLE_MIN``."""
    if plot_focus:
        plot = min(total - TABLE_MIN, max(PLOT_WANT, total - table_rows))
    else:
        plot = max(PLOT_MIN, total - table_rows)
    plot = max(0, min(plot, total))
    return total - plot, plot


class StatsPanel(FeaturePanel):
    """Statistics of the loaded rows or of the edited ones; sorts, including by the importance panel's ranking."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"sort", "sort_by_column", "frequency", "reverse_sort", "toggle_edited"} | HISTOGRAM_ACTIONS
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        panel_key("s", "sort_by_column(False)", "Sort", "features.sort"),
        panel_key("S", "sort_by_column(True)", "Sort descending", "features.sort_reverse", show=False),
        panel_key("r", "sort", "Cycle sorts (data order, name, missing…)", "features.sort_cycle", show=False),
        panel_key("F", "frequency", "Freq", "features.frequency"),
        panel_key("c", "cycle_split", "Split", "features.split"),
        panel_key("C", "choose_split_feature", "Split by a feature…", "features.split_feature", show=False),
        panel_key("o", "toggle_overlay", "Overlaid / side by side", "features.overlay", show=False),
        panel_key("b", "bins(1)", "More bins", "features.bins_up", show=False),
        panel_key("B", "bins(-1)", "Fewer bins", "features.bins_down", show=False),
        panel_key("L", "toggle_log", "Log scale", "features.log", show=False),
        panel_key("a", "toggle_edited", "Edited & added datapoints", "features.edited", show=False),
        Binding(
            "p",
            "focus_other",
            "Table / plot focus (the focused one gets the room)",
            show=False,
            id="features.focus_plot",
        ),
    ]

    class WantsImportance(Message):
        """A sort by importance waits for it: the view starts the importance panel's run."""

    def __init__(self, ctx: FeatureContext, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self.sort_index = 0
        self.sort_reverse = False
        self.sort_column: str | None = None  # s / S: by the current column (None: the cycle of SORTS, r)
        self.sort_descending = False
        self.show_edited = False
        self.pending_sort_by_importance = False
        self.edits_changed = False  # the overlay changed since the edited rows' statistics started
        self.profiles: dict[bool, DatasetProfile] = {}
        self.rows: dict[bool, FeatureRows] = {}
        self.importance: dict[str, float] = {}  # each raw feature's best importance over the models
        self.hist = FeatureHistogram(ctx, id="feat-hist")

    def compose(self) -> ComposeResult:
        table = WideTable(id="feat-table", cursor_type="row", zebra_stripes=True, pinned=1)  # the feature's name
        for name in STAT_COLUMNS:
            table.add_column(name, key=name)
        yield table
        yield self.hist

    def handler(self, action: str) -> Callable[..., None]:
        return getattr(self.hist if action in HISTOGRAM_ACTIONS else self, action)

    def why_not(self, action: str, parameters: tuple[Any, ...]) -> str:
        if action == "frequency" and self.ctx.selected_name is None:
            return "F shows a feature's frequencies: there is no feature."
        if action == "toggle_overlay" and self.hist.split == "none":
            return "o applies to a split histogram: press c to split it."
        return ""

    # -- sharing the height -----------------------------------------------------------
    def action_focus_other(self) -> None:
        """p: the histogram (it gets the room, ↑/↓ still change the feature), or back to the table."""
        table = self.query_one("#feat-table")
        (self.hist if table.has_focus else table).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.share_height()

    def on_resize(self, event: events.Resize) -> None:
        self.share_height()

    def share_height(self) -> None:
        """Share the panel's height between the table and the histogram (the focused one gets the room)."""
        table = self.query_one("#feat-table", WideTable)
        total = self.size.height
        if total <= 0:
            return
        rows, plot = share_rows(total, table.row_count + 1, self.hist.has_focus)
        table.styles.height = rows
        self.hist.styles.height = plot

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
        if self.sort_column is not None:
            return sort_rows(stats, self.sort_column, self.sort_descending, self.importance)
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
        table = self.query_one("#feat-table", WideTable)
        column = table.cursor_column_key
        table.clear()
        rows = self.sorted_stats(profile.stats)
        for st, row in zip(rows, table_cells(rows, self.importance), strict=True):
            table.add_row(*row, key=st.name)
        if column is not None:
            table.move_to_column(column)
        self.share_height()
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
        if self.sort_column is not None:
            sort = f"{self.sort_column} {'↓' if self.sort_descending else '↑'}"
        else:
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
    def sort_by_column(self, descending: bool) -> None:
        """s / S: by the current column, ascending or descending (importance waits for its run)."""
        column = self.query_one("#feat-table", WideTable).cursor_column_key
        if column is None:
            return
        self.sort_column, self.sort_descending = column, descending
        self.pending_sort_by_importance = False
        if column == "importance" and not self.importance:
            self.ctx.say("Importance is being computed: the table sorts by it once it is there.")
            self.post_message(self.WantsImportance())
        self.render_panel()

    def frequency(self) -> None:
        """F: each value of the current row's feature, its count and share, and each model's metric on it."""
        name = self.ctx.selected_name
        if name is not None:
            self.app.push_screen(FrequencyScreen(self.ctx.session, name, None, decisions_of(self)))

    def sort(self) -> None:
        self.sort_column = None
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.sort_reverse = False
        self.pending_sort_by_importance = False  # moving on from "importance" drops a sort still waiting for it
        if SORTS[self.sort_index] == "importance" and not self.importance:
            self.pending_sort_by_importance = True
            self.ctx.say("Sorting by importance once it is computed (permutation importance is running).")
            self.post_message(self.WantsImportance())
        self.render_panel()

    def reverse_sort(self) -> None:
        self.sort_column = None
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
            self.ctx.say("No edited or added datapoints yet: edit them in the Datapoint editor (1).")
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


__all__ = ["SORTS", "STAT_COLUMNS", "StatsPanel", "share_rows"]
