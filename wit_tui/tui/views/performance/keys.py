"""Every key of the performance screen, by where it applies: the whole view, the slice table, the worst slices.

A key that applies to one panel is bound on that panel's class, so the footer shows it only while the panel has
the focus (and the footer of each panel fits 80 columns). ``←/→ h/l`` belong to the tables (the column cursor),
so the panels are reached with ``a`` overview, ``d`` slices (the disaggregated metrics), ``w`` worst slices.
``s`` / ``S`` sort the table shown by its current column, in both tables the same binding.
"""

from __future__ import annotations

from textual.actions import parse
from textual.binding import Binding, BindingType

THRESHOLD = Binding.Group("Thr")
SORT = Binding.Group("Sort")

#: the keys of the whole screen (thresholds, strategy, cost, ground truth, the panels)
VIEW_KEYS: list[BindingType] = [
    Binding("a", "show_panel('overview')", "Overview", id="perf.overview"),
    Binding("d", "show_panel('slices')", "Slices", id="perf.slices"),
    Binding("w", "worst", "Worst", tooltip="Worst slices (and recompute them)", id="perf.worst"),
    Binding("C", "show_panel('calibration')", "Calibration", show=False, id="perf.calibration"),
    Binding("right_square_bracket", "threshold(1)", "Thr +0.01", key_display="]", group=THRESHOLD, id="perf.up"),
    Binding("left_square_bracket", "threshold(-1)", "Thr −0.01", key_display="[", group=THRESHOLD, id="perf.down"),
    Binding("right_curly_bracket", "threshold(10)", "Thr +0.1", key_display="}", show=False, id="perf.up10"),
    Binding("left_curly_bracket", "threshold(-10)", "Thr −0.1", key_display="{", show=False, id="perf.down10"),
    Binding("f", "strategy", "Strategy", id="perf.strategy"),
    Binding("b", "slice_feature(1)", "Slice by", id="perf.slice1"),
    Binding("B", "slice_where", "Slice by an expression…", show=False, id="perf.slice_where"),
    Binding("v", "validate", "Validate", id="perf.validate"),
    Binding("t", "type_threshold", "Type thr", id="perf.type_threshold"),
    Binding("r", "reset_threshold", "Reset thresholds", show=False, id="perf.reset"),
    Binding("c", "cost_ratio", "Cost ratio FP:FN…", show=False, id="perf.cost_ratio"),
    Binding("o", "cost_optimal", "Cost-optimal thresholds", show=False, id="perf.cost_optimal"),
    Binding("T", "tolerance", "Fairness tolerance…", show=False, id="perf.tolerance"),
    Binding("g", "ground_truth", "Ground truth…", show=False, id="perf.ground_truth"),
    Binding("p", "positive", "Positive class…", show=False, id="perf.positive"),
    Binding("escape", "cancel", "Cancel the running job", show=False, id="perf.cancel"),
    Binding("I", "intervals", "Intervals on / off (overview, slice table)", show=False, id="perf.intervals"),
    Binding(
        "ctrl+e",
        "export_decisions",
        "Export the decisions to a file (--decisions)",
        show=False,
        id="perf.export_decisions",
    ),
]

#: sort the table shown by its current column (the slice table and the worst slices alike)
SORT_KEYS: list[BindingType] = [
    Binding("s", "sort_column(False)", "Sort ascending by the current column", group=SORT, id="perf.sort"),
    Binding("S", "sort_column(True)", "Sort descending by the current column", group=SORT, id="perf.sort_desc"),
]

#: the slice table's keys
SLICE_KEYS: list[BindingType] = [
    *SORT_KEYS,
    Binding("x", "slice_feature(2)", "Cross", tooltip="Cross the slices with a second feature", id="perf.slice2"),
    Binding("e", "edit_slice_threshold", "Slice thr", id="perf.slice_threshold"),
    Binding("O", "sort", "Sort slices by… (pick a column)", show=False, id="perf.sort_pick"),
    Binding("n", "buckets", "Bucket count or edges…", show=False, id="perf.buckets"),
    Binding("u", "equal_width", "Equal-width / quantile buckets", show=False, id="perf.equal_width"),
    Binding("i", "model_columns", "Slice table: both models / one", show=False, id="perf.model_columns"),
    Binding("plus", "slice_step(1)", "Slice thr +0.01", key_display="+", show=False, id="perf.slice_up"),
    Binding("minus", "slice_step(-1)", "Slice thr −0.01", key_display="-", show=False, id="perf.slice_down"),
    Binding("D", "slice_detail", "Slice details: curves, confusion, reliability", show=False, id="perf.slice_detail"),
]

#: the worst slices' keys
WORST_KEYS: list[BindingType] = [
    *SORT_KEYS,
    Binding("m", "worst_metric", "Metric", id="perf.worst_metric"),
    Binding("X", "toggle_crosses", "Crosses", id="perf.crosses"),
    Binding("M", "rank_model", "Rank by the other model", show=False, id="perf.rank_model"),
]

#: the calibration panel's keys
CALIBRATION_KEYS: list[BindingType] = [
    Binding(
        "U",
        "calibration_bins",
        "Bins: uniform / quantile",
        tooltip="The reliability diagram's bins: equal width or by quantile",
        id="perf.calibration_bins",
    ),
]

NO_TRUTH = "No ground truth: press g to pick the column that holds the true answer."


def key_of(bindings: list[BindingType], action: str, parameters: tuple = ()) -> str:
    """How the key of ``action(parameters)`` is shown, for the words that say why it did nothing."""
    for b in bindings:
        if isinstance(b, Binding):
            _, name, params = parse(b.action)
            if name == action and (not parameters or params == parameters):
                return b.key_display or b.key.split(",")[0]
    return action


__all__ = [
    "CALIBRATION_KEYS",
    "NO_TRUTH",
    "SLICE_KEYS",
    "SORT",
    "SORT_KEYS",
    "THRESHOLD",
    "VIEW_KEYS",
    "WORST_KEYS",
    "key_of",
]
