"""The selected feature's histogram under the statistics table: bins, log scale, and a split (truth, a
model's prediction at the app's threshold, or another feature), overlaid or side by side.

A split by prediction is keyed by its threshold (``Decisions.point_thresholds``): when the decisions change
it is drawn again at the new one; the truth and feature splits do not depend on the decisions.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable
from textual_plotext import PlotextPlot

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.feature_splits import FeatureRows, Split, feature_plot
from wit_tui.engine.analysis.split_histograms import SplitHistogram
from wit_tui.engine.analysis.stats import DatasetProfile, Histogram
from wit_tui.render.figures import HistogramFigure, SplitHistogramFigure
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.jobs import JobDone
from wit_tui.tui.views.base import decisions_of
from wit_tui.tui.views.features.common import FeatureContext
from wit_tui.tui.widgets.plot import show_figure

SplitMode = Literal["none", "truth", "pred", "feature"]
PLOT_GROUP = "features.plot"


class FeatureHistogram(Vertical, can_focus=True):
    """Draws the selected feature of the rows the statistics show; computed plots are cached by request.

    It takes focus (p from the table) to get the panel's room; ↑/↓ then still move through the features."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "feature(-1)", "Up", show=False, id="table.up"),
        Binding("down,j", "feature(1)", "Down", show=False, id="table.down"),
    ]

    def __init__(self, ctx: FeatureContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctx = ctx
        self.overlay = True
        self.split: SplitMode = "none"
        self.split_model = 0
        self.split_feature: str | None = None
        self.rows: FeatureRows | None = None
        self.plots: dict[tuple, Histogram | SplitHistogram] = {}
        self.captions: dict[tuple, str] = {}

    def compose(self) -> ComposeResult:
        yield PlotextPlot(id="feat-plot")

    def action_feature(self, step: int) -> None:
        """The previous or next feature of the statistics table (its row cursor moves; the plot follows)."""
        table = self.screen.query_one("#feat-table", DataTable)
        (table.action_cursor_down if step > 0 else table.action_cursor_up)()

    # -- what is shown -------------------------------------------------------------
    def show(self, rows: FeatureRows, profile: DatasetProfile) -> None:
        """Draw from ``rows`` (whose statistics are ``profile``); the profile's histograms are cached plots."""
        if self.rows is None or self.rows.frame is not rows.frame:
            self.forget(rows.edited)
        self.rows = rows
        for name, hist in profile.histograms.items():
            self.plots.setdefault(("hist", rows.edited, name, profile.bins), hist)
        if rows.edited and self.split in ("truth", "pred"):
            self.split = "none"  # edited rows have no truth or scores of their own
        self.draw()

    def forget(self, edited: bool) -> None:
        """Drop the plots of the edited rows (or of the loaded ones): their rows changed."""
        for key in [k for k in self.plots if k[1] is edited]:
            del self.plots[key]
            self.captions.pop(key, None)

    def options(self) -> list[tuple[SplitMode, int]]:
        """The splits on offer: truth and predictions for the loaded rows, the chosen feature for any rows."""
        s, edited = self.ctx.session, self.rows is not None and self.rows.edited
        opts: list[tuple[SplitMode, int]] = [("none", 0)]
        if not edited:
            if s.has_label:
                opts.append(("truth", 0))
            if self.ctx.ready:
                opts += [("pred", i) for i in range(len(s.models))]
        if self.split_feature is not None:
            opts.append(("feature", 0))
        return opts

    def current_split(self) -> Split | None:
        if self.split == "none":
            return None
        if self.split == "pred":
            defaults = self.ctx.session.default_thresholds
            threshold = decisions_of(self).point_thresholds(defaults)[self.split_model]
            return Split("pred", model=self.split_model, threshold=float(threshold))
        if self.split == "feature":
            return Split("feature", feature=self.split_feature)
        return Split("truth")

    # -- actions -----------------------------------------------------------------------
    def bins(self, delta: int) -> None:
        b = self.ctx.bins
        self.ctx.bins = max(2, min(100, b + 5 * delta if b >= 5 else b + delta))
        self.draw()

    def toggle_log(self) -> None:
        self.ctx.log_scale = not self.ctx.log_scale
        self.draw()

    def toggle_overlay(self) -> None:
        self.overlay = not self.overlay
        self.draw()

    def cycle_split(self) -> None:
        opts = self.options()
        now = (self.split, self.split_model)
        self.split, self.split_model = opts[(opts.index(now) + 1) % len(opts)] if now in opts else opts[0]
        if len(opts) == 1:
            self.ctx.say(
                "Nothing to split by yet: C picks a feature to split by"
                + ("" if self.ctx.ready else "; predictions once scoring is done")
                + "."
            )
        self.draw()

    def choose_split_feature(self) -> None:
        s = self.ctx.session
        options = [(f, f) for f in s.features]
        if s.label is not None and not (self.rows is not None and self.rows.edited):
            options.append((s.label, f"{s.label} (the label)"))

        def chosen(name: str | None) -> None:
            if name is not None:
                self.split_feature, self.split = name, "feature"
                self.draw()

        note = "Categories (the 5 largest, the rest as other) or numeric quartiles."
        self.app.push_screen(PickScreen("Split the histogram by which feature?", options, note=note), chosen)

    def decisions_changed(self, decisions: Decisions) -> None:
        """A split by prediction follows the app's thresholds: redraw (a new threshold is a new plot)."""
        if self.split == "pred":
            self.draw()

    # -- drawing -------------------------------------------------------------------------
    def draw(self) -> None:
        name, rows = self.ctx.selected_name, self.rows
        if name is None or rows is None:
            return
        bins, split = self.ctx.bins, self.current_split()
        hist_key = ("hist", rows.edited, name, bins)
        key = hist_key if split is None else ("split", rows.edited, name, bins, split)
        result = self.plots.get(key)
        if result is None:
            session, frame, hist = self.ctx.session, rows.frame, self.plots.get(hist_key)
            self.ctx.jobs.run(
                PLOT_GROUP,
                f"Histogram of {name}",
                lambda progress, cancelled: (key, feature_plot(session, frame, name, bins, split, hist)),  # type: ignore[arg-type]
                reply_to=self,
            )
            return
        plot = self.query_one("#feat-plot", PlotextPlot)
        if isinstance(result, Histogram):
            title = f"{name}" + (f" · {bins} bins" if result.edges is not None else "")
            if result.missing:
                title += f" · {result.missing:,} missing"
            if rows.edited:
                title += " · edited/added rows"
            show_figure(plot, HistogramFigure(result, title, log=self.ctx.log_scale))
            return
        edges = result.histogram.edges
        title = f"{name}" + (f" · {bins} bins" if edges is not None else "") + f" · {self.captions.get(key, '')}"
        if not self.overlay:
            title += " · side by side"
        show_figure(plot, SplitHistogramFigure(result, title, overlay=self.overlay, log=self.ctx.log_scale))

    def on_job_done(self, done: JobDone) -> None:
        if done.group != PLOT_GROUP:
            return
        done.stop()
        if not self.ctx.jobs.is_current(done):
            return
        key, plot = done.result
        self.plots.setdefault(("hist", *key[1:4]), plot.histogram)
        if plot.split is not None:
            self.plots[key], self.captions[key] = plot.split, plot.description
        self.draw()


__all__ = ["FeatureHistogram", "SplitMode"]
