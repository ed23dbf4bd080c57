"""What the performance screen's parts share: labels, number formats, the slicing shown, the decisions' numbers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget
from textual.widgets import DataTable, Static

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.ground_truth import GroundTruth
from wit_tui.engine.analysis.performance import truth_index
from wit_tui.engine.analysis.slice_table import SliceMetricsTable
from wit_tui.engine.metrics.binary import BinaryMetrics
from wit_tui.engine.metrics.thresholds import STRATEGIES, StrategyResult
from wit_tui.engine.metrics.undefined import NOBODY_POSITIVE
from wit_tui.engine.session.session import Session
from wit_tui.engine.slice_spec import SliceSpec
from wit_tui.engine.slicing import DEFAULT_BUCKETS, Slicing
from wit_tui.render.stacked import middle
from wit_tui.render.tables import layout_key, num, signed, thr
from wit_tui.tui.widgets.wide_table import WideTable

Panel = Literal["overview", "slices", "worst", "calibration"]
#: a slice's name is never shortened below this many cells in a table (nor a feature's in ``feature=value``)
NAME_MIN, FEATURE_MIN = 12, 6
RATE_LABELS = {
    "selection_rate": "selection rate",
    "recall": "TPR (recall)",
    "fpr": "FPR",
    "fnr": "FNR",
    "accuracy": "accuracy",
    "precision": "precision",
}
GAP_LABELS = {
    "demographic_parity_difference": "demographic parity difference",
    "demographic_parity_ratio": "demographic parity ratio",
    "equalized_odds_difference": "equalized odds difference",
    "equalized_odds_ratio": "equalized odds ratio",
    "equal_opportunity_difference": "equal opportunity difference",
    "equal_opportunity_ratio": "equal opportunity ratio",
}


@dataclass(frozen=True)
class StrategyRun:
    """A strategy's results and the decisions they made (``key``: stale once the decisions' key differs)."""

    strategy: str
    ratio: float
    results: list[StrategyResult]
    thresholds: tuple[float, ...]
    per_slice: bool
    key: tuple[Any, ...]


class SliceState:
    """The slicing the screen shows: which features, how numeric ones are bucketed (a count, or edges the user
    typed), the predicate (``B``), and the table once built."""

    def __init__(self) -> None:
        self.features: list[str] = []
        self.buckets = DEFAULT_BUCKETS
        self.equal_width = False
        self.edges: dict[str, tuple[float, ...]] = {}  # typed with n: they replace the buckets of these features
        self.where: str | None = None  # a filter expression: its rows and the rest (crossed with the features)
        self.table: SliceMetricsTable | None = None
        self.good: SliceSpec = SliceSpec()  # the last slicing that worked
        self.focus_key: tuple | None = None  # a worst slice to put the slice table's cursor on

    @property
    def active(self) -> bool:
        """Whether a slicing is asked for (by features or by an expression)."""
        return bool(self.features) or self.where is not None

    @property
    def slicing(self) -> Slicing | None:
        return None if self.table is None else self.table.slicing

    @property
    def sidx(self) -> list | None:
        return None if self.table is None or self.table.indexes is None else list(self.table.indexes)

    @property
    def n_slices(self) -> int:
        return 0 if self.table is None else self.table.slicing.n_slices

    @property
    def key(self) -> tuple[Any, ...] | None:
        """Names the slicing shown (per-slice thresholds belong to it); None while there is none."""
        if self.table is None:
            return None
        return self.spec.key()

    @property
    def spec(self) -> SliceSpec:
        """The slicing asked for, as the decisions file and the report describe it."""
        edges = {f: e for f, e in self.edges.items() if f in self.features}
        return SliceSpec(tuple(self.features), self.buckets, self.equal_width, edges, self.where)

    def set_spec(self, spec: SliceSpec) -> None:
        """Ask for ``spec``'s slicing (the table is rebuilt by the slicer)."""
        self.features = list(spec.features)
        self.buckets, self.equal_width = spec.buckets, spec.equal_width
        self.edges, self.where = dict(spec.edges), spec.where

    @property
    def title(self) -> str:
        """What the slices are of: ``sex × race``, ``age >= 65``, ``sex × age >= 65``."""
        return " × ".join([*self.features, *([] if self.where is None else [self.where])])

    def name(self) -> str:
        if not self.active:
            return "none (b)"
        return self.title + (f" ({self.n_slices})" if self.table is not None else " (…)")

    def codes(self) -> np.ndarray | None:
        return None if self.table is None else self.table.slicing.codes


