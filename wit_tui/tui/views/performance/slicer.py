"""Which slices the screen shows: ``b``/``x`` pick the features, ``n``/``u`` the buckets; one job builds the table."""

from __future__ import annotations

from typing import Protocol

from wit_tui.engine.analysis.slice_table import SliceMetricsTable, slice_table
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.slicing import check_buckets
from wit_tui.tui.dialogs.form import FormField, FormScreen
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.views.base import SessionView
from wit_tui.tui.views.performance.common import Panel, PerfState
from wit_tui.tui.views.performance.decisions import DecisionEditor

GROUP = "perf.slices"


class SliceHost(Protocol):
    """What the slicer needs from the view: where to draw and which panel is shown."""

    @property
    def panel(self) -> Panel: ...

    def action_show_panel(self, panel: Panel) -> None: ...

    def render_all(self) -> None: ...


class Slicer:
    """The slicing keys and the slicing job; a new slicing clears the per-slice thresholds (via the editor)."""

    ACTIONS = frozenset({"slice_feature", "buckets", "equal_width"})

    def __init__(self, view: SessionView, host: SliceHost, state: PerfState, editor: DecisionEditor) -> None:
        self.view = view
        self.host = host
        self.state = state
        self.editor = editor

    def can(self, action: str, parameters: tuple = ()) -> bool:
        if not (self.view.ready and self.view.decisions.truth is not None):
            return False
        return action != "slice_feature" or parameters[0] == 1 or bool(self.state.slices.features)

    def action_slice_feature(self, which: int) -> None:
        slices, truth = self.state.slices, self.view.decisions.truth
        feats = [f for f in self.view.session.features if truth is None or f != truth.label]
        if which == 2:
            feats = [f for f in feats if f != slices.features[0]]
        options = ["(none)"] + feats
        now = slices.features[which - 1] if len(slices.features) >= which else None
        current = options.index(now) if now in options else 0

        def picked(k: int | None) -> None:
            if k is None:
                return
            feature = None if k == 0 else options[k]
            if which == 1:
                rest = [f for f in slices.features[1:] if f != feature]
                slices.features = [] if feature is None else [feature, *rest]
            else:
                slices.features = slices.features[:1] + ([] if feature is None else [feature])
            self.changed()

        title = "Slice by which feature?" if which == 1 else f"Cross {slices.features[0]} with which feature?"
        self.view.app.push_screen(PickScreen(title, options, current), picked)

    def action_buckets(self) -> None:
        def check(values: dict[str, str]) -> int:
            text = values["n"].strip()
            try:
                n = int(text)
            except ValueError:
                raise WitError(f"The number of buckets must be a whole number, not {text!r}.", "Type e.g. 4.") from None
            return check_buckets(n)

        def done(n: int | None) -> None:
            if n is not None and n != self.state.slices.buckets:
                self.state.slices.buckets = n
                self.changed()

        note = (
            "Quantile buckets (pd.qcut) by default; u switches to equal width. "
            "A numeric feature with at most this many values gets one slice per value."
        )
        field = FormField("n", "number of buckets (1 to 1000)", str(self.state.slices.buckets))
        self.view.app.push_screen(FormScreen("Buckets for numeric features", [field], check, note=note), done)

    def action_equal_width(self) -> None:
        slices = self.state.slices
        slices.equal_width = not slices.equal_width
        self.view.say(f"Numeric slices: {'equal-width' if slices.equal_width else 'quantile'} buckets.")
        self.changed()

    def changed(self, focus: tuple | None = None) -> None:
        """The features or buckets changed: the old table goes, a new one is built."""
        slices = self.state.slices
        slices.table = None
        slices.focus_key = focus
        self.view.jobs.invalidate(GROUP)
        self.editor.slices_changed()
        if slices.features:
            self.start()
            if self.host.panel == "overview":
                self.host.action_show_panel("slices")
        else:
            self.view.jobs.cancel(GROUP)
        self.host.render_all()

    def start(self) -> None:
        slices, session = self.state.slices, self.view.session
        truth = self.view.decisions.truth
        assert truth is not None  # slicing needs a prepared ground truth
        features, buckets, equal_width = list(slices.features), slices.buckets, slices.equal_width
        ovr_class = self.view.decisions.ovr_class

        def run(_progress, _cancelled) -> SliceMetricsTable:
            return slice_table(session, truth, features, buckets, equal_width=equal_width, ovr_class=ovr_class)

        self.view.jobs.run(GROUP, f"Slicing by {' × '.join(features)}…", run)

    def done(self, table: SliceMetricsTable) -> None:
        slices = self.state.slices
        slices.good_features = list(slices.features)
        slices.table = table
        self.editor.slices_ready()

    def failed(self) -> None:
        """A slicing that failed (e.g. an identifier column): back to the slices that worked."""
        slices = self.state.slices
        slices.features = list(slices.good_features)
        slices.table = None
        self.editor.pending_strategy = None
        if slices.features:
            self.start()

    def cancelled(self) -> None:
        """No half-built slices: back to none."""
        self.state.slices.features = []
        self.state.slices.table = None
        self.editor.pending_strategy = None


__all__ = ["Slicer"]
