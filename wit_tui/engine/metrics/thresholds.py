"""Which threshold: the cost-optimal one, and the What-If Tool's fairness optimisation strategies, searched exactly.

Cost is the What-If Tool's: ``cost = ratio · FP + FN`` on raw counts, with
``ratio`` = cost of a false positive / cost of a false negative (1 = equal;
4 = a false positive costs 4 false negatives; 0.25 the reverse). A row is
predicted positive when ``score >= threshold``.

**Exact search.** A slice's decisions change only at its distinct scores, so
its operating points are exactly: "positive from score ``s``" for every
distinct score ``s`` (the threshold shown is ``s`` itself, the *highest*
threshold giving that point), plus "nothing positive" at the upper end of the
threshold range (1.0 for probabilities when every score is below 1; +∞ for
``decision_function`` margins). Every strategy searches all of them — no 0.01
grid — and, as the What-If Tool, resolves ties in cost to the highest
threshold.

**Strategies** (each model separately; slices from the current slicing):

- ``custom``: the user's thresholds, nothing searched;
- ``single``: one threshold for every row, minimising the total cost;
- ``group``: each slice its own cost-minimising threshold (the What-If Tool's
  intent; its code could write a threshold to the wrong slice);
- ``demographic_parity`` (equal selection rate, (TP+FP)/n), ``equal_opportunity``
  (equal TPR, TP/(TP+FN)) and ``equal_accuracy`` ((TP+TN)/n): the cheapest
  per-slice thresholds whose constrained rates all lie within ``tolerance`` of
  each other (max − min ≤ tolerance; default 0.01). Exact: rates are integer
  counts over the slice size (q / D), so for every candidate lower end ``L``
  of the window (every achievable rate of every slice) each slice takes its
  cheapest operating point with a rate in ``[L, L + tolerance]`` (a
  sliding-window minimum over the slice's points sorted by rate), and the best
  ``L`` wins. The optimal combination's smallest rate is one of those ``L``,
  so nothing cheaper satisfies the constraint: the result is the minimum total
  cost among *all* threshold combinations whose gap is within the tolerance.
  The remaining gap (max − min of the chosen rates) is reported. When no
  combination reaches the tolerance (equal accuracy can be impossible), the
  smallest achievable gap is found the same way and used instead, with a
  note. A slice where the rate is undefined (TPR with no positive label) is
  left out of the constraint and gets its own cost-optimal threshold, with a
  note. Ties in cost go to the smaller gap, then to the higher thresholds.

The What-If Tool instead anchors on the first slice, matches the others to the
nearest value on its 0.01 grid, and never reports the gap left.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import IsCancelled, check_cancelled
from wit_tui.engine.metrics.binary import ThresholdIndex
from wit_tui.engine.metrics.operating_points import (
    TIE,
    OperatingPoints,
    argmin_highest,
    cost,
    cost_optimal_threshold,
    operating_points,
)
from wit_tui.engine.metrics.slice_index import SliceIndex
from wit_tui.engine.metrics.threshold_values import check_cost_ratio, check_tolerance

STRATEGIES: dict[str, str] = {
    "custom": "Custom thresholds",
    "single": "Single threshold",
    "group": "Group thresholds",
    "demographic_parity": "Demographic parity",
    "equal_opportunity": "Equal opportunity",
    "equal_accuracy": "Equal accuracy",
}
#: the rate each constrained strategy equalises (names as in sklearn / Fairlearn)
CONSTRAINED: dict[str, str] = {
    "demographic_parity": "selection_rate",
    "equal_opportunity": "recall",
    "equal_accuracy": "accuracy",
}
STRATEGY_HELP: dict[str, str] = {
    "custom": "your own thresholds (overall, or typed per slice)",
    "single": "one threshold for everyone, minimising ratio·FP + FN",
    "group": "each slice its own cost-minimising threshold",
    "demographic_parity": "equal positive prediction rate across slices, cheapest",
    "equal_opportunity": "equal true positive rate (recall) across slices, cheapest",
    "equal_accuracy": "equal accuracy across slices, cheapest",
}
DEFAULT_TOLERANCE = 0.01


# -- strategies ----------------------------------------------------------------
@dataclass(frozen=True)
class StrategyResult:
    """One model's thresholds under a strategy: per slice, with the costs and the constrained rate's gap.

    ``confusion[k]`` is slice ``k``'s ``tn, fp, fn, tp`` at ``thresholds[k]``.
    ``rates[k]`` is the constrained rate on slice ``k`` (NaN when left out of
    the constraint, or for the unconstrained strategies: then the three rates
    are in the fairness summary instead); ``gap`` = max − min of ``rates``.
    """

    strategy: str
    cost_ratio: float
    thresholds: tuple[float, ...]
    threshold: float | None
    cost: float
    slice_costs: tuple[float, ...]
    confusion: np.ndarray
    rate: str | None = None
    rates: tuple[float, ...] = ()
    gap: float = float("nan")
    tolerance: float | None = None
    note: str = ""

    @property
    def title(self) -> str:
        return STRATEGIES[self.strategy]


def _rate_points(pts: OperatingPoints, rate: str) -> tuple[np.ndarray, int]:
    """Each point's constrained rate as an integer numerator q over one denominator D (rate = q / D)."""
    n = pts.n_pos + pts.n_neg
    if rate == "selection_rate":
        return pts.tp + pts.fp, n
    if rate == "recall":
        return pts.tp.copy(), pts.n_pos
    if rate == "accuracy":
        return pts.tp + (pts.n_neg - pts.fp), n
    raise ValueError(f"unknown rate {rate!r}")


