"""The drift panel: every feature (and each model's predictions) against a reference — the ``--reference``
file or the rows with one value of a column — by PSI and a test, with the selected row's two histograms.

Its inputs are the loaded rows, their scores and the reference: the decisions do not enter it (prediction
drift compares scores, not thresholded labels) and edited datapoints are not loaded rows, so it never goes
stale.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widget import Widget
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from wit_tui.engine.analysis.drift import DriftReport, compare_histogram
from wit_tui.engine.analysis.reference_drift import SessionDrift, session_drift
from wit_tui.engine.analysis.split_histograms import SplitHistogram
from wit_tui.engine.slicing import feature_slices
from wit_tui.render.figures import SplitHistogramFigure
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.jobs import JobDone
from wit_tui.tui.views.features.common import FeatureContext, FeaturePanel, cells, num, panel_key, pvalue
from wit_tui.tui.widgets.plot import show_figure
from wit_tui.tui.widgets.text_static import TextStatic
from wit_tui.tui.widgets.text_table import TextTable

DRIFT_GROUP = "features.drift"
DRIFT_PLOT_GROUP = "features.drift_plot"
BAND_STYLE = {"stable": "green", "moderate": "yellow", "significant": "bold red"}
DRIFT_COLUMNS = ("feature", "type", "PSI", "band", "test", "statistic", "p-value", "JS dist.", "note")


class DriftPanel(FeaturePanel):
    ACTIONS: ClassVar[frozenset[str]] = frozenset({"toggle_log", "choose_split"})
    NAME = "drift"
    BINDINGS: ClassVar[list[BindingType]] = [
        panel_key("D", "choose_split", "Drift by a column value…", "features.drift_split"),
        panel_key("L", "toggle_log", "Log scale", "features.log", show=False),
    ]

    def __init__(self, ctx: FeatureContext, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self.drift: DriftReport | None = None
        self.drift_source: tuple | None = None
        self.result: SessionDrift | None = None
        self.selected: str | None = None
        self.plots: dict[tuple, SplitHistogram] = {}

    def compose(self) -> ComposeResult:
        yield TextStatic("", id="drift-note")
        yield TextTable(id="drift-table", cursor_type="row", zebra_stripes=True)
        yield PlotextPlot(id="drift-plot")

    def focus_target(self) -> Widget:
        return self.query_one("#drift-table")

    def why_not(self, action: str, parameters: tuple[Any, ...]) -> str:
        if action == "choose_split" and not self.ctx.ready:
            return "Scoring is still running; drift of the predictions needs them. Try again in a moment."
        return ""

    # -- choosing the reference -------------------------------------------------------
    def has_work(self) -> bool:
        return self.drift is not None or self.ctx.jobs.running(DRIFT_GROUP)

    def start(self) -> None:
        """``d``: against the reference file, or ask for a column value without one."""
        if self.ctx.options.reference is not None:
            self.run(("file",))
        else:
            self.choose_split(first=True)

    def choose_split(self, first: bool = False) -> None:
        s = self.ctx.session
        columns = list(s.features) + ([s.label] if s.label is not None else [])
        note = (
            "No --reference file was given: compare the rows with one value of a column (the reference) "
            "against all the other rows."
            if first
            else "The reference: rows with one value of a column."
        )

        def chose_column(column: str | None) -> None:
            if column is None:
                return
            fs = feature_slices(s.data[column])
            options = [(label, f"{label}  ({int(n):,} rows)") for label, n in zip(fs.labels, fs.counts, strict=True)]
            if len(options) < 2:
                what = "has no values (all missing)" if s.data[column].isna().all() else "has a single value"
                self.app.notify(f"{column} {what}: it cannot split the data.", severity="warning")
                return

            def chose_value(value: str | None) -> None:
                if value is not None:
                    self.run(("split", column, value))

            self.app.push_screen(PickScreen(f"Reference: the rows where {column} is…", options[:200]), chose_value)

        self.app.push_screen(
            PickScreen("Drift: split the data by which column?", [(c, c) for c in columns], note=note), chose_column
        )

    def run(self, source: tuple) -> None:
        session, options = self.ctx.session, self.ctx.options
        reference, name = options.reference, options.reference_name
        self.drift_source, self.drift, self.result = source, None, None
        self.ctx.jobs.run(
            DRIFT_GROUP,
            "Drift",
            lambda progress, cancelled: session_drift(
                session, source, reference, name, progress_for=lambda label: progress, is_cancelled=cancelled
            ),
            reply_to=self,
        )
        self.post_message(self.Shown(self.NAME))

    def on_job_done(self, done: JobDone) -> None:
        if done.group not in (DRIFT_GROUP, DRIFT_PLOT_GROUP):
            return
        done.stop()
        if not self.ctx.jobs.is_current(done):
            return
        if done.group == DRIFT_PLOT_GROUP:
            key, hist = done.result
            self.plots[key] = hist
            self.draw()
            return
        self.result, self.drift = done.result, done.result.report
        self.plots.clear()
        if self.display:
            self.render_panel()

    # -- drawing ---------------------------------------------------------------------------
    def rows(self) -> list:
        r = self.drift
        if r is None:
            return []
        by_psi = sorted(r.features, key=lambda d: (math.isnan(d.psi), 0.0 if math.isnan(d.psi) else -d.psi))
        return list(r.predictions) + by_psi

    def render_panel(self) -> None:
        table = self.query_one("#drift-table", DataTable)
        note = self.query_one("#drift-note", Static)
        r = self.drift
        table.clear(columns=True)
        if r is None:
            note.display = False
            self.ctx.status(
                "Drift is being computed…"
                if self.ctx.jobs.running(DRIFT_GROUP)
                else "No drift yet: d compares with --reference (or a column value), D picks a column value."
            )
            return
        self.ctx.status(
            f"Drift: reference {r.reference} ({r.n_reference:,} rows) vs {r.current} ({r.n_current:,} rows)"
            " · PSI < 0.1 stable, 0.1–0.25 moderate, ≥ 0.25 significant"
        )
        notes = list(r.notes)
        if r.missing_in_reference:
            notes.insert(0, f"Left out (not in the reference): {', '.join(r.missing_in_reference)}.")
        note.update(Text(" ".join(notes)))
        note.display = bool(notes)
        table.add_columns(*DRIFT_COLUMNS)
        rows = self.rows()
        label = self.ctx.session.label
        for d in rows:
            band = Text(d.band, style=BAND_STYLE.get(d.band, ""))
            name = f"{d.name} (label)" if d.name == label else d.name
            kind = "num" if d.kind == "numeric" else "cat"
            values = [name, kind, num(d.psi), band, d.test, num(d.statistic), pvalue(d.pvalue), num(d.js_distance)]
            table.add_row(*cells([*values, d.note]), key=d.name)
        if self.selected not in {d.name for d in rows}:  # first look: the top row, the largest drift
            self.selected = rows[0].name if rows else None
        if self.selected is not None:
            table.move_cursor(row=table.get_row_index(self.selected))
        self.draw()

    def draw(self) -> None:
        result, name = self.result, self.selected
        if not self.display or result is None or name is None:
            return
        bins = self.ctx.bins
        key = (self.drift_source, name, bins)
        hist = self.plots.get(key)
        if hist is None:
            if name.startswith("prediction: "):
                model = name.split(": ", 1)[1]
                ref, cur = result.reference_predictions[model], result.current_predictions[model]
            else:
                ref, cur = result.reference[name], result.current[name]
            self.ctx.jobs.run(
                DRIFT_PLOT_GROUP,
                f"Histograms of {name}",
                lambda progress, cancelled: (key, compare_histogram(ref, cur, bins=bins)),
                reply_to=self,
            )
            return
        figure = SplitHistogramFigure(hist, f"{name} · reference vs current", log=self.ctx.log_scale)
        show_figure(self.query_one("#drift-plot", PlotextPlot), figure)

    def toggle_log(self) -> None:
        self.ctx.log_scale = not self.ctx.log_scale
        self.draw()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        if key is None or event.data_table.id != "drift-table":
            return
        self.selected = key
        if key in self.ctx.session.features:
            self.ctx.selected_name = key
        self.draw()


__all__ = ["DRIFT_GROUP", "DriftPanel"]