class PerfState:
    """What the parts of the screen share besides the app's decisions: the slicing and the last strategy run."""

    def __init__(self) -> None:
        self.slices = SliceState()
        self.strategy_run: StrategyRun | None = None


def strategy_block(names: list[str], decisions: Decisions, run: StrategyRun | None) -> list[Text]:
    """The strategy's costs and gaps while they describe the decisions made; else one line saying they are stale."""
    if run is None:
        return []
    if run.key == decisions.key:
        out = [strategy_text(names, run.strategy, run.ratio, run.results)]
        notes = [(name, r.note) for name, r in zip(names, run.results, strict=True) if r.note]
        return out + [Text(f"{name}: {note}", style="yellow") for name, note in notes]
    at = thresholds_text(names, run.thresholds, run.per_slice)
    return [
        Text(
            f"{STRATEGIES[run.strategy]}: computed at thresholds {at} (cost ratio {run.ratio:g}); "
            "the decisions changed since: press f to recompute.",
            style="yellow",
        )
    ]


def effective(decisions: Decisions, slices: SliceState, i: int) -> np.ndarray:
    """Model ``i``'s threshold on each slice of the slicing shown."""
    per_slice = decisions.slice_thresholds(slices.key)
    if per_slice is not None:
        return per_slice[i]
    return np.full(slices.n_slices, decisions.thresholds[i])


def binary_metrics(
    session: Session, truth: GroundTruth, decisions: Decisions, slices: SliceState, i: int
) -> BinaryMetrics:
    """Model ``i``'s decisions over every labelled row (each slice at its own threshold when set)."""
    per_slice = decisions.slice_thresholds(slices.key)
    sidx = slices.sidx
    if per_slice is not None and sidx is not None:
        return sidx[i].at(per_slice[i])
    return truth_index(session, truth, i).at(decisions.thresholds[i])


def thresholds_text(names: list[str], thresholds: tuple[float, ...], per_slice: bool) -> str:
    """How the status line and the stale notes name the thresholds: ``logreg 0.5000  hgb 0.6000``."""
    return "  ".join(
        f"{name} per slice" if per_slice else f"{name} {thr(t)}" for name, t in zip(names, thresholds, strict=True)
    )


def strategy_text(names: list[str], strategy: str, ratio: float, results: list[StrategyResult]) -> Text:
    out = Text.assemble((f"{STRATEGIES[strategy]}", "bold"), f" (cost ratio {ratio:g}): ")
    for i, r in enumerate(results):
        if i:
            out.append(" · ")
        out.append(f"{names[i]} cost {fmt_cost(r.cost)}")
        if r.gaps:  # equalized odds: both rates' gaps (expected ones when the thresholds are randomized)
            expected = "expected " if r.mixes else ""
            out.append(", " + ", ".join(f"{expected}{RATE_LABELS[n]} gap {num(g)}" for n, g in r.gaps))
        elif r.rate:
            out.append(f", {RATE_LABELS[r.rate]} gap {num(r.gap)}")
        nobody = r.nobody_positive
        if nobody:  # the threshold is the top of the range there: no answer to read as a cut through the scores
            where = "" if len(nobody) == len(r.thresholds) else f" on {len(nobody)} of {len(r.thresholds)} slices"
            out.append(f", {NOBODY_POSITIVE}{where}", style="bold yellow")
    if len(results) == 2:
        out.append(f" · Δ cost {signed(results[1].cost - results[0].cost, kind='cost')}")
    return out


class ShownCache:
    """``widget.update(content)`` without a new layout when the content takes the same height as what the widget
    shows (new numbers of the same widths: a threshold move), and not at all when a text is unchanged."""

    def __init__(self) -> None:
        self._shown: dict[str | None, tuple] = {}

    def show(self, widget: Static, content: Any) -> None:
        key = layout_key(content)
        last = self._shown.get(widget.id)
        same = last is not None and key is not None and last[0] is widget.content and last[1] == key
        if (
            same
            and last is not None
            and isinstance(content, Text)
            and isinstance(last[0], Text)
            and content == last[0]
            and content.style == last[0].style
        ):
            return
        widget.update(content, layout=not same)
        self._shown[widget.id] = (content, key)