@dataclass
class _Slice:
    """One constrained slice: its cheapest point per achievable rate numerator q (dense over 0..D)."""

    D: int
    q: np.ndarray  # achievable numerators, increasing
    best: np.ndarray  # dense (D + 1,) cheapest cost at each numerator (inf where none)
    point: np.ndarray  # dense (D + 1,) the point achieving it (highest threshold among equal costs), -1 if none
    thr: np.ndarray  # dense (D + 1,) that point's threshold (-inf if none)


def _prepare(pts: OperatingPoints, rate: str, ratio: float) -> _Slice:
    q, D = _rate_points(pts, rate)
    c = pts.cost(ratio)
    if rate in ("selection_rate", "recall"):
        # selection rate and TPR fall as the threshold rises; within equal q (same TP) FP falls too, so the
        # last point of each run is the cheapest and has the highest threshold
        pick = np.flatnonzero(np.r_[q[1:] != q[:-1], True])
    else:
        j = np.arange(len(q))
        order = np.lexsort((-j, c, q))  # by q, then cost, then the highest threshold first
        qs = q[order]
        pick = order[np.r_[True, qs[1:] != qs[:-1]]]
    best = np.full(D + 1, np.inf)
    point = np.full(D + 1, -1, dtype=np.int64)
    thr = np.full(D + 1, -np.inf)
    best[q[pick]] = c[pick]
    point[q[pick]] = pick
    thr[q[pick]] = pts.thresholds[pick]
    return _Slice(D, np.sort(q[pick]), best, point, thr)


