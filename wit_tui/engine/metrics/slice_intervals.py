"""How sure is each slice's number: intervals of every confusion-cell metric, the AUC, and the fairness gaps.

Everything here works from per-slice confusion counts (rows ``tn, fp, fn, tp``, as
``SliceIndex.counts_at``), so an interval follows a threshold move at the cost of a few array operations:

- proportions: Wilson, one vectorised call over every slice;
- F1 (and any other cell metric): the multinomial bootstrap, every slice drawn in one call;
- fairness gaps: resampling the rows of all groups together is one multinomial draw over the ``4 × groups``
  cells, so group sizes vary between resamples exactly as when rows are resampled;
- AUC: DeLong per slice from the slice index's sorted scores.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.metrics.intervals import Interval, auc_variance, wilson
from wit_tui.engine.metrics.intervals import _z as normal_quantile
from wit_tui.engine.metrics.slice_index import SliceIndex

#: each proportion as (successes, trials) of the cells ``tn, fp, fn, tp``
PROPORTIONS: dict[str, Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    "accuracy": lambda c: (c[:, 0] + c[:, 3], c.sum(axis=1)),
    "precision": lambda c: (c[:, 3], c[:, 3] + c[:, 1]),
    "recall": lambda c: (c[:, 3], c[:, 3] + c[:, 2]),
    "fpr": lambda c: (c[:, 1], c[:, 1] + c[:, 0]),
    "fnr": lambda c: (c[:, 2], c[:, 2] + c[:, 3]),
    "tnr": lambda c: (c[:, 0], c[:, 0] + c[:, 1]),
    "selection_rate": lambda c: (c[:, 1] + c[:, 3], c.sum(axis=1)),
    "base_rate": lambda c: (c[:, 2] + c[:, 3], c.sum(axis=1)),
}
#: the small-slice flag: fewer rows than this and a slice's interval is wide whatever the method
SMALL_SLICE_ROWS = 30


@dataclass(frozen=True)
class IntervalOptions:
    """The level, the bootstrap's resamples and seed (fixed: the same data gives the same interval), and the
    row cap of bootstraps that need rows (average precision, regression): above it they use a seeded subsample
    of that many rows, and say so."""

    level: float = 0.95
    resamples: int = 1000
    seed: int = 0
    subsample: int = 100_000


DEFAULT_INTERVALS = IntervalOptions()


@dataclass(frozen=True)
class Intervals:
    """One metric's interval on each slice (``low[k]``, ``high[k]``; NaN where the metric is undefined)."""

    low: np.ndarray
    high: np.ndarray
    method: str
    level: float

    def at(self, k: int) -> Interval:
        return Interval(float(self.low[k]), float(self.high[k]), self.method, self.level)


def _cells(counts: np.ndarray) -> np.ndarray:
    c = np.asarray(counts, dtype=np.int64).reshape(-1, 4)
    if (c < 0).any():
        raise ValueError("confusion counts must be non-negative")
    return c


def _f1(c: np.ndarray) -> np.ndarray:
    """F1 of cells ``(..., 4)`` in ``tn, fp, fn, tp`` order, NaN where nobody is positive in truth or prediction
    (the resample is then left out, rather than counted as sklearn's 0)."""
    tp, fp, fn = c[..., 3], c[..., 1], c[..., 2]
    den = 2 * tp + fp + fn
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 2 * tp / den, np.nan)


def multinomial_draws(counts: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """``resamples`` bootstrap draws of each slice's cells, shape ``(resamples, slices, 4)``: resampling a slice's
    n rows only changes how many fall in each cell, i.e. ``Multinomial(n, cells / n)``."""
    c = _cells(counts)
    n = c.sum(axis=1)
    p = np.where(n[:, None] > 0, c / np.maximum(n, 1)[:, None], 0.25)
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, p, size=(resamples, len(c)))


