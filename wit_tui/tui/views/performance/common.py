"""What the performance screen's parts share: labels, number formats, the slicing shown, the decisions' numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from rich.text import Text
from textual.widgets import Static

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.ground_truth import GroundTruth
from wit_tui.engine.analysis.performance import truth_index
from wit_tui.engine.analysis.slice_table import SliceMetricsTable
from wit_tui.engine.metrics.binary import BinaryMetrics
from wit_tui.engine.metrics.thresholds import STRATEGIES, StrategyResult
from wit_tui.engine.metrics.undefined import NOBODY_POSITIVE
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import DEFAULT_BUCKETS, Slicing
from wit_tui.render.tables import layout_key, num, signed, thr

Panel = Literal["overview", "slices", "worst"]
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
    """The slicing the screen shows: which features, how numeric ones are bucketed, and the table once built."""

    def __init__(self) -> None:
        self.features: list[str] = []
        self.buckets = DEFAULT_BUCKETS
        self.equal_width = False
        self.table: SliceMetricsTable | None = None
        self.good_features: list[str] = []  # the last features whose slicing worked
        self.focus_key: tuple | None = None  # a worst slice to put the slice table's cursor on

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
        return (tuple(self.features), self.buckets, self.equal_width)

    def name(self) -> str:
        if not self.features:
            return "none (b)"
        return " × ".join(self.features) + (f" ({self.n_slices})" if self.table is not None else " (…)")

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
        if r.rate:
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
    "effective",
    "exact",
    "fmt_cost",
    "short",
    "strategy_text",
    "thresholds_text",
]
