# size-exception: view — moved here as it was; the views issue (next) splits this view into panels
# size-exception: FeaturesView — moved here as it was; the views issue (next) splits this view into panels
# size-exception: _render_stats — moved here as it was; the views issue (next) splits this view into panels
# size-exception: _render_importance — moved here as it was; the views issue (next) splits this view into panels
# size-exception: _render_drift — moved here as it was; the views issue (next) splits this view into panels
"""Features: what is in the data and what the model relies on.

Three panels over one selected feature: statistics with the feature's
histogram (``t``), global importance (``i``) and drift against a reference
(``d``); the surrogate rules open in their own dialog (``u``). Every engine
call that can be slow runs in a thread worker, reports progress, and stops on
escape; results come back as messages and are cached, so moving the cursor
only draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ContentSwitcher, DataTable, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker
from textual_plotext import PlotextPlot

from wit_tui.engine.analysis.drift import DriftReport, compare_histogram
from wit_tui.engine.analysis.edited_rows import edited_rows_frame
from wit_tui.engine.analysis.importance import (
    DEFAULT_REPEATS,
    DEFAULT_SAMPLE,
    ModelImportance,
    check_repeats,
    check_sample_size,
)
from wit_tui.engine.analysis.reference_drift import session_drift
from wit_tui.engine.analysis.session_importance import importance_rows, session_importance
from wit_tui.engine.analysis.split_histograms import SplitHistogram, split_groups, split_histogram
from wit_tui.engine.analysis.stats import (
    DatasetProfile,
    FeatureStats,
    Histogram,
    dataset_profile,
    histogram,
    session_profile,
)
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import Cancelled
from wit_tui.engine.data.scoring import labels_from
from wit_tui.engine.slicing import feature_slices
from wit_tui.render.figures import HistogramFigure, SplitHistogramFigure
from wit_tui.render.format import fmt
from wit_tui.tui.dialogs.form import FormField, FormScreen
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.dialogs.surrogate import SurrogateScreen
from wit_tui.tui.views.base import SessionView
from wit_tui.tui.widgets.plot import show_figure

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
SORTS = ("data order", "name", "missing share", "non-uniformity", "importance")
JOB_GROUPS = ("features.stats", "features.importance", "features.drift")
BAND_STYLE = {"stable": "green", "moderate": "yellow", "significant": "bold red"}
BAR_WIDTH = 8


def _bar(value: float, top: float) -> str:
    """A text bar proportional to ``value / top`` (nothing for ≤ 0)."""
    if not top or not np.isfinite(value) or value <= 0:
        return ""
    eighths = int(round(BAR_WIDTH * 8 * min(1.0, value / top)))
    return "█" * (eighths // 8) + ("▏▎▍▌▋▊▉"[eighths % 8 - 1] if eighths % 8 else "")


def _cells(values) -> list:
    """Table cells as Text: data values (a category called "[x]") must never be read as markup."""
    return [Text(v) if isinstance(v, str) else v for v in values]


def _num(value: float) -> str:
    """Importances and weights: fixed 4 decimals, so columns line up and small values stay readable."""
    if value is None or math.isnan(value):
        return "–"
    return f"{value:.4f}" if abs(value) < 1000 else fmt(value)


def _p(value: float) -> str:
    if value is None or math.isnan(value):
        return "–"
    return "< 0.0001" if value < 1e-4 else f"{value:.4f}"


class FeaturesView(SessionView):
    TITLE = "3 Features"
    HELP = (
        "Per-feature statistics, flags and the selected feature's histogram (split by truth, prediction or a "
        "feature); permutation importance (raw and engineered columns) and the model's own weights; a surrogate "
        "tree with its fidelity; drift against --reference or a column value."
    )
    HELP_NOTES = (
        "std is the sample standard deviation (n−1), as pandas' describe(). non-unif. = 1 − normalised "
        "entropy of the feature's 10-bucket (numeric) or per-value (categorical) histogram: 1 = one value, "
        "0 = even spread. ⚑ flags: all missing, > 2% missing, a single value, > 10% zeros, ±inf. "
        "Surrogate dialog: +/- depth, x export the rules, tab next model, escape close."
    )
    BINDINGS = [
        Binding("s", "sort", "Sort", id="features.sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, id="features.sort_reverse"),
        Binding("b", "bins(1)", "More bins", show=False, id="features.bins_up"),
        Binding("B", "bins(-1)", "Fewer bins", show=False, id="features.bins_down"),
        Binding("L", "toggle_log", "Log scale", show=False, id="features.log"),
        Binding("c", "cycle_split", "Split", id="features.split"),
        Binding("C", "choose_split_feature", "Split by a feature…", show=False, id="features.split_feature"),
        Binding("o", "toggle_overlay", "Overlaid / side by side", show=False, id="features.overlay"),
        Binding("a", "toggle_edited", "Edited & added datapoints", show=False, id="features.edited"),
        Binding("t", "show_panel('stats')", "Stats", id="features.stats"),
        Binding("i", "importance", "Importance", id="features.importance"),
        Binding("I", "importance_settings", "Importance settings…", show=False, id="features.importance_settings"),
        Binding("e", "toggle_engineered", "Raw/engineered", id="features.engineered"),
        Binding("u", "surrogate", "Surrogate", id="features.surrogate"),
        Binding("d", "drift", "Drift", id="features.drift"),
        Binding("D", "drift_split", "Drift by a column value…", show=False, id="features.drift_split"),
        Binding("escape", "cancel", "Cancel the running job", show=False, id="features.cancel"),
    ]

    # -- messages from workers -------------------------------------------
    class JobProgress(Message):
        def __init__(self, group: str, label: str, done: int, total: int) -> None:
            super().__init__()
            self.group, self.label, self.done, self.total = group, label, done, total

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, FeaturesView.JobProgress) and message.group == self.group

    class StatsReady(Message):
        def __init__(self, profile: DatasetProfile, edited: bool) -> None:
            super().__init__()
            self.profile, self.edited = profile, edited

        @property
        def stats(self) -> tuple[FeatureStats, ...]:
            return self.profile.stats

    class PlotReady(Message):
        def __init__(self, key: tuple, result: Any) -> None:
            super().__init__()
            self.key, self.result = key, result

    class ImportanceReady(Message):
        def __init__(self, results: list[ModelImportance], settings: tuple[int, int, int]) -> None:
            super().__init__()
            self.results, self.settings = results, settings

    class DriftReady(Message):
        def __init__(self, report: DriftReport, source: tuple, frames: tuple) -> None:
            super().__init__()
            self.report, self.source, self.frames = report, source, frames

    def __init__(self, session, **kwargs) -> None:
        super().__init__(session, **kwargs)
        self.bins = 20
        self.log_scale = False
        self.overlay = True
        self.split = "none"
        self.split_feature: str | None = None
        self.sort_index = 0
        self.sort_reverse = False
        self.panel = "stats"
        self.engineered = False
        self.show_edited = False
        self.selected_name: str | None = session.features[0] if session.features else None
        self.profiles: dict[bool, DatasetProfile] = {}
        self._edited_frame: pd.DataFrame | None = None
        self._plots: dict[tuple, Any] = {}
        self._groups: dict[tuple, tuple[np.ndarray, tuple[str, ...], str]] = {}
        self._jobs: dict[str, str] = {}  # running job group → its label
        self._job_workers: dict[str, Worker] = {}  # … and its worker (a restarted job replaces the old one)
        self.importance: list[ModelImportance] | None = None
        self.importance_settings = (DEFAULT_SAMPLE, DEFAULT_REPEATS, 0)
        self.drift: DriftReport | None = None
        self.drift_source: tuple | None = None
        self._drift_frames: tuple | None = None
        self._pending_sort_by_importance = False
        self._drift_selected: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="feat-body"):
            yield Static("Computing statistics…", id="feat-status")
            with Horizontal(id="feat-job"):
                yield Static("", id="feat-job-label")
                yield ProgressBar(id="feat-job-bar", show_eta=False)
                yield Static("esc cancels", id="feat-job-keys")
            with ContentSwitcher(id="feat-panels", initial="panel-stats"):
                with Vertical(id="panel-stats"):
                    table: DataTable[Any] = DataTable(id="feat-table", cursor_type="row", zebra_stripes=True)
                    table.add_columns(*STAT_COLUMNS)
                    yield table
                    yield PlotextPlot(id="feat-plot")
                with Vertical(id="panel-importance"):
                    yield Static("", id="imp-note")
                    with Horizontal(id="imp-tables"):
                        yield DataTable(id="imp-table", cursor_type="row", zebra_stripes=True)
                        yield DataTable(id="imp-table-2", cursor_type="row", zebra_stripes=True)
                with Vertical(id="panel-drift"):
                    yield Static("", id="drift-note")
                    yield DataTable(id="drift-table", cursor_type="row", zebra_stripes=True)
                    yield PlotextPlot(id="drift-plot")

    @property
    def plots(self) -> Mapping[tuple, Any]:
        """The plot results computed so far, by request key (read-only)."""
        return MappingProxyType(self._plots)

    def focus_target(self) -> Widget:
        return self.query_one({"stats": "#feat-table", "importance": "#imp-table", "drift": "#drift-table"}[self.panel])

    def on_mount(self) -> None:
        self.query_one("#feat-job").display = False
        self.query_one("#imp-table-2").display = False
        self.compute_stats(False)

    # -- jobs: progress, errors, cancel ---------------------------------------
    def _start_job(self, group: str, label: str, worker: Worker) -> None:
        self._jobs[group] = label
        self._job_workers[group] = worker
        self.query_one("#feat-job-label", Static).update(Text(label))
        bar = self.query_one("#feat-job-bar", ProgressBar)
        bar.update(total=None, progress=0)
        self.query_one("#feat-job").display = True
        self.refresh_bindings()

    def _end_job(self, group: str) -> None:
        self._jobs.pop(group, None)
        self._job_workers.pop(group, None)
        if not self._jobs:
            self.query_one("#feat-job").display = False
        else:
            label = next(iter(self._jobs.values()))
            self.query_one("#feat-job-label", Static).update(Text(label))
        self.refresh_bindings()

    def on_features_view_job_progress(self, message: JobProgress) -> None:
        if message.group not in self._jobs:
            return
        self.query_one("#feat-job-label", Static).update(Text(message.label))
        self.query_one("#feat-job-bar", ProgressBar).update(total=message.total, progress=message.done)

    def _progress(self, group: str, label: str) -> Callable[[int, int], None]:
        """A progress callback for the engine that posts (throttled by ``can_replace``) to the UI."""

        def report(done: int, total: int) -> None:
            self.post_message(self.JobProgress(group, label, done, total))

        return report

    @staticmethod
    def _cancelled() -> Callable[[], bool]:
        worker = get_current_worker()
        return lambda: worker.is_cancelled

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        """Jobs end here whatever happened; errors also reach the app's handler, which notifies."""
        group = event.worker.group
        if group not in JOB_GROUPS or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        if self._job_workers.get(group) is not event.worker:  # an older run, replaced by a newer one
            return
        label = self._jobs.get(group, group)
        self._end_job(group)
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            text = (
                f"{error.message} {error.hint}".strip()
                if isinstance(error, WitError)
                else f"{type(error).__name__}: {error}"
            )
            self._render_panel()
            self._status(Text.assemble((f"Could not finish: {label}.", "bold red"), " " + text))

    def action_cancel(self) -> None:
        cancelled = ", ".join(self._jobs.values())
        for group in list(self._jobs):
            self.workers.cancel_group(self, group)
            self._end_job(group)
        self._pending_sort_by_importance = False
        self._render_panel()
        self._status(f"Cancelled: {cancelled}.")

    def _render_panel(self) -> None:
        {"stats": self._render_stats, "importance": self._render_importance, "drift": self._render_drift}[self.panel]()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        stats_only = {
            "sort",
            "reverse_sort",
            "bins",
            "cycle_split",
            "choose_split_feature",
            "toggle_overlay",
            "toggle_edited",
        }
        if action in stats_only:
            return self.panel == "stats"
        if action == "toggle_log":
            return self.panel in ("stats", "drift")
        if action == "toggle_engineered":
            return self.panel == "importance"
        if action == "show_panel":  # t: to the statistics, or computes them again after a cancel
            return self.panel != "stats" or self.profiles.get(self.show_edited) is None
        if action == "importance":
            return self.panel != "importance"
        if action == "drift":
            return self.panel != "drift"
        if action == "cancel":
            return bool(self._jobs)
        return True

    def _status(self, text: str | Text) -> None:
        """Status line; plain strings are shown as they are (feature names and file names are not markup)."""
        self.query_one("#feat-status", Static).update(text if isinstance(text, Text) else Text(text))

    # -- panels ------------------------------------------------------------------
    def action_show_panel(self, panel: str) -> None:
        if panel == "stats" and self.profiles.get(self.show_edited) is None and "features.stats" not in self._jobs:
            self.compute_stats(self.show_edited)
        self.panel = panel
        self.query_one("#feat-panels", ContentSwitcher).current = f"panel-{panel}"
        self.refresh_bindings()
        if panel == "stats":
            self._render_stats()
        elif panel == "importance":
            self._render_importance()
        else:
            self._render_drift()
        self.focus_target().focus()

    # -- statistics ----------------------------------------------------------------
    @work(thread=True, exclusive=True, group="features.stats", exit_on_error=False)
    def _stats_worker(self, edited: bool, frame: pd.DataFrame) -> None:
        s = self.session
        try:
            progress, is_cancelled = self._progress("features.stats", "Statistics"), self._cancelled()
            if edited:
                profile = dataset_profile(frame, s.features, progress=progress, is_cancelled=is_cancelled)
            else:
                profile = session_profile(s, progress=progress, is_cancelled=is_cancelled)  # once per dataset
        except Cancelled:
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.StatsReady(profile, edited))

    def compute_stats(self, edited: bool) -> None:
        frame = self.session.data
        if edited:
            frame = edited_rows_frame(self.session)
            self._edited_frame = frame
            for key in [k for k in self._plots if k[1] is True]:
                del self._plots[key]
            for key in [k for k in self._groups if k[0] is True]:
                del self._groups[key]
        self._start_job("features.stats", f"Statistics of {len(frame):,} rows", self._stats_worker(edited, frame))

    def on_features_view_stats_ready(self, message: StatsReady) -> None:
        self.profiles[message.edited] = message.profile
        for name, hist in message.profile.histograms.items():
            self._plots[("hist", message.edited, name, message.profile.bins)] = hist
        if self.panel == "stats":
            self._render_stats()

    def _frame(self) -> pd.DataFrame:
        return self._edited_frame if self.show_edited and self._edited_frame is not None else self.session.data

    def _importance_of(self) -> dict[str, float]:
        """Each raw feature's largest mean permutation importance over the models (what the sort uses)."""
        out: dict[str, float] = {}
        for r in self.importance or []:
            for name, value in zip(r.raw.names, r.raw.mean.tolist(), strict=True):
                out[name] = max(out.get(name, -math.inf), value)
        return out

    def _sorted_stats(self, stats: tuple[FeatureStats, ...]) -> list[FeatureStats]:
        """Rows in the chosen order; features without a value (NaN) stay last either way round."""
        key = SORTS[self.sort_index]
        if key == "data order":
            return list(stats)[::-1] if self.sort_reverse else list(stats)
        if key == "name":
            return sorted(stats, key=lambda st: st.name.lower(), reverse=self.sort_reverse)
        imp = self._importance_of()
        value = {
            "missing share": lambda st: st.missing_pct,
            "non-uniformity": lambda st: st.non_uniformity,
            "importance": lambda st: imp.get(st.name, math.nan),
        }[key]
        sign = 1.0 if self.sort_reverse else -1.0  # largest first unless reversed
        return sorted(stats, key=lambda st: (math.isnan(value(st)), 0.0 if math.isnan(value(st)) else sign * value(st)))

    def _render_stats(self) -> None:
        profile = self.profiles.get(self.show_edited)
        if profile is None:
            if "features.stats" not in self._jobs:
                self._status("No statistics: t computes them.")
            return
        table = self.query_one("#feat-table", DataTable)
        imp = self._importance_of()
        table.clear()
        for st in self._sorted_stats(profile.stats):
            name = Text(("⚑ " if st.flags else "") + st.name, style="bold yellow" if st.flags else "")
            missing = f"{st.missing:,} ({st.missing_pct:.1f}%)"
            common = (fmt(st.count), missing)
            importance = _num(imp[st.name]) if st.name in imp else "–"
            nu = "–" if math.isnan(st.non_uniformity) else f"{st.non_uniformity:.3f}"
            if st.kind == "numeric":
                row = (
                    name,
                    "num",
                    *common,
                    "–" if math.isnan(st.zeros_pct) else f"{st.zeros_pct:.1f}%",
                    fmt(st.unique),
                    fmt(st.mean),
                    fmt(st.std),
                    fmt(st.min),
                    fmt(st.median),
                    fmt(st.max),
                    "",
                    nu,
                    importance,
                    ", ".join(st.flags),
                )
            else:
                row = (
                    name,
                    "cat",
                    *common,
                    "",
                    fmt(st.unique),
                    st.top or "–",
                    fmt(st.freq),
                    "",
                    "",
                    "",
                    "–" if math.isnan(st.entropy) else f"{st.entropy:.3f} bits",
                    nu,
                    importance,
                    ", ".join(st.flags),
                )
            table.add_row(*_cells(row), key=st.name)
        self._move_cursor(table)
        self._stats_status()
        self._draw()

    def _stats_status(self) -> None:
        profile = self.profiles.get(self.show_edited)
        if profile is None:
            return
        flagged = sum(1 for st in profile.stats if st.flags)
        which = f"{profile.n_rows:,} edited/added datapoints" if self.show_edited else f"{profile.n_rows:,} rows"
        sort = SORTS[self.sort_index] + (" (reversed)" if self.sort_reverse else "")
        if self._pending_sort_by_importance:
            sort += " (computing…)"
        st = profile.by_name().get(self.selected_name or "")
        flags = f" · {st.name}: {', '.join(st.flags)}" if st is not None and st.flags else ""
        self._status(f"{len(profile.stats)} features · {which} · sorted by {sort} · ⚑ {flagged} flagged{flags}")

    def _move_cursor(self, table: DataTable) -> None:
        if self.selected_name is None:
            return
        try:
            row = table.get_row_index(self.selected_name)
        except Exception:  # the selected feature is not in this table
            return
        if table.cursor_row != row:
            table.move_cursor(row=row)

    @on(DataTable.RowHighlighted)
    def _row(self, event: DataTable.RowHighlighted) -> None:
        table_id = event.data_table.id
        key = event.row_key.value if event.row_key is not None else None
        if key is None:
            return
        if table_id == "feat-table" or (table_id == "imp-table" and not self.engineered):
            if key in self.session.features:
                self.selected_name = key
            if table_id == "feat-table":
                self._stats_status()
                self._draw()
        elif table_id == "drift-table":
            self._drift_selected = key
            if key in self.session.features:
                self.selected_name = key
            self._draw_drift()

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.sort_reverse = False
        self._pending_sort_by_importance = False  # moving on from "importance" drops a sort still waiting for it
        if SORTS[self.sort_index] == "importance" and self.importance is None:
            self._pending_sort_by_importance = True
            self.notify("Sorting by importance once it is computed (permutation importance is running).", timeout=5)
            if "features.importance" not in self._jobs:
                self._run_importance(*self.importance_settings)
        self._render_stats()

    def action_reverse_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._render_stats()

    def action_bins(self, delta: int) -> None:
        self.bins = max(2, min(100, self.bins + 5 * delta if self.bins >= 5 else self.bins + delta))
        self._draw()

    def action_toggle_log(self) -> None:
        self.log_scale = not self.log_scale
        if self.panel == "drift":
            self._draw_drift()
        else:
            self._draw()

    def action_toggle_overlay(self) -> None:
        self.overlay = not self.overlay
        if self.split == "none":
            self.notify("Overlaid / side by side applies to a split histogram: press c to split it.", timeout=4)
        self._draw()

    def action_toggle_edited(self) -> None:
        s = self.session
        if not self.show_edited and not s.overlay.n_changed:
            self.notify("No edited or added datapoints yet: edit them in the Datapoint editor (1).", timeout=5)
            return
        self.show_edited = not self.show_edited
        self.split = "none" if self.split not in self._split_options() else self.split
        if self.show_edited:
            self.compute_stats(True)  # edits change: always recomputed (a few rows)
        else:
            self._render_stats()

    # -- splits -------------------------------------------------------------------------
    def _thresholds(self) -> list[float]:
        """The performance screen's thresholds when it has them, so a split by prediction matches it."""
        s = self.session
        try:
            t = getattr(self.app.query_one("#view-performance"), "thresholds", None)
        except Exception:
            t = None
        if t and len(t) == len(s.models):
            return [float(x) for x in t]
        return [s.task.default_threshold] * len(s.models)

    def _split_options(self) -> list[str]:
        s = self.session
        opts = ["none"]
        if not self.show_edited:
            if s.has_label:
                opts.append("truth")
            if self.ready:
                opts += [f"pred:{i}" for i in range(len(s.models))]
        if self.split_feature is not None:
            opts.append("feature")
        return opts

    def action_cycle_split(self) -> None:
        opts = self._split_options()
        self.split = opts[(opts.index(self.split) + 1) % len(opts)] if self.split in opts else opts[0]
        if len(opts) == 1:
            self.notify(
                "Nothing to split by yet: C picks a feature to split by"
                + ("" if self.ready else "; predictions once scoring is done")
                + ".",
                timeout=5,
            )
        self._draw()

    def action_choose_split_feature(self) -> None:
        s = self.session
        options = [(f, f) for f in s.features]
        if s.label is not None and not self.show_edited:
            options.append((s.label, f"{s.label} (the label)"))

        def chosen(name: str | None) -> None:
            if name is not None:
                self.split_feature = name
                self.split = "feature"
                self._draw()

        self.app.push_screen(
            PickScreen(
                "Split the histogram by which feature?",
                options,
                note="Categories (the 5 largest, the rest as other) or numeric quartiles.",
            ),
            chosen,
        )

    def _split_key(self) -> tuple | None:
        if self.split == "none":
            return None
        if self.split.startswith("pred:"):
            i = int(self.split.split(":")[1])
            return (self.show_edited, "pred", i, self._thresholds()[i])
        if self.split == "feature":
            return (self.show_edited, "feature", self.split_feature)
        return (self.show_edited, "truth")

    def _groups_for(self, key: tuple) -> tuple[np.ndarray, tuple[str, ...], str]:
        """(codes, group names, description) of a split; computed in the plot worker, cached."""
        cached = self._groups.get(key)
        if cached is not None:
            return cached
        s = self.session
        kind = key[1]
        if kind == "feature":
            series = self._frame()[key[2]]
            codes, names = split_groups(series)
            out = (codes, names, f"by {key[2]}")
        elif kind == "truth":
            assert s.y is not None  # the truth split is only offered with a label
            out = self._codes_of(s.y, f"by {s.label} (ground truth)")
        else:
            i, t = key[2], key[3]
            sc = s.scores(i)
            pred = labels_from(sc.score, sc.proba, s.task, t)
            desc = f"by {s.models[i].name}'s prediction" + (f" at {t:.2f}" if s.task.kind == "binary" else "")
            out = self._codes_of(pred, desc)
        self._groups[key] = out
        return out

    def _codes_of(self, values: np.ndarray, desc: str) -> tuple[np.ndarray, tuple[str, ...], str]:
        """Groups by class (classification) or by quartile (regression); rows without a value are in none."""
        s = self.session
        if s.task.kind == "regression":
            codes, names = split_groups(pd.Series(np.asarray(values, dtype=np.float64)))
            return codes, names, desc.replace(" (", " quartiles (", 1) if " (" in desc else desc + " quartiles"
        classes = list(s.task.classes)
        codes = pd.Index(classes, dtype=object).get_indexer(np.asarray(values, dtype=object)).astype(np.int64)
        return codes, tuple(str(c) for c in classes), desc

    # -- the histogram -------------------------------------------------------------------
    def _plot_request(self) -> tuple[tuple, Callable[[], Any]] | None:
        name = self.selected_name
        if name is None or self.profiles.get(self.show_edited) is None:
            return None
        frame, bins, edited = self._frame(), self.bins, self.show_edited
        hist_key = ("hist", edited, name, bins)
        split_key = self._split_key()
        if split_key is None:
            return hist_key, lambda: histogram(frame[name], bins=bins)

        def make() -> SplitHistogram:
            hist = self._plots.get(hist_key) or histogram(frame[name], bins=bins)
            codes, groups, _ = self._groups_for(split_key)
            return split_histogram(frame[name], hist, codes, groups)

        return ("split", edited, name, bins, split_key), make

    @work(thread=True, exclusive=True, group="features.plot", exit_on_error=False)
    def _plot_worker(self, key: tuple, make: Callable[[], Any]) -> None:
        result = make()
        if not get_current_worker().is_cancelled:
            self.post_message(self.PlotReady(key, result))

    def on_features_view_plot_ready(self, message: PlotReady) -> None:
        self._plots[message.key] = message.result
        if message.key[0] == "drift":
            self._draw_drift()
        else:
            self._draw()

    def _draw(self) -> None:
        if self.panel != "stats":
            return
        request = self._plot_request()
        if request is None:
            return
        key, make = request
        result = self._plots.get(key)
        if result is None:
            self._plot_worker(key, make)
            return
        name = self.selected_name
        plot = self.query_one("#feat-plot", PlotextPlot)
        if isinstance(result, Histogram):
            title = f"{name}" + (f" · {self.bins} bins" if result.edges is not None else "")
            if result.missing:
                title += f" · {result.missing:,} missing"
            if self.show_edited:
                title += " · edited/added rows"
            show_figure(plot, HistogramFigure(result, title, log=self.log_scale))
            return
        hist = result.histogram
        split_key = self._split_key()
        assert split_key is not None  # a split result comes only from a split request
        _, _, desc = self._groups_for(split_key)
        title = f"{name}" + (f" · {self.bins} bins" if hist.edges is not None else "") + f" · {desc}"
        if not self.overlay:
            title += " · side by side"
        show_figure(plot, SplitHistogramFigure(result, title, overlay=self.overlay, log=self.log_scale))

    # -- importance -------------------------------------------------------------------------
    def _available_rows(self) -> np.ndarray:
        return importance_rows(self.session)

    def action_importance(self) -> None:
        if self.importance is None and "features.importance" not in self._jobs:
            self._run_importance(*self.importance_settings)
        self.action_show_panel("importance")

    def action_importance_settings(self) -> None:
        available = len(self._available_rows())
        size, repeats, seed = self.importance_settings

        def check(values: dict[str, str]) -> tuple[int, int, int]:
            n = check_sample_size(values["sample"], available)
            r = check_repeats(values["repeats"])
            try:
                sd = int(values["seed"])
            except ValueError:
                raise WitError(
                    f"The seed {values['seed']!r} is not a whole number.",
                    f"Give a whole number from 0 to {2**32 - 1:,}.",
                ) from None
            if not 0 <= sd < 2**32:  # what numpy's and sklearn's random states accept
                raise WitError(f"The seed must be from 0 to {2**32 - 1:,}, not {sd:,}.", "0 is the usual choice.")
            return n, r, sd

        def done(result: tuple[int, int, int] | None) -> None:
            if result is not None:
                self.importance_settings = result
                self._run_importance(*result)
                self.action_show_panel("importance")

        rows = "labelled rows" if self.session.has_label else "rows"
        self.app.push_screen(
            FormScreen(
                "Permutation importance",
                [
                    FormField("sample", f"Sample size (1 to {available:,} {rows}):", str(min(size, available))),
                    FormField("repeats", "Repeats per column (1 to 100):", str(repeats)),
                    FormField("seed", "Random seed (sample and shuffles):", str(seed)),
                ],
                check,
                note="Larger samples and more repeats give steadier numbers and take longer.",
            ),
            done,
        )

    def _run_importance(self, size: int, repeats: int, seed: int) -> None:
        if not self.ready and not self.session.has_label:
            self.notify("Scoring is still running; importance without a label needs the predictions.", timeout=5)
            return
        size = min(size, len(self._available_rows()))  # the default 2,000 on a smaller dataset: all of it
        self.importance_settings = (size, repeats, seed)
        self._start_job("features.importance", "Permutation importance", self._importance_worker(size, repeats, seed))

    @work(thread=True, exclusive=True, group="features.importance", exit_on_error=False)
    def _importance_worker(self, size: int, repeats: int, seed: int) -> None:
        worker = get_current_worker()
        try:
            imp = session_importance(
                self.session,
                size,
                repeats,
                seed,
                progress_for=lambda label: self._progress("features.importance", label),
                is_cancelled=self._cancelled(),
            )
        except Cancelled:
            return
        if not worker.is_cancelled:
            self.post_message(self.ImportanceReady(list(imp.results), imp.settings))

    def on_features_view_importance_ready(self, message: ImportanceReady) -> None:
        self.importance = message.results
        if self._pending_sort_by_importance:
            self._pending_sort_by_importance = False
            self.sort_index = SORTS.index("importance")
        if self.panel == "importance":
            self._render_importance()
        elif self.panel == "stats":
            self._render_stats()

    def action_toggle_engineered(self) -> None:
        self.engineered = not self.engineered
        self._render_importance()

    def _render_importance(self) -> None:
        note = self.query_one("#imp-note", Static)
        t1 = self.query_one("#imp-table", DataTable)
        t2 = self.query_one("#imp-table-2", DataTable)
        if self.importance is None:
            size, repeats, seed = self.importance_settings
            running = "features.importance" in self._jobs
            note.update(
                Text(
                    f"Shuffling each column of {size:,} rows, {repeats} times per model (seed {seed})…"
                    if running
                    else "No importance yet: i computes it, I sets the sample size, repeats and seed."
                )
            )
            t1.clear(columns=True)
            t2.display = False
            self._status("Permutation importance: how much each model's score drops when one column is shuffled.")
            return
        res = self.importance
        first = res[0]
        n, repeats, seed = first.n_rows, first.n_repeats, first.random_state
        self._status(
            f"Permutation importance · drop in {first.scoring_label} vs {first.target} when one column is "
            f"shuffled · {n:,} rows × {repeats} repeats, seed {seed} · mean ± std"
        )
        if not self.engineered:
            self._raw_table(t1, res)
            t2.display = False
            own = [f"{r.model}: {r.own.description}" for r in res if r.own is not None and r.own.names == r.raw.names]
            text = "Raw input columns (e: engineered columns)."
            if own:
                text += " own = " + "; ".join(own) + "."
            note.update(Text(text))
            self._move_cursor(t1)
            return
        for table, r in zip((t1, t2), res, strict=False):
            self._engineered_table(table, r)
        t2.display = len(res) > 1
        self._arrange_importance_tables()
        parts = ["(e: raw columns)"]
        if any(r.engineered is not None for r in res):
            parts.append(
                "Engineered: the pipeline's steps before the final estimator transform the sample once; "
                "each resulting column (get_feature_names_out) is shuffled and scored by the final estimator."
            )
        # a model that is not a Pipeline says so in its own table; only a failure needs the note's room
        parts += [
            f"{r.model}: {r.engineered_note}"
            for r in res
            if r.engineered is None and "raw columns directly" not in r.engineered_note
        ]
        parts += [f"own = {r.model}'s {r.own.description}." for r in res if r.own is not None]
        note.update(Text(" ".join(parts)))

    def _arrange_importance_tables(self) -> None:
        """Two models' engineered tables side by side on a wide terminal, one above the other on a narrow one."""
        box = self.query_one("#imp-tables")
        box.styles.layout = "horizontal" if self.size.width >= 120 else "vertical"

    def on_resize(self) -> None:
        if self.panel == "importance":
            self._arrange_importance_tables()

    def _raw_table(self, table: DataTable, res: list[ModelImportance]) -> None:
        table.clear(columns=True)
        cols = ["feature"]
        for r in res:
            cols += [f"{r.model} Δ{r.scoring_label}", "± std", ""]
            if r.own is not None and r.own.names == r.raw.names:
                cols.append(f"{r.model} own")
        table.add_columns(*_cells(cols))
        per_model = [
            dict(zip(r.raw.names, zip(r.raw.mean.tolist(), r.raw.std.tolist(), strict=True), strict=True)) for r in res
        ]
        top = max((float(r.raw.mean.max()) for r in res if len(r.raw.mean)), default=0.0)
        imp = self._importance_of()
        names = sorted(imp, key=lambda f: -imp[f])
        for name in names:
            row: list[Any] = [name]
            for r, values in zip(res, per_model, strict=True):
                mean, std = values.get(name, (math.nan, math.nan))
                row += [_num(mean), _num(std), _bar(mean, top)]
                if r.own is not None and r.own.names == r.raw.names:
                    row.append(_num(float(r.own.values[r.raw.names.index(name)])) if name in r.raw.names else "–")
            table.add_row(*_cells(row), key=name)

    def _engineered_table(self, table: DataTable, r: ModelImportance) -> None:
        table.clear(columns=True)
        if r.engineered is None:
            table.add_columns(Text(f"{r.model}: no engineered view"))
            table.add_row("same as the raw columns" if "raw columns directly" in r.engineered_note else "–")
            return
        eng = r.engineered
        own = r.own if r.own is not None and r.own.names == eng.names else None
        cols = [f"{r.model}: engineered column", f"Δ{r.scoring_label}", "± std"]
        if own is not None:
            cols.append(f"own {own.attribute}")
        table.add_columns(*_cells(cols))
        for j in eng.order():
            row = [eng.names[j], _num(float(eng.mean[j])), _num(float(eng.std[j]))]
            if own is not None:
                row.append(_num(float(own.values[j])))
            table.add_row(*_cells(row), key=f"{r.model}:{eng.names[j]}")

    # -- surrogate ----------------------------------------------------------------------------
    def action_surrogate(self) -> None:
        if not self.ready:
            self.notify(
                "Scoring is still running: the surrogate mimics the predictions, so it waits for them.", timeout=5
            )
            return
        self.app.push_screen(SurrogateScreen(self.session, self._thresholds()))

    # -- drift ----------------------------------------------------------------------------------
    def action_drift(self) -> None:
        if not self.ready:
            self.notify(
                "Scoring is still running; drift of the predictions needs them. Try again in a moment.", timeout=5
            )
            return
        if self.drift is not None or "features.drift" in self._jobs:
            self.action_show_panel("drift")
            return
        if getattr(self.session, "reference", None) is not None:
            self._run_drift(("file",))
        else:
            self.action_drift_split(first=True)

    def action_drift_split(self, first: bool = False) -> None:
        s = self.session
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
                self.notify(f"{column} {what}: it cannot split the data.", severity="warning")
                return

            def chose_value(value: str | None) -> None:
                if value is not None:
                    self._run_drift(("split", column, value))

            self.app.push_screen(PickScreen(f"Reference: the rows where {column} is…", options[:200]), chose_value)

        self.app.push_screen(
            PickScreen("Drift: split the data by which column?", [(c, c) for c in columns], note=note), chose_column
        )

    def _run_drift(self, source: tuple) -> None:
        if not self.ready:
            self.notify(
                "Scoring is still running; drift of the predictions needs them. Try again in a moment.", timeout=5
            )
            return
        self.drift_source = source
        self.drift = None
        self._start_job("features.drift", "Drift", self._drift_worker(source))
        self.action_show_panel("drift")

    @work(thread=True, exclusive=True, group="features.drift", exit_on_error=False)
    def _drift_worker(self, source: tuple) -> None:
        worker = get_current_worker()
        try:
            drift = session_drift(
                self.session,
                source,
                progress_for=lambda label: self._progress("features.drift", label),
                is_cancelled=self._cancelled(),
            )
        except Cancelled:
            return
        if not worker.is_cancelled:
            frames = (drift.reference, drift.current, drift.reference_predictions, drift.current_predictions)
            self.post_message(self.DriftReady(drift.report, source, frames))

    def on_features_view_drift_ready(self, message: DriftReady) -> None:
        self.drift, self.drift_source, self._drift_frames = message.report, message.source, message.frames
        for key in [k for k in self._plots if k[0] == "drift"]:
            del self._plots[key]
        if self.panel == "drift":
            self._render_drift()

    def _drift_rows(self) -> list:
        r = self.drift
        if r is None:
            return []
        by_psi = sorted(r.features, key=lambda d: (math.isnan(d.psi), 0.0 if math.isnan(d.psi) else -d.psi))
        return list(r.predictions) + by_psi

    def _render_drift(self) -> None:
        table = self.query_one("#drift-table", DataTable)
        r = self.drift
        if r is None:
            self.query_one("#drift-note").display = False
            running = "features.drift" in self._jobs
            self._status(
                "Drift is being computed…"
                if running
                else "No drift yet: d compares with --reference (or a column value), D picks a column value."
            )
            table.clear(columns=True)
            return
        self._status(
            f"Drift: reference {r.reference} ({r.n_reference:,} rows) vs {r.current} ({r.n_current:,} rows)"
            " · PSI < 0.1 stable, 0.1–0.25 moderate, ≥ 0.25 significant"
        )
        notes = list(r.notes)
        if r.missing_in_reference:
            notes.insert(0, f"Left out (not in the reference): {', '.join(r.missing_in_reference)}.")
        note = self.query_one("#drift-note", Static)
        note.update(Text(" ".join(notes)))
        note.display = bool(notes)
        table.clear(columns=True)
        table.add_columns("feature", "type", "PSI", "band", "test", "statistic", "p-value", "JS dist.", "note")
        for d in self._drift_rows():
            band = Text(d.band, style=BAND_STYLE.get(d.band, ""))
            name = f"{d.name} (label)" if d.name == self.session.label else d.name
            table.add_row(
                *_cells(
                    [
                        name,
                        "num" if d.kind == "numeric" else "cat",
                        _num(d.psi),
                        band,
                        d.test,
                        _num(d.statistic),
                        _p(d.pvalue),
                        _num(d.js_distance),
                        d.note,
                    ]
                ),
                key=d.name,
            )
        rows = self._drift_rows()
        current = self._drift_selected
        if current not in {d.name for d in rows}:  # first look: the top row, the largest drift
            current = rows[0].name if rows else None
        self._drift_selected = current
        if current is not None:
            table.move_cursor(row=table.get_row_index(current))
        self._draw_drift()

    def _draw_drift(self) -> None:
        if self.panel != "drift" or self.drift is None or self._drift_frames is None:
            return
        name = self._drift_selected
        if name is None:
            return
        ref, cur, ref_preds, cur_preds = self._drift_frames
        bins = self.bins
        key = ("drift", self.drift_source, name, bins)
        result = self._plots.get(key)
        if result is None:
            if name.startswith("prediction: "):
                model = name.split(": ", 1)[1]
                make = lambda: compare_histogram(ref_preds[model], cur_preds[model], bins=bins)  # noqa: E731
            else:
                make = lambda: compare_histogram(ref[name], cur[name], bins=bins)  # noqa: E731
            self._plot_worker(key, make)
            return
        title = f"{name} · reference vs current"
        figure = SplitHistogramFigure(result, title, log=self.log_scale)
        show_figure(self.query_one("#drift-plot", PlotextPlot), figure)

    # -- the session ---------------------------------------------------------------------------
    def session_ready(self) -> None:
        super().session_ready()
        self.refresh_bindings()
