"""Where a slice can operate: every distinct decision of its scores, and the cheapest one.

Cost is the What-If Tool's: ``cost = ratio · FP + FN`` on raw counts. A slice's
decisions change only at its distinct scores, so "positive from score ``s``"
for every distinct score ``s`` (the threshold shown is ``s`` itself, the
highest threshold giving that point), plus "nothing positive" at the upper end
of the threshold range, are all its operating points; ties in cost resolve to
the highest threshold, as the What-If Tool does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.binary import BinaryMetrics, ThresholdIndex
from wit_tui.engine.metrics.threshold_values import check_cost_ratio

TIE = 1e-12  # relative tolerance for equal costs (ratio·FP + FN in floating point)


def cost(fp: float | np.ndarray, fn: float | np.ndarray, ratio: float) -> float | np.ndarray:
    """The What-If Tool's cost: ``ratio · FP + FN`` on raw counts."""
    return ratio * fp + fn


@dataclass(frozen=True)
class OperatingPoints:
    """Every distinct decision of one slice, thresholds increasing; ``tp``/``fp`` at each; ``n_pos``/``n_neg``.

    ``thresholds[j]`` is the highest threshold giving point ``j``.
    """

    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    n_pos: int
    n_neg: int

    @property
    def fn(self) -> np.ndarray:
        return self.n_pos - self.tp

    @property
    def tn(self) -> np.ndarray:
        return self.n_neg - self.fp

    def cost(self, ratio: float) -> np.ndarray:
        return np.asarray(cost(self.fp, self.fn, ratio), dtype=np.float64)


def operating_points(index: ThresholdIndex, upper: float = math.inf) -> OperatingPoints:
    """The distinct decisions of ``index``: "positive from each distinct score", plus "nothing positive" at
    ``upper`` when every score is below it. Exactly :meth:`ThresholdIndex.at` at each threshold, in O(n)."""
    s = index.sorted_scores
    finite = len(s) - int(np.count_nonzero(np.isnan(s)))  # NaN (unscored rows) sort last; they stay positive
    fs = s[:finite]
    if finite:
        starts = np.r_[0, np.flatnonzero(np.diff(fs)) + 1]
        thr = fs[starts]
    else:
        starts = np.zeros(0, dtype=np.int64)
        thr = np.zeros(0)
    below = starts
    if finite == 0 or fs[-1] < upper:
        thr = np.r_[thr, upper]
        below = np.r_[below, finite]
    fn = index.cum_pos[below]
    tn = below - fn
    return OperatingPoints(
        thr.astype(np.float64),
        (index.n_pos - fn).astype(np.int64),
        (index.n_neg - tn).astype(np.int64),
        index.n_pos,
        index.n_neg,
    )


def argmin_highest(values: np.ndarray) -> int:
    """Index of the minimum; among (near-)ties the last one, i.e. the highest threshold."""
    m = float(np.min(values))
    ties = np.flatnonzero(values <= m + TIE * max(1.0, abs(m)))
    return int(ties[-1])


@dataclass(frozen=True)
class CostOptimum:
    """The cost-optimal threshold of one set of rows, with its confusion counts and cost."""

    threshold: float
    metrics: BinaryMetrics
    cost: float


def cost_optimal_threshold(index: ThresholdIndex, ratio: float, upper: float = math.inf) -> CostOptimum:
    """The threshold minimising ``ratio · FP + FN`` over every distinct score (ties: the highest threshold)."""
    ratio = check_cost_ratio(ratio)
    pts = operating_points(index, upper)
    if len(pts.thresholds) == 0:
        raise WitError("There are no scored rows to choose a threshold for.", "Check the label and the scores.")
    j = argmin_highest(pts.cost(ratio))
    tp, fp = int(pts.tp[j]), int(pts.fp[j])
    t = float(pts.thresholds[j])
    m = BinaryMetrics(t, tp=tp, fp=fp, tn=pts.n_neg - fp, fn=pts.n_pos - tp)
    return CostOptimum(t, m, float(cost(fp, m.fn, ratio)))


__all__ = [
    "TIE",
    "CostOptimum",
    "OperatingPoints",
    "argmin_highest",
    "cost",
    "cost_optimal_threshold",
    "operating_points",
]