def percentile(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The percentile interval over axis 0, ignoring undefined (NaN) resamples; all-NaN gives NaN bounds."""
    v = np.where(np.isfinite(values), values, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column is a NaN bound, by design
        low, high = np.nanquantile(v, [0.5 - 0.5 * level, 0.5 + 0.5 * level], axis=0)
    return low, high


def confusion_intervals(counts: np.ndarray, options: IntervalOptions = DEFAULT_INTERVALS) -> dict[str, Intervals]:
    """Every proportion's Wilson interval and F1's multinomial bootstrap, per slice of ``counts`` (K × 4)."""
    c = _cells(counts)
    normal_quantile(options.level)
    out: dict[str, Intervals] = {}
    for name, parts in PROPORTIONS.items():
        k, n = parts(c)
        low, high = wilson(k, n, options.level)
        out[name] = Intervals(np.atleast_1d(low), np.atleast_1d(high), "wilson", options.level)
    draws = multinomial_draws(c, options.resamples, options.seed)
    low, high = percentile(_f1(draws), options.level)
    out["f1"] = Intervals(np.atleast_1d(low), np.atleast_1d(high), "bootstrap", options.level)
    return out


def auc_intervals(
    scores: Sequence[np.ndarray], positives: Sequence[np.ndarray], options: IntervalOptions = DEFAULT_INTERVALS
) -> Intervals:
    """DeLong's interval of each slice's ROC AUC from its scores and boolean labels (clipped to [0, 1])."""
    z = normal_quantile(options.level)
    low = np.full(len(scores), np.nan)
    high = np.full(len(scores), np.nan)
    for k, (s, y) in enumerate(zip(scores, positives, strict=True)):
        est = auc_variance(y, s)
        if np.isnan(est.auc):
            continue
        half = z * float(np.sqrt(est.variance))
        low[k], high[k] = max(0.0, est.auc - half), min(1.0, est.auc + half)
    return Intervals(low, high, "delong", options.level)


def index_auc_intervals(index: SliceIndex, options: IntervalOptions = DEFAULT_INTERVALS) -> Intervals:
    """DeLong's interval of each slice's AUC from a :class:`SliceIndex` (its rows are already grouped by slice)."""
    parts = [index.slice_arrays(k) for k in range(index.n_slices)]
    return auc_intervals([p[0] for p in parts], [p[1] for p in parts], options)


def _rates(c: np.ndarray, name: str) -> np.ndarray:
    k, n = PROPORTIONS[name](c.reshape(-1, 4))
    with np.errstate(divide="ignore", invalid="ignore"):
        return (k / n).reshape(c.shape[:-1])


def group_rate_draws(confusion: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Bootstrap draws of every group's cells resampled together, shape ``(resamples, groups, 4)``: one multinomial
    over all ``4 × groups`` cells, as resampling the rows of the whole data (group sizes vary too)."""
    c = _cells(confusion)
    total = int(c.sum())
    if total == 0:
        return np.zeros((resamples, *c.shape), dtype=np.int64)
    rng = np.random.default_rng(seed)
    flat = rng.multinomial(total, c.ravel() / total, size=resamples)
    return flat.reshape(resamples, *c.shape)


def gap_intervals(
    confusion: np.ndarray,
    rates: Sequence[str],
    options: IntervalOptions = DEFAULT_INTERVALS,
) -> dict[str, Interval]:
    """Bootstrap intervals of each rate's difference and ratio between groups (``<rate>_difference``,
    ``<rate>_ratio``) and of the named gaps over them (demographic parity, equalized odds, equal opportunity),
    from per-group confusion counts; a resample where a group's rate is undefined is left out for that gap."""
    draws = group_rate_draws(confusion, options.resamples, options.seed)
    values: dict[str, np.ndarray] = {}
    diffs, ratios = {}, {}
    for name in rates:
        r = _rates(draws, name)  # (resamples, groups)
        with np.errstate(invalid="ignore", divide="ignore"):
            bad = np.isnan(r).any(axis=1)
            hi, lo = np.max(r, axis=1), np.min(r, axis=1)
            diffs[name] = np.where(bad, np.nan, hi - lo)
            ratios[name] = np.where(bad | (hi == 0), np.nan, lo / np.where(hi == 0, 1, hi))
        values[f"{name}_difference"] = diffs[name]
        values[f"{name}_ratio"] = ratios[name]
    named = {
        "demographic_parity_difference": ("selection_rate",),
        "equal_opportunity_difference": ("recall",),
        "equalized_odds_difference": ("recall", "fpr"),
    }
    for gap, parts in named.items():
        if all(p in diffs for p in parts):
            values[gap] = np.max(np.stack([diffs[p] for p in parts]), axis=0)
            ratio_name = gap.replace("_difference", "_ratio")
            values[ratio_name] = np.min(np.stack([ratios[p] for p in parts]), axis=0)
    out = {}
    for name, v in values.items():
        low, high = percentile(v[:, None], options.level)
        out[name] = Interval(float(low[0]), float(high[0]), "bootstrap", options.level)
    return out


__all__ = [
    "DEFAULT_INTERVALS",
    "PROPORTIONS",
    "SMALL_SLICE_ROWS",
    "IntervalOptions",
    "Intervals",
    "auc_intervals",
    "confusion_intervals",
    "gap_intervals",
    "index_auc_intervals",
    "group_rate_draws",
    "multinomial_draws",
    "percentile",
]
