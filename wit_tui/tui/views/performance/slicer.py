"""Which slices the screen shows: ``b``/``x`` pick the features, ``B`` an expression, ``n``/``u`` the buckets (a
count or edges); one job builds the table from the screen's :class:`SliceSpec`."""

from __future__ import annotations

from typing import Protocol

from wit_tui.engine.analysis.slice_table import SliceMetricsTable, slicing_table
from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.edge_slices import parse_buckets
from wit_tui.engine.predicate_slices import predicate_mask
from wit_tui.engine.spec_slicing import spec_slicing_of
from wit_tui.tui.dialogs.form import FormField, FormScreen
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.views.base import SessionView
from wit_tui.tui.views.performance.common import Panel, PerfState
from wit_tui.tui.views.performance.decisions import DecisionEditor

GROUP = "perf.slices"
#: the first entry of ``b``'s pick list: slice by a filter expression instead of a feature
EXPRESSION = "An expression…"


class SliceHost(Protocol):
    """What the slicer needs from the view: where to draw and which panel is shown."""

    @property
    def panel(self) -> Panel: ...

    def action_show_panel(self, panel: Panel) -> None: ...

    def render_all(self) -> None: ...


class Slicer:
    """The slicing keys and the slicing job; a new slicing clears the per-slice thresholds (via the editor)."""

    ACTIONS = frozenset({"slice_feature", "slice_where", "buckets", "equal_width"})

    def __init__(self, view: SessionView, host: SliceHost, state: PerfState, editor: DecisionEditor) -> None:
        self.view = view
        self.host = host
        self.state = state
        self.editor = editor

    def can(self, action: str, parameters: tuple = ()) -> bool:
        if not (self.view.ready and self.view.decisions.truth is not None):
            return False
        return action != "slice_feature" or parameters[0] == 1 or self.state.slices.active

    def action_slice_feature(self, which: int) -> None:
        slices, truth = self.state.slices, self.view.decisions.truth
        feats = [f for f in self.view.session.features if truth is None or f != truth.label]
        first = slices.features[0] if slices.features and slices.where is None else None
        if which == 2:
            feats = [f for f in feats if f != first]
        options = ([EXPRESSION] if which == 1 else []) + ["(none)"] + feats
        now = (slices.features[0] if slices.features else None) if which == 1 else self._crossed()
        current = options.index(now) if now in options else options.index("(none)")

        def picked(k: int | None) -> None:
            if k is None:
                return
            if options[k] == EXPRESSION:
                self.action_slice_where()
                return
            feature = None if options[k] == "(none)" else options[k]
            if which == 1:
                rest = [f for f in slices.features[1:] if f != feature] if slices.where is None else []
                slices.features, slices.where = ([] if feature is None else [feature, *rest]), None
            elif slices.where is not None:  # crossing an expression: the feature is the other dimension
                slices.features = [] if feature is None else [feature]
            else:
                slices.features = slices.features[:1] + ([] if feature is None else [feature])
            self.changed()

        what = slices.where if slices.where is not None else (slices.features[0] if slices.features else "")
        title = "Slice by which feature?" if which == 1 else f"Cross {what} with which feature?"
        self.view.app.push_screen(PickScreen(title, options, current), picked)

    def _crossed(self) -> str | None:
        """The feature ``x`` crossed the slicing with (the expression's feature, or the second feature)."""
        slices = self.state.slices
        if slices.where is not None:
            return slices.features[0] if slices.features else None
        return slices.features[1] if len(slices.features) > 1 else None

    def action_slice_where(self) -> None:
        """``B``: slice by a filter expression (the rows matching it and the rest); a bad one keeps the form open
        with the filter's message, and the slicing shown stays as it was."""
        data = self.view.session.data

        def check(values: dict[str, str]) -> str:
            text = values["where"].strip()
            predicate_mask(data, text)  # the filter's WitError, shown in the form
            return text

        def done(text: str | None) -> None:
            if text is not None:
                slices = self.state.slices
                slices.where, slices.features = text, []
                self.changed()

        note = (
            'The filter language of the datapoints screen: age >= 65 and sex == "Female", '
            'education in ["Bachelors", "Masters"], capital_gain is missing. Two slices: the rows that match, '
            "and the rest, named not (…). x then crosses them with a feature."
        )
        field = FormField("where", "expression", self.state.slices.where or "")
        self.view.app.push_screen(FormScreen("Slice by an expression", [field], check, note=note), done)

    def action_buckets(self) -> None:
        slices, data = self.state.slices, self.view.session.data
        numeric = [f for f in slices.features if is_numeric(data[f])]

        def check(values: dict[str, str]) -> int | tuple[float, ...]:
            got = parse_buckets(values["n"])
            if isinstance(got, tuple) and not numeric:
                raise WitError(
                    "Bucket edges cut numeric features, and the slicing has none.",
                    "Slice by a numeric feature first (b), or give a bucket count.",
                )
            return got

        def done(got: int | tuple[float, ...] | None) -> None:
            if got is None:
                return
            if isinstance(got, tuple):
                slices.edges = dict.fromkeys(numeric, got)
            elif got != slices.buckets or slices.edges:
                slices.buckets, slices.edges = got, {}
            else:
                return
            self.changed()

        note = (
            "A count: quantile buckets (pd.qcut) by default, u switches to equal width; a numeric feature with at "
            "most this many values, or a count-like one, gets one slice per value. Edges (0, 1, 3, 10): the buckets "
            "[0, 1], (1, 3], (3, 10] of the numeric features sliced by, as pd.cut(right=True, include_lowest=True); "
            "values outside them go to (-inf, 0) and (10, inf)."
        )
        now = slices.edges.get(numeric[0]) if numeric else None
        shown = ", ".join(f"{e:g}" for e in now) if now else str(slices.buckets)
        field = FormField("n", "number of buckets (1 to 1000), or edges such as 0, 1, 3, 10", shown)
        self.view.app.push_screen(FormScreen("Buckets for numeric features", [field], check, note=note), done)

    def action_equal_width(self) -> None:
        slices = self.state.slices
        slices.equal_width = not slices.equal_width
        self.view.say(f"Numeric slices: {'equal-width' if slices.equal_width else 'quantile'} buckets.")
        self.changed()

    def changed(self, focus: tuple | None = None) -> None:
        """The slicing asked for changed: the old table goes, a new one is built."""
        slices = self.state.slices
        slices.table = None
        slices.focus_key = focus
        self.view.jobs.invalidate(GROUP)
        self.editor.slices_changed()
        if slices.active:
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
        spec, title = slices.spec, slices.title
        ovr_class = self.view.decisions.ovr_class

        def run(_progress, _cancelled) -> SliceMetricsTable:
            slicing = spec_slicing_of(session.data, spec, rows=truth.labelled)
            return slicing_table(session, truth, slicing, f"Slicing by {title}", ovr_class=ovr_class)

        self.view.jobs.run(GROUP, f"Slicing by {title}…", run)

    def done(self, table: SliceMetricsTable) -> None:
        slices = self.state.slices
        slices.good = slices.spec
        slices.table = table
        self.editor.slices_ready()

    def failed(self) -> None:
        """A slicing that failed (e.g. an identifier column): back to the slices that worked."""
        slices = self.state.slices
        slices.set_spec(slices.good)
        slices.table = None
        self.editor.pending_strategy = None
        if slices.active:
            self.start()

    def cancelled(self) -> None:
        """No half-built slices: back to none."""
        slices = self.state.slices
        slices.features, slices.where = [], None
        slices.table = None
        self.editor.pending_strategy = None


__all__ = ["Slicer"]
