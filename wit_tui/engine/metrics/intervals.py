"""How sure is a metric: confidence intervals cheap enough to follow a threshold as it moves.

Three methods, each the cheapest that is still the standard for its kind of number:

- proportions (accuracy, precision, recall, FPR, selection rate) get Wilson's score interval, a closed form
  that is vectorised over every slice at once and behaves near 0 and 1, where the normal interval fails;
- AUC gets DeLong's variance from tie groups of the sorted scores (O(n log n), O(n) when already sorted), so
  no resampling is needed;
- any other function of the four confusion cells (F1, gaps between them) gets a percentile bootstrap in which
  resampling n rows is one multinomial draw over the cells: O(resamples), whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

CellMetric = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
"""A vectorised metric of the confusion cells: ``metric(tp, fp, tn, fn)``, one value per element."""


@dataclass(frozen=True)
class Interval:
    """A two-sided confidence interval that names how it was made, so a reader can judge it."""

    low: float
    high: float
    method: str
    level: float

    def to_dict(self) -> dict[str, float | str | None]:
        """The JSON form (``{"low", "high", "method", "level"}``); an undefined bound is ``null``."""
        return {
            "low": None if np.isnan(self.low) else self.low,
            "high": None if np.isnan(self.high) else self.high,
            "method": self.method,
            "level": self.level,
        }


@dataclass(frozen=True)
class AucVariance:
    """The point AUC and DeLong's estimate of its variance (NaN for both when a class is missing)."""

    auc: float
    variance: float


def _z(level: float) -> float:
    """The two-sided normal quantile for ``level``; a level outside (0, 1) is a caller's bug."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")
    return float(ndtri(0.5 + 0.5 * level))


def wilson(successes: np.ndarray | float, n: np.ndarray | float, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score bounds for ``successes`` out of ``n``, elementwise (no continuity correction).

    Vectorised so one call covers every slice and model; ``n == 0`` gives NaN bounds (no rows, no
    claim) instead of a warning. The exact 0 / 1 ends at ``k == 0`` / ``k == n`` match the reference
    implementation bit for bit.
    """
    z = _z(level)
    k = np.asarray(successes, dtype=float)
    total = np.asarray(n, dtype=float)
    if np.any(k < 0) or np.any(k > total):
        raise ValueError("successes must lie between 0 and n")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / total
        denom = 2.0 * (total + z * z)
        center = (2.0 * total * p + z * z) / denom
        delta = z / denom * np.sqrt(4.0 * total * p * (1.0 - p) + z * z)
    low = np.where(k == 0, 0.0, center - delta)
    high = np.where(k == total, 1.0, center + delta)
    empty = total == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def wilson_interval(successes: float, n: float, level: float = 0.95) -> Interval:
    """One Wilson interval as an :class:`Interval`, for a single number on screen or in a report."""
    low, high = wilson(successes, n, level)
    return Interval(float(low), float(high), "wilson", level)


def _binary_inputs(y_true: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validate once at the top, then pure array code: positives are the truthy labels."""
    y = np.asarray(y_true).astype(bool).ravel()
    s = np.asarray(score, dtype=float).ravel()
    if y.shape != s.shape:
        raise ValueError(f"y_true and score must have the same length, got {y.size} and {s.size}")
    if np.isnan(s).any():
        raise ValueError("score contains NaN")
    return y, s


def auc_variance(y_true: np.ndarray, score: np.ndarray) -> AucVariance:
    """AUC and its DeLong variance, O(n log n) (one sort) instead of the O(n·m) pairwise comparison."""
    y, s = _binary_inputs(y_true, score)
    order = np.argsort(s, kind="stable")
    return sorted_auc_variance(s[order], y[order])


def sorted_auc_variance(sorted_score: np.ndarray, positive: np.ndarray) -> AucVariance:
    """:func:`auc_variance` of scores already in increasing order: O(n), no sort (a slice index keeps them so).

    DeLong's structural components only depend on each tie group of equal scores: a positive in a group beats
    the negatives below it and half of those tied with it (``v10``), a negative is beaten by the positives above
    it and half of those tied (``v01``); so both are one value per group, weighted by its positives / negatives.
    """
    s = np.asarray(sorted_score, dtype=float)
    y = np.asarray(positive, dtype=bool)
    m = int(np.count_nonzero(y))
    n = y.size - m
    if m == 0 or n == 0:
        return AucVariance(float("nan"), float("nan"))
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    pos_in = np.add.reduceat(y.astype(np.int64), starts)  # positives per tie group
    neg_in = np.diff(np.r_[starts, y.size]) - pos_in
    neg_below = np.cumsum(neg_in) - neg_in
    pos_above = m - np.cumsum(pos_in)
    v10 = (neg_below + 0.5 * neg_in) / n  # one value per group, for each of its positives
    v01 = (pos_above + 0.5 * pos_in) / m  # one value per group, for each of its negatives
    auc = float(np.dot(pos_in, v10) / m)
    s10 = float(np.dot(pos_in, (v10 - auc) ** 2) / (m - 1)) if m > 1 else 0.0
    s01 = float(np.dot(neg_in, (v01 - auc) ** 2) / (n - 1)) if n > 1 else 0.0
    return AucVariance(auc, s10 / m + s01 / n)


def delong_auc(y_true: np.ndarray, score: np.ndarray, level: float = 0.95) -> Interval:
    """DeLong's normal interval for the AUC, clipped to [0, 1]; NaN bounds when only one class is present."""
    z = _z(level)
    est = auc_variance(y_true, score)
    if np.isnan(est.auc):
        return Interval(float("nan"), float("nan"), "delong", level)
    half = z * float(np.sqrt(est.variance))
    return Interval(max(0.0, est.auc - half), min(1.0, est.auc + half), "delong", level)


def confusion_bootstrap(
    tp: int,
    fp: int,
    tn: int,
    fn: int,
    metric: CellMetric,
    resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Percentile bootstrap of a confusion-cell metric, drawn as a multinomial over the four cells.

    Resampling n rows with replacement only changes how many fall in each cell, and those counts are
    exactly ``Multinomial(n, cells / n)``: the same distribution for O(resamples) work and memory, so it can
    follow a threshold on a million rows. Resamples where the metric is undefined (NaN) are left out; if all
    are, the bounds are NaN.
    """
    _z(level)
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples!r}")
    cells = np.array([tp, fp, tn, fn], dtype=np.int64)
    if (cells < 0).any():
        raise ValueError("confusion cells must be non-negative")
    total = int(cells.sum())
    if total == 0:
        return Interval(float("nan"), float("nan"), "bootstrap", level)
    draws = np.random.default_rng(seed).multinomial(total, cells / total, size=resamples)
    values = np.asarray(metric(draws[:, 0], draws[:, 1], draws[:, 2], draws[:, 3]), dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return Interval(float("nan"), float("nan"), "bootstrap", level)
    low, high = np.quantile(values, [0.5 - 0.5 * level, 0.5 + 0.5 * level])
    return Interval(float(low), float(high), "bootstrap", level)