def current_column(table: WideTable) -> str | None:
    """The key of the table's current column (the column cursor), None while it has none."""
    return table.cursor_column_key


def fit_columns(table: DataTable) -> None:
    """Each column as wide as its widest cell at once, not on the table's next idle: a frame drawn in between (the
    first one after a ranking arrives) showed a count of 10,860 cut to its header's width, ``1``."""
    for key, column in table.columns.items():
        if not column.auto_width:
            continue
        widest = max((_width(cell) for cell in table.get_column(key)), default=0)
        column.content_width = max(column.content_width, widest, _width(column.label))
    table.refresh()


def _width(cell: Any) -> int:
    plain = cell.plain if isinstance(cell, Text) else str(cell)
    return max((cell_len(line) for line in plain.splitlines()), default=0)


def name_room(widget: Widget) -> int:
    """How many cells a slice's name may take in a table across ``widget``: two fifths of its width (the app's
    while it is not laid out yet), never under :data:`NAME_MIN`; the rest is for the numbers."""
    width = widget.size.width or widget.app.size.width
    return max(NAME_MIN, width * 2 // 5)


def fit_parts(parts: Sequence[str], width: int, sep: str = " × ") -> str:
    """``parts`` joined by ``sep`` in at most ``width`` cells, each part cut in its middle (its start and end tell
    slices apart)."""
    return sep.join(middle(p, w) for p, w in zip(parts, shares(parts, width, sep), strict=True))


def fit_pairs(pairs: Sequence[tuple[str, str]], width: int, sep: str = " × ") -> str:
    """``feature=value`` parts (a worst slice's name) in at most ``width`` cells, each cut by :func:`fit_pair`."""
    parts = [f"{f}={v}" for f, v in pairs]
    return sep.join(fit_pair(f, v, w) for (f, v), w in zip(pairs, shares(parts, width, sep), strict=True))


def shares(parts: Sequence[str], width: int, sep: str) -> list[int]:
    """Each part's room when ``parts`` joined by ``sep`` must fit ``width``: a short part stays whole and gives what
    it does not need to the others."""
    if cell_len(sep.join(parts)) <= width:
        return [cell_len(p) for p in parts]
    room = max(width - cell_len(sep) * (len(parts) - 1), len(parts))
    out = [0] * len(parts)
    todo = sorted(range(len(parts)), key=lambda i: cell_len(parts[i]))
    while todo:
        i = todo.pop(0)
        out[i] = min(cell_len(parts[i]), room // (len(todo) + 1))
        room -= out[i]
    return out


def fit_pair(feature: str, value: str, width: int) -> str:
    """``feature=value`` in at most ``width`` cells: the feature's end goes first (``marita…=Married-civ-spouse``),
    then the value is cut in its middle."""
    text = f"{feature}={value}"
    if cell_len(text) <= width:
        return text
    keep = max(min(cell_len(feature), FEATURE_MIN), width - 1 - cell_len(value))
    cut = Text(feature)
    cut.truncate(keep, overflow="ellipsis")
    head = cut.plain
    return f"{head}={middle(value, max(width - 1 - cell_len(head), 1))}"


def short(name: str, width: int = 8) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def exact(value: float) -> str:
    """A threshold to pre-fill a dialog with: the shortest text that reads back as the same float (an exact
    threshold found by a search must not move when the dialog is confirmed unchanged)."""
    return repr(float(value))


def fmt_cost(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


__all__ = [
    "GAP_LABELS",
    "RATE_LABELS",
    "ShownCache",
    "Panel",
    "PerfState",
    "SliceState",
    "StrategyRun",
    "strategy_block",
    "binary_metrics",
    "current_column",
    "effective",
    "exact",
    "fit_columns",
    "fit_pair",
    "fit_pairs",
    "fit_parts",
    "shares",
    "fmt_cost",
    "name_room",
    "short",
    "strategy_text",
    "thresholds_text",
]