def _sliding_min(a: np.ndarray, w: int) -> np.ndarray:
    """``out[i] = min(a[i:i+w])`` for every full window (van Herk / Gil-Werman: O(n) for any w)."""
    n = len(a)
    if w <= 1:
        return a.copy()
    pad = (-n) % w
    b = np.concatenate([a, np.full(pad, np.inf)]).reshape(-1, w)
    prefix = np.minimum.accumulate(b, axis=1).ravel()
    suffix = np.minimum.accumulate(b[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[: n - w + 1], prefix[w - 1 : n])


def _windows(Lq: np.ndarray, LD: np.ndarray, D: int, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """For window starts L = Lq / LD: the numerators q with L <= q / D <= L + tol, as [lo, hi] (hi may exceed
    D, meaning "up to the top").

    ``L · D`` is either an integer or at least ``1 / LD`` away from one, so rounding it to the nearest multiple
    of ``1 / (2 · LD)`` first makes the ceiling exact.
    """
    x = Lq * (D / LD)
    lo = np.ceil(x - 0.5 / LD).astype(np.int64)
    hi = np.floor(x + (tol * D + 1e-9)).astype(np.int64)
    return lo, hi


def _window_min(s: _Slice, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """min(best[lo:hi+1]) for every window: windows reaching the top are suffix minima, the others (of a few
    distinct lengths) sliding-window minima."""
    out = np.full(len(lo), np.inf)
    top = hi >= s.D
    if top.any():
        suffix = np.minimum.accumulate(s.best[::-1])[::-1]
        inside = top & (lo <= s.D)
        out[inside] = suffix[lo[inside]]
    length = np.where(top, 0, hi - lo + 1)
    positive = length[length > 0]
    if len(positive) == 0:
        return out
    a, b = int(positive.min()), int(positive.max())
    widths = range(a, b + 1) if b - a < 8 else np.unique(positive)
    for w in widths:
        sel = length == w
        if sel.any():
            out[sel] = _sliding_min(s.best, int(w))[lo[sel]]
    return out


def _choose(s: _Slice, lo: int, hi: int) -> int:
    """The numerator chosen in [lo, hi]: the cheapest, ties to the highest threshold."""
    window = s.best[lo : hi + 1]
    m = float(window.min())
    ties = np.flatnonzero(window <= m + TIE * max(1.0, abs(m)))
    return int(lo + ties[np.argmax(s.thr[lo + ties])])


def _smallest_gap(slices: list[_Slice]) -> float:
    """The smallest max − min of rates any combination of points can reach (one point per slice)."""
    Lq = np.concatenate([s.q for s in slices])
    LD = np.concatenate([np.full(len(s.q), s.D, dtype=np.int64) for s in slices])
    top = np.zeros(len(Lq))
    for s in slices:
        lo = -((-(Lq * s.D)) // LD)
        pos = np.searchsorted(s.q, lo, side="left")
        ok = pos < len(s.q)
        nxt = np.full(len(Lq), np.inf)
        nxt[ok] = s.q[pos[ok]] / s.D
        top = np.maximum(top, nxt)
    return float(np.min(top - Lq / LD))


def _starts(s: _Slice, tol: float) -> np.ndarray:
    """The numerators of ``s`` that can be the lowest rate of an optimal combination.

    In an optimum every slice's point is its cheapest within the window [L, L + tol], L the lowest chosen rate,
    and the slice that sets L does so with a point no dearer than any of its own points up to L + tol: keeping
    only those points as window starts prunes nothing that can win (and most points of a long slice).
    """
    lo = s.q
    hi = s.q + int(np.floor(tol * s.D + 1e-9))
    own = _window_min(s, lo, hi)
    cost = s.best[s.q]
    return s.q[cost <= own + TIE * np.maximum(1.0, np.abs(own))]


def _constrained(slices: list[_Slice], tol: float, is_cancelled: IsCancelled | None) -> tuple[list[int], float]:
    """Numerators per slice minimising the total cost with all rates within ``tol``; returns (q per slice, tol used)."""
    starts = [_starts(s, tol) for s in slices]
    Lq = np.concatenate(starts)
    LD = np.concatenate([np.full(len(q), s.D, dtype=np.int64) for q, s in zip(starts, slices, strict=True)])
    total = np.zeros(len(Lq))
    bounds = []
    for s in slices:
        check_cancelled(is_cancelled)
        lo, hi = _windows(Lq, LD, s.D, tol)
        bounds.append((lo, hi))
        total += _window_min(s, lo, hi)
    if not np.isfinite(total).any():
        return [], tol
    m = float(total.min())
    tied = np.flatnonzero(total <= m + TIE * max(1.0, abs(m)))[:64]
    best_key, best_q = None, []
    for li in tied:
        qs = [_choose(s, int(b[0][li]), min(int(b[1][li]), s.D)) for s, b in zip(slices, bounds, strict=True)]
        rates = [q / s.D for q, s in zip(qs, slices, strict=True)]
        key = (
            max(rates) - min(rates),
            -sum(float(s.thr[q]) if np.isfinite(s.thr[q]) else 1e300 for q, s in zip(qs, slices, strict=True)),
        )
        if best_key is None or key < best_key:
            best_key, best_q = key, qs
    return best_q, tol


def _points_for(index: SliceIndex, k: int, upper: float) -> OperatingPoints:
    return operating_points(index.index(k), upper)


def optimise(
    index: SliceIndex,
    strategy: str,
    ratio: float,
    *,
    overall: ThresholdIndex | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    upper: float = math.inf,
    custom: Sequence[float] | float | None = None,
    is_cancelled: IsCancelled | None = None,
) -> StrategyResult:
    """Thresholds per slice of ``index`` under ``strategy`` for one model (see the module docstring).

    ``overall`` is the model's index over the same rows (for ``single``;
    built from the slices' rows if not given). ``upper`` is the top of the
    threshold range (1.0 for probabilities). ``custom`` gives the thresholds
    of the ``custom`` strategy (one, or one per slice).
    """
    if strategy not in STRATEGIES:
        raise WitError(f"Unknown strategy {strategy!r}.", f"Pick one of: {', '.join(STRATEGIES)}.")
    ratio = check_cost_ratio(ratio)
    tolerance = check_tolerance(tolerance)
    K = index.n_slices
    if K == 0:
        raise WitError("There are no slices with labelled rows.", "Slice by a feature first (b).")
    note = ""
    single_t: float | None = None
    rate: str | None = None
    rates: tuple[float, ...] = ()
    gap = float("nan")
    tol_used: float | None = None
    if strategy == "custom":
        if custom is None:
            raise WitError("The custom strategy needs thresholds.", "Type them (t) or edit a slice's (enter).")
        thresholds = np.broadcast_to(np.asarray(custom, dtype=np.float64), (K,)).copy()
    elif strategy == "single":
        if overall is None:
            overall = ThresholdIndex(index.sorted_scores, index._pos_sorted)
        single_t = cost_optimal_threshold(overall, ratio, upper).threshold
        thresholds = np.full(K, single_t)
    elif strategy == "group":
        thresholds = np.array([cost_optimal_threshold(index.index(k), ratio, upper).threshold for k in range(K)])
    else:
        rate = CONSTRAINED[strategy]
        pts = []
        for k in range(K):
            check_cancelled(is_cancelled)
            pts.append(_points_for(index, k, upper))
        thresholds = np.empty(K)
        constrained = [k for k in range(K) if not (rate == "recall" and pts[k].n_pos == 0)]
        left_out = [k for k in range(K) if k not in constrained]
        for k in left_out:
            j = argmin_highest(pts[k].cost(ratio))
            thresholds[k] = pts[k].thresholds[j]
        if left_out:
            note = (
                f"{len(left_out)} slice(s) with no positive label have no TPR: they are left out of the "
                "constraint and get their own cost-optimal threshold."
            )
        prepared = [_prepare(pts[k], rate, ratio) for k in constrained]
        rate_values = np.full(K, np.nan)
        if prepared:
            qs, tol_used = _constrained(prepared, tolerance, is_cancelled)
            if not qs:
                smallest = _smallest_gap(prepared)
                tol_used = smallest + 1e-12
                qs, _ = _constrained(prepared, tol_used, is_cancelled)
                note = (
                    f"No thresholds bring the {rate} gap within {tolerance:g}; the smallest gap any thresholds "
                    f"reach is {smallest:.4g}, used instead. " + note
                ).strip()
            for k, s, q in zip(constrained, prepared, qs, strict=True):
                thresholds[k] = pts[k].thresholds[s.point[q]]
                rate_values[k] = q / s.D
            values = rate_values[~np.isnan(rate_values)]
            gap = float(values.max() - values.min()) if len(values) else float("nan")
        rates = tuple(float(v) for v in rate_values)
    confusion = index.counts_at(thresholds)
    slice_costs = tuple(float(cost(c[1], c[2], ratio)) for c in confusion)
    return StrategyResult(
        strategy=strategy,
        cost_ratio=ratio,
        thresholds=tuple(float(t) for t in thresholds),
        threshold=single_t,
        cost=float(sum(slice_costs)),
        slice_costs=slice_costs,
        confusion=confusion,
        rate=rate,
        rates=rates,
        gap=gap,
        tolerance=tol_used if rate else None,
        note=note,
    )


def constrained_rates(confusion: np.ndarray, rate: str) -> np.ndarray:
    """The rate ``rate`` of each confusion row (``tn, fp, fn, tp``); NaN where undefined (TPR with no positive)."""
    tn, fp, fn, tp = np.asarray(confusion, dtype=np.float64).reshape(-1, 4).T
    with np.errstate(invalid="ignore", divide="ignore"):
        if rate == "selection_rate":
            return (tp + fp) / (tn + fp + fn + tp)
        if rate == "recall":
            return np.where(tp + fn > 0, tp / (tp + fn), np.nan)
        if rate == "accuracy":
            return (tp + tn) / (tn + fp + fn + tp)
    raise ValueError(f"unknown rate {rate!r}")


__all__ = [
    "CONSTRAINED",
    "DEFAULT_TOLERANCE",
    "STRATEGIES",
    "STRATEGY_HELP",
    "StrategyResult",
    "constrained_rates",
    "optimise",
]
