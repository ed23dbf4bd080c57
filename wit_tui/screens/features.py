"""Features: what is in the data — statistics per feature and the selected feature's distribution."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from wit_tui.engine.stats import FeatureStats, dataset_stats, histogram
from wit_tui.screens.base import SessionView
from wit_tui.widgets.format import fmt
from wit_tui.widgets.plots import draw_histogram

# Numeric and categorical statistics share columns so the whole table fits in 80 columns.
STAT_COLUMNS = ("feature", "type", "count", "missing", "unique", "mean | top", "std | freq", "min", "median", "max")


class FeaturesView(SessionView):
    TITLE = "3 Features"
    HELP = "Per-feature statistics (numeric: count, missing, mean, std, min, median, max; categorical: unique, top, freq) and the selected feature's histogram."
    HELP_NOTES = "std is the sample standard deviation (n−1), as pandas' describe()."
    BINDINGS = [
        Binding("b", "bins(1)", "More bins", id="features.bins_up"),
        Binding("B", "bins(-1)", "Fewer bins", id="features.bins_down"),
        Binding("L", "toggle_log", "Log scale", id="features.log"),
    ]

    class StatsReady(Message):
        def __init__(self, stats: list[FeatureStats]) -> None:
            super().__init__()
            self.stats = stats

    def __init__(self, session, **kwargs) -> None:
        super().__init__(session, **kwargs)
        self.bins = 20
        self.log_scale = False
        self.selected = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="feat-body"):
            yield Static("Computing statistics…", id="feat-status")
            table = DataTable(id="feat-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*STAT_COLUMNS)
            yield table
            yield PlotextPlot(id="feat-plot")

    def focus_target(self) -> Widget:
        return self.query_one("#feat-table")

    def on_mount(self) -> None:
        self.compute_stats()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def compute_stats(self) -> None:
        s = self.session
        stats = s.cache.get("feature_stats")
        if stats is None:
            stats = dataset_stats(s.data, s.features)
            s.cache["feature_stats"] = stats
        for name in s.features:  # every histogram at the default bin count, off the UI thread
            key = ("histogram", name, self.bins)
            if key not in s.cache:
                s.cache[key] = histogram(s.data[name], bins=self.bins)
        self.post_message(self.StatsReady(stats))

    def on_features_view_stats_ready(self, message: StatsReady) -> None:
        table = self.query_one("#feat-table", DataTable)
        table.clear()
        for st in message.stats:
            if st.kind == "numeric":
                row = (st.name, "num", fmt(st.count), f"{st.missing:,} ({st.missing_pct:.1f}%)", fmt(st.unique),
                       fmt(st.mean), fmt(st.std), fmt(st.min), fmt(st.median), fmt(st.max))
            else:
                row = (st.name, "cat", fmt(st.count), f"{st.missing:,} ({st.missing_pct:.1f}%)", fmt(st.unique),
                       st.top or "–", fmt(st.freq), "", "", "")
            table.add_row(*row, key=st.name)
        self.query_one("#feat-status", Static).update(
            f"{len(message.stats)} features · {self.session.n_rows:,} rows · ↑/↓ selects, b/B bins, L log scale")
        self._draw()

    @on(DataTable.RowHighlighted, "#feat-table")
    def _row(self, event: DataTable.RowHighlighted) -> None:
        self.selected = event.cursor_row
        self._draw()

    def action_bins(self, delta: int) -> None:
        self.bins = max(2, min(100, self.bins + 5 * delta if self.bins >= 5 else self.bins + delta))
        self._draw()

    def action_toggle_log(self) -> None:
        self.log_scale = not self.log_scale
        self._draw()

    def _draw(self) -> None:
        s = self.session
        if not s.features or not 0 <= self.selected < len(s.features):
            return
        name = s.features[self.selected]
        key = ("histogram", name, self.bins)
        hist = s.cache.get(key)
        if hist is None:
            hist = s.cache[key] = histogram(s.data[name], bins=self.bins)
        title = f"{name}" + (f" · {self.bins} bins" if hist.edges is not None else "")
        if hist.missing:
            title += f" · {hist.missing:,} missing"
        draw_histogram(self.query_one("#feat-plot", PlotextPlot), hist, title, log=self.log_scale)
