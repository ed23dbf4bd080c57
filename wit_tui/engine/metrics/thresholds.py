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
from wit_tui.engine.metrics.equal_rates import EqualisedThresholds, equalised_thresholds
from wit_tui.engine.metrics.equalized_odds_strategy import equalized_odds_thresholds
from wit_tui.engine.metrics.operating_points import (
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
    "equalized_odds": "Equalized odds",
    "equalized_odds_randomized": "Equalized odds (randomized)",
}
#: the rate each constrained strategy equalises (names as in sklearn / Fairlearn)
CONSTRAINED: dict[str, str] = {
    "demographic_parity": "selection_rate",
    "equal_opportunity": "recall",
    "equal_accuracy": "accuracy",
    "equalized_odds": "equalized_odds",
    "equalized_odds_randomized": "equalized_odds",
}
STRATEGY_HELP: dict[str, str] = {
    "custom": "your own thresholds (overall, or typed per slice)",
    "single": "one threshold for everyone, minimising ratio·FP + FN",
    "group": "each slice its own cost-minimising threshold",
    "demographic_parity": "equal positive prediction rate across slices, cheapest",
    "equal_opportunity": "equal true positive rate (recall) across slices, cheapest",
    "equal_accuracy": "equal accuracy across slices, cheapest",
    "equalized_odds": "equal TPR and equal FPR across slices, cheapest",
    "equalized_odds_randomized": "equal TPR and FPR, each slice mixing two thresholds at random (expected rates)",
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
    #: equalized odds: (rate, gap) for TPR and FPR; randomized: per slice the Mix of thresholds (else empty)
    gaps: tuple[tuple[str, float], ...] = ()
    mixes: tuple = ()

    @property
    def title(self) -> str:
        return STRATEGIES[self.strategy]

    @property
    def nobody_positive(self) -> tuple[int, ...]:
        """The slices on which these thresholds predict nobody positive (TP + FP = 0): there the threshold is
        no cut through the scores, and precision is undefined."""
        counts = np.asarray(self.confusion, dtype=np.float64).reshape(-1, 4)
        return tuple(int(k) for k in np.flatnonzero(counts[:, 1] + counts[:, 3] == 0))


def _unconstrained_thresholds(
    index: SliceIndex,
    strategy: str,
    ratio: float,
    overall: ThresholdIndex | None,
    upper: float,
    custom: Sequence[float] | float | None,
) -> tuple[np.ndarray, float | None]:
    """(thresholds per slice, the single threshold or None) of the ``custom``, ``single`` and ``group`` strategies."""
    K = index.n_slices
    if strategy == "custom":
        if custom is None:
            raise WitError("The custom strategy needs thresholds.", "Type them (t) or edit a slice's (enter).")
        return np.broadcast_to(np.asarray(custom, dtype=np.float64), (K,)).copy(), None
    if strategy == "single":
        if overall is None:
            overall = ThresholdIndex(index.sorted_scores, index._pos_sorted)
        single_t = cost_optimal_threshold(overall, ratio, upper).threshold
        return np.full(K, single_t), single_t
    return np.array([cost_optimal_threshold(index.index(k), ratio, upper).threshold for k in range(K)]), None


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
    min_group_size: int = 0,
    labels: Sequence[str] | None = None,
) -> StrategyResult:
    """Thresholds per slice of ``index`` under ``strategy`` for one model (see the module docstring).

    ``overall``: the model's index over the same rows (for ``single``; built from the slices' rows if not given);
    ``upper``: the top of the threshold range; ``custom``: the ``custom`` thresholds (one, or one per slice);
    ``min_group_size``: constrained strategies leave smaller slices out (own cost-optimal), named by ``labels``."""
    if strategy not in STRATEGIES:
        raise WitError(f"Unknown strategy {strategy!r}.", f"Pick one of: {', '.join(STRATEGIES)}.")
    ratio = check_cost_ratio(ratio)
    tolerance = check_tolerance(tolerance)
    if index.n_slices == 0:
        raise WitError("There are no slices with labelled rows.", "Slice by a feature first (b).")
    if strategy.startswith("equalized_odds"):
        return _equalized_odds(index, strategy, ratio, tolerance, upper, is_cancelled, min_group_size, labels)
    rate = CONSTRAINED.get(strategy)  # None for custom, single and group
    if rate is None:
        thresholds, single_t = _unconstrained_thresholds(index, strategy, ratio, overall, upper, custom)
        found = EqualisedThresholds(thresholds, (), float("nan"), None, "")
    else:
        found = equalised_thresholds(index, rate, ratio, tolerance, upper, is_cancelled, min_group_size, labels)
        thresholds, single_t = found.thresholds, None
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
        rates=found.rates,
        gap=found.gap,
        tolerance=found.tolerance,
        note=found.note,
    )


def _equalized_odds(
    index: SliceIndex,
    strategy: str,
    ratio: float,
    tolerance: float,
    upper: float,
    is_cancelled: IsCancelled | None,
    min_group_size: int,
    labels: Sequence[str] | None,
) -> StrategyResult:
    """The equalized-odds strategies (deterministic, or randomized mixes) as a :class:`StrategyResult`."""
    pts = []
    for k in range(index.n_slices):
        check_cancelled(is_cancelled)
        pts.append(operating_points(index.index(k), upper))
    randomized = strategy == "equalized_odds_randomized"
    found = equalized_odds_thresholds(
        pts,
        ratio,
        tolerance,
        min_group_size=min_group_size,
        labels=None if labels is None else list(labels),
        randomized=randomized,
        is_cancelled=is_cancelled,
    )
    slice_costs = tuple(float(cost(c[1], c[2], ratio)) for c in found.confusion)
    return StrategyResult(
        strategy=strategy,
        cost_ratio=ratio,
        thresholds=tuple(float(t) for t in found.thresholds),
        threshold=None,
        cost=float(sum(slice_costs)),
        slice_costs=slice_costs,
        confusion=found.confusion,
        rate="equalized_odds",
        rates=found.tpr,
        gap=max((g for _, g in found.gaps if not math.isnan(g)), default=float("nan")),
        tolerance=tolerance,
        note=found.note,
        gaps=found.gaps,
        mixes=found.mixes if randomized else (),
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
